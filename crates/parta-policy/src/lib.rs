//! parta-policy: the school procedure's rules as a pure engine (no I/O).
//!
//! - [`ethics`]: obscene, insulting and discriminatory language (6.1, 6.2);
//! - [`personal_data`]: СНИЛС, ИНН, passports, phones, cards… in text (5.1, 8);
//! - [`files`]: allowed file formats by content, with size limits (3.1);
//! - [`material`]: a whole book or a video sent into a class chat (6.2), a warning only;
//! - [`consent`]: the lesson-recording consent state machine (6.4);
//! - [`config`]: the school's policy document (off / warn / block per rule and chat kind),
//!   and [`check_text`], which applies it.

pub mod config;
pub mod consent;
pub mod ethics;
pub mod files;
pub mod material;
pub mod personal_data;

pub use config::{Action, ChatKind, Policy, PolicyError, Rule, RuleConfig};

use serde::Serialize;

/// One finding in a text, for the UI to underline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub start: usize,
    pub end: usize,
    pub rule: Rule,
    /// `obscene`, `insult`, `discrimination`, or a personal-data kind such as `snils`.
    pub kind: String,
    pub severity: u8,
    pub action: Action,
}

/// The verdict on a text: what to do, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The strictest action of all findings (`allow` when there are none).
    pub action: Action,
    pub findings: Vec<Finding>,
}

fn kind_name<T: Serialize>(kind: &T) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Checks a message text under `policy` for a chat of `chat_kind`.
pub fn check_text(policy: &Policy, chat_kind: ChatKind, text: &str) -> Verdict {
    let mut findings = Vec::new();
    let ethics_action = policy.action(Rule::Ethics, chat_kind);
    if ethics_action != Action::Allow {
        for span in ethics::scan(text) {
            findings.push(Finding {
                start: span.start,
                end: span.end,
                rule: Rule::Ethics,
                kind: kind_name(&span.category),
                severity: span.severity,
                // A word talked about (a lesson on a word, a report of what was said) is
                // warned about, never refused.
                action: if span.talked_about {
                    ethics_action.min(Action::Warn)
                } else {
                    ethics_action
                },
            });
        }
    }
    let pd_action = policy.action(Rule::PersonalData, chat_kind);
    if pd_action != Action::Allow {
        for span in personal_data::scan(text) {
            findings.push(Finding {
                start: span.start,
                end: span.end,
                rule: Rule::PersonalData,
                kind: kind_name(&span.kind),
                severity: 2,
                action: pd_action,
            });
        }
    }
    findings.sort_by_key(|f| (f.start, f.end));
    let action = findings
        .iter()
        .map(|f| f.action)
        .max()
        .unwrap_or(Action::Allow);
    Verdict { action, findings }
}
