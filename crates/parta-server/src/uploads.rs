//! Uploads (`POST /uploads`, then the upload URL) and downloads (`GET /files/{token}`), with
//! MAX's semantics: a multipart upload in one request, or a resumable one in chunks with
//! `Content-Range`, whose progress a GET on the URL reports. A finished upload is checked by
//! content against the school's file rules (procedure 3.1, `parta-policy`), and only then gets
//! the token that a message attaches. Nothing half-uploaded is ever attachable.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use parta_model::max::Attachment;
use parta_policy::files::{FileRules, Kind};
use serde::{Deserialize, Serialize};

use crate::access;
use crate::auth;
use crate::context::Caller;
use crate::context::School;
use crate::error::{Error, ErrorCode, Result};
use crate::filestore::{FileStore, Staged};
use crate::store::prelude::*;

/// Bytes read to recognise a format and an image's size (a JPEG's size can follow 64 KiB of
/// EXIF data).
const HEAD: usize = 256 * 1024;
/// Longest file name kept.
const MAX_FILENAME_CHARS: usize = 255;
/// Most attachments on one message.
pub const MAX_ATTACHMENTS: usize = 10;

/// What `POST /uploads?type=` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UploadType {
    Image,
    Video,
    Audio,
    File,
}

impl UploadType {
    fn as_str(self) -> &'static str {
        match self {
            UploadType::Image => "image",
            UploadType::Video => "video",
            UploadType::Audio => "audio",
            UploadType::File => "file",
        }
    }

    fn parse(s: &str) -> Option<UploadType> {
        match s {
            "image" => Some(UploadType::Image),
            "video" => Some(UploadType::Video),
            "audio" => Some(UploadType::Audio),
            "file" => Some(UploadType::File),
            _ => None,
        }
    }

    /// Whether content of `kind` may be uploaded as this type: images as images, and so on;
    /// anything allowed may travel as a plain file.
    fn admits(self, kind: Kind) -> bool {
        matches!(
            (self, kind),
            (UploadType::File, _)
                | (UploadType::Image, Kind::Image)
                | (UploadType::Video, Kind::Video)
                | (UploadType::Audio, Kind::Audio)
        )
    }
}

pub use parta_model::max::{UploadEndpoint, UploadStatus};

/// Largest file whose text is read for personal data when its upload completes.
pub const MAX_SCANNED_BYTES: u64 = 20 * 1024 * 1024;

/// The uploads service: the file store, the school's rules, and which uploads are busy.
#[derive(Clone)]
pub struct Uploads {
    store: Arc<dyn FileStore>,
    rules: FileRules,
    busy: Arc<Mutex<HashSet<String>>>,
}

/// Marks an upload as receiving; cleared on drop, so two chunks never interleave.
struct Busy {
    busy: Arc<Mutex<HashSet<String>>>,
    id: String,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.busy
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&self.id);
    }
}

/// One upload as stored.
struct UploadRow {
    kind: UploadType,
    filename: Option<String>,
    total: Option<u64>,
    token: Option<String>,
    complete: bool,
    /// The bytes received (`len`), and where the file store stands with them.
    staged: Staged,
}

/// Cleans a file name from a client: the last path component, no control characters,
/// at most 255 characters. The name is only ever shown and sent back, never used as a path.
pub fn clean_filename(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILENAME_CHARS)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// Parses `Content-Range: bytes START-END/TOTAL` (inclusive END, as HTTP has it).
pub fn parse_content_range(value: &str) -> Result<(u64, u64, u64)> {
    let bad = || {
        Error::bad_request("Content-Range must be 'bytes START-END/TOTAL', e.g. bytes 0-999/5000")
    };
    let rest = value.trim().strip_prefix("bytes ").ok_or_else(bad)?;
    let (range, total) = rest.split_once('/').ok_or_else(bad)?;
    let (start, end) = range.split_once('-').ok_or_else(bad)?;
    let start: u64 = start.trim().parse().map_err(|_| bad())?;
    let end: u64 = end.trim().parse().map_err(|_| bad())?;
    let total: u64 = total.trim().parse().map_err(|_| bad())?;
    if end < start || end >= total {
        return Err(bad());
    }
    Ok((start, end, total))
}

impl Uploads {
    /// The service over `store`, checking finished uploads against `rules`.
    pub fn new(store: Arc<dyn FileStore>, rules: FileRules) -> Self {
        Self {
            store,
            rules,
            busy: Arc::new(Mutex::new(HashSet::new())),
        }
    }

