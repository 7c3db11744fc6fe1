//! Benchmark hooks for the wasm harnesses in bench/ (node.mjs, page.mjs through wasm-suite.mjs):
//! a cargo example built as a cdylib next to the library, never part of the published pkg/.
//!
//!   cargo build --release --target wasm32-unknown-unknown --example wasm_bench
//!   wasm-bindgen --target web --out-name s3nn --out-dir target/bench-pkg/simd \
//!       target/wasm32-unknown-unknown/release/examples/wasm_bench.wasm
//!
//! The module exports the whole JS API of the library (its `#[wasm_bindgen]` items are linked in)
//! plus the hooks below. Timing loops stay inside wasm, so the JS boundary is crossed once per
//! measurement. The cases themselves live in bench/cases.rs, shared with the native runners.
//! Natively this example is empty (`cargo test` builds every example).
#![cfg(target_arch = "wasm32")]

#[path = "../cases.rs"]
mod cases;

use cases::{kernel_case, time_case, DenseMlp, KERNEL_CASES};
use s3nn::kernels;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// `performance.now()` where the host has it (browsers, Node ≥ 16), else `Date.now()`.
fn now_ms() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).unwrap_or(JsValue::UNDEFINED);
    if perf.is_object() {
        if let Ok(f) = js_sys::Reflect::get(&perf, &JsValue::from_str("now")) {
            if let Some(f) = f.dyn_ref::<js_sys::Function>() {
                if let Some(t) = f.call0(&perf).ok().and_then(|v| v.as_f64()) {
                    return t;
                }
            }
        }
    }
    js_sys::Date::now()
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    serde_wasm_bindgen::to_value(v).map_err(|e| JsError::new(&e.to_string()))
}

#[derive(Serialize)]
struct KernelCase {
    name: &'static str,
    desc: &'static str,
    density: f32,
}

/// Names and descriptions of the kernel cases: `[{name, desc, density}]`.
#[wasm_bindgen(js_name = benchKernelCases)]
pub fn bench_kernel_cases() -> Result<JsValue, JsError> {
    let cases: Vec<KernelCase> = KERNEL_CASES.iter().map(|&(name, desc, density)| KernelCase { name, desc, density }).collect();
    to_js(&cases)
}

/// The options of `benchKernel`; a field of the wrong type is a thrown `Error`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct KernelParams {
    /// Event density of the sparse cases; ≤ 0 picks the case's default.
    density: f32,
    force_scalar: bool,
    min_sample_ms: f64,
    samples: usize,
    /// Calls per sample; given, the calibration is skipped.
    reps: Option<u32>,
}

impl Default for KernelParams {
    fn default() -> Self {
        KernelParams { density: 0.0, force_scalar: false, min_sample_ms: 50.0, samples: 7, reps: None }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KernelTiming {
    name: String,
    isa: &'static str,
    density: f32,
    /// Median of the samples.
    ms_per_call: f64,
    min_ms: f64,
    reps: u32,
    samples_ms: Vec<f64>,
}

/// Times one kernel case. `params`: `{density?, forceScalar?, minSampleMs? = 50, samples? = 7,
/// reps?}`; with `reps` the calibration is skipped (for harnesses that interleave variants sample
/// by sample with `samples: 1`).
/// Returns `{name, isa, density, msPerCall (median), minMs, reps, samplesMs}`.
#[wasm_bindgen(js_name = benchKernel)]
pub fn bench_kernel(name: &str, params: JsValue) -> Result<JsValue, JsError> {
    let p: KernelParams = if params.is_undefined() || params.is_null() {
        KernelParams::default()
    } else {
        serde_wasm_bindgen::from_value(params).map_err(|e| JsError::new(&format!("benchKernel: {e}")))?
    };
    let mut f = kernel_case(name, p.density, 42).ok_or_else(|| JsError::new(&format!("unknown kernel case '{name}'")))?;
    kernels::set_force_scalar(p.force_scalar);
    let isa = kernels::active_isa();
    let t = time_case(&mut *f, &now_ms, p.min_sample_ms, p.samples, p.reps.map(|r| r.clamp(1, 1 << 24)));
    kernels::set_force_scalar(false);
    let default = KERNEL_CASES.iter().find(|c| c.0 == name).map_or(0.0, |c| c.2);
    to_js(&KernelTiming {
        name: name.to_string(),
        isa,
        density: if p.density > 0.0 { p.density } else { default },
        ms_per_call: t.median_ms,
        min_ms: t.min_ms,
        reps: t.reps,
        samples_ms: t.samples_ms,
    })
}

/// The dense ANN (matmul kernels + ReLU on every layer) for inference timing; see `DenseMlp`.
#[wasm_bindgen(js_name = BenchDenseMlp)]
pub struct BenchDenseMlp {
    mlp: DenseMlp,
}

#[wasm_bindgen(js_class = BenchDenseMlp)]
impl BenchDenseMlp {
    /// `sizes`, e.g. `[784, 400, 400, 10]`; PyTorch-init weights (seeded).
    #[wasm_bindgen(constructor)]
    pub fn new(sizes: Vec<u32>) -> Result<BenchDenseMlp, JsError> {
        if sizes.len() < 2 || sizes.contains(&0) {
            return Err(JsError::new("BenchDenseMlp: sizes needs ≥ 2 positive entries"));
        }
        let sizes: Vec<usize> = sizes.iter().map(|&s| s as usize).collect();
        Ok(BenchDenseMlp { mlp: DenseMlp::new(&sizes, 7) })
    }

    /// Inference on one batch: `x` is `[n × sizes[0]]` values (a Float32Array, copied in like
    /// `Network.predict`'s input, so that both sides of the comparison pay the same).
    pub fn run(&mut self, x: &[f32], n: usize) -> Result<(), JsError> {
        let f = self.mlp.inputs();
        if n == 0 || x.len() != n * f {
            return Err(JsError::new(&format!("BenchDenseMlp.run: {} values for {n} samples of {f}", x.len())));
        }
        std::hint::black_box(self.mlp.predict(x, n));
        Ok(())
    }
}

/// Bytes of this module instance's linear memory (it only grows, so this is the peak).
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}
