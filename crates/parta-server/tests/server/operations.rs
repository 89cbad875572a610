//! What a balancer and Prometheus ask a node: health, readiness and metrics, without a token.

use std::time::Duration;

use reqwest::StatusCode;

use crate::common::Fixture;

pub(crate) async fn text(f: &Fixture, path: &str) -> (StatusCode, String) {
    let response = f
        .http
        .get(format!("{}{path}", f.server.url()))
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// The value of the metric line that starts with `name` (labels included).
pub(crate) fn metric(page: &str, name: &str) -> f64 {
    page.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {name} in\n{page}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_node_says_it_is_healthy_ready_and_what_it_is_doing() {
    let f = Fixture::new().await;
    assert_eq!(text(&f, "/health").await.0, StatusCode::OK);
    assert_eq!(
        text(&f, "/ready").await,
        (StatusCode::OK, "ready\n".to_owned())
    );

    let (status, before) = text(&f, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(metric(&before, "parta_long_polls"), 0.0);
    assert_eq!(metric(&before, "parta_leader"), 1.0, "alone, it leads");
    let ok_before = metric(&before, "parta_requests_total{class=\"2xx\"}");
    let bad_before = metric(&before, "parta_requests_total{class=\"4xx\"}");

    // A long poll waiting is counted while it waits.
    let token = f.token("o.smirnov").await;
    let poll = {
        let request = f
            .http
            .get(format!("{}/updates?timeout=5", f.server.url()))
            .header("Authorization", token.clone());
        tokio::spawn(async move { request.send().await.unwrap().status() })
    };
    let mut waiting = 0.0;
    for _ in 0..100 {
        waiting = metric(&text(&f, "/metrics").await.1, "parta_long_polls");
        if waiting == 1.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(waiting, 1.0, "one long poll waiting");
    // A refused request and a good one are counted by class.
    assert_eq!(text(&f, "/chats").await.0, StatusCode::UNAUTHORIZED);
    f.ok_get(&token, "/me").await;
    let after = text(&f, "/metrics").await.1;
    assert!(metric(&after, "parta_requests_total{class=\"4xx\"}") >= bad_before + 1.0);
    assert!(metric(&after, "parta_requests_total{class=\"2xx\"}") >= ok_before + 1.0);
    let count = metric(&after, "parta_request_duration_seconds_count");
    let inf = metric(&after, "parta_request_duration_seconds_bucket{le=\"+Inf\"}");
    assert_eq!(count, inf, "every timed request is in the +Inf bucket");
    assert!(count >= 3.0);
    // The store's queue: nobody waits to write now, and the node holds a connection or more.
    assert_eq!(metric(&after, "parta_store_writers_waiting"), 0.0);
    let busy = metric(&after, "parta_store_connections{state=\"busy\"}");
    let idle = metric(&after, "parta_store_connections{state=\"idle\"}");
    assert!(busy + idle >= 1.0, "{busy} busy, {idle} idle");
    assert!(
        !after.contains("parta_bridge_"),
        "no bridge, no bridge metrics"
    );
    assert_eq!(poll.await.unwrap(), StatusCode::OK);
}
