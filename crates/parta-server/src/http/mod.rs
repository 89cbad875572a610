//! The HTTP surface: thin axum handlers over the domain modules. A handler is a list of
//! extractors ([`extract`]: the caller, path, query, body) and one domain call; no rule lives
//! here. This file holds the MAX Bot API surface; the `/school/*` extensions are split by area
//! ([`accounts`], [`admin`], [`messaging`], [`lessons`]) and files by [`files`].

mod accounts;
mod admin;
mod bridge;
mod extract;
mod files;
mod lessons;
mod messaging;
mod moderation;
mod operations;
mod releases;

pub use extract::IDEMPOTENCY_KEY;
use extract::{Body, IdempotencyKey, Path, Query};
pub use operations::Metrics;

use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use parta_model::max::{
    ActionRequestBody, BotInfo, Chat, ChatAdminsList, ChatList, ChatMember, ChatMembersList,
    ChatPatch, GetPinnedMessageResult, MessageList, NewMessageBody, PinMessageBody,
    SendMessageResult, SimpleQueryResult, UserIdsList,
};
use serde::Deserialize;
use tokio::sync::watch;

use crate::access;
use crate::auth;
use crate::context::{Caller, School};
use crate::error::{Error, ErrorCode, Result};
use crate::ratelimit::RateLimiter;
use crate::updates;
use crate::{chats, members, messages, users};

/// Everything a handler needs.
#[derive(Clone)]
pub struct AppState {
    /// What every domain call is given.
    pub school: School,
    pub shutdown: watch::Receiver<bool>,
    pub limiter: RateLimiter,
    pub uploads: crate::uploads::Uploads,
    pub auth_cache: auth::AuthCache,
    /// The MAX bridge, when the school has a bot configured.
    pub bridge: Option<crate::max::Bridge>,
    /// Whether this server serves HTTPS itself (links it hands out then say `https`).
    pub https: bool,
    /// This node's place among the nodes on one database.
    pub cluster: crate::cluster::Cluster,
    /// What `/metrics` reports.
    pub metrics: std::sync::Arc<Metrics>,
    /// The app's releases, when the school offers updates.
    pub releases: Option<crate::releases::Releases>,
}

/// The router of the MAX Bot API surface.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/me", get(me))
        .route("/chats", get(list_chats))
        .route("/chats/{chat_id}", get(get_chat).patch(edit_chat))
        .route(
            "/chats/{chat_id}/members",
            get(list_members).post(add_members).delete(remove_member),
        )
        .route(
            "/chats/{chat_id}/members/me",
            get(my_membership).delete(leave_chat),
        )
        .route(
            "/chats/{chat_id}/members/admins",
            get(list_admins).post(appoint_admins),
        )
        .route(
            "/chats/{chat_id}/members/admins/{user_id}",
            delete(revoke_admin),
        )
        .route(
            "/chats/{chat_id}/pin",
            get(get_pin).put(pin_message).delete(unpin_message),
        )
        .route("/chats/{chat_id}/actions", post(send_action))
        .route(
            "/messages",
            get(list_messages)
                .post(send_message)
                .put(edit_message)
                .delete(delete_message),
        )
        .route("/messages/{message_id}", get(get_message))
        .route("/updates", get(get_updates))
        .merge(accounts::routes())
        .merge(admin::routes())
        .merge(messaging::routes())
        .merge(moderation::routes())
        .merge(lessons::routes())
        .merge(files::routes())
        .merge(bridge::routes())
        .merge(operations::routes())
        .merge(releases::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            log_request,
        ))
        .with_state(state)
}

/// One log line per request: the method, the route as declared (ids, queries and bodies never
/// appear, so no token, name or message text can), the status and the time taken; counted for
/// `/metrics`.
async fn log_request(
    State(metrics): State<std::sync::Arc<Metrics>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("(unmatched)", |p| p.as_str())
        .to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    metrics.request(response.status().as_u16(), ms, route == "/updates");
    tracing::info!(
        target: "parta_server::request",
        %method,
        route,
        status = response.status().as_u16(),
        ms,
        "request"
    );
    response
}

