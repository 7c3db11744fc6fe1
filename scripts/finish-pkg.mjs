// Turns wasm-pack's `--target web` output into one package for browsers, bundlers and Node:
// a Node entry that instantiates the wasm synchronously from disk, an `exports` map that picks
// it under the `node` condition, and the package's own README. It also patches wasm-bindgen's
// glue (s3nn.js) where its messages would confuse a user; each patch checks its anchor, so a
// wasm-bindgen upgrade that changes the glue fails the build instead of silently dropping it.
import { readFileSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';

const cargo = readFileSync('Cargo.toml', 'utf8');
const field = (k) => cargo.match(new RegExp(`^${k}\\s*=\\s*"([^"]*)"`, 'm'))[1];
const pkg = {
  name: 's3nn',
  version: field('version'),
  description: field('description'),
  license: field('license'),
  type: 'module',
  main: './s3nn_browser.js',
  module: './s3nn_browser.js',
  types: './s3nn_browser.d.ts',
  exports: {
    '.': {
      types: './s3nn_browser.d.ts',
      node: './s3nn_node.js',
      default: './s3nn_browser.js',
    },
    './s3nn_bg.wasm': './s3nn_bg.wasm',
    './package.json': './package.json',
  },
  files: ['s3nn.js', 's3nn.d.ts', 's3nn_bg.wasm', 's3nn_bg.wasm.d.ts', 's3nn_node.js', 's3nn_node.d.ts',
    's3nn_browser.js', 's3nn_browser.d.ts', 'threads/', 'README.md', 'LICENSE'],
  // the threaded build's worker script runs on import (it waits for its start message)
  sideEffects: ['./s3nn_node.js', './threads/snippets/**'],
  keywords: ['spiking-neural-network', 'snn', 'wasm', 'simd', 'machine-learning'],
  engines: { node: '>=18' },
};
writeFileSync('pkg/package.json', JSON.stringify(pkg, null, 2) + '\n');
copyFileSync('js/s3nn_node.js', 'pkg/s3nn_node.js');
copyFileSync('js/s3nn_node.d.ts', 'pkg/s3nn_node.d.ts');
copyFileSync('js/s3nn_browser.d.ts', 'pkg/s3nn_browser.d.ts');
copyFileSync('js/README.md', 'pkg/README.md');
copyFileSync('LICENSE', 'pkg/LICENSE');

// --- glue patches -----------------------------------------------------------------------------
// The same patches go into both builds' glue: pkg/ (single-thread) and pkg/threads/ (threaded).
for (const dir of ['pkg', 'pkg/threads']) patchBuild(dir);

// wasm-bindgen-rayon's worker script starts each pool worker with the init function's old
// positional form `(module, memory)`, for which the glue logs a deprecation warning in every
// worker; the object form is the same call.
{
  const dir = 'pkg/threads/snippets';
  const helpers = readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('workerHelpers.no-bundler.js'));
  if (helpers.length !== 1) { console.error(`finish-pkg: expected one workerHelpers.no-bundler.js under ${dir}, found ${helpers.length}`); process.exit(1); }
  const file = `${dir}/${helpers[0]}`;
  const text = readFileSync(file, 'utf8');
  const old = 'await pkg.default(data.module, data.memory);';
  if (!text.includes(old)) { console.error(`finish-pkg: ${file} no longer has "${old}" (wasm-bindgen-rayon changed: update scripts/finish-pkg.mjs)`); process.exit(1); }
  writeFileSync(file, text.replace(old, 'await pkg.default({ module_or_path: data.module, memory: data.memory });'));
}

