use async_trait::async_trait;
use sqlx::Row;

use super::{DbRow, SqlTx};
use crate::store::Result;
use crate::store::updates::{UpdateRecord, UpdateRows};

fn update_from_row(row: &DbRow) -> Result<UpdateRecord> {
    Ok(UpdateRecord {
        id: row.try_get("id")?,
        chat_id: row.try_get("chat_id")?,
        user_id: row.try_get("user_id")?,
        kind: row.try_get("update_type")?,
        payload: row.try_get("payload")?,
    })
}

#[async_trait]
impl UpdateRows for SqlTx {
    async fn newest_update(&mut self) -> Result<i64> {
        self.scalar_one("SELECT COALESCE(MAX(id), 0) FROM updates", ())
            .await
    }

    async fn insert_update(
        &mut self,
        chat_id: i64,
        user_id: Option<i64>,
        kind: &str,
        payload: &str,
        at: i64,
    ) -> Result<i64> {
        let id = self
            .scalar_one(
                super::dialect::INSERT_UPDATE,
                (chat_id, user_id, kind, payload, at),
            )
            .await?;
        self.appended(id);
        Ok(id)
    }

    async fn updates_after(&mut self, after: i64, limit: i64) -> Result<Vec<UpdateRecord>> {
        let rows = self
            .row_all(
                "SELECT id, chat_id, user_id, update_type, payload FROM updates
             WHERE id > ? ORDER BY id LIMIT ?",
                (after, limit),
            )
            .await?;
        rows.iter().map(update_from_row).collect()
    }

    async fn updates_for(
        &mut self,
        user_id: i64,
        from: i64,
        limit: i64,
    ) -> Result<Vec<UpdateRecord>> {
        let rows = self
            .row_all(
                // Two plain branches rather than one OR: each walks its own index from `from`.
                "SELECT id, chat_id, user_id, update_type, payload FROM (
                 SELECT u.id, u.chat_id, u.user_id, u.update_type, u.payload FROM updates u
                 JOIN chat_members cm ON cm.chat_id = u.chat_id AND cm.user_id = ?1
                 WHERE u.id >= ?2
                 UNION ALL
                 SELECT u.id, u.chat_id, u.user_id, u.update_type, u.payload FROM updates u
                 WHERE u.user_id = ?1 AND u.id >= ?2)
             ORDER BY id LIMIT ?3",
                (user_id, from, limit),
            )
            .await?;
        rows.iter().map(update_from_row).collect()
    }
}
