//! The test suite every [`super::Store`] implementation must pass.

/// Expands to the shared store tests; `$make` is an async block returning a fresh store.
macro_rules! store_suite {
    ($make:expr) => {
        use crate::store::{
            AnnouncementFlags, Batch, CachedChat, CachedMessage, OutboxItem, OutboxKind, Store,
            StoredProfile,
        };

        fn chat(chat_id: i64, last_event_time: i64) -> CachedChat {
            CachedChat {
                chat_id,
                title: format!("Чат {chat_id}"),
                description: None,
                participants_count: 3,
                last_event_time,
                pinned_mid: None,
            }
        }

        fn message(chat_id: i64, seq: i64, timestamp: i64) -> CachedMessage {
            CachedMessage {
                mid: format!("mid.{chat_id}.{seq}"),
                chat_id,
                seq,
                sender_id: Some(1),
                sender_name: "Анна Соколова".into(),
                sender_via_max: false,
                text: format!("Сообщение {seq}"),
                timestamp,
                attachments: Vec::new(),
                reply_to: None,
                // "Сообщение" in bold: formatting is kept with the message.
                markup: vec![parta_model::markup::Markup {
                    kind: parta_model::markup::MarkupKind::Strong,
                    from: 0,
                    length: 9,
                    url: None,
                    user_id: None,
                    user_link: None,
                }],
                max_state: None,
            }
        }

        #[tokio::test]
        async fn profiles_are_saved_replaced_and_removed() {
            let store = $make.await;
            let mut profile = StoredProfile {
                id: "p1".into(),
                kind: "school".into(),
                server_url: "http://127.0.0.1:1".into(),
                display_name: "Анна".into(),
                user_id: Some(2),
                created_at: 1,
                extra_root_pem: Some("-----BEGIN CERTIFICATE-----".into()),
            };
            store.save_profile(&profile).await.unwrap();
            profile.server_url = "http://127.0.0.1:2".into();
            store.save_profile(&profile).await.unwrap();
            assert_eq!(store.profiles().await.unwrap(), vec![profile.clone()]);
            store.remove_profile("p1", false).await.unwrap();
            assert!(store.profiles().await.unwrap().is_empty());
        }

        #[tokio::test]
        async fn chats_are_listed_most_recent_first_and_replaced_as_a_whole() {
            let store = $make.await;
            store
                .replace_chats("p", &[chat(1, 10), chat(2, 30), chat(3, 20)])
                .await
                .unwrap();
            let ids: Vec<_> = store
                .chats("p")
                .await
                .unwrap()
                .iter()
                .map(|c| c.chat_id)
                .collect();
            assert_eq!(ids, vec![2, 3, 1]);
            store.replace_chats("p", &[chat(3, 20)]).await.unwrap();
            let ids: Vec<_> = store
                .chats("p")
                .await
                .unwrap()
                .iter()
                .map(|c| c.chat_id)
                .collect();
            assert_eq!(ids, vec![3], "chats no longer on the server are dropped");
        }

        #[tokio::test]
        async fn a_pin_changes_that_chat_alone() {
            let store = $make.await;
            store
                .replace_chats("p", &[chat(1, 10), chat(2, 30)])
                .await
                .unwrap();
            store.set_pinned("p", 1, Some("mid.7")).await.unwrap();
            store.set_pinned("p", 9, Some("mid.8")).await.unwrap();
            let pinned = |id| {
                let store = &store;
                async move {
                    store
                        .chat("p", id)
                        .await
                        .unwrap()
                        .and_then(|c| c.pinned_mid)
                }
            };
            assert_eq!(pinned(1).await.as_deref(), Some("mid.7"));
            assert_eq!(pinned(2).await, None, "the other chat keeps its own");
            assert!(
                store.chat("p", 9).await.unwrap().is_none(),
                "no chat is made up"
            );
            store.set_pinned("p", 1, None).await.unwrap();
            assert_eq!(pinned(1).await, None);
        }

        #[tokio::test]
        async fn latest_messages_are_the_newest_page_in_time_order() {
            let store = $make.await;
            store.replace_chats("p", &[chat(1, 0)]).await.unwrap();
            let messages: Vec<_> = (1..=10).map(|i| message(1, i, i * 100)).collect();
            store.upsert_messages("p", &messages).await.unwrap();
            store
                .upsert_messages("p", &[message(2, 99, 5000)])
                .await
                .unwrap();
            let page = store.latest_messages("p", 1, 3).await.unwrap();
            let seqs: Vec<_> = page.iter().map(|m| m.seq).collect();
            assert_eq!(seqs, vec![8, 9, 10]);
            assert_eq!(
                store.chat("p", 1).await.unwrap().unwrap().last_event_time,
                1000,
                "a newer message moves the chat's last event forward"
            );
        }

        #[tokio::test]
        async fn upserting_the_same_message_twice_keeps_one_copy() {
            let store = $make.await;
            let mut m = message(1, 1, 100);
            store.upsert_messages("p", &[m.clone()]).await.unwrap();
            m.text = "Исправленный текст".into();
            store.upsert_messages("p", &[m.clone()]).await.unwrap();
            assert_eq!(store.latest_messages("p", 1, 10).await.unwrap(), vec![m]);
        }

        #[tokio::test]
        async fn a_batch_applies_messages_removals_and_marker_together() {
            let store = $make.await;
            store
                .upsert_messages("p", &[message(1, 1, 100)])
                .await
                .unwrap();
            let batch = Batch {
                upserts: vec![message(1, 2, 200)],
                removals: vec![(1, "mid.1.1".into())],
                marker: Some(42),
                max_states: Vec::new(),
            };
            store.apply("p", &batch).await.unwrap();
            let seqs: Vec<_> = store
                .latest_messages("p", 1, 10)
                .await
                .unwrap()
                .iter()
                .map(|m| m.seq)
                .collect();
            assert_eq!(seqs, vec![2]);
            assert_eq!(store.marker("p").await.unwrap(), Some(42));
            store.apply("p", &Batch::default()).await.unwrap();
            assert_eq!(
                store.marker("p").await.unwrap(),
                Some(42),
                "no marker keeps the old one"
            );
        }

        #[tokio::test]
        async fn the_outbox_keeps_order_updates_and_delivers_into_the_cache() {
            let store = $make.await;
            let item = |id: &str, at: i64| OutboxItem {
                local_id: id.into(),
                chat_id: 1,
                text: format!("текст {id}"),
                created_at: at,
                attempts: 0,
                next_attempt_at: 0,
                failed: None,
                attachments: Vec::new(),
                reply_to: None,
                // One announcement among them: what an item is sent as comes back.
                kind: if id == "b" {
                    OutboxKind::Announcement {
                        ack_required: false,
                    }
                } else {
                    OutboxKind::Message
                },
            };
            store.outbox_push("p", &item("b", 20)).await.unwrap();
            store.outbox_push("p", &item("a", 10)).await.unwrap();
            let ids: Vec<_> = store
                .outbox("p")
                .await
                .unwrap()
                .into_iter()
                .map(|i| i.local_id)
                .collect();
            assert_eq!(ids, vec!["a", "b"], "oldest first");
            assert_eq!(store.outbox("p").await.unwrap()[1], item("b", 20));
            let mut retried = item("a", 10);
            retried.attempts = 3;
            retried.next_attempt_at = 999;
            store.outbox_update("p", &retried).await.unwrap();
            assert_eq!(store.outbox("p").await.unwrap()[0], retried);
            store
                .outbox_delivered("p", "a", &message(1, 7, 700))
                .await
                .unwrap();
            let left: Vec<_> = store
                .outbox("p")
                .await
                .unwrap()
                .into_iter()
                .map(|i| i.local_id)
                .collect();
            assert_eq!(left, vec!["b"]);
            store.outbox_remove("p", "b").await.unwrap();
            assert!(
                store.outbox("p").await.unwrap().is_empty(),
                "removed on request"
            );
            assert!(
                store.message("p", "mid.1.7").await.unwrap().is_some(),
                "cached in the same step"
            );
            assert!(store.outbox("q").await.unwrap().is_empty(), "per profile");
        }

        #[tokio::test]
        async fn clearing_the_cache_forgets_the_servers_data_but_keeps_drafts_and_outbox() {
            let store = $make.await;
            for profile in ["p", "other"] {
                store.replace_chats(profile, &[chat(1, 0)]).await.unwrap();
                store
                    .upsert_messages(profile, &[message(1, 1, 100), message(1, 2, 200)])
                    .await
                    .unwrap();
            }
            store.save_draft("p", 1, "недописанное", 5).await.unwrap();
            let waiting = OutboxItem {
                local_id: "w".into(),
                chat_id: 1,
                text: "ещё не отправлено".into(),
                created_at: 1,
                attempts: 0,
                next_attempt_at: 0,
                failed: None,
                attachments: Vec::new(),
                reply_to: None,
                kind: OutboxKind::Message,
            };
            store.outbox_push("p", &waiting).await.unwrap();
            assert_eq!(store.cached_messages("p").await.unwrap(), 2);

            store.clear_cache("p").await.unwrap();
            assert_eq!(store.cached_messages("p").await.unwrap(), 0);
            assert!(store.chats("p").await.unwrap().is_empty());
            assert_eq!(
                store.marker("p").await.unwrap(),
                None,
                "the next sync starts afresh"
            );
            assert!(
                store
                    .search(
                        "p",
                        &crate::search::Query::parse("Сообщение").unwrap(),
                        None,
                        10
                    )
                    .await
                    .unwrap()
                    .is_empty(),
                "nothing left to find"
            );
            assert_eq!(
                store.draft("p", 1).await.unwrap().as_deref(),
                Some("недописанное"),
                "what the person wrote stays"
            );
            assert_eq!(store.outbox("p").await.unwrap(), vec![waiting]);
            assert_eq!(
                store.cached_messages("other").await.unwrap(),
                2,
                "another profile's cache is untouched"
            );
        }

        #[tokio::test]
        async fn messages_with_files_are_listed_newest_first_per_chat_or_all() {
            let store = $make.await;
            let with_file = |chat_id: i64, seq: i64, at: i64| CachedMessage {
                attachments: vec![parta_model::view::AttachmentView {
                    kind: "file".into(),
                    name: format!("файл {seq}.pdf"),
                    size: Some(10),
                    token: Some(format!("f{seq}")),
                }],
                ..message(chat_id, seq, at)
            };
            store
                .upsert_messages(
                    "p",
                    &[
                        with_file(1, 1, 100),
                        message(1, 2, 200),
                        with_file(2, 3, 300),
                        with_file(1, 4, 400),
                    ],
                )
                .await
                .unwrap();
            let mids = |list: Vec<CachedMessage>| -> Vec<String> {
                list.into_iter().map(|m| m.mid).collect()
            };
            assert_eq!(
                mids(store.messages_with_files("p", None, 10).await.unwrap()),
                vec!["mid.1.4", "mid.2.3", "mid.1.1"],
                "only those with files, newest first"
            );
            assert_eq!(
                mids(store.messages_with_files("p", Some(1), 1).await.unwrap()),
                vec!["mid.1.4"],
                "one chat, as many as asked"
            );
            assert!(
                store
                    .messages_with_files("q", None, 10)
                    .await
                    .unwrap()
                    .is_empty()
            );
        }

        #[tokio::test]
        async fn profiles_do_not_see_each_others_cache_and_wipe_removes_it() {
            let store = $make.await;
            store.replace_chats("a", &[chat(1, 0)]).await.unwrap();
            store
                .upsert_messages("a", &[message(1, 1, 100)])
                .await
                .unwrap();
            assert!(store.chats("b").await.unwrap().is_empty());
            assert!(store.message("b", "mid.1.1").await.unwrap().is_none());
            store.remove_profile("a", true).await.unwrap();
            assert!(store.chats("a").await.unwrap().is_empty());
            assert!(store.message("a", "mid.1.1").await.unwrap().is_none());
        }

        fn texted(chat_id: i64, seq: i64, text: &str) -> CachedMessage {
            CachedMessage {
                text: text.into(),
                ..message(chat_id, seq, seq * 100)
            }
        }

        async fn found(store: &impl Store, profile: &str, q: &str, chat: Option<i64>) -> Vec<i64> {
            let query = crate::search::Query::parse(q).unwrap();
            store
                .search(profile, &query, chat, 50)
                .await
                .unwrap()
                .iter()
                .map(|m| m.seq)
                .collect()
        }

        #[tokio::test]
        async fn search_finds_every_form_of_a_word_newest_first() {
            let store = $make.await;
            store
                .upsert_messages(
                    "p",
                    &[
                        texted(1, 1, "Родительское собрание в пятницу в 18:00"),
                        texted(1, 2, "Не забудьте про домашнее задание"),
                        texted(1, 3, "Протокол собрания в приложении"),
                        texted(2, 4, "Решили на собраниях: экскурсия в мае"),
                        texted(2, 5, "Соберёмся у школы"),
                    ],
                )
                .await
                .unwrap();
            assert_eq!(found(&store, "p", "собрание", None).await, vec![4, 3, 1]);
            assert_eq!(found(&store, "p", "собрании", Some(1)).await, vec![3, 1]);
            assert_eq!(found(&store, "p", "собрание пятница", None).await, vec![1]);
            assert_eq!(found(&store, "p", "ЗАДАНИЯ", None).await, vec![2]);
            assert!(found(&store, "p", "каникулы", None).await.is_empty());
            assert!(
                found(&store, "q", "собрание", None).await.is_empty(),
                "per profile"
            );
        }

        #[tokio::test]
        async fn search_follows_edits_deletions_and_wipes() {
            let store = $make.await;
            store
                .upsert_messages("p", &[texted(1, 1, "Экскурсия в музей")])
                .await
                .unwrap();
            store
                .upsert_messages("p", &[texted(1, 1, "Экскурсия в театр")])
                .await
                .unwrap();
            assert!(
                found(&store, "p", "музей", None).await.is_empty(),
                "edited away"
            );
            assert_eq!(found(&store, "p", "театре", None).await, vec![1]);
            let batch = Batch {
                removals: vec![(1, "mid.1.1".into())],
                ..Default::default()
            };
            store.apply("p", &batch).await.unwrap();
            assert!(
                found(&store, "p", "театр", None).await.is_empty(),
                "deleted"
            );
            store
                .upsert_messages("p", &[texted(1, 2, "Экскурсия в театр")])
                .await
                .unwrap();
            store.remove_profile("p", true).await.unwrap();
            assert!(found(&store, "p", "театр", None).await.is_empty(), "wiped");
        }

        #[tokio::test]
        async fn pages_before_and_after_a_message_are_in_time_order() {
            let store = $make.await;
            let messages: Vec<_> = (1..=10).map(|i| message(1, i, i * 100)).collect();
            store.upsert_messages("p", &messages).await.unwrap();
            let before: Vec<_> = store
                .messages_beside("p", 1, (500, 5), crate::store::Side::Before, 3)
                .await
                .unwrap()
                .iter()
                .map(|m| m.seq)
                .collect();
            assert_eq!(before, vec![2, 3, 4]);
            let after: Vec<_> = store
                .messages_beside("p", 1, (500, 5), crate::store::Side::After, 3)
                .await
                .unwrap()
                .iter()
                .map(|m| m.seq)
                .collect();
            assert_eq!(after, vec![6, 7, 8]);
        }

        #[tokio::test]
        async fn a_large_batch_with_a_message_twice_keeps_its_last_version() {
            let store = $make.await;
            let mut batch: Vec<_> = (1..=250).map(|i| message(1, i, i * 10)).collect();
            let mut edited = message(1, 3, 30);
            edited.text = "Исправлено: экскурсия".into();
            batch.push(edited.clone());
            store.upsert_messages("p", &batch).await.unwrap();
            assert_eq!(
                store.latest_messages("p", 1, 1000).await.unwrap().len(),
                250
            );
            assert_eq!(store.message("p", "mid.1.3").await.unwrap(), Some(edited));
            assert_eq!(found(&store, "p", "экскурсии", None).await, vec![3]);
            assert!(
                !found(&store, "p", "Сообщение 3", None).await.contains(&3),
                "the old text is no longer found"
            );
            assert_eq!(found(&store, "p", "Сообщение 249", None).await, vec![249]);
        }

        #[tokio::test]
        async fn search_is_newest_first_even_for_history_fetched_later() {
            let store = $make.await;
            // Recent messages first, as a sync fetches them, then older history, then several
            // in one millisecond.
            let recent: Vec<_> = (50..60)
                .map(|i| texted(1, i, "Собрание родителей"))
                .collect();
            let older: Vec<_> = (1..10).map(|i| texted(1, i, "Собрание актива")).collect();
            store.upsert_messages("p", &recent).await.unwrap();
            store.upsert_messages("p", &older).await.unwrap();
            let same_ms: Vec<_> = (70..75)
                .map(|i| CachedMessage {
                    timestamp: 7000,
                    ..texted(1, i, "Собрание сейчас")
                })
                .collect();
            store.upsert_messages("p", &same_ms).await.unwrap();
            let seqs = found(&store, "p", "собрание", None).await;
            assert_eq!(seqs.len(), 24);
            let times: Vec<i64> = seqs
                .iter()
                .map(|s| if *s >= 70 { 7000 } else { s * 100 })
                .collect();
            let mut sorted = times.clone();
            sorted.sort_by(|a, b| b.cmp(a));
            assert_eq!(times, sorted, "newest first: {seqs:?}");
        }

        #[tokio::test]
        async fn attachments_are_kept_with_messages_and_outbox_items() {
            use parta_model::view::AttachmentView;
            let store = $make.await;
            let mut m = message(1, 1, 100);
            m.attachments = vec![AttachmentView {
                kind: "file".into(),
                name: "Расписание.pdf".into(),
                size: Some(12_345),
                token: Some("t1".into()),
            }];
            store
                .upsert_messages("p", std::slice::from_ref(&m))
                .await
                .unwrap();
            assert_eq!(store.message("p", "mid.1.1").await.unwrap(), Some(m));
            let item = OutboxItem {
                local_id: "x".into(),
                chat_id: 1,
                text: String::new(),
                created_at: 1,
                attempts: 0,
                next_attempt_at: 0,
                failed: None,
                attachments: vec![crate::store::OutboxFile {
                    name: "Фото.jpg".into(),
                    path: "/tmp/Фото.jpg".into(),
                    size: 10,
                    kind: "image".into(),
                    upload_url: None,
                    token: None,
                    sealed: true,
                }],
                reply_to: Some("mid.1.1".into()),
                kind: OutboxKind::Message,
            };
            store.outbox_push("p", &item).await.unwrap();
            let mut uploaded = item.clone();
            uploaded.attachments[0].upload_url = Some("http://127.0.0.1/upload/1".into());
            uploaded.attachments[0].token = Some("tok".into());
            store.outbox_update("p", &uploaded).await.unwrap();
            assert_eq!(store.outbox("p").await.unwrap(), vec![uploaded]);
        }

        #[tokio::test]
        async fn kept_files_are_listed_least_recently_used_first() {
            use crate::store::CachedFile;
            let store = $make.await;
            let file = |token: &str, last_used: i64| CachedFile {
                token: token.into(),
                name: format!("{token}.pdf"),
                size: 100,
                last_used,
            };
            store.file_put(&file("a", 30)).await.unwrap();
            store.file_put(&file("b", 10)).await.unwrap();
            store.file_put(&file("c", 20)).await.unwrap();
            store.file_put(&file("b", 40)).await.unwrap();
            let order: Vec<_> = store
                .files()
                .await
                .unwrap()
                .into_iter()
                .map(|f| f.token)
                .collect();
            assert_eq!(order, vec!["c", "a", "b"]);
            store.file_remove("a").await.unwrap();
            assert_eq!(store.file("a").await.unwrap(), None);
            assert_eq!(store.file("c").await.unwrap().map(|f| f.size), Some(100));
        }

        #[tokio::test]
        async fn lessons_are_replaced_per_range_listed_by_start_and_cleared_with_the_cache() {
            let store = $make.await;
            let lesson = |id: i64, start: i64| (id, start, format!("{{\"id\":{id}}}"));
            store
                .replace_lessons(
                    "p",
                    0,
                    1000,
                    &[lesson(2, 500), lesson(1, 100), lesson(3, 900)],
                )
                .await
                .unwrap();
            store
                .replace_lessons("q", 0, 1000, &[lesson(9, 100)])
                .await
                .unwrap();
            assert_eq!(
                store.lessons("p", 0, 1000).await.unwrap(),
                vec!["{\"id\":1}", "{\"id\":2}", "{\"id\":3}"]
            );
            assert_eq!(
                store.lessons("p", 200, 900).await.unwrap(),
                vec!["{\"id\":2}"]
            );
            // A fresh read of [400, 1000) drops what is gone there (3) and moves 2, keeping 1.
            store
                .replace_lessons("p", 400, 1000, &[lesson(2, 600)])
                .await
                .unwrap();
            assert_eq!(
                store.lessons("p", 0, 1000).await.unwrap(),
                vec!["{\"id\":1}", "{\"id\":2}"]
            );
            store.clear_cache("p").await.unwrap();
            assert!(store.lessons("p", 0, 1000).await.unwrap().is_empty());
            assert_eq!(
                store.lessons("q", 0, 1000).await.unwrap().len(),
                1,
                "per profile"
            );
        }

        #[tokio::test]
        async fn drafts_read_marks_members_and_announcements_are_kept_per_profile() {
            use parta_model::view::{MemberView, ReplyView};
            let store = $make.await;
            store.save_draft("p", 1, "Завтра в 9", 10).await.unwrap();
            assert_eq!(
                store.draft("p", 1).await.unwrap().as_deref(),
                Some("Завтра в 9")
            );
            assert_eq!(store.draft("q", 1).await.unwrap(), None);
            store.save_draft("p", 1, "  ", 11).await.unwrap();
            assert_eq!(
                store.draft("p", 1).await.unwrap(),
                None,
                "an empty draft is gone"
            );

            let mut messages: Vec<_> = (1..=5).map(|i| message(1, i, i * 100)).collect();
            messages[4].sender_id = Some(7); // my own
            messages[3].reply_to = Some(ReplyView {
                mid: "mid.1.1".into(),
                sender_name: "Анна Соколова".into(),
                text: "Сообщение 1".into(),
            });
            store.upsert_messages("p", &messages).await.unwrap();
            assert_eq!(
                store
                    .message("p", "mid.1.4")
                    .await
                    .unwrap()
                    .unwrap()
                    .reply_to,
                messages[3].reply_to
            );
            assert_eq!(
                store.unread("p", 1, Some(7)).await.unwrap(),
                4,
                "never read: all but mine"
            );
            store.mark_read("p", 1, (300, 3)).await.unwrap();
            store.mark_read("p", 1, (100, 1)).await.unwrap();
            assert_eq!(
                store.read_up_to("p", 1).await.unwrap(),
                Some((300, 3)),
                "never back"
            );
            assert_eq!(store.unread("p", 1, Some(7)).await.unwrap(), 1);

            let members = vec![
                MemberView {
                    user_id: 3,
                    name: "Олег Смирнов".into(),
                    is_admin: false,
                    is_me: false,
                },
                MemberView {
                    user_id: 2,
                    name: "Анна Соколова".into(),
                    is_admin: true,
                    is_me: false,
                },
            ];
            store.replace_members("p", 1, &members).await.unwrap();
            let names: Vec<_> = store
                .members("p", 1)
                .await
                .unwrap()
                .into_iter()
                .map(|m| m.name)
                .collect();
            assert_eq!(names, vec!["Анна Соколова", "Олег Смирнов"]);
            store.replace_members("p", 1, &members[..1]).await.unwrap();
            assert_eq!(
                store.members("p", 1).await.unwrap().len(),
                1,
                "replaced as a whole"
            );

            assert_eq!(store.announcement("p", "mid.1.1").await.unwrap(), None);
            let flag = |mid: &str, ack: bool| AnnouncementFlags {
                mid: mid.to_owned(),
                acknowledged: ack,
                ack_required: mid != "mid.1.3",
            };
            store
                .set_announcements("p", &[flag("mid.1.1", false)])
                .await
                .unwrap();
            store
                .set_announcements(
                    "p",
                    &[
                        flag("mid.1.1", true),
                        flag("mid.1.3", false),
                        flag("mid.not.cached", false),
                    ],
                )
                .await
                .unwrap();
            assert_eq!(
                store.announcement("p", "mid.1.1").await.unwrap(),
                Some(flag("mid.1.1", true))
            );
            assert_eq!(
                store.announcements("p").await.unwrap(),
                vec![flag("mid.1.3", false), flag("mid.1.1", true)],
                "newest first, only what can be shown, each with what it asks"
            );
            store.remove_profile("p", true).await.unwrap();
            assert_eq!(
                store.announcement("p", "mid.1.1").await.unwrap(),
                None,
                "wiped"
            );
        }
    };
}
