//! The shell's state: the client core, the active session, the demo server, and the task that
//! forwards session events to the window.

use std::future::Future;
use std::path::PathBuf;

use parta_client::account::{InviteForm, invite_code, invite_server};
use parta_client::secrets::{Keychain, Sensitive};
use parta_client::{Client, JoinState, Profile, ProfileKind, Session, SessionConfig};
use std::sync::atomic::{AtomicBool, Ordering};

use parta_client::applock::{AppLock, Idle, Unlock};
use parta_model::view::{
    BootInfo, JoinForm, JoinView, ProfileView, SettingsInfo, UiError, UiErrorCode, UnlockView,
};
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::Mutex;

use crate::demo::DemoServer;

/// The event name the UI listens to.
pub const EVENT: &str = "parta://event";
/// The event that carries an invitation link handed over by a second launch.
pub const INVITE_EVENT: &str = "parta://invite";
/// The keychain service Parta's tokens live under.
use parta_client::home::KEYCHAIN_SERVICE;

/// An error of the app itself (the window, the system), with what failed.
pub fn internal(message: impl std::fmt::Display) -> UiError {
    UiError::new(UiErrorCode::Internal, message.to_string())
}

/// Input the app refuses, with why.
pub fn invalid(message: impl std::fmt::Display) -> UiError {
    UiError::new(UiErrorCode::InvalidInput, message.to_string())
}

struct Active {
    profile: Profile,
    session: Session,
}

/// Managed state of the app.
pub struct Shell {
    app: AppHandle,
    client: Client,
    data_dir: PathBuf,
    demo_requested: bool,
    /// The invitation link the app was started with, shown once.
    invite_link: std::sync::Mutex<Option<String>>,
    active: Mutex<Option<Active>>,
    demo: Mutex<Option<DemoServer>>,
    lock: AppLock,
    /// While set, no command reads or writes anything but the lock itself.
    locked: AtomicBool,
    /// When it locks by itself (see `watch_idle`).
    idle: Idle,
}

impl Shell {
    /// Opens the cache in the app's data directory (or `PARTA_DATA_DIR`).
    pub async fn open(
        app: AppHandle,
        demo_requested: bool,
        invite_link: Option<String>,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        // The same folder `graphics` read the drawing choice from before the app started.
        let data_dir = match crate::graphics::data_dir() {
            Some(dir) => dir,
            None => app.path().app_data_dir()?,
        };
        let client = Client::open(&data_dir, Keychain::new(KEYCHAIN_SERVICE)).await?;
        let lock = AppLock::new(Keychain::new(KEYCHAIN_SERVICE), &data_dir);
        // The person's choices, before the window asks for anything.
        app.manage(crate::prefs::Kept::load(&data_dir));
        Ok(Self {
            app,
            client,
            data_dir,
            demo_requested,
            invite_link: std::sync::Mutex::new(invite_link),
            active: Mutex::new(None),
            demo: Mutex::new(None),
            lock,
            locked: AtomicBool::new(false),
            idle: Idle::default(),
        })
    }

    /// Before the process exits: every cache connection closed (a connection SQLCipher closes
    /// during the exit handlers can crash the process). Bounded, so that quitting never waits
    /// on the network: the session's tasks are not awaited (a long poll may take 30 s), they
    /// only find the cache closed; and after 3 s the process exits anyway. A Parta that took
    /// long to exit would also swallow the next start (the single instance hands it over).
    pub async fn close(&self) {
        let closed =
            tokio::time::timeout(std::time::Duration::from_secs(3), self.client.close()).await;
        if closed.is_err() {
            tracing::warn!("the cache did not close within 3 s: exiting anyway");
        }
    }

    /// Where this Parta keeps its data.
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    fn view(profile: &Profile) -> ProfileView {
        ProfileView {
            profile_id: profile.id.clone(),
            display_name: profile.display_name.clone(),
            server_url: profile.server_url.clone(),
            is_demo: profile.kind == ProfileKind::Demo,
        }
    }

