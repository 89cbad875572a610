//! Private conversations (procedure 2.5: feedback between a teacher and a parent): MAX's
//! `dialog` chats of two people, one per pair.
//!
//! Who may start one (`start_dialogs` in docs/permissions.md): the administration anyone;
//! a teacher any member of staff and the parents of the classes they teach; a parent the
//! teachers of their children's classes. A conversation that exists is open to both of its
//! people whoever started it. The school's policy applies in it as in groups (as `direct`, or
//! `direct_class_teacher` between a parent and their child's class teacher), and so do
//! restrictions (9.2).

use parta_model::max::Chat;

use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::restrictions;
use crate::roles::{self, Action, Grant, Role};
use crate::store::chats::NewChat;
use crate::store::prelude::*;
use crate::users::person_name;

/// The private conversation of the caller and `user_id`: the one they have, or a new one if the
/// caller may start it.
pub async fn open(school: &School, caller: Caller, user_id: i64) -> Result<Chat> {
    if user_id == caller.user_id {
        return Err(Error::bad_request(
            "A private conversation needs someone else",
        ));
    }
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    restrictions::enforce_write(&mut *tx, school.clock(), caller.user_id).await?;
    let target = tx
        .person(user_id)
        .await?
        .filter(|p| !p.removed)
        .ok_or_else(|| Error::not_found(format!("User {user_id} not found")))?;
    let chat_id = match tx.dialog_between(caller.user_id, user_id).await? {
        Some(chat_id) => chat_id,
        None => {
            let kind = kind_for(&mut *tx, caller, user_id, target.role).await?;
            let me = tx
                .names(caller.user_id)
                .await?
                .ok_or_else(|| Error::not_found("You are not in the school's list"))?;
            let title = format!(
                "{} · {}",
                person_name(&me.first_name, me.last_name.as_deref()),
                person_name(&target.user.first_name, target.user.last_name.as_deref())
            );
            let chat_id = tx
                .insert_chat(NewChat {
                    kind,
                    title: &title,
                    description: "",
                    owner_id: None,
                    class_id: None,
                    created_at: now,
                })
                .await?;
            tx.insert_dialog(caller.user_id, user_id, chat_id).await?;
            for (member, inviter) in [(caller.user_id, None), (user_id, Some(caller.user_id))] {
                tx.add_member(chat_id, member, false, now).await?;
                crate::members::announce_added(&mut *tx, chat_id, member, inviter, now).await?;
            }
            chat_id
        }
    };
    let chat = crate::chats::seen_on(&mut *tx, caller, chat_id).await?;
    school.commit(tx).await?;
    Ok(chat)
}

/// Whether the caller may start a conversation with `user_id` (of `role`), and its kind for
/// the school's policy.
async fn kind_for(
    tx: &mut dyn Tx,
    caller: Caller,
    user_id: i64,
    role: Role,
) -> Result<&'static str> {
    let grant = roles::require(caller.role, Action::StartDialogs)?;
    // Parents and pupils: the families the school serves.
    let family = |r: Role| matches!(r, Role::Parent | Role::Pupil);
    let refuse = || {
        Err(Error::denied(
            "You may write privately to the teachers of your child's class (a pupil: of your \
             class), and teachers to the parents and pupils of the classes they teach",
        ))
    };
    match (caller.role, role) {
        // Between a family member and a teacher: the teacher must teach one of their classes.
        (f, r) | (r, f) if family(f) && !family(r) => {
            let (member, teacher) = if family(caller.role) {
                (caller.user_id, user_id)
            } else {
                (user_id, caller.user_id)
            };
            let Teaching {
                class_teacher,
                teaches,
            } = teaching(tx, teacher, member).await?;
            if class_teacher {
                Ok("direct_class_teacher")
            } else if teaches || (grant == Grant::School && !family(caller.role)) {
                Ok("direct")
            } else {
                refuse()
            }
        }
        // Families do not write to each other (8.3: parents never see other parents'
        // contacts; a pupil never reaches a parent or another pupil privately).
        _ if family(caller.role) && family(role) => refuse(),
        // Staff among themselves.
        _ => Ok("direct"),
    }
}

/// How a teacher stands to the classes of a parent (their children's) or a pupil (their own).
pub(crate) struct Teaching {
    /// The class teacher of one of them.
    pub class_teacher: bool,
    /// Teaches one of them (class teachers included).
    pub teaches: bool,
}

/// Whether `teacher` teaches (or is class teacher of) a class `member` has a child in or is a
/// pupil of.
pub(crate) async fn teaching(tx: &mut dyn Tx, teacher: i64, member: i64) -> Result<Teaching> {
    let mut found = Teaching {
        class_teacher: false,
        teaches: false,
    };
    for class in tx.classes_of_member(member).await? {
        if class.class_teacher_id == Some(teacher) {
            found.class_teacher = true;
            found.teaches = true;
        } else if tx
            .class_teachers(class.id)
            .await?
            .iter()
            .any(|t| t.user_id == teacher)
        {
            found.teaches = true;
        }
    }
    Ok(found)
}
