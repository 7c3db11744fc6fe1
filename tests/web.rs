//! The JS-facing API, run in headless Chromium by `wasm-pack test --headless --chrome`:
//! happy paths and every bad-input path, each of which must throw an `Error` (never trap) and
//! leave the instance usable.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use s3nn::wasm::{catalog, surrogate_curve, Dataset, Network};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn field(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

// The exports take `JsValue`s (src/wasm/args.rs checks their types), as JS passes them.
fn f32s(x: &[f32]) -> JsValue {
    js_sys::Float32Array::from(x).into()
}
fn u8s(x: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(x).into()
}
fn u32s(x: &[u32]) -> JsValue {
    js_sys::Uint32Array::from(x).into()
}
fn num(x: f64) -> JsValue {
    JsValue::from_f64(x)
}
fn toy(kind: &str, n: u32, noise: f64, seed: u32) -> Dataset {
    Dataset::toy(kind.into(), n.into(), noise.into(), seed.into()).unwrap()
}

/// The message of a thrown JsError, as JS would see it.
fn message(e: JsError) -> String {
    let v: JsValue = e.into();
    assert!(v.is_instance_of::<js_sys::Error>(), "not an Error: {v:?}");
    String::from(v.dyn_into::<js_sys::Error>().unwrap().message())
}

fn toy_net() -> Network {
    Network::new(obj(&[("arch", "2-16-16-2".into()), ("neuron", "s3nn".into()), ("lr", 0.01.into()), ("seed", 3.into())])).unwrap()
}

#[wasm_bindgen_test]
fn trains_a_toy_set_and_round_trips_the_model() {
    let data = toy("moons", 600, 0.1, 1);
    let mut net = toy_net();
    let stats = net.train_steps(&data, num(300.0), num(32.0)).unwrap();
    assert!(field(&stats, "loss").as_f64().unwrap().is_finite());
    let report = net.evaluate(&data, None, None).unwrap();
    let acc = field(&report, "accuracy").as_f64().unwrap();
    assert!(acc > 0.9, "accuracy {acc}");
    let x = f32s(&data.inputs());
    let n = num(data.length() as f64);
    let before = net.predict(x.clone(), n.clone()).unwrap();
    let bytes = net.save().unwrap();
    let mut back = Network::load(u8s(&bytes), None).unwrap();
    assert_eq!(back.predict(x, n).unwrap(), before);
}

#[wasm_bindgen_test]
fn records_spikes_and_counts_operations() {
    let data = toy("spiral", 50, 0.1, 2);
    let mut net = toy_net();
    let x = f32s(&data.inputs());
    let rec = net.record(x.clone(), num(50.0)).unwrap();
    assert_eq!(rec.length(), 2);
    let spikes: js_sys::Uint8Array = field(&rec.get(0), "spikes").dyn_into().unwrap();
    assert_eq!(spikes.length(), 50 * 16);
    let ops = net.op_counts(x, num(50.0), Some(obj(&[("eMacPj", 4.6.into()), ("eAcPj", 0.9.into())]))).unwrap();
    let layers: js_sys::Array = field(&ops, "layers").dyn_into().unwrap();
    assert_eq!(layers.length(), 3);
    // layer 2 is fed by spikes: its ACs are exactly spikes(layer 1) × fan-out.
    let spikes1 = field(&layers.get(0), "spikes").as_f64().unwrap();
    let acs2 = field(&layers.get(1), "acs").as_f64().unwrap();
    assert!((acs2 - spikes1 * 16.0).abs() < 1e-9, "{acs2} vs {spikes1}");
}

#[wasm_bindgen_test]
fn surrogate_curve_matches_the_formula() {
    let c = surrogate_curve(obj(&[("kind", "s3nn".into()), ("alpha", 4.0.into()), ("beta", 1.0.into())]), num(-2.0), num(2.0), num(5.0)).unwrap();
    let g: js_sys::Float32Array = field(&c, "grad").dyn_into().unwrap();
    let g = g.to_vec();
    // x = -2, -1, 0, 1, 2: sigmoid side below 0, β/(x+1) above.
    let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
    let expect = [4.0 * sig(-8.0) * (1.0 - sig(-8.0)), 4.0 * sig(-4.0) * (1.0 - sig(-4.0)), 1.0, 0.5, 1.0 / 3.0];
    for (a, e) in g.iter().zip(expect) {
        assert!((f64::from(*a) - e).abs() < 1e-5, "{a} vs {e}");
    }
}

