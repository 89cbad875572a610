//! Invitation links and join requests (procedure 4.1).
//!
//! An invite carries a role, for a parent a class (and maybe the child's name), an expiry and a
//! number of uses. Its code is shown once, at creation, and stored only as a hash. Redeeming it
//! either creates the account at once or, when the school reviews newcomers (the default),
//! files a join request; the requester asks for the outcome with a token of its own and, once
//! approved, receives its device token exactly once. Unclaimed invites expire by themselves:
//! the status is computed against the clock, so no sweeper is needed.

use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::audit;
use crate::auth::{self, Caller};
use crate::classes;
use crate::clock::Clock;
use crate::error::{Error, ErrorCode, Result};
use crate::membership;
use crate::roles::{self, Action, Grant, Role};

/// Default lifetime of an invite: a week.
pub const DEFAULT_EXPIRY_HOURS: i64 = 7 * 24;
/// Longest lifetime: 30 days (unclaimed links are a risk, 4.1).
pub const MAX_EXPIRY_HOURS: i64 = 30 * 24;
/// Most uses of one invite (a link sent to a whole class).
pub const MAX_USES: i64 = 500;
/// Longest name, child's name, note or reason.
pub const MAX_TEXT_CHARS: usize = 200;
const HOUR_MS: i64 = 3_600_000;

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
    pub note: Option<String>,
    pub created_by: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub max_uses: i64,
    pub uses: i64,
    pub status: InviteStatus,
}

/// `POST /school/invites`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewInvite {
    pub role: Role,
    #[serde(default)]
    pub class_id: Option<i64>,
    #[serde(default)]
    pub child_name: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub expires_in_hours: Option<i64>,
    #[serde(default)]
    pub max_uses: Option<i64>,
}

/// A new invite with its code and link, shown this once.
#[derive(Clone, Serialize, Deserialize)]
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

/// `POST /school/invites/redeem`: a newcomer's answer to an invite.
#[derive(Deserialize)]
pub struct Redeem {
    pub code: String,
    pub first_name: String,
    #[serde(default)]
    pub last_name: Option<String>,
    /// For a parent: the child's name, unless the invite already names the child.
    #[serde(default)]
    pub child_name: Option<String>,
    pub login: String,
    pub password: String,
    pub device_name: String,
    /// Consent to the processing of personal data (procedure 8; required).
    #[serde(default)]
    pub consent_personal_data: bool,
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
    fn parse(s: &str) -> JoinStatus {
        match s {
            "approved" => JoinStatus::Approved,
            "rejected" => JoinStatus::Rejected,
            _ => JoinStatus::Pending,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            JoinStatus::Pending => "pending",
            JoinStatus::Approved => "approved",
            JoinStatus::Rejected => "rejected",
        }
    }
}

/// The answer to a redemption or to a requester asking for the outcome.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct JoinOutcome {
    pub status: JoinStatus,
    /// The join request, when the school reviews newcomers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<i64>,
    /// What the requester presents to ask for the outcome (shown once, at redemption).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_token: Option<String>,
    /// The reason of a rejection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// The new device's token: given once, with the approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

impl std::fmt::Debug for JoinOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinOutcome")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("reason", &self.reason)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
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

fn clean_text(value: Option<&str>, what: &str) -> Result<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() > MAX_TEXT_CHARS => Err(Error::bad_request(format!(
            "The {what} is too long: at most {MAX_TEXT_CHARS} characters"
        ))),
        Some(v) => Ok(Some(v.to_owned())),
    }
}

/// Percent-encodes everything but unreserved characters (for a URL inside a link's query).
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Checks a login: 3 to 40 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit.
pub fn check_login(login: &str) -> Result<String> {
    let login = login.trim().to_lowercase();
    let ok_chars = login
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    let ok_start = login
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if !(3..=40).contains(&login.len()) || !ok_chars || !ok_start {
        return Err(Error::bad_request(
            "The login must be 3 to 40 Latin letters, digits, dots, dashes or underscores",
        ));
    }
    Ok(login)
}

