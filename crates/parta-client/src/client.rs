//! Profiles, sign-in and sign-out, and starting sessions.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::account::{InviteForm, JoinAnswer, SchoolServer};
use crate::api::ApiClient;
use crate::error::{Error, Result};
use crate::files::{FileKey, FileVault};
use crate::secrets::{Keychain, SecretsError, Sensitive};
use crate::session::{Session, SessionConfig};
use crate::store::{CacheKey, MemoryStore, SqliteStore, Store, StoreError, StoredProfile};

/// What a profile connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileKind {
    /// A personal account on a school's parta-server.
    School,
    /// The demo school the desktop app runs in-process; its address changes per launch.
    Demo,
    /// A school's bot on MAX itself, for its platform administrator (procedure 4.1).
    MaxBot,
}

/// MAX's Bot API address (the one place it is written is `parta_model::max`).
pub use parta_model::max::MAX_API_URL;

impl ProfileKind {
    fn as_str(self) -> &'static str {
        match self {
            ProfileKind::School => "school",
            ProfileKind::Demo => "demo",
            ProfileKind::MaxBot => "max_bot",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "demo" => ProfileKind::Demo,
            "max_bot" => ProfileKind::MaxBot,
            _ => ProfileKind::School,
        }
    }
}

/// A signed-in profile (its token is in the keychain, not here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub id: String,
    pub kind: ProfileKind,
    pub server_url: String,
    pub display_name: String,
    pub user_id: Option<i64>,
    /// An extra trusted root certificate (PEM) for the server, e.g. MAX's.
    pub extra_root_pem: Option<String>,
}

impl From<StoredProfile> for Profile {
    fn from(p: StoredProfile) -> Self {
        Profile {
            id: p.id,
            kind: ProfileKind::parse(&p.kind),
            server_url: p.server_url,
            display_name: p.display_name,
            user_id: p.user_id,
            extra_root_pem: p.extra_root_pem,
        }
    }
}

/// Where joining by an invitation stands, from this device's side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinState {
    /// Signed in: the new profile.
    Joined(Profile),
    /// Waiting for the school's approval; ask again with [`Client::join_outcome`] and this id
    /// (the request's secret is kept in the keychain, not by the caller).
    Waiting { pending_id: String },
    /// The school refused, with its reason.
    Rejected { reason: String },
}

/// Where a profile's files live under `data_dir`: `files/<profile id>`, the id made safe as a
/// folder name (tests and support look there too).
pub fn profile_files_dir(data_dir: &Path, profile_id: &str) -> PathBuf {
    let folder: String = profile_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    data_dir.join("files").join(folder)
}

/// The keychain account of the key a profile's files are sealed under.
pub fn files_key_account(profile_id: &str) -> String {
    format!("files-key:{profile_id}")
}

/// Keychain accounts of pending joins are `join:<id>`, next to the profiles' `<id>`.
fn pending_account(pending_id: &str) -> String {
    format!("join:{pending_id}")
}

/// Takes the exclusive lock on `cache.lock` in `data_dir`, held while a process opens the
/// cache: the first start of the app and the command at once then agree on one key instead of
/// each writing its own, and one of them migrates the file while the other waits (on Windows,
/// SQLite's locks let two migrations of a new file collide: found under Wine).
async fn lock_cache(data_dir: &Path) -> Result<std::fs::File> {
    let lock_path = data_dir.join("cache.lock");
    tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    })
    .await
    .map_err(|e| Error::InvalidInput(format!("cache lock: {e}")))?
    .map_err(|e| Error::InvalidInput(format!("cannot lock the cache: {e}")))
}

/// The cache's key from the keychain, made and kept there at the first start (call it with
/// [`lock_cache`] held). Each data folder has its own, under the account `cache-key:<id>`
/// where the id (not a secret) is in the folder's `cache.id`, so that a moved folder keeps its
/// key and two folders never share one.
async fn cache_key(keychain: &Keychain, data_dir: &Path) -> Result<CacheKey> {
    let id_path = data_dir.join("cache.id");
    let id = match std::fs::read_to_string(&id_path) {
        Ok(id) if !id.trim().is_empty() => id.trim().to_owned(),
        Ok(_) => new_cache_id(&id_path)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => new_cache_id(&id_path)?,
        Err(e) => {
            return Err(Error::InvalidInput(format!(
                "cannot read {}: {e}",
                id_path.display()
            )));
        }
    };
    Ok(CacheKey::kept_in(keychain, &format!("cache-key:{id}")).await?)
}

