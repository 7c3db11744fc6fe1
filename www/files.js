// Files in and out: CSV data upload, model save/load (.safetensors, or a NIR graph), the metrics CSV, and the PNG
// export of a view (each view hands its canvas to exportPng for its own button).
import { $ } from './format.js';
import { store } from './store.js';
import { ask } from './link.js';
import { TO_WORKER, FROM_WORKER } from './protocol.js';
import { on } from './bus.js';
import { metricsCsv } from './history.js';

export function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

/** The PNG button `button.png[data-png=name]` downloads canvas() as s3nn-<name>.png. */
export function exportPng(name, canvas) {
  const b = document.querySelector(`button.png[data-png="${name}"]`);
  if (!b) throw new Error(`no PNG button "${name}"`);
  // Nine buttons read "PNG": the name says which picture (the heading they sit in).
  const heading = b.closest('h2, h3')?.firstChild?.textContent?.trim() || name;
  b.setAttribute('aria-label', `download ${heading} as PNG`);
  b.addEventListener('click', () => {
    const c = canvas();
    if (!c) return;
    c.toBlob((blob) => blob && download(blob, `s3nn-${name}.png`), 'image/png');
  });
}

/** Calls fn(file) for the file chosen in <input type=file id>, then clears the input. */
function onFile(id, fn) {
  $(id).addEventListener('change', async (ev) => {
    const f = ev.target.files[0];
    ev.target.value = '';
    if (f) await fn(f);
  });
}

onFile('c-csv', async (f) => {
  const text = await f.text();
  store.csvText = text; // kept in the link when the worker accepts it and it is small
  ask(TO_WORKER.csv, { text, seed: store.run.seed });
});
onFile('c-load', async (f) => {
  const bytes = await f.arrayBuffer();
  store.loadPending = bytes.slice(0); // what Reset goes back to, once the worker has accepted it
  ask(TO_WORKER.load, { bytes }, [bytes]);
});

/** Reset of a loaded model: the file's weights again. */
export function reloadModel() {
  const bytes = store.loadedFile.slice(0);
  store.loadPending = store.loadedFile;
  ask(TO_WORKER.load, { bytes }, [bytes]);
}
$('b-save').addEventListener('click', () => ask(TO_WORKER.save, { format: 'safetensors' }));
$('b-nir').addEventListener('click', () => ask(TO_WORKER.save, { format: 'nir' }));
on(FROM_WORKER.saved, (m) => download(new Blob([m.bytes], { type: 'application/octet-stream' }), `s3nn-${m.neuron}-${m.arch}.${m.format}`));
$('b-csv').addEventListener('click', () => {
  const R = store.run;
  download(new Blob([metricsCsv(`s3nn run ${location.href}`)], { type: 'text/csv' }), `s3nn-metrics-${R.data}-${R.neuron}.csv`);
});