fn status_of(row: &sqlx::sqlite::SqliteRow, now: i64) -> Result<InviteStatus> {
    let revoked: Option<i64> = row.try_get("revoked_at")?;
    let expires: i64 = row.try_get("expires_at")?;
    let uses: i64 = row.try_get("uses")?;
    let max_uses: i64 = row.try_get("max_uses")?;
    Ok(if revoked.is_some() {
        InviteStatus::Revoked
    } else if uses >= max_uses {
        InviteStatus::Used
    } else if expires <= now {
        InviteStatus::Expired
    } else {
        InviteStatus::Unused
    })
}

const INVITE_SELECT: &str = "SELECT i.id, i.role, i.class_id, c.name AS class_name, i.child_name,
    i.note, i.created_by, i.created_at, i.expires_at, i.max_uses, i.uses, i.revoked_at
    FROM invites i LEFT JOIN classes c ON c.id = i.class_id";

fn invite_from_row(row: &sqlx::sqlite::SqliteRow, now: i64) -> Result<Invite> {
    Ok(Invite {
        id: row.try_get("id")?,
        role: Role::parse(&row.try_get::<String, _>("role")?)?,
        class_id: row.try_get("class_id")?,
        class_name: row.try_get("class_name")?,
        child_name: row.try_get("child_name")?,
        note: row.try_get("note")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        max_uses: row.try_get("max_uses")?,
        uses: row.try_get("uses")?,
        status: status_of(row, now)?,
    })
}

/// Fails unless the caller may act for invites or requests of `role` in `class_id`.
async fn require_scope(
    conn: &mut SqliteConnection,
    caller: Caller,
    action: Action,
    role: Role,
    class_id: Option<i64>,
) -> Result<()> {
    let needed = match action {
        Action::ManageInvites | Action::ReviewJoinRequests => action,
        _ if role == Role::Parent => Action::InviteParents,
        _ => Action::InviteStaff,
    };
    match roles::require(caller.role, needed)? {
        Grant::School => Ok(()),
        Grant::OwnClass => {
            let own = match class_id {
                Some(class_id) if role == Role::Parent => {
                    classes::is_class_teacher(conn, caller.user_id, class_id).await?
                }
                _ => false,
            };
            if own {
                Ok(())
            } else {
                Err(Error::denied(
                    "A class teacher acts only for the parents of their own class",
                ))
            }
        }
        Grant::Denied => Err(Error::denied("Not allowed")),
    }
}

/// Creates an invite; the code is in the answer and nowhere else.
pub async fn create(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    new: NewInvite,
) -> Result<CreatedInvite> {
    let mut tx = pool.begin().await?;
    require_scope(&mut tx, caller, Action::InviteStaff, new.role, new.class_id).await?;
    if new.role == Role::Parent && new.class_id.is_none() {
        return Err(Error::bad_request("An invite for a parent needs the class"));
    }
    if let Some(class_id) = new.class_id {
        let exists = sqlx::query("SELECT 1 FROM classes WHERE id = ?")
            .bind(class_id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(Error::not_found(format!("Class {class_id} not found")));
        }
    }
    let hours = new.expires_in_hours.unwrap_or(DEFAULT_EXPIRY_HOURS);
    if !(1..=MAX_EXPIRY_HOURS).contains(&hours) {
        return Err(Error::bad_request(format!(
            "An invite lasts 1 to {MAX_EXPIRY_HOURS} hours"
        )));
    }
    let max_uses = new.max_uses.unwrap_or(1);
    if !(1..=MAX_USES).contains(&max_uses) {
        return Err(Error::bad_request(format!(
            "An invite may be used 1 to {MAX_USES} times"
        )));
    }
    let child_name = clean_text(new.child_name.as_deref(), "child's name")?;
    let note = clean_text(new.note.as_deref(), "note")?;
    let code = auth::random_secret("", 16)?;
    let now = clock.now_ms();
    let id = sqlx::query(
        "INSERT INTO invites (code_hash, role, class_id, child_name, note, created_by, created_at,
                              expires_at, max_uses)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(auth::hash(&code))
    .bind(new.role.as_str())
    .bind(new.class_id)
    .bind(&child_name)
    .bind(&note)
    .bind(caller.user_id)
    .bind(now)
    .bind(now + hours * HOUR_MS)
    .bind(max_uses)
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "invite.created",
        &format!("invite:{id}"),
        serde_json::json!({"role": new.role, "class_id": new.class_id, "max_uses": max_uses,
                           "expires_in_hours": hours}),
    )
    .await?;
    let invite = invite_on(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(CreatedInvite {
        link: format!("parta://join/{code}"),
        code,
        invite,
    })
}

