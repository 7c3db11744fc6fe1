//! IDX (MNIST) bytes: `parse_idx_u8` on the whole input, and `dataset_from_idx` on the input cut
//! in two. Input layout: a big-endian u16 `k`, then the bytes; the first `k` of them (at most all)
//! are the images file, the rest the labels file. The whole rest also goes to `parse_idx_u8` alone,
//! so one corpus entry exercises both the array parser and the dataset checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use s3nn::data::{dataset_from_idx, parse_idx_u8};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let split = u16::from_be_bytes([data[0], data[1]]) as usize;
    let rest = &data[2..];
    if let Ok(array) = parse_idx_u8(rest) {
        // The parser's own contract: the data is exactly the product of the dimensions.
        assert_eq!(array.data.len(), array.dims.iter().product::<usize>());
    }
    let (images, labels) = rest.split_at(split.min(rest.len()));
    if let Ok(set) = dataset_from_idx("fuzz", images, labels) {
        if !set.is_empty() {
            assert_eq!(set.sample(set.len() - 1).len(), set.features());
        }
    }
});
