//! People: the caller's own profile (`GET /me`) and how others see a person (`/school/people`).

use parta_model::max::{BotInfo, User};
pub use parta_model::school::{Contacts, Profile};

use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::roles::{self, Action, Grant, Role};
use crate::store::prelude::*;

/// A person as MAX's `User`, with their role and whether they left the school: the one place
/// that reads a person for an update or a check.
pub async fn person_on(tx: &mut dyn Tx, user_id: i64) -> Result<(User, Role, bool)> {
    let person = tx
        .person(user_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("User {user_id} not found")))?;
    Ok((person.user, person.role, person.removed))
}

/// A person as MAX's `User`.
pub async fn user_on(tx: &mut dyn Tx, user_id: i64) -> Result<User> {
    Ok(person_on(tx, user_id).await?.0)
}

/// The caller as MAX's `BotInfo`: for a personal token, "the bot" is the person.
pub async fn me(school: &School, caller: Caller) -> Result<BotInfo> {
    let person = school
        .read()
        .await?
        .person(caller.user_id)
        .await?
        .ok_or_else(|| Error::not_found("User not found"))?;
    Ok(BotInfo {
        user: person.user,
        description: None,
        avatar_url: None,
        full_avatar_url: None,
    })
}

/// Longest phone number or e-mail address accepted.
pub const MAX_CONTACT_CHARS: usize = 100;

fn clean_contact(value: Option<String>, what: &str) -> Result<Option<String>> {
    match value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() > MAX_CONTACT_CHARS => Err(Error::bad_request(format!(
            "The {what} is too long: at most {MAX_CONTACT_CHARS} characters"
        ))),
        Some(v) if what == "e-mail address" && !v.contains('@') => {
            Err(Error::bad_request("The e-mail address needs an @"))
        }
        other => Ok(other),
    }
}

/// Sets the caller's own phone number and e-mail address (empty clears them).
pub async fn set_contacts(school: &School, caller: Caller, contacts: Contacts) -> Result<Profile> {
    let phone = clean_contact(contacts.phone, "phone number")?;
    let email = clean_contact(contacts.email, "e-mail address")?;
    school
        .read()
        .await?
        .set_contacts(caller.user_id, phone.as_deref(), email.as_deref())
        .await?;
    profile(school, caller, caller.user_id).await
}

/// Another person's profile, if the caller shares a chat with them or is staff.
pub async fn profile(school: &School, caller: Caller, user_id: i64) -> Result<Profile> {
    let mut tx = school.read().await?;
    let visible = caller.user_id == user_id
        || caller.role.is_staff()
        || tx.share_a_chat(caller.user_id, user_id).await?;
    let record = tx.profile(user_id).await?;
    let Some(record) = record.filter(|_| visible) else {
        return Err(Error::not_found(format!("User {user_id} not found")));
    };
    let contacts = caller.user_id == user_id
        || roles::grant(caller.role, Action::SeeContactDetails) != Grant::Denied;
    Ok(Profile {
        user_id,
        name: crate::users::person_name(&record.first_name, record.last_name.as_deref()),
        role: record.role,
        phone: record.phone.filter(|_| contacts),
        email: record.email.filter(|_| contacts),
    })
}

pub(crate) fn person_name(first: &str, last: Option<&str>) -> String {
    match last {
        Some(last) if !last.is_empty() => format!("{first} {last}"),
        _ => first.to_owned(),
    }
}