#[wasm_bindgen_test]
fn every_bad_input_throws_an_error_with_a_message_and_the_instance_survives() {
    let msg = |r: Result<JsValue, JsError>| message(r.expect_err("should fail"));
    assert!(msg(surrogate_curve(obj(&[("kind", "nope".into())]), num(-1.0), num(1.0), num(10.0))).contains("unknown surrogate"));
    assert!(msg(surrogate_curve(obj(&[("kind", "rect".into()), ("width", (-1.0).into())]), num(-1.0), num(1.0), num(10.0))).contains("width"));
    assert!(message(Network::new(obj(&[("arch", "2-x-2".into())])).err().unwrap()).contains("'x'"));
    assert!(message(Network::new(obj(&[("arch", "2-8-2".into()), ("neuron", "banana".into())])).err().unwrap()).contains("unknown neuron"));
    assert!(message(Network::new(obj(&[("arch", "100000-100000-10".into())])).err().unwrap()).contains("too large"));
    assert!(message(Dataset::from_idx("bad".into(), u8s(&[0, 0, 8, 3, 0, 0]), u8s(&[0, 0, 8, 1, 0, 0, 0, 1, 0])).err().unwrap()).contains("IDX"));
    assert!(message(Dataset::from_csv("x,y,label\n1,2\n".into()).err().unwrap()).contains("line 2"));
    assert!(message(Dataset::from_arrays("nan".into(), f32s(&[f32::NAN, 0.0]), u32s(&[0]), u32s(&[2]), num(2.0)).err().unwrap()).contains("NaN"));
    assert!(message(Network::load(u8s(&[1, 2, 3, 4, 5, 6, 7, 8, 9]), None).err().unwrap()).contains("model file"));

    let mut net = toy_net();
    let data = toy("xor", 100, 0.1, 1);
    // shape mismatch: 3 values for 2 samples of 2 features
    assert!(message(net.predict(f32s(&[0.0, 1.0, 2.0]), num(2.0)).err().unwrap()).contains("shape mismatch"));
    assert!(message(net.predict(f32s(&[f32::NAN, 1.0]), num(1.0)).err().unwrap()).contains("NaN"));
    assert!(message(net.train_steps(&data, num(1.0), num(0.0)).err().unwrap()).contains("batch size"));
    let image = Dataset::from_arrays("img".into(), f32s(&[0.5; 8]), u32s(&[0, 1]), u32s(&[4]), num(2.0)).unwrap();
    assert!(message(net.train_steps(&image, num(1.0), num(2.0)).err().unwrap()).contains("features"));
    assert!(message(net.set_learning_rate(num(f64::NAN)).err().unwrap()).contains("learning rate"));
    // still usable
    assert!(net.train_steps(&data, num(5.0), num(16.0)).is_ok());
    assert_eq!(net.predict(f32s(&data.inputs()), num(data.length() as f64)).unwrap().len(), 100);
}

#[wasm_bindgen_test]
fn the_catalog_lists_every_neuron_and_each_one_builds() {
    let c = catalog().unwrap();
    let neurons: js_sys::Array = field(&c, "neurons").dyn_into().unwrap();
    let surrogates: js_sys::Array = field(&c, "surrogates").dyn_into().unwrap();
    let mut spikes = 0;
    for n in neurons.iter() {
        let name = field(&n, "name").as_string().unwrap();
        if field(&n, "family").as_string().unwrap() == "spike" {
            spikes += 1;
        }
        let net = Network::new(obj(&[("arch", "2-8-2".into()), ("neuron", name.clone().into())]));
        assert!(net.is_ok(), "catalog neuron '{name}' builds");
    }
    assert_eq!(spikes, surrogates.length(), "one spike neuron per surrogate");
    // f32 defaults read as written, not as their f64 widening (0.05, not 0.0500000007).
    let params: js_sys::Array = field(&c, "neuronParams").dyn_into().unwrap();
    assert_eq!(field(&params.get(0), "step").as_f64(), Some(0.05));
    let datasets: js_sys::Array = field(&c, "datasets").dyn_into().unwrap();
    let spiral = datasets.iter().find(|d| field(d, "name").as_string().as_deref() == Some("spiral")).unwrap();
    assert_eq!(field(&spiral, "lr").as_f64(), Some(0.01));
    assert_eq!(field(&field(&c, "energy"), "eMacPj").as_f64(), Some(4.6));
}

#[wasm_bindgen_test]
fn the_network_config_rejects_unknown_keys_and_wrong_types() {
    let e = message(Network::new(obj(&[("arch", "2-8-2".into()), ("neuronn", "relu".into())])).err().unwrap());
    assert!(e.contains("unknown key 'neuronn'") && e.contains("batchNorm"), "{e}");
    let e = message(Network::new(obj(&[("arch", "2-8-2".into()), ("batchNorm", "yes".into())])).err().unwrap());
    assert!(e.contains("batchNorm: ") && e.contains("boolean"), "{e}");
    let e = message(Network::new(obj(&[("arch", "2-8-2".into()), ("steps", (-1).into())])).err().unwrap());
    assert!(e.contains("steps: "), "{e}");
    let e = message(Network::new(obj(&[("arch", "2-8-2".into()), ("lr", f64::NAN.into())])).err().unwrap());
    assert!(e.contains("learning rate"), "{e}");
    assert!(Network::new(JsValue::UNDEFINED).is_err());
    // What the page sends: null for "default", β for every neuron, batchNorm as a boolean.
    let ok = Network::new(obj(&[
        ("arch", "2-8-2".into()),
        ("neuron", "rect".into()),
        ("alpha", 0.5.into()),
        ("beta", 1.0.into()),
        ("threshold", JsValue::NULL),
        ("batchNorm", true.into()),
        ("optimizer", "sgd".into()),
        ("lr", 0.1.into()),
        ("seed", 2.into()),
    ]));
    assert!(ok.is_ok());
}

