//! The Администрирование section's texts, in Russian and English.

use parta_model::school::{InviteStatus, JoinStatus, Role};

use super::Lang;

/// A text of the administration section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum A {
    Section,
    Title,
    Invites,
    Requests,
    People,
    Classes,
    Structure,
    Journal,
    Reports,
    Chats,
    NewInvite,
    Role,
    Class,
    ChildOptional,
    PupilParent,
    PupilNeedsParent,
    ParentIs,
    Note,
    ExpiresHours,
    MaxUses,
    Create,
    CopyLink,
    Copied,
    LinkOnce,
    Revoke,
    Until,
    UsesOf,
    NoInvites,
    PendingOnly,
    Approve,
    Reject,
    RejectReason,
    ReasonRequired,
    NoRequests,
    Child,
    Login,
    Move,
    ToClass,
    Remove,
    ResetPassword,
    ResetCodeFor,
    ResetCodeHint,
    ConfirmRemove,
    ChangeRole,
    Restrict,
    ReadOnly,
    Blocked,
    Days,
    Reason,
    Lift,
    RestrictedUntil,
    Apply,
    Cancel,
    NewClass,
    ClassName,
    ClassTeacher,
    Teachers,
    ParentsCount,
    AssignTeacher,
    AsClassTeacher,
    NotAssigned,
    StructureHint,
    Bootstrap,
    ChatCreated,
    ChatExisted,
    MembersAdded,
    Who,
    What,
    LoadMore,
    AnyPerson,
    AnyKind,
    KindPeople,
    KindInvites,
    KindRequests,
    KindClasses,
    KindChats,
    KindDevices,
    KindMax,
    KindSettings,
    Since,
    UpTo,
    Server,
    Failed,
    Forbidden,
    Loading,
    SwitchProfile,
    DemoAsAdmin,
    DemoAsTeacher,
    DemoAsParent,
    DemoAsPupil,
    Profiles,
    PickPerson,
    PickClass,
    Max,
    MaxHint,
    MaxNotConfigured,
    MaxUnreachable,
    MaxBot,
    MaxCannotRead,
    MaxLinkTo,
    MaxLink,
    MaxUnlink,
    MaxNoChats,
}

