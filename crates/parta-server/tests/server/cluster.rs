//! Two parta-server nodes on one PostgreSQL database are one school: a long poll on one node
//! wakes for a message sent through the other, access taken away on one is gone on both, and
//! exactly one of them leads the background work, handing it over when it stops.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parta_model::max::{Update, UpdateList};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{Fixture, postgres_database};

const TEACHER: &str = "a.sokolova";
const PARENT: &str = "o.smirnov";

/// Two nodes of the demo school on one new database, the second started after the first has
/// seeded it.
async fn two_nodes() -> (Fixture, Fixture) {
    two_nodes_on(None).await
}

/// [`two_nodes`] with their files in the object store `s3` (else as the suite's pass has it).
pub(crate) async fn two_nodes_on(
    s3: Option<parta_server::filestore::S3Config>,
) -> (Fixture, Fixture) {
    let url = postgres_database().await;
    let node = |url: String, s3: Option<parta_server::filestore::S3Config>| {
        Fixture::edited(Arc::new(parta_server::SystemClock), move |config| {
            parta_server::ServerConfig {
                postgres: Some(url),
                s3: s3.or(config.s3.clone()),
                ..config
            }
        })
    };
    let a = node(url.clone(), s3.clone()).await;
    let b = node(url, s3).await;
    (a, b)
}

/// Waits up to `limit` for `check` to hold.
async fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    check()
}

#[tokio::test]
async fn a_long_poll_on_one_node_wakes_for_a_message_sent_through_the_other() {
    let (a, b) = two_nodes().await;
    let teacher = a.token(TEACHER).await;
    let parent = b.token(PARENT).await;
    let chat_id = a.chat_id(&teacher, "5А — родители").await;
    // The parent's marker as of now, on node B.
    let idle: UpdateList = b.get_json(&parent, "/updates?timeout=0").await;
    let marker = idle.marker.unwrap_or_default();

    let waiting = {
        let url = format!("{}/updates?timeout=20&marker={marker}", b.server.url());
        let parent = parent.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let list: UpdateList = reqwest::Client::new()
                .get(url)
                .header("Authorization", parent)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (list, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    a.ok_send(
        reqwest::Method::POST,
        &teacher,
        &format!("/messages?chat_id={chat_id}"),
        json!({"text": "Отправлено через узел A"}),
    )
    .await;
    let (list, waited) = waiting.await.unwrap();
    let texts: Vec<_> = list
        .updates
        .iter()
        .filter_map(|u| match u {
            Update::MessageCreated { message, .. } => message.body.text.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["Отправлено через узел A"], "{list:?}");
    assert!(
        waited < Duration::from_secs(20),
        "woken by the send, not by the poll's timeout ({waited:?})"
    );
}

#[tokio::test]
async fn signing_out_on_one_node_ends_the_token_on_the_other_at_once() {
    let (a, b) = two_nodes().await;
    let parent = a.token(PARENT).await;
    // Node B checks the token and keeps the answer (for up to a second).
    assert_eq!(b.get_as(&parent, "/me").await.0, StatusCode::OK);
    a.ok_post(&parent, "/school/logout").await;
    // Well inside the second that B would otherwise trust its check.
    let started = Instant::now();
    let mut status = b.get_as(&parent, "/me").await.0;
    while status == StatusCode::OK && started.elapsed() < Duration::from_millis(500) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        status = b.get_as(&parent, "/me").await.0;
    }
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "node B still took the signed-out token {:?} later",
        started.elapsed()
    );
}

#[tokio::test]
async fn exactly_one_node_leads_and_the_other_takes_over_when_it_stops() {
    let (a, b) = two_nodes().await;
    let one_leads = || a.server.leads() ^ b.server.leads();
    assert!(
        eventually(Duration::from_secs(10), one_leads).await,
        "one node leads (a: {}, b: {})",
        a.server.leads(),
        b.server.leads()
    );
    // For a while, still exactly one.
    for _ in 0..10 {
        assert!(one_leads(), "never both, never neither");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (leader, follower) = if a.server.leads() { (a, b) } else { (b, a) };
    leader.server.stop().await.unwrap();
    assert!(
        eventually(Duration::from_secs(10), || follower.server.leads()).await,
        "the other node takes the lead"
    );
}
