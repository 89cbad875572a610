//! Reporting a message from the client core, and handling it (procedure 6.2, 9.1).

use parta_model::school::{
    AdminReply, AdminRequest, ReportAction, ReportDecision, ReportReason, ReportStatus,
};

use crate::common::*;

#[tokio::test]
async fn a_parent_reports_a_message_the_class_teacher_deletes_it_and_the_parent_sees_so() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("server.sqlite"), loopback()).await;
    let teacher = signed_in(&server, "a.sokolova", dir.path()).await;
    let parent = signed_in(&server, "e.morozova", dir.path()).await;
    let other = signed_in(&server, "o.smirnov", dir.path()).await;
    let chat = chat_id(&other, "5А — родители").await;
    let rude = other.send_text(chat, "Это всё бессмысленно").await.unwrap();
    let mut events = other.subscribe();
    other.flush_outbox().await.unwrap();
    let sent = wait_event(&mut events, "sent", |e| {
        matches!(e, parta_model::view::AppEvent::MessageSent { local_mid, .. } if *local_mid == rude.mid)
    })
    .await;
    let parta_model::view::AppEvent::MessageSent { message, .. } = sent else {
        unreachable!()
    };

    // "Other" needs the parent's own words; with them it goes.
    let err = parent
        .report_message(&message.mid, ReportReason::Other, Some("  ".into()))
        .await
        .expect_err("no words");
    assert!(
        matches!(err, parta_client::Error::InvalidInput(_)),
        "{err:?}"
    );
    let filed = parent
        .report_message(&message.mid, ReportReason::Other, Some("Грубый тон".into()))
        .await
        .unwrap();
    assert_eq!(filed.status, ReportStatus::Open);
    assert_eq!(filed.note.as_deref(), Some("Грубый тон"));

    // The class teacher administers the chat: she sees it and deletes the message.
    let AdminReply::Reports(open) = teacher
        .admin(&AdminRequest::Reports { open_only: true })
        .await
        .unwrap()
    else {
        panic!("not a report list")
    };
    assert_eq!(open.len(), 1);
    assert!(open[0].context.iter().any(|m| m.body.mid == message.mid));
    let AdminReply::Report(handled) = teacher
        .admin(&AdminRequest::ResolveReport {
            report_id: open[0].id,
            decision: ReportDecision {
                action: ReportAction::Delete,
                restriction: None,
            },
        })
        .await
        .unwrap()
    else {
        panic!("not a report")
    };
    assert_eq!(handled.status, ReportStatus::Deleted);

    let mine = parent.my_reports().await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].status, ReportStatus::Deleted);
    assert_eq!(
        mine[0].handled_by.as_ref().map(|p| p.name.as_str()),
        Some("Анна Сергеевна Соколова")
    );
    // A parent handles nothing.
    let refused = parent
        .admin(&AdminRequest::Reports { open_only: true })
        .await
        .expect_err("parents handle no reports");
    assert!(
        matches!(refused, parta_client::Error::Server { status: 403, .. }),
        "{refused:?}"
    );
    for s in [teacher, parent, other] {
        s.stop().await;
    }
    server.stop().await.unwrap();
}
