pub mod error;
pub mod kernels;
pub mod rng;
pub mod surrogate;
