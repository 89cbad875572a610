//! What a balancer and a monitoring system ask a node: `/health` (the process answers),
//! `/ready` (it can reach its database, so it may be sent requests) and `/metrics`
//! (Prometheus's text format). None needs a token: they say nothing about the school's people
//! or messages.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;

use super::AppState;

/// Upper bounds of the request-time buckets, in milliseconds.
const BUCKETS_MS: [f64; 10] = [
    1.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0,
];

/// Counters the request log feeds and `/metrics` reads.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Requests by status class: 1xx … 5xx.
    by_class: [AtomicU64; 5],
    /// Requests other than long polls, by time taken: one count per bucket, the last +Inf.
    buckets: [AtomicU64; BUCKETS_MS.len() + 1],
    /// Their summed time, in microseconds.
    sum_us: AtomicU64,
    /// Long polls waiting now.
    polls: AtomicI64,
}

impl Metrics {
    /// Counts a request that ended with `status` after `ms` (`long_poll`: its time is the
    /// wait, not the work, and stays out of the buckets).
    pub(super) fn request(&self, status: u16, ms: f64, long_poll: bool) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        if long_poll {
            return;
        }
        let bucket = BUCKETS_MS
            .iter()
            .position(|limit| ms <= *limit)
            .unwrap_or(BUCKETS_MS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.sum_us
            .fetch_add((ms * 1000.0) as u64, Ordering::Relaxed);
    }

    /// A long poll starts waiting; it is counted until the guard goes.
    pub(super) fn poll_started(&self) -> PollGuard<'_> {
        self.polls.fetch_add(1, Ordering::Relaxed);
        PollGuard(self)
    }
}

/// One waiting long poll, counted while it lives.
pub(super) struct PollGuard<'a>(&'a Metrics);

impl Drop for PollGuard<'_> {
    fn drop(&mut self) {
        self.0.polls.fetch_sub(1, Ordering::Relaxed);
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
}

async fn health() -> &'static str {
    "ok\n"
}

/// Ready when the database answers (a node that lost it should get no requests).
async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    let answered = async {
        let mut tx = state.school.read().await?;
        Ok::<i64, crate::error::Error>(tx.newest_update().await?)
    }
    .await;
    match answered {
        Ok(_) if !*state.shutdown.borrow() => (StatusCode::OK, "ready\n"),
        Ok(_) => (StatusCode::SERVICE_UNAVAILABLE, "stopping\n"),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database does not answer\n",
            )
        }
    }
}

/// The MAX bridge's queue and lag: what waits to go to MAX (from the database, the same on
/// every node) and how long ago MAX last answered this node (the leader's only).
async fn bridge_metrics(out: &mut String, state: &AppState, bridge: &crate::max::Bridge) {
    let now = state.school.now_ms();
    match crate::max::outbound::backlog(&state.school).await {
        Ok((waiting, oldest)) => {
            out.push_str(
                "# HELP parta_bridge_outbound_backlog Updates of linked chats not yet carried \
                 to MAX.\n",
            );
            out.push_str("# TYPE parta_bridge_outbound_backlog gauge\n");
            let _ = writeln!(out, "parta_bridge_outbound_backlog {waiting}");
            out.push_str(
                "# HELP parta_bridge_outbound_lag_seconds Age of the oldest of them (0: none).\n",
            );
            out.push_str("# TYPE parta_bridge_outbound_lag_seconds gauge\n");
            let lag = oldest.map_or(0.0, |at| (now - at).max(0) as f64 / 1000.0);
            let _ = writeln!(out, "parta_bridge_outbound_lag_seconds {lag}");
        }
        Err(e) => tracing::warn!(error = %e, "metrics: the bridge's backlog is unreadable"),
    }
    if let Some(at) = bridge.heard_at() {
        out.push_str(
            "# HELP parta_bridge_inbound_silence_seconds Since MAX last answered this node's \
             long poll or called its webhook.\n",
        );
        out.push_str("# TYPE parta_bridge_inbound_silence_seconds gauge\n");
        let silence = (now - at).max(0) as f64 / 1000.0;
        let _ = writeln!(out, "parta_bridge_inbound_silence_seconds {silence}");
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let m = &state.metrics;
    let mut out = String::with_capacity(2048);
    out.push_str("# HELP parta_requests_total Requests answered, by status class.\n");
    out.push_str("# TYPE parta_requests_total counter\n");
    for (i, count) in m.by_class.iter().enumerate() {
        let _ = writeln!(
            out,
            "parta_requests_total{{class=\"{}xx\"}} {}",
            i + 1,
            count.load(Ordering::Relaxed)
        );
    }
    out.push_str("# HELP parta_request_duration_seconds Time to answer, long polls left out.\n");
    out.push_str("# TYPE parta_request_duration_seconds histogram\n");
    let mut cumulative = 0;
    for (i, count) in m.buckets.iter().enumerate() {
        cumulative += count.load(Ordering::Relaxed);
        let le = BUCKETS_MS
            .get(i)
            .map_or("+Inf".to_owned(), |ms| format!("{}", ms / 1000.0));
        let _ = writeln!(
            out,
            "parta_request_duration_seconds_bucket{{le=\"{le}\"}} {cumulative}"
        );
    }
    let _ = writeln!(
        out,
        "parta_request_duration_seconds_sum {}",
        m.sum_us.load(Ordering::Relaxed) as f64 / 1e6
    );
    let _ = writeln!(out, "parta_request_duration_seconds_count {cumulative}");
    out.push_str("# HELP parta_long_polls Long polls waiting now.\n");
    out.push_str("# TYPE parta_long_polls gauge\n");
    let _ = writeln!(out, "parta_long_polls {}", m.polls.load(Ordering::Relaxed));
    out.push_str("# HELP parta_leader Whether this node runs the school's background work.\n");
    out.push_str("# TYPE parta_leader gauge\n");
    let _ = writeln!(out, "parta_leader {}", u8::from(state.cluster.leads()));
    let load = state.school.store().load();
    out.push_str(
        "# HELP parta_store_writers_waiting Write transactions waiting for a connection and \
         the writers' lock.\n",
    );
    out.push_str("# TYPE parta_store_writers_waiting gauge\n");
    let _ = writeln!(out, "parta_store_writers_waiting {}", load.writers_waiting);
    out.push_str("# HELP parta_store_connections This node's database connections, by state.\n");
    out.push_str("# TYPE parta_store_connections gauge\n");
    let _ = writeln!(
        out,
        "parta_store_connections{{state=\"busy\"}} {}",
        load.connections.saturating_sub(load.idle)
    );
    let _ = writeln!(
        out,
        "parta_store_connections{{state=\"idle\"}} {}",
        load.idle
    );
    if let Some(bridge) = &state.bridge {
        bridge_metrics(&mut out, &state, bridge).await;
    }
    out.push_str("# HELP parta_newest_update The newest update id this node has published.\n");
    out.push_str("# TYPE parta_newest_update gauge\n");
    let _ = writeln!(
        out,
        "parta_newest_update {}",
        *state.school.hub().watch().borrow()
    );
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
}
