//! The settings screen's and the lock screen's texts, in Russian and English.

use super::Lang;

/// A text of the settings or lock screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum S {
    Settings,
    Profile,
    Server,
    SignOut,
    WipeToo,
    SignOutHint,
    Language,
    Theme,
    Scale,
    ScaleHint,
    Light,
    Dark,
    Cache,
    CachedMessages,
    Files,
    Database,
    ClearCache,
    ClearCacheHint,
    Cleared,
    AppLock,
    AppLockHint,
    NewPin,
    RepeatPin,
    SetPin,
    PinSet,
    RemovePin,
    LockNow,
    AutoLock,
    Never,
    Minutes,
    PinRule,
    PinsDiffer,
    About,
    Version,
    DataFolder,
    NeverShare,
    Locked,
    Notifications,
    NotificationsOn,
    EnterPin,
    Unlock,
    WrongPin,
    WaitSeconds,
    LessonReminders,
    DoNotRemind,
    MinutesBefore,
    Accelerated,
    DrawingCpu,
    DrawingGpu,
    AfterRestart,
    QuietHours,
    QuietHoursOn,
    QuietFrom,
    QuietTo,
    QuietHint,
    QuietSaved,
    QuietRefused,
    Save,
    FailedSignIns,
    NoFailedSignIns,
    FailedSignInsHint,
    UnknownDevice,
    MyDevices,
    ThisDevice,
    LastUsed,
    NotUsedYet,
    SignedInSince,
    SignOutDevice,
    ChangePassword,
    CurrentPassword,
    NewPassword,
    RepeatPassword,
    SignOutOthers,
    PasswordChanged,
    PasswordTooShort,
    PasswordsDiffer,
    CurrentPasswordWrong,
    PasswordRefused,
    Updates,
    CheckUpdates,
    Checking,
    UpToDate,
    UpdateAvailable,
    Published,
    NoNotes,
    InstallUpdate,
    Downloading,
    UpdateInstalled,
    RestartNow,
    UpdateByPackage,
    UpdatesHint,
    UpdateUnsigned,
    UpdateBadSignature,
    UpdateOffline,
}

