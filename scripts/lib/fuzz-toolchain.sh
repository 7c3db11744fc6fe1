# The rustup toolchain the fuzz targets build with (sourced by scripts/bootstrap.sh and
# scripts/fuzz.sh after scripts/versions.env): the plain `nightly` when it is the pinned build, so a
# machine that already has it downloads nothing, else the dated FUZZ_NIGHTLY.
fuzz_toolchain() {
  if rustc +nightly -V 2>/dev/null | grep -q "($FUZZ_NIGHTLY_COMMIT "; then
    echo nightly
  else
    echo "$FUZZ_NIGHTLY"
  fi
}
