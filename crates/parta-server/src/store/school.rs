//! The school's own records: classes, invites, join requests, settings, the audit log and the
//! demo's markers.

use async_trait::async_trait;

use crate::store::Result;
use crate::store::people::NameRecord;
use parta_model::school::Role;

/// A class, without its people.
#[derive(Debug, Clone)]
pub struct ClassRecord {
    pub id: i64,
    pub name: String,
    pub class_teacher_id: Option<i64>,
    /// Its parents' chat, once made.
    pub chat_id: Option<i64>,
    /// How many parents have a child in it.
    pub parents: i64,
}

/// A person's link to a class: as a parent (with the child) or as a teacher.
#[derive(Debug, Clone)]
pub struct ClassLinkRecord {
    pub user_id: i64,
    pub class_id: i64,
    pub class_name: String,
    /// `None` for a teacher.
    pub child_name: Option<String>,
}

/// Whose invites and join requests a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole school's.
    School,
    /// Those for the parents of the classes this class teacher leads.
    ClassTeacher(i64),
}

/// An invite as stored (its status is computed against the clock).
#[derive(Debug, Clone)]
pub struct InviteRecord {
    pub id: i64,
    pub role: Role,
    pub class_id: Option<i64>,
    pub class_name: Option<String>,
    pub child_name: Option<String>,
    pub parent_id: Option<i64>,
    pub parent_name: Option<String>,
    pub note: Option<String>,
    pub created_by: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub max_uses: i64,
    pub uses: i64,
    pub revoked_at: Option<i64>,
}

/// A new invite.
#[derive(Debug, Clone, Copy)]
pub struct NewInviteRecord<'a> {
    pub code_hash: &'a [u8],
    pub role: Role,
    pub class_id: Option<i64>,
    pub child_name: Option<&'a str>,
    pub parent_id: Option<i64>,
    pub note: Option<&'a str>,
    pub created_by: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub max_uses: i64,
}

/// A join request as stored.
#[derive(Debug, Clone)]
pub struct JoinRequestRecord {
    pub id: i64,
    pub invite_id: i64,
    pub role: Role,
    pub class_id: Option<i64>,
    pub class_name: Option<String>,
    pub child_name: Option<String>,
    pub first_name: String,
    pub last_name: Option<String>,
    pub login: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub reason: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
    pub user_id: Option<i64>,
}

/// A new join request.
#[derive(Debug, Clone, Copy)]
pub struct NewJoinRequest<'a> {
    pub invite_id: i64,
    pub role: Role,
    pub class_id: Option<i64>,
    pub child_name: Option<&'a str>,
    pub first_name: &'a str,
    pub last_name: Option<&'a str>,
    pub login: &'a str,
    pub password_hash: &'a str,
    pub device_name: &'a str,
    pub poll_token_hash: &'a [u8],
    pub created_at: i64,
}

/// A join request as its requester polls it.
#[derive(Debug, Clone)]
pub struct JoinPoll {
    pub id: i64,
    pub status: String,
    pub reason: Option<String>,
    pub user_id: Option<i64>,
    pub claimed_at: Option<i64>,
    pub device_name: String,
}

/// An audit log entry as stored.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub target: String,
    /// JSON text.
    pub details: String,
    pub created_at: i64,
    /// The target in words (a name, a title, a subject), where there is one.
    pub object: Option<String>,
}

