//! Reports of messages (procedure 6.2, 9.1): any member reports a message with a reason from
//! 6.2's list or words of their own; the chat's administrators and the school administration
//! handle it by deleting the message, restricting its author (9.2) or dismissing the report.

use serde::{Deserialize, Serialize};

use super::{NewRestriction, Person};

/// Why a message is reported: procedure 6.2's list, or the reporter's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    /// Obscene, insulting or discriminatory words.
    Abusive,
    /// Material unrelated to education.
    OffTopic,
    /// Material that breaks copyright.
    Copyright,
    /// Someone's personal data.
    PersonalData,
    /// The reporter's own words (in `note`).
    Other,
}

impl ReportReason {
    pub const ALL: [ReportReason; 5] = [
        ReportReason::Abusive,
        ReportReason::OffTopic,
        ReportReason::Copyright,
        ReportReason::PersonalData,
        ReportReason::Other,
    ];

    /// As stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Abusive => "abusive",
            ReportReason::OffTopic => "off_topic",
            ReportReason::Copyright => "copyright",
            ReportReason::PersonalData => "personal_data",
            ReportReason::Other => "other",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Not handled yet.
    Open,
    /// The message was deleted.
    Deleted,
    /// The message's author was restricted.
    Restricted,
    /// Nothing against the rules was found.
    Dismissed,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Open => "open",
            ReportStatus::Deleted => "deleted",
            ReportStatus::Restricted => "restricted",
            ReportStatus::Dismissed => "dismissed",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Open, Self::Deleted, Self::Restricted, Self::Dismissed]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// `POST /school/reports`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReport {
    pub message_id: String,
    pub reason: ReportReason,
    /// The reporter's words: required with `other`, optional otherwise (up to 500 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// Longest `note` of a report.
pub const MAX_REPORT_NOTE: usize = 500;

/// A report, as its handlers and its reporter see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub id: i64,
    pub chat_id: i64,
    pub chat_title: String,
    pub message_id: String,
    /// The message's text when it was reported (kept for the record after a deletion).
    pub text: String,
    pub author: Person,
    pub reporter: Person,
    pub reason: ReportReason,
    pub note: Option<String>,
    pub created_at: i64,
    pub status: ReportStatus,
    pub handled_by: Option<Person>,
    pub handled_at: Option<i64>,
    /// For its handlers: the messages around it (up to two before and two after, with the
    /// reported one), oldest first; empty for the reporter.
    #[serde(default)]
    pub context: Vec<crate::max::Message>,
}

/// `GET /school/reports` and `GET /school/me/reports`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportList {
    pub reports: Vec<Report>,
}

/// What `GET /school/reports` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportsQuery {
    /// `open` (the default) or `all`.
    #[serde(default)]
    pub status: Option<String>,
}

/// What a handler does about a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportAction {
    /// Deletes the message for everyone.
    Delete,
    /// Restricts the message's author (9.2; `restrict_users`).
    Restrict,
    /// Finds nothing against the rules.
    Dismiss,
}

/// `POST /school/reports/{id}/resolve`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDecision {
    pub action: ReportAction,
    /// With `restrict`: how.
    #[serde(default)]
    pub restriction: Option<NewRestriction>,
}
