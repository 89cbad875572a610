//! The fake's HTTP side: one handler that records, checks against the schema, applies a
//! waiting fault, answers, and checks its answer; and the task delivering webhooks.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::state::{bot_json, now_ms};
use crate::{BOT_ID, Fault, Inner, TOKEN};

pub(crate) fn router(inner: Arc<Inner>) -> Router {
    Router::new()
        .route("/upload/{number}", axum::routing::post(receive_upload))
        .route("/cdn/{number}", axum::routing::get(serve_file))
        .fallback(handle)
        .with_state(inner)
}

/// The file service's upload URL: one multipart request with the file as `data`. Not part of
/// the Bot API's schema (MAX's file service answers it).
async fn receive_upload(
    State(inner): State<Arc<Inner>>,
    axum::extract::Path(number): axum::extract::Path<usize>,
    mut multipart: axum::extract::Multipart,
) -> Response {
    let mut data: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("data") {
            let name = field.file_name().unwrap_or("file").to_owned();
            match field.bytes().await {
                Ok(bytes) => data = Some((name, bytes.to_vec())),
                Err(_) => return (StatusCode::BAD_REQUEST, "broken upload").into_response(),
            }
        }
    }
    let Some((name, bytes)) = data else {
        inner
            .state()
            .violations
            .push(format!("POST /upload/{number}: no multipart field 'data'"));
        return (StatusCode::BAD_REQUEST, "no data field").into_response();
    };
    let mut state = inner.state();
    let ready_at = now_ms() + state.processing_ms;
    let Some(file) = state.files.get_mut(number) else {
        return (StatusCode::NOT_FOUND, "no such upload").into_response();
    };
    let token = file
        .token
        .clone()
        .unwrap_or_else(|| format!("tok.{number}"));
    file.name = name;
    file.bytes = bytes;
    file.token = Some(token.clone());
    file.ready_at = ready_at;
    let answer = if file.kind == "image" {
        json!({"photos": {format!("p{number}"): {"token": token}}})
    } else {
        json!({"token": token})
    };
    (StatusCode::OK, axum::Json(answer)).into_response()
}

/// A file at the fake's file service (a URL in an attachment).
async fn serve_file(
    State(inner): State<Arc<Inner>>,
    axum::extract::Path(number): axum::extract::Path<usize>,
) -> Response {
    match inner.state().files.get(number) {
        Some(file) => (StatusCode::OK, file.bytes.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> (StatusCode, Value) {
    (status, json!({"code": code, "message": message}))
}

async fn handle(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query: Vec<(String, String)> =
        axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
            .map(|q| q.0)
            .unwrap_or_default();
    let body: Option<Value> = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice(&body) {
            Ok(value) => Some(value),
            Err(e) => {
                inner
                    .state()
                    .violations
                    .push(format!("{method} {path}: the body is not JSON: {e}"));
                None
            }
        }
    };
    let fault = {
        let mut state = inner.state();
        state.requests.push(format!("{method} {path}"));
        check_request(&inner, &mut state, &method, &path, &query, body.as_ref());
        let is_send = method == Method::POST && path == "/messages";
        match state.faults.front() {
            Some((_, sends_only)) if !*sends_only || is_send => {
                state.faults.pop_front().map(|f| f.0)
            }
            _ => None,
        }
    };
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(TOKEN) {
        let (status, body) = error(
            StatusCode::UNAUTHORIZED,
            "verify.token",
            "Invalid access_token",
        );
        return (status, axum::Json(body)).into_response();
    }
    if inner.state().away {
        let (status, body) = error(
            StatusCode::SERVICE_UNAVAILABLE,
            "internal",
            "Service unavailable",
        );
        return (status, axum::Json(body)).into_response();
    }
    let mut lose_answer = false;
    match fault {
        Some(Fault::RateLimited { secs }) => {
            let (status, body) = error(
                StatusCode::TOO_MANY_REQUESTS,
                "too.many.requests",
                "Too many requests",
            );
            return (
                status,
                [("retry-after", secs.to_string())],
                axum::Json(body),
            )
                .into_response();
        }
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let (status, body) = error(status, "internal", "Injected failure");
            return (status, axum::Json(body)).into_response();
        }
        Some(Fault::Slow(pause)) => tokio::time::sleep(pause).await,
        Some(Fault::LostAnswer) => lose_answer = true,
        None => {}
    }
    let (status, answer) = dispatch(&inner, &method, &path, &query, body.as_ref()).await;
    if path != "/chats"
        && let Err(v) =
            inner
                .schema
                .validate_response(method.as_str(), &path, status.as_u16(), &answer)
    {
        inner
            .state()
            .violations
            .push(format!("the fake's own answer to {method} {path}: {v}"));
    }
    if lose_answer {
        let (status, body) = error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Connection lost",
        );
        return (status, axum::Json(body)).into_response();
    }
    (status, axum::Json(answer)).into_response()
}

