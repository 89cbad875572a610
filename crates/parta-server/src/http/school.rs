//! The `/school/*` extensions: accounts and devices, classes, the structure bootstrap, invites,
//! join requests, settings and the audit log. Each handler authenticates (where a caller is
//! needed), parses and calls one domain function; the permission matrix lives in `roles`.

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::extract::{Body, IdempotencyKey, Path, Query};
use crate::announcements::{self, AnnouncementList, BroadcastResult, Receipts};
use crate::audit::{self, AuditPage};
use crate::auth::{self, Device, LoginRequest, LoginResult};
use crate::classes::{self, Assignment, Class, NewClass};
use crate::context::Caller;
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
    Body(request): Body<LoginRequest>,
) -> Result<Json<LoginResult>> {
    state.limiter.anonymous(peer.ip())?;
    Ok(Json(auth::login(&state.school, request).await?))
}

async fn logout(State(state): State<AppState>, caller: Caller) -> Result<Json<Success>> {
    auth::revoke_device(&state.school, caller, caller.device_id).await?;
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
    caller: Caller,
    Body(request): Body<PasswordChange>,
) -> Result<Json<Success>> {
    auth::change_password(
        &state.school,
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

async fn list_devices(State(state): State<AppState>, caller: Caller) -> Result<Json<DeviceList>> {
    Ok(Json(DeviceList {
        devices: auth::devices(&state.school, caller).await?,
    }))
}

async fn revoke_device(
    State(state): State<AppState>,
    caller: Caller,
    Path(device_id): Path<i64>,
) -> Result<Json<Success>> {
    auth::revoke_device(&state.school, caller, device_id).await?;
    state.auth_cache.invalidate();
    Ok(SUCCESS)
}

#[derive(Serialize)]
struct Revoked {
    revoked: u64,
}

async fn revoke_user_devices(
    State(state): State<AppState>,
    caller: Caller,
    Path(user_id): Path<i64>,
) -> Result<Json<Revoked>> {
    let revoked = auth::revoke_all_devices(&state.school, caller, user_id).await?;
    state.auth_cache.invalidate();
    Ok(Json(Revoked { revoked }))
}

async fn list_people(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<parta_model::school::PeopleList>> {
    Ok(Json(parta_model::school::PeopleList {
        people: people::list(&state.school, caller).await?,
    }))
}

#[derive(Serialize)]
struct ClassList {
    classes: Vec<Class>,
}

async fn list_classes(State(state): State<AppState>, caller: Caller) -> Result<Json<ClassList>> {
    Ok(Json(ClassList {
        classes: classes::list(&state.school, caller).await?,
    }))
}

async fn create_class(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewClass>,
) -> Result<(StatusCode, Json<Class>)> {
    let class = classes::create(&state.school, caller, new).await?;
    Ok((StatusCode::CREATED, Json(class)))
}

async fn assign_teacher(
    State(state): State<AppState>,
    caller: Caller,
    Path(class_id): Path<i64>,
    Body(assignment): Body<Assignment>,
) -> Result<Json<Class>> {
    Ok(Json(
        classes::assign(&state.school, caller, class_id, assignment).await?,
    ))
}

async fn unassign_teacher(
    State(state): State<AppState>,
    caller: Caller,
    Path((class_id, user_id)): Path<(i64, i64)>,
) -> Result<Json<Class>> {
    let class = classes::unassign(&state.school, caller, class_id, user_id).await?;
    Ok(Json(class))
}

async fn bootstrap(State(state): State<AppState>, caller: Caller) -> Result<Json<StructureReport>> {
    let report = structure::bootstrap(&state.school, caller).await?;
    Ok(Json(report))
}

#[derive(Serialize)]
struct InviteList {
    invites: Vec<Invite>,
}

async fn list_invites(State(state): State<AppState>, caller: Caller) -> Result<Json<InviteList>> {
    Ok(Json(InviteList {
        invites: invites::list(&state.school, caller).await?,
    }))
}

async fn create_invite(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Body(new): Body<NewInvite>,
) -> Result<(StatusCode, Json<CreatedInvite>)> {
    let mut created = invites::create(&state.school, caller, new).await?;
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
    caller: Caller,
    Path(invite_id): Path<i64>,
) -> Result<Json<Invite>> {
    Ok(Json(
        invites::revoke(&state.school, caller, invite_id).await?,
    ))
}

async fn redeem(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Body(request): Body<Redeem>,
) -> Result<Json<JoinOutcome>> {
    state.limiter.anonymous(peer.ip())?;
    let outcome = invites::redeem(&state.school, request).await?;
    // Either the newcomer joined chats, or the reviewers were told of the request.
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
    caller: Caller,
    Query(q): Query<RequestsQuery>,
) -> Result<Json<RequestList>> {
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
        requests: invites::requests(&state.school, caller, pending_only).await?,
    }))
}

#[derive(Deserialize)]
struct StatusRequest {
    request_token: String,
}

async fn request_status(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Body(request): Body<StatusRequest>,
) -> Result<Json<JoinOutcome>> {
    state.limiter.anonymous(peer.ip())?;
    Ok(Json(
        invites::outcome(&state.school, &request.request_token).await?,
    ))
}

