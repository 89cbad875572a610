//! The school's things as they travel: roles, invites and join requests, classes and people,
//! the structure bootstrap, the audit log, restrictions, the administration's requests and
//! replies, scheduled messages, broadcasts and quiet hours.

use serde::{Deserialize, Serialize};

/// A person's role at the school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The platform administrator appointed by the director (4.1).
    PlatformAdmin,
    /// The school's administration: the director and deputies (4.2).
    Administration,
    /// A class teacher, who runs the chat with the parents of a class (4.3).
    ClassTeacher,
    /// Any other teacher or member of staff (4.4).
    Teacher,
    /// A parent or other legal representative of a pupil (4.5).
    Parent,
    /// A pupil, invited by the class teacher and admitted after approval (4.1): in the class's
    /// pupils' chat, never in a parents' chat; a parent answers for them about recording (6.4).
    Pupil,
}

impl Role {
    /// Every role, in the order of the procedure.
    pub const ALL: [Role; 6] = [
        Role::PlatformAdmin,
        Role::Administration,
        Role::ClassTeacher,
        Role::Teacher,
        Role::Parent,
        Role::Pupil,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "platform_admin",
            Role::Administration => "administration",
            Role::ClassTeacher => "class_teacher",
            Role::Teacher => "teacher",
            Role::Parent => "parent",
            Role::Pupil => "pupil",
        }
    }

    /// The role with this stored or wire name.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// Whether the role belongs to the school's staff (everyone but parents and pupils).
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Parent | Role::Pupil)
    }
}

/// Where an invite stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum InviteStatus {
    /// Can still be redeemed (it may have been used fewer times than allowed).
    Unused,
    /// Redeemed as many times as allowed.
    Used,
    /// Past its expiry.
    Expired,
    /// Revoked by an administrator.
    Revoked,
}

/// An invite as administrators see it (never with its code).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Invite {
    pub id: i64,
    pub role: Role,
    pub class_id: Option<i64>,
    pub class_name: Option<String>,
    pub child_name: Option<String>,
    /// For a pupil: the parent who answers for them, and that parent's name.
    #[serde(default)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub parent_name: Option<String>,
    pub note: Option<String>,
    pub created_by: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub max_uses: i64,
    pub uses: i64,
    pub status: InviteStatus,
}

/// `POST /school/invites`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInvite {
    pub role: Role,
    #[serde(default)]
    pub class_id: Option<i64>,
    #[serde(default)]
    pub child_name: Option<String>,
    /// For a pupil: the parent (of the same class) who answers for them (6.4).
    #[serde(default)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub expires_in_hours: Option<i64>,
    #[serde(default)]
    pub max_uses: Option<i64>,
}

/// A new invite with its code and link, shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedInvite {
    pub invite: Invite,
    pub code: String,
    /// `parta://join/<code>`: opens the app's onboarding (a journal or e-mail can carry it).
    pub link: String,
}

impl std::fmt::Debug for CreatedInvite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedInvite")
            .field("invite", &self.invite)
            .field("code", &"<redacted>")
            .finish()
    }
}

/// Where a join request stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum JoinStatus {
    Pending,
    Approved,
    Rejected,
}

impl JoinStatus {
    pub fn parse(s: &str) -> JoinStatus {
        match s {
            "approved" => JoinStatus::Approved,
            "rejected" => JoinStatus::Rejected,
            _ => JoinStatus::Pending,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JoinStatus::Pending => "pending",
            JoinStatus::Approved => "approved",
            JoinStatus::Rejected => "rejected",
        }
    }
}

/// A join request as reviewers see it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct JoinRequest {
    pub id: i64,
    pub invite_id: i64,
    pub role: Role,
    pub class_id: Option<i64>,
    pub class_name: Option<String>,
    pub child_name: Option<String>,
    pub name: String,
    pub login: String,
    pub status: JoinStatus,
    pub reason: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
    pub user_id: Option<i64>,
}

/// A person as the school's lists show them: names only (contact details are not part of it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Person {
    pub user_id: i64,
    pub name: String,
}

