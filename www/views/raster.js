// The spike raster: 64 test samples × hidden neurons, an image made in the worker.
import { FROM_WORKER } from '../protocol.js';
import { $ } from '../format.js';
import { store } from '../store.js';
import { drawRaster } from '../draw.js';
import { exportPng } from '../files.js';

export default {
  name: 'raster',
  watch: [FROM_WORKER.raster],
  init() {
    this.canvas = $('raster');
    exportPng('raster', () => this.canvas);
  },
  render() {
    if (store.raster) drawRaster(this.canvas, store.raster);
  },
};
