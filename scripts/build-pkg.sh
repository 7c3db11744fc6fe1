#!/usr/bin/env bash
# Builds pkg/ (the npm package) with wasm-pack, then adds the Node entry point, the exports map
# and the package README. Skips the build when pkg/ is newer than every input.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f pkg/s3nn_bg.wasm ] && [ -f pkg/package.json ] && [ "${FORCE:-0}" != 1 ] &&
   [ -z "$(find src js Cargo.toml Cargo.lock .cargo scripts/build-pkg.sh scripts/finish-pkg.mjs -newer pkg/package.json -print -quit 2>/dev/null)" ]; then
  echo "[build-pkg] pkg/ is up to date"
  exit 0
fi
wasm-pack build --release --target web --out-dir pkg --out-name s3nn --no-pack
node scripts/finish-pkg.mjs
echo "[build-pkg] built pkg/ ($(du -h pkg/s3nn_bg.wasm | cut -f1) wasm)"
