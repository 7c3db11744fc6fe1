//! What the file-reading fuzz targets do with a network that loads: one forward pass on one
//! sample, so that a file that loads must also run. Included by `#[path]` from each target.

use s3nn::Model;

/// The harness's own input buffer is not the library's allocation: inputs wider than this are
/// loaded (which checks them) but not run, so an OOM report always points at the library.
const MAX_HARNESS_FEATURES: usize = 1 << 22;

/// One forward pass of `net` on a fixed, non-trivial sample (a ramp through 0..1, so that spikes,
/// pools and ReLUs all see variety): its logits, when it runs, are one per class.
pub fn forward_once(net: &mut Model) {
    let features = net.features();
    if features > MAX_HARNESS_FEATURES {
        return;
    }
    let x: Vec<f32> = (0..features).map(|i| (i % 17) as f32 / 16.0).collect();
    let classes = net.classes();
    if let Ok(logits) = net.forward(&x, 1, false) {
        assert_eq!(logits.len(), classes);
    }
}
