pub mod error;
pub mod rng;
pub mod data;
