#![no_main]
//! Any bytes as a file head: sniffing and checking never panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = parta_policy::files::sniff(bytes);
    let _ = parta_policy::files::FileRules::default().check(bytes, bytes.len() as u64);
});
