// The status bar and the transport buttons: play/pause (and Space), step, reset; epoch, steps,
// samples/s, loss, accuracies, the model's architecture.
import { FROM_WORKER, TO_WORKER } from '../protocol.js';
import { $, fmtInt, fmtNum, fmtPct, setHtml, setText } from '../format.js';
import { store } from '../store.js';
import { ask } from '../link.js';
import { configure } from '../controls.js';

const ICON_PLAY = '<svg viewBox="0 0 24 24" width="20" height="20"><path d="M8 5v14l11-7z" fill="currentColor"/></svg>';
const ICON_PAUSE = '<svg viewBox="0 0 24 24" width="20" height="20"><path d="M6 5h4v14H6zM14 5h4v14h-4z" fill="currentColor"/></svg>';

export default {
  name: 'status',
  light: true,
  watch: [FROM_WORKER.state, FROM_WORKER.progress, FROM_WORKER.eval],
  init() {
    this.play = $('b-play');
    this.el = { epoch: $('s-epoch'), bar: $('s-epochbar'), steps: $('s-steps'), rate: $('s-rate'), loss: $('s-loss'), train: $('s-train'), test: $('s-test'), arch: $('s-arch') };
    this.play.addEventListener('click', () => ask(store.playing ? TO_WORKER.pause : TO_WORKER.play));
    document.addEventListener('keydown', (ev) => {
      // Space toggles play/pause unless typing in a control.
      if (ev.code !== 'Space' || ev.target.closest('input, select, textarea, button')) return;
      ev.preventDefault();
      this.play.click();
    });
    $('b-step').addEventListener('click', () => ask(TO_WORKER.step, { n: 10 }));
    $('b-reset').addEventListener('click', () => configure());
  },
  render() {
    const { play, el } = this;
    setHtml(play, store.playing ? ICON_PAUSE : ICON_PLAY);
    play.classList.toggle('on', store.playing);
    const p = store.progress;
    const main = p?.models?.[0];
    if (main) {
      setText(el.epoch, String(Math.floor(main.epoch)));
      const bw = `${((main.epoch % 1) * 100).toFixed(0)}%`;
      if (el.bar.style.width !== bw) el.bar.style.width = bw;
      setText(el.steps, fmtInt(main.steps));
      setText(el.rate, store.playing && p.samplesPerSec ? fmtInt(p.samplesPerSec) : '–');
      setText(el.loss, main.steps ? fmtNum(main.loss) : '–');
      setText(el.train, main.steps ? fmtPct(main.acc) : '–');
    }
    const ev = store.eval?.models?.[0];
    setText(el.test, ev ? fmtPct(ev.testAcc) : '–');
    const mi = store.models?.[0];
    if (mi) setText(el.arch, `${mi.arch} · ${mi.neuron} · ${fmtInt(mi.params)} params${store.models.length > 1 ? ` · ${store.models.length} models` : ''}`);
  },
};
