//! Conversions at the boundary: core errors to JS `Error`, serde values to plain JS objects.

use crate::error::S3nnError;
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

pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// Optional finite number field; a present non-number is an error.
pub fn num(obj: &JsValue, key: &str) -> Result<Option<f64>, JsError> {
    let v = get(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(x) if x.is_finite() => Ok(Some(x)),
        _ => Err(JsError::new(&format!("'{key}' must be a finite number"))),
    }
}

pub fn string(obj: &JsValue, key: &str) -> Result<Option<String>, JsError> {
    let v = get(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| JsError::new(&format!("'{key}' must be a string")))
}

/// Non-negative integer field.
pub fn count(obj: &JsValue, key: &str) -> Result<Option<usize>, JsError> {
    match num(obj, key)? {
        None => Ok(None),
        Some(x) if x >= 0.0 && x.fract() == 0.0 && x <= 4_294_967_295.0 => Ok(Some(x as usize)),
        Some(x) => Err(JsError::new(&format!("'{key}' must be a non-negative integer, got {x}"))),
    }
}

pub fn surrogate_from_js(cfg: &JsValue) -> Result<Surrogate, JsError> {
    if !cfg.is_object() {
        return Err(JsError::new("surrogate config must be an object like {kind: 's3nn', alpha: 4, beta: 1}"));
    }
    let kind = string(cfg, "kind")?.ok_or_else(|| JsError::new("surrogate config needs 'kind'"))?;
    let a = ["alpha", "width", "slope"]
        .iter()
        .find_map(|k| num(cfg, k).transpose())
        .transpose()?
        .map(|v| v as f32);
    // β belongs to the S³NN surrogate only; a page may send it for every kind.
    let b = if kind.eq_ignore_ascii_case("s3nn") { num(cfg, "beta")?.map(|v| v as f32) } else { None };
    let s = Surrogate::from_name(&kind, a, b).map_err(err)?;
    s.validate().map_err(err)?;
    Ok(s)
}

pub fn energy_from_js(cfg: &JsValue) -> Result<crate::ops::EnergyModel, JsError> {
    let mut e = crate::ops::EnergyModel::default();
    if cfg.is_undefined() || cfg.is_null() {
        return Ok(e);
    }
    if let Some(v) = num(cfg, "eMacPj")? {
        e.e_mac_pj = v;
    }
    if let Some(v) = num(cfg, "eAcPj")? {
        e.e_ac_pj = v;
    }
    if let Some(v) = count(cfg, "snnSteps")? {
        e.snn_steps = v;
    }
    e.validate().map_err(err)?;
    Ok(e)
}
