// Node entry of the s3nn package: instantiates the wasm module synchronously from the file next
// to this one, so `import { Network } from 's3nn'` works with no `await init()` in Node.
import { readFileSync } from 'node:fs';
import { initSync } from './s3nn.js';

initSync({ module: readFileSync(new URL('./s3nn_bg.wasm', import.meta.url)) });

export * from './s3nn.js';
export { default } from './s3nn.js';
