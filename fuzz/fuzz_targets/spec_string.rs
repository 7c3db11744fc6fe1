//! The compact architecture string (`NetworkSpec::parse`, e.g. `1x28x28-c16k3s1p1-mp2-10`), then
//! `Model::new` on every spec it accepts: a spec that validates must build without a panic or an
//! unbounded allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use s3nn::{Model, NetworkSpec, NeuronModel};

fuzz_target!(|data: &[u8]| {
    let Ok(arch) = std::str::from_utf8(data) else { return };
    let Ok(spec) = NetworkSpec::parse(arch, NeuronModel::default()) else { return };
    // `arch_string` is documented as the inverse of `parse`.
    let again = NetworkSpec::parse(&spec.arch_string(), NeuronModel::default())
        .unwrap_or_else(|e| panic!("arch_string '{}' of '{arch}' does not parse: {e}", spec.arch_string()));
    assert_eq!(again, spec, "arch_string round trip of '{arch}'");
    let _ = Model::new(spec, 0);
});
