//! NIR graph files (`nir::from_nir`: HDF5 through hdf5-pure, then the graph import), then one
//! forward pass on one sample of every network that imports: a file that imports must also run.
#![no_main]

use libfuzzer_sys::fuzz_target;
use s3nn::nir;

#[path = "../support/run_once.rs"]
mod run_once;

fuzz_target!(|data: &[u8]| {
    let Ok(mut net) = nir::from_nir(data) else { return };
    run_once::forward_once(&mut net);
    // What imports exports again.
    let _ = nir::to_nir(&net).unwrap();
});