/// A class with its teachers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Class {
    pub id: i64,
    pub name: String,
    pub class_teacher: Option<Person>,
    pub teachers: Vec<Person>,
    /// The class's parents' chat, once the structure bootstrap has made it.
    pub chat_id: Option<i64>,
    pub parents: i64,
}

/// `POST /school/classes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewClass {
    pub name: String,
    #[serde(default)]
    pub class_teacher_id: Option<i64>,
}

/// `POST /school/classes/{id}/teachers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub user_id: i64,
    /// Make this teacher the class teacher (replacing the previous one).
    #[serde(default)]
    pub class_teacher: bool,
}

/// One of the school's chats as the bootstrap reports it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StructureChat {
    pub kind: String,
    pub chat_id: i64,
    pub title: String,
    pub class_id: Option<i64>,
    /// Whether this run made it.
    pub created: bool,
}

/// What a bootstrap did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StructureReport {
    pub chats: Vec<StructureChat>,
    /// Memberships added (people who joined a chat they belong in).
    pub members_added: usize,
}

/// One entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    /// Who acted; `None` for the server itself (e.g. the demo seed).
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    /// A dotted verb such as `invite.created`.
    pub action: String,
    /// What it was done to, as `kind:id`.
    pub target: String,
    /// What it was done to, in words: the person's, class's or chat's name, the invitation's
    /// child, the lesson's subject; none where the server has nothing to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    pub details: serde_json::Value,
    pub created_at: i64,
}

/// What the journal is narrowed to (all optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditFilter {
    #[serde(default)]
    pub actor: Option<i64>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub from: Option<i64>,
    #[serde(default)]
    pub to: Option<i64>,
}

/// A page of entries, newest first; `marker` is the id to pass for the next page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub marker: Option<i64>,
}

/// What a restriction takes away.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RestrictionMode {
    /// May read, may not write.
    ReadOnly,
    /// May not use the server at all.
    Blocked,
}

impl RestrictionMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RestrictionMode::ReadOnly => "read_only",
            RestrictionMode::Blocked => "blocked",
        }
    }

    pub fn parse(s: &str) -> RestrictionMode {
        if s == "blocked" {
            RestrictionMode::Blocked
        } else {
            RestrictionMode::ReadOnly
        }
    }
}

/// A restriction in force.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Restriction {
    pub user_id: i64,
    pub mode: RestrictionMode,
    pub reason: String,
    /// Unix milliseconds at which it ends by itself.
    pub until: i64,
    pub created_by: i64,
    pub created_at: i64,
}

/// `POST /school/users/{id}/restriction`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRestriction {
    pub mode: RestrictionMode,
    pub reason: String,
    /// How many days it lasts (1 to 366, the server's `restrictions::MAX_DAYS`).
    pub days: i64,
}

/// `PUT /school/users/{id}/role`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChange {
    pub role: Role,
}

/// `POST /school/users/{id}/move`: a parent's child changes class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    pub from_class_id: i64,
    pub to_class_id: i64,
    /// Which child, if the parent has more than one in the old class.
    #[serde(default)]
    pub child_name: Option<String>,
}

/// A class a person is linked to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClassLink {
    pub class_id: i64,
    pub class_name: String,
    /// For a parent: the child in that class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_name: Option<String>,
}

/// A person at the school as its administrators manage them (`GET /school/people`): names,
/// role, classes and any restriction in force; never contact details.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SchoolPerson {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    /// For a parent, the classes of their children; for staff, the classes they teach.
    pub classes: Vec<ClassLink>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restriction: Option<Restriction>,
}

/// `GET /school/people`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PeopleList {
    pub people: Vec<SchoolPerson>,
}

