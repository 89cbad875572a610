//! Uploads and downloads: `POST /uploads?type=` (MAX), the upload URL it returns
//! (`GET` for the status; `POST`/`PUT` with a multipart body or a `Content-Range` chunk), and
//! `GET /files/{token}` with `Range` for resumable downloads.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::StreamExt;
use serde::Deserialize;

use super::AppState;
use super::extract::{Origin, Path, Query};
use crate::context::Caller;
use crate::error::{Error, Result};
use crate::uploads::{UploadEndpoint, UploadStatus, parse_content_range};

/// How much of a refused chunk is read and dropped so its sender still gets the answer.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// Bytes sent per piece of a download.
const PIECE: usize = 1 << 20;

/// The upload and download routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/uploads", post(create_upload))
        .route(
            "/upload/{upload_id}",
            get(upload_status).post(receive).put(receive),
        )
        .route("/files/{token}", get(download))
        // Uploads are limited by the school's file rules while they stream, not by the
        // default 2 MB body limit.
        .layer(DefaultBodyLimit::disable())
}

#[derive(Deserialize)]
struct UploadQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
}

async fn create_upload(
    State(state): State<AppState>,
    caller: Caller,
    Origin(origin): Origin,
    Query(q): Query<UploadQuery>,
) -> Result<Json<UploadEndpoint>> {
    let kind = q
        .kind
        .ok_or_else(|| Error::bad_request("type is required: image, video, audio or file"))?;
    // The upload URL points back at whichever address the client reached us on (https
    // unless that is this computer, as the file must not cross a network in clear).
    let base = origin.ok_or_else(|| Error::bad_request("A Host header is required"))?;
    Ok(Json(
        state
            .uploads
            .create(&state.school, caller, &kind, &base)
            .await?,
    ))
}

fn upload_id(id: String) -> Result<String> {
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::not_found("No such upload"));
    }
    Ok(id)
}

async fn upload_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<UploadStatus>> {
    let id = upload_id(id)?;
    Ok(Json(state.uploads.status(&state.school, &id).await?))
}

#[derive(Deserialize)]
struct ReceiveQuery {
    filename: Option<String>,
}

async fn receive(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<ReceiveQuery>,
    request: Request,
) -> Result<Json<UploadStatus>> {
    let id = upload_id(id)?;
    let filename = q.filename;
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        let mut multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|e| Error::bad_request(e.body_text()))?;
        while let Some(mut field) = multipart
            .next_field()
            .await
            .map_err(|e| Error::bad_request(e.body_text()))?
        {
            if field.name() != Some("data") {
                continue;
            }
            let name = field.file_name().map(str::to_owned).or(filename);
            let mut receiving = state
                .uploads
                .begin(&state.school, &id, None, name.as_deref())
                .await?;
            loop {
                let chunk = match field.chunk().await {
                    Ok(Some(chunk)) => chunk,
                    Ok(None) => break,
                    Err(e) => {
                        state.uploads.abandon(&receiving).await;
                        return Err(Error::bad_request(e.body_text()));
                    }
                };
                if let Err(e) = state.uploads.write(&mut receiving, &chunk).await {
                    state.uploads.abandon(&receiving).await;
                    return Err(e);
                }
            }
            let status = state.uploads.finish(&state.school, receiving).await?;
            return Ok(Json(status));
        }
        return Err(Error::bad_request(
            "The multipart upload needs a field named 'data'",
        ));
    }
    let range = request
        .headers()
        .get(header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            Error::bad_request(
                "Send the file as multipart/form-data, or in chunks with Content-Range",
            )
        })
        .and_then(parse_content_range)?;
    let mut body = request.into_body().into_data_stream();
    let mut receiving = match state
        .uploads
        .begin(&state.school, &id, Some(range), filename.as_deref())
        .await
    {
        Ok(receiving) => receiving,
        Err(e) => {
            // Refused before reading: read (and drop) a chunk of ordinary size anyway, so the
            // client, still sending, gets this answer instead of a reset connection.
            let mut drained = 0usize;
            while let Some(Ok(chunk)) = body.next().await {
                drained += chunk.len();
                if drained > DRAIN_LIMIT {
                    break;
                }
            }
            return Err(e);
        }
    };
    while let Some(chunk) = body.next().await {
        let written = match chunk {
            Ok(chunk) => state.uploads.write(&mut receiving, &chunk).await,
            Err(e) => Err(Error::bad_request(format!("The chunk broke off: {e}"))),
        };
        if let Err(e) = written {
            state.uploads.abandon(&receiving).await;
            return Err(e);
        }
    }
    Ok(Json(state.uploads.finish(&state.school, receiving).await?))
}

