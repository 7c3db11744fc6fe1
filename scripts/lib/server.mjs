// The project's one static file server (node:http only), shared by the demo (scripts/serve.mjs),
// the browser tests and the benchmarks: each of them only says which directories it mounts where.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { MIME } from './mime.mjs';

/**
 * Serves files from `mounts`: `[[urlPrefix, dir], …]`, each prefix ending in '/'; the longest
 * matching prefix wins, so `['/', www]` can sit beside `['/pkg/', pkg]`. A directory serves its
 * index.html at its '/' URL (`/dir` and `/prefix` redirect there). GET and HEAD only; paths outside a mount's dir
 * are 404s.
 *
 * `port` 0 picks a free port; `host` undefined listens on every interface (the demo), tests and
 * benchmarks pass '127.0.0.1'. `headers` are added to every file response.
 * Resolves to `{ url, port, close }` once listening; `url` ends in '/', and `close()` also drops
 * open keep-alive connections, so a test process can exit right after it.
 */
export function startServer({ mounts, port = 0, host, headers = {} }) {
  const table = mounts
    .map(([prefix, dir]) => {
      if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`mount prefix '${prefix}' must start and end with '/'`);
      return [prefix, path.resolve(dir)];
    })
    .sort((a, b) => b[0].length - a[0].length);

  const locate = (urlPath) => {
    for (const [prefix, dir] of table) {
      if (prefix !== '/' && urlPath === prefix.slice(0, -1)) return { redirect: prefix };
      if (!urlPath.startsWith(prefix)) continue;
      const file = path.resolve(dir, urlPath.slice(prefix.length) || '.');
      return file === dir || file.startsWith(dir + path.sep) ? { file } : null;
    }
    return null;
  };

  const server = http.createServer((req, res) => {
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const hit = locate(urlPath);
    if (hit?.redirect) {
      res.writeHead(301, { location: hit.redirect }).end();
      return;
    }
    const notFound = () => res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${urlPath}`);
    if (!hit) return notFound();
    const send = (file, st) => {
      res.writeHead(200, {
        'content-type': MIME[path.extname(file).toLowerCase()] || 'application/octet-stream',
        'content-length': st.size,
        'cache-control': 'no-cache',
        ...headers,
      });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(file).pipe(res);
    };
    fs.stat(hit.file, (err, st) => {
      if (err) return notFound();
      if (st.isFile()) return send(hit.file, st);
      if (!st.isDirectory()) return notFound();
      // A directory's page is served at its '/' URL, so that its relative links resolve inside it.
      if (!urlPath.endsWith('/')) return res.writeHead(301, { location: `${urlPath}/` }).end();
      const index = path.join(hit.file, 'index.html');
      fs.stat(index, (err2, st2) => (err2 || !st2.isFile() ? notFound() : send(index, st2)));
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      resolve({
        port: actual,
        url: `http://${host ?? 'localhost'}:${actual}/`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