fn check_request(
    inner: &Inner,
    state: &mut crate::state::State,
    method: &Method,
    path: &str,
    query: &[(String, String)],
    body: Option<&Value>,
) {
    let names: Vec<&str> = query.iter().map(|(k, _)| k.as_str()).collect();
    // GET /chats is what MAX serves and its official SDK calls, but the 0.0.33 schema lacks it.
    if path == "/chats" {
        for name in names.iter().filter(|n| **n != "count" && **n != "marker") {
            state
                .violations
                .push(format!("GET /chats: unknown parameter {name}"));
        }
        return;
    }
    match inner.schema.query_parameters(method.as_str(), path) {
        None => state
            .violations
            .push(format!("{method} {path}: not an operation of MAX")),
        Some((required, known)) => {
            for name in required.iter().filter(|r| !names.contains(&r.as_str())) {
                state
                    .violations
                    .push(format!("{method} {path}: missing {name}"));
            }
            for name in names.iter().filter(|q| !known.iter().any(|k| k == *q)) {
                state
                    .violations
                    .push(format!("{method} {path}: unknown {name}"));
            }
        }
    }
    if let Some(body) = body
        && let Err(v) = inner.schema.validate_request(method.as_str(), path, body)
    {
        state.violations.push(format!("{method} {path}: {v}"));
    }
}

fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn ok() -> (StatusCode, Value) {
    (StatusCode::OK, json!({"success": true}))
}

fn not_found(what: &str) -> (StatusCode, Value) {
    error(StatusCode::NOT_FOUND, "not.found", what)
}

