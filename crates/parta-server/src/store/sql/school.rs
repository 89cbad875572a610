use async_trait::async_trait;
use sqlx::Row;

use super::{DbRow, SqlTx};
use crate::store::Result;
use crate::store::people::NameRecord;
use crate::store::school::{
    AuditRecord, ClassLinkRecord, ClassRecord, InviteRecord, JoinPoll, JoinRequestRecord,
    NewInviteRecord, NewJoinRequest, SchoolRows, Scope,
};

const CLASS_SELECT: &str = "SELECT id, name, class_teacher_id,
    (SELECT id FROM chats WHERE kind = 'class_parents' AND class_id = classes.id) AS chat_id,
    (SELECT COUNT(DISTINCT user_id) FROM class_parents WHERE class_id = classes.id) AS parents
    FROM classes";

fn class_from_row(row: &DbRow) -> Result<ClassRecord> {
    Ok(ClassRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        class_teacher_id: row.try_get("class_teacher_id")?,
        chat_id: row.try_get("chat_id")?,
        parents: row.try_get("parents")?,
    })
}

const INVITE_SELECT: &str = "SELECT i.id, i.role, i.class_id, c.name AS class_name, i.child_name,
    i.parent_id, p.first_name AS parent_first, p.last_name AS parent_last,
    i.note, i.created_by, i.created_at, i.expires_at, i.max_uses, i.uses, i.revoked_at
    FROM invites i LEFT JOIN classes c ON c.id = i.class_id LEFT JOIN users p ON p.id = i.parent_id";

