use async_trait::async_trait;
use parta_model::max::User;
use sqlx::Row;

use super::{DbRow, SqlTx};
use crate::store::Result;
use crate::store::chats::{ChatRecord, ChatRows, MemberRecord, NewChat, SchoolChatRecord};
use crate::store::people::NameRecord;

const CHAT_COLUMNS: &str = "c.id, c.type, c.kind, c.title, c.description, c.owner_id, c.pinned_mid,
    c.last_event_time, cm.is_admin,
    (SELECT COUNT(*) FROM chat_members x WHERE x.chat_id = c.id) AS participants,
    (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id AND m.deleted_at IS NULL) AS messages";

fn chat_from_row(row: &DbRow) -> Result<ChatRecord> {
    Ok(ChatRecord {
        id: row.try_get("id")?,
        chat_type: row.try_get("type")?,
        kind: row.try_get("kind")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        owner_id: row.try_get("owner_id")?,
        pinned_mid: row.try_get("pinned_mid")?,
        last_event_time: row.try_get("last_event_time")?,
        is_admin: row.try_get("is_admin")?,
        participants: row.try_get("participants")?,
        messages: row.try_get("messages")?,
    })
}

const MEMBER_SELECT: &str =
    "SELECT u.id, u.first_name, u.last_name, u.username, u.max_user_id, cm.is_admin,
    cm.joined_at, (c.owner_id IS NOT DISTINCT FROM u.id) AS is_owner,
    COALESCE((SELECT seen_at FROM chat_reads r WHERE r.chat_id = cm.chat_id AND r.user_id = u.id),
             cm.joined_at) AS last_access
    FROM chat_members cm JOIN users u ON u.id = cm.user_id JOIN chats c ON c.id = cm.chat_id";

fn member_from_row(row: &DbRow) -> Result<MemberRecord> {
    Ok(MemberRecord {
        user: User {
            user_id: row.try_get("id")?,
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            username: row.try_get("username")?,
            is_bot: false,
            last_activity_time: None,
            parta_max: row.try_get::<Option<i64>, _>("max_user_id")?.is_some(),
        },
        is_admin: row.try_get("is_admin")?,
        is_owner: row.try_get("is_owner")?,
        joined_at: row.try_get("joined_at")?,
        last_access: row.try_get("last_access")?,
    })
}

#[async_trait]
impl ChatRows for SqlTx {
    async fn chats_of(&mut self, user_id: i64, from: i64, limit: i64) -> Result<Vec<ChatRecord>> {
        let sql = format!(
            "SELECT {CHAT_COLUMNS} FROM chats c
             JOIN chat_members cm ON cm.chat_id = c.id AND cm.user_id = ?
             WHERE c.id >= ? ORDER BY c.id LIMIT ?"
        );
        let rows = self
            .row_all(sqlx::AssertSqlSafe(sql), (user_id, from, limit))
            .await?;
        rows.iter().map(chat_from_row).collect()
    }

    async fn chat_for(&mut self, user_id: i64, chat_id: i64) -> Result<Option<ChatRecord>> {
        let sql = format!(
            "SELECT {CHAT_COLUMNS} FROM chats c
             JOIN chat_members cm ON cm.chat_id = c.id AND cm.user_id = ?
             WHERE c.id = ?"
        );
        let row = self
            .row_opt(sqlx::AssertSqlSafe(sql), (user_id, chat_id))
            .await?;
        row.as_ref().map(chat_from_row).transpose()
    }

    async fn chat_exists(&mut self, chat_id: i64) -> Result<bool> {
        Ok(self
            .row_opt("SELECT 1 FROM chats WHERE id = ?", (chat_id,))
            .await?
            .is_some())
    }

    async fn chat_kind(&mut self, chat_id: i64) -> Result<Option<String>> {
        self.scalar_opt("SELECT kind FROM chats WHERE id = ?", (chat_id,))
            .await
    }

    async fn chat_owner(&mut self, chat_id: i64) -> Result<Option<Option<i64>>> {
        self.scalar_opt("SELECT owner_id FROM chats WHERE id = ?", (chat_id,))
            .await
    }

    async fn chat_by_kind(
        &mut self,
        kind: &str,
        class_id: Option<i64>,
    ) -> Result<Option<(i64, String)>> {
        self.as_opt(
            "SELECT id, title FROM chats WHERE kind = ? AND class_id IS NOT DISTINCT FROM ?",
            (kind, class_id),
        )
        .await
    }

    async fn class_chats_of(&mut self, user_id: i64) -> Result<Vec<i64>> {
        self.scalar_all(
            "SELECT c.id FROM chats c WHERE
                 (c.kind IN ('class_parents', 'class_pupils') AND c.class_id IN (
                     SELECT id FROM classes WHERE class_teacher_id = ?1
                     UNION SELECT class_id FROM class_teachers WHERE user_id = ?1))
                 OR (c.kind = 'class_parents' AND c.class_id IN (
                     SELECT class_id FROM class_parents WHERE user_id = ?1))
                 OR (c.kind = 'class_pupils' AND c.class_id IN (
                     SELECT class_id FROM class_pupils WHERE user_id = ?1))",
            (user_id,),
        )
        .await
    }

