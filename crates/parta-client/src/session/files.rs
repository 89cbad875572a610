//! Files of the cached chats: the list, opening one through the offline file cache, and image
//! previews for the timeline.

use std::path::PathBuf;

use parta_model::view::AppEvent;

use crate::error::Result;
use crate::files;

use super::Session;

/// The largest image shown in the timeline itself (bigger ones open in the system's viewer).
pub const PREVIEW_MAX_BYTES: u64 = 4 * 1024 * 1024;

/// The media type of an image the webview shows, by its first bytes.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The largest file whose text is read for personal data before it is sent (the school's
/// server reads the same, `parta_server::uploads::MAX_SCANNED_BYTES`).
pub const SCANNED_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// Personal data in files about to be sent (procedure 5.1, 8): the text of plain-text, .docx
/// and .odt files, as the school's server reads it. One note per file that holds some (rule
/// `personal_data_file`, `kind` the file's name); unreadable files and other formats are left to
/// the server. Works offline.
pub async fn check_files(paths: &[PathBuf]) -> Vec<parta_model::view::PolicyNote> {
    let mut notes = Vec::new();
    for path in paths {
        let small = tokio::fs::metadata(path)
            .await
            .is_ok_and(|m| m.is_file() && m.len() <= SCANNED_MAX_BYTES);
        if !small {
            continue;
        }
        let Ok(bytes) = tokio::fs::read(path).await else {
            continue;
        };
        if parta_policy::personal_data::scan_attachment(&bytes).is_some_and(|s| !s.is_empty()) {
            notes.push(parta_model::view::PolicyNote {
                rule: "personal_data_file".into(),
                kind: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            });
        }
    }
    notes
}

/// The most of a file read to count a PDF's pages (a larger one is judged by its size).
const MATERIAL_READ_MAX: u64 = 64 * 1024 * 1024;

/// A whole book or a video among `paths`, sent into a chat where the school warns from
/// `book_pages` pages (procedure 6.2): a note per such file (rule `material_book` or
/// `material_video`, `kind` the file's name).
pub async fn check_material(
    paths: &[PathBuf],
    book_pages: u32,
) -> Vec<parta_model::view::PolicyNote> {
    use tokio::io::AsyncReadExt;
    let mut notes = Vec::new();
    for path in paths {
        let Ok(meta) = tokio::fs::metadata(path).await else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        // A video is known from its first bytes; a PDF's pages need the whole file.
        let want = if meta.len() <= MATERIAL_READ_MAX {
            meta.len()
        } else {
            64 * 1024
        };
        let Ok(file) = tokio::fs::File::open(path).await else {
            continue;
        };
        let mut bytes = Vec::with_capacity(usize::try_from(want).unwrap_or(0));
        if file.take(want).read_to_end(&mut bytes).await.is_err() {
            continue;
        }
        if let Some(material) = parta_policy::material::judge(&bytes, meta.len(), book_pages) {
            notes.push(parta_model::view::PolicyNote {
                rule: format!("material_{}", material.name()),
                kind: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            });
        }
    }
    notes
}

impl Session {
    /// Whole books and videos among `paths` about to be sent into `chat_id`, where the school
    /// warns about them (the chat says so, `parta_material_pages`). Offline, the default rule
    /// of class chats applies: only a warning, and the stricter guess.
    pub async fn check_material(
        &self,
        chat_id: i64,
        paths: &[PathBuf],
    ) -> Vec<parta_model::view::PolicyNote> {
        let book_pages = match self.inner.api.chat(chat_id).await {
            Ok(chat) => chat.parta_material_pages,
            Err(_) => Some(parta_policy::material::MaterialRules::default().book_pages),
        };
        match book_pages {
            Some(pages) => check_material(paths, pages).await,
            None => Vec::new(),
        }
    }

    /// The files of the cached messages (of one chat, or all), newest first, with whether
    /// each is kept on this computer; works offline.
    pub async fn files(&self, chat_id: Option<i64>) -> Result<Vec<parta_model::view::FileView>> {
        let inner = &self.inner;
        let messages = inner.cache.messages_with_files(chat_id, 500).await?;
        let titles: std::collections::HashMap<i64, String> = inner
            .cache
            .chats()
            .await?
            .into_iter()
            .map(|c| (c.chat_id, c.title))
            .collect();
        let mut out = Vec::new();
        for m in messages {
            for attachment in m.attachments {
                let kept = match &attachment.token {
                    Some(token) => inner.cache.shared().file(token).await?.is_some(),
                    None => false,
                };
                out.push(parta_model::view::FileView {
                    chat_id: m.chat_id,
                    chat_title: titles.get(&m.chat_id).cloned().unwrap_or_default(),
                    mid: m.mid.clone(),
                    sender_name: m.sender_name.clone(),
                    timestamp: m.timestamp,
                    attachment,
                    kept,
                });
            }
        }
        Ok(out)
    }

    /// A file attached to a message, from the offline cache or downloaded into it (resuming an
    /// interrupted download), written out opened for the system's application (see
    /// [`files::FileVault::viewing`]). Publishes [`AppEvent::TransferProgress`] while
    /// downloading.
    pub async fn open_file(&self, token: &str, name: &str) -> Result<PathBuf> {
        let vault = self.inner.vault()?;
        let kept = self.kept_file(token, name).await?;
        vault.open_copy(&kept, name).await
    }

    /// The sealed kept copy of a file, downloaded first if it is not kept.
    async fn kept_file(&self, token: &str, name: &str) -> Result<PathBuf> {
        let inner = &self.inner;
        let vault = inner.vault()?;
        let events = inner.events.clone();
        let (id, shown) = (token.to_owned(), name.to_owned());
        files::fetch(
            &inner.api,
            inner.cache.shared(),
            vault,
            token,
            name,
            inner.config.file_cache_limit,
            move |done, total| {
                let _ = events.send(AppEvent::TransferProgress {
                    id: id.clone(),
                    name: shown.clone(),
                    done,
                    total,
                    upload: false,
                });
            },
        )
        .await
    }

    /// An image attachment for showing in the timeline: downloaded into the offline file cache
    /// (once; offline from there), then its bytes and their media type, when it is a JPEG,
    /// PNG, GIF or WebP of at most [`PREVIEW_MAX_BYTES`]. `None` for anything else: that is
    /// opened with the system's application instead. Nothing is written out opened.
    pub async fn image_preview(
        &self,
        token: &str,
        name: &str,
    ) -> Result<Option<(&'static str, Vec<u8>)>> {
        let kept = self.kept_file(token, name).await?;
        let bytes = self
            .inner
            .vault()?
            .read_small(&kept, PREVIEW_MAX_BYTES)
            .await?;
        Ok(bytes.and_then(|bytes| image_type(&bytes).map(|mime| (mime, bytes))))
    }
}
