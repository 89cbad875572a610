//! The contract of `parta_server::Store`, as a suite every implementation runs
//! (`store_suite!(name, open)`): what the domain modules rely on besides the statements
//! themselves. Today it runs on SQLite; a PostgreSQL store adds one line at the bottom.

use parta_server::restrictions::{Mode, Restriction};
use parta_server::roles::Role;
use parta_server::store::chats::NewChat;
use parta_server::store::people::NewUser;
use parta_server::store::prelude::*;

async fn person(tx: &mut dyn Tx, login: &str) -> i64 {
    tx.insert_user(NewUser {
        first_name: "Анна",
        last_name: Some("Соколова"),
        username: login,
        role: Role::Teacher,
        created_at: 1,
        password_hash: None,
    })
    .await
    .unwrap()
}

async fn chat(tx: &mut dyn Tx, owner: i64) -> i64 {
    tx.insert_chat(NewChat {
        kind: "teachers",
        title: "Учителя",
        description: "",
        owner_id: Some(owner),
        class_id: None,
        created_at: 1,
    })
    .await
    .unwrap()
}

pub async fn a_transaction_dropped_without_commit_leaves_nothing(store: &dyn Store) {
    let before = store.read().await.unwrap().newest_update().await.unwrap();
    {
        let mut tx = store.begin().await.unwrap();
        let user = person(&mut *tx, "rolled.back").await;
        let chat = chat(&mut *tx, user).await;
        tx.add_member(chat, user, true, 1).await.unwrap();
        tx.insert_update(chat, None, "user_added", "{}", 1)
            .await
            .unwrap();
        // Dropped here: a handler that returned an error half-way.
    }
    let mut read = store.read().await.unwrap();
    assert_eq!(read.user_id_by_login("rolled.back").await.unwrap(), None);
    assert_eq!(
        read.newest_update().await.unwrap(),
        before,
        "the update log did not grow"
    );
}

pub async fn a_committed_transaction_is_seen_by_the_next_unit_of_work(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let user = person(&mut *tx, "committed").await;
    let _ = tx.commit().await.unwrap();
    let mut read = store.read().await.unwrap();
    assert_eq!(
        read.user_id_by_login("committed").await.unwrap(),
        Some(user)
    );
    let found = read.person(user).await.unwrap().unwrap();
    assert_eq!(found.role, Role::Teacher);
    assert!(!found.removed);
}

