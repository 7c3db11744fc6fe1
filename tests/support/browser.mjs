// Shared by the browser tests: Debian's Chromium (scripts/lib/chromium.mjs) and a static file
// server on a free loopback port (the project's one server, scripts/lib/server.mjs).
import { startServer } from '../../scripts/lib/server.mjs';
export { launchChromium } from '../../scripts/lib/chromium.mjs';

/** Serves `dir` on 127.0.0.1 at a free port; resolves to { url, close }. */
export function serveDir(dir) {
  return startServer({ mounts: [['/', dir]], host: '127.0.0.1' });
}
