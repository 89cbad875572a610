use async_trait::async_trait;
use sqlx::Row;

use super::{DbRow, SqlTx};
use crate::store::Result;
use crate::store::schedule::{ScheduleRows, ScheduledRecord};
use parta_model::school::QuietHours;
use parta_model::school::Role;

const COLUMNS: &str = "s.id, s.user_id, s.chat_id, s.body, s.announcement, s.send_at, s.status,
    s.mid, s.reason";

fn scheduled_from_row(row: &DbRow) -> Result<ScheduledRecord> {
    Ok(ScheduledRecord {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        chat_id: row.try_get("chat_id")?,
        body: row.try_get("body")?,
        announcement: row.try_get("announcement")?,
        send_at: row.try_get("send_at")?,
        status: row.try_get("status")?,
        mid: row.try_get("mid")?,
        reason: row.try_get("reason")?,
    })
}

#[async_trait]
impl ScheduleRows for SqlTx {
    async fn insert_scheduled(
        &mut self,
        user_id: i64,
        chat_id: i64,
        body: &str,
        announcement: bool,
        send_at: i64,
        at: i64,
    ) -> Result<i64> {
        Ok(self
            .scalar_one(
                "INSERT INTO scheduled_messages (user_id, chat_id, body, announcement, send_at,
                                             created_at)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (user_id, chat_id, body, announcement, send_at, at),
            )
            .await?)
    }

    async fn scheduled(&mut self, user_id: i64, id: i64) -> Result<Option<ScheduledRecord>> {
        let sql =
            format!("SELECT {COLUMNS} FROM scheduled_messages s WHERE s.id = ? AND s.user_id = ?");
        let row = self
            .row_opt(sqlx::AssertSqlSafe(sql), (id, user_id))
            .await?;
        row.as_ref().map(scheduled_from_row).transpose()
    }

    async fn scheduled_of(&mut self, user_id: i64) -> Result<Vec<ScheduledRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM scheduled_messages s WHERE s.user_id = ?
             ORDER BY s.status != 'pending', s.send_at"
        );
        let rows = self.row_all(sqlx::AssertSqlSafe(sql), (user_id,)).await?;
        rows.iter().map(scheduled_from_row).collect()
    }

    async fn cancel_scheduled(&mut self, user_id: i64, id: i64) -> Result<bool> {
        let done = self
            .execute(
                "UPDATE scheduled_messages SET status = 'cancelled'
             WHERE id = ? AND user_id = ? AND status = 'pending'",
                (id, user_id),
            )
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn due_scheduled(
        &mut self,
        now: i64,
        limit: i64,
    ) -> Result<Vec<(ScheduledRecord, Role)>> {
        let sql = format!(
            "SELECT {COLUMNS}, u.role AS author_role FROM scheduled_messages s
             JOIN users u ON u.id = s.user_id
             WHERE s.status = 'pending' AND s.send_at <= ? ORDER BY s.send_at LIMIT ?"
        );
        let rows = self.row_all(sqlx::AssertSqlSafe(sql), (now, limit)).await?;
        rows.iter()
            .map(|row| {
                Ok((
                    scheduled_from_row(row)?,
                    super::role_named(&row.try_get::<String, _>("author_role")?)?,
                ))
            })
            .collect()
    }

    async fn mark_scheduled_sent(&mut self, id: i64, mid: &str, at: i64) -> Result<()> {
        self.run(
            "UPDATE scheduled_messages SET status = 'sent', mid = ?, sent_at = ? WHERE id = ?",
            (mid, at, id),
        )
        .await
    }

    async fn mark_scheduled_failed(&mut self, id: i64, reason: &str) -> Result<()> {
        self.run(
            "UPDATE scheduled_messages SET status = 'failed', reason = ? WHERE id = ?",
            (reason, id),
        )
        .await
    }

    async fn quiet_hours(&mut self, user_id: i64) -> Result<Option<QuietHours>> {
        let row = self
            .row_opt(
                "SELECT start_minute, end_minute, utc_offset_minutes FROM quiet_hours
             WHERE user_id = ?",
                (user_id,),
            )
            .await?;
        row.map(|row| {
            Ok(QuietHours {
                start_minute: row.try_get("start_minute")?,
                end_minute: row.try_get("end_minute")?,
                utc_offset_minutes: row.try_get("utc_offset_minutes")?,
            })
        })
        .transpose()
    }

    async fn quiet_members(&mut self, chat_id: i64) -> Result<Vec<(i64, String, QuietHours)>> {
        let rows = self
            .row_all(
                "SELECT q.user_id, u.first_name || COALESCE(' ' || u.last_name, '') AS name,
                    q.start_minute, q.end_minute, q.utc_offset_minutes
                 FROM quiet_hours q
                 JOIN chat_members cm ON cm.user_id = q.user_id AND cm.chat_id = ?
                 JOIN users u ON u.id = q.user_id
                 WHERE u.removed_at IS NULL ORDER BY name",
                (chat_id,),
            )
            .await?;
        rows.iter()
            .map(|row| {
                let hours = QuietHours {
                    start_minute: row.try_get("start_minute")?,
                    end_minute: row.try_get("end_minute")?,
                    utc_offset_minutes: row.try_get("utc_offset_minutes")?,
                };
                Ok((row.try_get("user_id")?, row.try_get("name")?, hours))
            })
            .collect()
    }

    async fn set_quiet_hours(&mut self, user_id: i64, hours: Option<QuietHours>) -> Result<()> {
        match hours {
            Some(hours) => {
                self.execute(
                    "INSERT INTO quiet_hours (user_id, start_minute, end_minute,
                                              utc_offset_minutes)
                     VALUES (?, ?, ?, ?)
                     ON CONFLICT (user_id) DO UPDATE SET start_minute = excluded.start_minute,
                         end_minute = excluded.end_minute,
                         utc_offset_minutes = excluded.utc_offset_minutes",
                    (
                        user_id,
                        hours.start_minute,
                        hours.end_minute,
                        hours.utc_offset_minutes,
                    ),
                )
                .await?;
            }
            None => {
                self.execute("DELETE FROM quiet_hours WHERE user_id = ?", (user_id,))
                    .await?;
            }
        }
        Ok(())
    }
}
