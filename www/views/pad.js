// The 28 × 28 drawing pad (image sets): drawing probes the model; a probed test image is copied
// onto the pad. Also the "test #" input and the clear button.
import { FROM_WORKER, TO_WORKER } from '../protocol.js';
import { PAGE, on } from '../bus.js';
import { $ } from '../format.js';
import { store } from '../store.js';
import { ask } from '../link.js';

const SIDE = 28;
const SEND_MS = 80; // while drawing, probe at most this often

export default {
  name: 'pad',
  light: true,
  // A test image probed while an image set is shown is copied onto the pad.
  watch: { [FROM_WORKER.probe]: (m) => m.source?.kind === 'test' && m.x.length === SIDE * SIDE },
  init() {
    const pad = (this.pad = $('pad'));
    const x = (this.x = new Float32Array(SIDE * SIDE));
    let down = false;
    // The pad shows the probed test image until the first stroke, which starts from a blank pad
    // (strokes used to land on top of the digit).
    this.drawn = false;
    let last = null;
    let sendTimer = 0;
    const stamp = (px, py) => {
      for (let y = Math.floor(py - 2); y <= Math.ceil(py + 2); y++) {
        for (let q = Math.floor(px - 2); q <= Math.ceil(px + 2); q++) {
          if (q < 0 || y < 0 || q > SIDE - 1 || y > SIDE - 1) continue;
          const d = Math.hypot(q + 0.5 - px, y + 0.5 - py);
          const v = Math.max(0, Math.min(1, 1.6 - d * 0.75));
          x[y * SIDE + q] = Math.max(x[y * SIDE + q], v);
        }
      }
    };
    const pos = (ev) => {
      const r = pad.getBoundingClientRect();
      return [((ev.clientX - r.left) / r.width) * SIDE, ((ev.clientY - r.top) / r.height) * SIDE];
    };
    const send = () => {
      if (!store.info || store.info.features !== SIDE * SIDE) return;
      ask(TO_WORKER.probe, { x, source: { kind: 'drawn' } });
    };
    pad.addEventListener('pointerdown', (ev) => {
      down = true;
      if (!this.drawn) x.fill(0);
      this.drawn = true;
      pad.setPointerCapture(ev.pointerId);
      last = pos(ev);
      stamp(...last);
      this.draw();
    });
    pad.addEventListener('pointermove', (ev) => {
      if (!down) return;
      const p = pos(ev);
      const d = Math.hypot(p[0] - last[0], p[1] - last[1]);
      const k = Math.max(1, Math.ceil(d / 0.5));
      for (let i = 1; i <= k; i++) stamp(last[0] + ((p[0] - last[0]) * i) / k, last[1] + ((p[1] - last[1]) * i) / k);
      last = p;
      this.draw();
      if (!sendTimer) sendTimer = setTimeout(() => ((sendTimer = 0), send()), SEND_MS);
    });
    const up = () => {
      if (!down) return;
      down = false;
      // The stroke's last send replaces the pending throttled one: left running, that timer would
      // probe the drawing again after whatever the user asks next (a test image chosen with the
      // keyboard, say), and the stale drawing would win.
      clearTimeout(sendTimer);
      sendTimer = 0;
      send();
    };
    pad.addEventListener('pointerup', up);
    pad.addEventListener('pointercancel', up);
    $('b-clear').addEventListener('click', () => {
      x.fill(0);
      this.draw();
    });
    const testIdx = $('c-testidx');
    testIdx.addEventListener('change', () => ask(TO_WORKER.probe, { index: Number(testIdx.value) || 0 }));
    on(FROM_WORKER.probe, (m) => {
      if (m.source?.kind === 'test' && m.x.length === SIDE * SIDE) {
        x.set(m.x);
        this.drawn = false;
      }
    });
    on(PAGE.sync, (R) => {
      $('probe-image').hidden = R.kind !== 'image';
    });
    this.draw();
  },
  render() {
    this.draw();
  },
  draw() {
    const ctx = this.pad.getContext('2d');
    const img = ctx.createImageData(SIDE, SIDE);
    for (let i = 0; i < SIDE * SIDE; i++) {
      const g = Math.round(255 * this.x[i]);
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = g;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  },
};
