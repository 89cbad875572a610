//! `/school/*` around messages: announcements with acknowledgements and receipts, broadcasts,
//! private conversations, scheduled messages and quiet hours.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use parta_model::school::{AnnouncementsQuery, BroadcastQuery, ScheduleQuery, ScheduledList};

use super::AppState;
use super::extract::{Body, IdempotencyKey, Path, Query};
use super::{SUCCESS, Success};
use crate::announcements::{self, AnnouncementList, BroadcastResult, Receipts};
use crate::context::Caller;
use crate::error::{Error, Result};
use crate::messages;
use crate::scheduled::{self, QuietHours, Scheduled};
use parta_model::max::{NewMessageBody, SendMessageResult};

/// The routes of this area.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/school/announcements",
            get(list_announcements).post(post_announcement),
        )
        .route("/school/announcements/{mid}/ack", post(acknowledge))
        .route("/school/broadcasts", post(broadcast))
        .route("/school/dialogs", post(open_dialog))
        .route("/school/chats", get(school_chats).post(create_chat))
        .route(
            "/school/scheduled",
            get(list_scheduled).post(schedule_message),
        )
        .route("/school/scheduled/{id}", delete(cancel_scheduled))
        .route(
            "/school/me/quiet-hours",
            get(get_quiet_hours)
                .put(set_quiet_hours)
                .delete(clear_quiet_hours),
        )
        .route("/school/announcements/{mid}/receipts", get(receipts))
        .route("/school/chats/{chat_id}/quiet", get(quiet_in_chat))
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
    super::send_to(
        &state,
        caller,
        q.chat_id,
        key,
        new,
        messages::Kind::announcement(q.ack.unwrap_or(true)),
    )
    .await
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

async fn quiet_in_chat(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<i64>,
) -> Result<Json<parta_model::school::QuietMembers>> {
    Ok(Json(parta_model::school::QuietMembers {
        quiet: scheduled::quiet_in_chat(&state.school, caller, chat_id).await?,
    }))
}

async fn get_quiet_hours(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<parta_model::school::QuietHoursSetting>> {
    Ok(Json(parta_model::school::QuietHoursSetting {
        quiet_hours: scheduled::my_quiet_hours(&state.school, caller).await?,
    }))
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

/// `POST /school/dialogs {user_id}`: the private conversation with one person, made if the
/// caller may start it (procedure 2.5).
async fn open_dialog(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<parta_model::school::NewDialog>,
) -> Result<Json<parta_model::max::Chat>> {
    Ok(Json(
        crate::dialogs::open(&state.school, caller, new.user_id).await?,
    ))
}

/// `GET /school/chats`: every chat but private conversations, for the administration.
async fn school_chats(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<parta_model::school::SchoolChatList>> {
    Ok(Json(parta_model::school::SchoolChatList {
        chats: crate::groups::overview(&state.school, caller).await?,
    }))
}

/// `POST /school/chats {title, description?, user_ids}`: another chat (procedure 4.3).
async fn create_chat(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<parta_model::school::NewGroup>,
) -> Result<(StatusCode, Json<parta_model::max::Chat>)> {
    Ok((
        StatusCode::CREATED,
        Json(crate::groups::create(&state.school, caller, new).await?),
    ))
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
        announcements::broadcast(
            &state.school,
            caller,
            &ids,
            new,
            key.as_deref(),
            q.ack.unwrap_or(true),
        )
        .await?,
    ))
}
