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
#[wasm_bindgen]
pub fn catalog() -> Result<JsValue, JsError> {
    convert::to_js_via_json(&crate::catalog::catalog())
}

/// Samples a surrogate gradient and its primitive on `n` even points in `[lo, hi]`.
/// `cfg` is `{kind, alpha?, beta?, <parameter by catalog name>?…}` with `kind` one of `catalog().surrogates[].name`
/// (the core's `SurrogateConfig`).
/// Returns `{x: Float32Array, grad: Float32Array, primitive: Float32Array}`.
#[wasm_bindgen(js_name = surrogateCurve, unchecked_return_type = "{ x: Float32Array; grad: Float32Array; primitive: Float32Array }")]
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

// The shapes of the plain objects the exports take and return (the exports take `JsValue` so
// that `args` can check them, and name these types through `unchecked_param_type` /
// `unchecked_return_type`). Field names follow the core's serde names (camelCase).
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** `new Network(cfg)`: absent or null values take the catalog's defaults; any other key must be a surrogate parameter's catalog name. */
export interface NetworkConfig {
  arch: string;
  neuron?: string | null;
  alpha?: number | null;
  beta?: number | null;
  threshold?: number | null;
  steps?: number | null;
  leak?: number | null;
  batchNorm?: boolean | null;
  optimizer?: string | null;
  lr?: number | null;
  seed?: number | null;
  /** one of `catalog().schedules[].name`; stepped per epoch */
  lrSchedule?: string | null;
  /** the run's epochs: the cosine schedule's T_max */
  epochs?: number | null;
  etaMin?: number | null;
  stepSize?: number | null;
  gamma?: number | null;
  /** λ of the firing-rate penalty (0 = off) */
  ratePenalty?: number | null;
  /** penalize (rate − targetRate)² instead of the rate */
  targetRate?: number | null;
  [surrogateParameter: string]: string | number | boolean | null | undefined;
}
/** `surrogateCurve(cfg, ...)`: `kind` one of `catalog().surrogates[].name`. */
export interface SurrogateConfig {
  kind: string;
  alpha?: number | null;
  beta?: number | null;
  [surrogateParameter: string]: string | number | null | undefined;
}
/** Energy constants; absent ones from `catalog().energy`. */
export interface EnergyConfig {
  eMacPj?: number | null;
  eAcPj?: number | null;
  snnSteps?: number | null;
}
export interface TrainStats {
  steps: number;
  samples: number;
  /** mean cross-entropy */
  loss: number;
  /** mean firing-rate penalty term (0 when off); training minimizes loss + ratePenalty */
  ratePenalty: number;
  /** learning rate of the last step */
  lr: number;
  accuracy: number;
  epoch: number;
  gradNorms: number[];
  firingRates: number[];
}
export interface LayerOps {
  name: string;
  kind: string;
  input: string;
  fanIn: number;
  fanOut: number;
  neurons: number;
  macs: number;
  acs: number;
  spikes: number;
  firingRate: number;
  energyPj: number;
  annMacs: number;
}
export interface OpCounts {
  samples: number;
  steps: number;
  layers: LayerOps[];
  macs: number;
  acs: number;
  energyPj: number;
  annEnergyPj: number;
  snnSteps: number;
  snnMacs: number;
  snnAcs: number;
  snnEnergyPj: number;
  ratioToAnn: number;
  energyModel: { eMacPj: number; eAcPj: number; snnSteps: number };
}
export interface EvalReport {
  samples: number;
  loss: number;
  accuracy: number;
  /** confusion[true * classes + predicted] */
  confusion: number[];
  ops: OpCounts;
}
export interface LayerRecord {
  name: string;
  kind: string;
  shape: { c: number; h: number; w: number };
  steps: number;
  spikes: Uint8Array;
  potentials: Float32Array;
  firingRate: number;
}
export interface Inspection {
  layers: LayerRecord[];
  probabilities: Float32Array;
  ops: OpCounts;
}
"#;
