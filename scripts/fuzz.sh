#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ (every parser of the core) for SECONDS each, one after the
# other, and fails if any of them finds a crash (panic, sanitizer report), an out-of-memory or a
# timeout. Prints executions and coverage (cov = edges, ft = features) per target.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      default 25 s per target, all targets
#
# Each target keeps its growing corpus in fuzz/corpus/<target>/ (not committed) and also reads the
# committed seeds in fuzz/seeds/<target>/; a finding is written to fuzz/artifacts/<target>/ and the
# script prints the command that reproduces it. Logs: fuzz/target/logs/<target>.log.
# Limits (env): FUZZ_RSS_LIMIT_MB (default 2048; also the largest single allocation) and
# FUZZ_TIMEOUT_S (default 10; one input taking longer is a hang).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/versions.env
source scripts/lib/nightly.sh
toolchain=$(nightly_toolchain)

seconds=${1:-25}
shift || true
case $seconds in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
# Above budget::MAX_WORKING_BYTES (4 GiB natively) and the fuzzer's own memory: a pass the
# budget admits may use up to that, so only memory the budget does not bound trips the limit.
rss_limit_mb=${FUZZ_RSS_LIMIT_MB:-5120}
timeout_s=${FUZZ_TIMEOUT_S:-10}

all_targets=$(cargo "+$toolchain" fuzz list) || exit 1
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets <<< "$all_targets"; fi
for t in "${targets[@]}"; do
  grep -qx "$t" <<< "$all_targets" || { echo "fuzz: no target '$t' (targets: $(echo $all_targets))" >&2; exit 2; }
done

# Dictionaries: the shared boundary numbers (text targets) plus the target's own tokens.
dictionary_parts() {
  case $1 in
    idx) echo fuzz/dict/idx.dict ;;
    *) echo fuzz/dict/numbers.dict "fuzz/dict/$1.dict" ;;
  esac
}

echo "fuzz: building with $toolchain (AddressSanitizer, overflow checks on)"
if [ $# -eq 0 ]; then
  cargo "+$toolchain" fuzz build || exit 1
else
  for t in "${targets[@]}"; do cargo "+$toolchain" fuzz build "$t" || exit 1; done
fi

mkdir -p fuzz/target/logs
failed=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  dict="fuzz/target/logs/$t.dict"
  cat $(dictionary_parts "$t") > "$dict"
  log="fuzz/target/logs/$t.log"
  t0=$SECONDS
  cargo "+$toolchain" fuzz run "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
    -max_total_time="$seconds" -rss_limit_mb="$rss_limit_mb" -timeout="$timeout_s" \
    -dict="$dict" -print_final_stats=1 > "$log" 2>&1
  status=$?
  took=$((SECONDS - t0))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n1)
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  summary="$t: ${took} s, ${execs:-?} execs (${rate:-?}/s), ${cov:-cov: ? ft: ?}, corpus $corpus, peak rss ${rss:-?} MB"
  if [ "$status" -eq 0 ]; then
    echo "ok      $summary"
    continue
  fi
  kind=crash
  grep -q 'ERROR: libFuzzer: out-of-memory\|malloc(.*) exceeds limit' "$log" && kind=out-of-memory
  grep -q 'ERROR: libFuzzer: timeout' "$log" && kind=timeout
  grep -q 'ERROR: LeakSanitizer' "$log" && kind=leak
  artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n1)
  artifact=${artifact#"$PWD/"}
  echo "FAILED  $summary: $kind"
  # A panic's location and message, else the sanitizer's or libFuzzer's first report line.
  { grep -m1 -A1 'panicked at' "$log" || grep -m1 -E 'ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|exceeds limit' "$log"; } |
    sed 's/^/        /'
  if [ -n "$artifact" ]; then
    echo "        input:     $artifact"
    echo "        reproduce: cargo +$toolchain fuzz run $t $artifact"
    echo "        minimize:  cargo +$toolchain fuzz tmin $t $artifact"
  fi
  echo "        log:       $log"
  failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s), ${seconds} s each, no crash, OOM or timeout"
