//! The IDX format of the original MNIST files (LeCun): a 4-byte magic `00 00 08 ndim`
//! (`08` = unsigned bytes), `ndim` big-endian u32 dimensions, then the bytes row-major.
//!
//! Only the u8 element type is supported because that is all MNIST-style data uses. The parser
//! treats its input as hostile (it also reads user-supplied files in the browser): it never
//! panics, never allocates more than the input's own size, and says precisely what is wrong.

use super::dataset::Dataset;
use crate::error::{Result, S3nnError};

/// A parsed IDX array: `dims` (outermost first) and the raw bytes, `data.len() == dims.product()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxArray {
    pub dims: Vec<usize>,
    pub data: Vec<u8>,
}

/// Refuse payloads above 2 GiB: no real IDX file is near that, and in wasm32 it could not be
/// addressed anyway; a header claiming it is corrupt or malicious.
pub const MAX_IDX_BYTES: u64 = 1 << 31;

pub fn parse_idx_u8(bytes: &[u8]) -> Result<IdxArray> {
    if bytes.len() < 4 {
        return Err(S3nnError::Data(format!(
            "IDX file too short: {} bytes, the header alone needs at least 8",
            bytes.len()
        )));
    }
    if bytes[0] != 0 || bytes[1] != 0 {
        return Err(S3nnError::Data(format!(
            "not an IDX file: magic starts with {:02x} {:02x}, expected 00 00 (is it gzip-compressed? unpack it first)",
            bytes[0], bytes[1]
        )));
    }
    if bytes[2] != 0x08 {
        return Err(S3nnError::Data(format!(
            "unsupported IDX element type 0x{:02x}: only unsigned bytes (0x08) are supported",
            bytes[2]
        )));
    }
    let ndim = bytes[3] as usize;
    if !(1..=4).contains(&ndim) {
        return Err(S3nnError::Data(format!(
            "IDX file has {ndim} dimensions; expected 1 to 4"
        )));
    }
    let header = 4 + 4 * ndim;
    if bytes.len() < header {
        return Err(S3nnError::Data(format!(
            "IDX file truncated: header needs {header} bytes for {ndim} dimensions, found {}",
            bytes.len()
        )));
    }
    let mut dims = Vec::with_capacity(ndim);
    let mut total: u64 = 1;
    for (k, chunk) in bytes[4..header].chunks_exact(4).enumerate() {
        let d = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        // A zero first dimension is a valid empty array (0 items); a zero inner dimension would
        // make items featureless, which no consumer can use.
        if d == 0 && k > 0 {
            return Err(S3nnError::Data(format!(
                "IDX dimension {k} is 0; only the item count may be 0"
            )));
        }
        dims.push(d as usize);
        // u32 × ≤4 dims can overflow u64 only in theory; saturate and let the size check refuse it.
        total = total.saturating_mul(u64::from(d));
    }
    if total > MAX_IDX_BYTES {
        return Err(S3nnError::TooLarge(format!(
            "IDX header claims {total} bytes of data (dims {dims:?}); the limit is {MAX_IDX_BYTES}"
        )));
    }
    let found = (bytes.len() - header) as u64;
    if found < total {
        return Err(S3nnError::Data(format!(
            "IDX file truncated: expected {total} bytes of data, found {found}"
        )));
    }
    if found > total {
        return Err(S3nnError::Data(format!(
            "IDX file has {} trailing bytes after the {total} bytes its header declares (dims {dims:?})",
            found - total
        )));
    }
    Ok(IdxArray {
        dims,
        data: bytes[header..].to_vec(),
    })
}

/// Serialises a u8 array as IDX. Panics if `dims` is not 1–4 dimensions, a dimension exceeds
/// u32, or the product does not match `data.len()`: those are programming errors of the caller
/// (tests and tooling), not data errors.
pub fn write_idx_u8(dims: &[usize], data: &[u8]) -> Vec<u8> {
    assert!(
        (1..=4).contains(&dims.len()),
        "IDX supports 1 to 4 dimensions, got {}",
        dims.len()
    );
    assert_eq!(
        dims.iter().product::<usize>(),
        data.len(),
        "dims {dims:?} do not match {} data bytes",
        data.len()
    );
    let mut out = Vec::with_capacity(4 + 4 * dims.len() + data.len());
    out.extend_from_slice(&[0, 0, 0x08, dims.len() as u8]);
    for &d in dims {
        let d = u32::try_from(d).expect("IDX dimension exceeds u32");
        out.extend_from_slice(&d.to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}

/// Builds a 10-class image dataset from an images file `[n, h, w]` and a labels file `[n]`
/// (MNIST layout; also the layout `scripts/prepare-data.mjs` writes for Fashion-MNIST).
pub fn dataset_from_idx(name: &str, images: &[u8], labels: &[u8]) -> Result<Dataset> {
    let img = parse_idx_u8(images).map_err(|e| context(e, "images"))?;
    let lab = parse_idx_u8(labels).map_err(|e| context(e, "labels"))?;
    if img.dims.len() != 3 {
        return Err(S3nnError::Shape(format!(
            "images IDX must have 3 dimensions [n, h, w], got {:?}",
            img.dims
        )));
    }
    if lab.dims.len() != 1 {
        return Err(S3nnError::Shape(format!(
            "labels IDX must have 1 dimension [n], got {:?}",
            lab.dims
        )));
    }
    let (n, h, w) = (img.dims[0], img.dims[1], img.dims[2]);
    if lab.dims[0] != n {
        return Err(S3nnError::Shape(format!(
            "{n} images but {} labels",
            lab.dims[0]
        )));
    }
    if let Some((i, &l)) = lab.data.iter().enumerate().find(|(_, &l)| l >= 10) {
        return Err(S3nnError::Data(format!(
            "label {i} is {l}; expected a class 0..=9"
        )));
    }
    // Kept as bytes (value = byte / 255, see `Dataset`): a quarter of the memory of f32.
    let y: Vec<u32> = lab.data.iter().map(|&l| u32::from(l)).collect();
    Dataset::from_bytes(name, [1, h, w], 10, img.data, y)
}

fn context(e: S3nnError, what: &str) -> S3nnError {
    match e {
        S3nnError::Data(m) => S3nnError::Data(format!("{what}: {m}")),
        S3nnError::TooLarge(m) => S3nnError::TooLarge(format!("{what}: {m}")),
        other => other,
    }
}
