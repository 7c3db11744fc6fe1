//! Conversions at the boundary: core errors to JS `Error`, serde values to plain JS objects, JS
//! config objects to the core's config types (which hold every rule and default).

use crate::config::{EnergyConfig, SurrogateConfig};
use crate::error::S3nnError;
use crate::ops::EnergyModel;
use crate::surrogate::Surrogate;
use serde::Serialize;
use wasm_bindgen::prelude::*;

pub fn err(e: S3nnError) -> JsError {
    JsError::new(&e.to_string())
}

/// Serializes to plain JS objects (maps as objects, not `Map`), camelCase from serde attributes.
pub fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("internal: cannot convert result to JS: {e}")))
}

/// Through JSON text, for values whose `f32` fields must read as typed (0.05, not the
/// 0.05000000074505806 a direct f32 → f64 conversion gives): serde_json writes the shortest
/// decimal that round-trips the f32.
pub fn to_js_via_json<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(v).map_err(|e| JsError::new(&format!("internal: cannot encode JSON: {e}")))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("internal: cannot parse JSON"))
}

pub fn set(obj: &js_sys::Object, key: &str, v: &JsValue) {
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(key), v);
}

/// `{kind, alpha?, beta?, <parameter name>?…}` → the core's `SurrogateConfig` → a surrogate.
pub fn surrogate_from_js(cfg: JsValue) -> Result<Surrogate, JsError> {
    super::args::config_object(&cfg, "surrogate config", false)?;
    let c: SurrogateConfig = serde_wasm_bindgen::from_value(cfg)
        .map_err(|e| JsError::new(&format!("surrogate config (like {{kind: 's3nn', alpha: 4, beta: 1}}): {e}")))?;
    c.build().map_err(err)
}

/// Optional `{eMacPj?, eAcPj?, snnSteps?}` → the core's `EnergyConfig` → an energy model.
pub fn energy_from_js(cfg: JsValue) -> Result<EnergyModel, JsError> {
    super::args::config_object(&cfg, "energy", true)?;
    let c: Option<EnergyConfig> =
        serde_wasm_bindgen::from_value(cfg).map_err(|e| JsError::new(&format!("energy config: {e}")))?;
    c.unwrap_or_default().build().map_err(err)
}
