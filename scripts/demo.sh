#!/usr/bin/env bash
# Builds what is missing (tools, npm deps, pkg/, Fashion-MNIST IDX files) and serves the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/build-pkg.sh
node scripts/prepare-data.mjs data-cache/fashion
exec node scripts/serve.mjs "${PORT:-8080}"