/// The keychain account of the cache key of `data_dir`, once the app or the command has made
/// one there (for tests and for support: which keychain entry belongs to which folder).
pub fn cache_key_account(data_dir: &Path) -> Option<String> {
    let id = std::fs::read_to_string(data_dir.join("cache.id")).ok()?;
    Some(format!("cache-key:{}", id.trim()))
}

/// Writes a new random id for the data folder's cache key.
fn new_cache_id(path: &Path) -> Result<String> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    std::fs::write(path, &id)
        .map_err(|e| Error::InvalidInput(format!("cannot write {}: {e}", path.display())))?;
    Ok(id)
}

/// Runs `step` again for up to 2 s while another handle has the file open: Windows refuses to
/// move or remove an open file, and SQLite closes a connection that failed to open on its own
/// thread a moment later (found under Wine). Elsewhere the first try is the answer.
fn retry_while_shared(mut step: impl FnMut() -> std::io::Result<()>) -> std::io::Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        match step() {
            // ERROR_ACCESS_DENIED (5) and ERROR_SHARING_VIOLATION (32).
            Err(e)
                if cfg!(windows)
                    && matches!(e.raw_os_error(), Some(5 | 32))
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            done => return done,
        }
    }
}

/// Moves the cache file with its WAL to `cache.unreadable.sqlite` (replacing an older one) and
/// removes its shared memory.
fn set_cache_aside(path: &Path) -> Result<()> {
    let aside = path.with_file_name("cache.unreadable.sqlite");
    for suffix in ["", "-wal", "-shm"] {
        // An older one's WAL must not pair with the newer file.
        let _ = std::fs::remove_file(format!("{}{suffix}", aside.display()));
    }
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        let moved = PathBuf::from(format!("{}{suffix}", aside.display()));
        let done = retry_while_shared(|| {
            if suffix == "-shm" {
                std::fs::remove_file(&file)
            } else {
                std::fs::rename(&file, &moved)
            }
        });
        crate::gone(done).map_err(|e| {
            Error::InvalidInput(format!("cannot set {} aside: {e}", file.display()))
        })?;
    }
    Ok(())
}

/// The client core's entry point: one per app (or CLI run).
pub struct Client {
    data_dir: PathBuf,
    store: Arc<dyn Store>,
    keychain: Keychain,
}

