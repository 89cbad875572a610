//! `/school/*` for one's own account: signing in and out, the password, devices, contact
//! details, and the school's directory of people.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use parta_model::school::{
    DeviceList, FailedSignIns, PasswordChange, PasswordResetIssued, PasswordResetRedeem, Revoked,
};

use super::AppState;
use super::extract::{Body, ClientIp, Path};
use super::{SUCCESS, Success};
use crate::auth::{self, LoginRequest, LoginResult};
use crate::context::Caller;
use crate::error::Result;
use crate::password_reset;
use crate::people::{self};
use crate::users::{self, Contacts, Profile};

/// The routes of this area.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/school/login", post(login))
        .route("/school/logout", post(logout))
        .route("/school/me/password", put(change_password))
        .route("/school/me/contacts", put(set_contacts))
        .route("/school/people", get(list_people))
        .route("/school/people/{user_id}", get(profile))
        .route("/school/devices", get(list_devices))
        .route("/school/me/failed-sign-ins", get(failed_sign_ins))
        .route("/school/password-reset", post(redeem_password_reset))
        .route(
            "/school/users/{user_id}/password-reset",
            post(issue_password_reset),
        )
        .route("/school/devices/{device_id}", delete(revoke_device))
        .route(
            "/school/users/{user_id}/devices",
            delete(revoke_user_devices),
        )
}

async fn login(
    State(state): State<AppState>,
    ClientIp(peer): ClientIp,
    Body(request): Body<LoginRequest>,
) -> Result<Json<LoginResult>> {
    state.limiter.anonymous(peer)?;
    state.limiter.login(&request.login)?;
    let login = request.login.clone();
    let result = auth::login(&state.school, request).await?;
    state.limiter.signed_in(&login);
    Ok(Json(result))
}

async fn logout(State(state): State<AppState>, caller: Caller) -> Result<Json<Success>> {
    auth::revoke_device(&state.school, caller, caller.device_id).await?;
    state.auth_cache.invalidate();
    Ok(SUCCESS)
}

async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<PasswordChange>,
) -> Result<Json<Success>> {
    if auth::change_password(&state.school, caller, request).await? > 0 {
        state.auth_cache.invalidate();
    }
    Ok(SUCCESS)
}

async fn list_devices(State(state): State<AppState>, caller: Caller) -> Result<Json<DeviceList>> {
    // The last uses still in memory first, so the list is current.
    state.auth_cache.save_last_use(&state.school).await?;
    Ok(Json(DeviceList {
        devices: auth::devices(&state.school, caller).await?,
    }))
}

async fn issue_password_reset(
    State(state): State<AppState>,
    caller: Caller,
    Path(user_id): Path<i64>,
) -> Result<(StatusCode, Json<PasswordResetIssued>)> {
    let issued = password_reset::issue(&state.school, caller, user_id).await?;
    Ok((StatusCode::CREATED, Json(issued)))
}

async fn redeem_password_reset(
    State(state): State<AppState>,
    ClientIp(peer): ClientIp,
    Body(request): Body<PasswordResetRedeem>,
) -> Result<Json<LoginResult>> {
    state.limiter.anonymous(peer)?;
    let result = password_reset::redeem(&state.school, request).await?;
    // Every other device of the person was signed out.
    state.auth_cache.invalidate();
    Ok(Json(result))
}

async fn failed_sign_ins(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<FailedSignIns>> {
    Ok(Json(FailedSignIns {
        failures: auth::failed_sign_ins(&state.school, caller).await?,
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