async fn dispatch(
    inner: &Inner,
    method: &Method,
    path: &str,
    query: &[(String, String)],
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    if (method, path) == (&Method::GET, "/updates") {
        return poll(inner, query).await;
    }
    let mut state = inner.state();
    match (method.as_str(), parts.as_slice()) {
        ("GET", ["me"]) => (StatusCode::OK, bot_json()),
        ("GET", ["chats"]) => {
            let chats: Vec<Value> = state
                .chats
                .keys()
                .filter_map(|id| state.chat_json(*id))
                .collect();
            (StatusCode::OK, json!({"chats": chats, "marker": null}))
        }
        ("GET", ["chats", id]) => match id.parse().ok().and_then(|id| state.chat_json(id)) {
            Some(chat) => (StatusCode::OK, chat),
            None => not_found("Chat not found"),
        },
        ("GET", ["chats", id, "members", "me"]) => {
            match id.parse().ok().and_then(|id| state.membership_json(id)) {
                Some(member) => (StatusCode::OK, member),
                None => not_found("Chat not found"),
            }
        }
        ("POST", ["messages"]) => {
            let Some(chat_id) = param(query, "chat_id").and_then(|c| c.parse::<i64>().ok()) else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "proto.payload",
                    "chat_id is required",
                );
            };
            if !state.chats.contains_key(&chat_id) {
                return not_found("Chat not found");
            }
            let body = body.cloned().unwrap_or(Value::Null);
            let source = body["text"].as_str().unwrap_or_default();
            let (text, markup) = if body["format"] == "markdown" {
                let (text, markup) = parta_model::markup::parse_markdown(source);
                let markup = (!markup.is_empty()).then(|| json!(markup));
                (text, markup)
            } else {
                (source.to_owned(), None)
            };
            if text.chars().count() > 4000 {
                return error(
                    StatusCode::BAD_REQUEST,
                    "proto.payload",
                    "text: maximum length is 4000",
                );
            }
            let reply_to = body["link"]["mid"].as_str().map(str::to_owned);
            let mut attachments = Vec::new();
            for request in body["attachments"].as_array().into_iter().flatten() {
                if request["type"] == "inline_keyboard" {
                    attachments.push(request.clone());
                    continue;
                }
                let Some(number) = state.file_by_request(request) else {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "proto.payload",
                        "Unknown attachment token",
                    );
                };
                if state.files[number].ready_at > now_ms() {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "attachment.not.ready",
                        "Key: errors.process.attachment.file.not.processed",
                    );
                }
                attachments.push(state.attachment_json(number));
            }
            let attachments = (!attachments.is_empty()).then_some(Value::Array(attachments));
            let mid = state.write(
                chat_id,
                bot_json(),
                &text,
                markup,
                reply_to.as_deref(),
                attachments,
            );
            inner.appended.notify_waiters();
            let message = state
                .message(&mid)
                .map(|m| state.message_json(m))
                .unwrap_or(Value::Null);
            (StatusCode::OK, json!({"message": message}))
        }
        ("PUT", ["messages"]) => {
            let mid = param(query, "message_id").unwrap_or_default().to_owned();
            let body = body.cloned().unwrap_or(Value::Null);
            let source = body["text"].as_str().unwrap_or_default();
            let (text, markup) = if body["format"] == "markdown" {
                let (text, markup) = parta_model::markup::parse_markdown(source);
                (text, (!markup.is_empty()).then(|| json!(markup)))
            } else {
                (source.to_owned(), None)
            };
            if state.edit(&mid, &text, markup) {
                inner.appended.notify_waiters();
                ok()
            } else {
                not_found("Message not found")
            }
        }
        ("DELETE", ["messages"]) => {
            let mid = param(query, "message_id").unwrap_or_default().to_owned();
            if state.delete(&mid, BOT_ID) {
                inner.appended.notify_waiters();
                ok()
            } else {
                not_found("Message not found")
            }
        }
        ("GET", ["messages"]) => {
            let chat_id = param(query, "chat_id").and_then(|c| c.parse::<i64>().ok());
            let count = param(query, "count")
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(50);
            let list: Vec<Value> = state
                .messages
                .iter()
                .rev()
                .filter(|m| Some(m.chat_id) == chat_id && !m.deleted)
                .take(count)
                .map(|m| state.message_json(m))
                .collect();
            (StatusCode::OK, json!({"messages": list}))
        }
        ("POST", ["uploads"]) => {
            let kind = param(query, "type").unwrap_or("file").to_owned();
            let number = state.files.len();
            // Video and audio tokens come with the URL, as MAX does it.
            let token = matches!(kind.as_str(), "video" | "audio").then(|| format!("tok.{number}"));
            state.files.push(crate::state::FakeFile {
                name: String::new(),
                bytes: Vec::new(),
                kind,
                token: token.clone(),
                ready_at: i64::MAX,
            });
            let url = format!("{}/upload/{number}", state.base);
            (StatusCode::OK, json!({"url": url, "token": token}))
        }
        ("GET", ["subscriptions"]) => {
            let list: Vec<Value> = state
                .subscriptions
                .iter()
                .map(|s| json!({"url": s.url, "time": s.time, "update_types": s.types, "version": null}))
                .collect();
            (StatusCode::OK, json!({"subscriptions": list}))
        }
        ("POST", ["subscriptions"]) => {
            let body = body.cloned().unwrap_or(Value::Null);
            let url = body["url"].as_str().unwrap_or_default().to_owned();
            let secret = body["secret"].as_str().map(str::to_owned);
            let types = body["update_types"].as_array().map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect()
            });
            let delivered = state.updates.len();
            state.subscriptions.retain(|s| s.url != url);
            state.subscriptions.push(crate::Subscription {
                url,
                secret,
                types,
                time: now_ms(),
                delivered,
            });
            ok()
        }
        ("DELETE", ["subscriptions"]) => {
            let url = param(query, "url").unwrap_or_default().to_owned();
            state.subscriptions.retain(|s| s.url != url);
            ok()
        }
        ("POST", ["answers"]) => {
            let id = param(query, "callback_id").unwrap_or_default().to_owned();
            if !state.callbacks.contains_key(&id) {
                return not_found("Callback not found");
            }
            let text = body
                .and_then(|b| b["notification"].as_str())
                .unwrap_or_default()
                .to_owned();
            state.answers.push((id, text));
            ok()
        }
        _ => not_found(&format!("{method} {path} is not faked")),
    }
}

