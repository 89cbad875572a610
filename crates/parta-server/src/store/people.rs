//! People, their devices and restrictions.

use async_trait::async_trait;
use parta_model::max::User;

use crate::store::Result;
use parta_model::school::Restriction;
use parta_model::school::Role;

/// A person as MAX's `User`, with their role and whether they left the school.
#[derive(Debug, Clone)]
pub struct PersonRecord {
    pub user: User,
    pub role: Role,
    pub removed: bool,
}

/// A person's names, for lists.
#[derive(Debug, Clone)]
pub struct NameRecord {
    pub user_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
}

/// What a profile shows.
#[derive(Debug, Clone)]
pub struct ProfileRecord {
    pub first_name: String,
    pub last_name: Option<String>,
    pub role: Role,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A new account.
#[derive(Debug, Clone, Copy)]
pub struct NewUser<'a> {
    pub first_name: &'a str,
    pub last_name: Option<&'a str>,
    pub username: &'a str,
    pub role: Role,
    pub created_at: i64,
    pub password_hash: Option<&'a str>,
}

/// Who holds a device token, and the block on them in force, if any.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    pub device_id: i64,
    pub user_id: i64,
    pub role: Role,
    pub blocked: Option<Restriction>,
}

/// A signed-in device.
#[derive(Debug, Clone)]
pub struct DeviceRecord {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    /// When it last reached the server (as last saved; see `AuthCache::save_last_use`).
    pub last_used_at: Option<i64>,
}

/// Statements about people.
#[async_trait]
pub trait PeopleRows {
    /// A person by id.
    async fn person(&mut self, user_id: i64) -> Result<Option<PersonRecord>>;
    /// A person's names.
    async fn names(&mut self, user_id: i64) -> Result<Option<NameRecord>>;
    /// A person by login.
    async fn user_id_by_login(&mut self, login: &str) -> Result<Option<i64>>;
    /// The id and password hash behind a login.
    async fn credentials(&mut self, login: &str) -> Result<Option<(i64, Option<String>)>>;
    /// A person's password hash.
    async fn password_hash(&mut self, user_id: i64) -> Result<Option<String>>;
    async fn set_password_hash(&mut self, user_id: i64, hash: &str) -> Result<()>;
    /// Sets the hash of everyone who has none (the demo's shared password).
    async fn fill_missing_password_hashes(&mut self, hash: &str) -> Result<()>;
    async fn profile(&mut self, user_id: i64) -> Result<Option<ProfileRecord>>;
    async fn set_contacts(
        &mut self,
        user_id: i64,
        phone: Option<&str>,
        email: Option<&str>,
    ) -> Result<()>;
    /// Whether two people are members of a common chat.
    async fn share_a_chat(&mut self, a: i64, b: i64) -> Result<bool>;
    async fn set_role(&mut self, user_id: i64, role: Role) -> Result<()>;
    /// Marks a person removed from the school and forgets their password.
    async fn mark_removed(&mut self, user_id: i64, at: i64) -> Result<()>;
    /// Everyone still at the school, by id.
    async fn active_user_ids(&mut self) -> Result<Vec<i64>>;
    /// Everyone still at the school with their role, by last and first name.
    async fn active_people(&mut self) -> Result<Vec<(NameRecord, Role)>>;
    /// Every restriction in force at `now`.
    async fn restrictions(&mut self, now: i64) -> Result<Vec<Restriction>>;
    /// Creates an account; returns its id.
    async fn insert_user(&mut self, user: NewUser<'_>) -> Result<i64>;
    /// Whether a login is in use by an account or a pending join request.
    async fn login_taken(&mut self, login: &str) -> Result<bool>;
    /// Who reviews a join request for `role` (and `class_id`): the school's administrators,
    /// and for a parent the class teacher.
    async fn join_reviewers(&mut self, role: Role, class_id: Option<i64>) -> Result<Vec<i64>>;

    /// Registers a device by the hash of its token; its update marker starts at `marker`.
    async fn insert_device(
        &mut self,
        user_id: i64,
        token_hash: &[u8],
        name: &str,
        created_at: i64,
        marker: i64,
    ) -> Result<()>;
    /// The owner of a token that is not revoked, at `now`.
    async fn token_owner(&mut self, token_hash: &[u8], now: i64) -> Result<Option<TokenOwner>>;
    /// A person's devices that are still signed in, oldest first.
    async fn devices(&mut self, user_id: i64) -> Result<Vec<DeviceRecord>>;
    /// Revokes one of `user_id`'s devices; false if there was none to revoke.
    async fn revoke_device(&mut self, user_id: i64, device_id: i64, at: i64) -> Result<bool>;
    /// Revokes all of a person's devices; returns how many.
    async fn revoke_devices(&mut self, user_id: i64, at: i64) -> Result<u64>;
    /// Signs out every device of `user_id` but `keep`; how many.
    async fn revoke_other_devices(&mut self, user_id: i64, keep: i64, at: i64) -> Result<u64>;
    /// A new one-time password reset for `user_id`; earlier unused ones stop working.
    async fn insert_password_reset(
        &mut self,
        user_id: i64,
        code_hash: &[u8],
        created_by: i64,
        at: i64,
        expires_at: i64,
    ) -> Result<()>;
    /// The reset with this code that is unused and unexpired at `at`: (id, user_id).
    async fn usable_password_reset(
        &mut self,
        code_hash: &[u8],
        at: i64,
    ) -> Result<Option<(i64, i64)>>;
    /// Marks a reset used.
    async fn use_password_reset(&mut self, id: i64, at: i64) -> Result<()>;
    /// Notes when devices last reached the server (a later time only ever replaces an
    /// earlier one).
    async fn note_device_use(&mut self, device_id: i64, at: i64) -> Result<()>;
    /// The update marker stored for a device.
    async fn device_marker(&mut self, device_id: i64) -> Result<i64>;
    async fn set_device_marker(&mut self, device_id: i64, marker: i64) -> Result<()>;

    /// The restriction of a person in force at `now`.
    async fn restriction(&mut self, user_id: i64, now: i64) -> Result<Option<Restriction>>;
    /// Sets a person's restriction, replacing any earlier one.
    async fn put_restriction(&mut self, restriction: &Restriction) -> Result<()>;
    /// Lifts a person's restriction; false if there was none.
    async fn delete_restriction(&mut self, user_id: i64) -> Result<bool>;
}