    /// Resumes the first saved profile, if any. With a PIN set, the app starts locked.
    pub async fn boot(&self) -> Result<BootInfo, UiError> {
        if let Some(active) = self.active.lock().await.as_ref() {
            return Ok(BootInfo {
                profile: Some(Self::view(&active.profile)),
                demo_requested: false,
                join_pending: false,
                locked: self.is_locked(),
                invite_link: self.take_invite_link(),
            });
        }
        if self.lock.is_set().await.map_err(|e| e.to_ui())? {
            self.locked.store(true, Ordering::SeqCst);
        }
        let profiles = self.client.profiles().await.map_err(|e| e.to_ui())?;
        let profile = match profiles.into_iter().next() {
            Some(profile) => Some(self.activate(profile).await?),
            None => None,
        };
        let join_pending = profile.is_none() && self.client.pending_join().is_some();
        Ok(BootInfo {
            profile,
            demo_requested: self.demo_requested,
            join_pending,
            locked: self.is_locked(),
            invite_link: self.take_invite_link(),
        })
    }

    /// The invitation link the app was started with, the first time it is asked for.
    fn take_invite_link(&self) -> Option<String> {
        self.invite_link
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    fn is_locked(&self) -> bool {
        self.locked.load(Ordering::SeqCst)
    }

    /// Locks the app now (only if a PIN is set: without one there is nothing to unlock with).
    pub async fn lock_now(&self) -> Result<bool, UiError> {
        let set = self.lock.is_set().await.map_err(|e| e.to_ui())?;
        if set {
            self.locked.store(true, Ordering::SeqCst);
        }
        Ok(set)
    }

    /// Someone is using the window; `idle_ms` is the chosen time before locking (`None`: never).
    pub fn activity(&self, idle_ms: Option<u64>) {
        self.idle.touch(
            std::time::Instant::now(),
            idle_ms.map(std::time::Duration::from_millis),
        );
    }

    /// Locks the app if it has been left alone for the chosen time and a PIN is set, and tells
    /// the window so.
    async fn lock_if_idle(&self) {
        if self.is_locked() || !self.idle.due(std::time::Instant::now()) {
            return;
        }
        match self.lock_now().await {
            Ok(true) => {
                let _ = self.app.emit(EVENT, parta_model::view::AppEvent::Locked);
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(code = ?e.code, "could not lock when idle"),
        }
    }

    /// Unlocks with the PIN.
    pub async fn unlock(&self, pin: String) -> Result<UnlockView, UiError> {
        let answer = self
            .lock
            .unlock(&Sensitive::new(pin))
            .await
            .map_err(|e| e.to_ui())?;
        Ok(match answer {
            Unlock::Unlocked => {
                self.locked.store(false, Ordering::SeqCst);
                UnlockView::Unlocked
            }
            Unlock::WrongPin => UnlockView::WrongPin,
            Unlock::Wait(left) => UnlockView::Wait {
                seconds: left.as_secs().max(1),
            },
        })
    }

    /// Sets the app lock PIN, or removes it with `None`.
    pub async fn set_pin(&self, pin: Option<String>) -> Result<(), UiError> {
        self.refuse_if_locked()?;
        match pin {
            Some(pin) => self.lock.set(&Sensitive::new(pin)).await,
            None => self.lock.clear().await,
        }
        .map_err(|e| e.to_ui())
    }

    fn refuse_if_locked(&self) -> Result<(), UiError> {
        if self.is_locked() {
            return Err(UiError::new(UiErrorCode::Locked, "Parta is locked"));
        }
        Ok(())
    }

    /// The active profile's server, which the app's updates come from, and the extra root
    /// certificate the profile trusts for it.
    pub async fn update_server(&self) -> Result<(String, Option<String>), UiError> {
        self.refuse_if_locked()?;
        let active = self.active.lock().await;
        let profile = &active
            .as_ref()
            .ok_or_else(|| parta_client::Error::NoProfile.to_ui())?
            .profile;
        Ok((profile.server_url.clone(), profile.extra_root_pem.clone()))
    }

    /// What the settings screen shows for the active profile.
    pub async fn settings(&self) -> Result<SettingsInfo, UiError> {
        self.refuse_if_locked()?;
        let profile = self
            .active
            .lock()
            .await
            .as_ref()
            .map(|a| a.profile.clone())
            .ok_or_else(|| parta_client::Error::NoProfile.to_ui())?;
        let usage = self
            .client
            .cache_usage(&profile.id)
            .await
            .map_err(|e| e.to_ui())?;
        Ok(SettingsInfo {
            profile: Self::view(&profile),
            // The package's version (tauri.conf.json's, which a release build may set).
            version: self.app.package_info().version.to_string(),
            data_dir: self.data_dir.display().to_string(),
            cached_messages: usage.messages,
            files_bytes: usage.files_bytes,
            database_bytes: usage.database_bytes,
            pin_set: self.lock.is_set().await.map_err(|e| e.to_ui())?,
            accelerated: crate::graphics::accelerated(&self.data_dir),
            accelerated_now: crate::graphics::compositing_now(),
        })
    }

    /// Empties the active profile's offline cache and loads it afresh (drafts and the outbox
    /// stay).
    pub async fn clear_cache(&self) -> Result<ProfileView, UiError> {
        self.refuse_if_locked()?;
        let Some(active) = self.active.lock().await.take() else {
            return Err(parta_client::Error::NoProfile.to_ui());
        };
        active.session.stop().await;
        self.client
            .clear_cache(&active.profile.id)
            .await
            .map_err(|e| e.to_ui())?;
        self.activate(active.profile).await
    }

    /// Signs the active profile out: its token leaves the keychain (and with `wipe`, its cache
    /// leaves this computer). Another saved profile, if any, becomes the active one.
    pub async fn sign_out(&self, wipe: bool) -> Result<Option<ProfileView>, UiError> {
        self.refuse_if_locked()?;
        let Some(active) = self.active.lock().await.take() else {
            return Err(parta_client::Error::NoProfile.to_ui());
        };
        active.session.stop().await;
        self.client
            .sign_out(&active.profile.id, wipe)
            .await
            .map_err(|e| e.to_ui())?;
        let next = self
            .client
            .profiles()
            .await
            .map_err(|e| e.to_ui())?
            .into_iter()
            .next();
        match next {
            Some(profile) => Ok(Some(self.activate(profile).await?)),
            None => {
                crate::tray::changed(&self.app);
                Ok(None)
            }
        }
    }

    /// Opens the demo school as one of its people (the class teacher unless `person` names
    /// another): starts its server, signs that person in once (the token goes to the
    /// keychain) and starts the session. Each demo person is a profile of its own.
    pub async fn start_demo(&self, person: Option<&str>) -> Result<ProfileView, UiError> {
        let username = person.unwrap_or(parta_server::demo::CLASS_TEACHER);
        if !parta_server::demo::is_person(username) {
            return Err(invalid("There is no such person in the demo school"));
        }
        let url = self.ensure_demo_server().await?;
        let token = {
            let demo = self.demo.lock().await;
            let server = demo
                .as_ref()
                .and_then(DemoServer::running)
                .ok_or_else(|| internal("demo server is not running"))?;
            let user_id = parta_server::demo::user_id(server.school(), username)
                .await
                .map_err(internal)?;
            let profiles = self.client.profiles().await.map_err(|e| e.to_ui())?;
            if let Some(existing) = profiles
                .into_iter()
                .find(|p| p.kind == ProfileKind::Demo && p.user_id == Some(user_id))
            {
                drop(demo);
                return self.activate(existing).await;
            }
            parta_server::demo::issue_token(server.school(), username, "Parta desktop")
                .await
                .map_err(internal)?
        };
        let profile = self
            .client
            .sign_in(ProfileKind::Demo, &url, Sensitive::new(token.into_inner()))
            .await
            .map_err(|e| e.to_ui())?;
        self.activate(profile).await
    }

    /// Signs in to a school's server with a login and password: this device gets its own
    /// token, which goes to the keychain; then the session starts.
    pub async fn sign_in_with_password(
        &self,
        server_url: &str,
        login: &str,
        password: String,
        root_pem: Option<String>,
    ) -> Result<ProfileView, UiError> {
        let password = Sensitive::new(password);
        let (server_url, login) = (server_url.trim(), login.trim());
        let profile = self
            .client
            .sign_in_with_password(server_url, login, &password, &device_name(), root_pem)
            .await
            .map_err(|e| e.to_ui())?;
        self.activate(profile).await
    }

    /// Replaces a forgotten password with the school's one-time code: this device is signed in
    /// with the new password (the others are signed out by the server); then the session
    /// starts.
    pub async fn reset_password(
        &self,
        args: parta_model::commands::ResetPassword,
    ) -> Result<ProfileView, UiError> {
        let parta_model::commands::ResetPassword {
            server_url,
            code,
            new_password,
            root_pem,
        } = args;
        let new_password = Sensitive::new(new_password);
        let profile = self
            .client
            .reset_password(
                server_url.trim(),
                &code,
                &new_password,
                &device_name(),
                root_pem,
            )
            .await
            .map_err(|e| e.to_ui())?;
        self.activate(profile).await
    }

    /// Connects the school's MAX bot (the platform administrator): the token from MAX's
    /// business platform goes to the keychain after `GET /me` accepts it; MAX's own address
    /// unless another is given (a school's bridge), with an extra root certificate if needed.
    pub async fn connect_max_bot(
        &self,
        server_url: Option<String>,
        token: String,
        root_pem: Option<String>,
    ) -> Result<ProfileView, UiError> {
        let profile = self
            .client
            .connect_max_bot(server_url.as_deref(), Sensitive::new(token), root_pem)
            .await
            .map_err(|e| e.to_ui())?;
        self.activate(profile).await
    }

    /// Joins a school by an invitation: signed in at once, or waiting for approval.
    pub async fn join_by_invite(&self, form: JoinForm) -> Result<JoinView, UiError> {
        let code = invite_code(&form.link)
            .ok_or_else(|| invalid("the invitation link or code is not valid"))?;
        let server_url = invite_server(&form.link)
            .or(form.server_url.clone().filter(|u| !u.trim().is_empty()))
            .ok_or_else(|| {
                invalid("the invitation does not say which server: enter its address")
            })?;
        let non_empty =
            |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let account = InviteForm {
            code,
            first_name: form.first_name.trim().to_owned(),
            last_name: non_empty(form.last_name),
            child_name: non_empty(form.child_name),
            login: form.login.trim().to_owned(),
            password: Sensitive::new(form.password),
            device_name: device_name(),
            consent_personal_data: form.consent,
        };
        let state = self
            .client
            .join_by_invite(server_url.trim(), &account)
            .await
            .map_err(|e| e.to_ui())?;
        self.settle_join(state).await
    }

    /// Asks the school how the waiting join stands; signs in once approved.
    pub async fn join_outcome(&self) -> Result<JoinView, UiError> {
        let state = self
            .client
            .waiting_join_outcome()
            .await
            .map_err(|e| e.to_ui())?;
        self.settle_join(state).await
    }

    async fn settle_join(&self, state: JoinState) -> Result<JoinView, UiError> {
        match state {
            JoinState::Waiting { .. } => Ok(JoinView::Waiting),
            JoinState::Joined(profile) => {
                let profile = self.activate(profile).await?;
                Ok(JoinView::Joined { profile })
            }
            JoinState::Rejected { reason } => Ok(JoinView::Rejected { reason }),
        }
    }

    async fn ensure_demo_server(&self) -> Result<String, UiError> {
        let mut demo = self.demo.lock().await;
        if let Some(server) = demo.as_ref() {
            return Ok(server.url());
        }
        let server = DemoServer::start(self.data_dir.join("demo-school.sqlite"))
            .await
            .map_err(internal)?;
        let url = server.url();
        *demo = Some(server);
        Ok(url)
    }

    async fn activate(&self, mut profile: Profile) -> Result<ProfileView, UiError> {
        if profile.kind == ProfileKind::Demo {
            // The demo server gets a new port each launch.
            let url = self.ensure_demo_server().await?;
            profile = self
                .client
                .set_server_url(&profile.id, &url)
                .await
                .map_err(|e| e.to_ui())?;
        }
        let session = self
            .client
            .start_session(&profile, SessionConfig::default())
            .await
            .map_err(|e| e.to_ui())?;
        let mut events = session.subscribe();
        let mut connection = session.connection();
        let app = self.app.clone();
        let (me, since) = (profile.user_id, parta_client::now_ms());
        tauri::async_runtime::spawn(async move {
            // Snapshot first, then the stream: a state change that happened before we
            // subscribed is not lost.
            let state = *connection.borrow_and_update();
            let _ = app.emit(EVENT, parta_model::view::AppEvent::Connection { state });
            loop {
                match events.recv().await {
                    Ok(event) => {
                        use parta_model::view::AppEvent;
                        if let AppEvent::MessageAdded { message } = &event {
                            crate::notify::message(&app, message, me, since);
                        }
                        if matches!(
                            event,
                            AppEvent::ChatsChanged
                                | AppEvent::MessageAdded { .. }
                                | AppEvent::MessageSent { .. }
                                | AppEvent::MessageRemoved { .. }
                                | AppEvent::SyncProgress { .. }
                        ) {
                            crate::tray::changed(&app);
                        }
                        let _ = app.emit(EVENT, event);
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        // Missed some: have the UI re-read the list rather than drift.
                        let _ = app.emit(EVENT, parta_model::view::AppEvent::ChatsChanged);
                        crate::tray::changed(&app);
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        let view = Self::view(&profile);
        let previous = self
            .active
            .lock()
            .await
            .replace(Active { profile, session });
        if let Some(previous) = previous {
            previous.session.stop().await;
        }
        crate::tray::changed(&self.app);
        Ok(view)
    }

    /// How many messages the active profile has not read, over all its chats (0 without one).
    pub async fn unread_total(&self) -> Result<u32, UiError> {
        let session = match self.active.lock().await.as_ref() {
            Some(active) => active.session.clone(),
            None => return Ok(0),
        };
        let chats = session.chats().await.map_err(|e| e.to_ui())?;
        Ok(chats
            .iter()
            .fold(0u32, |sum, c| sum.saturating_add(c.unread)))
    }

    /// Every profile on this computer, the active one first.
    pub async fn profiles(&self) -> Result<Vec<ProfileView>, UiError> {
        let active = self
            .active
            .lock()
            .await
            .as_ref()
            .map(|a| a.profile.id.clone());
        let mut views: Vec<ProfileView> = self
            .client
            .profiles()
            .await
            .map_err(|e| e.to_ui())?
            .iter()
            .map(Self::view)
            .collect();
        views.sort_by_key(|v| Some(&v.profile_id) != active.as_ref());
        Ok(views)
    }

    /// Makes another saved profile the active one.
    pub async fn switch_profile(&self, profile_id: &str) -> Result<ProfileView, UiError> {
        let profile = self
            .client
            .profiles()
            .await
            .map_err(|e| e.to_ui())?
            .into_iter()
            .find(|p| p.id == profile_id)
            .ok_or_else(|| parta_client::Error::NoProfile.to_ui())?;
        self.activate(profile).await
    }

    /// Runs `f` on the active session.
    pub async fn with_session<T, F, Fut>(&self, f: F) -> Result<T, UiError>
    where
        F: FnOnce(Session) -> Fut,
        Fut: Future<Output = parta_client::Result<T>>,
    {
        self.refuse_if_locked()?;
        let session = match self.active.lock().await.as_ref() {
            Some(active) => active.session.clone(),
            None => return Err(parta_client::Error::NoProfile.to_ui()),
        };
        f(session).await.map_err(|e| e.to_ui())
    }

    /// Demo only: stops or restarts the embedded server; returns whether it is now offline.
    pub async fn set_demo_offline(&self, offline: bool) -> Result<bool, UiError> {
        let mut demo = self.demo.lock().await;
        let server = demo
            .as_mut()
            .ok_or_else(|| internal("the demo school is not open"))?;
        server.set_offline(offline).await.map_err(internal)?;
        Ok(server.is_offline())
    }
}

/// How this computer appears in the person's device list on the server.
fn device_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty());
    match host {
        Some(host) => format!("Парта на {host}"),
        None => "Парта (компьютер)".to_owned(),
    }
}

/// Checks twice a second whether the app has been left alone long enough to lock: here, not in
/// the webview, whose timers slow down while the window is covered or minimised.
pub fn watch_idle(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            if let Some(shell) = app.try_state::<Shell>() {
                shell.lock_if_idle().await;
            }
        }
    });
}

/// Reminds of lessons (Settings: how many minutes before): every 20 seconds it reads the next
/// lessons of the active profile and shows a notification for each one starting within that
/// time, once per lesson even across restarts. Here in the shell, so it works with the window
/// hidden; not while the app is locked.
pub fn watch_lessons(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(20)).await;
            let Some(shell) = app.try_state::<Shell>() else {
                continue;
            };
            let lead_min = i64::from(crate::prefs::current(&app).lesson_reminder_min);
            if lead_min <= 0 || shell.is_locked() {
                continue;
            }
            let session = match shell.active.lock().await.as_ref() {
                Some(active) => active.session.clone(),
                None => continue,
            };
            let now = parta_client::now_ms();
            match session.lesson_reminders(now, lead_min * 60_000).await {
                Ok(due) => {
                    for lesson in &due {
                        crate::notify::lesson(&app, lesson, now);
                    }
                }
                Err(e) => tracing::debug!(error = %e, "lesson reminders skipped this time"),
            }
        }
    });
}
