//! Layers: the weight matrix shared by dense and conv layers, convolution geometry, max-pool and
//! batch normalization.
pub mod batchnorm;
pub mod conv;
pub mod linear;
pub mod pool;