/// The text of `key` in `lang`.
pub fn ta(lang: Lang, key: A) -> &'static str {
    use A::*;
    match lang {
        Lang::Ru => match key {
            Section => "Управление",
            Title => "Администрирование",
            Invites => "Приглашения",
            Requests => "Заявки",
            People => "Люди",
            Classes => "Классы",
            Structure => "Структура",
            Journal => "Журнал",
            Reports => "Жалобы",
            Chats => "Чаты",
            Max => "MAX",
            MaxHint => {
                "Чаты школы в MAX, где бот школы — администратор. Свяжите чат MAX с чатом Парты: \
                 сообщения, правки, удаления, файлы и объявления пойдут в обе стороны. \
                 Связывается то, что написано после связи."
            }
            MaxNotConfigured => {
                "Бот MAX на сервере школы не настроен: см. docs/max-bridge.md (раздел [max] \
                 настроек сервера)."
            }
            MaxUnreachable => "MAX сейчас не отвечает; связи работают и дождутся его",
            MaxBot => "Бот",
            MaxCannotRead => {
                "Бот не видит сообщений этого чата: сделайте его в MAX администратором с правом \
                 «Читать все сообщения»"
            }
            MaxLinkTo => "Связать с чатом",
            MaxLink => "Связать",
            MaxUnlink => "Отвязать",
            MaxNoChats => "Бот пока не состоит ни в одном чате MAX",
            NewInvite => "Новое приглашение",
            Role => "Роль",
            Class => "Класс",
            ChildOptional => "Имя ребёнка (если знаете)",
            PupilParent => "Родитель, который отвечает за ученика",
            PupilNeedsParent => {
                "Сначала пригласите в Парту родителя ученика: он даёт согласие за ребёнка (п. 6.4)."
            }
            ParentIs => "родитель:",
            Note => "Заметка для себя",
            ExpiresHours => "Действует, часов",
            MaxUses => "Сколько раз можно использовать",
            Create => "Создать",
            CopyLink => "Скопировать ссылку",
            Copied => "Ссылка скопирована",
            LinkOnce => {
                "Ссылка и QR-код показываются один раз. Передайте их лично или в личном \
                 сообщении, не в общем чате (п. 4.1, 8.2)."
            }
            Revoke => "Отозвать",
            Until => "до",
            UsesOf => "использовано",
            NoInvites => "Приглашений пока нет.",
            PendingOnly => "Только ожидающие",
            Approve => "Принять",
            Reject => "Отклонить",
            RejectReason => "Причина отказа (её увидит заявитель)",
            ReasonRequired => "Укажите причину отказа: заявитель её увидит.",
            NoRequests => "Заявок нет.",
            Child => "Ребёнок",
            Login => "Логин",
            Move => "Перевести в другой класс",
            ToClass => "В класс",
            Remove => "Удалить из школы",
            ResetPassword => "Сбросить пароль",
            ResetCodeFor => "Код для нового пароля",
            ResetCodeHint => {
                "Передайте код лично (как приглашение): с ним человек задаст новый пароль в \
                 «Забыли пароль?». Код действует до"
            }
            ConfirmRemove => {
                "Удалить человека из школы? Он выйдет из всех чатов, все его устройства будут \
                 отключены. Его сообщения останутся."
            }
            ChangeRole => "Сменить роль",
            Restrict => "Ограничить",
            ReadOnly => "Только чтение",
            Blocked => "Полная блокировка",
            Days => "На сколько дней",
            Reason => "Причина (п. 9.2 порядка)",
            Lift => "Снять ограничение",
            RestrictedUntil => "Ограничен до",
            Apply => "Применить",
            Cancel => "Отмена",
            NewClass => "Новый класс",
            ClassName => "Название, например 5А",
            ClassTeacher => "Классный руководитель",
            Teachers => "Учителя",
            ParentsCount => "Родителей",
            AssignTeacher => "Назначить учителя",
            AsClassTeacher => "классным руководителем",
            NotAssigned => "не назначен",
            StructureHint => {
                "Создаёт недостающие чаты школы: чат учителей, чат каждого класса с \
                 родителями, чаты директора с педагогами и с родительским активом — и \
                 добавляет в них всех, кому там место. Повторный запуск ничего не дублирует."
            }
            Bootstrap => "Создать структуру школы",
            ChatCreated => "создан",
            ChatExisted => "уже был",
            MembersAdded => "Добавлено участников",
            Who => "Кто",
            What => "Что",
            LoadMore => "Показать ещё",
            AnyPerson => "Все люди",
            AnyKind => "Все действия",
            KindPeople => "Люди",
            KindInvites => "Приглашения",
            KindRequests => "Заявки",
            KindClasses => "Классы",
            KindChats => "Чаты",
            KindDevices => "Устройства",
            KindMax => "MAX",
            KindSettings => "Настройки",
            Since => "С",
            UpTo => "по",
            Server => "Сервер",
            Failed => "Сервер школы не принял запрос. Проверьте поля и попробуйте ещё раз.",
            Forbidden => "У вас нет прав на это действие.",
            Loading => "Загрузка…",
            SwitchProfile => "Сменить профиль",
            DemoAsAdmin => "Демо: администратор платформы",
            DemoAsTeacher => "Демо: классный руководитель",
            DemoAsParent => "Демо: родитель",
            DemoAsPupil => "Демо: ученик",
            Profiles => "Профили",
            PickPerson => "Выберите человека",
            PickClass => "Выберите класс",
        },
        Lang::En => match key {
            Section => "Admin",
            Title => "Administration",
            Invites => "Invitations",
            Requests => "Join requests",
            People => "People",
            Classes => "Classes",
            Structure => "Structure",
            Journal => "Audit log",
            Reports => "Reports",
            Chats => "Chats",
            Max => "MAX",
            MaxHint => {
                "The school's MAX chats where the school's bot is an administrator. Link a MAX \
                 chat to a Parta chat: messages, edits, deletions, files and announcements go \
                 both ways. What is written after linking is carried."
            }
            MaxNotConfigured => {
                "No MAX bot is configured on the school's server: see docs/max-bridge.md (the \
                 [max] section of the server's settings)."
            }
            MaxUnreachable => "MAX is not answering now; the links keep working and will wait",
            MaxBot => "Bot",
            MaxCannotRead => {
                "The bot cannot see this chat's messages: make it an administrator with «Read all \
                 messages» in MAX"
            }
            MaxLinkTo => "Link to chat",
            MaxLink => "Link",
            MaxUnlink => "Unlink",
            MaxNoChats => "The bot is not in any MAX chat yet",
            NewInvite => "New invitation",
            Role => "Role",
            Class => "Class",
            ChildOptional => "Child's name (if known)",
            PupilParent => "The parent who answers for the pupil",
            PupilNeedsParent => {
                "First invite the pupil's parent to Parta: the parent consents for the child (clause 6.4)."
            }
            ParentIs => "parent:",
            Note => "Note for yourself",
            ExpiresHours => "Valid for, hours",
            MaxUses => "How many times it may be used",
            Create => "Create",
            CopyLink => "Copy link",
            Copied => "Link copied",
            LinkOnce => {
                "The link and QR code are shown once. Hand them over in person or in a private \
                 message, not in a group chat (4.1, 8.2)."
            }
            Revoke => "Revoke",
            Until => "until",
            UsesOf => "used",
            NoInvites => "No invitations yet.",
            PendingOnly => "Pending only",
            Approve => "Approve",
            Reject => "Reject",
            RejectReason => "Reason (the requester will see it)",
            ReasonRequired => "Give the reason: the requester will see it.",
            NoRequests => "No join requests.",
            Child => "Child",
            Login => "Login",
            Move => "Move to another class",
            ToClass => "To class",
            Remove => "Remove from the school",
            ResetPassword => "Reset password",
            ResetCodeFor => "Code for a new password",
            ResetCodeHint => {
                "Hand the code over in person (as an invitation): with it they set a new password \
                 under «Forgot your password?». It is good until"
            }
            ConfirmRemove => {
                "Remove this person from the school? They leave every chat and all their \
                 devices are signed out. Their messages stay."
            }
            ChangeRole => "Change role",
            Restrict => "Restrict",
            ReadOnly => "Read only",
            Blocked => "Blocked",
            Days => "For how many days",
            Reason => "Reason (procedure 9.2)",
            Lift => "Lift restriction",
            RestrictedUntil => "Restricted until",
            Apply => "Apply",
            Cancel => "Cancel",
            NewClass => "New class",
            ClassName => "Name, e.g. 5A",
            ClassTeacher => "Class teacher",
            Teachers => "Teachers",
            ParentsCount => "Parents",
            AssignTeacher => "Assign a teacher",
            AsClassTeacher => "as class teacher",
            NotAssigned => "not assigned",
            StructureHint => {
                "Creates the school's missing chats: the teachers' chat, a parents' chat per \
                 class, the director's chats with teachers and with parent representatives — \
                 and adds everyone who belongs there. Running it again duplicates nothing."
            }
            Bootstrap => "Create the school structure",
            ChatCreated => "created",
            ChatExisted => "already there",
            MembersAdded => "Members added",
            Who => "Who",
            What => "What",
            LoadMore => "Show more",
            AnyPerson => "Everyone",
            AnyKind => "Every action",
            KindPeople => "People",
            KindInvites => "Invitations",
            KindRequests => "Join requests",
            KindClasses => "Classes",
            KindChats => "Chats",
            KindDevices => "Devices",
            KindMax => "MAX",
            KindSettings => "Settings",
            Since => "From",
            UpTo => "to",
            Server => "Server",
            Failed => "The school's server did not accept this. Check the fields and try again.",
            Forbidden => "You are not allowed to do this.",
            Loading => "Loading…",
            SwitchProfile => "Switch profile",
            DemoAsAdmin => "Demo: platform administrator",
            DemoAsTeacher => "Demo: class teacher",
            DemoAsParent => "Demo: parent",
            DemoAsPupil => "Demo: pupil",
            Profiles => "Profiles",
            PickPerson => "Choose a person",
            PickClass => "Choose a class",
        },
    }
}

