use async_trait::async_trait;
use parta_model::max::User;
use sqlx::Row;

use super::{DbRow, SqlTx};
use crate::store::Result;
use crate::store::messages::{
    AnnouncementRecord, AnnouncementRef, AttachmentRecord, MessageRecord, MessageRows,
    NewMessageRecord, ReceiptRecord,
};

// `has_attachments` spares a page of plain messages one query each (most have none).
const SELECT: &str = "SELECT m.seq, m.mid, m.chat_id, m.text, m.markup, m.created_at, m.link_type,
    m.link_mid, u.id AS sender_id, u.first_name, u.last_name, u.username, u.max_user_id,
    EXISTS (SELECT 1 FROM message_attachments a WHERE a.mid = m.mid) AS has_attachments,
    (SELECT d.state FROM max_delivery d WHERE d.mid = m.mid) AS max_state
    FROM messages m JOIN users u ON u.id = m.sender_id";

async fn attachments(tx: &mut SqlTx, mid: &str) -> Result<Vec<AttachmentRecord>> {
    let rows = tx
        .row_all(
            "SELECT u.rowid AS number, u.type, u.token, u.filename, u.total
             FROM message_attachments a JOIN uploads u ON u.id = a.upload_id
             WHERE a.mid = ? ORDER BY a.position",
            (mid,),
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(AttachmentRecord {
                number: row.try_get("number")?,
                kind: row.try_get("type")?,
                token: row.try_get("token")?,
                filename: row.try_get("filename")?,
                size: row.try_get("total")?,
            })
        })
        .collect()
}

/// The message in `row`; its link is followed one step when `follow_link`.
async fn record(tx: &mut SqlTx, row: &DbRow, follow_link: bool) -> Result<MessageRecord> {
    let mid: String = row.try_get("mid")?;
    let attachments = if row.try_get::<bool, _>("has_attachments")? {
        attachments(tx, &mid).await?
    } else {
        Vec::new()
    };
    let link = match (
        row.try_get::<Option<String>, _>("link_type")?,
        row.try_get::<Option<String>, _>("link_mid")?,
    ) {
        (Some(kind), Some(linked)) if follow_link => {
            let sql = format!("{SELECT} WHERE m.mid = ? AND m.deleted_at IS NULL");
            let linked_row = tx.row_opt(sqlx::AssertSqlSafe(sql), (&linked,)).await?;
            let linked = match linked_row {
                Some(r) => Some(Box::new(Box::pin(record(tx, &r, false)).await?)),
                None => None,
            };
            Some((kind, linked))
        }
        _ => None,
    };
    Ok(MessageRecord {
        seq: row.try_get("seq")?,
        mid,
        chat_id: row.try_get("chat_id")?,
        sender: User {
            user_id: row.try_get("sender_id")?,
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            username: row.try_get("username")?,
            is_bot: false,
            last_activity_time: None,
            parta_max: row.try_get::<Option<i64>, _>("max_user_id")?.is_some(),
        },
        text: row.try_get("text")?,
        markup: row.try_get("markup")?,
        created_at: row.try_get("created_at")?,
        link,
        attachments,
        max_state: row.try_get("max_state")?,
    })
}

#[async_trait]
impl MessageRows for SqlTx {
    async fn message(&mut self, mid: &str) -> Result<Option<MessageRecord>> {
        let sql = format!("{SELECT} WHERE m.mid = ? AND m.deleted_at IS NULL");
        let row = self.row_opt(sqlx::AssertSqlSafe(sql), (mid,)).await?;
        match row {
            Some(row) => Ok(Some(record(self, &row, true).await?)),
            None => Ok(None),
        }
    }

    async fn history(
        &mut self,
        chat_id: i64,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<MessageRecord>> {
        let sql = format!(
            "{SELECT} WHERE m.chat_id = ? AND m.deleted_at IS NULL
             AND m.created_at <= ? AND m.created_at >= ?
             ORDER BY m.created_at DESC, m.seq DESC LIMIT ?"
        );
        let rows = self
            .row_all(sqlx::AssertSqlSafe(sql), (chat_id, from, to, limit))
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(record(self, row, true).await?);
        }
        Ok(out)
    }

