//! The composer's toolbar and scheduled sending, in Russian and English.

use super::Lang;

/// A text of the composer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum C {
    Formatting,
    Bold,
    Italic,
    Strike,
    Underline,
    Code,
    Link,
    SendLater,
    SendAt,
    Schedule,
    WillSend,
    QuietNow,
    CancelScheduled,
    PickTime,
    NeedsNetwork,
    Attach,
    RemoveFile,
    Files,
    AllFiles,
    Documents,
    Images,
    Videos,
    Audio,
    AllChats,
    Kept,
    NotKept,
    Open,
    NoFiles,
    Edit,
    Delete,
    ConfirmDelete,
    Editing,
    CancelEdit,
    Save,
    WarnEthics,
    WarnPersonal,
    WarnPersonalFile,
    WarnBook,
    WarnVideo,
    SendAnyway,
    FixIt,
    Announce,
    AskAck,
    AlsoTo,
    Post,
    AnnounceNoFiles,
    WhoRead,
    ForInformation,
    WritePrivately,
    PrivateRefused,
    NewChat,
    ChatTitle,
    Members,
    Create,
    Rename,
    Add,
    Remove,
    PickMembers,
}

/// The text of `key` in `lang`.
pub fn tc(lang: Lang, key: C) -> &'static str {
    use C::*;
    match lang {
        Lang::Ru => match key {
            Formatting => "Форматирование",
            Bold => "Жирный (Ctrl+B)",
            Italic => "Курсив (Ctrl+I)",
            Strike => "Зачёркнутый",
            Underline => "Подчёркнутый",
            Code => "Моноширинный",
            Link => "Ссылка",
            SendLater => "Отправить позже",
            SendAt => "Когда отправить",
            Schedule => "Запланировать",
            WillSend => "Будет отправлено",
            QuietNow => "{name}: тихие часы до {until}. Сообщение придёт, но без уведомления.",
            CancelScheduled => "Отменить",
            PickTime => "Выберите время в будущем.",
            NeedsNetwork => "Запланировать можно только при связи с сервером школы.",
            Attach => "Прикрепить файл",
            RemoveFile => "Убрать файл",
            Files => "Файлы",
            AllFiles => "Все",
            Documents => "Документы",
            Images => "Изображения",
            Videos => "Видео",
            Audio => "Аудио",
            AllChats => "Все чаты",
            Kept => "На компьютере",
            NotKept => "Не скачан",
            Open => "Открыть",
            NoFiles => "Файлов пока нет.",
            Edit => "Изменить",
            Delete => "Удалить",
            ConfirmDelete => "Удалить для всех?",
            Editing => "Изменение сообщения",
            CancelEdit => "Отменить изменение",
            Save => "Сохранить",
            WarnEthics => {
                "В сообщении есть грубые, оскорбительные или дискриминирующие слова: правила \
                 школы этого не допускают (п. 6.1, 6.2)."
            }
            WarnPersonal => {
                "В сообщении, похоже, есть персональные данные (телефон, номер документа или \
                 карты): в общих чатах их публиковать нельзя (п. 5.1, 8)."
            }
            WarnPersonalFile => {
                "В файле «{name}», похоже, есть персональные данные (телефон, номер документа \
                 или карты): в общих чатах их публиковать нельзя (п. 5.1, 8)."
            }
            WarnBook => {
                "«{name}» похож на целую книгу. В чат класса — только материалы для учёбы и без \
                 нарушения авторских прав (п. 6.2): может быть, хватит ссылки или нужных страниц?"
            }
            WarnVideo => {
                "«{name}» — видеофайл. В чат класса — только материалы для учёбы и без \
                 нарушения авторских прав (п. 6.2): проверьте, что его можно здесь публиковать."
            }
            SendAnyway => "Всё равно отправить",
            FixIt => "Исправить",
            Announce => "Объявление",
            AskAck => "Попросить отметить «Ознакомлен»",
            AlsoTo => "Также в чаты",
            Post => "Объявить",
            AnnounceNoFiles => "Файлы к объявлению отправьте следующим сообщением.",
            WhoRead => "Кто прочитал",
            ForInformation => "Для сведения",
            WritePrivately => "Написать лично",
            NewChat => "Новый чат",
            ChatTitle => "Название чата",
            Members => "Участники",
            Create => "Создать",
            Rename => "Переименовать",
            Add => "Добавить",
            Remove => "Удалить из чата",
            PickMembers => {
                "Отметьте, кого добавить: родителей или учеников ваших классов и коллег."
            }
            PrivateRefused => {
                "Лично можно написать учителям класса вашего ребёнка (ученику — учителям своего \
                 класса), а учителю — родителям и ученикам классов, где он ведёт уроки. Родители \
                 друг другу лично не пишут, ученики — родителям и другим ученикам."
            }
        },
        Lang::En => match key {
            Formatting => "Formatting",
            Bold => "Bold (Ctrl+B)",
            Italic => "Italic (Ctrl+I)",
            Strike => "Strikethrough",
            Underline => "Underline",
            Code => "Monospace",
            Link => "Link",
            SendLater => "Send later",
            SendAt => "When to send",
            Schedule => "Schedule",
            WillSend => "Will be sent",
            QuietNow => {
                "{name} is in quiet hours until {until}: the message arrives without a notification."
            }
            CancelScheduled => "Cancel",
            PickTime => "Choose a time in the future.",
            NeedsNetwork => "Scheduling needs a connection to the school's server.",
            Attach => "Attach a file",
            RemoveFile => "Remove the file",
            Files => "Files",
            AllFiles => "All",
            Documents => "Documents",
            Images => "Images",
            Videos => "Videos",
            Audio => "Audio",
            AllChats => "All chats",
            Kept => "On this computer",
            NotKept => "Not downloaded",
            Open => "Open",
            NoFiles => "No files yet.",
            Edit => "Edit",
            Delete => "Delete",
            ConfirmDelete => "Delete for everyone?",
            Editing => "Editing the message",
            CancelEdit => "Cancel editing",
            Save => "Save",
            WarnEthics => {
                "The message has rude, insulting or discriminatory words: the school's rules do \
                 not allow them (6.1, 6.2)."
            }
            WarnPersonal => {
                "The message seems to hold personal data (a phone, document or card number): \
                 it must not be posted in shared chats (5.1, 8)."
            }
            WarnPersonalFile => {
                "The file «{name}» seems to hold personal data (a phone, document or card \
                 number): it must not be posted in shared chats (5.1, 8)."
            }
            WarnBook => {
                "«{name}» looks like a whole book. A class chat is for study material that breaks \
                 no copyright (6.2): would a link or the pages needed do?"
            }
            WarnVideo => {
                "«{name}» is a video file. A class chat is for study material that breaks no \
                 copyright (6.2): check that it may be posted here."
            }
            SendAnyway => "Send anyway",
            FixIt => "Fix it",
            Announce => "Announcement",
            AskAck => "Ask readers to mark it «Acknowledged»",
            AlsoTo => "Also to the chats",
            Post => "Announce",
            AnnounceNoFiles => "Send files for the announcement in the next message.",
            WhoRead => "Who has read it",
            ForInformation => "For information",
            WritePrivately => "Write privately",
            NewChat => "New chat",
            ChatTitle => "Chat title",
            Members => "Members",
            Create => "Create",
            Rename => "Rename",
            Add => "Add",
            Remove => "Remove from the chat",
            PickMembers => "Tick whom to add: parents or pupils of your classes, and colleagues.",
            PrivateRefused => {
                "You can write privately to the teachers of your child's class (a pupil: of their \
                 own class), and a teacher to the parents and pupils of the classes they teach. \
                 Parents do not write to each other, nor pupils to parents or other pupils."
            }
        },
    }
}
