//! `/school/*` for reports of messages (procedure 6.2, 9.1): filing one, the handlers' list and
//! decisions, and one's own reports with where they stand.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use parta_model::school::ReportsQuery;

use super::AppState;
use super::extract::{Body, Path, Query};
use crate::context::Caller;
use crate::error::{Error, Result};
use crate::reports::{self, NewReport, Report, ReportDecision, ReportList};

/// The routes of this area.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/school/reports", get(list).post(file))
        .route("/school/reports/{id}/resolve", post(resolve))
        .route("/school/me/reports", get(mine))
}

async fn file(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewReport>,
) -> Result<(StatusCode, Json<Report>)> {
    Ok((
        StatusCode::CREATED,
        Json(reports::file(&state.school, caller, new).await?),
    ))
}

/// `GET /school/reports?status=open|all` (open by default).
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ReportsQuery>,
) -> Result<Json<ReportList>> {
    let open_only = match q.status.as_deref() {
        None | Some("open") => true,
        Some("all") => false,
        Some(other) => {
            return Err(Error::bad_request(format!(
                "status is 'open' or 'all', not '{other}'"
            )));
        }
    };
    Ok(Json(reports::list(&state.school, caller, open_only).await?))
}

async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(decision): Body<ReportDecision>,
) -> Result<Json<Report>> {
    Ok(Json(
        reports::resolve(&state.school, caller, id, decision).await?,
    ))
}

async fn mine(State(state): State<AppState>, caller: Caller) -> Result<Json<ReportList>> {
    Ok(Json(reports::mine(&state.school, caller).await?))
}
