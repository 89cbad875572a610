//! The procedure's roles (4.1-4.5) and the permission matrix every `/school/*` write obeys.
//!
//! The matrix is written down for people in docs/permissions.md; a test reads that table and
//! fails if it and [`grant`] ever disagree, so the document cannot drift from the code.

pub use parta_model::school::Role;

use crate::error::{Error, ErrorCode, Result};

/// The role with a stored or wire name; a 400 naming it otherwise.
pub fn parse_role(name: &str) -> Result<Role> {
    Role::from_name(name).ok_or_else(|| Error::bad_request(format!("Unknown role '{name}'")))
}

/// Something a person may or may not do through `/school/*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Create classes and assign teachers and class teachers to them (4.1).
    ManageClasses,
    /// Create the school's chats in one step (4.1, 4.2).
    BootstrapStructure,
    /// Invite staff: administration, class teachers, teachers (4.1).
    InviteStaff,
    /// Invite parents of a class (4.1; a class teacher for the own class, 4.3).
    InviteParents,
    /// Invite pupils of a class, each with the parent who answers for them (4.1).
    InvitePupils,
    /// See invites and revoke them (4.1: revoke unclaimed links).
    ManageInvites,
    /// Approve or reject join requests (4.1).
    ReviewJoinRequests,
    /// Sign out all devices of another person (8.2: a lost or shared login).
    RevokeOthersDevices,
    /// Read the audit log (4.2 oversight).
    ReadAuditLog,
    /// See the list of classes with their teachers.
    ViewClasses,
    /// See other people's phone numbers and e-mail addresses (8.3).
    SeeContactDetails,
    /// Change school-wide settings, such as whether newcomers wait for approval.
    ManageSettings,
    /// Restrict a person to reading, or block them, with a reason and an end date (9.2).
    RestrictUsers,
    /// Post an announcement that parents acknowledge ("Ознакомлен") in a chat one belongs to.
    PostAnnouncements,
    /// Move a parent's child between classes, remove a person from the school (4.1).
    ManageMembers,
    /// Change a staff member's role: appoint or stand down administrators (4.1).
    AppointAdmins,
    /// Plan, move and cancel online lessons (3.1, 6.3): teachers those of the classes they
    /// teach.
    ManageLessons,
    /// Carry the school's MAX chats into Parta chats through the school's bot, or stop it.
    LinkMaxChats,
    /// Issue a one-time code to a person who forgot their password (8.2).
    ResetPasswords,
    HandleReports,
    StartDialogs,
    CreateChats,
    OverseeChats,
}

impl Action {
    /// Every action, in the order of docs/permissions.md.
    pub const ALL: [Action; 23] = [
        Action::ManageClasses,
        Action::BootstrapStructure,
        Action::InviteStaff,
        Action::InviteParents,
        Action::InvitePupils,
        Action::ManageInvites,
        Action::ReviewJoinRequests,
        Action::RevokeOthersDevices,
        Action::ReadAuditLog,
        Action::ViewClasses,
        Action::SeeContactDetails,
        Action::ManageSettings,
        Action::RestrictUsers,
        Action::PostAnnouncements,
        Action::ManageMembers,
        Action::AppointAdmins,
        Action::ManageLessons,
        Action::LinkMaxChats,
        Action::ResetPasswords,
        Action::HandleReports,
        Action::StartDialogs,
        Action::CreateChats,
        Action::OverseeChats,
    ];

    /// The name used in docs/permissions.md.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ManageClasses => "manage_classes",
            Action::BootstrapStructure => "bootstrap_structure",
            Action::InviteStaff => "invite_staff",
            Action::InviteParents => "invite_parents",
            Action::InvitePupils => "invite_pupils",
            Action::ManageInvites => "manage_invites",
            Action::ReviewJoinRequests => "review_join_requests",
            Action::RevokeOthersDevices => "revoke_others_devices",
            Action::ReadAuditLog => "read_audit_log",
            Action::ViewClasses => "view_classes",
            Action::SeeContactDetails => "see_contact_details",
            Action::ManageSettings => "manage_settings",
            Action::RestrictUsers => "restrict_users",
            Action::PostAnnouncements => "post_announcements",
            Action::ManageMembers => "manage_members",
            Action::AppointAdmins => "appoint_admins",
            Action::ManageLessons => "manage_lessons",
            Action::LinkMaxChats => "link_max_chats",
            Action::ResetPasswords => "reset_passwords",
            Action::HandleReports => "handle_reports",
            Action::StartDialogs => "start_dialogs",
            Action::CreateChats => "create_chats",
            Action::OverseeChats => "oversee_chats",
        }
    }
}