/// A role's name.
pub fn role(lang: Lang, role: Role) -> &'static str {
    match (lang, role) {
        (Lang::Ru, Role::PlatformAdmin) => "Администратор платформы",
        (Lang::Ru, Role::Administration) => "Администрация",
        (Lang::Ru, Role::ClassTeacher) => "Классный руководитель",
        (Lang::Ru, Role::Teacher) => "Учитель",
        (Lang::Ru, Role::Parent) => "Родитель",
        (Lang::Ru, Role::Pupil) => "Ученик",
        (Lang::En, Role::PlatformAdmin) => "Platform administrator",
        (Lang::En, Role::Administration) => "Administration",
        (Lang::En, Role::ClassTeacher) => "Class teacher",
        (Lang::En, Role::Teacher) => "Teacher",
        (Lang::En, Role::Parent) => "Parent",
        (Lang::En, Role::Pupil) => "Pupil",
    }
}

/// An invite's status.
pub fn invite_status(lang: Lang, status: InviteStatus) -> &'static str {
    match (lang, status) {
        (Lang::Ru, InviteStatus::Unused) => "Не использовано",
        (Lang::Ru, InviteStatus::Used) => "Использовано",
        (Lang::Ru, InviteStatus::Expired) => "Срок истёк",
        (Lang::Ru, InviteStatus::Revoked) => "Отозвано",
        (Lang::En, InviteStatus::Unused) => "Unused",
        (Lang::En, InviteStatus::Used) => "Used",
        (Lang::En, InviteStatus::Expired) => "Expired",
        (Lang::En, InviteStatus::Revoked) => "Revoked",
    }
}

