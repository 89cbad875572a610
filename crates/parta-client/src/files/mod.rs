//! Files: checking before upload, uploading (one multipart request for small files, resumable
//! chunks with `Content-Range` for large ones, resumed after a restart from what the server says
//! it has), downloading with resume, and the offline file cache (least recently used evicted
//! past a size limit).
//!
//! Every file kept under the profile's files directory is sealed under the profile's key
//! ([`sealed`]), and no name on disk says what a file is:
//! - `outbox/<local id>/<n>`: the app's copy of a file waiting to be sent (the original may be
//!   moved or deleted as soon as the message is written);
//! - `cache/<hash of the token>`: files kept for reading offline; `<…>.part` while downloading.
//!
//! A file opened in another application is written out, opened, into a folder only its person
//! can read under the session's runtime directory (memory on Linux), removed when the session
//! stops and at its next start ([`FileVault::viewing`]).

pub mod sealed;

use std::io::SeekFrom;
use std::path::{Path, PathBuf};

use parta_model::max::UploadStatus;
use parta_policy::files::{FileRules, Kind};
use sha2::Digest;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::api::ApiClient;
use crate::error::{Error, Result};
use crate::now_ms;
use crate::store::{CachedFile, OutboxFile, Store};

pub use sealed::FileKey;
use sealed::{SealedReader, SealedWriter};

/// Where a profile keeps its files and the key they are sealed under.
#[derive(Debug, Clone)]
pub struct FileVault {
    dir: PathBuf,
    key: FileKey,
    viewing: PathBuf,
}

impl FileVault {
    /// Files under `dir`, sealed under `key`; opened copies go to a folder of their own under
    /// the runtime directory (`$XDG_RUNTIME_DIR`, else the temporary directory).
    pub fn new(dir: impl Into<PathBuf>, key: FileKey) -> Self {
        let dir = dir.into();
        let viewing = viewing_for(&dir);
        Self { dir, key, viewing }
    }

    /// The files directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key files are sealed under.
    pub fn key(&self) -> &FileKey {
        &self.key
    }

    /// Where files opened in another application are written out (see the module's doc).
    pub fn viewing(&self) -> &Path {
        &self.viewing
    }

    /// Removes every opened copy (when the session stops, and left-overs at its start).
    pub async fn clear_viewing(&self) {
        let _ = tokio::fs::remove_dir_all(&self.viewing).await;
    }

    /// Writes the kept file at `sealed_path` out, opened, for another application: a fresh
    /// folder per opening (a copy still open elsewhere is never overwritten), named as sent.
    pub async fn open_copy(&self, sealed_path: &Path, name: &str) -> Result<PathBuf> {
        let folder = self.viewing.join(uuid::Uuid::new_v4().simple().to_string());
        private_dir(&folder)
            .await
            .map_err(|e| io("cannot create", &folder, e))?;
        let copy = folder.join(safe(name));
        let mut reader = SealedReader::open(sealed_path, &self.key)
            .await
            .map_err(|e| io("cannot open", sealed_path, e))?;
        reader
            .copy_to(&copy)
            .await
            .map_err(|e| io("cannot open", sealed_path, e))?;
        Ok(copy)
    }

    /// The bytes of the kept file at `sealed_path` when it holds at most `max` (else `None`).
    pub async fn read_small(&self, sealed_path: &Path, max: u64) -> Result<Option<Vec<u8>>> {
        let mut reader = SealedReader::open(sealed_path, &self.key)
            .await
            .map_err(|e| io("cannot open", sealed_path, e))?;
        if reader.len() > max {
            return Ok(None);
        }
        reader
            .read_all()
            .await
            .map(Some)
            .map_err(|e| io("cannot open", sealed_path, e))
    }
}

/// Where files of the files directory `dir` are written out opened (see the module's doc).
pub fn viewing_for(dir: &Path) -> PathBuf {
    let digest = sha2::Sha256::digest(dir.to_string_lossy().as_bytes());
    let folder = format!("parta-open-{}", hex::encode(&digest[..8]));
    dirs::runtime_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join(folder)
}

/// A folder (and its parent, the viewing folder) that only this user can open. Where the
/// viewing folder is in a shared temporary directory (no runtime directory), one that someone
/// else made there first, or a link, is refused rather than written into.
async fn private_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if let Some(parent) = path.parent()
        && tokio::fs::symlink_metadata(parent).await.is_ok()
    {
        own_folder(parent).await?;
    }
    let mut builder = tokio::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(path).await?;
    #[cfg(unix)]
    if let Some(parent) = path.parent() {
        use std::os::unix::fs::PermissionsExt;
        own_folder(parent).await?;
        tokio::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o700)).await?;
    }
    Ok(())
}

/// Refuses a folder that is a link or belongs to another user.
#[cfg(unix)]
async fn own_folder(folder: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = tokio::fs::symlink_metadata(folder).await?;
    #[cfg(target_os = "linux")]
    let mine = meta.uid() == rustix::process::geteuid().as_raw();
    #[cfg(not(target_os = "linux"))]
    let mine = true;
    if meta.is_dir() && mine {
        Ok(())
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("{} is not this user's own folder", folder.display()),
        ))
    }
}

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

