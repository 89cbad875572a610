//! Files: checking before upload, uploading (one multipart request for small files, resumable
//! chunks with `Content-Range` for large ones, resumed after a restart from what the server says
//! it has), downloading with resume, and the offline file cache (least recently used evicted
//! past a size limit).
//!
//! Layout under the session's files directory:
//! - `outbox/<local id>/<n>-<name>`: the app's copy of a file waiting to be sent (the original
//!   may be moved or deleted as soon as the message is written);
//! - `cache/<token>-<name>`: files kept for reading offline; `<…>.part` while downloading.

use std::io::SeekFrom;
use std::path::{Path, PathBuf};

use parta_model::max::UploadStatus;
use parta_policy::files::{FileRules, Kind};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use crate::api::ApiClient;
use crate::error::{Error, Result};
use crate::now_ms;
use crate::store::{CachedFile, OutboxFile, Store};

/// Files up to this size go in one multipart request; larger ones in chunks of this size.
pub const CHUNK: u64 = 1024 * 1024;
/// Bytes read to recognise a format (as the server does).
const HEAD: usize = 256 * 1024;
/// Most files on one message (as the server allows).
pub const MAX_FILES: usize = 10;

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::File(format!("{what} {}: {e}", path.display()))
}

/// The name a file is sent under: its own name without any directory, at most 255 characters.
pub fn display_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "файл".into());
    name.chars().take(255).collect()
}

/// A name safe to use inside the app's directories on every OS: letters, digits and `.-_`
/// kept, the rest `_`; at most 100 characters.
pub(crate) fn safe(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() {
        "file".into()
    } else {
        trimmed.to_owned()
    }
}

/// Checks a file the way the school's server will (format by content, size, image
/// dimensions), so a refusal is a sentence before sending, not a failure after. Returns its
/// size and MAX upload type.
pub async fn check(path: &Path, rules: &FileRules) -> Result<(u64, &'static str)> {
    let name = display_name(path);
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| Error::InvalidInput(format!("{name}: не удаётся открыть файл ({e})")))?;
    if !meta.is_file() {
        return Err(Error::InvalidInput(format!("{name}: это не файл")));
    }
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| Error::InvalidInput(format!("{name}: не удаётся открыть файл ({e})")))?;
    let mut head = vec![0u8; HEAD];
    let mut filled = 0;
    while filled < HEAD {
        let n = file
            .read(&mut head[filled..])
            .await
            .map_err(|e| io("cannot read", path, e))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    head.truncate(filled);
    let accepted = rules
        .check(&head, meta.len())
        .map_err(|refusal| Error::InvalidInput(format!("{name}: {refusal}")))?;
    let kind = match accepted.kind {
        Kind::Image => "image",
        Kind::Video => "video",
        Kind::Audio => "audio",
        Kind::File => "file",
    };
    Ok((meta.len(), kind))
}

/// Copies checked files into the outbox directory of one message.
pub async fn stage(
    files_dir: &Path,
    local_id: &str,
    sources: &[PathBuf],
    rules: &FileRules,
) -> Result<Vec<OutboxFile>> {
    if sources.len() > MAX_FILES {
        return Err(Error::InvalidInput(format!(
            "к одному сообщению можно приложить не больше {MAX_FILES} файлов"
        )));
    }
    let mut checked = Vec::with_capacity(sources.len());
    for source in sources {
        checked.push((source, check(source, rules).await?));
    }
    let dir = files_dir.join("outbox").join(safe(local_id));
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| io("cannot create", &dir, e))?;
    let mut staged = Vec::with_capacity(checked.len());
    for (n, (source, (size, kind))) in checked.into_iter().enumerate() {
        let name = display_name(source);
        let copy = dir.join(format!("{n}-{}", safe(&name)));
        if let Err(e) = tokio::fs::copy(source, &copy).await {
            let _ = tokio::fs::remove_dir_all(&dir).await;
            return Err(io("cannot copy", source, e));
        }
        staged.push(OutboxFile {
            name,
            path: copy,
            size,
            kind: kind.to_owned(),
            upload_url: None,
            token: None,
        });
    }
    Ok(staged)
}

/// Removes a message's outbox copies (after delivery or when the user gives up on it).
pub async fn unstage(files_dir: &Path, local_id: &str) {
    let dir = files_dir.join("outbox").join(safe(local_id));
    let _ = tokio::fs::remove_dir_all(dir).await;
}

/// Where an upload stands before sending bytes: what the server has, and the token if the
/// server gave one at once (video and audio, as MAX does).
#[derive(Debug)]
pub struct Prepared {
    status: UploadStatus,
    known_token: Option<String>,
    /// A new upload URL was asked for: the caller saves `file` before sending any bytes, so a
    /// restart resumes instead of starting over.
    pub created: bool,
}

