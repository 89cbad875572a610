//! Other chats (procedure 4.3) from the client core.

use crate::common::*;

#[tokio::test]
async fn the_class_teacher_makes_a_committee_from_people_she_shares_chats_with() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher = signed_in(&server, "a.sokolova", dir.path()).await;
    let parent = signed_in(&server, "e.morozova", dir.path()).await;

    let people = teacher.people_to_pick().await.unwrap();
    let names: Vec<&str> = people.iter().map(|p| p.name.as_str()).collect();
    assert!(
        names.contains(&"Елена Морозова") && names.contains(&"Олег Смирнов"),
        "{names:?}"
    );
    assert!(!names.contains(&"Анна Сергеевна Соколова"), "not herself");
    let picked: Vec<i64> = people
        .iter()
        .filter(|p| p.name == "Елена Морозова" || p.name == "Олег Смирнов")
        .map(|p| p.user_id)
        .collect();

    let err = teacher
        .create_group("  ", &picked)
        .await
        .expect_err("no title");
    assert!(
        matches!(err, parta_client::Error::InvalidInput(_)),
        "{err:?}"
    );
    let made = teacher
        .create_group("Родительский комитет 5А", &picked)
        .await
        .unwrap();
    assert_eq!(
        chat_id(&teacher, "Родительский комитет 5А").await,
        made.chat_id
    );
    assert!(
        teacher.is_chat_admin(made.chat_id).await,
        "she administers it"
    );

    let renamed = teacher
        .rename_chat(made.chat_id, "Родительский комитет")
        .await
        .unwrap();
    assert_eq!(renamed.title, "Родительский комитет");
    let oleg = picked
        .iter()
        .copied()
        .find(|id| {
            people
                .iter()
                .any(|p| p.user_id == *id && p.name == "Олег Смирнов")
        })
        .unwrap();
    let left = teacher.remove_member(made.chat_id, oleg).await.unwrap();
    assert_eq!(left.len(), 2, "{left:?}");

    // The parent's app gets the chat through its updates, under its new name.
    let mut found = false;
    for _ in 0..50 {
        if parent
            .chats()
            .await
            .unwrap()
            .iter()
            .any(|c| c.chat_id == made.chat_id && c.title == "Родительский комитет")
        {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(found, "the parent's list has the committee");
    teacher.stop().await;
    parent.stop().await;
    server.stop().await.unwrap();
}