/// One administrative request of the app's Администрирование section, as the shell passes it
/// to the client core (each maps onto one `/school/*` call).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum AdminRequest {
    Invites,
    CreateInvite {
        invite: NewInvite,
    },
    RevokeInvite {
        invite_id: i64,
    },
    JoinRequests {
        pending_only: bool,
    },
    Approve {
        request_id: i64,
    },
    Reject {
        request_id: i64,
        reason: String,
    },
    Classes,
    CreateClass {
        class: NewClass,
    },
    AssignTeacher {
        class_id: i64,
        assignment: Assignment,
    },
    People,
    MoveChild {
        user_id: i64,
        movement: Move,
    },
    RemovePerson {
        user_id: i64,
    },
    /// A one-time code for a person who forgot their password.
    IssuePasswordReset {
        user_id: i64,
    },
    ChangeRole {
        user_id: i64,
        role: Role,
    },
    Restrict {
        user_id: i64,
        restriction: NewRestriction,
    },
    LiftRestriction {
        user_id: i64,
    },
    Bootstrap,
    Audit {
        before: Option<i64>,
        /// Filters: who, which kind of action, from and to (ms).
        #[serde(default)]
        filter: super::AuditFilter,
    },
    /// Plans a lesson (`manage_lessons`).
    CreateLesson {
        lesson: crate::lessons::NewLesson,
    },
    /// Moves or changes a lesson.
    UpdateLesson {
        lesson_id: i64,
        patch: crate::lessons::LessonPatch,
    },
    CancelLesson {
        lesson_id: i64,
    },
    /// Imports (or previews, with `dry_run`) a class's timetable.
    ImportTimetable {
        import: crate::lessons::TimetableImport,
    },
    /// The parents of a class, to invite some to a meeting.
    ClassParents {
        class_id: i64,
    },
    /// The MAX chats the school's bot is in and which Parta chats they are linked to
    /// (`link_max_chats`).
    MaxLinks,
    /// Carries a MAX chat into a Parta chat.
    LinkMaxChat {
        link: super::LinkMaxChat,
    },
    /// Stops carrying a Parta chat to and from MAX.
    UnlinkMaxChat {
        chat_id: i64,
    },
    /// Messages from MAX in a chat the school's policy would have refused (the chat's
    /// administrators).
    MaxFlags {
        chat_id: i64,
    },
    /// Every chat of the school but private conversations (`oversee_chats`).
    Chats,
    /// Reports of messages to handle (`handle_reports`): the open ones, or all.
    Reports {
        open_only: bool,
    },
    /// Deletes the reported message, restricts its author or dismisses the report.
    ResolveReport {
        report_id: i64,
        decision: super::ReportDecision,
    },
}

/// What an [`AdminRequest`] answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum AdminReply {
    Invites(Vec<Invite>),
    Created(CreatedInvite),
    Invite(Invite),
    JoinRequests(Vec<JoinRequest>),
    JoinRequest(JoinRequest),
    Classes(Vec<Class>),
    Class(Class),
    People(Vec<SchoolPerson>),
    Restriction(Restriction),
    Structure(StructureReport),
    Audit(AuditPage),
    Lesson(crate::lessons::Lesson),
    Timetable(crate::lessons::TimetableReport),
    Participants(Vec<crate::lessons::Participant>),
    MaxLinks(super::MaxLinks),
    MaxLink(super::MaxLink),
    MaxFlags(Vec<super::MaxFlag>),
    PasswordReset(super::PasswordResetIssued),
    Reports(Vec<super::Report>),
    Chats(Vec<super::SchoolChat>),
    Report(super::Report),
    Done,
}

/// Where a scheduled message stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleStatus {
    Pending,
    Sent,
    Failed,
    Cancelled,
}

impl ScheduleStatus {
    pub fn parse(s: &str) -> ScheduleStatus {
        match s {
            "sent" => ScheduleStatus::Sent,
            "failed" => ScheduleStatus::Failed,
            "cancelled" => ScheduleStatus::Cancelled,
            _ => ScheduleStatus::Pending,
        }
    }
}

/// A scheduled message as its author sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Scheduled {
    pub id: i64,
    pub chat_id: i64,
    pub body: crate::max::NewMessageBody,
    pub announcement: bool,
    pub send_at: i64,
    pub status: ScheduleStatus,
    /// The sent message.
    pub mid: Option<String>,
    /// Why sending failed.
    pub reason: Option<String>,
}

/// Where a broadcast went (`POST /school/broadcasts`): the announcement in each chat, and the
/// chats it could not reach.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BroadcastResult {
    pub messages: Vec<crate::max::Message>,
    pub failed: Vec<BroadcastFailure>,
}

/// A chat a broadcast could not reach, with the refusal's code and sentence.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BroadcastFailure {
    pub chat_id: i64,
    pub code: String,
    pub message: String,
}

