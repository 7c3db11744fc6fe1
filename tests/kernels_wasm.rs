//! wasm32 kernel tests in Node (`wasm-pack test --node`): the simd128 kernels must return exactly
//! the bits of `Kernels::SCALAR` (the same generic kernels at the scalar lane). The same cases
//! run in Chromium from `kernels_browser.rs`.
#![cfg(target_arch = "wasm32")]

include!("cases/kernels_wasm.rs");
