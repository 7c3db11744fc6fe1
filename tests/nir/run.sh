#!/usr/bin/env bash
# The NIR stage of the test command: s3nn's NIR files against the `nir` Python package
# (tests/nir/test_nir.py). The Python venv lives under target/ and is made once (skipped when it
# already has the pinned packages); the CLI and pkg/ must be built (the earlier stages do it).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/versions.env
venv=target/nir-venv
want="nir==$NIR_VERSION"
if ! "$venv/bin/python" -c "import nir, h5py, numpy; assert nir.version == '$NIR_VERSION'" 2>/dev/null; then
  echo "tests/nir: making $venv ($want, h5py, numpy)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$want" "h5py$H5PY_VERSION_RANGE" "numpy$NUMPY_VERSION_RANGE"
fi
# The CLI as the test command's first stage built it (`cargo test` builds target/release/s3nn with
# the dev-dependencies' features; a plain `cargo build` would resolve others and rebuild it).
cargo test --release --features cli --no-run --quiet
[ -f pkg/s3nn_node.js ] || bash scripts/build-pkg.sh
exec "$venv/bin/python" tests/nir/test_nir.py
