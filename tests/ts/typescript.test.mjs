// The package's TypeScript declarations: a consumer of the whole API passes `tsc --noEmit
// --strict`, and one with misspelled config keys fails on exactly those keys. Needs pkg/ (from
// scripts/build-pkg.sh) and the `typescript` dev dependency.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = process.env.S3NN_TSC ?? createRequire(`${root}package.json`).resolve('typescript/bin/tsc');
const here = (f) => fileURLToPath(new URL(f, import.meta.url));

// One tsc run over both files (a run costs seconds, mostly loading the DOM library, which
// `--skipDefaultLibCheck` does not check again); each error names its file and line.
function tscErrors() {
  const files = ['consumer.ts', 'misspelled-key.ts'].map(here);
  const args = [tsc, '--noEmit', '--strict', '--skipDefaultLibCheck', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--lib', 'es2022,dom', ...files];
  try {
    execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    return [];
  } catch (e) {
    const out = `${e.stdout}${e.stderr}`;
    const errors = out.split('\n').filter((l) => /error TS\d+/.test(l));
    assert.ok(errors.length > 0, `tsc failed without a type error: ${out}`);
    return errors;
  }
}
const errors = tscErrors();

test('the public declarations have no `any`', () => {
  const dts = readFileSync(`${root}pkg/s3nn.d.ts`, 'utf8');
  // The public part ends where wasm-bindgen's internal InitOutput (raw wasm exports) begins.
  const publicPart = dts.slice(0, dts.indexOf('export type InitInput'));
  const anys = publicPart.split('\n').filter((l) => /\bany\b/.test(l.replace(/\/\*.*?\*\/|^\s*\*.*$|\/\/.*$/g, '')));
  assert.deepEqual(anys, []);
});

test('a consumer of the whole API passes tsc --strict', () => {
  assert.deepEqual(errors.filter((l) => !l.includes('misspelled-key.ts')), []);
});

test('misspelled config keys fail tsc --strict, naming them', () => {
  const here = errors.filter((l) => l.includes('misspelled-key.ts'));
  assert.equal(here.length, 2, here.join('\n'));
  assert.match(here[0], /misspelled-key\.ts\(6,.*'neuronn'/);
  assert.match(here[1], /misspelled-key\.ts\(7,.*'lrr'/);
});