    fn limit(&self, kind: UploadType) -> u64 {
        let limits = &self.rules.limits;
        match kind {
            UploadType::Image => limits.image,
            UploadType::Video => limits.video,
            UploadType::Audio => limits.audio,
            UploadType::File => limits
                .file
                .max(limits.image)
                .max(limits.video)
                .max(limits.audio),
        }
    }

    /// `POST /uploads?type=`: a new upload of the caller's; `base` is the server's URL.
    pub async fn create(
        &self,
        school: &School,
        caller: Caller,
        kind: &str,
        base: &str,
    ) -> Result<UploadEndpoint> {
        let kind = UploadType::parse(kind)
            .ok_or_else(|| Error::bad_request("type must be one of image, video, audio, file"))?;
        let id = auth::random_secret("", 16)?;
        let media_token = match kind {
            UploadType::Video | UploadType::Audio => Some(auth::random_secret("f", 16)?),
            _ => None,
        };
        school
            .read()
            .await?
            .insert_upload(
                &id,
                caller.user_id,
                kind.as_str(),
                media_token.as_deref(),
                school.now_ms(),
            )
            .await?;
        Ok(UploadEndpoint {
            url: format!("{base}/upload/{id}"),
            token: media_token,
        })
    }

    async fn load(&self, school: &School, id: &str) -> Result<UploadRow> {
        let record = school
            .read()
            .await?
            .upload(id)
            .await?
            .ok_or_else(|| Error::not_found("No such upload"))?;
        Ok(UploadRow {
            kind: UploadType::parse(&record.kind).unwrap_or(UploadType::File),
            filename: record.filename,
            total: record.total.map(|t| t.max(0) as u64),
            token: record.token,
            complete: record.complete,
            staged: Staged {
                len: record.received.max(0) as u64,
                state: record.staged,
            },
        })
    }

    fn status_of(row: &UploadRow) -> UploadStatus {
        UploadStatus {
            received: row.staged.len,
            total: row.total,
            complete: row.complete,
            token: if row.complete {
                row.token.clone()
            } else {
                None
            },
        }
    }

    /// GET on the upload URL.
    pub async fn status(&self, school: &School, id: &str) -> Result<UploadStatus> {
        Ok(Self::status_of(&self.load(school, id).await?))
    }

    fn claim(&self, id: &str) -> Result<Busy> {
        let mut busy = self
            .busy
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !busy.insert(id.to_owned()) {
            return Err(Error::conflict(
                "Another part of this upload is being received: wait for it",
            ));
        }
        Ok(Busy {
            busy: self.busy.clone(),
            id: id.to_owned(),
        })
    }

    /// Starts receiving bytes for `id`: checks the upload can take them. `range` is the chunk's
    /// `Content-Range` (resumable) or `None` (a multipart upload, all at once).
    pub async fn begin(
        &self,
        school: &School,
        id: &str,
        range: Option<(u64, u64, u64)>,
        filename: Option<&str>,
    ) -> Result<Receiving> {
        let busy = self.claim(id)?;
        let row = self.load(school, id).await?;
        if row.complete {
            return Err(Error::conflict("This upload is already complete"));
        }
        let limit = self.limit(row.kind);
        let mut staged = row.staged.clone();
        let (start, expected_total) = match range {
            Some((start, _, total)) => {
                if row.total.is_some_and(|known| known != total) {
                    return Err(Error::bad_request(format!(
                        "The total size changed from {} to {total}",
                        row.total.unwrap_or_default()
                    )));
                }
                if start != row.staged.len {
                    return Err(Error::api(
                        ErrorCode::RangeNotSatisfiable,
                        format!("The next chunk must start at byte {}", row.staged.len),
                    ));
                }
                (start, Some(total))
            }
            None => {
                if row.staged != Staged::empty() {
                    // A multipart upload starts over.
                    self.store.remove(id, Some(&row.staged)).await?;
                    staged = Staged::empty();
                }
                (0, None)
            }
        };
        if let Some(total) = expected_total.filter(|t| *t > limit) {
            return Err(too_large(row.kind, total, limit));
        }
        // Bytes past what the database records (a chunk that died half-way) are not part of
        // the upload: the file store goes on from `staged`.
        let filename = filename.and_then(clean_filename).or(row.filename.clone());
        school
            .read()
            .await?
            .start_chunk(
                id,
                expected_total.map(|t| t as i64),
                filename.as_deref(),
                start as i64,
                staged.state.as_deref(),
            )
            .await?;
        let chunk_end = range.map(|(_, end, _)| end + 1);
        Ok(Receiving {
            id: id.to_owned(),
            kind: row.kind,
            recorded: staged.clone(),
            staged,
            pending: Vec::new(),
            written: start,
            until: chunk_end,
            total: expected_total,
            limit,
            _busy: busy,
        })
    }

