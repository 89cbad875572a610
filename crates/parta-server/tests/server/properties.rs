//! Properties of the request parsers, and of the server under arbitrary request bodies: no
//! input makes it fail with a 5xx or answer in another shape than `{code, message}`.

use parta_server::scheduled::QuietHours;
use parta_server::uploads::{clean_filename, parse_content_range};
use proptest::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::Fixture;

proptest! {
    #[test]
    fn content_ranges_parse_only_into_ordered_spans(header in ".{0,40}", s in 0u64..1000, len in 1u64..1000, extra in 0u64..1000) {
        if let Ok((start, end, total)) = parse_content_range(&header) {
            prop_assert!(start <= end && end < total);
        }
        let (end, total) = (s + len - 1, s + len + extra);
        prop_assert_eq!(
            parse_content_range(&format!("bytes {s}-{end}/{total}")).ok(),
            Some((s, end, total))
        );
    }

    #[test]
    fn cleaned_file_names_are_never_paths(name in "\\PC{0,300}") {
        if let Some(clean) = clean_filename(&name) {
            prop_assert!(!clean.contains(['/', '\\']));
            prop_assert!(!clean.chars().any(char::is_control));
            prop_assert!(!clean.starts_with('.'));
            prop_assert!(clean.chars().count() <= 255);
        }
    }

    #[test]
    fn quiet_hours_end_within_a_day_after_the_message(
        start in 0i64..1440, end in 0i64..1440, offset in -720i64..=840, at in 0i64..4_000_000_000_000,
    ) {
        prop_assume!(start != end);
        let hours = QuietHours { start_minute: start, end_minute: end, utc_offset_minutes: offset };
        if let Some(until) = hours.silent_until(at) {
            prop_assert!(until > at && until <= at + 86_400_000, "{at} -> {until}");
            prop_assert_eq!(hours.silent_until(until), None, "the end itself is not quiet");
        }
    }
}

/// Arbitrary JSON, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,30}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("text".to_owned()),
                    Just("attachments".to_owned()),
                    Just("link".to_owned()),
                    Just("code".to_owned()),
                    Just("login".to_owned()),
                    Just("type".to_owned()),
                    "[a-z_]{1,8}",
                ],
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn arbitrary_bodies_get_a_4xx_in_max_shape_or_succeed_never_a_5xx() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (f, teacher, chat) = runtime.block_on(async {
        let f = Fixture::new().await;
        let teacher = f.token("a.sokolova").await;
        let chat = f.chat_id(&teacher, "5А — родители").await;
        (f, teacher, chat)
    });
    let endpoints = [
        (Method::POST, format!("/messages?chat_id={chat}")),
        (Method::PUT, "/messages?message_id=mid.demo01000".to_owned()),
        (Method::PATCH, format!("/chats/{chat}")),
        (Method::POST, format!("/chats/{chat}/members")),
        (Method::POST, "/school/invites".to_owned()),
        (Method::POST, "/school/classes".to_owned()),
        (Method::PUT, "/school/me/quiet-hours".to_owned()),
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    });
    runner
        .run(&(0..endpoints.len(), json()), |(which, body)| {
            let (method, path) = &endpoints[which];
            let (status, answer) =
                runtime.block_on(f.send_as(method.clone(), &teacher, path, body.clone()));
            prop_assert!(
                !status.is_server_error(),
                "{method} {path} with {body} -> {status} {answer}"
            );
            if !status.is_success() {
                prop_assert!(status.is_client_error());
                prop_assert!(
                    answer["code"].is_string() && answer["message"].is_string(),
                    "{answer}"
                );
            }
            Ok(())
        })
        .unwrap();
    // Oversized bodies are refused, not buffered without end. The server may answer as soon as
    // it reads the length and hang up while the client is still writing (a broken pipe for the
    // client): both are a refusal; a success would not be.
    let huge = serde_json::json!({"text": "ы".repeat(3 * 1024 * 1024)});
    let before = runtime.block_on(f.message_count(&teacher, chat));
    // A client of its own, keeping no connection: the server hangs up on this one, and a
    // shared pool could hand the dead connection to the next request.
    let once = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let sent = runtime.block_on(
        once.post(format!("{}/messages?chat_id={chat}", f.server.url()))
            .header("Authorization", &teacher)
            .json(&huge)
            .send(),
    );
    match sent {
        Ok(response) => {
            let status = response.status();
            assert!(
                status == StatusCode::BAD_REQUEST || status == StatusCode::PAYLOAD_TOO_LARGE,
                "{status}"
            );
            let answer: Value = runtime.block_on(response.json()).unwrap();
            assert!(answer["code"].is_string(), "{answer}");
        }
        Err(e) => assert!(
            e.is_request(),
            "the server hung up on the oversized body: {e}"
        ),
    }
    let after = runtime.block_on(f.message_count(&teacher, chat));
    assert_eq!(after, before, "nothing of it was stored");
}
