// The first screen's explanation: what a single-step spike is, what the chosen neuron's
// parameters do (symbols and meanings from the catalog, for whichever neuron is chosen), the
// paper, and the guided runs of presets.js.
import { PAGE, on } from '../bus.js';
import { $ } from '../format.js';
import { store } from '../store.js';
import { paramsTaken, surrogateOf, neuronInfo } from '../catalog.js';
import { PRESETS } from '../presets.js';

const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export default {
  name: 'intro',
  light: true,
  watch: [],
  init() {
    const box = $('intro');
    // Open on the first visit on a wide screen; phones keep the main plot first.
    box.open = !matchMedia('(max-width: 640px)').matches;
    $('intro-presets').innerHTML = PRESETS.map((p) => `<li><a href="${escape(p.hash)}">${escape(p.label)}</a>: ${escape(p.says)}</li>`).join('');
    on(PAGE.sync, (R) => {
      const cat = store.catalog;
      const n = neuronInfo(cat, R.neuron);
      const s = surrogateOf(cat, R.neuron);
      const items = paramsTaken(cat, R.neuron, R.neuron).map((p) => `<li><b>${escape(p.symbol)}</b> (${escape(p.name)}, now ${escape(R[p.name])}): ${escape(p.meaning)}</li>`);
      $('intro-params').innerHTML = items.length
        ? items.join('')
        : `<li>${escape(n?.label ?? R.neuron)}: ${escape(n?.description ?? '')}; it has no surrogate parameters.</li>`;
      $('intro-neuron').textContent = `${n?.label ?? R.neuron}${s ? ` (surrogate: ${s.label ?? s.name})` : ''}`;
    });
  },
  render() {},
};
