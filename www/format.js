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
/** An energy in pJ with the unit that keeps 1-3 digits before the point: pJ, nJ, µJ. */
export function fmtEnergy(pj) {
  if (pj === null || pj === undefined || Number.isNaN(pj)) return '–';
  const a = Math.abs(pj);
  if (a >= 1e6) return `${(pj / 1e6).toFixed(2)} µJ`;
  if (a >= 1e3) return `${(pj / 1e3).toFixed(2)} nJ`;
  return `${pj.toFixed(a >= 100 ? 0 : 1)} pJ`;
}

/** "1 spike", "2 spikes": a count with its noun. */
export const plural = (n, noun) => `${fmtInt(n)} ${noun}${Math.round(n) === 1 ? '' : 's'}`;
// One formatter for every count: toLocaleString built one per call and showed in the main thread's profile.
const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const fmtInt = (v) => (v === null || v === undefined ? '–' : INT.format(Math.round(v)));

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

export function setAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** Index of the largest value in p[0..n). */
export function argmax(p, n = p.length) {
  let best = 0;
  for (let k = 1; k < n; k++) if (p[k] > p[best]) best = k;
  return best;
}
