//! Benchmark hooks for the harnesses in `bench/` (feature `wasm-bench`, never in the published
//! pkg/). Timing loops stay inside wasm, so the JS boundary is crossed once per measurement.
//! The cases themselves live in `bench/cases.rs`, shared with the native runner `benches/e2e.rs`.

use super::convert;
use crate::kernels;
use crate::parallel;
use crate::rng::Rng;
use crate::surrogate::Surrogate;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

include!("../../bench/cases.rs");

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

fn timing_to_js(t: &BenchTiming) -> js_sys::Object {
    let o = js_sys::Object::new();
    convert::set(&o, "msPerCall", &t.median_ms.into());
    convert::set(&o, "minMs", &t.min_ms.into());
    convert::set(&o, "reps", &t.reps.into());
    let s = js_sys::Array::new();
    for v in &t.samples_ms {
        s.push(&(*v).into());
    }
    convert::set(&o, "samplesMs", &s.into());
    o
}

/// Names and descriptions of the kernel cases: `[{name, desc, density}]`.
#[wasm_bindgen(js_name = benchKernelCases)]
pub fn bench_kernel_cases() -> js_sys::Array {
    let a = js_sys::Array::new();
    for (name, desc, d) in KERNEL_CASES {
        let o = js_sys::Object::new();
        convert::set(&o, "name", &(*name).into());
        convert::set(&o, "desc", &(*desc).into());
        convert::set(&o, "density", &(f64::from(*d)).into());
        a.push(&o);
    }
    a
}

/// Times one kernel case. `params`: `{density?, forceScalar?, minSampleMs? = 50, samples? = 7,
/// reps?}`; with `reps` the calibration is skipped (for harnesses that interleave variants sample
/// by sample with `samples: 1`).
/// Returns `{name, isa, density, msPerCall (median), minMs, reps, samplesMs}`.
#[wasm_bindgen(js_name = benchKernel)]
pub fn bench_kernel(name: &str, params: JsValue) -> Result<JsValue, JsError> {
    let density = convert::num(&params, "density")?.unwrap_or(0.0) as f32;
    let force = convert::get(&params, "forceScalar").as_bool().unwrap_or(false);
    let min_ms = convert::num(&params, "minSampleMs")?.unwrap_or(50.0);
    let samples = convert::count(&params, "samples")?.unwrap_or(7);
    let reps = convert::count(&params, "reps")?.map(|r| r.clamp(1, 1 << 24) as u32);
    let mut f = kernel_case(name, density, 42).ok_or_else(|| JsError::new(&format!("unknown kernel case '{name}'")))?;
    kernels::set_force_scalar(force);
    let isa = kernels::active_isa();
    let t = time_case(&mut *f, &now_ms, min_ms, samples, reps);
    kernels::set_force_scalar(false);
    let o = timing_to_js(&t);
    convert::set(&o, "name", &name.into());
    convert::set(&o, "isa", &isa.into());
    let d = if density > 0.0 { density } else { KERNEL_CASES.iter().find(|c| c.0 == name).map(|c| c.2).unwrap_or(0.0) };
    convert::set(&o, "density", &f64::from(d).into());
    Ok(o.into())
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
