//! A session reads the time from its clock, not from the system: what is written is stamped by
//! it and a send time is judged by it, so such behaviour is tested without sleeping.

use std::sync::Arc;

use parta_client::api::ApiClient;
use parta_client::{Clock, Error, Session, SessionConfig};
use parta_model::view::{ConnectionState, Delivery};

use crate::common::*;

/// A clock that stands still at a given instant.
#[derive(Debug)]
struct Stopped(i64);

impl Clock for Stopped {
    fn now_ms(&self) -> i64 {
        self.0
    }
}

#[tokio::test]
async fn what_is_written_is_stamped_and_judged_by_the_sessions_clock() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher_token = token(&server, "a.sokolova").await;
    // 2033-05-18: far ahead of the machine's clock.
    let ahead = 2_000_000_000_000;
    let config = SessionConfig {
        clock: Arc::new(Stopped(ahead)),
        ..fast_config()
    };
    let api = ApiClient::new(&server.url(), teacher_token).unwrap();
    let store = sqlite(&dir.path().join("cache.sqlite")).await;
    let teacher = Session::start("profile".into(), None, api, store, config);
    wait_connection(&teacher, ConnectionState::Online).await;
    let chat = chat_id(&teacher, "5А — родители").await;

    // An hour ahead by the machine is long past by the session's clock: refused before the
    // network, as a time that has passed.
    let machine_in_an_hour = parta_client::now_ms() + 3_600_000;
    let refused = teacher
        .schedule(chat, "Напоминание о собрании", machine_in_an_hour)
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::InvalidInput(m) if m.contains("passed")),
        "{refused:?}"
    );

    // A message waiting in the outbox carries the session's time, not the machine's.
    server.stop().await.unwrap();
    wait_connection(&teacher, ConnectionState::Offline).await;
    let pending = teacher.send_text(chat, "Собрание в пятницу").await.unwrap();
    assert_eq!(pending.delivery, Delivery::Pending);
    assert_eq!(pending.timestamp, ahead);
    teacher.stop().await;
}