    /// Appends bytes of the chunk being received.
    pub async fn write(&self, receiving: &mut Receiving, bytes: &[u8]) -> Result<()> {
        let next = receiving.written + bytes.len() as u64;
        if receiving.until.is_some_and(|until| next > until) {
            return Err(Error::bad_request(
                "The chunk is longer than its Content-Range says",
            ));
        }
        if next > receiving.limit {
            return Err(too_large(receiving.kind, next, receiving.limit));
        }
        receiving.pending.extend_from_slice(bytes);
        receiving.written = next;
        if receiving.pending.len() >= self.store.batch() {
            self.flush(receiving).await?;
        }
        Ok(())
    }

    /// Hands the gathered bytes to the file store.
    async fn flush(&self, receiving: &mut Receiving) -> Result<()> {
        if !receiving.pending.is_empty() {
            receiving.staged = self
                .store
                .append(&receiving.id, &receiving.staged, &receiving.pending)
                .await?;
            receiving.pending.clear();
        }
        Ok(())
    }

    /// Ends a chunk (or the multipart upload): records progress and, when everything has
    /// arrived, checks the content and issues the token.
    pub async fn finish(&self, school: &School, mut receiving: Receiving) -> Result<UploadStatus> {
        if let Some(until) = receiving.until
            && receiving.written != until
        {
            self.abandon(&receiving).await;
            return Err(Error::bad_request(
                "The chunk is shorter than its Content-Range says: send it again",
            ));
        }
        let total = receiving.total.unwrap_or(receiving.written);
        if receiving.written < total {
            if let Err(e) = self.flush(&mut receiving).await {
                self.abandon(&receiving).await;
                return Err(e);
            }
            school
                .read()
                .await?
                .set_received(
                    &receiving.id,
                    receiving.written as i64,
                    receiving.staged.state.as_deref(),
                )
                .await?;
            self.tidy(&receiving.id, &receiving.recorded, &receiving.staged)
                .await;
            return self.status(school, &receiving.id).await;
        }
        // Everything is here. The bytes are recorded together with the completion, in one
        // statement: a client that hangs up now (and so cancels this handler) can never leave
        // an upload that has all its bytes but no token. Sealing first is safe: a chunk
        // received again finds the sealed object and seals nothing twice. The last bytes go
        // with the seal (an object store writes them as the last part, not staged first).
        let last = std::mem::take(&mut receiving.pending);
        self.store
            .seal_with(&receiving.id, &receiving.staged, &last)
            .await?;
        let head = self.store.read(&receiving.id, 0, HEAD).await?;
        let verdict = self
            .rules
            .check(&head, total)
            .map_err(|refusal| refusal_error(&refusal))
            .and_then(|accepted| {
                if receiving.kind.admits(accepted.kind) {
                    Ok(accepted)
                } else {
                    Err(Error::api(
                        ErrorCode::FileRefused,
                        format!(
                            "This {} file was uploaded as {}: upload it as a file",
                            accepted.format.name(),
                            receiving.kind.as_str()
                        ),
                    ))
                }
            });
        let accepted = match verdict {
            Ok(accepted) => accepted,
            Err(e) => {
                // A refused file is not kept at all.
                self.store
                    .remove(&receiving.id, Some(&receiving.staged))
                    .await?;
                school.read().await?.delete_upload(&receiving.id).await?;
                return Err(e);
            }
        };
        let token = auth::random_secret("f", 16)?;
        let personal_data = self
            .holds_personal_data(&receiving.id, accepted.format, total)
            .await?;
        school
            .read()
            .await?
            .complete_upload(
                &receiving.id,
                receiving.written as i64,
                accepted.format.name(),
                &token,
                school.now_ms(),
                personal_data,
            )
            .await?;
        self.status(school, &receiving.id).await
    }

    /// Whether a finished upload's text holds personal data (procedure 5.1, 8): read for plain
    /// text, .docx and .odt of up to [`MAX_SCANNED_BYTES`]; other formats (PDF included: no
    /// text extraction is kept here) and larger files are not read.
    async fn holds_personal_data(
        &self,
        id: &str,
        format: parta_policy::files::Format,
        size: u64,
    ) -> Result<bool> {
        use parta_policy::files::Format;
        if !matches!(format, Format::Text | Format::Docx | Format::Odt) || size > MAX_SCANNED_BYTES
        {
            return Ok(false);
        }
        let bytes = self
            .store
            .read(id, 0, usize::try_from(size).unwrap_or(usize::MAX))
            .await?;
        Ok(parta_policy::personal_data::scan_attachment(&bytes).is_some_and(|s| !s.is_empty()))
    }

