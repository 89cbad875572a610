use async_trait::async_trait;
use sqlx::Row;

use super::{DbRow, SqlTx};
use crate::store::Result;
use crate::store::reports::{NewReportRecord, ReportRecord, ReportRows};

const SELECT: &str = "SELECT r.id, r.mid, r.chat_id, c.title, r.author_id, a.first_name AS a_first,
    a.last_name AS a_last, r.text, r.reporter_id, p.first_name AS p_first,
    p.last_name AS p_last, r.reason, r.note, r.created_at, r.status, r.handled_by,
    h.first_name AS h_first, h.last_name AS h_last, r.handled_at
  FROM reports r
  JOIN chats c ON c.id = r.chat_id
  JOIN users a ON a.id = r.author_id
  JOIN users p ON p.id = r.reporter_id
  LEFT JOIN users h ON h.id = r.handled_by";

fn report_from_row(row: &DbRow) -> Result<ReportRecord> {
    Ok(ReportRecord {
        id: row.try_get("id")?,
        mid: row.try_get("mid")?,
        chat_id: row.try_get("chat_id")?,
        chat_title: row.try_get("title")?,
        author_id: row.try_get("author_id")?,
        author_first: row.try_get("a_first")?,
        author_last: row.try_get("a_last")?,
        text: row.try_get("text")?,
        reporter_id: row.try_get("reporter_id")?,
        reporter_first: row.try_get("p_first")?,
        reporter_last: row.try_get("p_last")?,
        reason: row.try_get("reason")?,
        note: row.try_get("note")?,
        created_at: row.try_get("created_at")?,
        status: row.try_get("status")?,
        handled_by: row.try_get("handled_by")?,
        handler_first: row.try_get("h_first")?,
        handler_last: row.try_get("h_last")?,
        handled_at: row.try_get("handled_at")?,
    })
}

#[async_trait]
impl ReportRows for SqlTx {
    async fn insert_report(&mut self, r: NewReportRecord<'_>) -> Result<i64> {
        self.run(
            "INSERT INTO reports (mid, chat_id, author_id, text, reporter_id, reason, note,
                                  created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (mid, reporter_id) WHERE status = 'open' DO NOTHING",
            (
                r.mid,
                r.chat_id,
                r.author_id,
                r.text,
                r.reporter_id,
                r.reason,
                r.note,
                r.at,
            ),
        )
        .await?;
        self.scalar_one(
            "SELECT id FROM reports WHERE mid = ? AND reporter_id = ? AND status = 'open'",
            (r.mid, r.reporter_id),
        )
        .await
    }

    async fn report(&mut self, id: i64) -> Result<Option<ReportRecord>> {
        let sql = format!("{SELECT} WHERE r.id = ?");
        let row = self.row_opt(sqlx::AssertSqlSafe(sql), (id,)).await?;
        row.as_ref().map(report_from_row).transpose()
    }

    async fn reports(
        &mut self,
        open_only: bool,
        chat_ids: Option<&[i64]>,
        limit: i64,
    ) -> Result<Vec<ReportRecord>> {
        // The chats as a JSON list: one statement however many there are.
        let chats = chat_ids.map(|ids| serde_json::json!(ids).to_string());
        let sql = format!(
            "{SELECT} WHERE (NOT ?1 OR r.status = 'open')
               AND (?2 IS NULL OR r.chat_id IN ({chats_in}))
             ORDER BY r.id DESC LIMIT ?3",
            chats_in = super::dialect::json_ids("?2")
        );
        let rows = self
            .row_all(sqlx::AssertSqlSafe(sql), (open_only, chats, limit))
            .await?;
        rows.iter().map(report_from_row).collect()
    }

    async fn reports_by(&mut self, reporter_id: i64, limit: i64) -> Result<Vec<ReportRecord>> {
        let sql = format!("{SELECT} WHERE r.reporter_id = ? ORDER BY r.id DESC LIMIT ?");
        let rows = self
            .row_all(sqlx::AssertSqlSafe(sql), (reporter_id, limit))
            .await?;
        rows.iter().map(report_from_row).collect()
    }

    async fn close_reports(&mut self, mid: &str, status: &str, by: i64, at: i64) -> Result<u64> {
        Ok(self
            .execute(
                "UPDATE reports SET status = ?, handled_by = ?, handled_at = ?
                 WHERE mid = ? AND status = 'open'",
                (status, by, at, mid),
            )
            .await?
            .rows_affected())
    }
}
