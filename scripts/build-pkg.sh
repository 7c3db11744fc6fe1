#!/usr/bin/env bash
# Builds pkg/ (the npm package): the single-thread SIMD build with wasm-pack (pkg/s3nn*, the
# default everywhere), then the threaded build (pkg/threads/: feature `threads`, the rayon pool over
# Web Workers), then adds the Node entry point, the exports map and the package README. Skips the
# build when pkg/ is newer than every input.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/versions.env
source scripts/lib/nightly.sh
if [ -f pkg/s3nn_bg.wasm ] && [ -f pkg/threads/s3nn_bg.wasm ] && [ -f pkg/package.json ] && [ "${FORCE:-0}" != 1 ] &&
   [ -z "$(find src js Cargo.toml Cargo.lock .cargo scripts/build-pkg.sh scripts/finish-pkg.mjs scripts/versions.env -newer pkg/package.json -print -quit 2>/dev/null)" ]; then
  echo "[build-pkg] pkg/ is up to date"
  exit 0
fi
t0=$SECONDS
wasm-pack build --release --target web --out-dir pkg --out-name s3nn --no-pack
t1=$SECONDS

# The threaded build. Wasm threads need atomics and a shared, imported memory, and std rebuilt with
# them (-Z build-std, hence the pinned nightly); rustc does not pass the shared-memory linker flags
# for wasm32-unknown-unknown by itself. --max-memory is the 4 GiB of the single-thread build, so
# that both refuse the same sizes with the same errors (a shared memory reserves its maximum up
# front). Its own target dir keeps these flags from rebuilding the default one.
THREADS_RUSTFLAGS="-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128
  -C link-arg=--shared-memory -C link-arg=--import-memory -C link-arg=--max-memory=4294967296
  -C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size
  -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base"
RUSTFLAGS=$(echo $THREADS_RUSTFLAGS) CARGO_TARGET_DIR=target/wasm-threads \
  cargo "+$(nightly_toolchain)" build --release --lib --target wasm32-unknown-unknown --features threads \
  -Z build-std=panic_abort,std
rm -rf pkg/threads
wasm-bindgen --target web --out-dir pkg/threads --out-name s3nn target/wasm-threads/wasm32-unknown-unknown/release/s3nn.wasm
node scripts/finish-pkg.mjs
echo "[build-pkg] built pkg/ ($(du -h pkg/s3nn_bg.wasm | cut -f1) wasm, $((t1 - t0)) s) and pkg/threads/ ($(du -h pkg/threads/s3nn_bg.wasm | cut -f1) wasm, $((SECONDS - t1)) s)"
