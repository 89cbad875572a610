use async_trait::async_trait;
use parta_model::max::User;
use sqlx::Row;

use super::{DbRow, SqlTx};
use crate::store::Result;
use crate::store::people::{
    DeviceRecord, NameRecord, NewUser, PeopleRows, PersonRecord, ProfileRecord, TokenOwner,
};
use parta_model::school::Role;
use parta_model::school::{Restriction, RestrictionMode as Mode};

fn restriction_from_row(row: &DbRow) -> Result<Restriction> {
    Ok(Restriction {
        user_id: row.try_get("user_id")?,
        mode: Mode::parse(&row.try_get::<String, _>("mode")?),
        reason: row.try_get("reason")?,
        until: row.try_get("until")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
    })
}

#[async_trait]
impl PeopleRows for SqlTx {
    async fn person(&mut self, user_id: i64) -> Result<Option<PersonRecord>> {
        let row = self.row_opt("SELECT id, first_name, last_name, username, max_user_id, role, removed_at FROM users
             WHERE id = ?", (user_id,)).await?;
        row.map(|row| {
            Ok(PersonRecord {
                user: User {
                    user_id: row.try_get("id")?,
                    first_name: row.try_get("first_name")?,
                    last_name: row.try_get("last_name")?,
                    username: row.try_get("username")?,
                    is_bot: false,
                    last_activity_time: None,
                    parta_max: row.try_get::<Option<i64>, _>("max_user_id")?.is_some(),
                },
                role: super::role_named(&row.try_get::<String, _>("role")?)?,
                removed: row.try_get::<Option<i64>, _>("removed_at")?.is_some(),
            })
        })
        .transpose()
    }

    async fn names(&mut self, user_id: i64) -> Result<Option<NameRecord>> {
        let row = self
            .row_opt(
                "SELECT id, first_name, last_name FROM users WHERE id = ?",
                (user_id,),
            )
            .await?;
        row.map(|row| {
            Ok(NameRecord {
                user_id: row.try_get("id")?,
                first_name: row.try_get("first_name")?,
                last_name: row.try_get("last_name")?,
            })
        })
        .transpose()
    }

    async fn user_id_by_login(&mut self, login: &str) -> Result<Option<i64>> {
        self.scalar_opt("SELECT id FROM users WHERE username = ?", (login,))
            .await
    }

    async fn credentials(&mut self, login: &str) -> Result<Option<(i64, Option<String>)>> {
        self.as_opt(
            "SELECT id, password_hash FROM users WHERE username = ?",
            (login,),
        )
        .await
    }

    async fn password_hash(&mut self, user_id: i64) -> Result<Option<String>> {
        let hash: Option<Option<String>> = self
            .scalar_opt("SELECT password_hash FROM users WHERE id = ?", (user_id,))
            .await?;
        Ok(hash.flatten())
    }

    async fn set_password_hash(&mut self, user_id: i64, hash: &str) -> Result<()> {
        self.run(
            "UPDATE users SET password_hash = ? WHERE id = ?",
            (hash, user_id),
        )
        .await
    }

    async fn fill_missing_password_hashes(&mut self, hash: &str) -> Result<()> {
        self.run(
            "UPDATE users SET password_hash = ? WHERE password_hash IS NULL",
            (hash,),
        )
        .await
    }

    async fn profile(&mut self, user_id: i64) -> Result<Option<ProfileRecord>> {
        let row = self
            .row_opt(
                "SELECT first_name, last_name, role, phone, email FROM users WHERE id = ?",
                (user_id,),
            )
            .await?;
        row.map(|row| {
            Ok(ProfileRecord {
                first_name: row.try_get("first_name")?,
                last_name: row.try_get("last_name")?,
                role: super::role_named(&row.try_get::<String, _>("role")?)?,
                phone: row.try_get("phone")?,
                email: row.try_get("email")?,
            })
        })
        .transpose()
    }

    async fn set_contacts(
        &mut self,
        user_id: i64,
        phone: Option<&str>,
        email: Option<&str>,
    ) -> Result<()> {
        self.run(
            "UPDATE users SET phone = ?, email = ? WHERE id = ?",
            (phone, email, user_id),
        )
        .await
    }

    async fn share_a_chat(&mut self, a: i64, b: i64) -> Result<bool> {
        Ok(self
            .row_opt(
                "SELECT 1 FROM chat_members a JOIN chat_members b ON a.chat_id = b.chat_id
             WHERE a.user_id = ? AND b.user_id = ?",
                (a, b),
            )
            .await?
            .is_some())
    }

    async fn set_role(&mut self, user_id: i64, role: Role) -> Result<()> {
        self.run(
            "UPDATE users SET role = ? WHERE id = ?",
            (role.as_str(), user_id),
        )
        .await
    }

    async fn mark_removed(&mut self, user_id: i64, at: i64) -> Result<()> {
        self.run(
            "UPDATE users SET removed_at = ?, password_hash = NULL WHERE id = ?",
            (at, user_id),
        )
        .await
    }

    async fn active_user_ids(&mut self) -> Result<Vec<i64>> {
        self.scalar_all(
            "SELECT id FROM users WHERE removed_at IS NULL ORDER BY id",
            (),
        )
        .await
    }

    async fn active_people(&mut self) -> Result<Vec<(NameRecord, Role)>> {
        let rows = self
            .row_all(
                "SELECT id, first_name, last_name, role FROM users WHERE removed_at IS NULL
             ORDER BY last_name, first_name, id",
                (),
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    NameRecord {
                        user_id: row.try_get("id")?,
                        first_name: row.try_get("first_name")?,
                        last_name: row.try_get("last_name")?,
                    },
                    super::role_named(&row.try_get::<String, _>("role")?)?,
                ))
            })
            .collect()
    }

    async fn restrictions(&mut self, now: i64) -> Result<Vec<Restriction>> {
        let rows = self
            .row_all(
                "SELECT user_id, mode, reason, until, created_by, created_at FROM restrictions
             WHERE until > ?",
                (now,),
            )
            .await?;
        rows.iter().map(restriction_from_row).collect()
    }

    async fn insert_user(&mut self, user: NewUser<'_>) -> Result<i64> {
        Ok(self.scalar_one("INSERT INTO users (first_name, last_name, username, role, created_at, password_hash)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id", (user.first_name, user.last_name, user.username, user.role.as_str(), user.created_at, user.password_hash)).await?
        )
    }

    async fn login_taken(&mut self, login: &str) -> Result<bool> {
        Ok(self
            .row_opt(
                "SELECT 1 FROM users WHERE username = ?1
             UNION ALL SELECT 1 FROM join_requests WHERE login = ?1 AND status = 'pending'",
                (login,),
            )
            .await?
            .is_some())
    }

    async fn join_reviewers(&mut self, role: Role, class_id: Option<i64>) -> Result<Vec<i64>> {
        self.scalar_all("SELECT id FROM users WHERE removed_at IS NULL
               AND (role IN ('platform_admin', 'administration')
                    OR (?1 IN ('parent', 'pupil') AND id IN (SELECT class_teacher_id FROM classes WHERE id = ?2)))", (role.as_str(), class_id)).await
    }

    async fn insert_device(
        &mut self,
        user_id: i64,
        token_hash: &[u8],
        name: &str,
        created_at: i64,
        marker: i64,
    ) -> Result<()> {
        self.run(
            "INSERT INTO devices (user_id, token_hash, name, created_at, update_marker)
             VALUES (?, ?, ?, ?, ?)",
            (user_id, token_hash, name, created_at, marker),
        )
        .await
    }

    async fn token_owner(&mut self, token_hash: &[u8], now: i64) -> Result<Option<TokenOwner>> {
        // One query for the device and a block in force: every request pays for one lookup.
        let row = self.row_opt("SELECT d.id, d.user_id, u.role, r.mode, r.reason, r.until, r.created_by, r.created_at
             FROM devices d JOIN users u ON u.id = d.user_id
             LEFT JOIN restrictions r ON r.user_id = d.user_id AND r.mode = 'blocked' AND r.until > ?
             WHERE d.token_hash = ? AND d.revoked_at IS NULL", (now, token_hash)).await?;
        let Some(row) = row else { return Ok(None) };
        let blocked = match row.try_get::<Option<i64>, _>("until")? {
            Some(_) => Some(restriction_from_row(&row)?),
            None => None,
        };
        Ok(Some(TokenOwner {
            device_id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            role: super::role_named(&row.try_get::<String, _>("role")?)?,
            blocked,
        }))
    }

    async fn devices(&mut self, user_id: i64) -> Result<Vec<DeviceRecord>> {
        Ok(self
            .as_all(
                "SELECT id, name, created_at, last_used_at FROM devices
             WHERE user_id = ? AND revoked_at IS NULL ORDER BY id",
                (user_id,),
            )
            .await?
            .into_iter()
            .map(|(id, name, created_at, last_used_at)| DeviceRecord {
                id,
                name,
                created_at,
                last_used_at,
            })
            .collect())
    }

    async fn revoke_other_devices(&mut self, user_id: i64, keep: i64, at: i64) -> Result<u64> {
        let done = self
            .execute(
                "UPDATE devices SET revoked_at = ?
                 WHERE user_id = ? AND id != ? AND revoked_at IS NULL",
                (at, user_id, keep),
            )
            .await?;
        Ok(done.rows_affected())
    }

    async fn insert_password_reset(
        &mut self,
        user_id: i64,
        code_hash: &[u8],
        created_by: i64,
        at: i64,
        expires_at: i64,
    ) -> Result<()> {
        self.run(
            "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
            (at, user_id),
        )
        .await?;
        self.run(
            "INSERT INTO password_resets (user_id, code_hash, created_by, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?)",
            (user_id, code_hash, created_by, at, expires_at),
        )
        .await
    }

    async fn usable_password_reset(
        &mut self,
        code_hash: &[u8],
        at: i64,
    ) -> Result<Option<(i64, i64)>> {
        self.as_opt(
            "SELECT r.id, r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id
             WHERE r.code_hash = ? AND r.used_at IS NULL AND r.expires_at > ?
               AND u.removed_at IS NULL",
            (code_hash, at),
        )
        .await
    }

    async fn use_password_reset(&mut self, id: i64, at: i64) -> Result<()> {
        self.run(
            "UPDATE password_resets SET used_at = ? WHERE id = ?",
            (at, id),
        )
        .await
    }

    async fn note_device_use(&mut self, device_id: i64, at: i64) -> Result<()> {
        self.run(
            "UPDATE devices SET last_used_at = CASE WHEN last_used_at > ?1 THEN last_used_at ELSE ?1 END
             WHERE id = ?2",
            (at, device_id),
        )
        .await
    }

    async fn revoke_device(&mut self, user_id: i64, device_id: i64, at: i64) -> Result<bool> {
        let done = self.execute("UPDATE devices SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL", (at, device_id, user_id)).await?;
        Ok(done.rows_affected() > 0)
    }

    async fn revoke_devices(&mut self, user_id: i64, at: i64) -> Result<u64> {
        let done = self
            .execute(
                "UPDATE devices SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                (at, user_id),
            )
            .await?;
        Ok(done.rows_affected())
    }

    async fn device_marker(&mut self, device_id: i64) -> Result<i64> {
        self.scalar_one(
            "SELECT update_marker FROM devices WHERE id = ?",
            (device_id,),
        )
        .await
    }

    async fn set_device_marker(&mut self, device_id: i64, marker: i64) -> Result<()> {
        self.run(
            "UPDATE devices SET update_marker = ? WHERE id = ?",
            (marker, device_id),
        )
        .await
    }

    async fn restriction(&mut self, user_id: i64, now: i64) -> Result<Option<Restriction>> {
        let row = self
            .row_opt(
                "SELECT user_id, mode, reason, until, created_by, created_at FROM restrictions
             WHERE user_id = ? AND until > ?",
                (user_id, now),
            )
            .await?;
        row.as_ref().map(restriction_from_row).transpose()
    }

    async fn put_restriction(&mut self, r: &Restriction) -> Result<()> {
        self.run(
            "INSERT INTO restrictions (user_id, mode, reason, until, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (user_id) DO UPDATE SET mode = excluded.mode, reason = excluded.reason,
                 until = excluded.until, created_by = excluded.created_by,
                 created_at = excluded.created_at",
            (
                r.user_id,
                r.mode.as_str(),
                &r.reason,
                r.until,
                r.created_by,
                r.created_at,
            ),
        )
        .await
    }

    async fn delete_restriction(&mut self, user_id: i64) -> Result<bool> {
        let done = self
            .execute("DELETE FROM restrictions WHERE user_id = ?", (user_id,))
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
