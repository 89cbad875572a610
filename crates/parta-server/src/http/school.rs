//! The `/school/*` extensions: accounts and devices, classes, the structure bootstrap, invites,
//! join requests, settings and the audit log. Each handler authenticates (where a caller is
//! needed), parses and calls one domain function; the permission matrix lives in `roles`.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::{AppState, caller, idempotency_key, json_body, path, query};
use crate::announcements::{self, AnnouncementList, Receipts};
use crate::audit::{self, AuditPage};
use crate::auth::{self, Device, LoginRequest, LoginResult};
use crate::classes::{self, Assignment, Class, NewClass};
use crate::error::{Error, Result};
use crate::invites::{self, CreatedInvite, Invite, JoinOutcome, JoinRequest, NewInvite, Redeem};
use crate::lessons::{
    self, ConsentAnswer, Lesson, LessonList, LessonPatch, NewLesson, Presence, RecordingStatus,
    RecordingSwitch,
};
use crate::messages;
use crate::people::{self, Move, RoleChange};
use crate::restrictions::{self, NewRestriction, Restriction};
use crate::scheduled::{self, QuietHours, Scheduled};
use crate::structure::{self, StructureReport};
use crate::timetable::{self, TimetableImport, TimetableReport};
use crate::users::{self, Contacts, Profile};
use parta_model::max::{NewMessageBody, SendMessageResult};

/// The `/school/*` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/school/login", post(login))
        .route("/school/logout", post(logout))
        .route("/school/me/password", put(change_password))
        .route("/school/me/contacts", put(set_contacts))
        .route("/school/people", get(list_people))
        .route("/school/people/{user_id}", get(profile))
        .route("/school/devices", get(list_devices))
        .route("/school/devices/{device_id}", delete(revoke_device))
        .route(
            "/school/users/{user_id}/devices",
            delete(revoke_user_devices),
        )
        .route("/school/classes", get(list_classes).post(create_class))
        .route("/school/classes/{class_id}/teachers", post(assign_teacher))
        .route(
            "/school/classes/{class_id}/teachers/{user_id}",
            delete(unassign_teacher),
        )
        .route("/school/structure", post(bootstrap))
        .route("/school/invites", get(list_invites).post(create_invite))
        .route("/school/invites/{invite_id}", delete(revoke_invite))
        .route("/school/invites/redeem", post(redeem))
        .route("/school/join-requests", get(list_requests))
        .route("/school/join-requests/status", post(request_status))
        .route("/school/join-requests/{request_id}/approve", post(approve))
        .route("/school/join-requests/{request_id}/reject", post(reject))
        .route("/school/settings", put(settings))
        .route("/school/users/{user_id}", delete(remove_person))
        .route("/school/users/{user_id}/role", put(change_role))
        .route("/school/users/{user_id}/move", post(move_child))
        .route(
            "/school/users/{user_id}/restriction",
            post(restrict).delete(lift_restriction),
        )
        .route(
            "/school/announcements",
            get(list_announcements).post(post_announcement),
        )
        .route("/school/announcements/{mid}/ack", post(acknowledge))
        .route("/school/broadcasts", post(broadcast))
        .route(
            "/school/scheduled",
            get(list_scheduled).post(schedule_message),
        )
        .route("/school/scheduled/{id}", delete(cancel_scheduled))
        .route(
            "/school/me/quiet-hours",
            put(set_quiet_hours).delete(clear_quiet_hours),
        )
        .route("/school/announcements/{mid}/receipts", get(receipts))
        .route("/school/audit", get(audit_log))
        .route("/school/lessons", get(list_lessons).post(create_lesson))
        .route("/school/lessons.ics", get(export_lessons))
        .route("/school/timetable/import", post(import_timetable))
        .route("/school/me/calendar", post(create_feed).delete(revoke_feed))
        .route("/calendar/{token}", get(calendar_feed))
        .route(
            "/school/lessons/{id}",
            get(get_lesson).patch(update_lesson).delete(cancel_lesson),
        )
        .route("/school/lessons/{id}/consent", put(answer_consent))
        .route(
            "/school/lessons/{id}/recording",
            get(recording_status).put(switch_recording),
        )
        .route("/school/lessons/{id}/presence", put(report_presence))
        .route("/school/classes/{class_id}/parents", get(class_parents))
}

