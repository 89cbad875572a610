//! Invitation links and join requests (procedure 4.1).
//!
//! An invite carries a role, for a parent a class (and maybe the child's name), for a pupil a
//! class and the parent who answers for them, an expiry and a number of uses. Its code is
//! shown once, at creation, and stored only as a hash. Redeeming it either creates the account
//! at once or, when the school reviews newcomers (the default) and always for a pupil, files a
//! join request; the requester asks for the outcome with a token of its own and, once
//! approved, receives its device token exactly once. Unclaimed invites expire by themselves:
//! the status is computed against the clock, so no sweeper is needed.

pub use parta_model::school::{
    CreatedInvite, Invite, InviteStatus, JoinRequest, JoinStatus, NewInvite,
};
pub use parta_model::school::{JoinOutcome, Redeem};

use crate::audit;
use crate::auth;
use crate::clock::Clock;
use crate::context::{Caller, School};
use crate::error::{Error, ErrorCode, Result};
use crate::membership;
use crate::roles::{self, Action, Grant, Role};
use crate::store::people::NewUser;
use crate::store::prelude::*;
use crate::store::school::{
    InviteRecord, JoinRequestRecord, NewInviteRecord, NewJoinRequest, Scope,
};

/// Default lifetime of an invite: a week.
pub const DEFAULT_EXPIRY_HOURS: i64 = 7 * 24;
/// Longest lifetime: 30 days (unclaimed links are a risk, 4.1).
pub const MAX_EXPIRY_HOURS: i64 = 30 * 24;
/// Most uses of one invite (a link sent to a whole class).
pub const MAX_USES: i64 = 500;
/// Longest name, child's name, note or reason.
pub const MAX_TEXT_CHARS: usize = 200;
const HOUR_MS: i64 = 3_600_000;

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

/// An invite's status at `now`.
fn status_of(record: &InviteRecord, now: i64) -> InviteStatus {
    if record.revoked_at.is_some() {
        InviteStatus::Revoked
    } else if record.uses >= record.max_uses {
        InviteStatus::Used
    } else if record.expires_at <= now {
        InviteStatus::Expired
    } else {
        InviteStatus::Unused
    }
}

fn invite_of(record: InviteRecord, now: i64) -> Invite {
    let status = status_of(&record, now);
    Invite {
        id: record.id,
        role: record.role,
        class_id: record.class_id,
        class_name: record.class_name,
        child_name: record.child_name,
        parent_id: record.parent_id,
        parent_name: record.parent_name,
        note: record.note,
        created_by: record.created_by,
        created_at: record.created_at,
        expires_at: record.expires_at,
        max_uses: record.max_uses,
        uses: record.uses,
        status,
    }
}

/// Fails unless the caller may act for invites or requests of `role` in `class_id`.
async fn require_scope(
    tx: &mut dyn Tx,
    caller: Caller,
    action: Action,
    role: Role,
    class_id: Option<i64>,
) -> Result<()> {
    let needed = match action {
        Action::ManageInvites | Action::ReviewJoinRequests => action,
        _ if role == Role::Parent => Action::InviteParents,
        _ if role == Role::Pupil => Action::InvitePupils,
        _ => Action::InviteStaff,
    };
    match roles::require(caller.role, needed)? {
        Grant::School => Ok(()),
        Grant::OwnClass => {
            let own = match class_id {
                Some(class_id) if matches!(role, Role::Parent | Role::Pupil) => {
                    tx.is_class_teacher(caller.user_id, class_id).await?
                }
                _ => false,
            };
            if own {
                Ok(())
            } else {
                Err(Error::denied(
                    "A class teacher acts only for the parents and pupils of their own class",
                ))
            }
        }
        Grant::Denied => Err(Error::denied("Not allowed")),
    }
}

/// Creates an invite; the code is in the answer and nowhere else.
pub async fn create(school: &School, caller: Caller, new: NewInvite) -> Result<CreatedInvite> {
    let mut tx = school.begin().await?;
    require_scope(
        &mut *tx,
        caller,
        Action::InviteStaff,
        new.role,
        new.class_id,
    )
    .await?;
    if new.role == Role::Parent && new.class_id.is_none() {
        return Err(Error::bad_request("An invite for a parent needs the class"));
    }
    if let Some(class_id) = new.class_id
        && tx.class(class_id).await?.is_none()
    {
        return Err(Error::not_found(format!("Class {class_id} not found")));
    }
    let parent_id = pupil_parent(&mut *tx, &new).await?;
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
    let now = school.now_ms();
    let id = tx
        .insert_invite(NewInviteRecord {
            code_hash: &auth::hash(&code),
            role: new.role,
            class_id: new.class_id,
            child_name: child_name.as_deref(),
            parent_id,
            note: note.as_deref(),
            created_by: caller.user_id,
            created_at: now,
            expires_at: now + hours * HOUR_MS,
            max_uses,
        })
        .await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "invite.created",
        &format!("invite:{id}"),
        serde_json::json!({"role": new.role, "class_id": new.class_id, "parent_id": parent_id,
                           "max_uses": max_uses, "expires_in_hours": hours}),
    )
    .await?;
    let invite = invite_on(&mut *tx, id, now).await?;
    school.commit(tx).await?;
    Ok(CreatedInvite {
        link: format!("parta://join/{code}"),
        code,
        invite,
    })
}

