//! One error type for the whole core; the JS face converts it to `Error` at the boundary only.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum S3nnError {
    /// A configuration value is out of range or inconsistent (bad α, unknown surrogate, ...).
    #[error("invalid config: {0}")]
    Config(String),
    /// An architecture string or spec could not be understood.
    #[error("invalid architecture: {0}")]
    Arch(String),
    /// Two things that must agree in size do not.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// Input data is malformed (corrupt IDX, bad JSON, NaN values, ...).
    #[error("invalid data: {0}")]
    Data(String),
    /// A model file is truncated, corrupt or does not match its own metadata.
    #[error("invalid model file: {0}")]
    ModelFile(String),
    /// A NIR graph file is malformed, or holds what an s3nn network cannot be (or the network is
    /// what NIR cannot express).
    #[error("NIR: {0}")]
    Nir(String),
    /// Training diverged (loss or weights became NaN/inf).
    #[error("training diverged: {0}")]
    Diverged(String),
    /// A request would allocate more than the configured limit.
    #[error("too large: {0}")]
    TooLarge(String),
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = S3nnError> = std::result::Result<T, E>;
