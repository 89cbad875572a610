//! `/school/*` for running the school: classes and their teachers, the structure bootstrap,
//! invites and join requests, settings, the audit log, and managing people (roles, moves,
//! removal, restrictions). Who may do what is `roles`' matrix.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use parta_model::school::{
    AuditQuery, ClassList, InviteList, Rejection, RequestList, RequestsQuery, SchoolSettings,
    StatusRequest,
};

use super::AppState;
use super::extract::{Body, ClientIp, Origin, Path, Query};
use super::{SUCCESS, Success};
use crate::audit::{self, AuditPage};
use crate::classes::{self, Assignment, Class, NewClass};
use crate::context::Caller;
use crate::error::{Error, Result};
use crate::invites::{self, CreatedInvite, Invite, JoinOutcome, JoinRequest, NewInvite, Redeem};
use crate::people::{self, Move, RoleChange};
use crate::restrictions::{self, NewRestriction, Restriction};
use crate::structure::{self, StructureReport};

/// The routes of this area.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
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
        .route("/school/audit", get(audit_log))
        .route("/school/audit.csv", get(audit_csv))
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

async fn list_invites(State(state): State<AppState>, caller: Caller) -> Result<Json<InviteList>> {
    Ok(Json(InviteList {
        invites: invites::list(&state.school, caller).await?,
    }))
}

async fn create_invite(
    State(state): State<AppState>,
    caller: Caller,
    Origin(origin): Origin,
    Body(new): Body<NewInvite>,
) -> Result<(StatusCode, Json<CreatedInvite>)> {
    let mut created = invites::create(&state.school, caller, new).await?;
    // The link carries the address it was made on, so the app knows where to join: https
    // unless that is this computer.
    if let Some(origin) = origin {
        created.link = format!(
            "{}?server={}",
            created.link,
            invites::percent_encode(&origin)
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
    ClientIp(peer): ClientIp,
    Body(request): Body<Redeem>,
) -> Result<Json<JoinOutcome>> {
    state.limiter.anonymous(peer)?;
    let outcome = invites::redeem(&state.school, request).await?;
    // Either the newcomer joined chats, or the reviewers were told of the request.
    Ok(Json(outcome))
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

async fn request_status(
    State(state): State<AppState>,
    ClientIp(peer): ClientIp,
    Body(request): Body<StatusRequest>,
) -> Result<Json<JoinOutcome>> {
    state.limiter.anonymous(peer)?;
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

async fn settings(
    State(state): State<AppState>,
    caller: Caller,
    Body(settings): Body<SchoolSettings>,
) -> Result<Json<Success>> {
    invites::set_requires_approval(&state.school, caller, settings.join_requires_approval).await?;
    Ok(SUCCESS)
}

async fn audit_log(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditPage>> {
    let filter = audit_filter(&q);
    Ok(Json(
        audit::page(&state.school, caller, q.marker, q.count, &filter).await?,
    ))
}

/// `GET /school/audit.csv`: the journal, narrowed as `GET /school/audit` is, for the records.
async fn audit_csv(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> Result<impl axum::response::IntoResponse> {
    let text = audit::csv(&state.school, caller, &audit_filter(&q)).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"parta-journal.csv\"",
            ),
        ],
        text,
    ))
}

fn audit_filter(q: &AuditQuery) -> audit::AuditFilter {
    audit::AuditFilter {
        actor: q.actor,
        kind: q.kind.clone().filter(|k| !k.trim().is_empty()),
        from: q.from,
        to: q.to,
    }
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
