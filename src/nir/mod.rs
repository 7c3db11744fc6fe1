//! NIR, the Neuromorphic Intermediate Representation (neuromorphs/NIR, Pedersen et al., Nature
//! Communications 2024): the graph format snnTorch, Norse, SpikingJelly, Sinabs, Spyx, Lava
//! (Loihi 2) and SpiNNaker2 exchange spiking networks in. An HDF5 file (see [`hdf5`]).
//!
//! Export of a single-step spiking network, one step from rest (the README has the table):
//! - `Input` `[features]` or `[C, H, W]`;
//! - each dense / conv layer: `Affine` (`nn.Linear` layout) / `Conv2d` (`nn.Conv2d` layout), with
//!   batch norm folded into the weights ([`Model::folded`]) and θ into the bias (`b − θ`), then
//!   a `LIF` with `τ = dt`, `r = τ/dt = 1`, `v_leak = 0`, `v_threshold = 0`: one Euler step from
//!   rest gives `v = I`, so it spikes where `Wx + b − θ > 0`. H spikes where `u − θ ≥ 0`: the two
//!   differ only where `u − θ` is exactly 0 (the tests count such ties);
//! - a max-pool: `AvgPool2d` (kernel = stride = size) and a `LIF` with `v_threshold = ½/size²`:
//!   on spikes the window's mean is ≥ 1/size² exactly when one spiked, so this is the OR;
//! - `Flatten` (C, H, W order: PyTorch's, which the weights of the next `Affine` are in) before
//!   the first dense layer or readout after a conv stack;
//! - the readout `Affine`, then `Output` `[classes]`.
//!
//! `LIF` rather than `IF` because snnTorch 1.0 reads `IF` into a `Leaky` that returns
//! `(spk, mem)` and breaks its own graph, and `AvgPool2d` rather than `SumPool2d` because that
//! is the pool it reads. ReLU, BNN and multi-step networks are refused with the reason.
//!
//! Import reads chains of that shape — `Affine`/`Linear`/`Conv2d`, each followed by `LIF`, `IF`
//! or `Threshold` read as one step from rest, `AvgPool2d`/`SumPool2d` followed by a threshold that
//! makes it the OR of spikes, `Flatten`, the readout — into a trainable network, and refuses
//! anything else with a message naming the node.
//!
//! [`Model::folded`]: crate::model::Model::folded

pub mod export;
pub mod graph;
pub mod hdf5;
pub mod import;

use crate::error::Result;
use crate::model::Model;

/// The time step the exported `LIF` nodes are written for (NIR's and snnTorch's usual 0.1 ms).
pub const DT: f32 = 1e-4;
/// Their membrane time constant: `τ = dt`, so that with `r = τ/dt` one step from rest is `v = I`.
pub const TAU: f32 = DT;

/// A single-step spiking network as NIR file bytes (HDF5).
pub fn to_nir(net: &Model) -> Result<Vec<u8>> {
    hdf5::write(&export::export(net)?)
}

/// A NIR file (HDF5 bytes) as a trainable network.
pub fn from_nir(bytes: &[u8]) -> Result<Model> {
    import::import(&hdf5::read(bytes)?)
}

/// Whether `bytes` look like a NIR (HDF5) file rather than a safetensors model.
pub fn is_nir(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89HDF\r\n\x1a\n")
}