    /// Lets the file store drop what `before` held and `now` does not; a failure only leaves
    /// a staging object for `seal` or `remove` to delete, so it is logged, not returned.
    async fn tidy(&self, id: &str, before: &Staged, now: &Staged) {
        if let Err(e) = self.store.forget(id, before, now).await {
            tracing::warn!(upload = id, error = %e, "a superseded staging object stays for now");
        }
    }

    /// Forgets the bytes of a chunk that failed half-way (the next try resends it): the upload
    /// stays where its row records it, and what the file store took of this chunk is let go.
    pub async fn abandon(&self, receiving: &Receiving) {
        self.tidy(&receiving.id, &receiving.staged, &receiving.recorded)
            .await;
    }

    /// A complete upload that `caller` may see: its id, name, format and size.
    pub async fn downloadable(
        &self,
        school: &School,
        caller: Caller,
        token: &str,
    ) -> Result<Download> {
        let mut tx = school.read().await?;
        let upload = tx
            .finished_upload(token)
            .await?
            .ok_or_else(|| Error::not_found("No such file"))?;
        if upload.user_id != caller.user_id
            && !tx.upload_visible_to(&upload.id, caller.user_id).await?
            && !access::material_visible(&mut *tx, caller, &upload.id).await?
        {
            return Err(Error::not_found("No such file"));
        }
        Ok(Download {
            id: upload.id,
            filename: upload.filename,
            format: upload.format,
            size: upload.size.max(0) as u64,
        })
    }

    pub async fn read(&self, id: &str, offset: u64, max: usize) -> Result<Vec<u8>> {
        Ok(self.store.read(id, offset, max).await?)
    }

    /// The largest file of `kind` (`image`, `video`, `audio`, `file`) the school accepts.
    pub fn limit_for(&self, kind: &str) -> u64 {
        self.limit(UploadType::parse(kind).unwrap_or(UploadType::File))
    }

    /// A whole file that arrives from elsewhere (the MAX bridge), owned by `owner_id`: stored
    /// and checked by the same rules as an upload. Its upload id; on a refusal nothing is kept.
    pub async fn import(
        &self,
        school: &School,
        owner_id: i64,
        kind: &str,
        filename: Option<&str>,
        bytes: &[u8],
    ) -> Result<String> {
        let kind = UploadType::parse(kind).unwrap_or(UploadType::File);
        let id = auth::random_secret("", 16)?;
        school
            .read()
            .await?
            .insert_upload(&id, owner_id, kind.as_str(), None, school.now_ms())
            .await?;
        let stored = async {
            let mut receiving = self.begin(school, &id, None, filename).await?;
            self.write(&mut receiving, bytes).await?;
            self.finish(school, receiving).await
        }
        .await;
        match stored {
            Ok(_) => Ok(id),
            Err(e) => {
                // A refusal has removed it already; anything else is removed here. The
                // refusal is what the caller needs to hear, not a failed clean-up.
                let _ = self.store.remove(&id, None).await;
                if let Ok(mut tx) = school.read().await {
                    let _ = tx.delete_upload(&id).await;
                }
                Err(e)
            }
        }
    }

    /// A finished upload by its attachment token: its id, name, format and size, whoever
    /// owns it (the bridge, carrying a message's files to MAX).
    pub async fn by_token(&self, school: &School, token: &str) -> Result<Option<Download>> {
        Ok(school
            .read()
            .await?
            .finished_upload(token)
            .await?
            .map(|upload| Download {
                id: upload.id,
                filename: upload.filename,
                format: upload.format,
                size: upload.size.max(0) as u64,
            }))
    }
}

/// A chunk being received.
pub struct Receiving {
    id: String,
    kind: UploadType,
    /// Where the file store stood when the chunk began (as the upload's row records it).
    recorded: Staged,
    /// Where it stands with the bytes handed to it so far.
    staged: Staged,
    /// Bytes received and not yet handed to the file store.
    pending: Vec<u8>,
    written: u64,
    until: Option<u64>,
    total: Option<u64>,
    limit: u64,
    _busy: Busy,
}

/// A file to send back.
#[derive(Debug, Clone)]
pub struct Download {
    pub id: String,
    pub filename: Option<String>,
    pub format: Option<String>,
    pub size: u64,
}

