#!/usr/bin/env bash
# Old vs new benchmark in one run: `bash scripts/bench-compare.sh OLD_REV [PAIRS]` (default 8 pairs,
# about 3–4 minutes of measurement on 2 cores, plus the first builds).
#
# Builds OLD_REV in a temporary git worktree under target/ (its CLI and its pkg/, each with its own
# build scripts; the cargo cache target/bench-compare/cargo and the results
# target/bench-compare/<sha>/ are kept, so a second run against the same revision builds nothing),
# builds this working tree's CLI and pkg/ into target/bench-compare/new/, then runs bench/compare.mjs:
# MNIST MLP training samples/s natively (2 threads) and in headless Chromium, old and new alternating,
# with medians, the median of the per-pair ratios, the load average and the hypervisor steal.
# Raw figures: target/bench-out/compare-<sha>.json. FORCE=1 rebuilds the old side.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: bash scripts/bench-compare.sh OLD_REV [PAIRS]" >&2
  exit 2
fi
sha=$(git rev-parse --verify -q "$1^{commit}") || { echo "error: '$1' is not a commit" >&2; exit 2; }
short=${sha:0:7}
PAIRS=${2:-8}
BASE=$PWD/target/bench-compare
OLD=$BASE/$short
NEW=$BASE/new
say() { echo "[bench-compare] $(date +%H:%M:%S) $* (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2; }

if [[ "${FORCE:-0}" == 1 || ! -x "$OLD/s3nn" || ! -f "$OLD/pkg/s3nn_bg.wasm" ]]; then
  wt=$BASE/src-$short
  git worktree remove --force "$wt" 2>/dev/null || true
  git worktree prune
  say "building $short (old) in the temporary worktree $wt"
  git worktree add --detach "$wt" "$sha" >/dev/null
  trap 'git worktree remove --force "$wt"' EXIT
  (cd "$wt" && CARGO_TARGET_DIR=$BASE/cargo cargo build -q --release --features cli --bin s3nn)
  (cd "$wt" && CARGO_TARGET_DIR=$BASE/cargo bash scripts/build-pkg.sh) >&2
  rm -rf "$OLD" && mkdir -p "$OLD"
  cp "$BASE/cargo/release/s3nn" "$OLD/s3nn"
  cp -r "$wt/pkg" "$OLD/pkg"
  git worktree remove --force "$wt"
  trap - EXIT
else
  say "reusing the build of $short in $OLD"
fi

say "building this tree (new)"
cargo build -q --release --features cli --bin s3nn
bash scripts/build-pkg.sh >&2
rm -rf "$NEW" && mkdir -p "$NEW"
cp target/release/s3nn "$NEW/s3nn"
cp -r pkg "$NEW/pkg"

# Measurements at a raised priority where allowed (as scripts/bench.sh; BENCH_NICE=0 turns it off).
BENCH_NICE=${BENCH_NICE:--15}
NICE=()
if [ "$BENCH_NICE" != 0 ] && nice -n "$BENCH_NICE" true 2>/dev/null; then NICE=(nice -n "$BENCH_NICE"); fi
mkdir -p target/bench-out
say "measuring $short (old) vs $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml || echo '+changes') (new), $PAIRS pairs"
"${NICE[@]}" node bench/compare.mjs --old "$OLD" --new "$NEW" --pairs "$PAIRS" --out "target/bench-out/compare-$short.json"
