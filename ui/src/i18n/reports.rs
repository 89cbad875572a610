//! Reports of messages (procedure 6.2, 9.1), in Russian and English: the reporter's form and
//! list, and the handlers' tab.

use parta_model::school::{ReportReason, ReportStatus};

use super::Lang;

/// A text about reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum R {
    Report,
    Why,
    Note,
    NoteRequired,
    Send,
    Cancel,
    Sent,
    OpenOnly,
    NoReports,
    ReportedBy,
    Author,
    DeleteMessage,
    RestrictAuthor,
    Dismiss,
    RestrictReason,
    Days,
    ReadOnly,
    Blocked,
    Apply,
    Mine,
    NoneMine,
    HandledBy,
}

/// The text of `key` in `lang`.
pub fn tr(lang: Lang, key: R) -> &'static str {
    use R::*;
    match lang {
        Lang::Ru => match key {
            Report => "Пожаловаться",
            Why => "Что не так с сообщением?",
            Note => "Своими словами",
            NoteRequired => "Напишите своими словами, что не так.",
            Send => "Отправить жалобу",
            Cancel => "Отмена",
            Sent => {
                "Жалоба отправлена администраторам чата. Решение появится в Настройках → Мои жалобы."
            }
            OpenOnly => "Только нерассмотренные",
            NoReports => "Жалоб нет.",
            ReportedBy => "Пожаловался(ась)",
            Author => "Автор",
            DeleteMessage => "Удалить сообщение",
            RestrictAuthor => "Ограничить автора",
            Dismiss => "Отклонить",
            RestrictReason => "Причина ограничения",
            Days => "Дней",
            ReadOnly => "Только чтение",
            Blocked => "Закрыть доступ",
            Apply => "Применить",
            Mine => "Мои жалобы",
            NoneMine => "Вы ещё не жаловались на сообщения.",
            HandledBy => "Рассмотрел(а)",
        },
        Lang::En => match key {
            Report => "Report",
            Why => "What is wrong with the message?",
            Note => "In your own words",
            NoteRequired => "Say in your own words what is wrong.",
            Send => "Send the report",
            Cancel => "Cancel",
            Sent => {
                "The report went to the chat's administrators. Their decision will show in Settings → My reports."
            }
            OpenOnly => "Open only",
            NoReports => "No reports.",
            ReportedBy => "Reported by",
            Author => "Author",
            DeleteMessage => "Delete the message",
            RestrictAuthor => "Restrict the author",
            Dismiss => "Dismiss",
            RestrictReason => "Reason for the restriction",
            Days => "Days",
            ReadOnly => "Read only",
            Blocked => "Block",
            Apply => "Apply",
            Mine => "My reports",
            NoneMine => "You have not reported any message.",
            HandledBy => "Handled by",
        },
    }
}

/// A reason from procedure 6.2's list, as the form offers it.
pub fn reason(lang: Lang, reason: ReportReason) -> &'static str {
    match (lang, reason) {
        (Lang::Ru, ReportReason::Abusive) => {
            "Нецензурные, оскорбительные или дискриминирующие слова"
        }
        (Lang::Ru, ReportReason::OffTopic) => "Не относится к учёбе",
        (Lang::Ru, ReportReason::Copyright) => "Нарушает авторские права",
        (Lang::Ru, ReportReason::PersonalData) => "Персональные данные",
        (Lang::Ru, ReportReason::Other) => "Другое",
        (Lang::En, ReportReason::Abusive) => "Obscene, insulting or discriminatory words",
        (Lang::En, ReportReason::OffTopic) => "Unrelated to education",
        (Lang::En, ReportReason::Copyright) => "Breaks copyright",
        (Lang::En, ReportReason::PersonalData) => "Personal data",
        (Lang::En, ReportReason::Other) => "Other",
    }
}

/// Where a report stands.
pub fn status(lang: Lang, status: ReportStatus) -> &'static str {
    match (lang, status) {
        (Lang::Ru, ReportStatus::Open) => "На рассмотрении",
        (Lang::Ru, ReportStatus::Deleted) => "Сообщение удалено",
        (Lang::Ru, ReportStatus::Restricted) => "Автор ограничен",
        (Lang::Ru, ReportStatus::Dismissed) => "Нарушения не найдено",
        (Lang::En, ReportStatus::Open) => "Under review",
        (Lang::En, ReportStatus::Deleted) => "The message was deleted",
        (Lang::En, ReportStatus::Restricted) => "The author was restricted",
        (Lang::En, ReportStatus::Dismissed) => "No violation found",
    }
}
