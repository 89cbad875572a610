#![no_main]
//! Any text as a policy document: parsed or refused, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(policy) = parta_policy::Policy::from_toml(text) {
        let _ = parta_policy::check_text(&policy, parta_policy::ChatKind::Direct, text);
    }
});
