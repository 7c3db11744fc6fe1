// The views registry: every view of the page, in drawing order. A view is a module whose default
// export is {name, watch, light?, chart?, init(ctx), render()} (see www/README.md); adding one is
// its module, one line here, and its place in index.html.
import status from './status.js';
import intro from './intro.js';
import loading from './loading.js';
import version from './version.js';
import pad from './pad.js';
import boundary from './boundary.js';
import probe from './probe.js';
import raster from './raster.js';
import surrogate from './surrogate.js';
import ops from './ops.js';
import gallery from './gallery.js';
import confusion from './confusion.js';
import compare from './compare.js';
import compareBoundaries from './compare-boundaries.js';
import loss from './loss.js';
import accuracy from './accuracy.js';
import rates from './rates.js';
import grads from './grads.js';
import compareAccuracy from './compare-accuracy.js';
import graph from './graph.js';
import sparsity from './sparsity.js';

export const VIEWS = [
  status, intro, loading, version, pad, boundary, probe, raster, surrogate, ops, gallery, confusion, compare, compareBoundaries,
  loss, accuracy, rates, grads, compareAccuracy, graph, sparsity,
];