/// A join request's status.
pub fn join_status(lang: Lang, status: JoinStatus) -> &'static str {
    match (lang, status) {
        (Lang::Ru, JoinStatus::Pending) => "Ожидает решения",
        (Lang::Ru, JoinStatus::Approved) => "Принята",
        (Lang::Ru, JoinStatus::Rejected) => "Отклонена",
        (Lang::En, JoinStatus::Pending) => "Pending",
        (Lang::En, JoinStatus::Approved) => "Approved",
        (Lang::En, JoinStatus::Rejected) => "Rejected",
    }
}

/// An audit log action (`invite.created`) as a phrase; unknown ones as they are.
pub fn action(lang: Lang, action: &str) -> String {
    let ru = match action {
        "invite.created" => "Создано приглашение",
        "invite.revoked" => "Отозвано приглашение",
        "invite.redeemed" => "Использовано приглашение",
        "join_request.created" => "Подана заявка",
        "join_request.approved" => "Заявка принята",
        "join_request.rejected" => "Заявка отклонена",
        "class.created" => "Создан класс",
        "class.teacher_assigned" => "Назначен учитель",
        "class.teacher_unassigned" => "Учитель снят с класса",
        "structure.bootstrapped" => "Создана структура школы",
        "user.moved" => "Ребёнок переведён",
        "user.removed" => "Удалён из школы",
        "user.role_changed" => "Изменена роль",
        "user.restricted" => "Введено ограничение",
        "user.restriction_lifted" => "Ограничение снято",
        "user.devices_revoked" => "Отключены все устройства",
        "user.password_changed" => "Изменён пароль",
        "user.password_reset_issued" => "Выдан код для нового пароля",
        "user.password_reset" => "Пароль задан по коду школы",
        "device.login" => "Вход с нового устройства",
        "user.login_failed" => "Неудачная попытка входа",
        "device.revoked" => "Устройство отключено",
        "chat.admins_appointed" => "Назначены администраторы чата",
        "chat.admin_revoked" => "Снят администратор чата",
        "settings.changed" => "Изменены настройки",
        "max.linked" => "Чат MAX связан с чатом Парты",
        "max.unlinked" => "Чат MAX отвязан",
        "report.resolved" => "Рассмотрена жалоба",
        "chat.created" => "Создан чат",
        other => return other.to_owned(),
    };
    match lang {
        Lang::Ru => ru.to_owned(),
        Lang::En => action.replace(['.', '_'], " "),
    }
}

/// What changed, in words, from an audit entry's details where they say (old → new, a role, a
/// restriction's kind and reason); empty where they do not. What `object` already names is
/// not said twice.
pub fn change(lang: Lang, details: &serde_json::Value, object: Option<&str>) -> String {
    let text = |key: &str| details.get(key).and_then(|v| v.as_str());
    // A role or a restriction's kind in words; anything else as it is.
    let word = |value: &str| -> String {
        if let Some(role) = parta_model::school::Role::from_name(value) {
            return self::role(lang, role).to_owned();
        }
        if let Some(reason) = parta_model::school::ReportReason::from_name(value) {
            return super::reports::reason(lang, reason).to_owned();
        }
        match (value, lang) {
            ("read_only", Lang::Ru) => "только чтение".to_owned(),
            ("blocked", Lang::Ru) => "доступ закрыт".to_owned(),
            ("read_only", Lang::En) => "read only".to_owned(),
            ("blocked", Lang::En) => "blocked".to_owned(),
            _ => value.to_owned(),
        }
    };
    let mut parts = Vec::new();
    if let (Some(from), Some(to)) = (text("from"), text("to")) {
        parts.push(format!("{} → {}", word(from), word(to)));
    }
    // A report's outcome.
    if let Some(outcome) = text("outcome").and_then(parta_model::school::ReportStatus::from_name) {
        parts.push(super::reports::status(lang, outcome).to_owned());
    }
    for key in [
        "role",
        "mode",
        "reason",
        "device",
        "child_name",
        "name",
        "title",
    ] {
        if let Some(value) = text(key).filter(|v| !v.is_empty() && Some(*v) != object) {
            parts.push(word(value));
        }
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_entry_says_what_changed_in_words_and_not_twice() {
        let role = serde_json::json!({"from": "class_teacher", "to": "administration"});
        assert_eq!(
            change(Lang::Ru, &role, Some("Михаил Волков")),
            "Классный руководитель → Администрация"
        );
        let restriction = serde_json::json!({"mode": "read_only", "reason": "Грубость"});
        assert_eq!(
            change(Lang::Ru, &restriction, None),
            "только чтение · Грубость"
        );
        let report = serde_json::json!({"outcome": "deleted", "reason": "off_topic", "report": 3});
        assert_eq!(
            change(Lang::Ru, &report, None),
            "Сообщение удалено · Не относится к учёбе"
        );
        let class = serde_json::json!({"name": "8Г"});
        assert_eq!(
            change(Lang::Ru, &class, Some("8Г")),
            "",
            "the object is named already"
        );
    }
}
