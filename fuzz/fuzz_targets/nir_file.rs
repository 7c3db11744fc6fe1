//! NIR graph files (`nir::from_nir`: HDF5 through hdf5-pure, then the graph import), then one
//! forward pass on one sample of every network that imports: a file that imports must also run.
#![no_main]

use libfuzzer_sys::fuzz_target;
use s3nn::nir;

/// As in `model_file`: inputs wider than this are imported (which checks them) but not run.
const MAX_HARNESS_FEATURES: usize = 1 << 22;

fuzz_target!(|data: &[u8]| {
    let Ok(mut net) = nir::from_nir(data) else { return };
    let features = net.features();
    if features > MAX_HARNESS_FEATURES {
        return;
    }
    let x: Vec<f32> = (0..features).map(|i| (i % 17) as f32 / 16.0).collect();
    let classes = net.classes();
    if let Ok(logits) = net.forward(&x, 1, false) {
        assert_eq!(logits.len(), classes);
    }
    // What imports exports again.
    let _ = nir::to_nir(&net).unwrap();
});
