//! `/school/*` for online lessons: planning, consent, presence and recording, the timetable
//! import, and the calendar (an iCalendar export and private feeds).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use parta_model::school::{FeedAddress, LessonRange};

use super::AppState;
use super::extract::{Body, ClientIp, Path, Query};
use super::{SUCCESS, Success};
use crate::context::Caller;
use crate::error::{Error, Result};
use crate::lessons::{
    self, ConsentAnswer, Lesson, LessonList, LessonPatch, NewLesson, Presence, RecordingStatus,
    RecordingSwitch,
};
use crate::timetable::{self, TimetableImport, TimetableReport};

/// The routes of this area.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
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
    let status = lessons::recording::answer(&state.school, caller, id, answer.consent).await?;
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
    let status = lessons::recording::presence(&state.school, caller, id, presence).await?;
    Ok(Json(status))
}

async fn switch_recording(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(switch): Body<RecordingSwitch>,
) -> Result<Json<RecordingStatus>> {
    let status =
        lessons::recording::switch_recording(&state.school, caller, id, switch.recording).await?;
    Ok(Json(status))
}

async fn recording_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<RecordingStatus>> {
    Ok(Json(
        lessons::recording::recording(&state.school, caller, id).await?,
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
    caller: Caller,
    headers: HeaderMap,
    Query(q): Query<LessonRange>,
) -> Result<impl axum::response::IntoResponse> {
    let (Some(from), Some(to)) = (q.from, q.to) else {
        return Err(Error::bad_request(
            "from and to (Unix milliseconds) are required",
        ));
    };
    let ics = lessons::feeds::export(&state.school, caller, from, to, &host_of(&headers)).await?;
    Ok(calendar_response(ics))
}

async fn create_feed(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<(StatusCode, Json<FeedAddress>)> {
    let path = lessons::feeds::new_feed(&state.school, caller).await?;
    Ok((StatusCode::CREATED, Json(FeedAddress { path })))
}

async fn revoke_feed(State(state): State<AppState>, caller: Caller) -> Result<Json<Success>> {
    lessons::feeds::revoke_feed(&state.school, caller).await?;
    Ok(SUCCESS)
}

/// A phone's calendar app asks without a Parta login: the token in the address is the key.
async fn calendar_feed(
    State(state): State<AppState>,
    ClientIp(peer): ClientIp,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<impl axum::response::IntoResponse> {
    state.limiter.anonymous(peer)?;
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    let ics = lessons::feeds::feed(&state.school, token, &host_of(&headers)).await?;
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
