#!/usr/bin/env node
// Serves the s3nn demo page (mounts: scripts/lib/demo-server.mjs) with the project's static server.
//
// Usage: node scripts/serve.mjs [port]   (or PORT=...; default 8080; 0 picks a free port)
// S3NN_PKG_DIR overrides the pkg/ directory (e.g. to try another build).
// Prints "s3nn demo: http://localhost:PORT/" once listening.
import { startDemoServer } from './lib/demo-server.mjs';

const arg = process.argv[2] ?? process.env.PORT ?? '8080';
const port = Number(arg);
if (!/^\d+$/.test(arg) || port > 65535) {
  console.error(`serve.mjs: invalid port '${arg}'`);
  process.exit(2);
}
let server;
try {
  server = await startDemoServer(port);
} catch (e) {
  console.error(`serve.mjs: cannot listen on port ${port}: ${e.message}`);
  process.exit(2);
}
console.log(`s3nn demo: ${server.url}`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close().then(() => process.exit(0)));
