use async_trait::async_trait;
use sqlx::Row;

use super::{DbRow, SqlTx};
use crate::store::bridge::{
    BridgeRows, Direction, MaxCopyRecord, MaxFlagRecord, MaxLinkRecord, NewMaxLink, OutgoingRecord,
};
use crate::store::updates::UpdateRecord;
use crate::store::{Result, StoreError};

const LINK_SELECT: &str = "SELECT l.chat_id, c.title AS chat_title, l.max_chat_id, l.max_title,
    l.linked_by, l.linked_at, l.from_update FROM max_links l JOIN chats c ON c.id = l.chat_id";

fn link_from_row(row: &DbRow) -> Result<MaxLinkRecord> {
    Ok(MaxLinkRecord {
        chat_id: row.try_get("chat_id")?,
        chat_title: row.try_get("chat_title")?,
        max_chat_id: row.try_get("max_chat_id")?,
        max_title: row.try_get("max_title")?,
        linked_by: row.try_get("linked_by")?,
        linked_at: row.try_get("linked_at")?,
        from_update: row.try_get("from_update")?,
    })
}

fn copy_from_row(row: &DbRow) -> Result<MaxCopyRecord> {
    let direction = match row.try_get::<String, _>("direction")?.as_str() {
        "in" => Direction::In,
        "out" => Direction::Out,
        other => {
            return Err(StoreError::Corrupt(format!(
                "unknown bridge direction '{other}'"
            )));
        }
    };
    Ok(MaxCopyRecord {
        max_mid: row.try_get("max_mid")?,
        mid: row.try_get("mid")?,
        part: row.try_get("part")?,
        direction,
    })
}

#[async_trait]
impl BridgeRows for SqlTx {
    async fn max_links(&mut self) -> Result<Vec<MaxLinkRecord>> {
        let sql = format!("{LINK_SELECT} ORDER BY l.chat_id");
        let rows = self.row_all(sqlx::AssertSqlSafe(sql), ()).await?;
        rows.iter().map(link_from_row).collect()
    }

    async fn max_link_of_chat(&mut self, chat_id: i64) -> Result<Option<MaxLinkRecord>> {
        let sql = format!("{LINK_SELECT} WHERE l.chat_id = ?");
        let row = self.row_opt(sqlx::AssertSqlSafe(sql), (chat_id,)).await?;
        row.as_ref().map(link_from_row).transpose()
    }

    async fn max_link_of_max_chat(&mut self, max_chat_id: i64) -> Result<Option<MaxLinkRecord>> {
        let sql = format!("{LINK_SELECT} WHERE l.max_chat_id = ?");
        let row = self
            .row_opt(sqlx::AssertSqlSafe(sql), (max_chat_id,))
            .await?;
        row.as_ref().map(link_from_row).transpose()
    }