pub(super) use parta_model::school::Success;

pub(super) const SUCCESS: Json<Success> = Json(Success { success: true });

async fn not_found() -> Error {
    Error::not_found("No such method")
}

async fn method_not_allowed() -> Error {
    Error::api(
        ErrorCode::MethodNotAllowed,
        "Method is not allowed on this path",
    )
}

fn comma_list(value: Option<String>) -> Option<Vec<String>> {
    value.map(|v| {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    })
}

async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<BotInfo>> {
    Ok(Json(users::me(&state.school, caller).await?))
}

#[derive(Debug, Deserialize)]
struct ChatsQuery {
    count: Option<i64>,
    marker: Option<i64>,
}

async fn list_chats(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ChatsQuery>,
) -> Result<Json<ChatList>> {
    Ok(Json(
        chats::list(&state.school, caller, q.count, q.marker).await?,
    ))
}

async fn get_chat(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
) -> Result<Json<Chat>> {
    Ok(Json(chats::get(&state.school, caller, chat_id).await?))
}

#[derive(Debug, Deserialize)]
struct MessagesQuery {
    chat_id: Option<i64>,
    message_ids: Option<String>,
    from: Option<i64>,
    to: Option<i64>,
    count: Option<i64>,
}

async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<MessagesQuery>,
) -> Result<Json<MessageList>> {
    let list = messages::ListQuery {
        chat_id: q.chat_id,
        message_ids: comma_list(q.message_ids),
        from: q.from,
        to: q.to,
        count: q.count,
    };
    Ok(Json(messages::list(&state.school, caller, list).await?))
}

#[derive(Debug, Deserialize)]
struct SendQuery {
    chat_id: Option<i64>,
    user_id: Option<i64>,
}

async fn send_message(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<SendQuery>,
    IdempotencyKey(key): IdempotencyKey,
    Body(body): Body<NewMessageBody>,
) -> Result<Json<SendMessageResult>> {
    if q.user_id.is_some() {
        return Err(Error::bad_request(
            "Direct messages to users are not supported yet",
        ));
    }
    send_to(
        &state,
        caller,
        q.chat_id,
        key,
        body,
        messages::Kind::Message,
    )
    .await
}

/// A send to `chat_id` (required) as `kind`: `POST /messages` and `POST /school/announcements`.
pub(super) async fn send_to(
    state: &AppState,
    caller: Caller,
    chat_id: Option<i64>,
    key: Option<String>,
    body: NewMessageBody,
    kind: messages::Kind,
) -> Result<Json<SendMessageResult>> {
    let chat_id = chat_id.ok_or_else(|| Error::bad_request("chat_id is required"))?;
    let message =
        messages::send(&state.school, caller, chat_id, body, key.as_deref(), kind).await?;
    Ok(Json(SendMessageResult { message }))
}

