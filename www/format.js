// Number formatting and write-only-on-change DOM helpers shared by the views.
export const fmtPct = (v) => (v === null || v === undefined || Number.isNaN(v) ? '–' : `${(v * 100).toFixed(1)}%`);
export function fmtNum(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.01) return v.toFixed(2);
  return v.toExponential(1);
}
/** "1 spike", "2 spikes": a count with its noun. */
export const plural = (n, noun) => `${fmtInt(n)} ${noun}${Math.round(n) === 1 ? '' : 's'}`;
export const fmtInt = (v) => (v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));

export const $ = (id) => document.getElementById(id);

// Writing the same markup again would still cost style and layout: skip unchanged writes.
export function setHtml(el, html) {
  if (el.__html !== html) {
    el.__html = html;
    el.innerHTML = html;
  }
}
export function setText(el, text) {
  if (el.__text !== text) {
    el.__text = text;
    el.textContent = text;
  }
}

/** Index of the largest value in p[0..n). */
export function argmax(p, n = p.length) {
  let best = 0;
  for (let k = 1; k < n; k++) if (p[k] > p[best]) best = k;
  return best;
}
