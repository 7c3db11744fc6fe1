// What the Chromium benchmark harnesses serve (the project's static server, scripts/lib/server.mjs,
// on 127.0.0.1 at a free port): bench/, target/bench-pkg/ and node_modules/ of the repo, at the
// same paths. Plus the Chromium launcher.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer as serve } from '../scripts/lib/server.mjs';
import { launchChromium } from '../scripts/lib/chromium.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `extra`: more `[urlPrefix, dir]` mounts (e.g. bench-compare's old and new packages). */
export function startServer(extra = []) {
  const mounts = ['bench/', 'target/bench-pkg/', 'node_modules/'].map((d) => [`/${d}`, path.join(root, d)]);
  return serve({ mounts: [...mounts, ...extra], host: '127.0.0.1', headers: { 'cache-control': 'no-store' } });
}

/**
 * The same mounts plus pkg/ (both wasm builds), cross-origin isolated (COOP same-origin + COEP
 * require-corp, as the demo server): the page of the threads benchmark (bench/threads.html), where
 * the threaded s3nn build and TF.js's threaded binary can run.
 */
export function startIsolatedServer() {
  const mounts = ['bench/', 'target/bench-pkg/', 'node_modules/', 'pkg/'].map((d) => [`/${d}`, path.join(root, d)]);
  const headers = { 'cache-control': 'no-store', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
  return serve({ mounts, host: '127.0.0.1', headers });
}

export const launch = launchChromium;