pub async fn update_ids_grow_in_commit_order_and_readers_see_all_below(store: &dyn Store) {
    let mut ids = Vec::new();
    for n in 0..5 {
        let mut tx = store.begin().await.unwrap();
        let id = tx
            .insert_update(0, Some(1), "parta_test", &format!("{{\"n\":{n}}}"), n)
            .await
            .unwrap();
        ids.push(id);
        let committed = tx.commit().await.unwrap();
        assert_eq!(
            committed.newest_update,
            Some(id),
            "the commit names what it appended, so the school context wakes long polls for it"
        );
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids grow: {ids:?}");
    let mut read = store.read().await.unwrap();
    assert_eq!(read.newest_update().await.unwrap(), ids[4]);
    let after: Vec<i64> = read
        .updates_after(ids[0], 100)
        .await
        .unwrap()
        .iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(
        after,
        ids[1..].to_vec(),
        "everything after the first, in order"
    );
}

pub async fn a_commit_reports_the_highest_update_it_appended_and_none_without(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    person(&mut *tx, "no.updates").await;
    assert_eq!(
        tx.commit().await.unwrap().newest_update,
        None,
        "nothing appended, nobody to wake"
    );
    let mut tx = store.begin().await.unwrap();
    let first = tx
        .insert_update(0, Some(1), "parta_test", "{}", 1)
        .await
        .unwrap();
    let second = tx
        .insert_update(0, Some(1), "parta_test", "{}", 2)
        .await
        .unwrap();
    assert!(second > first);
    assert_eq!(tx.commit().await.unwrap().newest_update, Some(second));
}

pub async fn membership_writes_say_whether_they_changed_anything(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let owner = person(&mut *tx, "owner").await;
    let other = person(&mut *tx, "other").await;
    let chat = chat(&mut *tx, owner).await;
    assert!(tx.add_member(chat, owner, true, 1).await.unwrap());
    assert!(
        !tx.add_member(chat, owner, false, 2).await.unwrap(),
        "a second add is no change"
    );
    assert_eq!(
        tx.admin_flags(chat, owner).await.unwrap(),
        Some((true, true)),
        "the first add stands: admin and owner"
    );
    assert!(
        !tx.set_admin(chat, other, true).await.unwrap(),
        "not a member"
    );
    assert!(!tx.remove_member(chat, other).await.unwrap());
    assert!(tx.remove_member(chat, owner).await.unwrap());
    assert!(!tx.is_member(chat, owner).await.unwrap());
    let _ = tx.commit().await.unwrap();
}

pub async fn read_marks_never_move_backwards(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let user = person(&mut *tx, "reader").await;
    let chat = chat(&mut *tx, user).await;
    tx.add_member(chat, user, false, 1).await.unwrap();
    tx.mark_read(chat, user, 10, 100).await.unwrap();
    tx.mark_read(chat, user, 4, 200).await.unwrap();
    let _ = tx.commit().await.unwrap();
    let mut read = store.read().await.unwrap();
    let member = read.member(chat, user).await.unwrap().unwrap();
    assert_eq!(member.last_access, 200, "the time of the last mark");
    // Where the mark stands shows through the receipts of a message at seq 10 and 11.
    let at_10 = read.receipts("none", chat, 10, 0).await.unwrap();
    assert!(at_10[0].read, "seq 10 is still read after a mark at 4");
    let at_11 = read.receipts("none", chat, 11, 0).await.unwrap();
    assert!(!at_11[0].read);
}

pub async fn a_restriction_is_in_force_until_its_end_and_replacing_it_keeps_one(store: &dyn Store) {
    let mut tx = store.begin().await.unwrap();
    let user = person(&mut *tx, "restricted").await;
    let mut restriction = Restriction {
        user_id: user,
        mode: Mode::ReadOnly,
        reason: "п. 9.2".into(),
        until: 1_000,
        created_by: user,
        created_at: 0,
    };
    tx.put_restriction(&restriction).await.unwrap();
    restriction.mode = Mode::Blocked;
    restriction.until = 2_000;
    tx.put_restriction(&restriction).await.unwrap();
    assert_eq!(
        tx.restriction(user, 1_500).await.unwrap(),
        Some(restriction.clone())
    );
    assert_eq!(
        tx.restriction(user, 2_000).await.unwrap(),
        None,
        "over at its end"
    );
    assert!(tx.delete_restriction(user).await.unwrap());
    assert!(!tx.delete_restriction(user).await.unwrap());
    let _ = tx.commit().await.unwrap();
}

/// Transactions that read and then write, at the same time (a lesson read before a presence
/// is recorded, a join request read before its approval): every one of them commits, one
/// after another, rather than failing because another one wrote in between.
pub async fn transactions_that_read_then_write_at_once_all_commit(store: &dyn Store) {
    let one = |n: usize| async move {
        let mut tx = store.begin().await?;
        let login = format!("parent.{n}");
        let existing = tx.user_id_by_login(&login).await?;
        // The others read meanwhile.
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        let id = match existing {
            Some(id) => id,
            None => person(&mut *tx, &login).await,
        };
        let _ = tx.commit().await?;
        Ok::<i64, parta_server::Error>(id)
    };
    let (a, b, c, d) = tokio::join!(one(1), one(2), one(3), one(4));
    let ids: Vec<i64> = [a, b, c, d]
        .into_iter()
        .map(|r| r.expect("every transaction commits"))
        .collect();
    let mut read = store.read().await.unwrap();
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(
            read.user_id_by_login(&format!("parent.{}", n + 1))
                .await
                .unwrap(),
            Some(*id)
        );
    }
}

/// Runs every test above against the stores `open` makes (a fresh one per test).
macro_rules! store_suite {
    ($name:ident, $open:expr) => {
        mod $name {
            use super::*;

            macro_rules! case {
                ($case:ident) => {
                    #[tokio::test]
                    async fn $case() {
                        let dir = tempfile::tempdir().unwrap();
                        let store = $open(dir.path()).await;
                        super::$case(&store).await;
                    }
                };
            }

            case!(a_transaction_dropped_without_commit_leaves_nothing);
            case!(a_committed_transaction_is_seen_by_the_next_unit_of_work);
            case!(update_ids_grow_in_commit_order_and_readers_see_all_below);
            case!(a_commit_reports_the_highest_update_it_appended_and_none_without);
            case!(membership_writes_say_whether_they_changed_anything);
            case!(read_marks_never_move_backwards);
            case!(a_restriction_is_in_force_until_its_end_and_replacing_it_keeps_one);
            case!(transactions_that_read_then_write_at_once_all_commit);
        }
    };
}

async fn sqlite(dir: &std::path::Path) -> parta_server::SqliteStore {
    parta_server::SqliteStore::open(&dir.join("school.sqlite"))
        .await
        .unwrap()
}

store_suite!(on_sqlite, sqlite);

async fn postgres(_dir: &std::path::Path) -> parta_server::PostgresStore {
    parta_server::PostgresStore::open(&crate::common::postgres_database().await)
        .await
        .unwrap()
}

store_suite!(on_postgres, postgres);
