//! OS notifications for new messages: another person's message while the window is not in
//! front, and a mention of the signed-in person always. Messages from before the session
//! started (history being synced) never notify. Shown through tauri-plugin-notification (the
//! desktop's notification service); the switch is in Settings.

use parta_model::markup::MarkupKind;
use parta_model::view::MessageView;
use tauri::{AppHandle, Manager, Runtime};

use crate::prefs;

/// A lesson reminder's title and body, `minutes_left` before it starts.
pub fn reminder_text(
    lesson: &parta_model::lessons::Lesson,
    minutes_left: i64,
    english: bool,
) -> (String, String) {
    let minutes_left = minutes_left.max(1);
    let title = if english {
        format!("Lesson in {minutes_left} min: {}", lesson.subject)
    } else {
        format!("Занятие через {minutes_left} мин: {}", lesson.subject)
    };
    let body = match (&lesson.link, english) {
        (Some(_), false) => format!(
            "{} · {}. Подключиться можно в разделе «Занятия».",
            lesson.class_name, lesson.teacher_name
        ),
        (Some(_), true) => format!(
            "{} · {}. Join from the Lessons section.",
            lesson.class_name, lesson.teacher_name
        ),
        (None, _) => format!("{} · {}", lesson.class_name, lesson.teacher_name),
    };
    (title, body)
}

/// Reminds of a lesson (when notifications are on), whether the window is shown or not.
pub fn lesson<R: Runtime>(app: &AppHandle<R>, lesson: &parta_model::lessons::Lesson, now_ms: i64) {
    use tauri_plugin_notification::NotificationExt;
    let chosen = prefs::current(app);
    if !chosen.notifications {
        return;
    }
    let minutes_left = (lesson.starts_at - now_ms + 59_999) / 60_000;
    let (title, body) = reminder_text(lesson, minutes_left, chosen.english());
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(error = %e, "a lesson reminder could not be shown");
    }
}

/// Longest text shown in a notification.
const MAX_BODY_CHARS: usize = 140;

/// Whether `message` should make a notification for `me`, seen at `now_ms`, with the window
/// `focused` or not, for a session that started at `since_ms`.
pub fn wanted(message: &MessageView, me: Option<i64>, focused: bool, since_ms: i64) -> bool {
    if message.is_own || message.timestamp < since_ms {
        return false;
    }
    // A parent's message in a teacher's quiet hours is shown, but does not call her.
    if message
        .silent_until
        .is_some_and(|until| until > parta_client::now_ms())
    {
        return false;
    }
    let mentioned = me.is_some_and(|me| {
        message
            .markup
            .iter()
            .any(|m| m.kind == MarkupKind::UserMention && m.user_id == Some(me))
    });
    mentioned || !focused
}

/// Parents' messages that arrived in a teacher's quiet hours, held for one notification when
/// the hours end (not one per message at eight in the morning).
#[derive(Debug, Default)]
pub struct Held {
    until: Option<i64>,
    count: u32,
}

impl Held {
    /// Holds one more message until `until`; `true` for the first one held, which starts the
    /// wait.
    pub fn hold(&mut self, until: i64) -> bool {
        self.count += 1;
        let first = self.until.is_none();
        self.until = Some(self.until.map_or(until, |held| held.max(until)));
        first
    }

    /// When the held messages may be told.
    pub fn until(&self) -> Option<i64> {
        self.until
    }

    /// How many were held, emptying it.
    pub fn release(&mut self) -> u32 {
        self.until = None;
        std::mem::take(&mut self.count)
    }
}

static HELD: std::sync::Mutex<Held> = std::sync::Mutex::new(Held {
    until: None,
    count: 0,
});

fn held() -> std::sync::MutexGuard<'static, Held> {
    HELD.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The notification for `count` messages held through quiet hours.
pub fn held_text(count: u32, english: bool) -> (String, String) {
    if english {
        (
            "Parta: your quiet hours are over".to_owned(),
            format!("Parents' messages while they lasted: {count}"),
        )
    } else {
        (
            "Парта: тихие часы закончились".to_owned(),
            format!("Сообщений от родителей за это время: {count}"),
        )
    }
}

/// Holds a message that arrived in quiet hours; when the hours end, one notification tells
/// how many came (if notifications are still on then).
fn hold<R: Runtime>(app: &AppHandle<R>, until: i64) {
    if !held().hold(until) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        use tauri_plugin_notification::NotificationExt;
        // A later message may move the end further; wait until the last one's.
        loop {
            let next = held().until();
            let Some(until) = next else {
                break;
            };
            let left = until - parta_client::now_ms();
            if left <= 0 {
                break;
            }
            let wait = std::time::Duration::from_millis(u64::try_from(left).unwrap_or(0));
            tokio::time::sleep(wait).await;
        }
        let count = held().release();
        let chosen = prefs::current(&app);
        if count == 0 || !chosen.notifications {
            return;
        }
        let (title, body) = held_text(count, chosen.english());
        if let Err(e) = app.notification().builder().title(title).body(body).show() {
            tracing::warn!(error = %e, "the quiet hours' notification could not be shown");
        }
    });
}

