//! The JS face: wasm-bindgen types over the core, errors turned into JS `Error`s, typed arrays
//! in and out. It translates and nothing more; every rule lives in the core.

mod args;
mod convert;
mod dataset;
mod network;
mod threads;

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
/// neuron parameters, optimizers, learning-rate schedules, the rate penalty, data presets,
/// energy constants, class names): the core's
/// `catalog::catalog()` as a plain object, see `Catalog` for the fields.
#[wasm_bindgen(unchecked_return_type = "Catalog")]
pub fn catalog() -> Result<JsValue, JsError> {
    convert::to_js_via_json(&crate::catalog::catalog())
}

/// Samples a surrogate gradient and its primitive on `n` even points in `[lo, hi]`.
/// `cfg` is `{kind, alpha?, beta?, <parameter by catalog name>?…}` with `kind` one of `catalog().surrogates[].name`
/// (the core's `SurrogateConfig`).
/// Returns `{x: Float32Array, grad: Float32Array, primitive: Float32Array}`.
#[wasm_bindgen(js_name = surrogateCurve, unchecked_return_type = "SurrogateCurve")]
pub fn surrogate_curve(
    #[wasm_bindgen(unchecked_param_type = "SurrogateConfig")] cfg: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] lo: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] hi: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
) -> Result<JsValue, JsError> {
    let (lo, hi, n) = (args::number(&lo, "lo")?, args::number(&hi, "hi")?, args::index(&n, "n")?);
    let s = convert::surrogate_from_js(cfg)?;
    let (x, g, p) = crate::surrogate::sample(&s, lo, hi, n).map_err(err)?;
    let out = js_sys::Object::new();
    convert::set(&out, "x", &js_sys::Float32Array::from(&x[..]).into());
    convert::set(&out, "grad", &js_sys::Float32Array::from(&g[..]).into());
    convert::set(&out, "primitive", &js_sys::Float32Array::from(&p[..]).into());
    Ok(out.into())
}

// The shapes of the plain objects the exports take and return: tsify declares each serde type of
// the core under its name (`NetworkConfig` = `RunConfig`, `TrainConfig`, `SurrogateConfig`,
// `EnergyConfig`, `TrainStats`, `EvalReport`, `OpReport`, `LayerRecord`, `Inspection`,
// `NetworkSpec`, `Catalog`, …, with their doc comments), and the exports, which take `JsValue`
// so that `args` can check them, name those types through `unchecked_param_type` /
// `unchecked_return_type`. Here only what no serde type describes.
#[wasm_bindgen(typescript_custom_section)]
const SURROGATE_PARAMETERS: &'static str = include_str!("surrogate-parameters.d.ts");

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** The keys of a config that takes no keys besides its fields (an unknown key throws). */
export interface NoOtherKeys {}
/** `opCounts(...)` and the `ops` of `evaluate` and `inspect`. */
export type OpCounts = OpReport;
/** `surrogateCurve(cfg, lo, hi, n)`: `n` even points of `[lo, hi]`, the gradient and its primitive there. */
export interface SurrogateCurve {
  x: Float32Array;
  grad: Float32Array;
  primitive: Float32Array;
}
"#;