/// Parses `Range: bytes=START-` or `bytes=START-END` against a file of `size` bytes.
fn parse_range(value: &str, size: u64) -> Option<(u64, u64)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let start: u64 = start.trim().parse().ok()?;
    let end: u64 = match end.trim() {
        "" => size.checked_sub(1)?,
        end => end.parse::<u64>().ok()?.min(size.checked_sub(1)?),
    };
    (start <= end).then_some((start, end))
}

fn content_type(format: Option<&str>) -> &'static str {
    match format.unwrap_or_default() {
        "JPG" => "image/jpeg",
        "PNG" => "image/png",
        "GIF" => "image/gif",
        "TIFF" => "image/tiff",
        "BMP" => "image/bmp",
        "HEIC" => "image/heic",
        "WEBP" => "image/webp",
        "MP4" => "video/mp4",
        "MOV" => "video/quicktime",
        "MKV" => "video/x-matroska",
        "WEBM" => "video/webm",
        "MP3" => "audio/mpeg",
        "OGG" => "audio/ogg",
        "WAV" => "audio/wav",
        "M4A" => "audio/mp4",
        "FLAC" => "audio/flac",
        "PDF" => "application/pdf",
        "TXT" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `attachment; filename*=UTF-8''…` (RFC 6266 / 5987), so Cyrillic names survive.
fn disposition(filename: Option<&str>) -> String {
    let name = filename.unwrap_or("file");
    let encoded = crate::invites::percent_encode(name);
    format!("attachment; filename*=UTF-8''{encoded}")
}

async fn download(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response> {
    let file = state
        .uploads
        .downloadable(&state.school, caller, &token)
        .await?;
    let (status, start, end) = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(range) => match parse_range(range, file.size) {
            Some((start, end)) => (StatusCode::PARTIAL_CONTENT, start, end),
            None => {
                let mut response = Error::api(
                    crate::error::ErrorCode::RangeNotSatisfiable,
                    format!("The file has {} bytes", file.size),
                )
                .into_response();
                if let Ok(value) = HeaderValue::from_str(&format!("bytes */{}", file.size)) {
                    response.headers_mut().insert(header::CONTENT_RANGE, value);
                }
                return Ok(response);
            }
        },
        None => (StatusCode::OK, 0, file.size.saturating_sub(1)),
    };
    let length = if file.size == 0 { 0 } else { end - start + 1 };
    let uploads = state.uploads.clone();
    let id = file.id.clone();
    // Pieces are read as the client takes them: a large file never sits in memory whole.
    let stream = futures_util::stream::unfold(start, move |offset| {
        let uploads = uploads.clone();
        let id = id.clone();
        async move {
            if offset > end || length == 0 {
                return None;
            }
            let want = usize::try_from((end - offset + 1).min(PIECE as u64)).unwrap_or(PIECE);
            match uploads.read(&id, offset, want).await {
                Ok(bytes) if bytes.is_empty() => None,
                Ok(bytes) => {
                    let next = offset + bytes.len() as u64;
                    Some((Ok::<_, std::io::Error>(bytes), next))
                }
                Err(e) => Some((Err(std::io::Error::other(e.to_string())), end + 1)),
            }
        }
    });
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(file.format.as_deref())),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if let Ok(value) = HeaderValue::from_str(&disposition(file.filename.as_deref())) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(value) = HeaderValue::from_str(&format!("bytes {start}-{end}/{}", file.size))
    {
        headers.insert(header::CONTENT_RANGE, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_ranges_are_clamped_to_the_file() {
        assert_eq!(parse_range("bytes=0-", 10), Some((0, 9)));
        assert_eq!(parse_range("bytes=4-100", 10), Some((4, 9)));
        assert_eq!(parse_range("bytes=9-9", 10), Some((9, 9)));
        assert_eq!(parse_range("bytes=10-", 10), None);
        assert_eq!(parse_range("bytes=0-1,4-5", 10), None);
        assert_eq!(parse_range("items=0-1", 10), None);
    }

    #[test]
    fn cyrillic_file_names_are_percent_encoded_in_the_disposition() {
        assert_eq!(
            disposition(Some("Дз 5А.pdf")),
            "attachment; filename*=UTF-8''%D0%94%D0%B7%205%D0%90.pdf"
        );
    }
}