async fn edit_chat(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
    Body(patch): Body<ChatPatch>,
) -> Result<Json<Chat>> {
    Ok(Json(
        chats::edit(&state.school, caller, chat_id, patch).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct MessageIdQuery {
    message_id: Option<String>,
}

fn message_id(q: MessageIdQuery) -> Result<String> {
    q.message_id
        .filter(|m| !m.is_empty())
        .ok_or_else(|| Error::bad_request("message_id is required"))
}

async fn edit_message(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<MessageIdQuery>,
    Body(body): Body<NewMessageBody>,
) -> Result<Json<SimpleQueryResult>> {
    let mid = message_id(q)?;
    messages::edit(&state.school, caller, &mid, body).await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn delete_message(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<MessageIdQuery>,
) -> Result<Json<SimpleQueryResult>> {
    let mid = message_id(q)?;
    messages::delete(&state.school, caller, &mid).await?;
    Ok(Json(SimpleQueryResult::ok()))
}

#[derive(Debug, Deserialize)]
struct MembersQuery {
    user_ids: Option<String>,
    marker: Option<i64>,
    count: Option<i64>,
}

async fn list_members(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
    Query(q): Query<MembersQuery>,
) -> Result<Json<ChatMembersList>> {
    let user_ids = match comma_list(q.user_ids) {
        Some(ids) => Some(
            ids.iter()
                .map(|id| {
                    id.parse::<i64>().map_err(|_| {
                        Error::bad_request(format!("user_ids: '{id}' is not a number"))
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        ),
        None => None,
    };
    Ok(Json(
        members::list(&state.school, caller, chat_id, user_ids, q.marker, q.count).await?,
    ))
}

async fn add_members(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
    Body(body): Body<UserIdsList>,
) -> Result<Json<SimpleQueryResult>> {
    members::add(&state.school, caller, chat_id, &body.user_ids).await?;
    Ok(Json(SimpleQueryResult::ok()))
}

#[derive(Debug, Deserialize)]
struct RemoveQuery {
    user_id: Option<i64>,
}

async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
    Query(q): Query<RemoveQuery>,
) -> Result<Json<SimpleQueryResult>> {
    let user_id = q
        .user_id
        .ok_or_else(|| Error::bad_request("user_id is required"))?;
    members::remove(&state.school, caller, chat_id, user_id).await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn my_membership(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
) -> Result<Json<ChatMember>> {
    Ok(Json(members::me(&state.school, caller, chat_id).await?))
}

async fn leave_chat(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
) -> Result<Json<SimpleQueryResult>> {
    members::remove(&state.school, caller, chat_id, caller.user_id).await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn list_admins(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
) -> Result<Json<ChatMembersList>> {
    Ok(Json(members::admins(&state.school, caller, chat_id).await?))
}

async fn appoint_admins(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
    Body(body): Body<ChatAdminsList>,
) -> Result<Json<SimpleQueryResult>> {
    members::appoint_admins(&state.school, caller, chat_id, &body.admins).await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn revoke_admin(
    State(state): State<AppState>,
    caller: Caller,
    Path((chat_id, user_id)): Path<(i64, i64)>,
) -> Result<Json<SimpleQueryResult>> {
    members::revoke_admin(&state.school, caller, chat_id, user_id).await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn get_pin(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
) -> Result<Json<GetPinnedMessageResult>> {
    Ok(Json(GetPinnedMessageResult {
        message: members::pinned(&state.school, caller, chat_id).await?,
    }))
}

async fn pin_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
    Body(body): Body<PinMessageBody>,
) -> Result<Json<SimpleQueryResult>> {
    members::pin(&state.school, caller, chat_id, Some(&body.message_id)).await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn unpin_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
) -> Result<Json<SimpleQueryResult>> {
    members::pin(&state.school, caller, chat_id, None).await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn send_action(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
    Body(body): Body<ActionRequestBody>,
) -> Result<Json<SimpleQueryResult>> {
    members::action(&state.school, caller, chat_id, body.action).await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn get_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(mid): Path<String>,
) -> Result<Json<parta_model::max::Message>> {
    let message = messages::by_mid(&state.school, &mid)
        .await?
        .ok_or_else(|| Error::not_found(format!("Message {mid} not found")))?;
    access::require_member(
        &state.school,
        caller.user_id,
        message.recipient.chat_id.unwrap_or(0),
    )
    .await?;
    Ok(Json(message))
}

#[derive(Debug, Deserialize)]
struct UpdatesQuery {
    limit: Option<i64>,
    timeout: Option<u64>,
    marker: Option<i64>,
    types: Option<String>,
}

async fn get_updates(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<UpdatesQuery>,
) -> Result<axum::response::Response> {
    let poll = updates::PollQuery {
        limit: q.limit,
        timeout_s: q.timeout,
        marker: q.marker,
        types: comma_list(q.types),
    };
    let waiting = state.metrics.poll_started();
    let answer = updates::poll(&state.school, state.shutdown.clone(), caller, poll).await?;
    drop(waiting);
    // The body is an `UpdateList`, joined from stored JSON where it can be.
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        answer.to_json()?,
    )
        .into_response())
}
