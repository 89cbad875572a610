//! The school's policy document: per rule off / warn / block, with per-chat-kind overrides.
//!
//! ```toml
//! [ethics]
//! action = "block"
//!
//! [personal_data]
//! action = "warn"
//! chats = { direct_class_teacher = "off" }
//!
//! [files]
//! allowed = ["jpeg", "png", "pdf", "docx"]
//! limits = { image = 52428800, video = 262144000, audio = 268435456, file = 268435456 }
//!
//! [material]
//! warn = true
//! book_pages = 40
//! ```
//! The server enforces `block`; the app shows `warn` before sending.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::files::FileRules;

/// What to do about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The rule is off here: nothing is reported.
    #[serde(alias = "off")]
    Allow,
    /// Show a warning before sending; the sender decides.
    Warn,
    /// Refuse the message.
    Block,
}

/// A rule of the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Ethics,
    PersonalData,
}

/// The kinds of chat the procedure defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatKind {
    /// The teachers' chat.
    Teachers,
    /// A class–parents chat.
    ClassParents,
    /// Director and teachers.
    DirectorTeachers,
    /// Director and parent activists.
    DirectorParents,
    /// A direct chat between two people.
    Direct,
    /// A direct chat between a parent and the class teacher.
    DirectClassTeacher,
}

/// One rule's setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    pub action: Action,
    #[serde(default)]
    pub chats: BTreeMap<ChatKind, Action>,
}

impl RuleConfig {
    fn for_chat(&self, kind: ChatKind) -> Action {
        self.chats.get(&kind).copied().unwrap_or(self.action)
    }
}

/// The whole policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    pub ethics: RuleConfig,
    pub personal_data: RuleConfig,
    pub files: FileRules,
    /// A whole book or a video sent into a class chat: warned about (6.2).
    pub material: crate::material::MaterialRules,
}

impl Default for Policy {
    /// Ethics blocked everywhere; personal data warned about, except between a parent and the
    /// class teacher; MAX's file formats and limits.
    fn default() -> Self {
        Self {
            ethics: RuleConfig {
                action: Action::Block,
                chats: BTreeMap::new(),
            },
            personal_data: RuleConfig {
                action: Action::Warn,
                chats: BTreeMap::from([(ChatKind::DirectClassTeacher, Action::Allow)]),
            },
            files: FileRules::default(),
            material: crate::material::MaterialRules::default(),
        }
    }
}

/// A policy document that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("the policy file is not valid: {0}")]
pub struct PolicyError(String);

impl Policy {
    /// The pages from which the app warns before a PDF goes into a chat of `kind` (a video
    /// always), or `None` where it does not: class chats only, and nowhere when the school
    /// switches it off (procedure 6.2; what the server tells the app with each chat).
    pub fn material_pages_in(&self, kind: ChatKind) -> Option<u32> {
        (self.material.warn && kind == ChatKind::ClassParents)
            .then_some(self.material.book_pages.max(1))
    }

    /// Parses a TOML policy; missing sections keep their defaults.
    pub fn from_toml(text: &str) -> Result<Self, PolicyError> {
        toml::from_str(text).map_err(|e| PolicyError(e.to_string()))
    }

    /// The action of `rule` in a chat of `kind`.
    pub fn action(&self, rule: Rule, kind: ChatKind) -> Action {
        match rule {
            Rule::Ethics => self.ethics.for_chat(kind),
            Rule::PersonalData => self.personal_data.for_chat(kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_text;

    #[test]
    fn books_and_videos_are_warned_about_in_class_chats_only_unless_switched_off() {
        let policy = Policy::default();
        assert_eq!(policy.material_pages_in(ChatKind::ClassParents), Some(40));
        assert_eq!(policy.material_pages_in(ChatKind::Teachers), None);
        assert_eq!(policy.material_pages_in(ChatKind::Direct), None);
        let off = Policy::from_toml("[material]\nwarn = false\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(off.material_pages_in(ChatKind::ClassParents), None);
    }

    #[test]
    fn a_word_talked_about_is_warned_about_not_refused() {
        let policy = Policy::default();
        let lesson = check_text(
            &policy,
            ChatKind::ClassParents,
            "Слово «идиот» в романе Достоевского — тема урока.",
        );
        assert_eq!(lesson.action, Action::Warn);
        assert_eq!(lesson.findings.len(), 1);
        let used = check_text(&policy, ChatKind::ClassParents, "Вы идиот.");
        assert_eq!(used.action, Action::Block);
        // Where the school switched the rule off, nothing is said at all.
        let off = Policy::from_toml("[ethics]\naction = \"off\"\n").unwrap_or_default();
        assert_eq!(
            check_text(&off, ChatKind::Teachers, "Слово «идиот»").action,
            Action::Allow
        );
    }

    #[test]
    fn per_chat_overrides_win_over_the_rule_default() {
        let policy = Policy::from_toml(
            "[personal_data]\naction = \"warn\"\nchats = { direct_class_teacher = \"off\", teachers = \"block\" }\n",
        )
        .unwrap();
        assert_eq!(
            policy.action(Rule::PersonalData, ChatKind::ClassParents),
            Action::Warn
        );
        assert_eq!(
            policy.action(Rule::PersonalData, ChatKind::DirectClassTeacher),
            Action::Allow
        );
        assert_eq!(
            policy.action(Rule::PersonalData, ChatKind::Teachers),
            Action::Block
        );
        assert_eq!(
            policy.action(Rule::Ethics, ChatKind::Teachers),
            Action::Block,
            "default kept"
        );
    }

    #[test]
    fn unknown_keys_and_actions_are_refused_with_a_reason() {
        assert!(Policy::from_toml("[ethics]\naction = \"maybe\"\n").is_err());
        let err = Policy::from_toml("[ethcs]\naction = \"warn\"\n").unwrap_err();
        assert!(err.to_string().contains("ethcs"), "{err}");
    }

    #[test]
    fn the_verdict_takes_the_strictest_finding() {
        let policy = Policy::default();
        let text = "Телефон мамы 8 912 345-67-89, а ты идиот";
        let verdict = check_text(&policy, ChatKind::ClassParents, text);
        assert_eq!(verdict.action, Action::Block);
        assert_eq!(verdict.findings.len(), 2);
        let private = check_text(
            &policy,
            ChatKind::DirectClassTeacher,
            "Телефон мамы 8 912 345-67-89",
        );
        assert_eq!(
            private.action,
            Action::Allow,
            "personal data is fine with the class teacher"
        );
    }
}
