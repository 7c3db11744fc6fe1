//! Model files: safetensors with the architecture in its metadata.
//!
//! Tensor names and layouts follow PyTorch so a `state_dict` maps onto them one to one:
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
use crate::layers::linear::Linear;
use crate::model::{Model, StageKind};
use crate::spec::{NetworkSpec, Shape};
use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use std::collections::HashMap;

pub const FORMAT_VERSION: &str = "1";

/// Largest model file accepted (bounds allocations from a corrupt length field).
pub const MAX_FILE_BYTES: usize = 1 << 30;

/// Calls `f(ours, torch)` for every weight: its index in our `[in × out]` layout and in
/// PyTorch's (`[out, in]` for dense layers with spatial inputs permuted from HWC to CHW,
/// `[out, in, kh, kw]` for conv). One mapping serves both directions of the conversion.
fn for_each_weight_index(lin: &Linear, kind: &StageKind, input: Shape, mut f: impl FnMut(usize, usize)) {
    let (fi, fo) = (lin.fan_in, lin.fan_out);
    match kind {
        StageKind::Conv(g) => {
            let (k, cin) = (g.kernel, g.input.c);
            for co in 0..fo {
                for ci in 0..cin {
                    for ky in 0..k {
                        for kx in 0..k {
                            f(((ky * k + kx) * cin + ci) * fo + co, ((co * cin + ci) * k + ky) * k + kx);
                        }
                    }
                }
            }
        }
        _ => {
            for i in 0..fi {
                let ti = hwc_to_chw(i, input);
                for o in 0..fo {
                    f(i * fo + o, o * fi + ti);
                }
            }
        }
    }
}

/// PyTorch's shape for this layer's weight.
fn torch_shape(lin: &Linear, kind: &StageKind) -> Vec<usize> {
    match kind {
        StageKind::Conv(g) => vec![lin.fan_out, g.input.c, g.kernel, g.kernel],
        _ => vec![lin.fan_out, lin.fan_in],
    }
}

/// Our weights in PyTorch's layout.
fn to_torch(lin: &Linear, kind: &StageKind, input: Shape) -> (Vec<usize>, Vec<f32>) {
    let mut out = vec![0.0f32; lin.w.len()];
    for_each_weight_index(lin, kind, input, |ours, torch| out[torch] = lin.w[ours]);
    (torch_shape(lin, kind), out)
}

/// Fills our weights from PyTorch's layout (`t` already checked against `torch_shape`).
fn from_torch(lin: &mut Linear, kind: &StageKind, input: Shape, t: &[f32]) {
    let mut w = std::mem::take(&mut lin.w);
    for_each_weight_index(lin, kind, input, |ours, torch| w[ours] = t[torch]);
    lin.w = w;
    lin.weights_changed();
}

/// Index of HWC feature `i` in CHW order (identity for flat or single-channel inputs).
fn hwc_to_chw(i: usize, s: Shape) -> usize {
    if s.c == 1 || s.h * s.w == 1 {
        return i;
    }
    let (p, c) = (i / s.c, i % s.c);
    c * s.h * s.w + p
}

fn bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Serializes a network (weights, biases, batch-norm state, spec) to safetensors bytes.
pub fn save(net: &Model) -> Result<Vec<u8>> {
    let mut owned: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    let mut k = 0;
    for st in &net.stages {
        let Some(lin) = st.linear.as_ref() else { continue };
        let (shape, w) = to_torch(lin, &st.kind, st.input);
        owned.push((format!("layers.{k}.weight"), shape, bytes(&w)));
        owned.push((format!("layers.{k}.bias"), vec![lin.fan_out], bytes(&lin.b)));
        if let Some(bn) = st.bn.as_ref() {
            let c = bn.channels();
            for (name, v) in [("weight", &bn.gamma), ("bias", &bn.beta), ("running_mean", &bn.running_mean), ("running_var", &bn.running_var)] {
                owned.push((format!("layers.{k}.bn.{name}"), vec![c], bytes(v)));
            }
        }
        k += 1;
    }
    let last_shape = net.stages.last().map(|s| s.output).unwrap_or(Shape { c: net.spec.input[0], h: net.spec.input[1], w: net.spec.input[2] });
    let (shape, w) = to_torch(&net.readout, &StageKind::Dense, last_shape);
    owned.push(("readout.weight".into(), shape, bytes(&w)));
    owned.push(("readout.bias".into(), vec![net.readout.fan_out], bytes(&net.readout.b)));

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

    let mut k = 0;
    for st in &mut net.stages {
        let kind = st.kind.clone();
        let input = st.input;
        let Some(lin) = st.linear.as_mut() else { continue };
        let w = read(&format!("layers.{k}.weight"), &torch_shape(lin, &kind))?;
        from_torch(lin, &kind, input, &w);
        lin.b = read(&format!("layers.{k}.bias"), &[lin.fan_out])?;
        if let Some(bn) = st.bn.as_mut() {
            let c = bn.channels();
            bn.gamma = read(&format!("layers.{k}.bn.weight"), &[c])?;
            bn.beta = read(&format!("layers.{k}.bn.bias"), &[c])?;
            bn.running_mean = read(&format!("layers.{k}.bn.running_mean"), &[c])?;
            bn.running_var = read(&format!("layers.{k}.bn.running_var"), &[c])?;
            if bn.running_var.iter().any(|&v| v < 0.0) {
                return Err(S3nnError::ModelFile(format!("layers.{k}.bn.running_var has a negative entry")));
            }
        }
        k += 1;
    }
    let last_shape = net.stages.last().map(|s| s.output).unwrap_or(Shape { c: net.spec.input[0], h: net.spec.input[1], w: net.spec.input[2] });
    let (fi, fo) = (net.readout.fan_in, net.readout.fan_out);
    let w = read("readout.weight", &[fo, fi])?;
    from_torch(&mut net.readout, &StageKind::Dense, last_shape, &w);
    net.readout.b = read("readout.bias", &[fo])?;
    let expected = k * 2 + 2 + net.stages.iter().filter(|s| s.bn.is_some()).count() * 4;
    if st.len() != expected {
        let known: Vec<&str> = st.names();
        return Err(S3nnError::ModelFile(format!("file has {} tensors, the spec needs {expected} (names: {known:?})", st.len())));
    }
    Ok(net)
}