/// Step one of an upload: resumes at the saved URL (asking the server how much it has), or
/// asks for a new URL when there is none or the server forgot it.
pub async fn prepare(api: &ApiClient, file: &mut OutboxFile) -> Result<Prepared> {
    let fresh = || UploadStatus {
        received: 0,
        total: None,
        complete: false,
        token: None,
    };
    if let Some(url) = file.upload_url.clone() {
        match api.upload_status(&url).await {
            // All bytes there but never finished (an older server could be left so when the
            // connection broke at the very end): nothing more can be sent there; start over.
            Ok(status) if !status.complete && status.received >= file.size => {
                file.upload_url = None;
            }
            Ok(status) => {
                return Ok(Prepared {
                    status,
                    known_token: None,
                    created: false,
                });
            }
            // Expired, or the server restarted without it: start over.
            Err(Error::Server { status: 404, .. }) => file.upload_url = None,
            Err(e) => return Err(e),
        }
    }
    let endpoint = api.create_upload(&file.kind).await?;
    file.upload_url = Some(endpoint.url);
    Ok(Prepared {
        status: fresh(),
        known_token: endpoint.token,
        created: true,
    })
}

/// Step two: sends what the server does not have yet (one multipart request for a small file,
/// chunks with `Content-Range` otherwise), calling `progress` with bytes sent and the total.
/// Returns the attachment token (also set on `file`).
pub async fn transfer(
    api: &ApiClient,
    file: &mut OutboxFile,
    prepared: Prepared,
    mut progress: impl FnMut(u64, u64),
) -> Result<String> {
    let Prepared {
        mut status,
        known_token,
        ..
    } = prepared;
    let url = file
        .upload_url
        .clone()
        .ok_or_else(|| Error::Protocol("an upload without a URL".into()))?;
    let total = file.size;
    progress(status.received.min(total), total);
    if !status.complete {
        let mut source = tokio::fs::File::open(&file.path)
            .await
            .map_err(|e| io("cannot read", &file.path, e))?;
        if total <= CHUNK && status.received == 0 {
            let mut bytes = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
            source
                .read_to_end(&mut bytes)
                .await
                .map_err(|e| io("cannot read", &file.path, e))?;
            status = api.upload_whole(&url, &file.name, bytes).await?;
            progress(status.received.min(total), total);
        }
        while !status.complete {
            let start = status.received;
            if start >= total {
                return Err(Error::Protocol(
                    "the server has the whole file but did not finish the upload".into(),
                ));
            }
            let length = CHUNK.min(total - start);
            source
                .seek(SeekFrom::Start(start))
                .await
                .map_err(|e| io("cannot read", &file.path, e))?;
            let mut bytes = vec![0u8; usize::try_from(length).unwrap_or(0)];
            source
                .read_exact(&mut bytes)
                .await
                .map_err(|e| io("cannot read", &file.path, e))?;
            let next = api
                .upload_chunk(&url, &file.name, start, bytes, total)
                .await?;
            if !next.complete && next.received <= start {
                return Err(Error::Protocol(format!(
                    "the upload did not advance past byte {start}"
                )));
            }
            status = next;
            progress(status.received.min(total), total);
        }
    }
    let token = status
        .token
        .or(known_token)
        .ok_or_else(|| Error::Protocol("the finished upload has no token".into()))?;
    file.token = Some(token.clone());
    Ok(token)
}

/// Where a kept file lives in the cache directory.
pub fn cache_path(files_dir: &Path, token: &str, name: &str) -> PathBuf {
    let token: String = safe(token).chars().take(64).collect();
    files_dir
        .join("cache")
        .join(format!("{token}-{}", safe(name)))
}

/// Keeps a file (sent or downloaded) in the cache, then evicts the least recently used ones
/// until the cache fits in `limit` bytes (the file just kept always stays).
pub async fn keep(
    store: &dyn Store,
    files_dir: &Path,
    token: &str,
    name: &str,
    size: u64,
    limit: u64,
) -> Result<()> {
    store
        .file_put(&CachedFile {
            token: token.to_owned(),
            name: name.to_owned(),
            size,
            last_used: now_ms(),
        })
        .await?;
    let kept = store.files().await?;
    let mut total: u64 = kept.iter().map(|f| f.size).sum();
    for old in kept {
        if total <= limit {
            break;
        }
        if old.token == token {
            continue;
        }
        let _ = tokio::fs::remove_file(cache_path(files_dir, &old.token, &old.name)).await;
        store.file_remove(&old.token).await?;
        total = total.saturating_sub(old.size);
    }
    Ok(())
}

