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
    CancelScheduled,
    PickTime,
    NeedsNetwork,
    Attach,
    RemoveFile,
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
            CancelScheduled => "Отменить",
            PickTime => "Выберите время в будущем.",
            NeedsNetwork => "Запланировать можно только при связи с сервером школы.",
            Attach => "Прикрепить файл",
            RemoveFile => "Убрать файл",
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
            CancelScheduled => "Cancel",
            PickTime => "Choose a time in the future.",
            NeedsNetwork => "Scheduling needs a connection to the school's server.",
            Attach => "Attach a file",
            RemoveFile => "Remove the file",
        },
    }
}