    async fn insert_message(&mut self, m: NewMessageRecord<'_>) -> Result<()> {
        self.execute(
            "INSERT INTO messages (mid, chat_id, sender_id, text, markup, created_at, link_type,
                                   link_mid, is_announcement, ack_required)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                m.mid,
                m.chat_id,
                m.sender_id,
                m.text,
                m.markup,
                m.created_at,
                m.link.map(|(kind, _)| kind),
                m.link.map(|(_, mid)| mid),
                m.is_announcement,
                m.ack_required,
            ),
        )
        .await?;
        Ok(())
    }

    async fn message_owner(&mut self, mid: &str) -> Result<Option<(i64, i64)>> {
        self.as_opt(
            "SELECT chat_id, sender_id FROM messages WHERE mid = ? AND deleted_at IS NULL",
            (mid,),
        )
        .await
    }

    async fn set_message_text(
        &mut self,
        mid: &str,
        text: Option<&str>,
        markup: Option<&str>,
        at: i64,
    ) -> Result<()> {
        self.run(
            "UPDATE messages SET text = ?, markup = ?, edited_at = ? WHERE mid = ?",
            (text, markup, at, mid),
        )
        .await
    }

    async fn set_attachments(&mut self, mid: &str, upload_ids: &[String]) -> Result<()> {
        self.execute("DELETE FROM message_attachments WHERE mid = ?", (mid,))
            .await?;
        for (position, upload_id) in upload_ids.iter().enumerate() {
            let position = i64::try_from(position).unwrap_or(i64::MAX);
            self.execute(
                "INSERT INTO message_attachments (mid, position, upload_id) VALUES (?, ?, ?)",
                (mid, position, upload_id),
            )
            .await?;
        }
        Ok(())
    }

    async fn mark_deleted(&mut self, mid: &str, at: i64) -> Result<()> {
        self.run(
            "UPDATE messages SET deleted_at = ? WHERE mid = ?",
            (at, mid),
        )
        .await
    }

    async fn newest_seq(&mut self, chat_id: i64) -> Result<i64> {
        self.scalar_one(
            "SELECT COALESCE(MAX(seq), 0) FROM messages WHERE chat_id = ?",
            (chat_id,),
        )
        .await
    }

    async fn idempotent_mid(&mut self, user_id: i64, key: &str) -> Result<Option<String>> {
        self.scalar_opt(
            "SELECT mid FROM idempotency_keys WHERE user_id = ? AND key = ?",
            (user_id, key),
        )
        .await
    }

    async fn claim_idempotency_key(
        &mut self,
        user_id: i64,
        key: &str,
        mid: &str,
        at: i64,
    ) -> Result<bool> {
        let done = self
            .execute(
                "INSERT INTO idempotency_keys (user_id, key, mid, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (user_id, key) DO NOTHING",
                (user_id, key, mid, at),
            )
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn flag_pinned_as_announcements(&mut self) -> Result<()> {
        self.run(
            "UPDATE messages SET is_announcement = TRUE, ack_required = TRUE
             WHERE mid IN (SELECT pinned_mid FROM chats WHERE pinned_mid IS NOT NULL)",
            (),
        )
        .await
    }

    async fn announcements_for(
        &mut self,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<AnnouncementRecord>> {
        // `= 1` on SQLite, so that its partial index on announcements serves the query.
        let sql = format!(
            "SELECT m.mid, m.chat_id, c.title, m.ack_required,
                    EXISTS (SELECT 1 FROM acknowledgements a
                            WHERE a.mid = m.mid AND a.user_id = ?1) AS acknowledged
             FROM messages m
             JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = ?1
             JOIN chats c ON c.id = m.chat_id
             WHERE m.is_announcement = {TRUE} AND m.deleted_at IS NULL
             ORDER BY m.seq DESC LIMIT ?2",
            TRUE = super::dialect::TRUE
        );
        let rows = self
            .row_all(sqlx::AssertSqlSafe(sql), (user_id, limit))
            .await?;
        rows.iter()
            .map(|row| {
                Ok(AnnouncementRecord {
                    mid: row.try_get("mid")?,
                    chat_id: row.try_get("chat_id")?,
                    chat_title: row.try_get("title")?,
                    acknowledged: row.try_get("acknowledged")?,
                    ack_required: row.try_get("ack_required")?,
                })
            })
            .collect()
    }

    async fn announcement(&mut self, mid: &str) -> Result<Option<AnnouncementRef>> {
        let sql = format!(
            "SELECT chat_id, seq, sender_id, ack_required FROM messages
             WHERE mid = ? AND is_announcement = {TRUE} AND deleted_at IS NULL",
            TRUE = super::dialect::TRUE
        );
        let found: Option<(i64, i64, i64, bool)> =
            self.as_opt(sqlx::AssertSqlSafe(sql), (mid,)).await?;
        Ok(
            found.map(|(chat_id, seq, author, ack_required)| AnnouncementRef {
                chat_id,
                seq,
                author,
                ack_required,
            }),
        )
    }

    async fn acknowledge(&mut self, mid: &str, user_id: i64, at: i64) -> Result<bool> {
        let done = self
            .execute(
                "INSERT INTO acknowledgements (mid, user_id, at) VALUES (?, ?, ?)
             ON CONFLICT (mid, user_id) DO NOTHING",
                (mid, user_id, at),
            )
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn receipts(
        &mut self,
        mid: &str,
        chat_id: i64,
        seq: i64,
        author: i64,
    ) -> Result<Vec<ReceiptRecord>> {
        let rows = self
            .row_all(
                "SELECT u.id, u.first_name, u.last_name,
                    EXISTS (SELECT 1 FROM acknowledgements a WHERE a.mid = ?1 AND a.user_id = u.id)
                        AS acknowledged,
                    COALESCE((SELECT r.seen_seq FROM chat_reads r
                              WHERE r.chat_id = ?2 AND r.user_id = u.id), 0) >= ?3 AS read
             FROM chat_members cm JOIN users u ON u.id = cm.user_id
             WHERE cm.chat_id = ?2 AND u.id != ?4
             ORDER BY u.last_name, u.first_name",
                (mid, chat_id, seq, author),
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ReceiptRecord {
                    user_id: row.try_get("id")?,
                    first_name: row.try_get("first_name")?,
                    last_name: row.try_get("last_name")?,
                    read: row.try_get("read")?,
                    acknowledged: row.try_get("acknowledged")?,
                })
            })
            .collect()
    }
}