async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path(request_id): Path<i64>,
) -> Result<Json<JoinRequest>> {
    let request = invites::approve(&state.school, caller, request_id).await?;
    Ok(Json(request))
}

#[derive(Deserialize)]
struct Rejection {
    reason: String,
}

async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Path(request_id): Path<i64>,
    Body(rejection): Body<Rejection>,
) -> Result<Json<JoinRequest>> {
    Ok(Json(
        invites::reject(&state.school, caller, request_id, &rejection.reason).await?,
    ))
}

#[derive(Deserialize)]
struct Settings {
    join_requires_approval: bool,
}

async fn settings(
    State(state): State<AppState>,
    caller: Caller,
    Body(settings): Body<Settings>,
) -> Result<Json<Success>> {
    invites::set_requires_approval(&state.school, caller, settings.join_requires_approval).await?;
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
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditPage>> {
    Ok(Json(
        audit::page(&state.school, caller, q.marker, q.count).await?,
    ))
}

async fn set_contacts(
    State(state): State<AppState>,
    caller: Caller,
    Body(contacts): Body<Contacts>,
) -> Result<Json<Profile>> {
    Ok(Json(
        users::set_contacts(&state.school, caller, contacts).await?,
    ))
}

async fn profile(
    State(state): State<AppState>,
    caller: Caller,
    Path(user_id): Path<i64>,
) -> Result<Json<Profile>> {
    Ok(Json(users::profile(&state.school, caller, user_id).await?))
}

async fn restrict(
    State(state): State<AppState>,
    caller: Caller,
    Path(user_id): Path<i64>,
    Body(new): Body<NewRestriction>,
) -> Result<Json<Restriction>> {
    let restriction = restrictions::restrict(&state.school, caller, user_id, new).await?;
    state.auth_cache.invalidate();
    Ok(Json(restriction))
}

async fn lift_restriction(
    State(state): State<AppState>,
    caller: Caller,
    Path(user_id): Path<i64>,
) -> Result<Json<Success>> {
    restrictions::lift(&state.school, caller, user_id).await?;
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
    caller: Caller,
    Query(q): Query<AnnouncementsQuery>,
) -> Result<Json<AnnouncementList>> {
    Ok(Json(
        announcements::list(&state.school, caller, q.count).await?,
    ))
}

async fn post_announcement(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<AnnouncementsQuery>,
    IdempotencyKey(key): IdempotencyKey,
    Body(new): Body<NewMessageBody>,
) -> Result<Json<SendMessageResult>> {
    let chat_id = q
        .chat_id
        .ok_or_else(|| Error::bad_request("chat_id is required"))?;
    let message = messages::send(
        &state.school,
        caller,
        chat_id,
        new,
        key.as_deref(),
        messages::Kind::Announcement,
    )
    .await?;
    Ok(Json(SendMessageResult { message }))
}

async fn acknowledge(
    State(state): State<AppState>,
    caller: Caller,
    Path(mid): Path<String>,
) -> Result<Json<Success>> {
    announcements::acknowledge(&state.school, caller, &mid).await?;
    Ok(SUCCESS)
}

async fn receipts(
    State(state): State<AppState>,
    caller: Caller,
    Path(mid): Path<String>,
) -> Result<Json<Receipts>> {
    Ok(Json(
        announcements::receipts(&state.school, caller, &mid).await?,
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
    caller: Caller,
    Query(q): Query<ScheduleQuery>,
    Body(new): Body<NewMessageBody>,
) -> Result<(StatusCode, Json<Scheduled>)> {
    let chat_id = q
        .chat_id
        .ok_or_else(|| Error::bad_request("chat_id is required"))?;
    let send_at = q
        .send_at
        .ok_or_else(|| Error::bad_request("send_at (Unix milliseconds) is required"))?;
    let scheduled =
        scheduled::schedule(&state.school, caller, chat_id, new, send_at, q.announcement).await?;
    Ok((StatusCode::CREATED, Json(scheduled)))
}

async fn list_scheduled(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ScheduledList>> {
    Ok(Json(ScheduledList {
        scheduled: scheduled::list(&state.school, caller).await?,
    }))
}

async fn cancel_scheduled(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Scheduled>> {
    Ok(Json(scheduled::cancel(&state.school, caller, id).await?))
}

async fn set_quiet_hours(
    State(state): State<AppState>,
    caller: Caller,
    Body(hours): Body<QuietHours>,
) -> Result<Json<Success>> {
    scheduled::set_quiet_hours(&state.school, caller, Some(hours)).await?;
    Ok(SUCCESS)
}

async fn clear_quiet_hours(State(state): State<AppState>, caller: Caller) -> Result<Json<Success>> {
    scheduled::set_quiet_hours(&state.school, caller, None).await?;
    Ok(SUCCESS)
}

async fn remove_person(
    State(state): State<AppState>,
    caller: Caller,
    Path(user_id): Path<i64>,
) -> Result<Json<Success>> {
    people::remove(&state.school, caller, user_id).await?;
    state.auth_cache.invalidate();
    Ok(SUCCESS)
}

async fn change_role(
    State(state): State<AppState>,
    caller: Caller,
    Path(user_id): Path<i64>,
    Body(change): Body<RoleChange>,
) -> Result<Json<Success>> {
    people::change_role(&state.school, caller, user_id, change).await?;
    state.auth_cache.invalidate();
    Ok(SUCCESS)
}

async fn move_child(
    State(state): State<AppState>,
    caller: Caller,
    Path(user_id): Path<i64>,
    Body(movement): Body<Move>,
) -> Result<Json<Success>> {
    people::move_child(&state.school, caller, user_id, movement).await?;
    Ok(SUCCESS)
}

#[derive(Deserialize)]
struct BroadcastQuery {
    chat_ids: Option<String>,
}

/// `POST /school/broadcasts?chat_ids=1,2,3`: one announcement to many chats (procedure 4.1).
async fn broadcast(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<BroadcastQuery>,
    IdempotencyKey(key): IdempotencyKey,
    Body(new): Body<NewMessageBody>,
) -> Result<Json<BroadcastResult>> {
    let ids = q
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
    Ok(Json(
        announcements::broadcast(&state.school, caller, &ids, new, key.as_deref()).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct LessonRange {
    from: Option<i64>,
    to: Option<i64>,
}

async fn list_lessons(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<LessonRange>,
) -> Result<Json<LessonList>> {
    let (Some(from), Some(to)) = (q.from, q.to) else {
        return Err(Error::bad_request(
            "from and to (Unix milliseconds) are required",
        ));
    };
    Ok(Json(LessonList {
        lessons: lessons::list(&state.school, caller, from, to).await?,
    }))
}

async fn create_lesson(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewLesson>,
) -> Result<(StatusCode, Json<Lesson>)> {
    let lesson = lessons::create(&state.school, caller, new).await?;
    Ok((StatusCode::CREATED, Json(lesson)))
}

async fn get_lesson(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Lesson>> {
    Ok(Json(lessons::get(&state.school, caller, id).await?))
}

async fn update_lesson(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(patch): Body<LessonPatch>,
) -> Result<Json<Lesson>> {
    let lesson = lessons::update(&state.school, caller, id, patch).await?;
    Ok(Json(lesson))
}

async fn cancel_lesson(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Lesson>> {
    let lesson = lessons::cancel(&state.school, caller, id).await?;
    Ok(Json(lesson))
}

async fn answer_consent(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(answer): Body<ConsentAnswer>,
) -> Result<Json<RecordingStatus>> {
    let status = lessons::answer(&state.school, caller, id, answer.consent).await?;
    Ok(Json(status))
}

async fn class_parents(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<parta_model::lessons::ParticipantList>> {
    Ok(Json(parta_model::lessons::ParticipantList {
        participants: lessons::class_parents(&state.school, caller, id).await?,
    }))
}

async fn report_presence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(presence): Body<Presence>,
) -> Result<Json<RecordingStatus>> {
    let status = lessons::presence(&state.school, caller, id, presence).await?;
    Ok(Json(status))
}

async fn switch_recording(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(switch): Body<RecordingSwitch>,
) -> Result<Json<RecordingStatus>> {
    let status = lessons::switch_recording(&state.school, caller, id, switch.recording).await?;
    Ok(Json(status))
}

async fn recording_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<RecordingStatus>> {
    Ok(Json(lessons::recording(&state.school, caller, id).await?))
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
    caller: Caller,
    headers: HeaderMap,
    Query(q): Query<LessonRange>,
) -> Result<impl axum::response::IntoResponse> {
    let (Some(from), Some(to)) = (q.from, q.to) else {
        return Err(Error::bad_request(
            "from and to (Unix milliseconds) are required",
        ));
    };
    let ics = lessons::export(&state.school, caller, from, to, &host_of(&headers)).await?;
    Ok(calendar_response(ics))
}

#[derive(Serialize)]
struct FeedAddress {
    /// The feed's path on this server; the token in it is shown only now.
    path: String,
}

async fn create_feed(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<(StatusCode, Json<FeedAddress>)> {
    let path = lessons::new_feed(&state.school, caller).await?;
    Ok((StatusCode::CREATED, Json(FeedAddress { path })))
}

async fn revoke_feed(State(state): State<AppState>, caller: Caller) -> Result<Json<Success>> {
    lessons::revoke_feed(&state.school, caller).await?;
    Ok(SUCCESS)
}

/// A phone's calendar app asks without a Parta login: the token in the address is the key.
async fn calendar_feed(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<impl axum::response::IntoResponse> {
    state.limiter.anonymous(peer.ip())?;
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    let ics = lessons::feed(&state.school, token, &host_of(&headers)).await?;
    Ok(calendar_response(ics))
}

async fn import_timetable(
    State(state): State<AppState>,
    caller: Caller,
    Body(import): Body<TimetableImport>,
) -> Result<(StatusCode, Json<TimetableReport>)> {
    let report = timetable::import(&state.school, caller, import).await?;
    let status = if report.dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(report)))
}
