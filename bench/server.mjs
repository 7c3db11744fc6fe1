// A tiny static server (node:http only) on 127.0.0.1, port 0, for the Chromium harnesses, plus the
// Chromium launcher. Serves only bench/, target/bench-pkg/ and node_modules/ of the repo.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIME } from '../scripts/lib/mime.mjs';
import { launchChromium } from '../scripts/lib/chromium.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED = ['/bench/', '/target/bench-pkg/', '/node_modules/'];


export function startServer() {
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.join(root, path.normalize(p));
    if (!ALLOWED.some((a) => p.startsWith(a)) || !file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

export const launch = launchChromium;