/// Seals copies of checked files into the outbox directory of one message.
pub async fn stage(
    vault: &FileVault,
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
    let dir = vault.dir.join("outbox").join(safe(local_id));
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| io("cannot create", &dir, e))?;
    let mut staged = Vec::with_capacity(checked.len());
    for (n, (source, (_, kind))) in checked.into_iter().enumerate() {
        let copy = dir.join(n.to_string());
        let size = match sealed::seal_file(source, &copy, &vault.key).await {
            Ok(size) => size,
            Err(e) => {
                let _ = tokio::fs::remove_dir_all(&dir).await;
                return Err(io("cannot copy", source, e));
            }
        };
        staged.push(OutboxFile {
            name: display_name(source),
            path: copy,
            size,
            kind: kind.to_owned(),
            upload_url: None,
            token: None,
            sealed: true,
        });
    }
    Ok(staged)
}

/// Removes a message's outbox copies (after delivery or when the user gives up on it).
pub async fn unstage(vault: &FileVault, local_id: &str) {
    let dir = vault.dir.join("outbox").join(safe(local_id));
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

/// The bytes of a file being uploaded: the app's sealed copy, or the person's own file.
enum Source {
    Plain(tokio::fs::File),
    Sealed(SealedReader),
}

impl Source {
    async fn open(file: &OutboxFile, key: Option<&FileKey>) -> Result<Self> {
        let path = &file.path;
        if file.sealed {
            let key = key.ok_or_else(|| {
                Error::InvalidInput("files cannot be sent in this session".into())
            })?;
            SealedReader::open(path, key)
                .await
                .map(Self::Sealed)
                .map_err(|e| io("cannot read", path, e))
        } else {
            tokio::fs::File::open(path)
                .await
                .map(Self::Plain)
                .map_err(|e| io("cannot read", path, e))
        }
    }

    /// Exactly `len` bytes from `offset`.
    async fn read_at(&mut self, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
        match self {
            Self::Plain(file) => {
                file.seek(SeekFrom::Start(offset)).await?;
                let mut bytes = vec![0u8; usize::try_from(len).unwrap_or(0)];
                file.read_exact(&mut bytes).await?;
                Ok(bytes)
            }
            Self::Sealed(reader) => {
                let bytes = reader.read_at(offset, len).await?;
                if bytes.len() as u64 == len {
                    Ok(bytes)
                } else {
                    Err(std::io::ErrorKind::UnexpectedEof.into())
                }
            }
        }
    }
}

/// Step two: sends what the server does not have yet (one multipart request for a small file,
/// chunks with `Content-Range` otherwise), calling `progress` with bytes sent and the total.
/// `key` opens the app's sealed copies. Returns the attachment token (also set on `file`).
pub async fn transfer(
    api: &ApiClient,
    key: Option<&FileKey>,
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
        let mut source = Source::open(file, key).await?;
        if total <= CHUNK && status.received == 0 {
            let bytes = source
                .read_at(0, total)
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
            let bytes = source
                .read_at(start, length)
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

/// Where a kept file lives in the cache directory: named by a hash of its token, so that
/// neither the file's name nor its token is written on disk.
pub fn cache_path(files_dir: &Path, token: &str) -> PathBuf {
    let digest = sha2::Sha256::digest(token.as_bytes());
    files_dir.join("cache").join(hex::encode(&digest[..16]))
}

/// Where an older Parta kept a file, plain and named: `cache/<token>-<name>`.
fn legacy_cache_path(files_dir: &Path, token: &str, name: &str) -> PathBuf {
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
        let path = cache_path(files_dir, &old.token);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            // Open elsewhere (Windows keeps an open file): kept, and tried again next time,
            // rather than forgotten while its bytes stay on the disk.
            Err(e) => {
                tracing::warn!(error = %e, "a cached file could not be evicted yet");
                continue;
            }
        }
        store.file_remove(&old.token).await?;
        total = total.saturating_sub(old.size);
    }
    Ok(())
}

/// The sealed path of a file from the cache, or downloaded into it (resuming a `.part` left by
/// an interrupted download after its whole chunks). `progress` gets bytes so far and the total.
pub async fn fetch(
    api: &ApiClient,
    store: &dyn Store,
    vault: &FileVault,
    token: &str,
    name: &str,
    limit: u64,
    mut progress: impl FnMut(u64, u64),
) -> Result<PathBuf> {
    let files_dir = vault.dir();
    let path = cache_path(files_dir, token);
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
    let (mut out, have) = SealedWriter::resume(&part, vault.key())
        .await
        .map_err(|e| io("cannot write", &part, e))?;
    let mut response = api.download(token, have).await?;
    let resumed = response.status() == reqwest::StatusCode::PARTIAL_CONTENT;
    if !resumed && have > 0 {
        // The server sends the whole file: start the kept copy over (the resumed writer is
        // closed first; it wrote nothing).
        drop(out);
        out = SealedWriter::create(&part, vault.key())
            .await
            .map_err(|e| io("cannot write", &part, e))?;
    }
    let start = if resumed { have } else { 0 };
    let total = start + response.content_length().unwrap_or(0);
    let mut done = start;
    progress(done, total);
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Error::Offline(e.without_url().to_string()))?
    {
        out.write(&chunk)
            .await
            .map_err(|e| io("cannot write", &part, e))?;
        done += chunk.len() as u64;
        progress(done, total.max(done));
    }
    if total > 0 && done != total {
        return Err(Error::Offline(format!(
            "the download broke off at {done} of {total} bytes; it will resume"
        )));
    }
    out.finish()
        .await
        .map_err(|e| io("cannot write", &part, e))?;
    tokio::fs::rename(&part, &path)
        .await
        .map_err(|e| io("cannot write", &path, e))?;
    keep(store, files_dir, token, name, done, limit).await?;
    Ok(path)
}