fn invite_from_row(row: &DbRow) -> Result<InviteRecord> {
    Ok(InviteRecord {
        id: row.try_get("id")?,
        role: super::role_named(&row.try_get::<String, _>("role")?)?,
        class_id: row.try_get("class_id")?,
        class_name: row.try_get("class_name")?,
        child_name: row.try_get("child_name")?,
        parent_id: row.try_get("parent_id")?,
        parent_name: row
            .try_get::<Option<String>, _>("parent_first")?
            .map(|first| {
                let last = row
                    .try_get::<Option<String>, _>("parent_last")
                    .ok()
                    .flatten();
                crate::users::person_name(&first, last.as_deref())
            }),
        note: row.try_get("note")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        max_uses: row.try_get("max_uses")?,
        uses: row.try_get("uses")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

const REQUEST_SELECT: &str = "SELECT r.id, r.invite_id, r.role, r.class_id, c.name AS class_name,
    r.child_name, r.first_name, r.last_name, r.login, r.status, r.reason, r.created_at,
    r.decided_at, r.user_id FROM join_requests r LEFT JOIN classes c ON c.id = r.class_id";

fn request_from_row(row: &DbRow) -> Result<JoinRequestRecord> {
    Ok(JoinRequestRecord {
        id: row.try_get("id")?,
        invite_id: row.try_get("invite_id")?,
        role: super::role_named(&row.try_get::<String, _>("role")?)?,
        class_id: row.try_get("class_id")?,
        class_name: row.try_get("class_name")?,
        child_name: row.try_get("child_name")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        login: row.try_get("login")?,
        status: row.try_get("status")?,
        reason: row.try_get("reason")?,
        created_at: row.try_get("created_at")?,
        decided_at: row.try_get("decided_at")?,
        user_id: row.try_get("user_id")?,
    })
}

/// The condition that limits invites or join requests (aliased `alias`) to a scope; binds the
/// class teacher's id as `?1`.
fn scope_sql(scope: Scope, alias: &str) -> String {
    match scope {
        Scope::School => "?1 = ?1".to_owned(),
        Scope::ClassTeacher(_) => format!(
            "{alias}.role IN ('parent', 'pupil')
             AND {alias}.class_id IN (SELECT id FROM classes WHERE class_teacher_id = ?1)"
        ),
    }
}

fn scope_id(scope: Scope) -> i64 {
    match scope {
        Scope::School => 0,
        Scope::ClassTeacher(id) => id,
    }
}

#[async_trait]
impl SchoolRows for SqlTx {
    async fn class(&mut self, class_id: i64) -> Result<Option<ClassRecord>> {
        let sql = format!("{CLASS_SELECT} WHERE id = ?");
        let row = self.row_opt(sqlx::AssertSqlSafe(sql), (class_id,)).await?;
        row.as_ref().map(class_from_row).transpose()
    }

    async fn class_teachers(&mut self, class_id: i64) -> Result<Vec<NameRecord>> {
        Ok(self
            .as_all(
                "SELECT u.id, u.first_name, u.last_name FROM class_teachers t
             JOIN users u ON u.id = t.user_id
             WHERE t.class_id = ? ORDER BY u.last_name, u.first_name",
                (class_id,),
            )
            .await?
            .into_iter()
            .map(|(user_id, first_name, last_name)| NameRecord {
                user_id,
                first_name,
                last_name,
            })
            .collect())
    }

    async fn classes(&mut self) -> Result<Vec<ClassRecord>> {
        let sql = format!("{CLASS_SELECT} ORDER BY name");
        let rows = self.row_all(sqlx::AssertSqlSafe(sql), ()).await?;
        rows.iter().map(class_from_row).collect()
    }

    async fn classes_of_member(&mut self, user_id: i64) -> Result<Vec<ClassRecord>> {
        let sql = format!(
            "{CLASS_SELECT} WHERE id IN (SELECT class_id FROM class_parents WHERE user_id = ?1
                                         UNION SELECT class_id FROM class_pupils WHERE user_id = ?1)
             ORDER BY name"
        );
        let rows = self.row_all(sqlx::AssertSqlSafe(sql), (user_id,)).await?;
        rows.iter().map(class_from_row).collect()
    }

    async fn class_name_taken(&mut self, name: &str) -> Result<bool> {
        Ok(self
            .row_opt("SELECT 1 FROM classes WHERE name = ?", (name,))
            .await?
            .is_some())
    }

    async fn insert_class(
        &mut self,
        name: &str,
        class_teacher_id: Option<i64>,
        at: i64,
    ) -> Result<i64> {
        Ok(self
            .scalar_one(
                "INSERT INTO classes (name, class_teacher_id, created_at) VALUES (?, ?, ?) RETURNING id",
                (name, class_teacher_id, at),
            )
            .await?
            )
    }

    async fn add_class_teacher(&mut self, class_id: i64, user_id: i64) -> Result<()> {
        self.run(
            "INSERT INTO class_teachers (class_id, user_id) VALUES (?, ?)
             ON CONFLICT DO NOTHING",
            (class_id, user_id),
        )
        .await
    }

    async fn set_class_teacher(&mut self, class_id: i64, user_id: i64) -> Result<()> {
        self.run(
            "UPDATE classes SET class_teacher_id = ? WHERE id = ?",
            (user_id, class_id),
        )
        .await
    }

    async fn remove_class_teacher(&mut self, class_id: i64, user_id: i64) -> Result<bool> {
        let removed = self
            .execute(
                "DELETE FROM class_teachers WHERE class_id = ? AND user_id = ?",
                (class_id, user_id),
            )
            .await?;
        if removed.rows_affected() == 0 {
            return Ok(false);
        }
        self.execute(
            "UPDATE classes SET class_teacher_id = NULL WHERE id = ? AND class_teacher_id = ?",
            (class_id, user_id),
        )
        .await?;
        Ok(true)
    }

    async fn is_class_teacher(&mut self, user_id: i64, class_id: i64) -> Result<bool> {
        Ok(self
            .row_opt(
                "SELECT 1 FROM classes WHERE id = ? AND class_teacher_id = ?",
                (class_id, user_id),
            )
            .await?
            .is_some())
    }

    async fn add_class_parent(&mut self, class_id: i64, user_id: i64, child: &str) -> Result<()> {
        self.run(
            "INSERT INTO class_parents (class_id, user_id, child_name) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
            (class_id, user_id, child),
        )
        .await
    }

    async fn add_class_pupil(&mut self, class_id: i64, user_id: i64, parent_id: i64) -> Result<()> {
        self.run(
            "INSERT INTO class_pupils (class_id, user_id, parent_id) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
            (class_id, user_id, parent_id),
        )
        .await
    }

    async fn move_pupil(&mut self, from: i64, to: i64, user_id: i64) -> Result<bool> {
        let moved = self
            .execute(
                "UPDATE class_pupils SET class_id = ? WHERE class_id = ? AND user_id = ?",
                (to, from, user_id),
            )
            .await?
            .rows_affected();
        Ok(moved > 0)
    }

    async fn children_in(&mut self, class_id: i64, user_id: i64) -> Result<Vec<String>> {
        self.scalar_all(
            "SELECT child_name FROM class_parents WHERE class_id = ? AND user_id = ?",
            (class_id, user_id),
        )
        .await
    }

    async fn move_child(&mut self, from: i64, to: i64, user_id: i64, child: &str) -> Result<()> {
        self.run(
            "UPDATE class_parents SET class_id = ?
             WHERE class_id = ? AND user_id = ? AND child_name = ?",
            (to, from, user_id, child),
        )
        .await
    }

    async fn class_links(&mut self) -> Result<Vec<ClassLinkRecord>> {
        Ok(self
            .as_all(
                "SELECT p.user_id, c.id, c.name, p.child_name FROM class_parents p
             JOIN classes c ON c.id = p.class_id
             UNION ALL
             SELECT s.user_id, c.id, c.name, NULL FROM class_pupils s
             JOIN classes c ON c.id = s.class_id
             UNION ALL
             SELECT t.user_id, c.id, c.name, NULL FROM class_teachers t
             JOIN classes c ON c.id = t.class_id
             ORDER BY 3, 4",
                (),
            )
            .await?
            .into_iter()
            .map(
                |(user_id, class_id, class_name, child_name)| ClassLinkRecord {
                    user_id,
                    class_id,
                    class_name,
                    child_name,
                },
            )
            .collect())
    }

    async fn unlink_from_classes(&mut self, user_id: i64) -> Result<()> {
        for sql in [
            "DELETE FROM class_parents WHERE user_id = ?",
            "DELETE FROM class_pupils WHERE user_id = ?",
            "DELETE FROM class_teachers WHERE user_id = ?",
            "UPDATE classes SET class_teacher_id = NULL WHERE class_teacher_id = ?",
        ] {
            self.execute(sql, (user_id,)).await?;
        }
        Ok(())
    }

    async fn insert_invite(&mut self, i: NewInviteRecord<'_>) -> Result<i64> {
        Ok(self
            .scalar_one(
                "INSERT INTO invites (code_hash, role, class_id, child_name, parent_id, note,
                                  created_by, created_at, expires_at, max_uses)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    i.code_hash,
                    i.role.as_str(),
                    i.class_id,
                    i.child_name,
                    i.parent_id,
                    i.note,
                    i.created_by,
                    i.created_at,
                    i.expires_at,
                    i.max_uses,
                ),
            )
            .await?)
    }

    async fn invite(&mut self, id: i64) -> Result<Option<InviteRecord>> {
        let sql = format!("{INVITE_SELECT} WHERE i.id = ?");
        let row = self.row_opt(sqlx::AssertSqlSafe(sql), (id,)).await?;
        row.as_ref().map(invite_from_row).transpose()
    }

    async fn invite_by_code(&mut self, code_hash: &[u8]) -> Result<Option<InviteRecord>> {
        let sql = format!("{INVITE_SELECT} WHERE i.code_hash = ?");
        let row = self.row_opt(sqlx::AssertSqlSafe(sql), (code_hash,)).await?;
        row.as_ref().map(invite_from_row).transpose()
    }

    async fn invites(&mut self, scope: Scope) -> Result<Vec<InviteRecord>> {
        let sql = format!(
            "{INVITE_SELECT} WHERE {} ORDER BY i.id DESC",
            scope_sql(scope, "i")
        );
        let rows = self
            .row_all(sqlx::AssertSqlSafe(sql), (scope_id(scope),))
            .await?;
        rows.iter().map(invite_from_row).collect()
    }

    async fn revoke_invite(&mut self, id: i64, at: i64) -> Result<()> {
        self.run("UPDATE invites SET revoked_at = ? WHERE id = ?", (at, id))
            .await
    }

    async fn count_invite_use(&mut self, id: i64) -> Result<()> {
        self.run("UPDATE invites SET uses = uses + 1 WHERE id = ?", (id,))
            .await
    }

    async fn insert_join_request(&mut self, r: NewJoinRequest<'_>) -> Result<i64> {
        Ok(self
            .scalar_one(
                "INSERT INTO join_requests (invite_id, role, class_id, child_name, first_name,
                 last_name, login, password_hash, device_name, poll_token_hash, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    r.invite_id,
                    r.role.as_str(),
                    r.class_id,
                    r.child_name,
                    r.first_name,
                    r.last_name,
                    r.login,
                    r.password_hash,
                    r.device_name,
                    r.poll_token_hash,
                    r.created_at,
                ),
            )
            .await?)
    }

    async fn join_request(&mut self, id: i64) -> Result<Option<JoinRequestRecord>> {
        let sql = format!("{REQUEST_SELECT} WHERE r.id = ?");
        let row = self.row_opt(sqlx::AssertSqlSafe(sql), (id,)).await?;
        row.as_ref().map(request_from_row).transpose()
    }

    async fn join_request_password(&mut self, id: i64) -> Result<Option<String>> {
        self.scalar_opt(
            "SELECT password_hash FROM join_requests WHERE id = ?",
            (id,),
        )
        .await
    }

    async fn join_requests(
        &mut self,
        scope: Scope,
        pending_only: bool,
    ) -> Result<Vec<JoinRequestRecord>> {
        let status = if pending_only {
            "AND r.status = 'pending'"
        } else {
            ""
        };
        let sql = format!(
            "{REQUEST_SELECT} WHERE {} {status} ORDER BY r.id",
            scope_sql(scope, "r")
        );
        let rows = self
            .row_all(sqlx::AssertSqlSafe(sql), (scope_id(scope),))
            .await?;
        rows.iter().map(request_from_row).collect()
    }

    async fn decide_join_request(
        &mut self,
        id: i64,
        status: &str,
        reason: Option<&str>,
        by: i64,
        at: i64,
    ) -> Result<()> {
        self.run(
            "UPDATE join_requests SET status = ?, reason = ?, decided_at = ?, decided_by = ?
             WHERE id = ?",
            (status, reason, at, by, id),
        )
        .await
    }

    async fn set_join_request_user(&mut self, id: i64, user_id: i64) -> Result<()> {
        self.run(
            "UPDATE join_requests SET user_id = ? WHERE id = ?",
            (user_id, id),
        )
        .await
    }

    async fn join_poll(&mut self, poll_token_hash: &[u8]) -> Result<Option<JoinPoll>> {
        let row = self
            .row_opt(
                "SELECT id, status, reason, user_id, claimed_at, device_name FROM join_requests
             WHERE poll_token_hash = ?",
                (poll_token_hash,),
            )
            .await?;
        row.map(|row| {
            Ok(JoinPoll {
                id: row.try_get("id")?,
                status: row.try_get("status")?,
                reason: row.try_get("reason")?,
                user_id: row.try_get("user_id")?,
                claimed_at: row.try_get("claimed_at")?,
                device_name: row.try_get("device_name")?,
            })
        })
        .transpose()
    }

    async fn mark_join_claimed(&mut self, id: i64, at: i64) -> Result<()> {
        self.run(
            "UPDATE join_requests SET claimed_at = ? WHERE id = ?",
            (at, id),
        )
        .await
    }

    async fn setting(&mut self, key: &str) -> Result<Option<String>> {
        super::kv_get(self, "settings", key).await
    }

    async fn put_setting(&mut self, key: &str, value: &str) -> Result<()> {
        super::kv_put(self, "settings", key, value).await
    }

    async fn meta(&mut self, key: &str) -> Result<Option<String>> {
        self.scalar_opt("SELECT value FROM meta WHERE key = ?", (key,))
            .await
    }

    async fn put_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.run(
            "INSERT INTO meta (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
        .await
    }

    async fn insert_audit(
        &mut self,
        actor_id: Option<i64>,
        action: &str,
        target: &str,
        details: &str,
        at: i64,
    ) -> Result<()> {
        self.run(
            "INSERT INTO audit_log (actor_id, action, target, details, created_at)
             VALUES (?, ?, ?, ?, ?)",
            (actor_id, action, target, details, at),
        )
        .await
    }

    async fn audit(
        &mut self,
        before: i64,
        filter: &parta_model::school::AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditRecord>> {
        let sql = format!(
            "{AUDIT_SELECT} WHERE a.id < ?1
               AND (?2 IS NULL OR a.actor_id = ?2)
               AND (?3 IS NULL OR a.action LIKE ?3 || '.%')
               AND (?4 IS NULL OR a.created_at >= ?4)
               AND (?5 IS NULL OR a.created_at < ?5)
             ORDER BY a.id DESC LIMIT ?6"
        );
        let kind = filter.kind.as_deref();
        let rows = self
            .row_all(
                sqlx::AssertSqlSafe(sql),
                (before, filter.actor, kind, filter.from, filter.to, limit),
            )
            .await?;
        rows.iter().map(audit_from_row).collect()
    }

    async fn audit_on(
        &mut self,
        target: &str,
        action: &str,
        since: i64,
        limit: i64,
    ) -> Result<Vec<AuditRecord>> {
        let sql = format!(
            "{AUDIT_SELECT} WHERE a.target = ? AND a.action = ? AND a.created_at >= ?
             ORDER BY a.created_at DESC, a.id DESC LIMIT ?"
        );
        let rows = self
            .row_all(sqlx::AssertSqlSafe(sql), (target, action, since, limit))
            .await?;
        rows.iter().map(audit_from_row).collect()
    }
}

