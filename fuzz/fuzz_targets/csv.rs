//! `x,y,label` point sets (`points_from_csv`), the text a user pastes or uploads in the demo.
#![no_main]

use libfuzzer_sys::fuzz_target;
use s3nn::data::points_from_csv;

fuzz_target!(|data: &[u8]| {
    // The parser takes &str (the CLI and the browser decode first); invalid UTF-8 never reaches it.
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(set) = points_from_csv(text) {
        assert!(set.classes >= 2);
        assert_eq!(set.sample(0).len(), set.features());
    }
});