impl Client {
    /// Opens the cache in `data_dir` (created if missing), encrypted under the key kept in
    /// `keychain` (made at the first start). Without a keychain nothing is kept on disk: the
    /// cache lives in memory for this run, and the plain text of a chat is never written.
    pub async fn open(data_dir: &Path, keychain: Keychain) -> Result<Self> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            Error::InvalidInput(format!("cannot create {}: {e}", data_dir.display()))
        })?;
        let path = data_dir.join("cache.sqlite");
        let lock = lock_cache(data_dir).await?;
        let store: Arc<dyn Store> = match cache_key(&keychain, data_dir).await {
            Ok(key) => match SqliteStore::open_encrypted(&path, &key).await {
                Err(StoreError::WrongKey) => {
                    // Unreadable without its key, which is gone from the keychain: set aside
                    // (should the key come back from a backup) and start anew.
                    tracing::warn!(
                        "the cache does not open with the keychain's key: set aside, starting anew"
                    );
                    set_cache_aside(&path)?;
                    Arc::new(SqliteStore::open_encrypted(&path, &key).await?)
                }
                opened => Arc::new(opened?),
            },
            Err(Error::Secrets(SecretsError::Unavailable(why))) => {
                tracing::warn!("no keychain ({why}): the cache is kept in memory for this run");
                Arc::new(MemoryStore::new())
            }
            Err(e) => return Err(e),
        };
        drop(lock);
        Ok(Self {
            data_dir: data_dir.to_owned(),
            store,
            keychain,
        })
    }

    /// Closes the cache and waits for its connections: call it before the process exits
    /// (see [`Store::close`]). Nothing the client does afterwards reaches the cache.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// Uses a given store (tests use [`crate::store::MemoryStore`]).
    pub fn with_store(data_dir: &Path, store: Arc<dyn Store>, keychain: Keychain) -> Self {
        Self {
            data_dir: data_dir.to_owned(),
            store,
            keychain,
        }
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Where a profile's files live ([`profile_files_dir`]).
    fn files_dir(&self, profile_id: &str) -> PathBuf {
        profile_files_dir(&self.data_dir, profile_id)
    }

    /// Signed-in profiles, oldest first.
    pub async fn profiles(&self) -> Result<Vec<Profile>> {
        Ok(self
            .store
            .profiles()
            .await?
            .into_iter()
            .map(Profile::from)
            .collect())
    }

    /// Signs in with a token: checks it with `GET /me`, stores it in the keychain, then
    /// records the profile. If the keychain fails, nothing is recorded anywhere.
    pub async fn sign_in(
        &self,
        kind: ProfileKind,
        server_url: &str,
        token: Sensitive<String>,
    ) -> Result<Profile> {
        self.sign_in_trusting(kind, server_url, token, None).await
    }

    /// Connects a school's MAX bot (the platform administrator's profile): the bot token from
    /// MAX's business platform, MAX's address ([`MAX_API_URL`] unless given), and optionally an
    /// extra root certificate to trust for it. The token is checked with `GET /me` first.
    pub async fn connect_max_bot(
        &self,
        base_url: Option<&str>,
        token: Sensitive<String>,
        extra_root_pem: Option<String>,
    ) -> Result<Profile> {
        let token = token.expose().trim();
        if token.is_empty() || token.chars().any(char::is_whitespace) {
            return Err(Error::InvalidInput(
                "the bot token is empty or has spaces in it".into(),
            ));
        }
        let token = Sensitive::new(token.to_owned());
        let base_url = base_url.map(str::trim).filter(|u| !u.is_empty());
        let extra_root_pem = pasted_root(extra_root_pem)?;
        self.sign_in_trusting(
            ProfileKind::MaxBot,
            base_url.unwrap_or(MAX_API_URL),
            token,
            extra_root_pem,
        )
        .await
    }

    async fn sign_in_trusting(
        &self,
        kind: ProfileKind,
        server_url: &str,
        token: Sensitive<String>,
        extra_root_pem: Option<String>,
    ) -> Result<Profile> {
        let api = ApiClient::with_root(server_url, token.clone(), extra_root_pem.as_deref())?;
        let me = api.me().await?;
        let profile = Profile {
            id: uuid::Uuid::new_v4().to_string(),
            kind,
            server_url: api.base_url().to_owned(),
            display_name: me.user.display_name(),
            user_id: Some(me.user.user_id),
            extra_root_pem,
        };
        self.keychain.store(&profile.id, &token).await?;
        let created_at = crate::now_ms();
        let stored = StoredProfile {
            id: profile.id.clone(),
            kind: kind.as_str().to_owned(),
            server_url: profile.server_url.clone(),
            display_name: profile.display_name.clone(),
            user_id: profile.user_id,
            created_at,
            extra_root_pem: profile.extra_root_pem.clone(),
        };
        if let Err(e) = self.store.save_profile(&stored).await {
            // Do not leave an orphaned secret behind.
            let _ = self.keychain.delete(&profile.id).await;
            return Err(e.into());
        }
        Ok(profile)
    }

    /// Signs in on this device with a login and password: the server issues this device its
    /// own token, which goes straight into the keychain (procedure 8.2). `extra_root_pem` is
    /// the school's own root certificate where its server's comes from one; the profile keeps
    /// it for every later connection.
    pub async fn sign_in_with_password(
        &self,
        server_url: &str,
        login: &str,
        password: &Sensitive<String>,
        device_name: &str,
        extra_root_pem: Option<String>,
    ) -> Result<Profile> {
        let extra_root_pem = pasted_root(extra_root_pem)?;
        let server = SchoolServer::with_root(server_url, extra_root_pem.as_deref())?;
        let (_, token) = server.login(login, password, device_name).await?;
        let base = server.base_url();
        self.sign_in_trusting(ProfileKind::School, base, token, extra_root_pem)
            .await
    }

    /// Replaces a forgotten password with the one-time code the school handed over in person,
    /// and signs this device in (every other device of the person is signed out).
    pub async fn reset_password(
        &self,
        server_url: &str,
        code: &str,
        new_password: &Sensitive<String>,
        device_name: &str,
        extra_root_pem: Option<String>,
    ) -> Result<Profile> {
        let extra_root_pem = pasted_root(extra_root_pem)?;
        let server = SchoolServer::with_root(server_url, extra_root_pem.as_deref())?;
        let (_, token) = server
            .reset_password(code, new_password, device_name)
            .await?;
        let base = server.base_url();
        self.sign_in_trusting(ProfileKind::School, base, token, extra_root_pem)
            .await
    }

    /// Joins a school by an invitation: signed in at once, or waiting for approval (the
    /// request's secret then waits in the keychain).
    pub async fn join_by_invite(&self, server_url: &str, form: &InviteForm) -> Result<JoinState> {
        let server = SchoolServer::new(server_url)?;
        match server.redeem(form).await? {
            JoinAnswer::Pending {
                request_token: Some(request_token),
                ..
            } => {
                let pending_id = uuid::Uuid::new_v4().to_string();
                let entry =
                    Sensitive::new(format!("{}\n{}", server.base_url(), request_token.expose()));
                self.keychain
                    .store(&pending_account(&pending_id), &entry)
                    .await?;
                std::fs::write(self.pending_join_file(), &pending_id).map_err(|e| {
                    Error::File(format!("the waiting join could not be noted: {e}"))
                })?;
                Ok(JoinState::Waiting { pending_id })
            }
            answer => self.settle_join(server.base_url(), answer).await,
        }
    }

    /// Where the id of a join waiting for approval is noted (its secret is in the keychain).
    fn pending_join_file(&self) -> PathBuf {
        self.data_dir.join("pending-join")
    }

    /// The id of the join waiting for the school's approval on this computer, if any.
    pub fn pending_join(&self) -> Option<String> {
        std::fs::read_to_string(self.pending_join_file())
            .ok()
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty())
    }

    /// [`Client::join_outcome`] for the join waiting on this computer ([`Error::NoProfile`]
    /// when none is).
    pub async fn waiting_join_outcome(&self) -> Result<JoinState> {
        let pending = self.pending_join().ok_or(Error::NoProfile)?;
        self.join_outcome(&pending).await
    }

    /// Asks how a waiting join stands; once approved, signs in (the keychain entry of the
    /// request is then removed, as it is on a rejection).
    pub async fn join_outcome(&self, pending_id: &str) -> Result<JoinState> {
        let account = pending_account(pending_id);
        let entry = self
            .keychain
            .load(&account)
            .await?
            .ok_or(Error::NoProfile)?;
        let (server_url, request_token) = entry
            .expose()
            .split_once('\n')
            .map(|(url, token)| (url.to_owned(), Sensitive::new(token.to_owned())))
            .ok_or_else(|| Error::Protocol("a damaged join entry in the keychain".into()))?;
        let server = SchoolServer::new(&server_url)?;
        let answer = server.join_status(&request_token).await?;
        let state = self.settle_join(&server_url, answer).await?;
        if !matches!(state, JoinState::Waiting { .. }) {
            self.keychain.delete(&account).await?;
            if self.pending_join().as_deref() == Some(pending_id) {
                let _ = std::fs::remove_file(self.pending_join_file());
            }
        }
        Ok(match state {
            JoinState::Waiting { .. } => JoinState::Waiting {
                pending_id: pending_id.to_owned(),
            },
            other => other,
        })
    }

    async fn settle_join(&self, server_url: &str, answer: JoinAnswer) -> Result<JoinState> {
        match answer {
            JoinAnswer::Joined { token, .. } => Ok(JoinState::Joined(
                self.sign_in(ProfileKind::School, server_url, token).await?,
            )),
            JoinAnswer::Rejected { reason } => Ok(JoinState::Rejected { reason }),
            JoinAnswer::Pending { .. } => Ok(JoinState::Waiting {
                pending_id: String::new(),
            }),
            JoinAnswer::AlreadyJoined { .. } => Err(Error::InvalidInput(
                "This request was approved and its sign-in already used: sign in with your \
                 login and password"
                    .into(),
            )),
        }
    }

    /// Points a profile at a new address (the demo server's port changes per launch).
    pub async fn set_server_url(&self, profile_id: &str, server_url: &str) -> Result<Profile> {
        let mut stored = self
            .store
            .profiles()
            .await?
            .into_iter()
            .find(|p| p.id == profile_id)
            .ok_or(Error::NoProfile)?;
        stored.server_url = server_url.trim_end_matches('/').to_owned();
        self.store.save_profile(&stored).await?;
        Ok(stored.into())
    }

    /// An API client for `profile` with its token from the keychain (for one-off calls such
    /// as an administrator's).
    pub async fn api(&self, profile: &Profile) -> Result<ApiClient> {
        let token = self
            .keychain
            .load(&profile.id)
            .await?
            .ok_or(Error::NoProfile)?;
        ApiClient::with_root(
            &profile.server_url,
            token,
            profile.extra_root_pem.as_deref(),
        )
    }

    /// Starts a session for `profile` with the token from the keychain. Its files (waiting to
    /// be sent, kept for reading offline) live under the data directory's `files/<profile>`,
    /// unless `config` names another place.
    pub async fn start_session(
        &self,
        profile: &Profile,
        mut config: SessionConfig,
    ) -> Result<Session> {
        if config.update_types.is_none() && profile.kind != ProfileKind::MaxBot {
            config.update_types = Some(
                crate::session::config::SCHOOL_UPDATE_TYPES
                    .iter()
                    .map(|t| (*t).to_owned())
                    .collect(),
            );
        }
        let token = self
            .keychain
            .load(&profile.id)
            .await?
            .ok_or(Error::NoProfile)?;
        if config.files.is_none() {
            let key = FileKey::kept_in(&self.keychain, &files_key_account(&profile.id)).await?;
            config.files = Some(FileVault::new(self.files_dir(&profile.id), key));
        }
        let api = ApiClient::with_root(
            &profile.server_url,
            token,
            profile.extra_root_pem.as_deref(),
        )?;
        Ok(Session::start(
            profile.id.clone(),
            profile.user_id,
            api,
            self.store.clone(),
            config,
        ))
    }

    /// Signs out: removes the profile's token and its files with the key they are sealed under
    /// (copies opened in other applications too), and the profile; with `wipe_cache`, also its
    /// cached chats, messages, drafts and outbox, and the cache is compacted so that nothing of
    /// them stays in its free pages or its log.
    pub async fn sign_out(&self, profile_id: &str, wipe_cache: bool) -> Result<()> {
        self.keychain.delete(profile_id).await?;
        self.store.remove_profile(profile_id, wipe_cache).await?;
        self.forget_kept_files(profile_id).await?;
        let dir = self.files_dir(profile_id);
        let _ = tokio::fs::remove_dir_all(crate::files::viewing_for(&dir)).await;
        crate::gone(tokio::fs::remove_dir_all(&dir).await).map_err(|e| {
            Error::File(format!(
                "the profile's files could not be removed from {}: {e}",
                dir.display()
            ))
        })?;
        self.keychain.delete(&files_key_account(profile_id)).await?;
        if wipe_cache {
            self.store.compact().await?;
        }
        Ok(())
    }

    /// What this computer keeps for a profile.
    pub async fn cache_usage(&self, profile_id: &str) -> Result<CacheUsage> {
        let messages = self.store.cached_messages(profile_id).await?;
        let files_bytes = dir_size(&self.files_dir(profile_id)).await;
        let mut database_bytes = 0;
        for suffix in ["", "-wal", "-shm"] {
            let path = self.data_dir.join(format!("cache.sqlite{suffix}"));
            database_bytes += tokio::fs::metadata(&path).await.map_or(0, |m| m.len());
        }
        Ok(CacheUsage {
            messages,
            files_bytes,
            database_bytes,
        })
    }

    /// Forgets what was cached for a profile from the server (messages, chats, kept files) so
    /// its next session loads them afresh; drafts, the outbox and files waiting to be sent
    /// stay. Stop the profile's session first.
    pub async fn clear_cache(&self, profile_id: &str) -> Result<()> {
        self.store.clear_cache(profile_id).await?;
        self.forget_kept_files(profile_id).await
    }

    /// Deletes the profile's kept (downloaded) files and their records; staged uploads in
    /// `outbox/` are not kept files and stay.
    async fn forget_kept_files(&self, profile_id: &str) -> Result<()> {
        let dir = self.files_dir(profile_id);
        for file in self.store.files().await? {
            let path = crate::files::cache_path(&dir, &file.token);
            if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                let _ = tokio::fs::remove_file(&path).await;
                self.store.file_remove(&file.token).await?;
            }
        }
        Ok(())
    }
}

/// What this computer keeps for a profile (the settings screen shows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheUsage {
    /// Messages in the offline cache.
    pub messages: i64,
    /// Bytes of downloaded and waiting files.
    pub files_bytes: u64,
    /// Bytes of the cache database (shared by all profiles on this computer).
    pub database_bytes: u64,
}

/// The bytes of every file under `dir` (0 if it does not exist).
async fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(mut entries) = tokio::fs::read_dir(&dir).await else {
            continue;
        };
        while let Ok(Some(entry)) = entries.next_entry().await {
            match entry.metadata().await {
                Ok(m) if m.is_dir() => pending.push(entry.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

/// A root certificate as pasted, in standard PEM; nothing pasted is none.
fn pasted_root(pasted: Option<String>) -> Result<Option<String>> {
    match pasted.filter(|p| !p.trim().is_empty()) {
        None => Ok(None),
        Some(text) => crate::certificates::normalize_pem(&text)
            .map(Some)
            .ok_or(Error::BadCertificate),
    }
}
