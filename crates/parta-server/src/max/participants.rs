//! The people who write from MAX: each a Parta user with MAX's name, no login and no phone (a
//! parent's rights), made when they first write or join, and a member of the linked chat.

use parta_model::max::{Update, User};

use crate::error::Result;
use crate::store::bridge::MaxLinkRecord;
use crate::store::prelude::*;
use crate::updates;

/// The Parta user standing for a MAX user, made if they are new; their names follow MAX's.
pub async fn person(tx: &mut dyn Tx, user: &User, now: i64) -> Result<i64> {
    let last = user.last_name.as_deref().filter(|l| !l.is_empty());
    Ok(match tx.max_person(user.user_id).await? {
        Some(person) => {
            tx.set_names(person, &user.first_name, last).await?;
            person
        }
        None => {
            tx.insert_max_person(user.user_id, &user.first_name, last, now)
                .await?
        }
    })
}

/// [`person`], made a member of the linked chat (with the `user_added` members see) if they
/// were not one.
pub async fn participant(
    tx: &mut dyn Tx,
    link: &MaxLinkRecord,
    user: &User,
    now: i64,
) -> Result<i64> {
    let person = person(tx, user, now).await?;
    if tx.add_member(link.chat_id, person, false, now).await? {
        let update = Update::UserAdded {
            timestamp: now,
            chat_id: link.chat_id,
            user: crate::users::user_on(tx, person).await?,
            inviter_id: None,
            is_channel: false,
        };
        updates::append(tx, link.chat_id, &update, now).await?;
    }
    Ok(person)
}