/// An audit entry with who acted and what the target is called: the part of `target` after
/// its `kind:` is the row's id in the table the kind names.
const AUDIT_SELECT: &str = "SELECT a.id, a.actor_id, a.action, a.target, a.details, a.created_at,
    u.first_name || COALESCE(' ' || u.last_name, '') AS actor_name,
    CASE
      WHEN a.target LIKE 'user:%' THEN (SELECT t.first_name || COALESCE(' ' || t.last_name, '') FROM users t
                        WHERE t.id = CAST(substr(a.target, instr(a.target, ':') + 1) AS INTEGER))
      WHEN a.target LIKE 'class:%' THEN (SELECT c.name FROM classes c
                        WHERE c.id = CAST(substr(a.target, instr(a.target, ':') + 1) AS INTEGER))
      WHEN a.target LIKE 'chat:%' THEN (SELECT c.title FROM chats c
                        WHERE c.id = CAST(substr(a.target, instr(a.target, ':') + 1) AS INTEGER))
      WHEN a.target LIKE 'invite:%' THEN (SELECT COALESCE(i.child_name, i.role) FROM invites i
                        WHERE i.id = CAST(substr(a.target, instr(a.target, ':') + 1) AS INTEGER))
      WHEN a.target LIKE 'join_request:%' THEN (SELECT r.first_name || COALESCE(' ' || r.last_name, '')
                        FROM join_requests r
                        WHERE r.id = CAST(substr(a.target, instr(a.target, ':') + 1) AS INTEGER))
      WHEN a.target LIKE 'lesson:%' THEN (SELECT l.subject FROM lessons l
                        WHERE l.id = CAST(substr(a.target, instr(a.target, ':') + 1) AS INTEGER))
      WHEN a.target LIKE 'device:%' THEN (SELECT d.name FROM devices d
                        WHERE d.id = CAST(substr(a.target, instr(a.target, ':') + 1) AS INTEGER))
    END AS object
    FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id";

fn audit_from_row(row: &DbRow) -> Result<AuditRecord> {
    Ok(AuditRecord {
        id: row.try_get("id")?,
        actor_id: row.try_get("actor_id")?,
        actor_name: row.try_get("actor_name")?,
        action: row.try_get("action")?,
        target: row.try_get("target")?,
        details: row.try_get("details")?,
        created_at: row.try_get("created_at")?,
        object: row.try_get("object")?,
    })
}
