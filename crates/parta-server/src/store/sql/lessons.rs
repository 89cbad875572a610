use async_trait::async_trait;
use sqlx::Row;

use std::collections::HashMap;

use sqlx::QueryBuilder;

use super::Db;

use super::{DbRow, SqlTx};
use crate::store::Result;
use crate::store::lessons::{
    ConsentRecord, LessonEventRecord, LessonFields, LessonRecord, LessonRows,
};
use crate::store::messages::AttachmentRecord;
use crate::store::people::NameRecord;

/// Lesson ids bound in one `IN (…)` list.
const IDS_PER_QUERY: usize = 500;

const COLUMNS: &str = "l.id, l.class_id, c.name AS class_name, l.subject, l.teacher_id,
    u.first_name AS teacher_first, u.last_name AS teacher_last, l.kind, l.starts_at,
    l.duration_min, l.link, l.notes, l.cancelled";
const FROM: &str =
    "lessons l JOIN classes c ON c.id = l.class_id JOIN users u ON u.id = l.teacher_id";

fn lesson_from_row(row: &DbRow) -> Result<LessonRecord> {
    Ok(LessonRecord {
        id: row.try_get("id")?,
        class_id: row.try_get("class_id")?,
        class_name: row.try_get("class_name")?,
        subject: row.try_get("subject")?,
        teacher_id: row.try_get("teacher_id")?,
        teacher_first: row.try_get("teacher_first")?,
        teacher_last: row.try_get("teacher_last")?,
        kind: row.try_get("kind")?,
        starts_at: row.try_get("starts_at")?,
        duration_min: row.try_get("duration_min")?,
        link: row.try_get("link")?,
        notes: row.try_get("notes")?,
        cancelled: row.try_get("cancelled")?,
        participants: Vec::new(),
        materials: Vec::new(),
    })
}

/// `?, ?, …` for `ids`, bound.
fn bind_ids(q: &mut QueryBuilder<Db>, ids: impl Iterator<Item = i64>) {
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
}

impl SqlTx {
    /// The lessons in `rows`, each with its invited parents and materials.
    async fn lessons_from_rows(&mut self, rows: &[DbRow]) -> Result<Vec<LessonRecord>> {
        let mut lessons = rows
            .iter()
            .map(lesson_from_row)
            .collect::<Result<Vec<_>>>()?;
        // Two queries for the whole list (not two a lesson): the invited parents and the
        // materials of every lesson in it, by lesson id.
        let mut participants: HashMap<i64, Vec<NameRecord>> = HashMap::new();
        let mut materials: HashMap<i64, Vec<AttachmentRecord>> = HashMap::new();
        for chunk in lessons.chunks(IDS_PER_QUERY) {
            let ids = chunk.iter().map(|l| l.id);
            let mut q = QueryBuilder::<Db>::new(
                "SELECT p.lesson_id, u.id, u.first_name, u.last_name
                 FROM lesson_participants p JOIN users u ON u.id = p.user_id
                 WHERE p.lesson_id IN (",
            );
            bind_ids(&mut q, ids.clone());
            q.push(") ORDER BY p.lesson_id, u.id");
            for r in q.build().fetch_all(self.conn()).await? {
                participants
                    .entry(r.try_get("lesson_id")?)
                    .or_default()
                    .push(NameRecord {
                        user_id: r.try_get("id")?,
                        first_name: r.try_get("first_name")?,
                        last_name: r.try_get("last_name")?,
                    });
            }
            let mut q = QueryBuilder::<Db>::new(
                "SELECT m.lesson_id, u.rowid AS number, u.type, u.token, u.filename, u.total
                 FROM lesson_materials m JOIN uploads u ON u.id = m.upload_id
                 WHERE m.lesson_id IN (",
            );
            bind_ids(&mut q, ids);
            q.push(") ORDER BY m.lesson_id, m.position");
            for r in q.build().fetch_all(self.conn()).await? {
                materials
                    .entry(r.try_get("lesson_id")?)
                    .or_default()
                    .push(AttachmentRecord {
                        number: r.try_get("number")?,
                        kind: r.try_get("type")?,
                        token: r.try_get("token")?,
                        filename: r.try_get("filename")?,
                        size: r.try_get("total")?,
                    });
            }
        }
        for lesson in &mut lessons {
            lesson.participants = participants.remove(&lesson.id).unwrap_or_default();
            lesson.materials = materials.remove(&lesson.id).unwrap_or_default();
        }
        Ok(lessons)
    }
}

#[async_trait]
impl LessonRows for SqlTx {
    async fn insert_lesson(&mut self, f: &LessonFields, by: i64, at: i64) -> Result<i64> {
        Ok(self
            .scalar_one(
                "INSERT INTO lessons (class_id, subject, teacher_id, kind, starts_at, duration_min,
                                  link, notes, origin_at, created_by, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    f.class_id,
                    &f.subject,
                    f.teacher_id,
                    &f.kind,
                    f.starts_at,
                    f.duration_min,
                    &f.link,
                    &f.notes,
                    f.origin_at,
                    by,
                    at,
                    at,
                ),
            )
            .await?)
    }

    async fn lesson(&mut self, id: i64) -> Result<Option<LessonRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE l.id = ?");
        let row = self.row_opt(sqlx::AssertSqlSafe(sql), (id,)).await?;
        Ok(self.lessons_from_rows(row.as_slice()).await?.pop())
    }

