//! Every string the UI shows, in Russian (the default) and English. Components ask for a
//! [`Key`]; no component holds text of its own.

use parta_model::view::UiErrorCode;

/// The UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    /// The other language (for the switch).
    pub fn other(self) -> Self {
        match self {
            Lang::Ru => Lang::En,
            Lang::En => Lang::Ru,
        }
    }

    /// The short code stored in settings and set on `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// From a stored code; unknown codes fall back to Russian.
    pub fn from_code(code: &str) -> Self {
        if code == "en" { Lang::En } else { Lang::Ru }
    }
}

/// A translatable string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    AppName,
    Tagline,
    DemoSchool,
    DemoSchoolHint,
    ConnectSchool,
    ConnectSchoolHint,
    ServerAddress,
    Login,
    Password,
    SignIn,
    SigningIn,
    Back,
    WrongCredentials,
    FillAllFields,
    Acknowledge,
    AcknowledgedByMe,
    WhoAcknowledged,
    AcknowledgedBy,
    OnlyRead,
    NotYet,
    Nobody,

    JoinByInvite,
    JoinHint,
    MaxBot,
    MaxBotHint,
    ChatInfo,
    BotToken,
    BotTokenHint,
    MaxAddress,
    MaxAddressHint,
    RootCertificate,
    ForgotPassword,
    Pin,
    Unpin,
    ResetTitle,
    ResetCode,
    ResetHint,
    ResetNew,
    ResetRepeat,
    ResetSubmit,
    ResetCodeInvalid,
    ResetTooShort,
    ResetDiffer,
    SchoolRootSummary,
    SchoolRootHint,
    Connect,
    WrongBotToken,
    InviteLink,
    ServerIfMissing,
    FirstName,
    LastName,
    ChildName,
    NewLogin,
    NewPassword,
    Consent,
    SendRequest,
    JoinWaitingTitle,
    JoinWaitingText,
    JoinRejected,
    NeedConsent,
    JoinCheckInput,
    FillJoinFields,

    Starting,
    Chats,
    NoChats,
    SelectChat,
    Pinned,
    Members,
    ComposerPlaceholder,
    Send,
    Offline,
    OfflineHint,
    Connecting,
    Online,
    SimulateOffline,
    RestoreConnection,
    DemoBadge,
    Today,
    Yesterday,
    NoMessagesYet,
    LanguageSwitch,
    Sending,
    NotSent,
    You,
    Retry,
    Discard,
    ErrOffline,
    ErrKeychain,
    ErrUnauthorized,
    ErrInvalid,
    ErrInsecure,
    ErrUntrustedCertificate,
    ErrBadCertificate,
    ErrNoProfile,
    ErrForbidden,
    ErrInternal,
    Dismiss,
    SearchPlaceholder,
    SearchResults,
    NothingFound,
    Reply,
    ReplyingTo,
    CancelReply,
    /// The hint on the «MAX» mark beside a sender who writes from MAX.
    FromMax,
    /// Where one's message stands toward MAX, in a chat carried there.
    MaxSent,
    MaxQueued,
    MaxFailed,
    /// A message from MAX the school's policy would have refused, as its chat's admins see it.
    FlaggedEthics,
    FlaggedPersonalData,
    UnreadMessages,
    DarkTheme,
    LightTheme,
    MembersTitle,
    ChatAdmin,
    ClosePanel,
    Announcements,
    NoAnnouncements,
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    use Key::*;
    match lang {
        Lang::Ru => match key {
            AppName => "Парта",
            Tagline => "Общение школы и семьи: чаты классов, объявления и файлы — даже без сети.",
            DemoSchool => "Демо-школа",
            DemoSchoolHint => "Попробовать на вымышленной школе: учителя, родители, чаты классов.",
            ConnectSchool => "Подключиться к серверу школы",
            ConnectSchoolHint => {
                "Логин и пароль выдаёт школа. Никому их не сообщайте (п. 8.2 порядка)."
            }
            ServerAddress => "Адрес сервера школы",
            Login => "Логин",
            Password => "Пароль",
            SignIn => "Войти",
            SigningIn => "Вход…",
            Back => "Назад",
            WrongCredentials => {
                "Неверный логин или пароль. Проверьте раскладку и попробуйте ещё раз."
            }
            FillAllFields => "Заполните адрес сервера, логин и пароль.",
            Acknowledge => "Ознакомлен",
            AcknowledgedByMe => "Вы ознакомились",
            WhoAcknowledged => "Кто ознакомился",
            AcknowledgedBy => "Ознакомились",
            OnlyRead => "Прочитали",
            NotYet => "Ещё нет",
            Nobody => "никто",
            JoinByInvite => "Присоединиться по приглашению",
            JoinHint => "Ссылку-приглашение присылает школа или классный руководитель.",
            MaxBot => "Подключить бота школы в MAX",
            ChatInfo => "О чате",
            MaxBotHint => {
                "Для администратора платформы: токен бота школы из MAX для бизнеса. Токен хранится только в системном хранилище паролей."
            }
            BotToken => "Токен бота",
            BotTokenHint => "Не передавайте токен другим людям: он даёт доступ к чатам школы.",
            MaxAddress => "Адрес API (необязательно)",
            MaxAddressHint => {
                "Пусто — сервер MAX. Укажите адрес, если школа работает через свой шлюз."
            }
            RootCertificate => "Корневой сертификат PEM (необязательно)",
            ForgotPassword => "Забыли пароль?",
            Pin => "Закрепить",
            Unpin => "Открепить",
            ResetTitle => "Новый пароль по коду школы",
            ResetCode => "Код от школы",
            ResetHint => {
                "Код выдаёт администрация школы лично, как приглашение: он действует 72 часа и \
                 один раз. На других ваших устройствах вход закончится."
            }
            ResetNew => "Новый пароль",
            ResetRepeat => "Новый пароль ещё раз",
            ResetSubmit => "Сменить пароль и войти",
            ResetCodeInvalid => {
                "Код не подошёл: он набран с ошибкой, уже использован или истёк. Попросите в \
                 школе новый."
            }
            ResetTooShort => "Новый пароль слишком короткий: нужно не меньше 8 символов.",
            ResetDiffer => "Новые пароли не совпадают.",
            SchoolRootSummary => "Сертификат школы",
            SchoolRootHint => {
                "Нужен, только если сертификат сервера школы выдал её собственный удостоверяющий центр: администратор школы даст файл. Приложение запомнит его для этой школы."
            }
            Connect => "Подключить",
            WrongBotToken => {
                "MAX не принял этот токен. Проверьте его на платформе MAX для бизнеса."
            }
            InviteLink => "Ссылка-приглашение или код",
            ServerIfMissing => "Адрес сервера (если его нет в ссылке)",
            FirstName => "Имя",
            LastName => "Фамилия",
            ChildName => "Имя и фамилия ребёнка (для родителей)",
            NewLogin => "Придумайте логин (латиница, от 3 знаков)",
            NewPassword => "Придумайте пароль (не короче 8 символов)",
            Consent => "Согласен(на) на обработку персональных данных",
            SendRequest => "Отправить заявку",
            JoinWaitingTitle => "Заявка отправлена",
            JoinWaitingText => {
                "Школа проверит заявку и подтвердит вход. Этот экран обновится сам — его можно не закрывать."
            }
            JoinRejected => "Школа отклонила заявку",
            NeedConsent => "Без согласия на обработку персональных данных присоединиться нельзя.",
            JoinCheckInput => {
                "Школа не приняла заявку: проверьте ссылку (она могла истечь), логин и пароль."
            }
            FillJoinFields => "Заполните ссылку, имя, логин и пароль.",
            Starting => "Открываем демо-школу…",
            Chats => "Чаты",
            NoChats => "Чатов пока нет",
            SelectChat => "Выберите чат слева",
            Pinned => "Закреплено",
            Members => "участников",
            ComposerPlaceholder => "Сообщение…",
            Send => "Отправить",
            Offline => "Нет связи",
            OfflineHint => "Показываем сохранённые сообщения. Подключимся автоматически.",
            Connecting => "Подключение…",
            Online => "В сети",
            SimulateOffline => "Имитировать обрыв связи",
            RestoreConnection => "Восстановить связь",
            DemoBadge => "демо",
            Today => "Сегодня",
            Yesterday => "Вчера",
            NoMessagesYet => "Сообщений пока нет",
            LanguageSwitch => "English",
            Sending => "Отправится, когда появится связь",
            NotSent => "Не отправлено",
            You => "Вы",
            Retry => "Повторить",
            Discard => "Удалить",
            ErrOffline => {
                "Нет связи с сервером школы. Сообщение не отправлено — текст остался в поле ввода, попробуйте ещё раз, когда связь появится."
            }
            ErrKeychain => {
                "Не удалось сохранить вход: на этом компьютере нет системного хранилища паролей \
                 (Secret Service), а Парта хранит вход только там, поэтому ничего не сохранено. \
                 Как его получить: в GNOME, Astra Linux, РЕД ОС или Альт установите пакет \
                 gnome-keyring и войдите в систему заново — связка ключей откроется паролем \
                 входа; в KDE включите KWallet и службу Secret Service в параметрах системы; \
                 или в KeePassXC включите «Настройки → Интеграция с Secret Service» и \
                 разблокируйте базу. Затем попробуйте снова."
            }
            ErrUnauthorized => "Сервер школы не принял вход. Войдите заново.",
            ErrInvalid => "Сообщение не подходит: оно пустое или длиннее 4000 символов.",
            ErrInsecure => {
                "Адрес начинается с http://: к серверу школы Парта подключается только по \
                 защищённому https (http — только к этому компьютеру). Уточните адрес у \
                 администратора школы."
            }
            ErrUntrustedCertificate => {
                "Сертификат сервера школы не подтверждён. Если школа использует свой \
                 удостоверяющий центр, вставьте его корневой сертификат в поле «Сертификат \
                 школы» (файл даст администратор школы)."
            }
            ErrBadCertificate => {
                "Это не сертификат: вставьте текст файла целиком, от строки «-----BEGIN \
                 CERTIFICATE-----» до «-----END CERTIFICATE-----»."
            }
            ErrForbidden => "У вас нет прав на это действие в этой школе.",
            ErrNoProfile => "Вход не выполнен. Выберите школу.",
            ErrInternal => {
                "Что-то пошло не так. Попробуйте ещё раз; если ошибка повторится, сообщите администратору школы."
            }
            Dismiss => "Закрыть",
            SearchPlaceholder => "Поиск по сообщениям (Ctrl+K)",
            SearchResults => "Найденные сообщения",
            NothingFound => "Ничего не найдено в сохранённых сообщениях",
            Reply => "Ответить",
            ReplyingTo => "Ответ на сообщение",
            CancelReply => "Отменить ответ",
            FromMax => "Пишет из MAX через бота школы",
            MaxSent => "в MAX ✓",
            MaxQueued => "ждёт отправки в MAX",
            MaxFailed => "MAX не принял сообщение",
            FlaggedEthics => {
                "Из MAX: такое сообщение правила школы не пропустили бы (этика, п. 6.1, 6.2)"
            }
            FlaggedPersonalData => {
                "Из MAX: такое сообщение правила школы не пропустили бы (персональные данные, п. 5.1, 8)"
            }
            UnreadMessages => "непрочитанных сообщений",
            DarkTheme => "Тёмная тема",
            LightTheme => "Светлая тема",
            MembersTitle => "Участники",
            ChatAdmin => "администратор",
            ClosePanel => "Закрыть",
            Announcements => "Объявления",
            NoAnnouncements => "Объявлений пока нет",
        },
        Lang::En => match key {
            AppName => "Parta",
            Tagline => {
                "School–family communication: class chats, announcements and files — even offline."
            }
            DemoSchool => "Demo school",
            DemoSchoolHint => "Try it on a made-up school: teachers, parents, class chats.",
            ConnectSchool => "Connect to your school's server",
            ConnectSchoolHint => {
                "Your school gives you a login and password. Never share them (procedure 8.2)."
            }
            ServerAddress => "School server address",
            Login => "Login",
            Password => "Password",
            SignIn => "Sign in",
            SigningIn => "Signing in…",
            Back => "Back",
            WrongCredentials => "Wrong login or password. Check the keyboard layout and try again.",
            FillAllFields => "Fill in the server address, login and password.",
            Acknowledge => "Acknowledge",
            AcknowledgedByMe => "You have acknowledged it",
            WhoAcknowledged => "Who has acknowledged",
            AcknowledgedBy => "Acknowledged",
            OnlyRead => "Read",
            NotYet => "Not yet",
            Nobody => "nobody",
            JoinByInvite => "Join with an invitation",
            JoinHint => "The school or the class teacher sends you the invitation link.",
            MaxBot => "Connect the school's MAX bot",
            ChatInfo => "About the chat",
            MaxBotHint => {
                "For the platform administrator: the school bot's token from MAX for business. The token is kept only in the system's password store."
            }
            BotToken => "Bot token",
            BotTokenHint => "Do not share the token: it opens the school's chats.",
            MaxAddress => "API address (optional)",
            MaxAddressHint => {
                "Empty: MAX's server. Give an address if the school runs its own gateway."
            }
            RootCertificate => "Root certificate, PEM (optional)",
            ForgotPassword => "Forgot your password?",
            Pin => "Pin",
            Unpin => "Unpin",
            ResetTitle => "A new password with the school's code",
            ResetCode => "Code from the school",
            ResetHint => {
                "The school's administration hands the code over in person, like an invitation: \
                 it is good for 72 hours and once. Your other devices will be signed out."
            }
            ResetNew => "New password",
            ResetRepeat => "New password again",
            ResetSubmit => "Change the password and sign in",
            ResetCodeInvalid => {
                "The code did not work: it is mistyped, used or expired. Ask the school for a \
                 new one."
            }
            ResetTooShort => "The new password is too short: use at least 8 characters.",
            ResetDiffer => "The new passwords do not match.",
            SchoolRootSummary => "School certificate",
            SchoolRootHint => {
                "Needed only if the school's server certificate comes from the school's own certificate authority: the school's administrator will give you the file. The app keeps it for this school."
            }
            Connect => "Connect",
            WrongBotToken => "MAX did not accept this token. Check it on MAX's business platform.",
            InviteLink => "Invitation link or code",
            ServerIfMissing => "Server address (if the link has none)",
            FirstName => "First name",
            LastName => "Last name",
            ChildName => "Child's full name (for parents)",
            NewLogin => "Choose a login (Latin letters, 3 or more)",
            NewPassword => "Choose a password (8 characters or more)",
            Consent => "I consent to the processing of personal data",
            SendRequest => "Send the request",
            JoinWaitingTitle => "Request sent",
            JoinWaitingText => {
                "The school will check your request and let you in. This screen updates by itself; you may leave it open."
            }
            JoinRejected => "The school declined the request",
            NeedConsent => "Joining needs your consent to the processing of personal data.",
            JoinCheckInput => {
                "The school did not accept the request: check the link (it may have expired), the login and the password."
            }
            FillJoinFields => "Fill in the link, your name, a login and a password.",
            Starting => "Opening the demo school…",
            Chats => "Chats",
            NoChats => "No chats yet",
            SelectChat => "Select a chat on the left",
            Pinned => "Pinned",
            Members => "members",
            ComposerPlaceholder => "Message…",
            Send => "Send",
            Offline => "No connection",
            OfflineHint => "Showing saved messages. We will reconnect automatically.",
            Connecting => "Connecting…",
            Online => "Online",
            SimulateOffline => "Simulate a connection loss",
            RestoreConnection => "Restore the connection",
            DemoBadge => "demo",
            Today => "Today",
            Yesterday => "Yesterday",
            NoMessagesYet => "No messages yet",
            LanguageSwitch => "Русский",
            Sending => "Will be sent when the connection is back",
            NotSent => "Not sent",
            You => "You",
            Retry => "Retry",
            Discard => "Delete",
            ErrOffline => {
                "The school server cannot be reached. The message was not sent — its text is still in the input box; try again once the connection is back."
            }
            ErrKeychain => {
                "Could not save the sign-in: this computer has no system password store (Secret \
                 Service), and Parta keeps sign-ins nowhere else, so nothing was saved. To get \
                 one: on GNOME, Astra Linux, RED OS or ALT, install the gnome-keyring package \
                 and log in again, the keyring opens with your login password; on KDE, turn on \
                 KWallet and its Secret Service in the system settings; or in KeePassXC, turn \
                 on Settings → Secret Service Integration and unlock a database. Then try \
                 again."
            }
            ErrUnauthorized => {
                "The school server did not accept the sign-in. Please sign in again."
            }
            ErrInvalid => "The message cannot be sent: it is empty or longer than 4000 characters.",
            ErrInsecure => {
                "The address starts with http://: Parta reaches a school's server only over \
                 encrypted https (plain http only to this computer). Ask the school's \
                 administrator for the right address."
            }
            ErrUntrustedCertificate => {
                "The school server's certificate could not be verified. If the school runs its \
                 own certificate authority, paste its root certificate into «School \
                 certificate» (the school's administrator has the file)."
            }
            ErrBadCertificate => {
                "This is not a certificate: paste the whole file, from the line «-----BEGIN \
                 CERTIFICATE-----» to «-----END CERTIFICATE-----»."
            }
            ErrForbidden => "You are not allowed to do this at this school.",
            ErrNoProfile => "You are not signed in. Choose a school.",
            ErrInternal => {
                "Something went wrong. Try again; if it keeps happening, tell your school's administrator."
            }
            Dismiss => "Dismiss",
            SearchPlaceholder => "Search messages (Ctrl+K)",
            SearchResults => "Messages found",
            NothingFound => "Nothing found in the saved messages",
            Reply => "Reply",
            ReplyingTo => "Replying to",
            CancelReply => "Cancel the reply",
            FromMax => "Writes from MAX through the school's bot",
            MaxSent => "in MAX ✓",
            MaxQueued => "waiting to go to MAX",
            MaxFailed => "MAX refused the message",
            FlaggedEthics => {
                "From MAX: the school's rules would not have let this through (ethics, 6.1, 6.2)"
            }
            FlaggedPersonalData => {
                "From MAX: the school's rules would not have let this through (personal data, 5.1, 8)"
            }
            UnreadMessages => "unread messages",
            DarkTheme => "Dark theme",
            LightTheme => "Light theme",
            MembersTitle => "Members",
            ChatAdmin => "admin",
            ClosePanel => "Close",
            Announcements => "Announcements",
            NoAnnouncements => "No announcements yet",
        },
    }
}

