//! The bridge at work: who the bot is, updates from MAX (long polling, or a webhook when the
//! school has a public https address: one setting switches), and the outgoing relay, all at one
//! pace toward MAX.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::context::School;
use crate::error::{Error, Result};
use crate::uploads::Uploads;

use super::api::{MaxApi, MaxError};
use super::check::{self, CheckReport};
use super::failure::RelayError;
use super::files::{self, Fetched};
use super::inbound::{self, AfterCommit};
use super::outbound::Relay;
use super::pace::{self, Pace};
use super::token::BotToken;
use super::wire::{self, UPDATE_TYPES};

/// Where the long-poll marker is kept (saved with the updates it covered).
const MARKER: &str = "in.marker";
/// The bot's MAX user id, as `GET /me` last said.
const BOT_ID: &str = "bot.id";
/// The shortest time between two long polls' starts (MAX asks for restraint).
pub const MIN_POLL_PAUSE: Duration = Duration::from_millis(300);
/// The header MAX puts the subscription's secret in.
pub const SECRET_HEADER: &str = "x-max-bot-api-secret";

/// How updates come from MAX.
#[derive(Debug, Clone)]
pub enum Mode {
    /// `GET /updates` in a loop: no public address needed (MAX calls it unfit for production).
    LongPoll,
    /// MAX delivers to `url` (https, port 443, a certificate from a trusted authority) with
    /// `secret` in the `X-Max-Bot-Api-Secret` header.
    Webhook { url: String, secret: BotToken },
}

/// How the server reaches the school's bot.
#[derive(Debug, Clone)]
pub struct BridgeConfig {
    /// MAX's address ([`parta_model::max::MAX_API_URL`]).
    pub url: String,
    pub token: BotToken,
    /// A root certificate to trust besides the system's (the Ministry's), PEM.
    pub root_pem: Option<String>,
    pub mode: Mode,
    /// Requests a second toward MAX (MAX allows about 30).
    pub requests_per_second: f64,
    /// Time between long polls' starts; never below [`MIN_POLL_PAUSE`].
    pub poll_pause: Duration,
    /// How long one long poll waits at MAX, in seconds (at most 90).
    pub poll_timeout_s: u32,
    /// How long MAX has to answer a request (a long poll gets its wait on top).
    pub request_timeout: Duration,
    /// Backoff after an error: the first wait's ceiling, and the longest.
    pub retry_base: Duration,
    pub retry_cap: Duration,
}

impl BridgeConfig {
    /// Long polling at MAX's pace with the usual waits.
    pub fn new(url: &str, token: BotToken) -> Self {
        Self {
            url: url.to_owned(),
            token,
            root_pem: None,
            mode: Mode::LongPoll,
            requests_per_second: pace::MAX_REQUESTS_PER_SECOND,
            poll_pause: MIN_POLL_PAUSE,
            poll_timeout_s: 30,
            request_timeout: super::api::REQUEST_TIMEOUT,
            retry_base: Duration::from_millis(500),
            retry_cap: Duration::from_secs(60),
        }
    }
}

/// The running bridge; cheap to clone.
#[derive(Clone)]
pub struct Bridge(Arc<Inner>);

struct Inner {
    school: School,
    uploads: Uploads,
    api: MaxApi,
    pace: Pace,
    config: BridgeConfig,
    /// The bot's MAX user id (0 until known).
    bot_id: AtomicI64,
    /// When MAX last answered a long poll or delivered to the webhook (ms; 0: not yet).
    heard_at: AtomicI64,
}

/// Why a webhook delivery was not taken.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// No bridge, or it polls: there is no webhook here.
    #[error("this server takes no MAX webhook")]
    NotHere,
    /// The secret header is missing or wrong.
    #[error("the webhook secret does not match")]
    Forbidden,
    /// Not yet ready (the bot's identity is unknown) or the database failed: MAX retries.
    #[error("{0}")]
    Unavailable(String),
}

