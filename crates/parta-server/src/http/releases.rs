//! The app's updates from this server ([`crate::releases`]): `GET
//! /school/updates/{target}/{arch}/{current}` answers the app's updater (204 when there is
//! nothing newer, or no folder of releases), and `GET /school/updates/files/{name}` serves a
//! release file. Neither needs a sign-in: the files are the app itself, signed, and a computer
//! that is signed out still gets its updates.

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use super::AppState;
use super::extract::{Origin, Path};
use crate::error::{Error, Result};
use crate::releases::{Platform, Version};

/// Bytes sent per piece of a release file.
const PIECE: usize = 1 << 20;

/// The update routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/school/updates/{target}/{arch}/{current}", get(check))
        .route("/school/updates/files/{name}", get(download))
}

/// What the updater reads (Tauri's dynamic update server format), plus the notes in each
/// language for the app to pick from.
#[derive(Debug, Serialize)]
struct Offer {
    version: String,
    notes: String,
    notes_ru: String,
    notes_en: String,
    pub_date: String,
    url: String,
    signature: String,
}

async fn check(
    State(state): State<AppState>,
    Origin(origin): Origin,
    Path((target, arch, current)): Path<(String, String, String)>,
) -> Result<Response> {
    let platform = Platform::from_parts(&target, &arch).ok_or_else(|| {
        Error::bad_request(format!(
            "Parta has no build for {target}-{arch} (linux-x86_64 and windows-x86_64 only)"
        ))
    })?;
    let current = Version::parse(&current).ok_or_else(|| {
        Error::bad_request("the current version must read MAJOR.MINOR.PATCH, e.g. 0.1.0")
    })?;
    let Some(releases) = &state.releases else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let Some(release) = releases.newer(platform, current).await? else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let base = origin.ok_or_else(|| Error::bad_request("A Host header is required"))?;
    let published = release
        .published
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let notes = [release.notes_ru.trim(), release.notes_en.trim()]
        .iter()
        .filter(|n| !n.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n\n");
    Ok(Json(Offer {
        version: release.version.to_string(),
        notes,
        notes_ru: release.notes_ru.trim().to_owned(),
        notes_en: release.notes_en.trim().to_owned(),
        pub_date: parta_model::civil::Utc::from_ms(published).rfc3339(),
        url: format!("{base}/school/updates/files/{}", release.file),
        signature: release.signature,
    })
    .into_response())
}

async fn download(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response> {
    let missing = || Error::not_found(format!("no release file named {name}"));
    let releases = state.releases.as_ref().ok_or_else(missing)?;
    let path = releases.file(&name).await?.ok_or_else(missing)?;
    let file = tokio::fs::File::open(&path).await?;
    let length = file.metadata().await?.len();
    // Pieces are read as the client takes them: a release never sits in memory whole.
    let stream = futures_util::stream::unfold(Some(file), |file| async move {
        use tokio::io::AsyncReadExt;
        let mut file = file?;
        let mut piece = vec![0u8; PIECE];
        match file.read(&mut piece).await {
            Ok(0) => None,
            Ok(n) => {
                piece.truncate(n);
                Some((Ok::<_, std::io::Error>(piece), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    Ok(response)
}