/// `{"success": true}`, as MAX answers writes that return nothing else.
#[derive(Debug, Serialize)]
struct Success {
    success: bool,
}

const SUCCESS: Json<Success> = Json(Success { success: true });

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    request: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<LoginResult>> {
    state.limiter.anonymous(peer.ip())?;
    let request = json_body(request)?;
    Ok(Json(
        auth::login(state.store.as_ref(), state.clock.as_ref(), request).await?,
    ))
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Success>> {
    let caller = caller(&state, &headers).await?;
    auth::revoke_device(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        caller.device_id,
    )
    .await?;
    state.auth_cache.invalidate();
    Ok(SUCCESS)
}

#[derive(Deserialize)]
struct PasswordChange {
    #[serde(default)]
    old_password: Option<String>,
    new_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: Result<Json<PasswordChange>, JsonRejection>,
) -> Result<Json<Success>> {
    let caller = caller(&state, &headers).await?;
    let request = json_body(request)?;
    auth::change_password(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        request.old_password,
        request.new_password,
    )
    .await?;
    Ok(SUCCESS)
}

#[derive(Serialize)]
struct DeviceList {
    devices: Vec<Device>,
}

async fn list_devices(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<DeviceList>> {
    let caller = caller(&state, &headers).await?;
    Ok(Json(DeviceList {
        devices: auth::devices(state.store.as_ref(), caller).await?,
    }))
}

async fn revoke_device(
    State(state): State<AppState>,
    headers: HeaderMap,
    device_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Success>> {
    let caller = caller(&state, &headers).await?;
    let device_id = path(device_id)?;
    auth::revoke_device(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        device_id,
    )
    .await?;
    state.auth_cache.invalidate();
    Ok(SUCCESS)
}

#[derive(Serialize)]
struct Revoked {
    revoked: u64,
}

async fn revoke_user_devices(
    State(state): State<AppState>,
    headers: HeaderMap,
    user_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Revoked>> {
    let caller = caller(&state, &headers).await?;
    let user_id = path(user_id)?;
    let revoked =
        auth::revoke_all_devices(state.store.as_ref(), state.clock.as_ref(), caller, user_id)
            .await?;
    state.auth_cache.invalidate();
    Ok(Json(Revoked { revoked }))
}

async fn list_people(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<parta_model::school::PeopleList>> {
    let caller = caller(&state, &headers).await?;
    Ok(Json(parta_model::school::PeopleList {
        people: people::list(state.store.as_ref(), state.clock.as_ref(), caller).await?,
    }))
}

#[derive(Serialize)]
struct ClassList {
    classes: Vec<Class>,
}

async fn list_classes(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<ClassList>> {
    let caller = caller(&state, &headers).await?;
    Ok(Json(ClassList {
        classes: classes::list(state.store.as_ref(), caller).await?,
    }))
}

async fn create_class(
    State(state): State<AppState>,
    headers: HeaderMap,
    new: Result<Json<NewClass>, JsonRejection>,
) -> Result<(StatusCode, Json<Class>)> {
    let caller = caller(&state, &headers).await?;
    let new = json_body(new)?;
    let class = classes::create(state.store.as_ref(), state.clock.as_ref(), caller, new).await?;
    Ok((StatusCode::CREATED, Json(class)))
}

async fn assign_teacher(
    State(state): State<AppState>,
    headers: HeaderMap,
    class_id: Result<Path<i64>, PathRejection>,
    assignment: Result<Json<Assignment>, JsonRejection>,
) -> Result<Json<Class>> {
    let caller = caller(&state, &headers).await?;
    let class_id = path(class_id)?;
    let assignment = json_body(assignment)?;
    let (class, joined) = classes::assign(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        class_id,
        assignment,
    )
    .await?;
    if joined {
        state.hub.publish_latest(state.store.as_ref()).await?;
    }
    Ok(Json(class))
}

async fn unassign_teacher(
    State(state): State<AppState>,
    headers: HeaderMap,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Json<Class>> {
    let caller = caller(&state, &headers).await?;
    let (class_id, user_id) = path(ids)?;
    let class = classes::unassign(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        class_id,
        user_id,
    )
    .await?;
    Ok(Json(class))
}

async fn bootstrap(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<StructureReport>> {
    let caller = caller(&state, &headers).await?;
    let report = structure::bootstrap(state.store.as_ref(), state.clock.as_ref(), caller).await?;
    state.hub.publish_latest(state.store.as_ref()).await?;
    Ok(Json(report))
}

#[derive(Serialize)]
struct InviteList {
    invites: Vec<Invite>,
}

async fn list_invites(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<InviteList>> {
    let caller = caller(&state, &headers).await?;
    Ok(Json(InviteList {
        invites: invites::list(state.store.as_ref(), state.clock.as_ref(), caller).await?,
    }))
}

async fn create_invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    new: Result<Json<NewInvite>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedInvite>)> {
    let caller = caller(&state, &headers).await?;
    let new = json_body(new)?;
    let mut created =
        invites::create(state.store.as_ref(), state.clock.as_ref(), caller, new).await?;
    // The link carries the address it was made on, so the app knows where to join.
    if let Some(host) = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic() && b != b'/'))
    {
        created.link = format!(
            "{}?server={}",
            created.link,
            invites::percent_encode(&format!("http://{host}"))
        );
    }
    Ok((StatusCode::CREATED, Json(created)))
}

async fn revoke_invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    invite_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Invite>> {
    let caller = caller(&state, &headers).await?;
    let invite_id = path(invite_id)?;
    Ok(Json(
        invites::revoke(
            state.store.as_ref(),
            state.clock.as_ref(),
            caller,
            invite_id,
        )
        .await?,
    ))
}

async fn redeem(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    request: Result<Json<Redeem>, JsonRejection>,
) -> Result<Json<JoinOutcome>> {
    state.limiter.anonymous(peer.ip())?;
    let request = json_body(request)?;
    let outcome = invites::redeem(state.store.as_ref(), state.clock.as_ref(), request).await?;
    // Either the newcomer joined chats, or the reviewers were told of the request.
    state.hub.publish_latest(state.store.as_ref()).await?;
    Ok(Json(outcome))
}

#[derive(Deserialize)]
struct RequestsQuery {
    #[serde(default)]
    status: Option<String>,
}

#[derive(Serialize)]
struct RequestList {
    requests: Vec<JoinRequest>,
}

async fn list_requests(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<RequestsQuery>, QueryRejection>,
) -> Result<Json<RequestList>> {
    let caller = caller(&state, &headers).await?;
    let q = query(q)?;
    let pending_only = match q.status.as_deref() {
        None | Some("pending") => true,
        Some("all") => false,
        Some(other) => {
            return Err(Error::bad_request(format!(
                "status must be pending or all, not '{other}'"
            )));
        }
    };
    Ok(Json(RequestList {
        requests: invites::requests(state.store.as_ref(), caller, pending_only).await?,
    }))
}

#[derive(Deserialize)]
struct StatusRequest {
    request_token: String,
}

async fn request_status(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    request: Result<Json<StatusRequest>, JsonRejection>,
) -> Result<Json<JoinOutcome>> {
    state.limiter.anonymous(peer.ip())?;
    let request = json_body(request)?;
    Ok(Json(
        invites::outcome(
            state.store.as_ref(),
            state.clock.as_ref(),
            &request.request_token,
        )
        .await?,
    ))
}

async fn approve(
    State(state): State<AppState>,
    headers: HeaderMap,
    request_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<JoinRequest>> {
    let caller = caller(&state, &headers).await?;
    let request_id = path(request_id)?;
    let request = invites::approve(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        request_id,
    )
    .await?;
    state.hub.publish_latest(state.store.as_ref()).await?;
    Ok(Json(request))
}

#[derive(Deserialize)]
struct Rejection {
    reason: String,
}

async fn reject(
    State(state): State<AppState>,
    headers: HeaderMap,
    request_id: Result<Path<i64>, PathRejection>,
    rejection: Result<Json<Rejection>, JsonRejection>,
) -> Result<Json<JoinRequest>> {
    let caller = caller(&state, &headers).await?;
    let request_id = path(request_id)?;
    let rejection = json_body(rejection)?;
    Ok(Json(
        invites::reject(
            state.store.as_ref(),
            state.clock.as_ref(),
            caller,
            request_id,
            &rejection.reason,
        )
        .await?,
    ))
}

#[derive(Deserialize)]
struct Settings {
    join_requires_approval: bool,
}

async fn settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    settings: Result<Json<Settings>, JsonRejection>,
) -> Result<Json<Success>> {
    let caller = caller(&state, &headers).await?;
    let settings = json_body(settings)?;
    invites::set_requires_approval(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        settings.join_requires_approval,
    )
    .await?;
    Ok(SUCCESS)
}

#[derive(Deserialize)]
struct AuditQuery {
    #[serde(default)]
    marker: Option<i64>,
    #[serde(default)]
    count: Option<i64>,
}

async fn audit_log(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<AuditPage>> {
    let caller = caller(&state, &headers).await?;
    let q = query(q)?;
    Ok(Json(
        audit::page(state.store.as_ref(), caller, q.marker, q.count).await?,
    ))
}

async fn set_contacts(
    State(state): State<AppState>,
    headers: HeaderMap,
    contacts: Result<Json<Contacts>, JsonRejection>,
) -> Result<Json<Profile>> {
    let caller = caller(&state, &headers).await?;
    let contacts = json_body(contacts)?;
    Ok(Json(
        users::set_contacts(state.store.as_ref(), caller, contacts).await?,
    ))
}

async fn profile(
    State(state): State<AppState>,
    headers: HeaderMap,
    user_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Profile>> {
    let caller = caller(&state, &headers).await?;
    let user_id = path(user_id)?;
    Ok(Json(
        users::profile(state.store.as_ref(), caller, user_id).await?,
    ))
}

async fn restrict(
    State(state): State<AppState>,
    headers: HeaderMap,
    user_id: Result<Path<i64>, PathRejection>,
    new: Result<Json<NewRestriction>, JsonRejection>,
) -> Result<Json<Restriction>> {
    let caller = caller(&state, &headers).await?;
    let user_id = path(user_id)?;
    let new = json_body(new)?;
    let restriction = restrictions::restrict(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        user_id,
        new,
    )
    .await?;
    state.auth_cache.invalidate();
    state.hub.publish_latest(state.store.as_ref()).await?;
    Ok(Json(restriction))
}

async fn lift_restriction(
    State(state): State<AppState>,
    headers: HeaderMap,
    user_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Success>> {
    let caller = caller(&state, &headers).await?;
    let user_id = path(user_id)?;
    restrictions::lift(state.store.as_ref(), state.clock.as_ref(), caller, user_id).await?;
    state.auth_cache.invalidate();
    Ok(SUCCESS)
}

#[derive(Deserialize)]
struct AnnouncementsQuery {
    #[serde(default)]
    chat_id: Option<i64>,
    #[serde(default)]
    count: Option<i64>,
}

async fn list_announcements(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<AnnouncementsQuery>, QueryRejection>,
) -> Result<Json<AnnouncementList>> {
    let caller = caller(&state, &headers).await?;
    let q = query(q)?;
    Ok(Json(
        announcements::list(state.store.as_ref(), caller, q.count).await?,
    ))
}

async fn post_announcement(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<AnnouncementsQuery>, QueryRejection>,
    new: Result<Json<NewMessageBody>, JsonRejection>,
) -> Result<Json<SendMessageResult>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = query(q)?
        .chat_id
        .ok_or_else(|| Error::bad_request("chat_id is required"))?;
    let new = json_body(new)?;
    let message = messages::send(
        state.store.as_ref(),
        state.clock.as_ref(),
        &state.hub,
        caller,
        chat_id,
        new,
        idempotency_key(&headers)?,
        messages::Kind::Announcement,
        &state.policy,
    )
    .await?;
    Ok(Json(SendMessageResult { message }))
}

async fn acknowledge(
    State(state): State<AppState>,
    headers: HeaderMap,
    mid: Result<Path<String>, PathRejection>,
) -> Result<Json<Success>> {
    let caller = caller(&state, &headers).await?;
    let mid = path(mid)?;
    announcements::acknowledge(
        state.store.as_ref(),
        state.clock.as_ref(),
        &state.hub,
        caller,
        &mid,
    )
    .await?;
    Ok(SUCCESS)
}

async fn receipts(
    State(state): State<AppState>,
    headers: HeaderMap,
    mid: Result<Path<String>, PathRejection>,
) -> Result<Json<Receipts>> {
    let caller = caller(&state, &headers).await?;
    let mid = path(mid)?;
    Ok(Json(
        announcements::receipts(state.store.as_ref(), caller, &mid).await?,
    ))
}

#[derive(Deserialize)]
struct ScheduleQuery {
    chat_id: Option<i64>,
    send_at: Option<i64>,
    #[serde(default)]
    announcement: bool,
}

#[derive(Serialize)]
struct ScheduledList {
    scheduled: Vec<Scheduled>,
}

async fn schedule_message(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<ScheduleQuery>, QueryRejection>,
    new: Result<Json<NewMessageBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Scheduled>)> {
    let caller = caller(&state, &headers).await?;
    let q = query(q)?;
    let chat_id = q
        .chat_id
        .ok_or_else(|| Error::bad_request("chat_id is required"))?;
    let send_at = q
        .send_at
        .ok_or_else(|| Error::bad_request("send_at (Unix milliseconds) is required"))?;
    let new = json_body(new)?;
    let scheduled = scheduled::schedule(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        chat_id,
        new,
        send_at,
        q.announcement,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(scheduled)))
}

async fn list_scheduled(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<ScheduledList>> {
    let caller = caller(&state, &headers).await?;
    Ok(Json(ScheduledList {
        scheduled: scheduled::list(state.store.as_ref(), caller).await?,
    }))
}

async fn cancel_scheduled(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Scheduled>> {
    let caller = caller(&state, &headers).await?;
    let id = path(id)?;
    Ok(Json(
        scheduled::cancel(state.store.as_ref(), caller, id).await?,
    ))
}

async fn set_quiet_hours(
    State(state): State<AppState>,
    headers: HeaderMap,
    hours: Result<Json<QuietHours>, JsonRejection>,
) -> Result<Json<Success>> {
    let caller = caller(&state, &headers).await?;
    let hours = json_body(hours)?;
    scheduled::set_quiet_hours(state.store.as_ref(), caller, Some(hours)).await?;
    Ok(SUCCESS)
}

async fn clear_quiet_hours(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Success>> {
    let caller = caller(&state, &headers).await?;
    scheduled::set_quiet_hours(state.store.as_ref(), caller, None).await?;
    Ok(SUCCESS)
}

async fn remove_person(
    State(state): State<AppState>,
    headers: HeaderMap,
    user_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Success>> {
    let caller = caller(&state, &headers).await?;
    let user_id = path(user_id)?;
    people::remove(state.store.as_ref(), state.clock.as_ref(), caller, user_id).await?;
    state.auth_cache.invalidate();
    state.hub.publish_latest(state.store.as_ref()).await?;
    Ok(SUCCESS)
}

async fn change_role(
    State(state): State<AppState>,
    headers: HeaderMap,
    user_id: Result<Path<i64>, PathRejection>,
    change: Result<Json<RoleChange>, JsonRejection>,
) -> Result<Json<Success>> {
    let caller = caller(&state, &headers).await?;
    let user_id = path(user_id)?;
    let change = json_body(change)?;
    people::change_role(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        user_id,
        change,
    )
    .await?;
    state.auth_cache.invalidate();
    state.hub.publish_latest(state.store.as_ref()).await?;
    Ok(SUCCESS)
}

async fn move_child(
    State(state): State<AppState>,
    headers: HeaderMap,
    user_id: Result<Path<i64>, PathRejection>,
    movement: Result<Json<Move>, JsonRejection>,
) -> Result<Json<Success>> {
    let caller = caller(&state, &headers).await?;
    let user_id = path(user_id)?;
    let movement = json_body(movement)?;
    people::move_child(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        user_id,
        movement,
    )
    .await?;
    state.hub.publish_latest(state.store.as_ref()).await?;
    Ok(SUCCESS)
}

#[derive(Deserialize)]
struct BroadcastQuery {
    chat_ids: Option<String>,
}

/// Where a broadcast went: the announcement in each chat, and the chats it could not reach.
#[derive(Serialize)]
struct BroadcastResult {
    messages: Vec<parta_model::max::Message>,
    failed: Vec<BroadcastFailure>,
}

#[derive(Serialize)]
struct BroadcastFailure {
    chat_id: i64,
    code: String,
    message: String,
}

/// Most chats one broadcast reaches.
const MAX_BROADCAST_CHATS: usize = 200;

/// `POST /school/broadcasts?chat_ids=1,2,3`: one announcement to many chats (procedure 4.1,
/// broadcasts). Each chat is sent to on its own: a chat the sender may not write to is
/// reported in `failed` and does not stop the others. With an `Idempotency-Key`, a retry
/// sends to no chat twice.
async fn broadcast(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<BroadcastQuery>, QueryRejection>,
    new: Result<Json<NewMessageBody>, JsonRejection>,
) -> Result<Json<BroadcastResult>> {
    let caller = caller(&state, &headers).await?;
    let ids = query(q)?
        .chat_ids
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|id| {
            id.parse::<i64>()
                .map_err(|_| Error::bad_request(format!("chat_ids: '{id}' is not a number")))
        })
        .collect::<Result<Vec<_>>>()?;
    if ids.is_empty() || ids.len() > MAX_BROADCAST_CHATS {
        return Err(Error::bad_request(format!(
            "chat_ids must list 1 to {MAX_BROADCAST_CHATS} chats"
        )));
    }
    crate::roles::require(caller.role, crate::roles::Action::PostAnnouncements)?;
    let new = json_body(new)?;
    messages::validate(&new)?;
    let key = idempotency_key(&headers)?;
    let mut result = BroadcastResult {
        messages: Vec::new(),
        failed: Vec::new(),
    };
    for chat_id in ids {
        let chat_key = key.map(|k| format!("{k}:{chat_id}"));
        let sent = messages::send(
            state.store.as_ref(),
            state.clock.as_ref(),
            &state.hub,
            caller,
            chat_id,
            new.clone(),
            chat_key.as_deref(),
            messages::Kind::Announcement,
            &state.policy,
        )
        .await;
        match sent {
            Ok(message) => result.messages.push(message),
            Err(Error::Api { code, message }) => result.failed.push(BroadcastFailure {
                chat_id,
                code: code.as_str().to_owned(),
                message,
            }),
            Err(other) => return Err(other),
        }
    }
    Ok(Json(result))
}

#[derive(Debug, Deserialize)]
struct LessonRange {
    from: Option<i64>,
    to: Option<i64>,
}

async fn list_lessons(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<LessonRange>, QueryRejection>,
) -> Result<Json<LessonList>> {
    let caller = caller(&state, &headers).await?;
    let q = query(q)?;
    let (Some(from), Some(to)) = (q.from, q.to) else {
        return Err(Error::bad_request(
            "from and to (Unix milliseconds) are required",
        ));
    };
    Ok(Json(LessonList {
        lessons: lessons::list(state.store.as_ref(), caller, from, to).await?,
    }))
}

async fn create_lesson(
    State(state): State<AppState>,
    headers: HeaderMap,
    new: Result<Json<NewLesson>, JsonRejection>,
) -> Result<(StatusCode, Json<Lesson>)> {
    let caller = caller(&state, &headers).await?;
    let new = json_body(new)?;
    let lesson = lessons::create(state.store.as_ref(), state.clock.as_ref(), caller, new).await?;
    state.hub.publish_latest(state.store.as_ref()).await?;
    Ok((StatusCode::CREATED, Json(lesson)))
}

async fn get_lesson(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Lesson>> {
    let caller = caller(&state, &headers).await?;
    let id = path(id)?;
    Ok(Json(lessons::get(state.store.as_ref(), caller, id).await?))
}

async fn update_lesson(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    patch: Result<Json<LessonPatch>, JsonRejection>,
) -> Result<Json<Lesson>> {
    let caller = caller(&state, &headers).await?;
    let id = path(id)?;
    let patch = json_body(patch)?;
    let lesson = lessons::update(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        id,
        patch,
    )
    .await?;
    state.hub.publish_latest(state.store.as_ref()).await?;
    Ok(Json(lesson))
}

async fn cancel_lesson(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Lesson>> {
    let caller = caller(&state, &headers).await?;
    let id = path(id)?;
    let lesson = lessons::cancel(state.store.as_ref(), state.clock.as_ref(), caller, id).await?;
    state.hub.publish_latest(state.store.as_ref()).await?;
    Ok(Json(lesson))
}

async fn answer_consent(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    answer: Result<Json<ConsentAnswer>, JsonRejection>,
) -> Result<Json<RecordingStatus>> {
    let caller = caller(&state, &headers).await?;
    let id = path(id)?;
    let answer = json_body(answer)?;
    let status = lessons::answer(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        id,
        answer.consent,
    )
    .await?;
    state.hub.publish_latest(state.store.as_ref()).await?;
    Ok(Json(status))
}

async fn class_parents(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<parta_model::lessons::ParticipantList>> {
    let caller = caller(&state, &headers).await?;
    let id = path(id)?;
    Ok(Json(parta_model::lessons::ParticipantList {
        participants: lessons::class_parents(state.store.as_ref(), caller, id).await?,
    }))
}

async fn report_presence(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    presence: Result<Json<Presence>, JsonRejection>,
) -> Result<Json<RecordingStatus>> {
    let caller = caller(&state, &headers).await?;
    let id = path(id)?;
    let presence = json_body(presence)?;
    let status = lessons::presence(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        id,
        presence,
    )
    .await?;
    state.hub.publish_latest(state.store.as_ref()).await?;
    Ok(Json(status))
}

async fn switch_recording(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    switch: Result<Json<RecordingSwitch>, JsonRejection>,
) -> Result<Json<RecordingStatus>> {
    let caller = caller(&state, &headers).await?;
    let id = path(id)?;
    let switch = json_body(switch)?;
    let status = lessons::switch_recording(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        id,
        switch.recording,
    )
    .await?;
    state.hub.publish_latest(state.store.as_ref()).await?;
    Ok(Json(status))
}

async fn recording_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<RecordingStatus>> {
    let caller = caller(&state, &headers).await?;
    let id = path(id)?;
    Ok(Json(
        lessons::recording(state.store.as_ref(), state.clock.as_ref(), caller, id).await?,
    ))
}

/// The server's name as the client addressed it, for the calendar events' ids.
fn host_of(headers: &HeaderMap) -> String {
    headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("parta")
        .to_owned()
}

fn calendar_response(ics: String) -> impl axum::response::IntoResponse {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "private, no-store"),
        ],
        ics,
    )
}

async fn export_lessons(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<LessonRange>, QueryRejection>,
) -> Result<impl axum::response::IntoResponse> {
    let caller = caller(&state, &headers).await?;
    let q = query(q)?;
    let (Some(from), Some(to)) = (q.from, q.to) else {
        return Err(Error::bad_request(
            "from and to (Unix milliseconds) are required",
        ));
    };
    let ics = lessons::export(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        from,
        to,
        &host_of(&headers),
    )
    .await?;
    Ok(calendar_response(ics))
}

#[derive(Serialize)]
struct FeedAddress {
    /// The feed's path on this server; the token in it is shown only now.
    path: String,
}

async fn create_feed(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<FeedAddress>)> {
    let caller = caller(&state, &headers).await?;
    let path = lessons::new_feed(state.store.as_ref(), state.clock.as_ref(), caller).await?;
    Ok((StatusCode::CREATED, Json(FeedAddress { path })))
}

async fn revoke_feed(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Success>> {
    let caller = caller(&state, &headers).await?;
    lessons::revoke_feed(state.store.as_ref(), caller).await?;
    Ok(SUCCESS)
}

/// A phone's calendar app asks without a Parta login: the token in the address is the key.
async fn calendar_feed(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    token: Result<Path<String>, PathRejection>,
) -> Result<impl axum::response::IntoResponse> {
    state.limiter.anonymous(peer.ip())?;
    let token = path(token)?;
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    let ics = lessons::feed(
        state.store.as_ref(),
        state.clock.as_ref(),
        token,
        &host_of(&headers),
    )
    .await?;
    Ok(calendar_response(ics))
}

async fn import_timetable(
    State(state): State<AppState>,
    headers: HeaderMap,
    import: Result<Json<TimetableImport>, JsonRejection>,
) -> Result<(StatusCode, Json<TimetableReport>)> {
    let caller = caller(&state, &headers).await?;
    let import = json_body(import)?;
    let report =
        timetable::import(state.store.as_ref(), state.clock.as_ref(), caller, import).await?;
    state.hub.publish_latest(state.store.as_ref()).await?;
    let status = if report.dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(report)))
}