    async fn update_lesson(&mut self, id: i64, f: &LessonFields, at: i64) -> Result<()> {
        self.run(
            "UPDATE lessons SET subject = ?, teacher_id = ?, kind = ?, starts_at = ?,
                                duration_min = ?, link = ?, notes = ?, updated_at = ?,
                                touched = TRUE
             WHERE id = ?",
            (
                &f.subject,
                f.teacher_id,
                &f.kind,
                f.starts_at,
                f.duration_min,
                &f.link,
                &f.notes,
                at,
                id,
            ),
        )
        .await
    }

    async fn cancel_lesson(&mut self, id: i64, at: i64) -> Result<bool> {
        let done = self
            .execute(
                "UPDATE lessons SET cancelled = TRUE, touched = TRUE, updated_at = ?
             WHERE id = ? AND NOT cancelled",
                (at, id),
            )
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn lessons_between(
        &mut self,
        visible_to: Option<i64>,
        from: i64,
        to: i64,
    ) -> Result<Vec<LessonRecord>> {
        let rows = match visible_to {
            None => {
                let sql = format!(
                    "SELECT {COLUMNS} FROM {FROM} WHERE l.starts_at >= ? AND l.starts_at < ?
                     ORDER BY l.starts_at, l.id"
                );
                self.row_all(sqlx::AssertSqlSafe(sql), (from, to)).await?
            }
            Some(user_id) => {
                let sql = format!(
                    "SELECT {COLUMNS} FROM {FROM} WHERE l.starts_at >= ? AND l.starts_at < ?
                       AND (l.teacher_id = ?
                            OR l.class_id IN (SELECT class_id FROM class_teachers WHERE user_id = ?)
                            OR (l.class_id IN (SELECT class_id FROM class_parents WHERE user_id = ?)
                                AND (NOT EXISTS (SELECT 1 FROM lesson_participants p
                                                 WHERE p.lesson_id = l.id)
                                     OR EXISTS (SELECT 1 FROM lesson_participants p
                                                WHERE p.lesson_id = l.id AND p.user_id = ?)))
                            OR (l.class_id IN (SELECT class_id FROM class_pupils WHERE user_id = ?)
                                AND NOT EXISTS (SELECT 1 FROM lesson_participants p
                                                WHERE p.lesson_id = l.id)))
                     ORDER BY l.starts_at, l.id"
                );
                self.row_all(
                    sqlx::AssertSqlSafe(sql),
                    (from, to, user_id, user_id, user_id, user_id, user_id),
                )
                .await?
            }
        };
        self.lessons_from_rows(&rows).await
    }

    async fn teaches_class(&mut self, user_id: i64, class_id: i64) -> Result<bool> {
        Ok(self
            .scalar_one::<i64>(
                "SELECT COUNT(*) FROM class_teachers WHERE user_id = ? AND class_id = ?",
                (user_id, class_id),
            )
            .await?
            > 0)
    }

    async fn class_parent_ids(&mut self, class_id: i64) -> Result<Vec<i64>> {
        self.scalar_all(
            "SELECT DISTINCT user_id FROM class_parents WHERE class_id = ? ORDER BY user_id",
            (class_id,),
        )
        .await
    }

    async fn class_pupils(&mut self, class_id: i64) -> Result<Vec<(i64, i64)>> {
        self.as_all(
            "SELECT user_id, parent_id FROM class_pupils WHERE class_id = ? ORDER BY user_id",
            (class_id,),
        )
        .await
    }

    async fn insert_consent(
        &mut self,
        lesson_id: i64,
        user_id: i64,
        consent: bool,
        at: i64,
    ) -> Result<()> {
        self.run(
            "INSERT INTO lesson_consents (lesson_id, user_id, consent, at) VALUES (?, ?, ?, ?)",
            (lesson_id, user_id, consent, at),
        )
        .await
    }

    async fn consents(&mut self, lesson_id: i64) -> Result<Vec<ConsentRecord>> {
        let rows = self
            .row_all(
                "SELECT k.user_id, u.first_name, u.last_name, k.consent, k.at
             FROM lesson_consents k JOIN users u ON u.id = k.user_id
             WHERE k.lesson_id = ? ORDER BY k.id",
                (lesson_id,),
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ConsentRecord {
                    user_id: row.try_get("user_id")?,
                    first_name: row.try_get("first_name")?,
                    last_name: row.try_get("last_name")?,
                    consent: row.try_get("consent")?,
                    at: row.try_get("at")?,
                })
            })
            .collect()
    }

    async fn set_lesson_participants(&mut self, lesson_id: i64, user_ids: &[i64]) -> Result<()> {
        self.execute(
            "DELETE FROM lesson_participants WHERE lesson_id = ?",
            (lesson_id,),
        )
        .await?;
        for user_id in user_ids {
            self.execute(
                "INSERT INTO lesson_participants (lesson_id, user_id) VALUES (?, ?)
                 ON CONFLICT DO NOTHING",
                (lesson_id, user_id),
            )
            .await?;
        }
        Ok(())
    }

    async fn set_lesson_materials(&mut self, lesson_id: i64, upload_ids: &[String]) -> Result<()> {
        self.execute(
            "DELETE FROM lesson_materials WHERE lesson_id = ?",
            (lesson_id,),
        )
        .await?;
        for (position, upload_id) in upload_ids.iter().enumerate() {
            self.execute(
                "INSERT INTO lesson_materials (lesson_id, upload_id, position)
                 VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    lesson_id,
                    upload_id,
                    i64::try_from(position).unwrap_or(i64::MAX),
                ),
            )
            .await?;
        }
        Ok(())
    }

    async fn lessons_with_material(&mut self, upload_id: &str) -> Result<Vec<i64>> {
        self.scalar_all(
            "SELECT lesson_id FROM lesson_materials WHERE upload_id = ? ORDER BY lesson_id",
            (upload_id,),
        )
        .await
    }

    async fn insert_lesson_event(
        &mut self,
        lesson_id: i64,
        user_id: i64,
        event: &str,
        at: i64,
    ) -> Result<()> {
        self.run(
            "INSERT INTO lesson_events (lesson_id, user_id, event, at) VALUES (?, ?, ?, ?)",
            (lesson_id, user_id, event, at),
        )
        .await
    }

    async fn lesson_events(&mut self, lesson_id: i64) -> Result<Vec<LessonEventRecord>> {
        let rows = self
            .row_all(
                "SELECT e.user_id, u.first_name, u.last_name, e.event, e.at
             FROM lesson_events e JOIN users u ON u.id = e.user_id
             WHERE e.lesson_id = ? ORDER BY e.id",
                (lesson_id,),
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(LessonEventRecord {
                    user_id: row.try_get("user_id")?,
                    first_name: row.try_get("first_name")?,
                    last_name: row.try_get("last_name")?,
                    event: row.try_get("event")?,
                    at: row.try_get("at")?,
                })
            })
            .collect()
    }

    async fn delete_untouched_imported(
        &mut self,
        class_id: i64,
        from: i64,
        to: i64,
    ) -> Result<u64> {
        let done = self
            .execute(
                "DELETE FROM lessons WHERE class_id = ? AND origin_at >= ? AND origin_at < ?
               AND NOT touched
               AND id NOT IN (SELECT lesson_id FROM lesson_consents)
               AND id NOT IN (SELECT lesson_id FROM lesson_events)
               AND id NOT IN (SELECT lesson_id FROM lesson_materials)
               AND id NOT IN (SELECT lesson_id FROM lesson_participants)",
                (class_id, from, to),
            )
            .await?;
        Ok(done.rows_affected())
    }

    async fn imported_origins(
        &mut self,
        class_id: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, String)>> {
        self.as_all(
            "SELECT origin_at, subject FROM lessons
             WHERE class_id = ? AND origin_at >= ? AND origin_at < ?",
            (class_id, from, to),
        )
        .await
    }

    async fn set_feed(&mut self, user_id: i64, token_hash: &[u8], at: i64) -> Result<()> {
        self.run(
            "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)
             ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,
                                                created_at = excluded.created_at",
            (user_id, token_hash, at),
        )
        .await
    }

    async fn clear_feed(&mut self, user_id: i64) -> Result<bool> {
        let done = self
            .execute("DELETE FROM calendar_feeds WHERE user_id = ?", (user_id,))
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn feed_owner(&mut self, token_hash: &[u8]) -> Result<Option<i64>> {
        self.scalar_opt(
            "SELECT user_id FROM calendar_feeds WHERE token_hash = ?",
            (token_hash,),
        )
        .await
    }
}
