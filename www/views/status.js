// The status bar and the transport buttons: play/pause (and Space), step, reset; epoch, steps,
// samples/s, loss, accuracies, the model's architecture.
import { FROM_WORKER, TO_WORKER } from '../protocol.js';
import { $, fmtInt, fmtNum, fmtPct, setHtml, setText, setAttr } from '../format.js';
import { store } from '../store.js';
import { ask } from '../link.js';
import { configure } from '../controls.js';
import { reloadModel } from '../files.js';

const ICON_PLAY = '<svg viewBox="0 0 24 24" width="20" height="20"><path d="M8 5v14l11-7z" fill="currentColor"/></svg>';
const ICON_PAUSE = '<svg viewBox="0 0 24 24" width="20" height="20"><path d="M6 5h4v14H6zM14 5h4v14h-4z" fill="currentColor"/></svg>';

export default {
  name: 'status',
  light: true,
  watch: [FROM_WORKER.state, FROM_WORKER.progress, FROM_WORKER.eval],
  init() {
    this.play = $('b-play');
    this.el = { epoch: $('s-epoch'), bar: $('s-epochbar'), progress: $('s-progress'), testSet: $('s-testset'), lr: $('s-lr'), steps: $('s-steps'), rate: $('s-rate'), loss: $('s-loss'), train: $('s-train'), test: $('s-test'), arch: $('s-arch') };
    this.play.addEventListener('click', () => ask(store.playing ? TO_WORKER.pause : TO_WORKER.play));
    document.addEventListener('keydown', (ev) => {
      // Space toggles play/pause unless typing in a control.
      if (ev.code !== 'Space' || ev.target.closest('input, select, textarea, button')) return;
      ev.preventDefault();
      this.play.click();
    });
    $('b-step').addEventListener('click', () => ask(TO_WORKER.step, { n: 10 }));
    $('b-reset').addEventListener('click', () => (store.loadedFile ? reloadModel() : configure()));
  },
  render() {
    const { play, el } = this;
    setHtml(play, store.playing ? ICON_PAUSE : ICON_PLAY);
    play.classList.toggle('on', store.playing);
    setAttr(play, 'aria-pressed', String(!!store.playing));
    const p = store.progress;
    // No run (being built, downloading, or refused): dashes, not the last run's figures.
    const main = store.models?.length ? p?.models?.[0] : null;
    setText(el.epoch, main ? String(Math.floor(main.epoch)) : '–');
    const bw = `${main ? ((main.epoch % 1) * 100).toFixed(0) : 0}%`;
    if (el.bar.style.width !== bw) el.bar.style.width = bw;
    setAttr(el.progress, 'aria-valuenow', String(parseInt(bw, 10)));
    setText(el.steps, main ? fmtInt(main.steps) : '–');
    setText(el.rate, main && store.playing && p.samplesPerSec ? fmtInt(p.samplesPerSec) : '–');
    setText(el.loss, main?.steps ? fmtNum(main.loss) : '–');
    setText(el.train, main?.steps ? fmtPct(main.acc) : '–');
    setText(el.lr, main?.lr ? fmtNum(Number(main.lr.toPrecision(3))) : '–'); // the f32 rate (0.0099999998) as set (0.01)
    const ev = store.models?.length ? store.eval : null;
    const em = ev?.models?.[0];
    setText(el.test, em ? fmtPct(em.testAcc) : '–');
    // Which test images the figure is on: all of them, or the spread subset of quick evaluations.
    const all = store.info?.testLen;
    setText(el.testSet, em && all ? (em.evalSamples < all ? `on ${fmtInt(em.evalSamples)} of ${fmtInt(all)}` : `on all ${fmtInt(all)}`) : '');
    const mi = store.models?.[0];
    setText(el.arch, mi ? `${mi.arch} · ${mi.neuron} · ${fmtInt(mi.params)} params${store.models.length > 1 ? ` · ${store.models.length} models` : ''}` : 'no model');
  },
};