/// The text of `key` in `lang`.
pub fn ts(lang: Lang, key: S) -> &'static str {
    use S::*;
    match lang {
        Lang::Ru => match key {
            Settings => "Настройки",
            Profile => "Профиль",
            Server => "Сервер школы",
            SignOut => "Выйти",
            WipeToo => "Удалить с этого компьютера сообщения и файлы профиля",
            SignOutHint => {
                "Выход удаляет ключ доступа из системного хранилища паролей. На общем \
                 школьном компьютере удалите и данные."
            }
            Language => "Язык",
            Theme => "Оформление",
            Scale => "Масштаб",
            ScaleHint => "Текст и кнопки крупнее; то же делают Ctrl + «+», Ctrl + «−» и Ctrl + 0.",
            Light => "Светлое",
            Dark => "Тёмное",
            Cache => "Данные на этом компьютере",
            CachedMessages => "Сообщений",
            Files => "Файлы профиля",
            Database => "База (все профили)",
            ClearCache => "Очистить кэш",
            ClearCacheHint => {
                "Сообщения и файлы загрузятся с сервера заново. Черновики и неотправленные \
                 сообщения останутся."
            }
            Cleared => "Кэш очищен, данные загружаются заново.",
            AppLock => "Блокировка приложения",
            AppLockHint => {
                "Школьные компьютеры общие: PIN-код закрывает Парту, когда вы отходите. Код \
                 хранится только в системном хранилище паролей."
            }
            NewPin => "Новый PIN-код",
            RepeatPin => "Повторите PIN-код",
            SetPin => "Установить PIN-код",
            PinSet => "PIN-код установлен.",
            RemovePin => "Убрать PIN-код",
            LockNow => "Заблокировать сейчас",
            AutoLock => "Блокировать при бездействии",
            Never => "Не блокировать",
            Minutes => "мин",
            PinRule => "PIN-код — от 4 до 8 цифр.",
            PinsDiffer => "PIN-коды не совпадают.",
            About => "О программе",
            Version => "Версия",
            DataFolder => "Папка данных",
            NeverShare => "Никому не сообщайте логин, пароль и PIN-код (п. 8.2 порядка).",
            Updates => "Обновления",
            CheckUpdates => "Проверить обновления",
            Checking => "Проверяем…",
            UpToDate => "У вас последняя версия",
            UpdateAvailable => "Доступна новая версия",
            Published => "опубликована",
            NoNotes => "Администратор школы не описал изменения.",
            InstallUpdate => "Скачать и установить",
            Downloading => "Скачивание",
            UpdateInstalled => {
                "Обновление проверено и установлено. Новая версия откроется после перезапуска."
            }
            RestartNow => "Перезапустить сейчас",
            UpdateByPackage => {
                "Эта Парта установлена пакетом системы: обновите её через менеджер пакетов \
                 или попросите администратора."
            }
            UpdatesHint => {
                "Обновления приходят только с сервера вашей школы и устанавливаются, лишь \
                 если подписаны ключом разработчиков Парты."
            }
            UpdateUnsigned => {
                "Обновление отклонено: оно не подписано. Ничего не установлено; сообщите \
                 администратору школы."
            }
            UpdateBadSignature => {
                "Обновление отклонено: его подпись не от разработчиков Парты. Ничего не \
                 установлено; сообщите администратору школы."
            }
            UpdateOffline => "Сервер школы сейчас недоступен. Попробуйте проверить позже.",
            Locked => "Парта заблокирована",
            Notifications => "Уведомления",
            NotificationsOn => {
                "Показывать уведомления о новых сообщениях, когда окно не на переднем плане, и об упоминаниях"
            }
            EnterPin => "Введите PIN-код",
            Unlock => "Разблокировать",
            WrongPin => "Неверный PIN-код.",
            WaitSeconds => "Слишком много попыток. Подождите, секунд:",
            LessonReminders => "Напоминать о занятиях",
            DoNotRemind => "Не напоминать",
            MinutesBefore => "мин до начала",
            Accelerated => "Аппаратное ускорение (видеокарта)",
            DrawingCpu => {
                "Сейчас окно рисует процессор: так Парта расходует меньше памяти и плавно \
                 работает без видеокарты. Включите ускорение, если прокрутка на этом \
                 компьютере медленная."
            }
            DrawingGpu => {
                "Сейчас окно рисует видеокарта. Выключите ускорение, если окно мигает, \
                 остаётся пустым или прокрутка медленная."
            }
            AfterRestart => "Изменение вступит в силу после перезапуска Парты.",
            QuietHours => "Тихие часы",
            QuietHoursOn => "Не беспокоить в эти часы",
            QuietFrom => "с",
            QuietTo => "до",
            QuietHint => {
                "Сообщения родителей в эти часы приходят как обычно, но без уведомлений, пока \
                 тихие часы не кончатся. Сообщения коллег уведомляют всегда."
            }
            QuietSaved => "Тихие часы сохранены.",
            QuietRefused => "Сервер школы не принял эти часы: начало и конец должны различаться.",
            Save => "Сохранить",
            FailedSignIns => "Неудачные попытки входа за 30 дней",
            NoFailedSignIns => "Не было: никто не вводил неверный пароль к вашему логину.",
            FailedSignInsHint => {
                "Если это были не вы, смените пароль и сообщите администратору школы. Никому \
                 не сообщайте свой логин и пароль."
            }
            UnknownDevice => "устройство не назвалось",
            MyDevices => "Мои устройства",
            ThisDevice => "это устройство",
            LastUsed => "последний раз",
            NotUsedYet => "ещё не заходило",
            SignedInSince => "вход с",
            SignOutDevice => "Выйти на нём",
            ChangePassword => "Сменить пароль",
            CurrentPassword => "Текущий пароль",
            NewPassword => "Новый пароль",
            RepeatPassword => "Новый пароль ещё раз",
            SignOutOthers => "Выйти на всех других устройствах",
            PasswordChanged => "Пароль изменён.",
            PasswordTooShort => "Новый пароль слишком короткий: нужно не меньше 8 символов.",
            PasswordsDiffer => "Новые пароли не совпадают.",
            CurrentPasswordWrong => "Текущий пароль введён неверно.",
            PasswordRefused => "Сервер школы не принял новый пароль.",
        },
        Lang::En => match key {
            Settings => "Settings",
            Profile => "Profile",
            Server => "School server",
            SignOut => "Sign out",
            WipeToo => "Delete this profile's messages and files from this computer",
            SignOutHint => {
                "Signing out removes the access key from the system keychain. On a shared \
                 school computer, delete the data too."
            }
            Language => "Language",
            Theme => "Appearance",
            Scale => "Scale",
            ScaleHint => {
                "Larger text and buttons; Ctrl + \"+\", Ctrl + \"−\" and Ctrl + 0 do the same."
            }
            Light => "Light",
            Dark => "Dark",
            Cache => "Data on this computer",
            CachedMessages => "Messages",
            Files => "Profile files",
            Database => "Database (all profiles)",
            ClearCache => "Clear cache",
            ClearCacheHint => {
                "Messages and files load again from the server. Drafts and unsent messages \
                 stay."
            }
            Cleared => "Cache cleared; loading again.",
            AppLock => "App lock",
            AppLockHint => {
                "School computers are shared: a PIN closes Parta while you are away. It is kept \
                 only in the system keychain."
            }
            NewPin => "New PIN",
            RepeatPin => "Repeat the PIN",
            SetPin => "Set PIN",
            PinSet => "A PIN is set.",
            RemovePin => "Remove PIN",
            LockNow => "Lock now",
            AutoLock => "Lock when idle",
            Never => "Never",
            Minutes => "min",
            PinRule => "A PIN is 4 to 8 digits.",
            PinsDiffer => "The PINs differ.",
            About => "About",
            Version => "Version",
            DataFolder => "Data folder",
            NeverShare => "Never share your login, password or PIN (procedure 8.2).",
            Updates => "Updates",
            CheckUpdates => "Check for updates",
            Checking => "Checking…",
            UpToDate => "You have the latest version",
            UpdateAvailable => "A new version is available",
            Published => "published",
            NoNotes => "The school's administrator did not describe the changes.",
            InstallUpdate => "Download and install",
            Downloading => "Downloading",
            UpdateInstalled => {
                "The update was verified and installed. The new version opens after a restart."
            }
            RestartNow => "Restart now",
            UpdateByPackage => {
                "This Parta was installed by a system package: update it with the package \
                 manager or ask your administrator."
            }
            UpdatesHint => {
                "Updates come only from your school's server and are installed only when \
                 signed with the Parta developers' key."
            }
            UpdateUnsigned => {
                "The update was refused: it is not signed. Nothing was installed; tell your \
                 school's administrator."
            }
            UpdateBadSignature => {
                "The update was refused: its signature is not the Parta developers'. Nothing \
                 was installed; tell your school's administrator."
            }
            UpdateOffline => "The school's server cannot be reached now. Try again later.",
            Locked => "Parta is locked",
            Notifications => "Notifications",
            NotificationsOn => {
                "Show notifications of new messages while the window is in the background, and of mentions"
            }
            EnterPin => "Enter your PIN",
            Unlock => "Unlock",
            WrongPin => "Wrong PIN.",
            WaitSeconds => "Too many tries. Wait, seconds:",
            LessonReminders => "Remind of lessons",
            DoNotRemind => "Do not remind",
            MinutesBefore => "min before",
            Accelerated => "Hardware acceleration (graphics card)",
            DrawingCpu => {
                "The processor draws the window now: Parta uses less memory that way and runs \
                 smoothly without a graphics card. Turn acceleration on if scrolling is slow on \
                 this computer."
            }
            DrawingGpu => {
                "The graphics card draws the window now. Turn acceleration off if the window \
                 flickers, stays blank or scrolls slowly."
            }
            AfterRestart => "The change takes effect when Parta starts again.",
            QuietHours => "Quiet hours",
            QuietHoursOn => "Do not disturb in these hours",
            QuietFrom => "from",
            QuietTo => "to",
            QuietHint => {
                "Parents' messages in these hours arrive as usual, but without notifications until \
                 the quiet hours end. Colleagues' messages always notify."
            }
            QuietSaved => "Quiet hours saved.",
            QuietRefused => {
                "The school server did not accept these hours: start and end must differ."
            }
            Save => "Save",
            FailedSignIns => "Failed sign-ins in the last 30 days",
            NoFailedSignIns => "None: nobody has given a wrong password for your login.",
            FailedSignInsHint => {
                "If it was not you, change your password and tell the school's administrator. \
                 Never share your login or password."
            }
            UnknownDevice => "the device gave no name",
            MyDevices => "My devices",
            ThisDevice => "this device",
            LastUsed => "last used",
            NotUsedYet => "not used yet",
            SignedInSince => "signed in since",
            SignOutDevice => "Sign it out",
            ChangePassword => "Change password",
            CurrentPassword => "Current password",
            NewPassword => "New password",
            RepeatPassword => "New password again",
            SignOutOthers => "Sign out on every other device",
            PasswordChanged => "The password is changed.",
            PasswordTooShort => "The new password is too short: use at least 8 characters.",
            PasswordsDiffer => "The new passwords do not match.",
            CurrentPasswordWrong => "The current password is wrong.",
            PasswordRefused => "The school server did not accept the new password.",
        },
    }
}

/// A size in bytes as people read it ("1,4 МБ").
pub fn size(lang: Lang, bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    let (value, unit) = match lang {
        Lang::Ru if b < KB * KB => (b / KB, "КБ"),
        Lang::Ru => (b / KB / KB, "МБ"),
        Lang::En if b < KB * KB => (b / KB, "KB"),
        Lang::En => (b / KB / KB, "MB"),
    };
    let text = format!("{value:.1}");
    match lang {
        Lang::Ru => format!("{} {unit}", text.replace('.', ",")),
        Lang::En => format!("{text} {unit}"),
    }
}