/// For a pupil's invite, the parent who answers for the pupil: required, and a parent of the
/// invite's class (6.4). Other invites name no parent.
async fn pupil_parent(tx: &mut dyn Tx, new: &NewInvite) -> Result<Option<i64>> {
    match (new.role, new.class_id, new.parent_id) {
        (Role::Pupil, Some(class_id), Some(parent_id)) => {
            if tx.class_parent_ids(class_id).await?.contains(&parent_id) {
                Ok(Some(parent_id))
            } else {
                Err(Error::bad_request(format!(
                    "User {parent_id} is not a parent in this class: a pupil's invite names \
                     the parent who answers for the pupil"
                )))
            }
        }
        (Role::Pupil, None, _) => Err(Error::bad_request("An invite for a pupil needs the class")),
        (Role::Pupil, Some(_), None) => Err(Error::bad_request(
            "An invite for a pupil names the parent who answers for them (parent_id)",
        )),
        (_, _, Some(_)) => Err(Error::bad_request(
            "Only an invite for a pupil names a parent",
        )),
        (_, _, None) => Ok(None),
    }
}

async fn invite_on(tx: &mut dyn Tx, id: i64, now: i64) -> Result<Invite> {
    let record = tx
        .invite(id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Invite {id} not found")))?;
    Ok(invite_of(record, now))
}

/// The invites the caller manages, newest first: all for the school's administrators, those
/// for their own class's parents for a class teacher.
pub async fn list(school: &School, caller: Caller) -> Result<Vec<Invite>> {
    let scope = match roles::require(caller.role, Action::ManageInvites)? {
        Grant::School => Scope::School,
        _ => Scope::ClassTeacher(caller.user_id),
    };
    let now = school.now_ms();
    let records = school.read().await?.invites(scope).await?;
    Ok(records.into_iter().map(|r| invite_of(r, now)).collect())
}

/// Revokes an invite that can still be redeemed.
pub async fn revoke(school: &School, caller: Caller, id: i64) -> Result<Invite> {
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    let invite = invite_on(&mut *tx, id, now).await?;
    require_scope(
        &mut *tx,
        caller,
        Action::ManageInvites,
        invite.role,
        invite.class_id,
    )
    .await?;
    if invite.status == InviteStatus::Revoked {
        return Ok(invite);
    }
    tx.revoke_invite(id, now).await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "invite.revoked",
        &format!("invite:{id}"),
        serde_json::json!({}),
    )
    .await?;
    let invite = invite_on(&mut *tx, id, now).await?;
    school.commit(tx).await?;
    Ok(invite)
}

/// Whether newcomers wait for approval (the school's setting; on by default).
pub async fn requires_approval(tx: &mut dyn Tx) -> Result<bool> {
    let value = tx.setting("join_requires_approval").await?;
    Ok(value.as_deref() != Some("false"))
}