/// "3 участника", "5 участников", "21 участник"; "1 member", "3 members".
pub fn members(lang: Lang, count: i64) -> String {
    let word = match lang {
        Lang::En if count == 1 => "member",
        Lang::En => t(lang, Key::Members),
        Lang::Ru => {
            let (last, last_two) = (count.rem_euclid(10), count.rem_euclid(100));
            if last == 1 && last_two != 11 {
                "участник"
            } else if (2..=4).contains(&last) && !(12..=14).contains(&last_two) {
                "участника"
            } else {
                t(lang, Key::Members)
            }
        }
    };
    format!("{count} {word}")
}

/// The sentence shown for an error code.
pub fn error_key(code: UiErrorCode) -> Key {
    match code {
        UiErrorCode::Offline => Key::ErrOffline,
        UiErrorCode::KeychainUnavailable => Key::ErrKeychain,
        UiErrorCode::Unauthorized => Key::ErrUnauthorized,
        UiErrorCode::InvalidInput => Key::ErrInvalid,
        UiErrorCode::InsecureAddress => Key::ErrInsecure,
        UiErrorCode::UntrustedCertificate => Key::ErrUntrustedCertificate,
        UiErrorCode::BadCertificate => Key::ErrBadCertificate,
        UiErrorCode::NoProfile => Key::ErrNoProfile,
        UiErrorCode::Forbidden => Key::ErrForbidden,
        _ => Key::ErrInternal,
    }
}