#[wasm_bindgen_test]
fn inspect_returns_spikes_probabilities_and_ops_of_one_pass() {
    let data = toy("blobs", 40, 0.1, 5);
    let mut net = Network::new(obj(&[("arch", "2-16-8-3".into()), ("seed", 4.into())])).unwrap();
    let xs = data.inputs();
    let x = f32s(&xs);
    let r = net.inspect(x.clone(), num(40.0), None).unwrap();
    let layers: js_sys::Array = field(&r, "layers").dyn_into().unwrap();
    assert_eq!(layers.length(), 2);
    let spikes: js_sys::Uint8Array = field(&layers.get(1), "spikes").dyn_into().unwrap();
    let pots: js_sys::Float32Array = field(&layers.get(1), "potentials").dyn_into().unwrap();
    assert_eq!((spikes.length(), pots.length()), (40 * 8, 40 * 8));
    let p: js_sys::Float32Array = field(&r, "probabilities").dyn_into().unwrap();
    let p = p.to_vec();
    assert_eq!(p.len(), 40 * 3);
    for row in p.chunks(3) {
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{row:?}");
    }
    // The thin wrappers agree with the one pass.
    assert_eq!(net.predict_proba(x.clone(), num(40.0)).unwrap(), p);
    let rec = net.record(x.clone(), num(40.0)).unwrap();
    let rec_spikes: js_sys::Uint8Array = field(&rec.get(1), "spikes").dyn_into().unwrap();
    assert_eq!(rec_spikes.to_vec(), spikes.to_vec());
    let ops = net.op_counts(x.clone(), num(40.0), None).unwrap();
    assert_eq!(field(&field(&r, "ops"), "acs").as_f64(), field(&ops, "acs").as_f64());
    let rate = field(&layers.get(0), "firingRate").as_f64().unwrap();
    assert!((0.0..=1.0).contains(&rate));
    // Bad input throws and names the problem.
    assert!(message(net.inspect(f32s(&xs[..5]), num(40.0), None).err().unwrap()).contains("shape mismatch"));
    assert!(message(net.inspect(x.clone(), num(40.0), Some(obj(&[("snnSteps", 0.into())]))).err().unwrap()).contains("snnSteps"));
    assert!(message(net.inspect(x, num(40.0), Some(obj(&[("eMac", 1.into())]))).err().unwrap()).contains("eMacPj"));
}

#[wasm_bindgen_test]
fn wrong_argument_types_throw_and_name_the_parameter() {
    // Issue #15 defects 4, 8 and 9: each of these was coerced (−1 → 4294967295 steps, 2³²+1 → 1,
    // NaN → 0, 1.7 → 1) or trapped in the glue; now each throws and says which parameter.
    let data = toy("xor", 40, 0.1, 1);
    let mut net = toy_net();
    for bad in [num(-1.0), num(4294967297.0), num(1.5), num(f64::NAN), "5".into(), JsValue::NULL] {
        let e = message(net.train_steps(&data, bad.clone(), num(16.0)).err().unwrap());
        assert!(e.starts_with("steps must be an integer from 0 to "), "{bad:?}: {e}");
    }
    assert!(message(Dataset::toy(5.into(), 10.into(), 0.1.into(), 1.into()).err().unwrap()).contains("kind must be a string, got 5"));
    assert!(message(Dataset::from_csv(5.into()).err().unwrap()).contains("text must be a string"));
    assert!(message(Dataset::from_idx("m".into(), 5.into(), u8s(&[])).err().unwrap()).contains("images must be a Uint8Array"));
    assert!(message(data.sample(num(4294967296.0)).err().unwrap()).contains("got 4294967296"));
    assert!(message(data.take(num(4294967301.0)).err().unwrap()).starts_with("n must be an integer"));
    assert!(message(net.evaluate(&data, Some(num(f64::NAN)), None).err().unwrap()).contains("limit must be an integer"));
    assert!(message(net.predict(f32s(&[0.0, 0.0]), num(1.5)).err().unwrap()).contains("got 1.5"));
    let labels = |y: &[f64]| {
        let y: js_sys::Array = y.iter().map(|v| num(*v)).collect();
        message(Dataset::from_arrays("a".into(), f32s(&[0.0, 0.0]), y.into(), u32s(&[2]), num(2.0)).err().unwrap())
    };
    assert!(labels(&[1.7]).contains("y[0] must be an integer"));
    assert!(labels(&[f64::NAN]).contains("got NaN"));
    assert!(message(Dataset::toy("xor".into(), 10.into(), 0.1.into(), num(-1.0)).err().unwrap()).contains("seed must be"));
    assert!(message(Network::new(5.into()).err().unwrap()).contains("Network config must be an object"));
    // numbers passed as numbers still work, and the objects too after all these errors
    assert!(net.train_steps(&data, num(2.0), num(16.0)).is_ok());
    assert_eq!(data.take(num(7.0)).unwrap().length(), 7);
}
