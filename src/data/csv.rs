//! User-supplied 2-D point sets as `x,y,label` text (pasted or uploaded in the demo).
//!
//! Deliberately tiny and strict: this is the one input people type by hand, so every error names
//! the line number and what is wrong instead of silently skipping rows.

use super::dataset::Dataset;
use crate::error::{Result, S3nnError};

pub const MAX_CSV_ROWS: usize = 1_000_000;
/// Labels above this are almost certainly a mistaken column (e.g. an id), and would make the
/// output layer and the class-name list absurdly large.
pub const MAX_CSV_CLASSES: usize = 1000;

/// Parses lines `x,y,label`. Blank lines and lines starting with `#` are skipped; the first
/// remaining line may be a header if none of its fields is a number. Labels are non-negative
/// integers and `classes = max label + 1` (at least 2). A leading UTF-8 byte order mark (what
/// Excel and Notepad write) is skipped.
pub fn points_from_csv(text: &str) -> Result<Dataset> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut x = Vec::new();
    let mut y: Vec<u32> = Vec::new();
    let mut first_content = true;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if first_content {
            first_content = false;
            if fields.iter().all(|f| f.parse::<f64>().is_err()) {
                continue; // header such as "x,y,label"
            }
        }
        if fields.len() != 3 {
            return Err(S3nnError::Data(format!(
                "line {line_no}: expected 3 comma-separated values (x,y,label), found {}",
                fields.len()
            )));
        }
        if y.len() == MAX_CSV_ROWS {
            return Err(S3nnError::TooLarge(format!(
                "line {line_no}: more than {MAX_CSV_ROWS} rows"
            )));
        }
        for f in &fields[..2] {
            x.push(number(f, line_no)?);
        }
        y.push(label(fields[2], line_no)?);
    }
    if y.is_empty() {
        return Err(S3nnError::Data(
            "no data rows: expected lines like '0.5,-0.2,1'".into(),
        ));
    }
    let classes = y.iter().copied().max().unwrap_or(0) as usize + 1;
    if classes < 2 {
        return Err(S3nnError::Data(format!(
            "all {} rows have label 0; need at least 2 classes",
            y.len()
        )));
    }
    let mut d = Dataset::new("csv", [2, 1, 1], classes, x, y)?;
    d.class_names = (0..classes).map(|k| format!("class {k}")).collect();
    Ok(d)
}

fn number(f: &str, line_no: usize) -> Result<f32> {
    // Rust's float parsing is correctly rounded, hence identical natively and in wasm.
    match f.parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        // "nan", "inf" and overflowing literals like 1e99 parse, but would poison training.
        Ok(_) => Err(S3nnError::Data(format!(
            "line {line_no}: '{f}' is not a finite number"
        ))),
        Err(_) => Err(S3nnError::Data(format!(
            "line {line_no}: '{f}' is not a number"
        ))),
    }
}

fn label(f: &str, line_no: usize) -> Result<u32> {
    match f.parse::<u32>() {
        Ok(l) if (l as usize) < MAX_CSV_CLASSES => Ok(l),
        Ok(l) => Err(S3nnError::Data(format!(
            "line {line_no}: label {l} is too large (at most {} classes)",
            MAX_CSV_CLASSES
        ))),
        Err(_) => Err(S3nnError::Data(format!(
            "line {line_no}: label '{f}' is not a non-negative integer"
        ))),
    }
}
