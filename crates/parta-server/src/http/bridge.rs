//! `/school/max/*`, the administration's view of the MAX bridge (which MAX chat is carried into
//! which Parta chat, flagged messages, where a message stands toward MAX), and `POST
//! /max/webhook`, where MAX delivers updates when the school has a public https address.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use parta_model::school::{LinkMaxChat, MaxDelivery, MaxFlagList, MaxLink, MaxLinks};
use serde::Deserialize;

use super::AppState;
use super::extract::{Body, Path, Query};
use super::{SUCCESS, Success};
use crate::context::Caller;
use crate::error::{Error, ErrorCode, Result};
use crate::max::{SECRET_HEADER, WebhookError, links};
use crate::roles::{self, Action};

/// The routes of this area.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/school/max/links", get(list_links).post(link))
        .route("/school/max/links/{chat_id}", delete(unlink))
        .route("/school/max/flags", get(flags))
        .route("/school/max/delivery", get(delivery))
        .route("/max/webhook", post(webhook))
}

async fn list_links(State(state): State<AppState>, caller: Caller) -> Result<Json<MaxLinks>> {
    // Refused before MAX is asked anything.
    roles::require(caller.role, Action::LinkMaxChats)?;
    let report = match &state.bridge {
        Some(bridge) => Some(bridge.report().await),
        None => None,
    };
    Ok(Json(links::list(&state.school, caller, report).await?))
}

async fn link(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<LinkMaxChat>,
) -> Result<Json<MaxLink>> {
    roles::require(caller.role, Action::LinkMaxChats)?;
    let bridge = state.bridge.as_ref().ok_or_else(|| {
        Error::bad_request(
            "This server has no MAX bot configured: see docs/max-bridge.md to set one up",
        )
    })?;
    let title = bridge.max_title(body.max_chat_id).await?;
    Ok(Json(
        links::link(
            &state.school,
            caller,
            body.chat_id,
            body.max_chat_id,
            title.as_deref(),
        )
        .await?,
    ))
}

async fn unlink(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
) -> Result<Json<Success>> {
    links::unlink(&state.school, caller, chat_id).await?;
    Ok(SUCCESS)
}

#[derive(Debug, Deserialize)]
struct ChatQuery {
    chat_id: i64,
}

async fn flags(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ChatQuery>,
) -> Result<Json<MaxFlagList>> {
    Ok(Json(links::flags(&state.school, caller, q.chat_id).await?))
}

#[derive(Debug, Deserialize)]
struct MessageQuery {
    message_id: String,
}

async fn delivery(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<MessageQuery>,
) -> Result<Json<MaxDelivery>> {
    Ok(Json(
        links::delivery(&state.school, caller, &q.message_id).await?,
    ))
}

/// MAX's delivery of one update. 200 only once it is stored; MAX retries anything else for up
/// to 8 hours, so a failure here loses nothing.
async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(bridge) = state.bridge.as_ref() else {
        return Error::not_found("No such method").into_response();
    };
    let secret = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok());
    match bridge.webhook(secret, &body).await {
        Ok(()) => SUCCESS.into_response(),
        Err(WebhookError::NotHere) => Error::not_found("No such method").into_response(),
        Err(WebhookError::Forbidden) => {
            Error::api(ErrorCode::AccessDenied, "The webhook secret does not match").into_response()
        }
        Err(WebhookError::Unavailable(reason)) => {
            tracing::warn!(%reason, "a MAX webhook delivery was not taken; MAX will retry");
            let body = parta_model::max::ApiError {
                code: "unavailable".into(),
                message: "The update could not be stored yet; please retry".into(),
            };
            (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
        }
    }
}
