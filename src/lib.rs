//! # s3nn — single-step spiking neural networks
//!
//! A pure-Rust engine for S³NN (Suetake et al., Neural Networks 2023): hidden layers exchange
//! binary spikes in one time step, so a spike-fed layer needs additions only, while training uses
//! backpropagation with a surrogate gradient. Baselines (ReLU ANN, sign BNN, multi-step IF/LIF SNN)
//! run in the same network type so the claim can be checked side by side.
//!
//! Layout: leaves at the bottom (`surrogate`, `kernels`, `rng`, `data`, `ops`), the model above
//! them, `train` on top; `wasm` is the thin JS face and compiles only for wasm32.

pub mod activation;
pub mod budget;
pub mod catalog;
pub mod config;
pub mod data;
pub mod error;
pub mod inspect;
pub mod io;
pub mod kernels;
pub mod layers;
pub mod loss;
pub mod model;
pub mod neuron;
pub mod nir;
pub mod ops;
pub mod optim;
pub mod parallel;
pub mod params;
pub mod pass;
pub mod penalty;
pub mod rng;
pub mod schedule;
pub mod shards;
pub mod spec;
pub mod surrogate;
pub mod train;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use catalog::{catalog, Catalog};
pub use config::RunConfig;
pub use data::Dataset;
pub use error::{Result, S3nnError};
pub use inspect::{Inspection, LayerRecord};
pub use model::Model;
pub use neuron::NeuronModel;
pub use ops::{EnergyModel, OpReport};
pub use optim::OptimizerSpec;
pub use penalty::RatePenalty;
pub use schedule::LrSchedule;
pub use spec::NetworkSpec;
pub use surrogate::Surrogate;
pub use train::{evaluate, EvalReport, TrainStats, Trainer};
