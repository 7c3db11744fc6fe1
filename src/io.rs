//! Model files: safetensors with the architecture in its metadata.
//!
//! Tensor names and layouts follow PyTorch so a `state_dict` maps onto them one to one (both
//! come from the parameter walk, [`crate::params`]):
//! - `layers.{k}.weight`: k-th hidden dense (`nn.Linear`, `[out, in]`) or conv layer
//!   (`nn.Conv2d`, `[out, in, kh, kw]`), k counting from 0 over weight layers only;
//! - `layers.{k}.bias`: `[out]`;
//! - `layers.{k}.bn.{weight,bias,running_mean,running_var}`: `nn.BatchNorm1d/2d`;
//! - `readout.weight`, `readout.bias`: the output `nn.Linear`.
//!
//! Inputs of a dense layer that follows a conv stack are in PyTorch's `nn.Flatten` order (C, H, W).
//! Metadata: one key, `s3nn`, holding `{"format": "1", "arch": "784-400-400-10", "spec": {...}}`
//! (one key because safetensors stores metadata as a hash map: several keys would come out in a
//! different order each run, and the same model must give the same bytes).

use crate::error::{Result, S3nnError};
use crate::model::Model;
use crate::spec::NetworkSpec;
use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use std::collections::HashMap;

pub const FORMAT_VERSION: &str = "1";

/// Largest model file accepted (bounds allocations from a corrupt length field).
pub const MAX_FILE_BYTES: usize = 1 << 30;

fn bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Serializes a network (weights, biases, batch-norm state, spec) to safetensors bytes.
pub fn save(net: &Model) -> Result<Vec<u8>> {
    let mut owned: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    net.visit_params(|p| owned.push((p.name.to_string(), p.layout.torch_shape(), bytes(&p.layout.to_torch(p.value)))));
    let views = owned
        .iter()
        .map(|(n, s, b)| TensorView::new(Dtype::F32, s.clone(), b).map(|v| (n.clone(), v)))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| S3nnError::ModelFile(e.to_string()))?;
    let header = serde_json::json!({ "format": FORMAT_VERSION, "arch": net.spec.arch_string(), "spec": net.spec });
    let mut meta = HashMap::new();
    meta.insert("s3nn".to_string(), header.to_string());
    safetensors::serialize(views, Some(meta)).map_err(|e| S3nnError::ModelFile(e.to_string()))
}

/// Reads a network back; every tensor is checked against the spec in the metadata.
pub fn load(buf: &[u8]) -> Result<Model> {
    if buf.len() > MAX_FILE_BYTES {
        return Err(S3nnError::TooLarge(format!("model file of {} bytes (limit {MAX_FILE_BYTES})", buf.len())));
    }
    if buf.len() < 8 {
        return Err(S3nnError::ModelFile(format!("file is {} bytes, too short for safetensors", buf.len())));
    }
    let st = SafeTensors::deserialize(buf).map_err(|e| S3nnError::ModelFile(format!("not a valid safetensors file: {e}")))?;
    let (_, meta) = SafeTensors::read_metadata(buf).map_err(|e| S3nnError::ModelFile(e.to_string()))?;
    let meta = meta.metadata().clone().unwrap_or_default();
    let header = meta.get("s3nn").ok_or_else(|| S3nnError::ModelFile("metadata has no 's3nn' entry: not an s3nn model".into()))?;
    let header: serde_json::Value =
        serde_json::from_str(header).map_err(|e| S3nnError::ModelFile(format!("'s3nn' metadata is not JSON: {e}")))?;
    match header.get("format").and_then(|v| v.as_str()) {
        Some(FORMAT_VERSION) => {}
        Some(v) => return Err(S3nnError::ModelFile(format!("unsupported format '{v}' (this build reads {FORMAT_VERSION})"))),
        None => return Err(S3nnError::ModelFile("'s3nn' metadata has no format".into())),
    }
    let spec_value = header.get("spec").cloned().ok_or_else(|| S3nnError::ModelFile("'s3nn' metadata has no spec".into()))?;
    let spec: NetworkSpec = serde_json::from_value(spec_value).map_err(|e| S3nnError::ModelFile(format!("bad spec in metadata: {e}")))?;
    let mut net = Model::new(spec, 0)?;

    let read = |name: &str, shape: &[usize]| -> Result<Vec<f32>> {
        let t = st.tensor(name).map_err(|_| S3nnError::ModelFile(format!("missing tensor '{name}'")))?;
        if t.dtype() != Dtype::F32 {
            return Err(S3nnError::ModelFile(format!("tensor '{name}' is {:?}, expected F32", t.dtype())));
        }
        if t.shape() != shape {
            return Err(S3nnError::ModelFile(format!("tensor '{name}' has shape {:?}, the spec needs {shape:?}", t.shape())));
        }
        let v: Vec<f32> = t.data().chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        if let Some(i) = v.iter().position(|x| !x.is_finite()) {
            return Err(S3nnError::ModelFile(format!("tensor '{name}' holds {} at index {i}", v[i])));
        }
        Ok(v)
    };

    let mut expected = 0;
    let mut failure = None;
    net.visit_params_mut(|p| {
        expected += 1;
        if failure.is_some() {
            return;
        }
        let name = p.name.to_string();
        match read(&name, &p.layout.torch_shape()) {
            Ok(t) if p.name.field == "running_var" && t.iter().any(|&v| v < 0.0) => {
                failure = Some(S3nnError::ModelFile(format!("{name} has a negative entry")));
            }
            Ok(t) => p.layout.from_torch(&t, p.value),
            Err(e) => failure = Some(e),
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    if st.len() != expected {
        let known: Vec<&str> = st.names();
        return Err(S3nnError::ModelFile(format!("file has {} tensors, the spec needs {expected} (names: {known:?})", st.len())));
    }
    Ok(net)
}