/// Sets whether newcomers wait for approval.
pub async fn set_requires_approval(school: &School, caller: Caller, on: bool) -> Result<()> {
    roles::require(caller.role, Action::ManageSettings)?;
    let mut tx = school.begin().await?;
    tx.put_setting("join_requires_approval", if on { "true" } else { "false" })
        .await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "settings.changed",
        "school",
        serde_json::json!({"join_requires_approval": on}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(())
}

/// Everything an account is made of, from an invite (directly or through an approved request).
struct NewAccount {
    role: Role,
    class_id: Option<i64>,
    /// For a pupil: the parent who answers for them.
    parent_id: Option<i64>,
    child_name: Option<String>,
    first_name: String,
    last_name: Option<String>,
    login: String,
    password_hash: String,
}

/// Creates the account, links it to its class and adds it to its chats.
async fn create_account(
    tx: &mut dyn Tx,
    clock: &dyn Clock,
    account: &NewAccount,
    actor: Option<i64>,
) -> Result<i64> {
    if tx.login_taken(&account.login).await? {
        return Err(Error::conflict(format!(
            "The login {} is taken",
            account.login
        )));
    }
    let user_id = tx
        .insert_user(NewUser {
            first_name: &account.first_name,
            last_name: account.last_name.as_deref(),
            username: &account.login,
            role: account.role,
            created_at: clock.now_ms(),
            password_hash: Some(&account.password_hash),
        })
        .await?;
    if let Some(class_id) = account.class_id {
        match account.role {
            Role::Parent => {
                let child = account.child_name.as_deref().unwrap_or("");
                tx.add_class_parent(class_id, user_id, child).await?;
            }
            Role::Pupil => {
                let parent = account.parent_id.ok_or_else(|| {
                    Error::Internal(format!("the pupil {} has no parent", account.login))
                })?;
                tx.add_class_pupil(class_id, user_id, parent).await?;
            }
            role => {
                tx.add_class_teacher(class_id, user_id).await?;
                if role == Role::ClassTeacher {
                    tx.set_class_teacher(class_id, user_id).await?;
                }
            }
        }
    }
    membership::sync_user(tx, clock, user_id, actor).await?;
    Ok(user_id)
}

/// Redeems an invite: an account at once, or a join request to wait on.
pub async fn redeem(school: &School, redeem: Redeem) -> Result<JoinOutcome> {
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

    let now = school.now_ms();
    let mut tx = school.begin().await?;
    let record = tx
        .invite_by_code(&auth::hash(redeem.code.trim()))
        .await?
        .ok_or_else(|| Error::not_found("This invitation does not exist: check the link"))?;
    let invite = invite_of(record, now);
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
        .or(clean_text(redeem.child_name.as_deref(), "child's name")?)
        // A pupil is the child: their parent is linked through the invite.
        .filter(|_| invite.role != Role::Pupil);
    if invite.role == Role::Parent && child_name.is_none() {
        return Err(Error::bad_request("Please give your child's name"));
    }
    if tx.login_taken(&login).await? {
        return Err(Error::conflict(format!(
            "The login {login} is taken: choose another"
        )));
    }
    tx.count_invite_use(invite.id).await?;
    let account = NewAccount {
        role: invite.role,
        class_id: invite.class_id,
        parent_id: invite.parent_id,
        child_name,
        first_name,
        last_name,
        login,
        password_hash,
    };
    // A pupil always waits for the class teacher's approval (4.1).
    let outcome = if invite.role == Role::Pupil || requires_approval(&mut *tx).await? {
        let request_token = auth::random_secret("join_", 32)?;
        let id = tx
            .insert_join_request(NewJoinRequest {
                invite_id: invite.id,
                role: account.role,
                class_id: account.class_id,
                child_name: account.child_name.as_deref(),
                first_name: &account.first_name,
                last_name: account.last_name.as_deref(),
                login: &account.login,
                password_hash: &account.password_hash,
                device_name: &device_name,
                poll_token_hash: &auth::hash(&request_token),
                created_at: now,
            })
            .await?;
        audit::record(
            &mut *tx,
            school.clock(),
            None,
            "join_request.created",
            &format!("join_request:{id}"),
            serde_json::json!({"invite_id": invite.id, "role": invite.role}),
        )
        .await?;
        notify_reviewers(&mut *tx, now, id, &account).await?;
        JoinOutcome {
            status: JoinStatus::Pending,
            request_id: Some(id),
            request_token: Some(request_token),
            reason: None,
            user_id: None,
            access_token: None,
        }
    } else {
        let user_id =
            create_account(&mut *tx, school.clock(), &account, Some(invite.created_by)).await?;
        let token =
            auth::issue_device_token_on(&mut *tx, school.clock(), user_id, &device_name).await?;
        audit::record(
            &mut *tx,
            school.clock(),
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
    school.commit(tx).await?;
    Ok(outcome)
}

/// Tells everyone who may decide a new join request (`parta_join_request`).
async fn notify_reviewers(
    tx: &mut dyn Tx,
    now: i64,
    request_id: i64,
    account: &NewAccount,
) -> Result<()> {
    let reviewers = tx.join_reviewers(account.role, account.class_id).await?;
    let update = parta_model::max::Update::PartaJoinRequest {
        timestamp: now,
        request_id,
        role: account.role.as_str().to_owned(),
        class_id: account.class_id,
        name: crate::users::person_name(&account.first_name, account.last_name.as_deref()),
    };
    for reviewer in reviewers {
        crate::updates::append_personal(tx, reviewer, &update, now).await?;
    }
    Ok(())
}

fn request_of(record: JoinRequestRecord) -> JoinRequest {
    JoinRequest {
        id: record.id,
        invite_id: record.invite_id,
        role: record.role,
        class_id: record.class_id,
        class_name: record.class_name,
        child_name: record.child_name,
        name: crate::users::person_name(&record.first_name, record.last_name.as_deref()),
        login: record.login,
        status: JoinStatus::parse(&record.status),
        reason: record.reason,
        created_at: record.created_at,
        decided_at: record.decided_at,
        user_id: record.user_id,
    }
}

/// Join requests the caller reviews (all, or pending only), oldest first.
pub async fn requests(
    school: &School,
    caller: Caller,
    pending_only: bool,
) -> Result<Vec<JoinRequest>> {
    let scope = match roles::require(caller.role, Action::ReviewJoinRequests)? {
        Grant::School => Scope::School,
        _ => Scope::ClassTeacher(caller.user_id),
    };
    let records = school
        .read()
        .await?
        .join_requests(scope, pending_only)
        .await?;
    Ok(records.into_iter().map(request_of).collect())
}

/// A pending request the caller may decide, with its stored record and password hash.
async fn pending_request(
    tx: &mut dyn Tx,
    caller: Caller,
    id: i64,
) -> Result<(JoinRequestRecord, String)> {
    let record = tx
        .join_request(id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Join request {id} not found")))?;
    require_scope(
        tx,
        caller,
        Action::ReviewJoinRequests,
        record.role,
        record.class_id,
    )
    .await?;
    let status = JoinStatus::parse(&record.status);
    if status != JoinStatus::Pending {
        return Err(Error::conflict(format!(
            "Join request {id} was already {}",
            status.as_str()
        )));
    }
    let hash = tx
        .join_request_password(id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Join request {id} not found")))?;
    Ok((record, hash))
}

/// The request as it now stands.
async fn request_on(tx: &mut dyn Tx, id: i64) -> Result<JoinRequest> {
    tx.join_request(id)
        .await?
        .map(request_of)
        .ok_or_else(|| Error::not_found(format!("Join request {id} not found")))
}

/// Approves a join request: the account is created and joins its chats.
pub async fn approve(school: &School, caller: Caller, id: i64) -> Result<JoinRequest> {
    let mut tx = school.begin().await?;
    let (request, password_hash) = pending_request(&mut *tx, caller, id).await?;
    // The pending request itself holds the login: release it for the account.
    tx.decide_join_request(id, "approved", None, caller.user_id, school.now_ms())
        .await?;
    let parent_id = match tx.invite(request.invite_id).await? {
        Some(invite) => invite.parent_id,
        None => None,
    };
    let account = NewAccount {
        role: request.role,
        class_id: request.class_id,
        parent_id,
        child_name: request.child_name,
        first_name: request.first_name,
        last_name: request.last_name,
        login: request.login,
        password_hash,
    };
    let user_id = create_account(&mut *tx, school.clock(), &account, Some(caller.user_id)).await?;
    tx.set_join_request_user(id, user_id).await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "join_request.approved",
        &format!("join_request:{id}"),
        serde_json::json!({"user_id": user_id}),
    )
    .await?;
    let request = request_on(&mut *tx, id).await?;
    school.commit(tx).await?;
    Ok(request)
}

/// Rejects a join request with a reason the requester will read.
pub async fn reject(school: &School, caller: Caller, id: i64, reason: &str) -> Result<JoinRequest> {
    let reason = clean_text(Some(reason), "reason")?
        .ok_or_else(|| Error::bad_request("Say why the request is rejected"))?;
    let mut tx = school.begin().await?;
    pending_request(&mut *tx, caller, id).await?;
    tx.decide_join_request(
        id,
        "rejected",
        Some(&reason),
        caller.user_id,
        school.now_ms(),
    )
    .await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "join_request.rejected",
        &format!("join_request:{id}"),
        serde_json::json!({"reason": reason}),
    )
    .await?;
    let request = request_on(&mut *tx, id).await?;
    school.commit(tx).await?;
    Ok(request)
}

/// The requester asks how its request stands. On the first question after approval the answer
/// carries the new device's token; later questions say approved without it.
pub async fn outcome(school: &School, request_token: &str) -> Result<JoinOutcome> {
    let mut tx = school.begin().await?;
    let poll = tx
        .join_poll(&auth::hash(request_token.trim()))
        .await?
        .ok_or_else(|| Error::api(ErrorCode::VerifyToken, "Unknown join request token"))?;
    let status = JoinStatus::parse(&poll.status);
    let mut access_token = None;
    if let (JoinStatus::Approved, Some(user), None) = (status, poll.user_id, poll.claimed_at) {
        let token =
            auth::issue_device_token_on(&mut *tx, school.clock(), user, &poll.device_name).await?;
        tx.mark_join_claimed(poll.id, school.now_ms()).await?;
        access_token = Some(token.into_inner());
    }
    let outcome = JoinOutcome {
        status,
        request_id: Some(poll.id),
        request_token: None,
        reason: poll.reason,
        user_id: poll.user_id,
        access_token,
    };
    school.commit(tx).await?;
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
