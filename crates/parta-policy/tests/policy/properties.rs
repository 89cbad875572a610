//! Property tests: the detectors never panic, and every span they return is a valid,
//! in-bounds slice of the input, on arbitrary text built from the characters that matter.

use parta_policy::{ChatKind, Policy, check_text, ethics, files, personal_data};
use proptest::prelude::*;

/// Text biased towards what the detectors look at: Cyrillic, Latin, digits, separators,
/// masks, look-alikes and a few multi-byte oddities.
fn texty() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("х".to_owned()),
        Just("у".to_owned()),
        Just("й".to_owned()),
        Just("бля".to_owned()),
        Just("еб".to_owned()),
        Just("пизд".to_owned()),
        Just("*".to_owned()),
        Just(".".to_owned()),
        Just(" ".to_owned()),
        Just("-".to_owned()),
        Just("@".to_owned()),
        Just("+7".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("II-МЮ".to_owned()),
        Just("№".to_owned()),
        Just("\u{a0}".to_owned()),
        Just("ё".to_owned()),
        Just("😀".to_owned()),
        Just("x".to_owned()),
        Just("fuck".to_owned()),
        Just("г.р.".to_owned()),
        Just("12.03.2014".to_owned()),
        "[0-9]{1,4}",
        "[а-яА-Я]{1,6}",
        "[a-zA-Z]{1,6}",
        "\\PC{1,3}",
    ];
    proptest::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn ethics_spans_are_valid_slices(text in texty()) {
        for span in ethics::scan(&text) {
            prop_assert!(span.start < span.end && span.end <= text.len());
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            prop_assert!((1..=3).contains(&span.severity));
        }
    }

    #[test]
    fn personal_data_spans_are_valid_slices(text in texty()) {
        for span in personal_data::scan(&text) {
            prop_assert!(span.start < span.end && span.end <= text.len());
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
    }

    #[test]
    fn check_text_never_panics_and_its_action_is_the_strictest(text in "\\PC{0,200}") {
        let verdict = check_text(&Policy::default(), ChatKind::ClassParents, &text);
        let strictest = verdict.findings.iter().map(|f| f.action).max();
        prop_assert_eq!(strictest.unwrap_or(parta_policy::Action::Allow), verdict.action);
    }

    #[test]
    fn sniffing_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = files::sniff(&bytes);
        let _ = files::FileRules::default().check(&bytes, bytes.len() as u64);
    }
}
