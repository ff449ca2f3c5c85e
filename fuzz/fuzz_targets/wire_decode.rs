//! `wire::from_str` on any text: a typed error or a value, never a panic; what decodes
//! encodes and decodes again to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snakebridge_runtime::wire;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(value) = wire::from_str(text) {
        // One nesting limit both ways: whatever decodes also encodes.
        let again = wire::to_string(&value).expect("what the decoder accepts encodes");
        let back = wire::from_str(&again).expect("what the encoder writes decodes");
        assert_eq!(wire::to_string(&back).ok(), Some(again), "encoding is stable");
    }
});
