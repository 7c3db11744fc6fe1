# The rustup toolchain of everything that needs nightly Rust (sourced after scripts/versions.env
# by scripts/bootstrap.sh, scripts/fuzz.sh and scripts/build-pkg.sh): the fuzz targets and the
# threaded wasm build (-Z build-std). It is the plain `nightly` when that is the pinned build, so
# a machine that already has it downloads nothing, else the dated RUST_NIGHTLY.
nightly_toolchain() {
  if rustc +nightly -V 2>/dev/null | grep -q "($RUST_NIGHTLY_COMMIT "; then
    echo nightly
  else
    echo "$RUST_NIGHTLY"
  fi
}