impl Bridge {
    /// A bridge for `school`, keeping files in `uploads`; nothing runs until
    /// [`Bridge::start`].
    pub fn new(
        school: School,
        uploads: Uploads,
        config: BridgeConfig,
    ) -> std::result::Result<Self, MaxError> {
        let api = MaxApi::new(
            &config.url,
            config.token.clone(),
            config.root_pem.as_deref(),
        )?
        .with_timeout(config.request_timeout);
        Ok(Self(Arc::new(Inner {
            pace: Pace::new(config.requests_per_second),
            school,
            uploads,
            api,
            config,
            bot_id: AtomicI64::new(0),
            heard_at: AtomicI64::new(0),
        })))
    }

    /// The bot at MAX.
    pub fn api(&self) -> &MaxApi {
        &self.0.api
    }

    /// When MAX last answered this node's long poll or delivered to its webhook (ms since the
    /// epoch), if it has.
    pub fn heard_at(&self) -> Option<i64> {
        Some(self.0.heard_at.load(Ordering::Relaxed)).filter(|at| *at > 0)
    }

    fn heard(&self) {
        self.0
            .heard_at
            .store(self.0.school.now_ms(), Ordering::Relaxed);
    }

    /// Whether MAX delivers to this server's webhook.
    pub fn takes_webhook(&self) -> bool {
        matches!(self.0.config.mode, Mode::Webhook { .. })
    }

    /// Starts the bridge's tasks; they end when `shutdown` turns true.
    pub fn start(&self, shutdown: watch::Receiver<bool>) {
        let bridge = self.clone();
        tokio::spawn(async move { bridge.run(shutdown).await });
    }

    async fn run(self, shutdown: watch::Receiver<bool>) {
        if !self.identify(&shutdown).await {
            return;
        }
        let incoming = self.clone();
        let stop = shutdown.clone();
        tokio::spawn(async move { incoming.receive(stop).await });
        self.relay(shutdown).await;
    }

    /// Learns the bot's MAX id: from the database at once if known, then from `GET /me`,
    /// retrying while MAX is away. False if the server stopped first.
    /// A known id is used at once, and checked with MAX once (a school may have changed its
    /// bot's token); an unknown one is waited for.
    async fn identify(&self, shutdown: &watch::Receiver<bool>) -> bool {
        let known = match self.0.school.read().await {
            Ok(mut tx) => tx
                .max_state(BOT_ID)
                .await
                .ok()
                .flatten()
                .and_then(|id| id.parse::<i64>().ok()),
            Err(_) => None,
        };
        if let Some(id) = known {
            self.0.bot_id.store(id, Ordering::SeqCst);
        }
        let mut attempt = 0;
        loop {
            self.0.pace.admit().await;
            match self.0.api.me().await {
                Ok(me) => {
                    let id = me.user.user_id;
                    self.0.bot_id.store(id, Ordering::SeqCst);
                    if known != Some(id)
                        && let Ok(mut tx) = self.0.school.read().await
                        && let Err(e) = tx.set_max_state(BOT_ID, &id.to_string()).await
                    {
                        tracing::warn!(error = %e, "could not save the bot's MAX id");
                    }
                    tracing::info!(bot = id, "the MAX bridge knows its bot");
                    return true;
                }
                // MAX is away; the id kept from before serves meanwhile.
                Err(_) if known.is_some() => return true,
                Err(e) => {
                    tracing::warn!(error = %e, "the MAX bridge cannot learn who its bot is; will retry");
                    if !self.wait(shutdown, self.backoff(&e, attempt)).await {
                        return false;
                    }
                    attempt += 1;
                }
            }
        }
    }

    fn bot_id(&self) -> Option<i64> {
        Some(self.0.bot_id.load(Ordering::SeqCst)).filter(|id| *id != 0)
    }

    /// The wait after a failed poll or relay pass.
    fn pause_after(&self, error: &RelayError, attempt: u32) -> Duration {
        match error {
            RelayError::Max(e) => self.backoff(e, attempt),
            RelayError::Store(_) => {
                pace::backoff(attempt, self.0.config.retry_base, self.0.config.retry_cap)
            }
        }
    }

    fn backoff(&self, error: &MaxError, attempt: u32) -> Duration {
        if let MaxError::RateLimited { retry_after } = error {
            self.0.pace.pause(*retry_after);
            return *retry_after;
        }
        pace::backoff(attempt, self.0.config.retry_base, self.0.config.retry_cap)
    }