fn too_large(kind: UploadType, size: u64, limit: u64) -> Error {
    const MB: u64 = 1024 * 1024;
    Error::api(
        ErrorCode::FileRefused,
        format!(
            "The {} is too large: {:.1} MB, the limit is {} MB",
            kind.as_str(),
            size as f64 / MB as f64,
            limit / MB
        ),
    )
}

fn refusal_error(refusal: &parta_policy::files::FileRefusal) -> Error {
    use parta_policy::files::FileRefusal;
    let message = match refusal {
        FileRefusal::FormatNotAllowed { format } => format!(
            "Files of this type ({}) are not allowed in the school's chats",
            format.name()
        ),
        FileRefusal::TooLarge {
            format,
            size_mb,
            limit_mb,
        } => format!(
            "The {} file is too large: {size_mb:.1} MB, the limit is {limit_mb} MB",
            format.name()
        ),
        FileRefusal::Empty => "The file is empty".to_owned(),
        FileRefusal::TooManyPixels {
            width,
            height,
            limit,
        } => format!("The image is {width}×{height} points; the limit is {limit}×{limit}"),
    };
    Error::api(ErrorCode::FileRefused, message)
}

/// The token inside an attachment request (`payload.token`, or the first of an image's
/// `payload.photos`).
fn requested_token(attachment: &Attachment) -> Option<String> {
    let payload = attachment.payload.as_ref()?;
    if let Some(token) = payload.get("token").and_then(|t| t.as_str()) {
        return Some(token.to_owned());
    }
    payload
        .get("photos")
        .and_then(|p| p.as_object())
        .and_then(|photos| photos.values().next())
        .and_then(|photo| photo.get("token"))
        .and_then(|t| t.as_str())
        .map(str::to_owned)
}

/// Checks the attachments of a new message and returns the uploads they name, in order.
/// The caller must have uploaded each file, or be able to see a message that carries it.
pub async fn resolve_attachments(
    tx: &mut dyn Tx,
    caller: Caller,
    attachments: &[Attachment],
) -> Result<Vec<String>> {
    if attachments.len() > MAX_ATTACHMENTS {
        return Err(Error::bad_request(format!(
            "A message carries at most {MAX_ATTACHMENTS} attachments"
        )));
    }
    let alone = attachments
        .iter()
        .any(|a| a.kind == "file" || a.kind == "audio");
    if alone && attachments.len() > 1 {
        return Err(Error::bad_request(
            "A file or audio attachment must be the only attachment of its message",
        ));
    }
    let unknown = || Error::bad_request("This attachment's upload is unknown or not complete yet");
    let mut ids = Vec::with_capacity(attachments.len());
    for attachment in attachments {
        let kind = UploadType::parse(&attachment.kind).ok_or_else(|| {
            Error::bad_request(format!(
                "Attachments of type '{}' are not accepted here",
                attachment.kind
            ))
        })?;
        let token = requested_token(attachment)
            .ok_or_else(|| Error::bad_request("An attachment needs the token of an upload"))?;
        let upload = tx.finished_upload(&token).await?.ok_or_else(unknown)?;
        if upload.kind != kind.as_str() {
            return Err(Error::bad_request(format!(
                "This upload is a {}, not a {}",
                upload.kind,
                kind.as_str()
            )));
        }
        if upload.user_id != caller.user_id
            && !tx.upload_visible_to(&upload.id, caller.user_id).await?
        {
            return Err(unknown());
        }
        ids.push(upload.id);
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_paths_and_control_characters() {
        assert_eq!(
            clean_filename("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(
            clean_filename("C:\\Users\\Анна\\Дз.pdf").as_deref(),
            Some("Дз.pdf")
        );
        assert_eq!(clean_filename("a\u{0}b\nc.txt").as_deref(), Some("abc.txt"));
        assert_eq!(clean_filename("..").as_deref(), None);
        assert_eq!(clean_filename("").as_deref(), None);
        assert_eq!(
            clean_filename(&"я".repeat(300)).map(|n| n.chars().count()),
            Some(255)
        );
    }

    #[test]
    fn content_ranges_are_parsed_and_nonsense_is_refused() {
        assert_eq!(
            parse_content_range("bytes 0-99/1000").ok(),
            Some((0, 99, 1000))
        );
        assert_eq!(
            parse_content_range("bytes 900-999/1000").ok(),
            Some((900, 999, 1000))
        );
        for bad in [
            "bytes 5-4/10",
            "bytes 0-10/10",
            "0-9/10",
            "bytes a-b/c",
            "bytes 0-9",
        ] {
            assert!(parse_content_range(bad).is_err(), "{bad}");
        }
    }
}