/// Month names in the genitive, for "23 ноября".
pub fn month(lang: Lang, index: u32) -> &'static str {
    const RU: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let i = (index as usize).min(11);
    match lang {
        Lang::Ru => RU[i],
        Lang::En => EN[i],
    }
}

pub mod admin;
pub mod composer;
pub mod lessons;
pub mod reports;
pub mod settings;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_is_the_default_language() {
        assert_eq!(Lang::default(), Lang::Ru);
        assert_eq!(t(Lang::default(), Key::Offline), "Нет связи");
        assert_eq!(members(Lang::Ru, 1), "1 участник");
        assert_eq!(members(Lang::Ru, 3), "3 участника");
        assert_eq!(members(Lang::Ru, 5), "5 участников");
        assert_eq!(members(Lang::Ru, 11), "11 участников");
        assert_eq!(members(Lang::Ru, 12), "12 участников");
        assert_eq!(members(Lang::Ru, 21), "21 участник");
        assert_eq!(members(Lang::Ru, 24), "24 участника");
        assert_eq!(members(Lang::En, 1), "1 member");
        assert_eq!(members(Lang::En, 2), "2 members");
    }

    #[test]
    fn unknown_language_codes_fall_back_to_russian() {
        assert_eq!(Lang::from_code("de"), Lang::Ru);
        assert_eq!(Lang::from_code("en"), Lang::En);
    }
}
