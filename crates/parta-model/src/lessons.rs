//! Online lessons on the wire (`/school/lessons`, procedure 3.1, 6.3, 6.4): what a lesson is,
//! how one is created and changed, and where its recording consent stands.

use serde::{Deserialize, Serialize};

/// What kind of meeting a lesson is (3.1: lessons, consultations, parents' meetings).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum LessonKind {
    Lesson,
    Consultation,
    ParentsMeeting,
}

impl LessonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LessonKind::Lesson => "lesson",
            LessonKind::Consultation => "consultation",
            LessonKind::ParentsMeeting => "parents_meeting",
        }
    }

    pub fn parse(s: &str) -> Option<LessonKind> {
        [
            LessonKind::Lesson,
            LessonKind::Consultation,
            LessonKind::ParentsMeeting,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A lesson as everyone who may see it sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Lesson {
    pub id: i64,
    pub class_id: i64,
    pub class_name: String,
    pub subject: String,
    pub teacher_id: i64,
    pub teacher_name: String,
    pub kind: LessonKind,
    /// Unix milliseconds.
    pub starts_at: i64,
    pub duration_min: i64,
    /// The video-conference link: https only.
    pub link: Option<String>,
    pub notes: Option<String>,
    /// Cancelled lessons stay listed, marked, so nobody waits for them.
    pub cancelled: bool,
    /// For a meeting of a group: the parents invited. Empty: the whole class.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<Participant>,
    /// Files for the lesson (MAX attachments: each has the URL it is downloaded from).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<crate::max::Attachment>,
}

/// `GET /school/classes/{id}/parents`: whom a meeting of the class may invite.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ParticipantList {
    pub participants: Vec<Participant>,
}

/// Someone invited to a group's meeting.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Participant {
    pub user_id: i64,
    pub name: String,
}

/// `POST /school/lessons`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct NewLesson {
    pub class_id: i64,
    pub subject: String,
    /// Who teaches it; the caller when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher_id: Option<i64>,
    #[serde(default = "default_kind")]
    pub kind: LessonKind,
    pub starts_at: i64,
    pub duration_min: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// A meeting for a group: the parents of the class invited (user ids). Empty: the class.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<i64>,
    /// Materials: tokens of finished uploads (`POST /uploads`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<String>,
}

fn default_kind() -> LessonKind {
    LessonKind::Lesson
}

/// `PATCH /school/lessons/{id}`: what changes (a move is a new start and/or duration).
/// `link` and `notes` given as empty strings are removed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct LessonPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The group invited, replacing the earlier one; empty: the whole class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<Vec<i64>>,
    /// The materials (upload tokens), replacing the earlier ones; empty removes them all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub materials: Option<Vec<String>>,
}

/// `GET /school/lessons?from=&to=`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LessonList {
    pub lessons: Vec<Lesson>,
}

/// `PUT /school/lessons/{id}/consent`: a participant's answer (a parent answers for the child).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConsentAnswer {
    pub consent: bool,
}

/// One change of someone's consent, as the teacher reads it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConsentChange {
    pub user_id: i64,
    pub name: String,
    pub consent: bool,
    pub at: i64,
}

/// `PUT /school/lessons/{id}/presence`: a participant joined or left the lesson. A participant
/// reports their own; the lesson's teacher may report anyone's (`user_id`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Presence {
    pub present: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
}

/// `PUT /school/lessons/{id}/recording`: the teacher starts or stops the recording.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecordingSwitch {
    pub recording: bool,
}

/// What happened in a lesson, for its teacher: who joined or left, and the recording started,
/// stopped (and why) or refused.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LessonEventKind {
    Joined,
    Left,
    RecordingStarted,
    RecordingStopped,
    /// Stopped at once because someone present withdrew consent.
    StoppedConsentWithdrawn,
    /// Stopped at once because someone joined without consent.
    StoppedJoinedWithoutConsent,
}

/// One entry of a lesson's log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LessonEvent {
    pub kind: LessonEventKind,
    /// Who joined or left, or who switched the recording.
    pub user_id: i64,
    pub name: String,
    pub at: i64,
}

/// Whether the lesson may be recorded (6.4: only with everyone's consent).
///
/// Before anyone has joined, `consented` and `participants` count everyone invited: "2 of 24
/// have consented". While the lesson runs, they count those present, as 6.4 reads: recording
/// is allowed only while every participant present has consented.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecordingStatus {
    pub lesson_id: i64,
    /// Only while every participant (present, once someone has joined) has consented.
    pub allowed: bool,
    pub consented: u32,
    pub participants: u32,
    /// Whether the teacher's recording is running now.
    #[serde(default)]
    pub recording: bool,
    /// How many participants are in the lesson now.
    #[serde(default)]
    pub present: u32,
    /// Whether the caller is in the lesson now (reported by "Подключиться").
    #[serde(default)]
    pub here: bool,
    /// The caller's own answer, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mine: Option<bool>,
    /// Every change in order; for the lesson's teacher and the administration only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<ConsentChange>>,
    /// Presence and recording, in order; for the lesson's teacher and the administration only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<LessonEvent>>,
}

/// A holiday: no lessons from `from` to `to`, both included (`YYYY-MM-DD`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Holiday {
    pub from: String,
    pub to: String,
}

/// `POST /school/timetable/import`: a class's weekly timetable as CSV (docs/timetable-csv.md),
/// laid out over a term.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TimetableImport {
    pub class_id: i64,
    /// First and last day of the term, `YYYY-MM-DD`, in the school's time.
    pub term_start: String,
    pub term_end: String,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// The school's offset from UTC; Moscow time when absent.
    #[serde(default = "moscow")]
    pub utc_offset_minutes: i64,
    pub csv: String,
    /// Only show what would be made; nothing is stored.
    #[serde(default)]
    pub dry_run: bool,
}

fn moscow() -> i64 {
    180
}

/// What an import made (or, for a dry run, would make).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TimetableReport {
    pub dry_run: bool,
    /// Lessons of an earlier import of the class, not yet begun, that this one replaces.
    pub replaced: u32,
    /// The lessons made, by start (in a dry run their ids mean nothing).
    pub lessons: Vec<Lesson>,
}