/// Moves a sent file's sealed outbox copy into the cache under its token (so the sender can
/// open it offline without downloading it again).
pub async fn adopt(
    store: &dyn Store,
    files_dir: &Path,
    file: &OutboxFile,
    limit: u64,
) -> Result<()> {
    let Some(token) = &file.token else {
        return Ok(());
    };
    if !file.sealed {
        return Ok(());
    }
    let path = cache_path(files_dir, token);
    let dir = files_dir.join("cache");
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| io("cannot create", &dir, e))?;
    tokio::fs::rename(&file.path, &path)
        .await
        .map_err(|e| io("cannot move", &file.path, e))?;
    keep(store, files_dir, token, &file.name, file.size, limit).await
}

/// Seals what an older Parta left plain under the files directory: kept files (moved to their
/// new names), and outbox copies (sealed in place, their items updated). Plain partial
/// downloads are removed. Nothing is lost: a plain file goes only once its sealed copy is
/// complete. Returns how many files were sealed.
pub async fn seal_legacy(store: &crate::store::ProfileStore, vault: &FileVault) -> Result<usize> {
    let files_dir = vault.dir();
    let mut sealed_count = 0;
    // Kept files are named by a hash now (32 hex digits, `.part` while downloading): anything
    // else in `cache/` is an older Parta's. One listing at each start; the kept files' records
    // are read only when there is something to seal.
    let mut legacy = Vec::new();
    if let Ok(mut entries) = tokio::fs::read_dir(files_dir.join("cache")).await {
        while let Ok(Some(entry)) = entries.next_entry().await {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".part").unwrap_or(&name);
            let ours = stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit());
            if ours {
                continue;
            }
            if name.ends_with(".part") {
                // A plain partial download: downloaded again when opened.
                let _ = tokio::fs::remove_file(entry.path()).await;
            } else {
                legacy.push(entry.path());
            }
        }
    }
    if !legacy.is_empty() {
        for kept in store.shared().files().await? {
            let old = legacy_cache_path(files_dir, &kept.token, &kept.name);
            if !legacy.contains(&old) {
                continue;
            }
            let target = cache_path(files_dir, &kept.token);
            sealed::seal_file(&old, &target, vault.key())
                .await
                .map_err(|e| io("cannot seal", &old, e))?;
            let _ = tokio::fs::remove_file(&old).await;
            sealed_count += 1;
        }
    }
    let outbox_dir = files_dir.join("outbox");
    for mut item in store.outbox().await? {
        let mut changed = false;
        for file in &mut item.attachments {
            if file.sealed || !file.path.starts_with(&outbox_dir) {
                continue;
            }
            if tokio::fs::try_exists(&file.path).await.unwrap_or(false) {
                sealed::seal_file(&file.path, &file.path, vault.key())
                    .await
                    .map_err(|e| io("cannot seal", &file.path, e))?;
                sealed_count += 1;
            }
            file.sealed = true;
            changed = true;
        }
        if changed {
            store.outbox_update(&item).await?;
        }
    }
    Ok(sealed_count)
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
        let p = cache_path(Path::new("/data/files"), "../x");
        assert!(p.starts_with("/data/files/cache"), "{}", p.display());
        assert_eq!(p.components().count(), 5);
        let named = cache_path(Path::new("/data/files"), "f_9c1d3e_Справка");
        assert!(
            !named.to_string_lossy().contains("9c1d3e"),
            "{}",
            named.display()
        );
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn opened_copies_go_only_into_a_folder_of_this_users_own() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let viewing = dir.path().join("parta-open-x");
        private_dir(&viewing.join("one")).await.unwrap();
        let mode = std::fs::metadata(&viewing).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        // A link planted where the viewing folder would be is not followed.
        let elsewhere = dir.path().join("someone-elses");
        std::fs::create_dir(&elsewhere).unwrap();
        let planted = dir.path().join("parta-open-y");
        std::os::unix::fs::symlink(&elsewhere, &planted).unwrap();
        let refused = private_dir(&planted.join("two")).await.unwrap_err();
        assert_eq!(refused.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(
            !elsewhere.join("two").exists(),
            "nothing made through the link"
        );
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
