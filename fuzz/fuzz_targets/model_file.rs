//! Model files (`io::load`: safetensors with the spec in its metadata), then one forward pass on
//! one sample of every model that loads: a file that loads must also run.
#![no_main]

use libfuzzer_sys::fuzz_target;
use s3nn::io;

/// The harness's own input buffer is not the library's allocation: inputs wider than this are
/// loaded (which checks them) but not run, so an OOM report always points at the library.
const MAX_HARNESS_FEATURES: usize = 1 << 22;

fuzz_target!(|data: &[u8]| {
    let Ok(mut net) = io::load(data) else { return };
    let features = net.features();
    if features > MAX_HARNESS_FEATURES {
        return;
    }
    // A fixed, non-trivial sample: ramps through 0..1 so spikes, pools and ReLUs all see variety.
    let x: Vec<f32> = (0..features).map(|i| (i % 17) as f32 / 16.0).collect();
    let classes = net.classes();
    if let Ok(logits) = net.forward(&x, 1, false) {
        assert_eq!(logits.len(), classes);
    }
});