function patchBuild(dir) {
  const gluePath = `${dir}/s3nn.js`;
  let glue = readFileSync(gluePath, 'utf8');

  /** Replaces every match of `re` (global) and fails unless there are exactly `count` of them. */
  function patch(what, re, replacement, count) {
    const found = glue.match(re)?.length ?? 0;
    if (found !== count) {
      console.error(`finish-pkg: glue patch "${what}": expected ${count} match(es) of ${re}, found ${found}; ` +
        'wasm-bindgen\'s output changed (update scripts/finish-pkg.mjs), or pkg/ is patched already (rebuild it: FORCE=1 bash scripts/build-pkg.sh)');
      process.exit(1);
    }
    glue = glue.replace(re, replacement);
  }

  const classes = (glue.match(/^export class \w+ \{$/gm) ?? []).length;

  // Use after free(): the generated shim reads the freed object's pointer, 0, and Rust throws
  // "null pointer passed to rust", which names neither the object nor the cause. An object
  // stays borrowed only if a call trapped inside wasm (a bug), and then every later call says
  // "recursive use of an object detected"; say that too.
  patch('explain throws from Rust',
    /(__wbg___wbindgen_throw_[0-9a-f]+: function\(arg0, arg1\) \{\n\s*)throw new Error\(getStringFromWasm0\(arg0, arg1\)\);/g,
    '$1throw new Error(explainRustThrow(getStringFromWasm0(arg0, arg1)));', 1);
  glue += `
  // Added by scripts/finish-pkg.mjs: wasm-bindgen's runtime messages in words a user can act on.
  function explainRustThrow(message) {
      if (message === 'null pointer passed to rust') {
          return 's3nn: this object was freed (free() was called on it), so it cannot be used any more';
      }
      if (message.startsWith('recursive use of an object detected')) {
          return 's3nn: this object is unusable because an earlier call crashed inside wasm (a bug in s3nn, please report it)';
      }
      return message;
  }
  `;

  // free() twice: the second call passed pointer 0 to Rust, which threw; a freed object's free()
  // does nothing, so cleanup code may call it unconditionally.
  patch('free() is idempotent',
    /(free\(\) \{\n(\s*)const ptr = this\.__destroy_into_raw\(\);\n)/g,
    '$1$2if (ptr === 0) return;\n', classes);

  // An object argument (the `data` of trainSteps/evaluate): name the parameter, and tell a freed
  // Dataset from a wrong value (wasm-bindgen says only "expected instance of Dataset").
  const callSites = (glue.match(/_assertClass\((\w+), (\w+)\);/g) ?? []).length;
  if (callSites === 0) { console.error('finish-pkg: no _assertClass call sites found'); process.exit(1); }
  patch('name the parameter of object arguments', /_assertClass\((\w+), (\w+)\);/g, "_assertClass($1, $2, '$1');", callSites);
  patch('explain a wrong or freed object argument',
    /function _assertClass\(instance, klass\) \{\n    if \(!\(instance instanceof klass\)\) \{\n        throw new Error\(`expected instance of \$\{klass\.name\}`\);\n    \}\n\}/g,
    `function _assertClass(instance, klass, name) {
      if (!(instance instanceof klass)) {
          const got = instance === null ? 'null' : instance === undefined ? 'undefined (missing)' : typeof instance === 'object' ? \`a \${instance.constructor?.name ?? 'object'}\` : typeof instance === 'string' ? \`the string \${JSON.stringify(instance.slice(0, 40))}\` : \`\${typeof instance} \${String(instance)}\`;
          throw new Error(\`\${name} must be a \${klass.name}, got \${got}\`);
      }
      if (instance.__wbg_ptr === 0) {
          throw new Error(\`\${name}: this \${klass.name} was freed (free() was called on it), so it cannot be used any more\`);
      }
  }`, 1);
  writeFileSync(gluePath, glue);

  // Optional trailing arguments (`Option<JsValue>` with an `unchecked_param_type`) come out of
  // wasm-bindgen as required (`energy: EnergyConfig | null`), so `net.evaluate(data)` would not
  // type-check; mark trailing `| null` parameters optional, and check that exactly these got it.
  const dtsPath = `${dir}/s3nn.d.ts`;
  let dts = readFileSync(dtsPath, 'utf8');
  const madeOptional = [];
  dts = dts.replace(/^(\s+(?:static )?)(\w+)\((.*)\): (.*);$/gm, (line, indent, name, params, ret) => {
    const ps = params ? params.split(', ') : [];
    let changed = false;
    for (let i = ps.length - 1; i >= 0 && /^\w+: .* \| null$/.test(ps[i]); i--) {
      ps[i] = ps[i].replace(/^(\w+):/, '$1?:');
      changed = true;
    }
    if (!changed) return line;
    madeOptional.push(name);
    return `${indent}${name}(${ps.join(', ')}): ${ret};`;
  });
  const wantOptional = ['evaluate', 'fromNir', 'inspect', 'load', 'opCounts'];
  if (madeOptional.sort().join() !== wantOptional.sort().join()) {
    console.error(`finish-pkg: optional parameters went to [${madeOptional}], expected [${wantOptional}]; ` +
      'an export changed (update wantOptional) or wasm-bindgen\'s declarations did');
    process.exit(1);
  }
  writeFileSync(dtsPath, dts);
}

// --- the browser entry ------------------------------------------------------------------------
// pkg/s3nn_browser.js: js/s3nn_browser.js (which build to load, and when) with the list of the
// glue's exports filled in, so that a new export reaches browser users without editing it. Both
// builds must export the same names, apart from the threaded build's pool plumbing.
{
  const exportsOf = (file) => [...readFileSync(file, 'utf8').matchAll(/^export (?:class|function) (\w+)/gm)].map((m) => m[1]).sort();
  const single = exportsOf('pkg/s3nn.js').filter((n) => n !== 'start'); // `start` is the module's own start function
  const POOL_ONLY = ['startThreads', 'initThreadPool', 'wbg_rayon_PoolBuilder', 'wbg_rayon_start_worker'];
  const threaded = exportsOf('pkg/threads/s3nn.js').filter((n) => n !== 'start' && !POOL_ONLY.includes(n));
  if (single.join() !== threaded.join()) {
    console.error(`finish-pkg: the two builds export different names:\n  single:   ${single}\n  threaded: ${threaded}`);
    process.exit(1);
  }
  const template = readFileSync('js/s3nn_browser.js', 'utf8');
  const anchor = '/* EXPORTS */';
  if (template.split(anchor).length !== 3) { console.error(`finish-pkg: js/s3nn_browser.js must hold ${anchor} twice`); process.exit(1); }
  const [a, b, c] = template.split(anchor);
  writeFileSync('pkg/s3nn_browser.js', a + `export let ${single.join(', ')};` + b + `({ ${single.join(', ')} } = mod);` + c);
}
