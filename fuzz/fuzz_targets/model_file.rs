//! Model files (`io::load`: safetensors with the spec in its metadata), then one forward pass on
//! one sample of every model that loads: a file that loads must also run.
#![no_main]

use libfuzzer_sys::fuzz_target;
use s3nn::io;

#[path = "../support/run_once.rs"]
mod run_once;

fuzz_target!(|data: &[u8]| {
    let Ok(mut net) = io::load(data) else { return };
    run_once::forward_once(&mut net);
});