/// Shows the notification for `message`, if wanted and switched on; one that arrived in
/// quiet hours is held for a notification when they end.
pub fn message<R: Runtime>(
    app: &AppHandle<R>,
    message: &MessageView,
    me: Option<i64>,
    since_ms: i64,
) {
    use tauri_plugin_notification::NotificationExt;
    if !prefs::current(app).notifications {
        return;
    }
    if let Some(until) = message.silent_until
        && !message.is_own
        && message.timestamp >= since_ms
        && until > parta_client::now_ms()
    {
        hold(app, until);
        return;
    }
    let focused = app
        .get_webview_window("main")
        .and_then(|w| w.is_focused().ok())
        .unwrap_or(false);
    if !wanted(message, me, focused, since_ms) {
        return;
    }
    let mut body: String = message.text.chars().take(MAX_BODY_CHARS).collect();
    if message.text.chars().count() > MAX_BODY_CHARS {
        body.push('…');
    }
    if body.is_empty() {
        body = message
            .attachments
            .first()
            .map(|a| a.name.clone())
            .unwrap_or_default();
    }
    if let Err(e) = app
        .notification()
        .builder()
        .title(&message.sender_name)
        .body(body)
        .show()
    {
        tracing::warn!(error = %e, "a notification could not be shown");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parta_model::markup::Markup;

    fn from_other(at: i64) -> MessageView {
        MessageView {
            mid: "mid.1".into(),
            chat_id: 1,
            seq: 1,
            sender_id: Some(7),
            sender_name: "Елена Морозова".into(),
            sender_via_max: false,
            text: "Анна Сергеевна, вопрос".into(),
            timestamp: at,
            is_own: false,
            delivery: Default::default(),
            attachments: Vec::new(),
            reply_to: None,
            markup: Vec::new(),
            max_state: None,
            silent_until: None,
        }
    }

    #[test]
    fn messages_held_through_quiet_hours_are_told_once_when_the_last_hours_end() {
        let mut held = Held::default();
        assert!(held.hold(1_000), "the first one starts the wait");
        assert!(!held.hold(900), "later ones join it");
        assert!(!held.hold(2_000));
        assert_eq!(held.until(), Some(2_000), "until the latest end");
        assert_eq!(held.release(), 3);
        assert_eq!((held.until(), held.release()), (None, 0));
        assert!(held.hold(5_000), "a new evening starts a new wait");
        let (title, body) = held_text(3, false);
        assert!(
            title.contains("тихие часы") && body.ends_with('3'),
            "{title}: {body}"
        );
    }

    #[test]
    fn a_message_in_ones_quiet_hours_does_not_notify_until_they_end() {
        let now = parta_client::now_ms();
        let mut quiet = from_other(now);
        quiet.silent_until = Some(now + 3_600_000);
        assert!(
            !wanted(&quiet, Some(1), false, 0),
            "in quiet hours: no call"
        );
        quiet.silent_until = Some(now - 1);
        assert!(wanted(&quiet, Some(1), false, 0), "after them: as usual");
    }

    #[test]
    fn others_messages_notify_only_while_the_window_is_not_in_front() {
        assert!(wanted(&from_other(100), Some(2), false, 50));
        assert!(!wanted(&from_other(100), Some(2), true, 50));
        let own = MessageView {
            is_own: true,
            ..from_other(100)
        };
        assert!(!wanted(&own, Some(2), false, 50), "never one's own");
        assert!(
            !wanted(&from_other(10), Some(2), false, 50),
            "history synced after the start is not news"
        );
    }

    #[test]
    fn a_mention_notifies_even_in_front() {
        let mut mention = from_other(100);
        mention.markup.push(Markup {
            kind: MarkupKind::UserMention,
            from: 0,
            length: 14,
            url: None,
            user_id: Some(2),
            user_link: None,
        });
        assert!(wanted(&mention, Some(2), true, 50));
        assert!(
            !wanted(&mention, Some(3), true, 50),
            "someone else's mention"
        );
    }

    #[test]
    fn a_lesson_reminder_names_the_lesson_the_class_and_the_time_left() {
        let lesson = parta_model::lessons::Lesson {
            id: 1,
            class_id: 1,
            class_name: "5А".into(),
            subject: "Математика".into(),
            teacher_id: 2,
            teacher_name: "Анна Сергеевна Соколова".into(),
            kind: parta_model::lessons::LessonKind::Lesson,
            starts_at: 0,
            duration_min: 45,
            link: Some("https://vk.com/call/join/x".into()),
            notes: None,
            cancelled: false,
            participants: Vec::new(),
            materials: Vec::new(),
        };
        let (title, body) = reminder_text(&lesson, 10, false);
        assert_eq!(title, "Занятие через 10 мин: Математика");
        assert!(body.starts_with("5А · Анна Сергеевна Соколова") && body.contains("«Занятия»"));
        let (title, _) = reminder_text(&lesson, 0, true);
        assert_eq!(title, "Lesson in 1 min: Математика", "never 'in 0 min'");
    }
}
