#!/usr/bin/env bash
# Installs what this project needs on a fresh machine and skips whatever is already present at the
# pinned version. Called by scripts/demo.sh and scripts/test.sh; safe to run any number of times.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/versions.env
log() { printf '\033[1;34m[bootstrap]\033[0m %s\n' "$*"; }

pinned=$(sed -n 's/^wasm-bindgen *= *{[^}]*version *= *"=\([^"]*\)".*/\1/p; s/^wasm-bindgen *= *"=\([^"]*\)".*/\1/p' Cargo.toml | head -n1)
if [ -n "$pinned" ] && [ "$pinned" != "$WASM_BINDGEN_VERSION" ]; then
  echo "Cargo.toml pins wasm-bindgen =$pinned but scripts/versions.env says $WASM_BINDGEN_VERSION" >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-pack --version 2>/dev/null || true)" != "wasm-pack $WASM_PACK_VERSION" ]; then
  log "installing wasm-pack $WASM_PACK_VERSION (takes ~6 min once)"
  cargo install --locked wasm-pack --version "$WASM_PACK_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (takes ~8 min once)"
  # --locked first (reproducible); its lock file can name a crate version the registry no longer
  # serves, and then a fresh resolution of the same wasm-bindgen-cli version is the fallback.
  cargo install --locked wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" ||
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# The pinned nightly (scripts/lib/nightly.sh): the fuzz targets with cargo-fuzz, and the threaded
# wasm build, which rebuilds std (rust-src) for wasm32-unknown-unknown.
source scripts/lib/nightly.sh
nightly=$(nightly_toolchain)
if ! rustup run "$nightly" rustc -V >/dev/null 2>&1; then
  log "installing rust $nightly (fuzz targets, threaded wasm build)"
  rustup toolchain install "$nightly" --profile minimal
fi
if ! rustup component list --toolchain "$nightly" --installed | grep -q '^rust-src'; then
  log "adding rust-src to $nightly (the threaded wasm build rebuilds std)"
  rustup component add rust-src --toolchain "$nightly"
fi
if ! rustup "+$nightly" target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding target wasm32-unknown-unknown to $nightly"
  rustup "+$nightly" target add wasm32-unknown-unknown
fi
if [ "$(cargo fuzz --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION (takes ~1 min once)"
  cargo install --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

if ! { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }; then
  log "installing Debian chromium + chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# npm dependencies: skipped while node_modules was installed from this exact lock file.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.s3nn-lock-sha256 2>/dev/null || true)" != "$lock_sum" ]; then
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.s3nn-lock-sha256
fi
log "ready"
