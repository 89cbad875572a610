//! Classes ("5А") and the teachers assigned to them (procedure 4.1: the platform administrator
//! distributes teachers across classes).

pub use parta_model::school::{Assignment, Class, NewClass, Person};

use crate::audit;
use crate::context::{Caller, School};
use crate::error::{Error, Result};
use crate::membership;
use crate::roles::{self, Action, Grant};
use crate::store::people::NameRecord;
use crate::store::prelude::*;
use crate::store::school::ClassRecord;

/// Longest class name.
pub const MAX_NAME_CHARS: usize = 20;

/// Normalizes a class name: trimmed, inner spaces removed, letters upper-case ("5 а" -> "5А").
pub fn normalize_name(name: &str) -> Result<String> {
    let name: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::bad_request(format!(
            "A class name must be 1 to {MAX_NAME_CHARS} characters, such as 5А"
        )));
    }
    Ok(name)
}

fn person_of(record: NameRecord) -> Person {
    Person {
        user_id: record.user_id,
        name: crate::users::person_name(&record.first_name, record.last_name.as_deref()),
    }
}

/// A class with its people.
async fn class_of(tx: &mut dyn Tx, record: ClassRecord) -> Result<Class> {
    let class_teacher = match record.class_teacher_id {
        Some(id) => tx.names(id).await?.map(person_of),
        None => None,
    };
    let teachers = tx
        .class_teachers(record.id)
        .await?
        .into_iter()
        .map(person_of)
        .collect();
    Ok(Class {
        id: record.id,
        name: record.name,
        class_teacher,
        teachers,
        chat_id: record.chat_id,
        parents: record.parents,
    })
}

async fn class_on(tx: &mut dyn Tx, class_id: i64) -> Result<Class> {
    let record = tx
        .class(class_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Class {class_id} not found")))?;
    class_of(tx, record).await
}

/// Classes by name: staff see all; a parent sees the classes of their children.
pub async fn list(school: &School, caller: Caller) -> Result<Vec<Class>> {
    let mut tx = school.read().await?;
    let records = if roles::require(caller.role, Action::ViewClasses)? != Grant::School {
        tx.classes_of_member(caller.user_id).await?
    } else {
        tx.classes().await?
    };
    let mut classes = Vec::with_capacity(records.len());
    for record in records {
        classes.push(class_of(&mut *tx, record).await?);
    }
    Ok(classes)
}

/// Fails unless `user_id` exists and is staff (only staff teach classes).
pub(crate) async fn require_staff(tx: &mut dyn Tx, user_id: i64) -> Result<()> {
    let person = tx
        .person(user_id)
        .await?
        .ok_or_else(|| Error::not_found(format!("User {user_id} not found")))?;
    if !person.role.is_staff() {
        return Err(Error::bad_request(format!(
            "User {user_id} is a parent and cannot teach a class"
        )));
    }
    Ok(())
}

/// Creates a class (optionally with its class teacher).
pub async fn create(school: &School, caller: Caller, new: NewClass) -> Result<Class> {
    roles::require(caller.role, Action::ManageClasses)?;
    let name = normalize_name(&new.name)?;
    let mut tx = school.begin().await?;
    if let Some(teacher) = new.class_teacher_id {
        require_staff(&mut *tx, teacher).await?;
    }
    if tx.class_name_taken(&name).await? {
        return Err(Error::conflict(format!("Class {name} already exists")));
    }
    let id = tx
        .insert_class(&name, new.class_teacher_id, school.now_ms())
        .await?;
    if let Some(teacher) = new.class_teacher_id {
        tx.add_class_teacher(id, teacher).await?;
    }
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "class.created",
        &format!("class:{id}"),
        serde_json::json!({"name": name, "class_teacher_id": new.class_teacher_id}),
    )
    .await?;
    let class = class_on(&mut *tx, id).await?;
    school.commit(tx).await?;
    Ok(class)
}

/// Assigns a teacher to a class (and makes them class teacher if asked); the teacher joins the
/// class's parents' chat, and long polls hear of it.
pub async fn assign(
    school: &School,
    caller: Caller,
    class_id: i64,
    assignment: Assignment,
) -> Result<Class> {
    roles::require(caller.role, Action::ManageClasses)?;
    let mut tx = school.begin().await?;
    class_on(&mut *tx, class_id).await?;
    require_staff(&mut *tx, assignment.user_id).await?;
    tx.add_class_teacher(class_id, assignment.user_id).await?;
    if assignment.class_teacher {
        tx.set_class_teacher(class_id, assignment.user_id).await?;
    }
    membership::sync_user(
        &mut *tx,
        school.clock(),
        assignment.user_id,
        Some(caller.user_id),
    )
    .await?;
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "class.teacher_assigned",
        &format!("class:{class_id}"),
        serde_json::json!({"user_id": assignment.user_id, "class_teacher": assignment.class_teacher}),
    )
    .await?;
    let class = class_on(&mut *tx, class_id).await?;
    school.commit(tx).await?;
    Ok(class)
}

/// Removes a teacher from a class (the class teacher too, if it was them). Chat membership is
/// left alone: the teacher may still need the history; an admin removes them from the chat.
pub async fn unassign(
    school: &School,
    caller: Caller,
    class_id: i64,
    user_id: i64,
) -> Result<Class> {
    roles::require(caller.role, Action::ManageClasses)?;
    let mut tx = school.begin().await?;
    class_on(&mut *tx, class_id).await?;
    if !tx.remove_class_teacher(class_id, user_id).await? {
        return Err(Error::not_found(format!(
            "User {user_id} is not assigned to class {class_id}"
        )));
    }
    audit::record(
        &mut *tx,
        school.clock(),
        Some(caller.user_id),
        "class.teacher_unassigned",
        &format!("class:{class_id}"),
        serde_json::json!({"user_id": user_id}),
    )
    .await?;
    let class = class_on(&mut *tx, class_id).await?;
    school.commit(tx).await?;
    Ok(class)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_are_normalized_so_5a_is_one_class() {
        assert_eq!(normalize_name(" 5 а ").ok().as_deref(), Some("5А"));
        assert_eq!(normalize_name("11б").ok().as_deref(), Some("11Б"));
        assert!(normalize_name("   ").is_err());
        assert!(normalize_name(&"5".repeat(MAX_NAME_CHARS + 1)).is_err());
    }
}
