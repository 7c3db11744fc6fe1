#!/usr/bin/env bash
# Runs every test: native Rust, wasm in Node and in headless Chromium, the npm package in a fresh
# Node project and through a bundler, and the demo page end to end. Installs what is missing first.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh || exit 1
export S3NN_REQUIRE_DATA=1
passed=0; failed=0; failures=()
stage() {
  local name=$1; shift
  printf '\n\033[1;36m==> %s\033[0m\n' "$name"
  local t0=$SECONDS
  if "$@"; then passed=$((passed + 1)); echo "--> ok: $name ($((SECONDS - t0)) s)"
  else failed=$((failed + 1)); failures+=("$name"); echo "--> FAILED: $name ($((SECONDS - t0)) s)"; fi
}
stage "cargo test (native, all features)" cargo test --release --features cli
# 10 s per target: the smoke proves every target builds and runs clean on its seeds and a short
# exploration; long runs are scripts/fuzz.sh SECONDS (README, Fuzzing).
stage "fuzz smoke: 10 s per parser" bash scripts/fuzz.sh 10
stage "wasm tests in Node (wasm-pack test --node)" wasm-pack test --node --release
stage "wasm tests in headless Chromium" wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver --release
stage "build pkg/" bash scripts/build-pkg.sh
stage "npm package in a fresh Node project" node --test tests/npm/
stage "TypeScript declarations: tsc --strict on a consumer (tests/ts)" node --test tests/ts/
stage "NIR files against the nir Python package (tests/nir)" bash tests/nir/run.sh
stage "npm package through a bundler (Vite) in Chromium" node --test tests/bundler/
stage "same seed, same predictions: native vs wasm" node --test tests/determinism/
stage "demo page end to end (Playwright, Chromium)" node --test --test-concurrency=1 tests/e2e/
echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "test.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