/// How far a role may perform an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Anywhere in the school.
    School,
    /// Only for the person's own classes: those they are class teacher of, or for a parent
    /// those of their children.
    OwnClass,
    /// Not at all.
    Denied,
}

impl Grant {
    /// The cell text in docs/permissions.md.
    pub fn as_str(self) -> &'static str {
        match self {
            Grant::School => "yes",
            Grant::OwnClass => "own class",
            Grant::Denied => "no",
        }
    }
}

/// The permission matrix: what `role` may do of `action`.
pub fn grant(role: Role, action: Action) -> Grant {
    use Action::*;
    use Grant::*;
    use Role::*;
    match (role, action) {
        (PlatformAdmin, _) => School,
        // The administration oversees and appoints (4.2), but building the school's structure
        // and inviting are the platform administrator's job (4.1).
        (Administration, BootstrapStructure | InviteStaff | AppointAdmins) => Denied,
        (Administration, _) => School,
        (ClassTeacher, InviteParents | InvitePupils | ManageInvites | ReviewJoinRequests) => {
            OwnClass
        }
        (ClassTeacher | Teacher, ManageLessons) => OwnClass,
        // In the chats they administer (their class's chats, chats they created).
        (ClassTeacher | Teacher, HandleReports) => OwnClass,
        // Staff among themselves, and the parents of the classes they teach.
        (ClassTeacher | Teacher, StartDialogs) => OwnClass,
        // Other chats of her class's parents and staff, e.g. the parents' committee (4.3).
        (ClassTeacher, CreateChats) => OwnClass,
        (ClassTeacher | Teacher, ViewClasses | SeeContactDetails | PostAnnouncements) => School,
        (ClassTeacher | Teacher, _) => Denied,
        (Parent, ViewClasses | StartDialogs) => OwnClass,
        (Parent, _) => Denied,
        // A pupil sees their class and writes to its teachers; nothing else (4.1).
        (Pupil, ViewClasses | StartDialogs) => OwnClass,
        (Pupil, _) => Denied,
    }
}

/// Fails with 403 unless `role` may perform `action` at least somewhere; returns how far.
pub fn require(role: Role, action: Action) -> Result<Grant> {
    match grant(role, action) {
        Grant::Denied => Err(Error::api(
            ErrorCode::AccessDenied,
            format!(
                "A {} may not {}",
                role.as_str().replace('_', " "),
                action.as_str().replace('_', " ")
            ),
        )),
        granted => Ok(granted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(crate::roles::parse_role(role.as_str()).ok(), Some(role));
        }
        assert!(crate::roles::parse_role("director").is_err());
    }

    #[test]
    fn clause_4_5_parents_administer_nothing() {
        for action in Action::ALL {
            // Seeing their children's classes and writing to their teachers is not running
            // anything.
            let expected = if matches!(action, Action::ViewClasses | Action::StartDialogs) {
                Grant::OwnClass
            } else {
                Grant::Denied
            };
            assert_eq!(grant(Role::Parent, action), expected, "{action:?}");
        }
    }

    #[test]
    fn clause_4_1_pupils_administer_nothing_and_see_no_contacts() {
        for action in Action::ALL {
            let expected = if matches!(action, Action::ViewClasses | Action::StartDialogs) {
                Grant::OwnClass
            } else {
                Grant::Denied
            };
            assert_eq!(grant(Role::Pupil, action), expected, "{action:?}");
        }
    }

    #[test]
    fn clause_4_1_the_platform_admin_may_do_everything() {
        for action in Action::ALL {
            assert_eq!(grant(Role::PlatformAdmin, action), Grant::School);
        }
    }
}
