//! The JS face: wasm-bindgen types over the core, errors turned into JS `Error`s, typed arrays
//! in and out. It translates and nothing more; every rule lives in the core.

mod convert;
mod dataset;
mod network;

pub use dataset::Dataset;
pub use network::Network;

use convert::err;
use wasm_bindgen::prelude::*;

/// Runs once when the module is instantiated: routes Rust panics to `console.error` with a
/// readable message (there should be none: bad input is reported as a thrown `Error`).
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The instruction set the kernels were compiled for ("simd128" in the published build).
#[wasm_bindgen(js_name = activeIsa)]
pub fn active_isa() -> String {
    crate::kernels::active_isa().to_string()
}

/// Every name, default and range the page shows (neurons, surrogates and their parameters,
/// neuron parameters, optimizers, data presets, energy constants, class names): the core's
/// `catalog::catalog()` as a plain object, see `Catalog` for the fields.
#[wasm_bindgen]
pub fn catalog() -> Result<JsValue, JsError> {
    convert::to_js_via_json(&crate::catalog::catalog())
}

/// Samples a surrogate gradient and its primitive on `n` even points in `[lo, hi]`.
/// `cfg` is `{kind, alpha?, beta?, <parameter by catalog name>?…}` with `kind` one of `catalog().surrogates[].name`
/// (the core's `SurrogateConfig`).
/// Returns `{x: Float32Array, grad: Float32Array, primitive: Float32Array}`.
#[wasm_bindgen(js_name = surrogateCurve)]
pub fn surrogate_curve(cfg: JsValue, lo: f32, hi: f32, n: usize) -> Result<JsValue, JsError> {
    let s = convert::surrogate_from_js(cfg)?;
    let (x, g, p) = crate::surrogate::sample(&s, lo, hi, n).map_err(err)?;
    let out = js_sys::Object::new();
    convert::set(&out, "x", &js_sys::Float32Array::from(&x[..]).into());
    convert::set(&out, "grad", &js_sys::Float32Array::from(&g[..]).into());
    convert::set(&out, "primitive", &js_sys::Float32Array::from(&p[..]).into());
    Ok(out.into())
}
