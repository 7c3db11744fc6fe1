//! JSON configuration: the same text as a `NetworkSpec` (the form inside model files) and as a
//! `RunConfig` (the JS `Network` config object / CLI settings), then `build` and `Model::new` on
//! whatever deserializes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use s3nn::{Model, NetworkSpec, RunConfig};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(spec) = serde_json::from_str::<NetworkSpec>(text) {
        if spec.validate().is_ok() {
            let _ = Model::new(spec, 0);
        }
    }
    if let Ok(config) = RunConfig::from_json(text) {
        if let Ok((spec, _optimizer, seed)) = config.build() {
            let _ = Model::new(spec, seed);
        }
    }
});
