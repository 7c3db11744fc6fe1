// Turns wasm-pack's `--target web` output into one package for browsers, bundlers and Node:
// a Node entry that instantiates the wasm synchronously from disk, an `exports` map that picks
// it under the `node` condition, and the package's own README.
import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';

const cargo = readFileSync('Cargo.toml', 'utf8');
const field = (k) => cargo.match(new RegExp(`^${k}\\s*=\\s*"([^"]*)"`, 'm'))[1];
const pkg = {
  name: 's3nn',
  version: field('version'),
  description: field('description'),
  license: field('license'),
  type: 'module',
  main: './s3nn.js',
  module: './s3nn.js',
  types: './s3nn.d.ts',
  exports: {
    '.': {
      types: './s3nn.d.ts',
      node: './s3nn_node.js',
      default: './s3nn.js',
    },
    './s3nn_bg.wasm': './s3nn_bg.wasm',
    './package.json': './package.json',
  },
  files: ['s3nn.js', 's3nn.d.ts', 's3nn_bg.wasm', 's3nn_bg.wasm.d.ts', 's3nn_node.js', 's3nn_node.d.ts', 'README.md', 'LICENSE'],
  sideEffects: ['./s3nn_node.js'],
  keywords: ['spiking-neural-network', 'snn', 'wasm', 'simd', 'machine-learning'],
  engines: { node: '>=18' },
};
writeFileSync('pkg/package.json', JSON.stringify(pkg, null, 2) + '\n');
copyFileSync('js/s3nn_node.js', 'pkg/s3nn_node.js');
copyFileSync('js/s3nn_node.d.ts', 'pkg/s3nn_node.d.ts');
copyFileSync('js/README.md', 'pkg/README.md');
copyFileSync('LICENSE', 'pkg/LICENSE');