    /// Sleeps `pause`; false if the server is stopping.
    async fn wait(&self, shutdown: &watch::Receiver<bool>, pause: Duration) -> bool {
        let mut stop = shutdown.clone();
        if *stop.borrow() {
            return false;
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => true,
            _ = stop.wait_for(|s| *s) => false,
        }
    }

    /// Updates from MAX: sets up the chosen mode, and polls when it is long polling.
    async fn receive(self, shutdown: watch::Receiver<bool>) {
        let mut attempt = 0;
        // The two modes are exclusive at MAX: make the subscriptions agree with the setting.
        loop {
            match self.subscriptions_agree().await {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot set up MAX's webhook subscription; will retry");
                    if !self.wait(&shutdown, self.backoff(&e, attempt)).await {
                        return;
                    }
                    attempt += 1;
                }
            }
        }
        if self.takes_webhook() {
            return;
        }
        let mut attempt = 0;
        let mut last_start: Option<Instant> = None;
        loop {
            let pause = self.0.config.poll_pause.max(MIN_POLL_PAUSE);
            if let Some(start) = last_start {
                let since = start.elapsed();
                if since < pause && !self.wait(&shutdown, pause - since).await {
                    return;
                }
            }
            if *shutdown.borrow() {
                return;
            }
            last_start = Some(Instant::now());
            let mut stop = shutdown.clone();
            let polled = tokio::select! {
                polled = self.poll_once() => polled,
                _ = stop.wait_for(|s| *s) => return,
            };
            match polled {
                Ok(()) => {
                    self.heard();
                    attempt = 0;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "MAX updates could not be read; will retry");
                    let pause = self.pause_after(&e, attempt);
                    if !self.wait(&shutdown, pause).await {
                        return;
                    }
                    attempt += 1;
                }
            }
        }
    }

    /// Subscribes the webhook, or removes every subscription when long polling.
    async fn subscriptions_agree(&self) -> std::result::Result<(), MaxError> {
        self.0.pace.admit().await;
        let current = self.0.api.subscriptions().await?;
        match &self.0.config.mode {
            Mode::Webhook { url, secret } => {
                for other in current.iter().filter(|u| *u != url) {
                    self.0.pace.admit().await;
                    self.0.api.unsubscribe(other).await?;
                }
                // Subscribing again renews the secret and the types.
                self.0.pace.admit().await;
                self.0
                    .api
                    .subscribe(url, secret.header(), &UPDATE_TYPES)
                    .await
            }
            Mode::LongPoll => {
                for url in &current {
                    self.0.pace.admit().await;
                    self.0.api.unsubscribe(url).await?;
                }
                Ok(())
            }
        }
    }

    /// One long poll: its updates applied and its marker saved in one transaction.
    async fn poll_once(&self) -> std::result::Result<(), RelayError> {
        let school = &self.0.school;
        let Some(bot_id) = self.bot_id() else {
            return Ok(());
        };
        let marker = school
            .read()
            .await?
            .max_state(MARKER)
            .await?
            .and_then(|m| m.parse::<i64>().ok());
        self.0.pace.admit().await;
        let page = self
            .0
            .api
            .updates(marker, self.0.config.poll_timeout_s, &UPDATE_TYPES)
            .await?;
        let mut updates = Vec::new();
        for raw in &page.updates {
            match wire::read(raw) {
                Ok(update) => {
                    // Files first: no download while the transaction holds the database.
                    let fetched = self.fetch(bot_id, &update).await?;
                    updates.push((update, fetched));
                }
                // Kept out of the way with a note, never a lost page.
                Err(e) => tracing::warn!(error = %e, "a MAX update was skipped"),
            }
        }
        let mut tx = school.begin().await?;
        let mut after = Vec::new();
        for (update, fetched) in &updates {
            if let Some(then) = inbound::apply(&mut *tx, school, bot_id, update, fetched).await? {
                after.push(then);
            }
        }
        if let Some(next) = page.marker {
            tx.set_max_state(MARKER, &next.to_string()).await?;
        }
        school.commit(tx).await?;
        self.after_commit(after).await;
        Ok(())
    }

    /// The files of an update from MAX, fetched into the school's file store.
    async fn fetch(
        &self,
        bot_id: i64,
        update: &parta_model::max::Update,
    ) -> std::result::Result<Fetched, RelayError> {
        let inner = &self.0;
        files::fetch(
            &inner.school,
            &inner.uploads,
            &inner.api,
            &inner.pace,
            bot_id,
            update,
        )
        .await
    }

    /// Answers pressed buttons once what they did is stored.
    async fn after_commit(&self, after: Vec<AfterCommit>) {
        for then in after {
            match then {
                AfterCommit::Answer {
                    callback_id,
                    notification,
                } => {
                    self.0.pace.admit().await;
                    if let Err(e) = self.0.api.answer(&callback_id, &notification).await {
                        tracing::warn!(error = %e, "a MAX button press could not be answered");
                    }
                }
            }
        }
    }

    /// A webhook delivery: taken (200) only once its update is stored; a repeated delivery
    /// changes nothing.
    pub async fn webhook(
        &self,
        secret: Option<&str>,
        body: &[u8],
    ) -> std::result::Result<(), WebhookError> {
        let Mode::Webhook {
            secret: expected, ..
        } = &self.0.config.mode
        else {
            return Err(WebhookError::NotHere);
        };
        if !secret.is_some_and(|given| same(given.as_bytes(), expected.header().as_bytes())) {
            return Err(WebhookError::Forbidden);
        }
        let Some(bot_id) = self.bot_id() else {
            return Err(WebhookError::Unavailable(
                "the bridge does not know its bot yet".into(),
            ));
        };
        let value: serde_json::Value = match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(e) => {
                // Retrying cannot make it readable: taken, with a note.
                tracing::warn!(error = %e, "a MAX webhook delivery is not JSON; skipped");
                return Ok(());
            }
        };
        let update = match wire::read(&value) {
            Ok(update) => update,
            Err(e) => {
                tracing::warn!(error = %e, "a MAX update was skipped");
                return Ok(());
            }
        };
        let school = &self.0.school;
        let fetched = self
            .fetch(bot_id, &update)
            .await
            .map_err(|e| WebhookError::Unavailable(e.to_string()))?;
        let stored = async {
            let mut tx = school.begin().await?;
            let then = inbound::apply(&mut *tx, school, bot_id, &update, &fetched).await?;
            school.commit(tx).await?;
            Ok::<_, Error>(then)
        }
        .await
        .map_err(|e| WebhookError::Unavailable(e.to_string()))?;
        self.after_commit(stored.into_iter().collect()).await;
        self.heard();
        Ok(())
    }

    /// The outgoing relay: woken when the update log grows, and every second.
    async fn relay(self, shutdown: watch::Receiver<bool>) {
        let Some(bot_id) = self.bot_id() else {
            return;
        };
        let mut latest = self.0.school.hub().watch();
        let mut attempt = 0;
        loop {
            if *shutdown.borrow() {
                return;
            }
            let relay = Relay {
                school: &self.0.school,
                uploads: &self.0.uploads,
                api: &self.0.api,
                pace: &self.0.pace,
                bot_id,
            };
            match relay.pass().await {
                Ok(0) => {
                    attempt = 0;
                    let mut stop = shutdown.clone();
                    tokio::select! {
                        _ = latest.changed() => {}
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = stop.wait_for(|s| *s) => return,
                    }
                }
                Ok(_) => attempt = 0,
                Err(e) => {
                    tracing::warn!(error = %e, "relaying to MAX paused; will retry");
                    let pause = self.pause_after(&e, attempt);
                    if !self.wait(&shutdown, pause).await {
                        return;
                    }
                    attempt += 1;
                }
            }
        }
    }

    /// The bot and its chats, as MAX says now, or why MAX did not say.
    pub async fn report(&self) -> std::result::Result<CheckReport, String> {
        check::check(&self.0.api).await.map_err(|e| e.to_string())
    }

    /// The MAX chat's title, when MAX answers.
    pub async fn max_title(&self, max_chat_id: i64) -> Result<Option<String>> {
        self.0.pace.admit().await;
        match self.0.api.chat(max_chat_id).await {
            Ok(chat) => Ok(chat.title),
            Err(MaxError::Refused { status: 404, .. }) => Err(Error::not_found(format!(
                "The school's bot is not in MAX chat {max_chat_id}"
            ))),
            Err(e) => Err(Error::bad_request(format!(
                "MAX chat {max_chat_id} could not be checked: {e}"
            ))),
        }
    }
}

/// Compares secrets in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}