/// `GET /updates`: what came after `marker` (or after the last committed marker), waiting up
/// to `timeout` seconds for something to come.
async fn poll(inner: &Inner, query: &[(String, String)]) -> (StatusCode, Value) {
    let limit = param(query, "limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(100);
    let timeout = param(query, "timeout")
        .and_then(|t| t.parse::<u64>().ok())
        .unwrap_or(30);
    let marker = param(query, "marker").and_then(|m| m.parse::<usize>().ok());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    let from = {
        let mut state = inner.state();
        if let Some(marker) = marker {
            state.committed = state.committed.max(marker);
        }
        marker.unwrap_or(state.committed)
    };
    loop {
        let notified = inner.appended.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let state = inner.state();
            if state.updates.len() > from {
                let end = state.updates.len().min(from + limit);
                let page: Vec<Value> = state.updates[from..end].to_vec();
                return (StatusCode::OK, json!({"updates": page, "marker": end}));
            }
        }
        tokio::select! {
            _ = &mut notified => {}
            _ = tokio::time::sleep_until(deadline) => {
                return (StatusCode::OK, json!({"updates": [], "marker": from}));
            }
        }
    }
}

/// Delivers each subscription's updates in order, retrying one until the server takes it
/// (200), as MAX does for up to 8 hours.
pub(crate) async fn deliver_webhooks(inner: Arc<Inner>) {
    loop {
        let next: Vec<(String, Option<String>, usize, Value, bool)> = {
            let state = inner.state();
            state
                .subscriptions
                .iter()
                .filter(|s| s.delivered < state.updates.len())
                .map(|s| {
                    (
                        s.url.clone(),
                        s.secret.clone(),
                        s.delivered,
                        state.updates[s.delivered].clone(),
                        state.repeat_deliveries,
                    )
                })
                .collect()
        };
        if next.is_empty() {
            let notified = inner.appended.notified();
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
            continue;
        }
        for (url, secret, index, update, repeat) in next {
            let times = if repeat { 2 } else { 1 };
            let mut taken = false;
            for _ in 0..times {
                let mut request = inner.http.post(&url).json(&update);
                if let Some(secret) = &secret {
                    request = request.header("X-Max-Bot-Api-Secret", secret);
                }
                match request.send().await {
                    Ok(response) if response.status() == StatusCode::OK => taken = true,
                    Ok(response) => inner
                        .state()
                        .refused_deliveries
                        .push(response.status().as_u16()),
                    Err(_) => inner.state().refused_deliveries.push(0),
                }
            }
            let mut state = inner.state();
            if taken {
                if let Some(s) = state
                    .subscriptions
                    .iter_mut()
                    .find(|s| s.url == url && s.delivered == index)
                {
                    s.delivered += 1;
                }
            } else {
                drop(state);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}
