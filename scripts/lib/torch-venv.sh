#!/usr/bin/env bash
# Prints the python of the benchmark's PyTorch virtual environment, creating it on first use.
#
# PyTorch is a benchmark peer, never a test dependency: the venv lives under target/ (ignored by
# git, removed by `cargo clean`), pinned by TORCH_VERSION in scripts/versions.env. PyPI's wheel is
# the CUDA build (≈ 3 GB, ≈ 6 GB installed) but runs on the CPU. S3NN_TORCH_VENV overrides the
# location (several work trees can share one environment).
#
#   py=$(bash scripts/lib/torch-venv.sh) && "$py" bench/torch_peer.py …
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=../versions.env
source "$here/scripts/versions.env"
venv="${S3NN_TORCH_VENV:-$here/target/torch-venv}"
py="$venv/bin/python"
if [[ -x "$py" ]] && "$py" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION')" 2>/dev/null; then
  echo "$py"
  exit 0
fi
echo "torch-venv: installing torch==$TORCH_VERSION into $venv (once; ≈ 3 GB download)" >&2
python3 -m venv "$venv" >&2
"$py" -m pip install --quiet --disable-pip-version-check "torch==$TORCH_VERSION" "numpy$NUMPY_VERSION_RANGE" >&2
"$py" -c "import torch; print('torch-venv: torch', torch.__version__, 'threads', torch.get_num_threads())" >&2
echo "$py"
