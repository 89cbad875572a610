//! The HTTP surface: thin axum handlers over the domain modules. Each handler authenticates,
//! parses, calls one domain function and serializes; no rule lives here.

mod files;
mod school;

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
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

use crate::auth;
use crate::clock::Clock;
use crate::context::Caller;
use crate::error::{Error, ErrorCode, Result};
use crate::ratelimit::RateLimiter;
use crate::updates::{self, UpdateHub};
use crate::{chats, members, messages, users};

/// Everything a handler needs.
#[derive(Clone)]
pub struct AppState {
    pub store: std::sync::Arc<dyn crate::store::Store>,
    pub clock: Arc<dyn Clock>,
    pub hub: UpdateHub,
    pub shutdown: watch::Receiver<bool>,
    pub limiter: RateLimiter,
    pub uploads: crate::uploads::Uploads,
    pub policy: Arc<parta_policy::Policy>,
    pub auth_cache: auth::AuthCache,
}

/// Parta's extension header for safe retries of writes.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

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
        .merge(school::routes())
        .merge(files::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(log_request))
        .with_state(state)
}

/// One log line per request: the method, the route as declared (ids, queries and bodies never
/// appear, so no token, name or message text can), the status and the time taken.
async fn log_request(
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
    tracing::info!(
        target: "parta_server::request",
        %method,
        route,
        status = response.status().as_u16(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}

async fn not_found() -> Error {
    Error::not_found("No such method")
}

async fn method_not_allowed() -> Error {
    Error::api(
        ErrorCode::MethodNotAllowed,
        "Method is not allowed on this path",
    )
}

/// The authenticated caller; a blocked person (procedure 9.2) gets no further.
async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller> {
    let header = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let caller = state
        .auth_cache
        .authenticate(state.store.as_ref(), header, state.clock.now_ms())
        .await?;
    state.limiter.device(caller.device_id)?;
    Ok(caller)
}

/// A path parameter, or a 400 that says what is wrong with it.
fn path<T>(p: Result<Path<T>, PathRejection>) -> Result<T> {
    p.map(|Path(p)| p)
        .map_err(|e| Error::bad_request(e.body_text()))
}

/// The JSON body of a request, or a 400 that says what is wrong with it.
fn json_body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T> {
    b.map(|Json(b)| b)
        .map_err(|e| Error::bad_request(e.body_text()))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<&str>> {
    match headers.get(IDEMPOTENCY_KEY) {
        Some(v) => v
            .to_str()
            .map(Some)
            .map_err(|_| Error::bad_request("Idempotency-Key must be ASCII")),
        None => Ok(None),
    }
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T> {
    q.map(|Query(q)| q)
        .map_err(|e| Error::bad_request(e.body_text()))
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

async fn me(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<BotInfo>> {
    let caller = caller(&state, &headers).await?;
    Ok(Json(users::me(state.store.as_ref(), caller).await?))
}

#[derive(Debug, Deserialize)]
struct ChatsQuery {
    count: Option<i64>,
    marker: Option<i64>,
}

async fn list_chats(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<ChatsQuery>, QueryRejection>,
) -> Result<Json<ChatList>> {
    let caller = caller(&state, &headers).await?;
    let q = query(q)?;
    Ok(Json(
        chats::list(state.store.as_ref(), caller, q.count, q.marker).await?,
    ))
}

async fn get_chat(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Chat>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = path(chat_id)?;
    Ok(Json(
        chats::get(state.store.as_ref(), caller, chat_id).await?,
    ))
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
    headers: HeaderMap,
    q: Result<Query<MessagesQuery>, QueryRejection>,
) -> Result<Json<MessageList>> {
    let caller = caller(&state, &headers).await?;
    let q = query(q)?;
    let list = messages::ListQuery {
        chat_id: q.chat_id,
        message_ids: comma_list(q.message_ids),
        from: q.from,
        to: q.to,
        count: q.count,
    };
    Ok(Json(
        messages::list(state.store.as_ref(), caller, list).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct SendQuery {
    chat_id: Option<i64>,
    user_id: Option<i64>,
}

async fn send_message(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<SendQuery>, QueryRejection>,
    body: Result<Json<NewMessageBody>, JsonRejection>,
) -> Result<Json<SendMessageResult>> {
    let caller = caller(&state, &headers).await?;
    let q = query(q)?;
    let body = json_body(body)?;
    if q.user_id.is_some() {
        return Err(Error::bad_request(
            "Direct messages to users are not supported yet",
        ));
    }
    let chat_id = q
        .chat_id
        .ok_or_else(|| Error::bad_request("chat_id is required"))?;
    let key = idempotency_key(&headers)?;
    let message = messages::send(
        state.store.as_ref(),
        state.clock.as_ref(),
        &state.hub,
        caller,
        chat_id,
        body,
        key,
        messages::Kind::Message,
        &state.policy,
    )
    .await?;
    Ok(Json(SendMessageResult { message }))
}

async fn edit_chat(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat_id: Result<Path<i64>, PathRejection>,
    patch: Result<Json<ChatPatch>, JsonRejection>,
) -> Result<Json<Chat>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = path(chat_id)?;
    let patch = json_body(patch)?;
    Ok(Json(
        chats::edit(
            state.store.as_ref(),
            state.clock.as_ref(),
            &state.hub,
            caller,
            chat_id,
            patch,
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize)]
struct MessageIdQuery {
    message_id: Option<String>,
}

fn message_id(q: Result<Query<MessageIdQuery>, QueryRejection>) -> Result<String> {
    query(q)?
        .message_id
        .filter(|m| !m.is_empty())
        .ok_or_else(|| Error::bad_request("message_id is required"))
}

async fn edit_message(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<MessageIdQuery>, QueryRejection>,
    body: Result<Json<NewMessageBody>, JsonRejection>,
) -> Result<Json<SimpleQueryResult>> {
    let caller = caller(&state, &headers).await?;
    let mid = message_id(q)?;
    let body = json_body(body)?;
    messages::edit(
        state.store.as_ref(),
        state.clock.as_ref(),
        &state.hub,
        &state.policy,
        caller,
        &mid,
        body,
    )
    .await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn delete_message(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<MessageIdQuery>, QueryRejection>,
) -> Result<Json<SimpleQueryResult>> {
    let caller = caller(&state, &headers).await?;
    let mid = message_id(q)?;
    messages::delete(
        state.store.as_ref(),
        state.clock.as_ref(),
        &state.hub,
        caller,
        &mid,
    )
    .await?;
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
    headers: HeaderMap,
    chat_id: Result<Path<i64>, PathRejection>,
    q: Result<Query<MembersQuery>, QueryRejection>,
) -> Result<Json<ChatMembersList>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = path(chat_id)?;
    let q = query(q)?;
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
        members::list(
            state.store.as_ref(),
            caller,
            chat_id,
            user_ids,
            q.marker,
            q.count,
        )
        .await?,
    ))
}

async fn add_members(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat_id: Result<Path<i64>, PathRejection>,
    body: Result<Json<UserIdsList>, JsonRejection>,
) -> Result<Json<SimpleQueryResult>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = path(chat_id)?;
    let body = json_body(body)?;
    members::add(
        state.store.as_ref(),
        state.clock.as_ref(),
        &state.hub,
        caller,
        chat_id,
        &body.user_ids,
    )
    .await?;
    Ok(Json(SimpleQueryResult::ok()))
}

#[derive(Debug, Deserialize)]
struct RemoveQuery {
    user_id: Option<i64>,
}

async fn remove_member(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat_id: Result<Path<i64>, PathRejection>,
    q: Result<Query<RemoveQuery>, QueryRejection>,
) -> Result<Json<SimpleQueryResult>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = path(chat_id)?;
    let user_id = query(q)?
        .user_id
        .ok_or_else(|| Error::bad_request("user_id is required"))?;
    members::remove(
        state.store.as_ref(),
        state.clock.as_ref(),
        &state.hub,
        caller,
        chat_id,
        user_id,
    )
    .await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn my_membership(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ChatMember>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = path(chat_id)?;
    Ok(Json(
        members::me(state.store.as_ref(), caller, chat_id).await?,
    ))
}

async fn leave_chat(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<SimpleQueryResult>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = path(chat_id)?;
    members::remove(
        state.store.as_ref(),
        state.clock.as_ref(),
        &state.hub,
        caller,
        chat_id,
        caller.user_id,
    )
    .await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn list_admins(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ChatMembersList>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = path(chat_id)?;
    Ok(Json(
        members::admins(state.store.as_ref(), caller, chat_id).await?,
    ))
}

async fn appoint_admins(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat_id: Result<Path<i64>, PathRejection>,
    body: Result<Json<ChatAdminsList>, JsonRejection>,
) -> Result<Json<SimpleQueryResult>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = path(chat_id)?;
    let body = json_body(body)?;
    members::appoint_admins(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        chat_id,
        &body.admins,
    )
    .await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn revoke_admin(
    State(state): State<AppState>,
    headers: HeaderMap,
    ids: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Json<SimpleQueryResult>> {
    let caller = caller(&state, &headers).await?;
    let (chat_id, user_id) = path(ids)?;
    members::revoke_admin(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        chat_id,
        user_id,
    )
    .await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn get_pin(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<GetPinnedMessageResult>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = path(chat_id)?;
    Ok(Json(GetPinnedMessageResult {
        message: members::pinned(state.store.as_ref(), caller, chat_id).await?,
    }))
}

async fn pin_message(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat_id: Result<Path<i64>, PathRejection>,
    body: Result<Json<PinMessageBody>, JsonRejection>,
) -> Result<Json<SimpleQueryResult>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = path(chat_id)?;
    let body = json_body(body)?;
    members::pin(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        chat_id,
        Some(&body.message_id),
    )
    .await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn unpin_message(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<SimpleQueryResult>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = path(chat_id)?;
    members::pin(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        chat_id,
        None,
    )
    .await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn send_action(
    State(state): State<AppState>,
    headers: HeaderMap,
    chat_id: Result<Path<i64>, PathRejection>,
    body: Result<Json<ActionRequestBody>, JsonRejection>,
) -> Result<Json<SimpleQueryResult>> {
    let caller = caller(&state, &headers).await?;
    let chat_id = path(chat_id)?;
    let body = json_body(body)?;
    members::action(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller,
        chat_id,
        body.action,
    )
    .await?;
    Ok(Json(SimpleQueryResult::ok()))
}

async fn get_message(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(mid): Path<String>,
) -> Result<Json<parta_model::max::Message>> {
    let caller = caller(&state, &headers).await?;
    let message = messages::by_mid(state.store.as_ref(), &mid)
        .await?
        .ok_or_else(|| Error::not_found(format!("Message {mid} not found")))?;
    chats::require_member(
        state.store.as_ref(),
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
    headers: HeaderMap,
    q: Result<Query<UpdatesQuery>, QueryRejection>,
) -> Result<axum::response::Response> {
    let caller = caller(&state, &headers).await?;
    let q = query(q)?;
    let poll = updates::PollQuery {
        limit: q.limit,
        timeout_s: q.timeout,
        marker: q.marker,
        types: comma_list(q.types),
    };
    let answer = updates::poll(
        state.store.as_ref(),
        &state.hub,
        state.shutdown.clone(),
        caller,
        poll,
    )
    .await?;
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