/// Statements about the school's own records.
#[async_trait]
pub trait SchoolRows {
    async fn class(&mut self, class_id: i64) -> Result<Option<ClassRecord>>;
    /// The teachers assigned to a class, by name.
    async fn class_teachers(&mut self, class_id: i64) -> Result<Vec<NameRecord>>;
    /// Every class, by name.
    async fn classes(&mut self) -> Result<Vec<ClassRecord>>;
    /// The classes a parent has a child in, or a pupil is in, by name.
    async fn classes_of_member(&mut self, user_id: i64) -> Result<Vec<ClassRecord>>;
    async fn class_name_taken(&mut self, name: &str) -> Result<bool>;
    async fn insert_class(
        &mut self,
        name: &str,
        class_teacher_id: Option<i64>,
        at: i64,
    ) -> Result<i64>;
    /// Assigns a teacher to a class (nothing if assigned already).
    async fn add_class_teacher(&mut self, class_id: i64, user_id: i64) -> Result<()>;
    async fn set_class_teacher(&mut self, class_id: i64, user_id: i64) -> Result<()>;
    /// Unassigns a teacher (and clears them as class teacher); false if not assigned.
    async fn remove_class_teacher(&mut self, class_id: i64, user_id: i64) -> Result<bool>;
    async fn is_class_teacher(&mut self, user_id: i64, class_id: i64) -> Result<bool>;
    /// Links a parent to a class through a child (nothing if linked already).
    async fn add_class_parent(&mut self, class_id: i64, user_id: i64, child: &str) -> Result<()>;
    /// Puts a pupil in a class with the parent who answers for them (nothing if there already).
    async fn add_class_pupil(&mut self, class_id: i64, user_id: i64, parent_id: i64) -> Result<()>;
    /// Moves a pupil from one class to another; false if they were not in `from`.
    async fn move_pupil(&mut self, from: i64, to: i64, user_id: i64) -> Result<bool>;
    /// The children a parent has in a class.
    async fn children_in(&mut self, class_id: i64, user_id: i64) -> Result<Vec<String>>;
    /// Moves one child of a parent from one class to another.
    async fn move_child(&mut self, from: i64, to: i64, user_id: i64, child: &str) -> Result<()>;
    /// Every link of people to classes (parents with their children, and teachers), by class
    /// name.
    async fn class_links(&mut self) -> Result<Vec<ClassLinkRecord>>;
    /// Takes a person out of every class (as parent, teacher and class teacher).
    async fn unlink_from_classes(&mut self, user_id: i64) -> Result<()>;

    async fn insert_invite(&mut self, invite: NewInviteRecord<'_>) -> Result<i64>;
    async fn invite(&mut self, id: i64) -> Result<Option<InviteRecord>>;
    async fn invite_by_code(&mut self, code_hash: &[u8]) -> Result<Option<InviteRecord>>;
    /// Invites in scope, newest first.
    async fn invites(&mut self, scope: Scope) -> Result<Vec<InviteRecord>>;
    async fn revoke_invite(&mut self, id: i64, at: i64) -> Result<()>;
    async fn count_invite_use(&mut self, id: i64) -> Result<()>;

    async fn insert_join_request(&mut self, request: NewJoinRequest<'_>) -> Result<i64>;
    async fn join_request(&mut self, id: i64) -> Result<Option<JoinRequestRecord>>;
    /// The password hash a join request carries for its account.
    async fn join_request_password(&mut self, id: i64) -> Result<Option<String>>;
    /// Join requests in scope (pending ones only if asked), oldest first.
    async fn join_requests(
        &mut self,
        scope: Scope,
        pending_only: bool,
    ) -> Result<Vec<JoinRequestRecord>>;
    /// Records a decision: `approved` or `rejected` (with the reason).
    async fn decide_join_request(
        &mut self,
        id: i64,
        status: &str,
        reason: Option<&str>,
        by: i64,
        at: i64,
    ) -> Result<()>;
    async fn set_join_request_user(&mut self, id: i64, user_id: i64) -> Result<()>;
    async fn join_poll(&mut self, poll_token_hash: &[u8]) -> Result<Option<JoinPoll>>;
    async fn mark_join_claimed(&mut self, id: i64, at: i64) -> Result<()>;

    /// A school setting.
    async fn setting(&mut self, key: &str) -> Result<Option<String>>;
    async fn put_setting(&mut self, key: &str, value: &str) -> Result<()>;
    /// A marker of the server's own (the demo's seed).
    async fn meta(&mut self, key: &str) -> Result<Option<String>>;
    async fn put_meta(&mut self, key: &str, value: &str) -> Result<()>;

    async fn insert_audit(
        &mut self,
        actor_id: Option<i64>,
        action: &str,
        target: &str,
        details: &str,
        at: i64,
    ) -> Result<()>;
    /// Entries with ids below `before` that pass `filter`, newest first, at most `limit`, each
    /// with its target named in words where it can be.
    async fn audit(
        &mut self,
        before: i64,
        filter: &parta_model::school::AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditRecord>>;
    /// `action` entries on `target` since `since`, newest first, at most `limit`.
    async fn audit_on(
        &mut self,
        target: &str,
        action: &str,
        since: i64,
        limit: i64,
    ) -> Result<Vec<AuditRecord>>;
}
