//! Argument checks at the JS boundary. wasm-bindgen's own conversions coerce silently (a `usize`
//! parameter turns −1 into 4 294 967 295, 2³² + 5 into 5 and NaN into 0) or trap in the glue (a
//! number where `&str` or `&[u8]` is expected reads wasm memory out of bounds), so every export
//! takes its arguments as `JsValue` and checks their TYPE here, naming the parameter in the
//! message. Ranges (how many steps, how large a batch) are the core's business: these helpers
//! only make sure that what reaches it is the value the caller wrote. An optional argument is an
//! `Option<JsValue>` (wasm-bindgen maps `undefined` and `null` to `None` and marks it `?` in the
//! TypeScript declarations), checked by the same helpers when present.

use js_sys::{Array, Float32Array, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// `Number.MAX_SAFE_INTEGER`: above it a JS number no longer holds every integer, so a larger
/// "integer" may already be another value than the one the caller wrote.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The largest integer a count or index may be: a safe integer that also fits `usize` (32 bits
/// in wasm32, so 2³² + 1 steps is refused rather than wrapped to 1).
pub fn max_index() -> u64 {
    MAX_SAFE_INTEGER.min(usize::MAX as u64)
}

/// What a value is, for messages: `-1`, `NaN`, `the string "5"`, `null`, `an object`, ….
pub fn describe(v: &JsValue) -> String {
    if let Some(x) = v.as_f64() {
        return format_number(x);
    }
    if let Some(s) = v.as_string() {
        let short: String = s.chars().take(40).collect();
        let more = if short.len() < s.len() { "…" } else { "" };
        return format!("the string {short:?}{more}");
    }
    if let Some(b) = v.as_bool() {
        return format!("the boolean {b}");
    }
    if v.is_null() {
        return "null".into();
    }
    if v.is_undefined() {
        return "undefined (missing)".into();
    }
    if v.is_bigint() {
        return "a BigInt".into();
    }
    if v.is_symbol() {
        return "a symbol".into();
    }
    if v.is_function() {
        return "a function".into();
    }
    if Array::is_array(v) {
        return "an array".into();
    }
    match v.dyn_ref::<js_sys::Object>().map(|o| String::from(o.constructor().name())) {
        Some(name) if !name.is_empty() && name != "Object" => format!("a {name}"),
        _ => "an object".into(),
    }
}

/// A JS number as JS prints it (`-1`, `1.5`, `NaN`, `4294967296`, `1e+300`).
fn format_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if x == x.trunc() && x.abs() < 1e21 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

fn wrong(name: &str, expected: &str, v: &JsValue) -> JsError {
    JsError::new(&format!("{name} must be {expected}, got {}", describe(v)))
}

/// A whole number `0..=max`, from a JS number (no strings, no NaN, no fractions).
fn whole(v: &JsValue, name: &str, max: u64) -> Result<u64, JsError> {
    match v.as_f64() {
        Some(x) if x >= 0.0 && x == x.trunc() && x <= max as f64 => Ok(x as u64),
        _ => Err(wrong(name, &format!("an integer from 0 to {max}"), v)),
    }
}

/// A count or an index: a non-negative safe integer that fits `usize` (the core checks how
/// large it may be).
pub fn index(v: &JsValue, name: &str) -> Result<usize, JsError> {
    // `whole` bounds it by `max_index()`, which fits usize.
    whole(v, name, max_index()).map(|x| x as usize)
}

/// A seed: any non-negative safe integer (the same range as the Network config's `seed`).
pub fn seed(v: &JsValue, name: &str) -> Result<u64, JsError> {
    whole(v, name, MAX_SAFE_INTEGER)
}

/// A JS number as `f32`. NaN and infinities pass (they are numbers): the core says which values
/// it takes (a finite noise ≥ 0, a fraction in (0, 1), …).
pub fn number(v: &JsValue, name: &str) -> Result<f32, JsError> {
    v.as_f64().map(|x| x as f32).ok_or_else(|| wrong(name, "a number", v))
}

pub fn string(v: &JsValue, name: &str) -> Result<String, JsError> {
    v.as_string().ok_or_else(|| wrong(name, "a string", v))
}

/// Bytes: a `Uint8Array` (a Node `Buffer` is one), copied into wasm memory.
pub fn bytes(v: &JsValue, name: &str) -> Result<Vec<u8>, JsError> {
    v.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec).ok_or_else(|| wrong(name, "a Uint8Array", v))
}

/// Input values: a `Float32Array`, or an array of numbers (what `&[f32]` took before; values are
/// converted as `Float32Array.from` does, and NaN is reported by the core with its position).
pub fn floats(v: &JsValue, name: &str) -> Result<Vec<f32>, JsError> {
    if let Some(a) = v.dyn_ref::<Float32Array>() {
        return Ok(a.to_vec());
    }
    let expected = "a Float32Array or an array of numbers";
    let a = v.dyn_ref::<Array>().ok_or_else(|| wrong(name, expected, v))?;
    a.iter()
        .enumerate()
        .map(|(i, x)| x.as_f64().map(|x| x as f32).ok_or_else(|| wrong(&format!("{name}[{i}]"), "a number", &x)))
        .collect()
}

/// Labels or sizes: a `Uint32Array`, or an array of integers `0..=u32::MAX` (1.7 and NaN are
/// refused, not truncated to 1 and 0).
pub fn u32s(v: &JsValue, name: &str) -> Result<Vec<u32>, JsError> {
    if let Some(a) = v.dyn_ref::<Uint32Array>() {
        return Ok(a.to_vec());
    }
    let a = v.dyn_ref::<Array>().ok_or_else(|| wrong(name, "a Uint32Array or an array of integers", v))?;
    a.iter()
        .enumerate()
        .map(|(i, x)| whole(&x, &format!("{name}[{i}]"), u64::from(u32::MAX)).map(|x| x as u32))
        .collect()
}

/// An array of `Uint8Array`s (the Fashion-MNIST JSON files).
pub fn byte_arrays(v: &JsValue, name: &str) -> Result<Vec<Vec<u8>>, JsError> {
    let a = v.dyn_ref::<Array>().ok_or_else(|| wrong(name, "an array of Uint8Arrays", v))?;
    a.iter().enumerate().map(|(i, x)| bytes(&x, &format!("{name}[{i}]"))).collect()
}

/// A config object: a plain object (arrays, strings and numbers are refused here, because serde
/// would read some of them as a struct). `optional`: the argument may be left out, as the
/// message says (`undefined`/`null` never reach here: they are `None`).
pub fn config_object(v: &JsValue, name: &str, optional: bool) -> Result<(), JsError> {
    if v.is_object() && !Array::is_array(v) && !v.is_function() {
        Ok(())
    } else {
        Err(wrong(name, if optional { "an object or undefined" } else { "an object" }, v))
    }
}
