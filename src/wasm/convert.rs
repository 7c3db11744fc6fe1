//! Conversions at the boundary: core errors to JS `Error`, serde values to plain JS objects, JS
//! config objects to the core's config types (which hold every rule and default).

use crate::config::{EnergyConfig, SurrogateConfig};
use crate::error::S3nnError;
use crate::ops::EnergyModel;
use crate::surrogate::Surrogate;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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

/// A JS config object as the core's config type `T`. serde-wasm-bindgen's type errors do not say
/// which key is wrong ("invalid type: string \"yes\", expected a boolean"), so on an error each key
/// is tried alone (next to `required`, placeholders for the keys `T` cannot do without) and the
/// first that fails is named: "batchNorm: invalid type: …". `T` stays the one home of the types.
pub fn config_from_js<T: DeserializeOwned>(cfg: &JsValue, required: &[(&str, JsValue)]) -> Result<T, String> {
    let message = |e: serde_wasm_bindgen::Error| -> String {
        let v: JsValue = e.into();
        v.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{v:?}"), |e| String::from(e.message()))
    };
    let whole = match serde_wasm_bindgen::from_value::<T>(cfg.clone()) {
        Ok(c) => return Ok(c),
        Err(e) => message(e),
    };
    let Some(obj) = cfg.dyn_ref::<js_sys::Object>() else { return Err(whole) };
    for key in js_sys::Object::keys(obj).iter() {
        let one = js_sys::Object::new();
        for (k, v) in required {
            set(&one, k, v);
        }
        let name = key.as_string().unwrap_or_default();
        set(&one, &name, &js_sys::Reflect::get(obj, &key).unwrap_or(JsValue::UNDEFINED));
        if let Err(e) = serde_wasm_bindgen::from_value::<T>(one.into()) {
            return Err(format!("{name}: {}", message(e)));
        }
    }
    Err(whole)
}

/// `{kind, alpha?, beta?, <parameter name>?…}` → the core's `SurrogateConfig` → a surrogate.
pub fn surrogate_from_js(cfg: JsValue) -> Result<Surrogate, JsError> {
    super::args::config_object(&cfg, "surrogate config", false)?;
    let c: SurrogateConfig = config_from_js(&cfg, &[("kind", JsValue::from_str(""))])
        .map_err(|e| JsError::new(&format!("surrogate config (like {{kind: 's3nn', alpha: 4, beta: 1}}): {e}")))?;
    c.build().map_err(err)
}

/// Optional `{eMacPj?, eAcPj?, snnSteps?}` → the core's `EnergyConfig` → an energy model.
/// (`None`: JS passed `undefined` or `null`.)
pub fn energy_from_js(cfg: Option<JsValue>) -> Result<EnergyModel, JsError> {
    let Some(cfg) = cfg else { return EnergyConfig::default().build().map_err(err) };
    super::args::config_object(&cfg, "energy", true)?;
    let c: EnergyConfig = config_from_js(&cfg, &[]).map_err(|e| JsError::new(&format!("energy config: {e}")))?;
    c.build().map_err(err)
}
