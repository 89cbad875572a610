use async_trait::async_trait;
use sqlx::Row;

use super::SqlTx;
use crate::store::Result;
use crate::store::uploads::{FinishedUpload, UploadRecord, UploadRows};

#[async_trait]
impl UploadRows for SqlTx {
    async fn insert_upload(
        &mut self,
        id: &str,
        user_id: i64,
        kind: &str,
        token: Option<&str>,
        at: i64,
    ) -> Result<()> {
        self.run(
            "INSERT INTO uploads (id, user_id, type, token, created_at) VALUES (?, ?, ?, ?, ?)",
            (id, user_id, kind, token, at),
        )
        .await
    }

    async fn upload(&mut self, id: &str) -> Result<Option<UploadRecord>> {
        let row = self
            .row_opt(
                "SELECT type, filename, total, received, token, completed_at, staged FROM uploads
             WHERE id = ?",
                (id,),
            )
            .await?;
        row.map(|row| {
            Ok(UploadRecord {
                kind: row.try_get("type")?,
                filename: row.try_get("filename")?,
                total: row.try_get("total")?,
                received: row.try_get("received")?,
                token: row.try_get("token")?,
                complete: row.try_get::<Option<i64>, _>("completed_at")?.is_some(),
                staged: row.try_get("staged")?,
            })
        })
        .transpose()
    }

    async fn start_chunk(
        &mut self,
        id: &str,
        total: Option<i64>,
        filename: Option<&str>,
        received: i64,
        staged: Option<&str>,
    ) -> Result<()> {
        self.run(
            "UPDATE uploads SET total = COALESCE(?, total), filename = ?, received = ?, staged = ?
             WHERE id = ?",
            (total, filename, received, staged, id),
        )
        .await
    }

    async fn set_received(&mut self, id: &str, received: i64, staged: Option<&str>) -> Result<()> {
        self.run(
            "UPDATE uploads SET received = ?, staged = ? WHERE id = ?",
            (received, staged, id),
        )
        .await
    }

    async fn complete_upload(
        &mut self,
        id: &str,
        received: i64,
        format: &str,
        token: &str,
        at: i64,
        personal_data: bool,
    ) -> Result<()> {
        self.run(
            "UPDATE uploads SET received = ?1, total = ?1, format = ?2,
                token = COALESCE(token, ?3), completed_at = ?4, personal_data = ?6,
                staged = NULL
             WHERE id = ?5",
            (received, format, token, at, id, personal_data),
        )
        .await
    }

    async fn upload_personal_data(&mut self, id: &str) -> Result<Option<(bool, Option<String>)>> {
        self.as_opt(
            "SELECT personal_data, filename FROM uploads
             WHERE id = ? AND completed_at IS NOT NULL",
            (id,),
        )
        .await
    }

    async fn delete_upload(&mut self, id: &str) -> Result<()> {
        self.run("DELETE FROM uploads WHERE id = ?", (id,)).await
    }

    async fn finished_upload(&mut self, token: &str) -> Result<Option<FinishedUpload>> {
        let row = self
            .row_opt(
                "SELECT id, user_id, type, filename, format, total FROM uploads
             WHERE token = ? AND completed_at IS NOT NULL",
                (token,),
            )
            .await?;
        row.map(|row| {
            Ok(FinishedUpload {
                id: row.try_get("id")?,
                user_id: row.try_get("user_id")?,
                kind: row.try_get("type")?,
                filename: row.try_get("filename")?,
                format: row.try_get("format")?,
                size: row.try_get("total")?,
            })
        })
        .transpose()
    }

    async fn upload_visible_to(&mut self, upload_id: &str, user_id: i64) -> Result<bool> {
        Ok(self
            .row_opt(
                "SELECT 1 FROM message_attachments a JOIN messages m ON m.mid = a.mid
             JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = ?
             WHERE a.upload_id = ? AND m.deleted_at IS NULL LIMIT 1",
                (user_id, upload_id),
            )
            .await?
            .is_some())
    }
}
