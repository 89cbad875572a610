//! Uploads (the bytes themselves are in a `FileStore`).

use async_trait::async_trait;

use crate::store::Result;

/// An upload's progress.
#[derive(Debug, Clone)]
pub struct UploadRecord {
    /// `image`, `video`, `audio` or `file`.
    pub kind: String,
    pub filename: Option<String>,
    pub total: Option<i64>,
    pub received: i64,
    pub token: Option<String>,
    pub complete: bool,
    /// The file store's own record of the bytes received (`filestore::Staged::state`).
    pub staged: Option<String>,
}

/// A finished upload found by its token.
#[derive(Debug, Clone)]
pub struct FinishedUpload {
    pub id: String,
    pub user_id: i64,
    pub kind: String,
    pub filename: Option<String>,
    pub format: Option<String>,
    pub size: i64,
}

/// Statements about uploads.
#[async_trait]
pub trait UploadRows {
    async fn insert_upload(
        &mut self,
        id: &str,
        user_id: i64,
        kind: &str,
        token: Option<&str>,
        at: i64,
    ) -> Result<()>;
    async fn upload(&mut self, id: &str) -> Result<Option<UploadRecord>>;
    /// Records where a chunk starts: the total (if now known), the file name and the bytes
    /// kept, with the file store's record of them.
    async fn start_chunk(
        &mut self,
        id: &str,
        total: Option<i64>,
        filename: Option<&str>,
        received: i64,
        staged: Option<&str>,
    ) -> Result<()>;
    /// Records the bytes received, with the file store's record of them.
    async fn set_received(&mut self, id: &str, received: i64, staged: Option<&str>) -> Result<()>;
    /// Records the last bytes and the completion in one statement: an upload never has all
    /// its bytes without its token. An earlier token (video, audio) is kept; the file store's
    /// record is cleared (the file is sealed).
    async fn complete_upload(
        &mut self,
        id: &str,
        received: i64,
        format: &str,
        token: &str,
        at: i64,
        personal_data: bool,
    ) -> Result<()>;
    /// Whether a finished upload holds personal data, and its file name.
    async fn upload_personal_data(&mut self, id: &str) -> Result<Option<(bool, Option<String>)>>;
    async fn delete_upload(&mut self, id: &str) -> Result<()>;
    async fn finished_upload(&mut self, token: &str) -> Result<Option<FinishedUpload>>;
    /// Whether the upload is attached to a message in one of `user_id`'s chats.
    async fn upload_visible_to(&mut self, upload_id: &str, user_id: i64) -> Result<bool>;
}