async fn invite_on(conn: &mut SqliteConnection, id: i64, now: i64) -> Result<Invite> {
    let sql = format!("{INVITE_SELECT} WHERE i.id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found(format!("Invite {id} not found")))?;
    invite_from_row(&row, now)
}

/// The invites the caller may see, newest first.
pub async fn list(pool: &SqlitePool, clock: &dyn Clock, caller: Caller) -> Result<Vec<Invite>> {
    let grant = roles::require(caller.role, Action::ManageInvites)?;
    let sql = match grant {
        Grant::School => format!("{INVITE_SELECT} WHERE ?1 = ?1 ORDER BY i.id DESC"),
        _ => format!(
            "{INVITE_SELECT} WHERE i.role = 'parent'
             AND i.class_id IN (SELECT id FROM classes WHERE class_teacher_id = ?1)
             ORDER BY i.id DESC"
        ),
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(caller.user_id)
        .fetch_all(pool)
        .await?;
    let now = clock.now_ms();
    rows.iter().map(|row| invite_from_row(row, now)).collect()
}

/// Revokes an invite that can still be redeemed.
pub async fn revoke(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    id: i64,
) -> Result<Invite> {
    let now = clock.now_ms();
    let mut tx = pool.begin().await?;
    let invite = invite_on(&mut tx, id, now).await?;
    require_scope(
        &mut tx,
        caller,
        Action::ManageInvites,
        invite.role,
        invite.class_id,
    )
    .await?;
    if invite.status == InviteStatus::Revoked {
        return Ok(invite);
    }
    sqlx::query("UPDATE invites SET revoked_at = ? WHERE id = ?")
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "invite.revoked",
        &format!("invite:{id}"),
        serde_json::json!({}),
    )
    .await?;
    let invite = invite_on(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(invite)
}

/// Whether newcomers wait for approval (the school's setting; on by default).
pub async fn requires_approval(conn: &mut SqliteConnection) -> Result<bool> {
    let value: Option<String> =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = 'join_requires_approval'")
            .fetch_optional(conn)
            .await?;
    Ok(value.as_deref() != Some("false"))
}

/// Sets whether newcomers wait for approval.
pub async fn set_requires_approval(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    on: bool,
) -> Result<()> {
    roles::require(caller.role, Action::ManageSettings)?;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('join_requires_approval', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(if on { "true" } else { "false" })
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "settings.changed",
        "school",
        serde_json::json!({"join_requires_approval": on}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn login_taken(conn: &mut SqliteConnection, login: &str) -> Result<bool> {
    let taken = sqlx::query(
        "SELECT 1 FROM users WHERE username = ?1
         UNION ALL SELECT 1 FROM join_requests WHERE login = ?1 AND status = 'pending'",
    )
    .bind(login)
    .fetch_optional(conn)
    .await?;
    Ok(taken.is_some())
}

/// Everything an account is made of, from an invite (directly or through an approved request).
struct NewAccount {
    role: Role,
    class_id: Option<i64>,
    child_name: Option<String>,
    first_name: String,
    last_name: Option<String>,
    login: String,
    password_hash: String,
}

/// Creates the account, links it to its class and adds it to its chats.
async fn create_account(
    conn: &mut SqliteConnection,
    clock: &dyn Clock,
    account: &NewAccount,
    actor: Option<i64>,
) -> Result<i64> {
    if login_taken(conn, &account.login).await? {
        return Err(Error::conflict(format!(
            "The login {} is taken",
            account.login
        )));
    }
    let user_id = sqlx::query(
        "INSERT INTO users (first_name, last_name, username, role, created_at, password_hash)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&account.first_name)
    .bind(&account.last_name)
    .bind(&account.login)
    .bind(account.role.as_str())
    .bind(clock.now_ms())
    .bind(&account.password_hash)
    .execute(&mut *conn)
    .await?
    .last_insert_rowid();
    if let Some(class_id) = account.class_id {
        match account.role {
            Role::Parent => {
                sqlx::query(
                    "INSERT OR IGNORE INTO class_parents (class_id, user_id, child_name) VALUES (?, ?, ?)",
                )
                .bind(class_id)
                .bind(user_id)
                .bind(account.child_name.as_deref().unwrap_or(""))
                .execute(&mut *conn)
                .await?;
            }
            role => {
                sqlx::query(
                    "INSERT OR IGNORE INTO class_teachers (class_id, user_id) VALUES (?, ?)",
                )
                .bind(class_id)
                .bind(user_id)
                .execute(&mut *conn)
                .await?;
                if role == Role::ClassTeacher {
                    sqlx::query("UPDATE classes SET class_teacher_id = ? WHERE id = ?")
                        .bind(user_id)
                        .bind(class_id)
                        .execute(&mut *conn)
                        .await?;
                }
            }
        }
    }
    membership::sync_user(conn, clock, user_id, actor).await?;
    Ok(user_id)
}

/// Redeems an invite: an account at once, or a join request to wait on.
pub async fn redeem(pool: &SqlitePool, clock: &dyn Clock, redeem: Redeem) -> Result<JoinOutcome> {
    if !redeem.consent_personal_data {
        return Err(Error::bad_request(
            "Joining needs consent to the processing of personal data",
        ));
    }
    let first_name = clean_text(Some(&redeem.first_name), "first name")?
        .ok_or_else(|| Error::bad_request("The first name is required"))?;
    let last_name = clean_text(redeem.last_name.as_deref(), "last name")?;
    let login = check_login(&redeem.login)?;
    let device_name = auth::check_device_name(&redeem.device_name)?.to_owned();
    auth::check_new_password(&redeem.password)?;
    let password = redeem.password;
    let password_hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| Error::Internal(format!("password hash: {e}")))??;

    let now = clock.now_ms();
    let mut tx = pool.begin().await?;
    let sql = format!("{INVITE_SELECT} WHERE i.code_hash = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(auth::hash(redeem.code.trim()))
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| Error::not_found("This invitation does not exist: check the link"))?;
    let invite = invite_from_row(&row, now)?;
    let refusal = match invite.status {
        InviteStatus::Unused => None,
        InviteStatus::Used => Some("This invitation has already been used"),
        InviteStatus::Expired => Some("This invitation has expired: ask the school for a new one"),
        InviteStatus::Revoked => Some("This invitation was revoked: ask the school for a new one"),
    };
    if let Some(message) = refusal {
        return Err(Error::api(ErrorCode::InviteInvalid, message));
    }
    let child_name = invite
        .child_name
        .clone()
        .or(clean_text(redeem.child_name.as_deref(), "child's name")?);
    if invite.role == Role::Parent && child_name.is_none() {
        return Err(Error::bad_request("Please give your child's name"));
    }
    if login_taken(&mut tx, &login).await? {
        return Err(Error::conflict(format!(
            "The login {login} is taken: choose another"
        )));
    }
    sqlx::query("UPDATE invites SET uses = uses + 1 WHERE id = ?")
        .bind(invite.id)
        .execute(&mut *tx)
        .await?;
    let account = NewAccount {
        role: invite.role,
        class_id: invite.class_id,
        child_name,
        first_name,
        last_name,
        login,
        password_hash,
    };
    let outcome = if requires_approval(&mut tx).await? {
        let request_token = auth::random_secret("join_", 32)?;
        let id = sqlx::query(
            "INSERT INTO join_requests (invite_id, role, class_id, child_name, first_name,
                 last_name, login, password_hash, device_name, poll_token_hash, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(invite.id)
        .bind(account.role.as_str())
        .bind(account.class_id)
        .bind(&account.child_name)
        .bind(&account.first_name)
        .bind(&account.last_name)
        .bind(&account.login)
        .bind(&account.password_hash)
        .bind(&device_name)
        .bind(auth::hash(&request_token))
        .bind(now)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        audit::record(
            &mut tx,
            clock,
            None,
            "join_request.created",
            &format!("join_request:{id}"),
            serde_json::json!({"invite_id": invite.id, "role": invite.role}),
        )
        .await?;
        notify_reviewers(&mut tx, now, id, &account).await?;
        JoinOutcome {
            status: JoinStatus::Pending,
            request_id: Some(id),
            request_token: Some(request_token),
            reason: None,
            user_id: None,
            access_token: None,
        }
    } else {
        let user_id = create_account(&mut tx, clock, &account, Some(invite.created_by)).await?;
        let token = auth::issue_device_token_on(&mut tx, clock, user_id, &device_name).await?;
        audit::record(
            &mut tx,
            clock,
            Some(user_id),
            "invite.redeemed",
            &format!("invite:{}", invite.id),
            serde_json::json!({"user_id": user_id}),
        )
        .await?;
        JoinOutcome {
            status: JoinStatus::Approved,
            request_id: None,
            request_token: None,
            reason: None,
            user_id: Some(user_id),
            access_token: Some(token.into_inner()),
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// Tells everyone who may decide a new join request (`parta_join_request`).
async fn notify_reviewers(
    conn: &mut SqliteConnection,
    now: i64,
    request_id: i64,
    account: &NewAccount,
) -> Result<()> {
    let reviewers: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE removed_at IS NULL
           AND (role IN ('platform_admin', 'administration')
                OR (?1 = 'parent' AND id IN (SELECT class_teacher_id FROM classes WHERE id = ?2)))",
    )
    .bind(account.role.as_str())
    .bind(account.class_id)
    .fetch_all(&mut *conn)
    .await?;
    let update = parta_model::max::Update::PartaJoinRequest {
        timestamp: now,
        request_id,
        role: account.role.as_str().to_owned(),
        class_id: account.class_id,
        name: classes::person_name(&account.first_name, account.last_name.as_deref()),
    };
    for reviewer in reviewers {
        crate::updates::append_personal(conn, reviewer, &update, now).await?;
    }
    Ok(())
}

const REQUEST_SELECT: &str = "SELECT r.id, r.invite_id, r.role, r.class_id, c.name AS class_name,
    r.child_name, r.first_name, r.last_name, r.login, r.status, r.reason, r.created_at,
    r.decided_at, r.user_id FROM join_requests r LEFT JOIN classes c ON c.id = r.class_id";

fn request_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<JoinRequest> {
    Ok(JoinRequest {
        id: row.try_get("id")?,
        invite_id: row.try_get("invite_id")?,
        role: Role::parse(&row.try_get::<String, _>("role")?)?,
        class_id: row.try_get("class_id")?,
        class_name: row.try_get("class_name")?,
        child_name: row.try_get("child_name")?,
        name: classes::person_name(
            &row.try_get::<String, _>("first_name")?,
            row.try_get::<Option<String>, _>("last_name")?.as_deref(),
        ),
        login: row.try_get("login")?,
        status: JoinStatus::parse(&row.try_get::<String, _>("status")?),
        reason: row.try_get("reason")?,
        created_at: row.try_get("created_at")?,
        decided_at: row.try_get("decided_at")?,
        user_id: row.try_get("user_id")?,
    })
}

/// Join requests the caller may review, oldest first; `pending_only` hides decided ones.
pub async fn requests(
    pool: &SqlitePool,
    caller: Caller,
    pending_only: bool,
) -> Result<Vec<JoinRequest>> {
    let grant = roles::require(caller.role, Action::ReviewJoinRequests)?;
    let scope = match grant {
        Grant::School => "?1 = ?1",
        _ => {
            "r.role = 'parent' AND r.class_id IN (SELECT id FROM classes WHERE class_teacher_id = ?1)"
        }
    };
    let status = if pending_only {
        "AND r.status = 'pending'"
    } else {
        ""
    };
    let sql = format!("{REQUEST_SELECT} WHERE {scope} {status} ORDER BY r.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(caller.user_id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(request_from_row).collect()
}

async fn pending_request(
    conn: &mut SqliteConnection,
    caller: Caller,
    id: i64,
) -> Result<(JoinRequest, String)> {
    let sql = format!("{REQUEST_SELECT} WHERE r.id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found(format!("Join request {id} not found")))?;
    let request = request_from_row(&row)?;
    require_scope(
        conn,
        caller,
        Action::ReviewJoinRequests,
        request.role,
        request.class_id,
    )
    .await?;
    if request.status != JoinStatus::Pending {
        return Err(Error::conflict(format!(
            "Join request {id} was already {}",
            request.status.as_str()
        )));
    }
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM join_requests WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    Ok((request, hash))
}

/// Approves a join request: the account is created and joins its chats.
pub async fn approve(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    id: i64,
) -> Result<JoinRequest> {
    let mut tx = pool.begin().await?;
    let (request, password_hash) = pending_request(&mut tx, caller, id).await?;
    let (first_name, last_name): (String, Option<String>) =
        sqlx::query_as("SELECT first_name, last_name FROM join_requests WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    // The pending request itself holds the login: release it for the account.
    sqlx::query(
        "UPDATE join_requests SET status = 'approved', decided_at = ?, decided_by = ? WHERE id = ?",
    )
    .bind(clock.now_ms())
    .bind(caller.user_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let account = NewAccount {
        role: request.role,
        class_id: request.class_id,
        child_name: request.child_name.clone(),
        first_name,
        last_name,
        login: request.login.clone(),
        password_hash,
    };
    let user_id = create_account(&mut tx, clock, &account, Some(caller.user_id)).await?;
    sqlx::query("UPDATE join_requests SET user_id = ? WHERE id = ?")
        .bind(user_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "join_request.approved",
        &format!("join_request:{id}"),
        serde_json::json!({"user_id": user_id}),
    )
    .await?;
    let sql = format!("{REQUEST_SELECT} WHERE r.id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let request = request_from_row(&row)?;
    tx.commit().await?;
    Ok(request)
}

/// Rejects a join request with a reason the requester will read.
pub async fn reject(
    pool: &SqlitePool,
    clock: &dyn Clock,
    caller: Caller,
    id: i64,
    reason: &str,
) -> Result<JoinRequest> {
    let reason = clean_text(Some(reason), "reason")?
        .ok_or_else(|| Error::bad_request("Say why the request is rejected"))?;
    let mut tx = pool.begin().await?;
    pending_request(&mut tx, caller, id).await?;
    sqlx::query(
        "UPDATE join_requests SET status = 'rejected', reason = ?, decided_at = ?, decided_by = ?
         WHERE id = ?",
    )
    .bind(&reason)
    .bind(clock.now_ms())
    .bind(caller.user_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        clock,
        Some(caller.user_id),
        "join_request.rejected",
        &format!("join_request:{id}"),
        serde_json::json!({"reason": reason}),
    )
    .await?;
    let sql = format!("{REQUEST_SELECT} WHERE r.id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let request = request_from_row(&row)?;
    tx.commit().await?;
    Ok(request)
}

/// The requester asks how its request stands. On the first question after approval the answer
/// carries the new device's token; later questions say approved without it.
pub async fn outcome(
    pool: &SqlitePool,
    clock: &dyn Clock,
    request_token: &str,
) -> Result<JoinOutcome> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query(
        "SELECT id, status, reason, user_id, claimed_at, device_name FROM join_requests
         WHERE poll_token_hash = ?",
    )
    .bind(auth::hash(request_token.trim()))
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| Error::api(ErrorCode::VerifyToken, "Unknown join request token"))?;
    let id: i64 = row.try_get("id")?;
    let status = JoinStatus::parse(&row.try_get::<String, _>("status")?);
    let user_id: Option<i64> = row.try_get("user_id")?;
    let claimed: Option<i64> = row.try_get("claimed_at")?;
    let mut access_token = None;
    if let (JoinStatus::Approved, Some(user), None) = (status, user_id, claimed) {
        let device_name: String = row.try_get("device_name")?;
        let token = auth::issue_device_token_on(&mut tx, clock, user, &device_name).await?;
        sqlx::query("UPDATE join_requests SET claimed_at = ? WHERE id = ?")
            .bind(clock.now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        access_token = Some(token.into_inner());
    }
    let outcome = JoinOutcome {
        status,
        request_id: Some(id),
        request_token: None,
        reason: row.try_get("reason")?,
        user_id,
        access_token,
    };
    tx.commit().await?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_lower_case_latin_and_bounded() {
        assert_eq!(
            check_login(" E.Morozova ").ok().as_deref(),
            Some("e.morozova")
        );
        assert!(check_login("ab").is_err());
        assert!(check_login("морозова").is_err());
        assert!(check_login(".hidden").is_err());
        assert!(check_login("a b c").is_err());
        assert!(check_login(&"a".repeat(41)).is_err());
    }
}
