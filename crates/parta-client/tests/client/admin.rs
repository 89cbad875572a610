//! Every administrative request of the app's Администрирование section, through the client
//! core against a real demo server: what the platform administrator does, and what the
//! server refuses a class teacher.

use parta_client::account::{InviteForm, JoinAnswer, SchoolServer};
use parta_client::api::ApiClient;
use parta_client::error::Error;
use parta_client::secrets::Sensitive;
use parta_model::school::{
    AdminReply, AdminRequest, Assignment, InviteStatus, JoinStatus, Move, NewClass, NewInvite,
    NewRestriction, RestrictionMode, Role,
};

use crate::common::{loopback, start_server, token};

async fn admin(api: &ApiClient, request: AdminRequest) -> AdminReply {
    api.admin(&request)
        .await
        .unwrap_or_else(|e| panic!("{request:?}: {e}"))
}

fn parent_invite(class_id: i64) -> NewInvite {
    NewInvite {
        role: Role::Parent,
        class_id: Some(class_id),
        child_name: None,
        parent_id: None,
        note: Some("Родители 5А".into()),
        expires_in_hours: Some(48),
        max_uses: Some(2),
    }
}

/// Joins by `code` as a newcomer; returns the pending request's id.
async fn join(url: &str, code: &str, login: &str) -> JoinAnswer {
    SchoolServer::new(url)
        .unwrap()
        .redeem(&InviteForm {
            code: code.to_owned(),
            first_name: "Ольга".into(),
            last_name: Some("Новикова".into()),
            child_name: Some("Новиков Илья".into()),
            login: login.into(),
            password: Sensitive::new("пароль-родителя".into()),
            device_name: "test".into(),
            consent_personal_data: true,
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn the_platform_administrator_runs_the_school_through_the_client_core() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("school.sqlite"), loopback()).await;
    let api = ApiClient::new(&server.url(), token(&server, "i.kuznetsova").await).unwrap();

    // Classes: a new one, with a class teacher.
    let AdminReply::Classes(classes) = admin(&api, AdminRequest::Classes).await else {
        panic!("classes")
    };
    let class_5a = classes.iter().find(|c| c.name == "5А").unwrap().id;
    let AdminReply::Class(class) = admin(
        &api,
        AdminRequest::CreateClass {
            class: NewClass {
                name: "6 в".into(),
                class_teacher_id: None,
            },
        },
    )
    .await
    else {
        panic!("class")
    };
    assert_eq!(class.name, "6В", "names are normalized");
    let AdminReply::People(people) = admin(&api, AdminRequest::People).await else {
        panic!("people")
    };
    let volkov = people.iter().find(|p| p.name.contains("Волков")).unwrap();
    let AdminReply::Class(class) = admin(
        &api,
        AdminRequest::AssignTeacher {
            class_id: class.id,
            assignment: Assignment {
                user_id: volkov.user_id,
                class_teacher: true,
            },
        },
    )
    .await
    else {
        panic!("assigned")
    };
    assert_eq!(class.class_teacher.map(|p| p.user_id), Some(volkov.user_id));

    // Invites: created with a link, listed as unused, revoked.
    let AdminReply::Created(created) = admin(
        &api,
        AdminRequest::CreateInvite {
            invite: parent_invite(class_5a),
        },
    )
    .await
    else {
        panic!("created")
    };
    assert!(
        created.link.starts_with("parta://join/"),
        "{}",
        created.link
    );
    assert_eq!(created.invite.status, InviteStatus::Unused);
    let AdminReply::Invite(revoked) = admin(
        &api,
        AdminRequest::RevokeInvite {
            invite_id: created.invite.id,
        },
    )
    .await
    else {
        panic!("revoked")
    };
    assert_eq!(revoked.status, InviteStatus::Revoked);

    // Join requests: one approved, one rejected with a reason the requester reads.
    let AdminReply::Created(second) = admin(
        &api,
        AdminRequest::CreateInvite {
            invite: parent_invite(class_5a),
        },
    )
    .await
    else {
        panic!("created")
    };
    let first = join(&server.url(), &second.code, "o.novikova").await;
    let other = join(&server.url(), &second.code, "o.novikova2").await;
    let AdminReply::JoinRequests(pending) =
        admin(&api, AdminRequest::JoinRequests { pending_only: true }).await
    else {
        panic!("requests")
    };
    assert_eq!(pending.len(), 2, "{pending:?}");
    let AdminReply::JoinRequest(approved) = admin(
        &api,
        AdminRequest::Approve {
            request_id: pending[0].id,
        },
    )
    .await
    else {
        panic!("approved")
    };
    assert_eq!(approved.status, JoinStatus::Approved);
    let AdminReply::JoinRequest(rejected) = admin(
        &api,
        AdminRequest::Reject {
            request_id: pending[1].id,
            reason: "Такого ребёнка нет в классе".into(),
        },
    )
    .await
    else {
        panic!("rejected")
    };
    assert_eq!(rejected.status, JoinStatus::Rejected);
    let account = SchoolServer::new(&server.url()).unwrap();
    let mut outcomes = Vec::new();
    for answer in [first, other] {
        let JoinAnswer::Pending {
            request_token: Some(request_token),
            ..
        } = answer
        else {
            panic!("the school reviews newcomers: {answer:?}")
        };
        outcomes.push(account.join_status(&request_token).await.unwrap());
    }
    assert!(
        matches!(outcomes[0], JoinAnswer::Joined { .. }),
        "{:?}",
        outcomes[0]
    );
    assert!(
        matches!(&outcomes[1], JoinAnswer::Rejected { reason } if reason.contains("ребёнка")),
        "the requester reads the reason: {:?}",
        outcomes[1]
    );

    // People: the newcomer is there with her child; moved to 6В, restricted, lifted, removed.
    let AdminReply::People(people) = admin(&api, AdminRequest::People).await else {
        panic!("people")
    };
    let novikova = people
        .iter()
        .find(|p| p.name == "Ольга Новикова")
        .unwrap()
        .clone();
    assert_eq!(
        novikova.classes[0].child_name.as_deref(),
        Some("Новиков Илья")
    );
    admin(
        &api,
        AdminRequest::MoveChild {
            user_id: novikova.user_id,
            movement: Move {
                from_class_id: class_5a,
                to_class_id: class.id,
                child_name: None,
            },
        },
    )
    .await;
    let AdminReply::Restriction(restriction) = admin(
        &api,
        AdminRequest::Restrict {
            user_id: novikova.user_id,
            restriction: NewRestriction {
                mode: RestrictionMode::ReadOnly,
                reason: "Нарушение правил общения (п. 9.2)".into(),
                days: 7,
            },
        },
    )
    .await
    else {
        panic!("restricted")
    };
    assert_eq!(restriction.mode, RestrictionMode::ReadOnly);
    let AdminReply::People(people) = admin(&api, AdminRequest::People).await else {
        panic!("people")
    };
    let now = people
        .iter()
        .find(|p| p.user_id == novikova.user_id)
        .unwrap();
    assert_eq!(now.classes[0].class_name, "6В", "moved with her child");
    assert!(now.restriction.is_some());
    admin(
        &api,
        AdminRequest::LiftRestriction {
            user_id: novikova.user_id,
        },
    )
    .await;
    admin(
        &api,
        AdminRequest::ChangeRole {
            user_id: volkov.user_id,
            role: Role::Administration,
        },
    )
    .await;
    admin(
        &api,
        AdminRequest::RemovePerson {
            user_id: novikova.user_id,
        },
    )
    .await;
    let AdminReply::People(people) = admin(&api, AdminRequest::People).await else {
        panic!("people")
    };
    assert!(people.iter().all(|p| p.user_id != novikova.user_id));
    assert_eq!(
        people
            .iter()
            .find(|p| p.user_id == volkov.user_id)
            .unwrap()
            .role,
        Role::Administration
    );

    // The structure: 6В gets its parents' chat; the audit log has every step above.
    let AdminReply::Structure(report) = admin(&api, AdminRequest::Bootstrap).await else {
        panic!("structure")
    };
    assert!(
        report
            .chats
            .iter()
            .any(|c| c.created && c.title == "6В — родители")
    );
    let AdminReply::Audit(page) = admin(
        &api,
        AdminRequest::Audit {
            before: None,
            filter: Default::default(),
        },
    )
    .await
    else {
        panic!("audit")
    };
    let actions: Vec<&str> = page.entries.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "class.created",
        "class.teacher_assigned",
        "invite.created",
        "invite.revoked",
        "join_request.approved",
        "join_request.rejected",
        "user.moved",
        "user.restricted",
        "user.restriction_lifted",
        "user.role_changed",
        "user.removed",
        "structure.bootstrapped",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_class_teacher_is_refused_what_is_not_hers_with_the_servers_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("school.sqlite"), loopback()).await;
    let api = ApiClient::new(&server.url(), token(&server, "a.sokolova").await).unwrap();
    for request in [
        AdminRequest::People,
        AdminRequest::Bootstrap,
        AdminRequest::Audit {
            before: None,
            filter: Default::default(),
        },
    ] {
        match api.admin(&request).await {
            Err(Error::Server { status, .. }) => assert_eq!(status, 403, "{request:?}"),
            other => panic!("{request:?} must be refused: {other:?}"),
        }
    }
    // Her own class's invites she may manage.
    let AdminReply::Invites(_) = admin(&api, AdminRequest::Invites).await else {
        panic!("invites")
    };
    server.stop().await.unwrap();
}