    async fn insert_chat(&mut self, chat: NewChat<'_>) -> Result<i64> {
        Ok(self
            .scalar_one(
                "INSERT INTO chats (kind, title, description, owner_id, class_id, created_at,
                                last_event_time)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    chat.kind,
                    chat.title,
                    chat.description,
                    chat.owner_id,
                    chat.class_id,
                    chat.created_at,
                    chat.created_at,
                ),
            )
            .await?)
    }

    async fn school_chats(&mut self) -> Result<Vec<SchoolChatRecord>> {
        let rows = self
            .row_all(
                "SELECT c.id, c.title, c.kind, c.last_event_time, c.owner_id,
                        u.first_name, u.last_name,
                        (SELECT COUNT(*) FROM chat_members m WHERE m.chat_id = c.id) AS members
                 FROM chats c LEFT JOIN users u ON u.id = c.owner_id
                 WHERE c.type != 'dialog'
                 ORDER BY c.title, c.id",
                (),
            )
            .await?;
        rows.iter()
            .map(|row| {
                let owner_id: Option<i64> = row.try_get("owner_id")?;
                let first: Option<String> = row.try_get("first_name")?;
                let last_name: Option<String> = row.try_get("last_name")?;
                Ok(SchoolChatRecord {
                    id: row.try_get("id")?,
                    title: row.try_get("title")?,
                    kind: row.try_get("kind")?,
                    members: row.try_get("members")?,
                    owner: owner_id.zip(first).map(|(user_id, first_name)| NameRecord {
                        user_id,
                        first_name,
                        last_name,
                    }),
                    last_event_time: row.try_get("last_event_time")?,
                })
            })
            .collect()
    }

    async fn dialog_between(&mut self, a: i64, b: i64) -> Result<Option<i64>> {
        self.scalar_opt(
            "SELECT chat_id FROM dialogs WHERE user_a = ? AND user_b = ?",
            (a.min(b), a.max(b)),
        )
        .await
    }

    async fn insert_dialog(&mut self, a: i64, b: i64, chat_id: i64) -> Result<()> {
        self.run(
            "INSERT INTO dialogs (user_a, user_b, chat_id) VALUES (?, ?, ?)",
            (a.min(b), a.max(b), chat_id),
        )
        .await?;
        self.run("UPDATE chats SET type = 'dialog' WHERE id = ?", (chat_id,))
            .await
    }

    async fn dialog_partner(&mut self, chat_id: i64, user_id: i64) -> Result<Option<NameRecord>> {
        let row: Option<(i64, String, Option<String>)> = self
            .as_opt(
                "SELECT u.id, u.first_name, u.last_name FROM dialogs d
                 JOIN users u ON u.id = CASE WHEN d.user_a = ?2 THEN d.user_b ELSE d.user_a END
                 WHERE d.chat_id = ?1 AND (d.user_a = ?2 OR d.user_b = ?2)",
                (chat_id, user_id),
            )
            .await?;
        Ok(row.map(|(user_id, first_name, last_name)| NameRecord {
            user_id,
            first_name,
            last_name,
        }))
    }

    async fn set_chat_title(&mut self, chat_id: i64, title: &str, at: i64) -> Result<()> {
        self.run(
            "UPDATE chats SET title = ?, last_event_time = ? WHERE id = ?",
            (title, at, chat_id),
        )
        .await
    }

    async fn set_chat_description(
        &mut self,
        chat_id: i64,
        description: Option<&str>,
        at: i64,
    ) -> Result<()> {
        self.run(
            "UPDATE chats SET description = ?, last_event_time = ? WHERE id = ?",
            (description, at, chat_id),
        )
        .await
    }

    async fn touch_chat(&mut self, chat_id: i64, at: i64) -> Result<()> {
        self.run(
            "UPDATE chats SET last_event_time = ? WHERE id = ?",
            (at, chat_id),
        )
        .await
    }

    async fn pinned_mid(&mut self, chat_id: i64) -> Result<Option<String>> {
        let mid: Option<Option<String>> = self
            .scalar_opt("SELECT pinned_mid FROM chats WHERE id = ?", (chat_id,))
            .await?;
        Ok(mid.flatten())
    }

    async fn set_pinned(&mut self, chat_id: i64, mid: Option<&str>) -> Result<()> {
        self.run(
            "UPDATE chats SET pinned_mid = ? WHERE id = ?",
            (mid, chat_id),
        )
        .await
    }

    async fn unpin_if(&mut self, chat_id: i64, mid: &str) -> Result<()> {
        self.run(
            "UPDATE chats SET pinned_mid = NULL WHERE id = ? AND pinned_mid = ?",
            (chat_id, mid),
        )
        .await
    }

    async fn link_class_chat(&mut self, title: &str, class_id: i64) -> Result<()> {
        self.run(
            "UPDATE chats SET class_id = ? WHERE kind = 'class_parents' AND title = ?",
            (class_id, title),
        )
        .await
    }

    async fn is_member(&mut self, chat_id: i64, user_id: i64) -> Result<bool> {
        Ok(self
            .row_opt(
                "SELECT 1 FROM chat_members WHERE chat_id = ? AND user_id = ?",
                (chat_id, user_id),
            )
            .await?
            .is_some())
    }

    async fn admin_flags(&mut self, chat_id: i64, user_id: i64) -> Result<Option<(bool, bool)>> {
        self.as_opt(
            "SELECT cm.is_admin, (c.owner_id IS NOT DISTINCT FROM cm.user_id) AS is_owner FROM chat_members cm
             JOIN chats c ON c.id = cm.chat_id WHERE cm.chat_id = ? AND cm.user_id = ?",
            (chat_id, user_id),
        )
        .await
    }

    async fn member(&mut self, chat_id: i64, user_id: i64) -> Result<Option<MemberRecord>> {
        let sql = format!("{MEMBER_SELECT} WHERE cm.chat_id = ? AND cm.user_id = ?");
        let row = self
            .row_opt(sqlx::AssertSqlSafe(sql), (chat_id, user_id))
            .await?;
        row.as_ref().map(member_from_row).transpose()
    }

    async fn members(&mut self, chat_id: i64, from: i64, limit: i64) -> Result<Vec<MemberRecord>> {
        let sql = format!(
            "{MEMBER_SELECT} WHERE cm.chat_id = ? AND cm.user_id >= ? ORDER BY cm.user_id LIMIT ?"
        );
        let rows = self
            .row_all(sqlx::AssertSqlSafe(sql), (chat_id, from, limit))
            .await?;
        rows.iter().map(member_from_row).collect()
    }

    async fn admins(&mut self, chat_id: i64) -> Result<Vec<MemberRecord>> {
        let sql = format!(
            "{MEMBER_SELECT} WHERE cm.chat_id = ? AND (cm.is_admin OR c.owner_id IS NOT DISTINCT FROM cm.user_id)
             ORDER BY cm.user_id"
        );
        let rows = self.row_all(sqlx::AssertSqlSafe(sql), (chat_id,)).await?;
        rows.iter().map(member_from_row).collect()
    }

    async fn add_member(
        &mut self,
        chat_id: i64,
        user_id: i64,
        is_admin: bool,
        at: i64,
    ) -> Result<bool> {
        let done = self.execute("INSERT INTO chat_members (chat_id, user_id, is_admin, joined_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (chat_id, user_id) DO NOTHING", (chat_id, user_id, is_admin, at)).await?;
        Ok(done.rows_affected() > 0)
    }

    async fn add_admin_member(&mut self, chat_id: i64, user_id: i64, at: i64) -> Result<()> {
        self.run(
            "INSERT INTO chat_members (chat_id, user_id, is_admin, joined_at) VALUES (?, ?, TRUE, ?)
             ON CONFLICT (chat_id, user_id) DO UPDATE SET is_admin = TRUE",
            (chat_id, user_id, at),
        )
        .await
    }

    async fn remove_member(&mut self, chat_id: i64, user_id: i64) -> Result<bool> {
        let done = self
            .execute(
                "DELETE FROM chat_members WHERE chat_id = ? AND user_id = ?",
                (chat_id, user_id),
            )
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_admin(&mut self, chat_id: i64, user_id: i64, admin: bool) -> Result<bool> {
        let done = self
            .execute(
                "UPDATE chat_members SET is_admin = ? WHERE chat_id = ? AND user_id = ?",
                (admin, chat_id, user_id),
            )
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn member_chat_ids(&mut self, user_id: i64) -> Result<Vec<i64>> {
        self.scalar_all(
            "SELECT chat_id FROM chat_members WHERE user_id = ?",
            (user_id,),
        )
        .await
    }

    async fn member_roles(&mut self, chat_id: i64) -> Result<Vec<parta_model::school::Role>> {
        let names: Vec<String> = self
            .scalar_all(
                "SELECT DISTINCT u.role FROM chat_members m JOIN users u ON u.id = m.user_id
                 WHERE m.chat_id = ?",
                (chat_id,),
            )
            .await?;
        names.iter().map(|n| super::role_named(n)).collect()
    }

    async fn mark_read(&mut self, chat_id: i64, user_id: i64, seq: i64, at: i64) -> Result<()> {
        self.run(
            "INSERT INTO chat_reads (chat_id, user_id, seen_seq, seen_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (chat_id, user_id) DO UPDATE SET
                 seen_seq = CASE WHEN excluded.seen_seq > chat_reads.seen_seq
                                 THEN excluded.seen_seq ELSE chat_reads.seen_seq END,
                 seen_at = excluded.seen_at",
            (chat_id, user_id, seq, at),
        )
        .await
    }
}
