#!/usr/bin/env bash
# Old vs new benchmark in one run: `bash scripts/bench-compare.sh OLD_REV [PAIRS]` (default 8 pairs,
# about 2–4 minutes of measurement on 2 cores, plus the first builds). `NET=small-cnn` or
# `NET=science-cnn` times that CNN instead of the MNIST MLP (natively only; see bench/compare.mjs).
#
# Builds OLD_REV and HEAD (the new side: commit what you want measured) the same way, each in a
# temporary git worktree target/bench-compare/src-<sha> (its CLI and its pkg/, with its own build
# scripts), so that the two builds differ only by their sources: the CLI embeds its source directory
# (the data locator's CARGO_MANIFEST_DIR), and a build elsewhere would also move the code after it.
# Built alike, the CLIs of two revisions with the same engine differ in a few bytes (0befba9 vs
# 08183f9: 25 bytes, the directory names) and their wasm is byte-identical.
# The cargo cache target/bench-compare/cargo and the builds target/bench-compare/<sha>/ are kept, so
# a second run against the same revisions builds nothing (FORCE=1 rebuilds). Then bench/compare.mjs
# alternates the two: MNIST MLP training samples/s natively (2 threads) and in headless Chromium,
# with medians, the median of the per-pair ratios, the load average and the hypervisor steal.
# Raw figures: target/bench-out/compare-<old>-<new>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: bash scripts/bench-compare.sh OLD_REV [PAIRS]" >&2
  exit 2
fi
old=$(git rev-parse --verify -q "$1^{commit}") || { echo "error: '$1' is not a commit" >&2; exit 2; }
new=$(git rev-parse HEAD)
PAIRS=${2:-8}
NET=${NET:-mlp}
BASE=$PWD/target/bench-compare
say() { echo "[bench-compare] $(date +%H:%M:%S) $* (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2; }
if [ -n "$(git status --porcelain -- src Cargo.toml Cargo.lock .cargo)" ]; then
  say "warning: uncommitted changes under src/ or Cargo.* are not measured (the new side is HEAD)"
fi

# build REV: target/bench-compare/<short>/{s3nn,pkg/} from a temporary worktree of REV.
build() {
  local short=${1:0:7}
  local out=$BASE/$short wt=$BASE/src-$short
  if [[ "${FORCE:-0}" != 1 && -x "$out/s3nn" && ( "$NET" != mlp || -f "$out/pkg/s3nn_bg.wasm" ) ]]; then
    say "reusing the build of $short"
    return
  fi
  git worktree remove --force "$wt" 2>/dev/null || true
  git worktree prune
  say "building $short in the temporary worktree $wt"
  git worktree add --detach "$wt" "$1" >/dev/null
  trap 'git worktree remove --force "$wt"' EXIT
  (cd "$wt" && CARGO_TARGET_DIR=$BASE/cargo cargo build -q --release --features cli --bin s3nn)
  # (the CNNs are compared natively only: no pkg/ needed)
  if [[ "$NET" == mlp ]]; then (cd "$wt" && CARGO_TARGET_DIR=$BASE/cargo bash scripts/build-pkg.sh) >&2; fi
  rm -rf "$out" && mkdir -p "$out"
  cp "$BASE/cargo/release/s3nn" "$out/s3nn"
  if [[ "$NET" == mlp ]]; then cp -r "$wt/pkg" "$out/pkg"; fi
  git worktree remove --force "$wt"
  trap - EXIT
}
build "$old"
build "$new"

# Measurements at a raised priority where allowed (as scripts/bench.sh; BENCH_NICE=0 turns it off).
BENCH_NICE=${BENCH_NICE:--15}
NICE=()
if [ "$BENCH_NICE" != 0 ] && nice -n "$BENCH_NICE" true 2>/dev/null; then NICE=(nice -n "$BENCH_NICE"); fi
mkdir -p target/bench-out
say "measuring ${old:0:7} (old) vs ${new:0:7} (new), $PAIRS pairs"
"${NICE[@]}" node bench/compare.mjs --old "$BASE/${old:0:7}" --new "$BASE/${new:0:7}" --pairs "$PAIRS" --net "$NET" \
  --out "target/bench-out/compare-$NET-${old:0:7}-${new:0:7}.json"
