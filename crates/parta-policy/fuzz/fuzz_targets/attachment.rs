#![no_main]
//! Any bytes as an attachment (text, or a ZIP posing as DOCX/ODT): no panic, and spans lie in
//! the extracted text.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Some(text) = parta_policy::personal_data::attachment_text(bytes) {
        for span in parta_policy::personal_data::scan(&text) {
            assert!(span.start < span.end && span.end <= text.len());
        }
    }
});
