//! The school's people as administrators edit them (procedure 4.1: "edits membership when the
//! school's people change", "appoints additional administrators"): change a person's role,
//! move a parent's child to another class, remove a person from the school. Chat membership
//! follows each change, with `user_added`/`user_removed` updates in the same transaction.

use parta_model::max::{Update, User};
pub use parta_model::school::{ClassLink, Move, RoleChange, SchoolPerson};

use crate::audit;
use crate::clock::Clock;
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::membership;
use crate::roles::{self, Action, Role};
use crate::store::prelude::*;
use crate::updates;

/// A person still at the school (a removed one is "not found").
async fn person(tx: &mut dyn Tx, user_id: i64) -> Result<(User, Role)> {
    match crate::users::person_on(tx, user_id).await? {
        (_, _, true) => Err(Error::not_found(format!("User {user_id} not found"))),
        (user, role, false) => Ok((user, role)),
    }
}

/// Takes `user` out of `chat_id`, telling the chat.
async fn leave(
    tx: &mut dyn Tx,
    clock: &dyn Clock,
    user: &User,
    chat_id: i64,
    admin: i64,
) -> Result<()> {
    if tx.remove_member(chat_id, user.user_id).await? {
        let now = clock.now_ms();
        let update = Update::UserRemoved {
            timestamp: now,
            chat_id,
            user: user.clone(),
            admin_id: Some(admin),
            is_channel: false,
        };
        updates::append(tx, chat_id, &update, now).await?;
    }
    Ok(())
}

/// Changes a person's role among the staff roles (appointing or standing down an
/// administrator). Parents become staff only through an invite.
pub async fn change_role(
    school: &School,
    caller: Caller,
    user_id: i64,
    change: RoleChange,
) -> Result<()> {
    roles::require(caller.role, Action::AppointAdmins)?;
    if user_id == caller.user_id {
        return Err(Error::bad_request("You cannot change your own role"));
    }
    let mut tx = school.begin().await?;
    let (_, old) = person(&mut *tx, user_id).await?;
    if !old.is_staff() || !change.role.is_staff() {
        return Err(Error::bad_request(
            "Roles change among the school's staff; a parent joins the staff by an invite",
        ));
    }
    tx.set_role(user_id, change.role).await?;
    membership::sync_user(&mut *tx, school.clock(), user_id, Some(caller.user_id)).await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "user.role_changed",
        &format!("user:{user_id}"),
        serde_json::json!({"from": old, "to": change.role}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(())
}

/// Moves a parent's child, or a pupil, from one class to another: the parent leaves the old
/// class's parents' chat (unless another child keeps them there), the pupil its pupils' chat,
/// and joins the new one.
pub async fn move_child(
    school: &School,
    caller: Caller,
    user_id: i64,
    movement: Move,
) -> Result<()> {
    roles::require(caller.role, Action::ManageMembers)?;
    let mut tx = school.begin().await?;
    let (user, role) = person(&mut *tx, user_id).await?;
    if !matches!(role, Role::Parent | Role::Pupil) {
        return Err(Error::bad_request(
            "Only pupils and parents with their children move; assign teachers to classes instead",
        ));
    }
    if tx.class(movement.to_class_id).await?.is_none() {
        return Err(Error::not_found(format!(
            "Class {} not found",
            movement.to_class_id
        )));
    }
    if role == Role::Pupil {
        if !tx
            .move_pupil(movement.from_class_id, movement.to_class_id, user_id)
            .await?
        {
            return Err(Error::not_found("This pupil is not in that class"));
        }
        if let Some((chat_id, _)) = tx
            .chat_by_kind("class_pupils", Some(movement.from_class_id))
            .await?
        {
            leave(&mut *tx, school.clock(), &user, chat_id, caller.user_id).await?;
        }
        return moved(school, tx, caller, user_id, movement).await;
    }
    let children = tx.children_in(movement.from_class_id, user_id).await?;
    let child = match (&movement.child_name, children.as_slice()) {
        (Some(name), _) if children.contains(name) => name.clone(),
        (Some(name), _) => {
            return Err(Error::not_found(format!(
                "{name} is not in that class with this parent"
            )));
        }
        (None, [only]) => only.clone(),
        (None, []) => {
            return Err(Error::not_found("This parent has no child in that class"));
        }
        (None, _) => {
            return Err(Error::bad_request(
                "This parent has several children there: name the child",
            ));
        }
    };
    tx.move_child(
        movement.from_class_id,
        movement.to_class_id,
        user_id,
        &child,
    )
    .await?;
    let still_there = !tx
        .children_in(movement.from_class_id, user_id)
        .await?
        .is_empty();
    if !still_there
        && let Some((chat_id, _)) = tx
            .chat_by_kind("class_parents", Some(movement.from_class_id))
            .await?
    {
        leave(&mut *tx, school.clock(), &user, chat_id, caller.user_id).await?;
    }
    moved(school, tx, caller, user_id, movement).await
}

/// After a move: the person joins the new class's chats, and the audit log says so.
async fn moved(
    school: &School,
    mut tx: Box<dyn Tx>,
    caller: Caller,
    user_id: i64,
    movement: Move,
) -> Result<()> {
    membership::sync_user(&mut *tx, school.clock(), user_id, Some(caller.user_id)).await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "user.moved",
        &format!("user:{user_id}"),
        serde_json::json!({"from": movement.from_class_id, "to": movement.to_class_id}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(())
}

/// Removes a person from the school: every device signed out, every chat left, class links
/// gone; their old messages stay, under their name.
pub async fn remove(school: &School, caller: Caller, user_id: i64) -> Result<()> {
    roles::require(caller.role, Action::ManageMembers)?;
    if user_id == caller.user_id {
        return Err(Error::bad_request("You cannot remove yourself"));
    }
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    let (user, role) = person(&mut *tx, user_id).await?;
    if role == Role::PlatformAdmin && caller.role != Role::PlatformAdmin {
        return Err(Error::denied(
            "Only a platform administrator removes a platform administrator",
        ));
    }
    for chat_id in tx.member_chat_ids(user_id).await? {
        leave(&mut *tx, school.clock(), &user, chat_id, caller.user_id).await?;
    }
    tx.unlink_from_classes(user_id).await?;
    tx.revoke_devices(user_id, now).await?;
    tx.mark_removed(user_id, now).await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "user.removed",
        &format!("user:{user_id}"),
        serde_json::json!({}),
    )
    .await?;
    school.commit(tx).await?;
    Ok(())
}

/// Everyone at the school with their role, classes and any restriction in force, by name (for
/// those who manage members; names only, never contact details).
pub async fn list(school: &School, caller: Caller) -> Result<Vec<SchoolPerson>> {
    roles::require(caller.role, Action::ManageMembers)?;
    let mut tx = school.read().await?;
    let people = tx.active_people().await?;
    let links = tx.class_links().await?;
    let mut restrictions: std::collections::HashMap<i64, _> = tx
        .restrictions(school.now_ms())
        .await?
        .into_iter()
        .map(|r| (r.user_id, r))
        .collect();
    Ok(people
        .into_iter()
        .map(|(names, role)| SchoolPerson {
            user_id: names.user_id,
            name: crate::users::person_name(&names.first_name, names.last_name.as_deref()),
            role,
            classes: links
                .iter()
                .filter(|l| l.user_id == names.user_id)
                .map(|l| ClassLink {
                    class_id: l.class_id,
                    class_name: l.class_name.clone(),
                    child_name: l.child_name.clone(),
                })
                .collect(),
            restriction: restrictions.remove(&names.user_id),
        })
        .collect())
}
