//! The wasm32 kernel cases of `kernels_wasm.rs`, run in headless Chromium
//! (`wasm-pack test --headless --chrome`): V8 in the browser must give the same bits too.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

include!("cases/kernels_wasm.rs");