/// A file from the cache, or downloaded into it (resuming a `.part` left by an interrupted
/// download). `progress` gets bytes so far and the total.
pub async fn fetch(
    api: &ApiClient,
    store: &dyn Store,
    files_dir: &Path,
    token: &str,
    name: &str,
    limit: u64,
    mut progress: impl FnMut(u64, u64),
) -> Result<PathBuf> {
    let path = cache_path(files_dir, token, name);
    if let Some(mut kept) = store.file(token).await?
        && tokio::fs::try_exists(&path).await.unwrap_or(false)
    {
        // Opened again: now the most recently used. The cache did not grow, so nothing to evict.
        kept.last_used = now_ms();
        store.file_put(&kept).await?;
        return Ok(path);
    }
    let dir = files_dir.join("cache");
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| io("cannot create", &dir, e))?;
    let part = PathBuf::from(format!("{}.part", path.display()));
    let have = tokio::fs::metadata(&part)
        .await
        .map(|m| m.len())
        .unwrap_or(0);
    let mut response = api.download(token, have).await?;
    let resumed = response.status() == reqwest::StatusCode::PARTIAL_CONTENT;
    let start = if resumed { have } else { 0 };
    let total = start + response.content_length().unwrap_or(0);
    let mut out = tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(resumed)
        .truncate(!resumed)
        .open(&part)
        .await
        .map_err(|e| io("cannot write", &part, e))?;
    let mut done = start;
    progress(done, total);
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Error::Offline(e.without_url().to_string()))?
    {
        out.write_all(&chunk)
            .await
            .map_err(|e| io("cannot write", &part, e))?;
        done += chunk.len() as u64;
        progress(done, total.max(done));
    }
    out.sync_all()
        .await
        .map_err(|e| io("cannot write", &part, e))?;
    drop(out);
    if total > 0 && done != total {
        return Err(Error::Offline(format!(
            "the download broke off at {done} of {total} bytes; it will resume"
        )));
    }
    tokio::fs::rename(&part, &path)
        .await
        .map_err(|e| io("cannot write", &path, e))?;
    keep(store, files_dir, token, name, done, limit).await?;
    Ok(path)
}

/// Moves a sent file's outbox copy into the cache under its token (so the sender can open it
/// offline without downloading it again).
pub async fn adopt(
    store: &dyn Store,
    files_dir: &Path,
    file: &OutboxFile,
    limit: u64,
) -> Result<()> {
    let Some(token) = &file.token else {
        return Ok(());
    };
    let path = cache_path(files_dir, token, &file.name);
    let dir = files_dir.join("cache");
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| io("cannot create", &dir, e))?;
    tokio::fs::rename(&file.path, &path)
        .await
        .map_err(|e| io("cannot move", &file.path, e))?;
    keep(store, files_dir, token, &file.name, file.size, limit).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_inside_the_app_directories_cannot_escape_them() {
        for name in ["../../etc/passwd", "..", "/abs", "a\\b", "con:1", ""] {
            let s = safe(name);
            assert!(
                !s.contains('/') && !s.contains('\\') && !s.starts_with('.'),
                "{s}"
            );
            assert!(!s.is_empty());
        }
        assert_eq!(safe("Расписание 5А.pdf"), "Расписание_5А.pdf");
        let p = cache_path(Path::new("/data/files"), "../x", "../../evil");
        assert!(p.starts_with("/data/files/cache"), "{}", p.display());
        assert_eq!(p.components().count(), 5);
    }

    #[tokio::test]
    async fn a_file_is_checked_by_its_content_not_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let rules = FileRules::default();
        let fake = dir.path().join("фото.jpg");
        tokio::fs::write(&fake, b"MZ\x90\x00 this is a program")
            .await
            .unwrap();
        let refused = check(&fake, &rules).await.unwrap_err().to_string();
        assert!(refused.starts_with("фото.jpg: файл"), "{refused}");
        assert!(refused.contains("не разрешён"), "{refused}");
        let empty = dir.path().join("пусто.txt");
        tokio::fs::write(&empty, b"").await.unwrap();
        assert!(
            check(&empty, &rules)
                .await
                .unwrap_err()
                .to_string()
                .contains("пустой")
        );
        let text = dir.path().join("список.txt");
        tokio::fs::write(&text, "Список класса\n".as_bytes())
            .await
            .unwrap();
        assert_eq!(check(&text, &rules).await.unwrap(), (26, "file"));
        let missing = check(&dir.path().join("нет.pdf"), &rules)
            .await
            .unwrap_err();
        assert!(
            missing.to_string().contains("не удаётся открыть"),
            "{missing}"
        );
    }
}