    async fn insert_max_link(&mut self, link: NewMaxLink<'_>) -> Result<bool> {
        let done = self
            .execute(
                "INSERT INTO max_links (chat_id, max_chat_id, max_title, linked_by, linked_at,
                                    from_update)
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    link.chat_id,
                    link.max_chat_id,
                    link.max_title,
                    link.linked_by,
                    link.linked_at,
                    link.from_update,
                ),
            )
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_max_link(&mut self, chat_id: i64) -> Result<bool> {
        let done = self
            .execute("DELETE FROM max_links WHERE chat_id = ?", (chat_id,))
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_max_title(&mut self, chat_id: i64, title: &str) -> Result<()> {
        self.run(
            "UPDATE max_links SET max_title = ? WHERE chat_id = ?",
            (title, chat_id),
        )
        .await
    }

    async fn max_person(&mut self, max_user_id: i64) -> Result<Option<i64>> {
        self.scalar_opt("SELECT id FROM users WHERE max_user_id = ?", (max_user_id,))
            .await
    }

    async fn insert_max_person(
        &mut self,
        max_user_id: i64,
        first_name: &str,
        last_name: Option<&str>,
        at: i64,
    ) -> Result<i64> {
        let done = self
            .scalar_one(
                "INSERT INTO users (first_name, last_name, username, role, created_at, max_user_id)
             VALUES (?, ?, NULL, 'parent', ?, ?) RETURNING id",
                (first_name, last_name, at, max_user_id),
            )
            .await?;
        Ok(done)
    }

    async fn set_names(
        &mut self,
        user_id: i64,
        first_name: &str,
        last_name: Option<&str>,
    ) -> Result<()> {
        self.run(
            "UPDATE users SET first_name = ?, last_name = ? WHERE id = ?",
            (first_name, last_name, user_id),
        )
        .await
    }

    async fn is_max_person(&mut self, user_id: i64) -> Result<bool> {
        self.scalar_one(
            "SELECT EXISTS (SELECT 1 FROM users WHERE id = ? AND max_user_id IS NOT NULL)",
            (user_id,),
        )
        .await
    }

    async fn group_chats(&mut self) -> Result<Vec<(i64, String)>> {
        self.as_all(
            "SELECT id, title FROM chats WHERE kind NOT LIKE 'direct%' ORDER BY title, id",
            (),
        )
        .await
    }

    async fn chat_class_name(&mut self, chat_id: i64) -> Result<Option<String>> {
        self.scalar_opt(
            "SELECT cl.name FROM chats c JOIN classes cl ON cl.id = c.class_id WHERE c.id = ?",
            (chat_id,),
        )
        .await
    }

    async fn max_copy(&mut self, max_mid: &str) -> Result<Option<MaxCopyRecord>> {
        let row = self
            .row_opt(
                "SELECT max_mid, mid, part, direction FROM max_messages WHERE max_mid = ?",
                (max_mid,),
            )
            .await?;
        row.as_ref().map(copy_from_row).transpose()
    }

    async fn max_copies_of(&mut self, mid: &str) -> Result<Vec<MaxCopyRecord>> {
        let rows = self.row_all("SELECT max_mid, mid, part, direction FROM max_messages WHERE mid = ? ORDER BY part", (mid,)).await?;
        rows.iter().map(copy_from_row).collect()
    }

    async fn insert_max_copy(&mut self, copy: &MaxCopyRecord, at: i64) -> Result<bool> {
        let done = self
            .execute(
                "INSERT INTO max_messages (max_mid, mid, part, direction, created_at)
             VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    &copy.max_mid,
                    &copy.mid,
                    copy.part,
                    copy.direction.as_str(),
                    at,
                ),
            )
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn max_state(&mut self, key: &str) -> Result<Option<String>> {
        super::kv_get(self, "max_state", key).await
    }

    async fn set_max_state(&mut self, key: &str, value: &str) -> Result<()> {
        super::kv_put(self, "max_state", key, value).await
    }

    async fn delete_max_state(&mut self, key: &str) -> Result<()> {
        self.run("DELETE FROM max_state WHERE key = ?", (key,))
            .await
    }

    async fn outgoing_after(&mut self, after: i64, limit: i64) -> Result<Vec<OutgoingRecord>> {
        let rows = self
            .row_all(
                "SELECT u.id, u.chat_id, u.user_id, u.update_type, u.payload, l.max_chat_id
             FROM updates u JOIN max_links l ON l.chat_id = u.chat_id
             WHERE u.id > ? AND u.id > l.from_update ORDER BY u.id LIMIT ?",
                (after, limit),
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(OutgoingRecord {
                    update: UpdateRecord {
                        id: row.try_get("id")?,
                        chat_id: row.try_get("chat_id")?,
                        user_id: row.try_get("user_id")?,
                        kind: row.try_get("update_type")?,
                        payload: row.try_get("payload")?,
                    },
                    max_chat_id: row.try_get("max_chat_id")?,
                })
            })
            .collect()
    }

    async fn outgoing_backlog(&mut self, after: i64) -> Result<(i64, Option<i64>)> {
        let row = self
            .row_opt(
                "SELECT COUNT(*) AS n, MIN(u.created_at) AS oldest
             FROM updates u JOIN max_links l ON l.chat_id = u.chat_id
             WHERE u.id > ? AND u.id > l.from_update",
                (after,),
            )
            .await?;
        match row {
            Some(row) => Ok((row.try_get("n")?, row.try_get("oldest")?)),
            None => Ok((0, None)),
        }
    }

    async fn set_delivery(
        &mut self,
        mid: &str,
        state: &str,
        detail: Option<&str>,
        at: i64,
    ) -> Result<()> {
        self.run(
            "INSERT INTO max_delivery (mid, state, detail, at) VALUES (?, ?, ?, ?)
             ON CONFLICT (mid) DO UPDATE SET state = excluded.state, detail = excluded.detail,
                                             at = excluded.at",
            (mid, state, detail, at),
        )
        .await
    }

    async fn delivery(&mut self, mid: &str) -> Result<Option<(String, Option<String>)>> {
        let row = self
            .row_opt(
                "SELECT state, detail FROM max_delivery WHERE mid = ?",
                (mid,),
            )
            .await?;
        row.map(|row| Ok((row.try_get("state")?, row.try_get("detail")?)))
            .transpose()
    }

    async fn insert_max_flag(&mut self, flag: &MaxFlagRecord) -> Result<()> {
        self.run(
            "INSERT INTO max_flags (mid, chat_id, rule, at) VALUES (?, ?, ?, ?)
             ON CONFLICT DO NOTHING",
            (&flag.mid, flag.chat_id, &flag.rule, flag.at),
        )
        .await
    }

    async fn max_flags(&mut self, chat_id: i64, limit: i64) -> Result<Vec<MaxFlagRecord>> {
        let rows = self
            .row_all(
                "SELECT mid, chat_id, rule, at FROM max_flags WHERE chat_id = ?
             ORDER BY at DESC LIMIT ?",
                (chat_id, limit),
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(MaxFlagRecord {
                    mid: row.try_get("mid")?,
                    chat_id: row.try_get("chat_id")?,
                    rule: row.try_get("rule")?,
                    at: row.try_get("at")?,
                })
            })
            .collect()
    }
}