/// A chat member in their quiet hours now, and until when (`GET /school/chats/{id}/quiet`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct QuietMember {
    pub user_id: i64,
    pub name: String,
    /// When their quiet hours end (ms).
    pub until: i64,
}

/// The members of a chat in their quiet hours now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct QuietMembers {
    pub quiet: Vec<QuietMember>,
}

/// `GET /school/me/quiet-hours`: one's quiet hours, if set.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct QuietHoursSetting {
    pub quiet_hours: Option<QuietHours>,
}

/// A teacher's quiet hours: minutes after local midnight, and the local offset from UTC.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct QuietHours {
    /// Start, in minutes after midnight (e.g. 20:00 = 1200).
    pub start_minute: i64,
    /// End, in minutes after midnight (e.g. 08:00 = 480); before `start` means overnight.
    pub end_minute: i64,
    /// The teacher's offset from UTC in minutes (Moscow: 180).
    pub utc_offset_minutes: i64,
}

impl QuietHours {
    /// Whether start and end are minutes of a day that differ, and the offset is a real one
    /// (-12:00 to +14:00).
    pub fn is_valid(&self) -> bool {
        let in_day = 0..24 * 60;
        in_day.contains(&self.start_minute)
            && in_day.contains(&self.end_minute)
            && self.start_minute != self.end_minute
            && (-720..=840).contains(&self.utc_offset_minutes)
    }

    /// If `at_ms` falls in the quiet hours, when they end (Unix ms); otherwise `None`.
    pub fn silent_until(&self, at_ms: i64) -> Option<i64> {
        let local_ms = at_ms + self.utc_offset_minutes * 60_000;
        let day_start = local_ms.div_euclid(86_400_000) * 86_400_000;
        let minute = (local_ms - day_start) / 60_000;
        let (start, end) = (self.start_minute, self.end_minute);
        let quiet = if start < end {
            (start..end).contains(&minute)
        } else {
            minute >= start || minute < end
        };
        if !quiet {
            return None;
        }
        let end_today = day_start + end * 60_000;
        let end_local = if minute < end {
            end_today
        } else {
            end_today + 86_400_000
        };
        Some(end_local - self.utc_offset_minutes * 60_000)
    }
}

#[cfg(test)]
mod quiet_hours_tests {
    use super::*;

    const MSK: QuietHours = QuietHours {
        start_minute: 20 * 60,
        end_minute: 8 * 60,
        utc_offset_minutes: 180,
    };

    /// Unix ms of 2026-11-24 at `hh:mm` Moscow time.
    fn msk(hh: i64, mm: i64) -> i64 {
        let midnight_utc_nov_24 = 1_795_478_400_000; // 2026-11-24 00:00 UTC
        midnight_utc_nov_24 + ((hh * 60 + mm) - 180) * 60_000
    }

    #[test]
    fn an_evening_message_is_silent_until_eight_next_morning() {
        assert_eq!(MSK.silent_until(msk(21, 30)), Some(msk(8, 0) + 86_400_000));
        assert_eq!(MSK.silent_until(msk(6, 15)), Some(msk(8, 0)));
        assert_eq!(MSK.silent_until(msk(12, 0)), None);
        assert_eq!(MSK.silent_until(msk(8, 0)), None, "the end is not quiet");
        assert_eq!(MSK.silent_until(msk(20, 0)), Some(msk(8, 0) + 86_400_000));
    }

    #[test]
    fn daytime_quiet_hours_work_too_and_nonsense_is_refused() {
        let lunch = QuietHours {
            start_minute: 13 * 60,
            end_minute: 14 * 60,
            utc_offset_minutes: 180,
        };
        assert_eq!(lunch.silent_until(msk(13, 30)), Some(msk(14, 0)));
        assert_eq!(lunch.silent_until(msk(14, 30)), None);
        let same = QuietHours {
            start_minute: 600,
            end_minute: 600,
            utc_offset_minutes: 0,
        };
        assert!(!same.is_valid());
        assert!(
            !QuietHours {
                start_minute: 1440,
                ..MSK
            }
            .is_valid()
        );
    }
}
