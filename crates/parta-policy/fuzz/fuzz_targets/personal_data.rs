#![no_main]
//! Any UTF-8 text: no panic, spans in bounds on char boundaries.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for span in parta_policy::personal_data::scan(text) {
        assert!(span.start < span.end && span.end <= text.len());
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    }
});
