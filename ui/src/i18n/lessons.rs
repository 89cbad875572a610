//! The Занятия section's texts, in Russian and English.

use parta_model::lessons::LessonKind;

use super::Lang;

/// A text of the Занятия section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum L {
    Section,
    Today,
    Week,
    Next,
    NowOn,
    Join,
    NoLink,
    CheckMedia,
    MediaAsking,
    MediaUnavailable,
    NoCamera,
    NoMicrophone,
    CameraRefused,
    MicrophoneRefused,
    CameraBusy,
    MicrophoneBusy,
    CameraWorks,
    MicrophoneWorks,
    PlaySound,
    SoundPlayed,
    NoSpeakers,
    NoLessons,
    NoLessonsToday,
    FromCache,
    Cancelled,
    Notes,
    Teacher,
    Recording,
    ConsentYes,
    ConsentNo,
    YouConsented,
    YouDeclined,
    ConsentHint,
    PupilConsentHint,
    ParentConsented,
    ParentDeclined,
    ParentNotAnswered,
    Tomorrow,
    Loading,
    NewLesson,
    Class,
    Subject,
    Date,
    Time,
    Duration,
    Kind,
    Link,
    LinkHint,
    Create,
    MoveTo,
    Move,
    CancelLesson,
    ConfirmCancel,
    Yes,
    No,
    FillLesson,
    ImportTimetable,
    TermStart,
    TermEnd,
    Holidays,
    HolidaysHint,
    CsvText,
    CsvHint,
    Preview,
    Import,
    Month,
    NoLessonsMonth,
    PrevMonth,
    NextMonth,
    WholeClass,
    SomeParents,
    PickInvited,
    Invited,
    Materials,
    AddMaterials,
    ChooseCsv,
    RecordingOn,
    RecordingOff,
    StartRecording,
    StopRecording,
    Present,
    YouAreIn,
    Leave,
    Log,
}

/// The text of `key` in `lang`.
pub fn tl(lang: Lang, key: L) -> &'static str {
    use L::*;
    match lang {
        Lang::Ru => match key {
            Section => "Занятия",
            Today => "Сегодня",
            Week => "Неделя",
            Next => "Следующее занятие",
            NowOn => "Идёт сейчас",
            Join => "Подключиться",
            NoLink => "Ссылку на видеовстречу учитель ещё не добавил",
            CheckMedia => "Проверить камеру и звук",
            MediaAsking => "Проверяем…",
            MediaUnavailable => "Камера и микрофон недоступны в этом окне.",
            NoCamera => "Камера не найдена: подключите её и проверьте снова.",
            NoMicrophone => "Микрофон не найден: подключите его или гарнитуру и проверьте снова.",
            CameraRefused => "Доступ к камере запрещён в настройках системы.",
            MicrophoneRefused => "Доступ к микрофону запрещён в настройках системы.",
            CameraBusy => "Камера занята другой программой: закройте её и проверьте снова.",
            MicrophoneBusy => "Микрофон занят другой программой: закройте её и проверьте снова.",
            CameraWorks => "Камера работает",
            MicrophoneWorks => "Микрофон работает — скажите что-нибудь",
            PlaySound => "Проиграть звук",
            SoundPlayed => "Звук проигран — вы его услышали?",
            NoSpeakers => "Звук не проигрывается: проверьте колонки или наушники.",
            NoLessons => "На этой неделе занятий нет",
            NoLessonsToday => "Сегодня занятий нет",
            FromCache => "Нет связи: расписание сохранено на этом компьютере и может быть неполным",
            Cancelled => "Отменено",
            Notes => "Заметки",
            Teacher => "Ведёт",
            Recording => "Запись занятия",
            ConsentYes => "Согласен на запись",
            ConsentNo => "Не согласен",
            YouConsented => "Вы дали согласие на запись",
            YouDeclined => "Вы не дали согласия на запись",
            PupilConsentHint => {
                "Записывать занятие можно, только если согласны все участники. За тебя отвечает твой родитель (п. 6.4 положения)."
            }
            ParentConsented => "Твой родитель согласен на запись",
            ParentDeclined => "Твой родитель не согласен на запись",
            ParentNotAnswered => "Твой родитель ещё не ответил про запись",
            ConsentHint => {
                "Записывать занятие можно, только если согласны все участники (п. 6.4 положения). Ответ можно изменить в любой момент."
            }
            Tomorrow => "Завтра",
            Loading => "Загрузка расписания…",
            NewLesson => "Новое занятие",
            Class => "Класс",
            Subject => "Предмет или тема",
            Date => "Дата",
            Time => "Начало",
            Duration => "Длительность, мин",
            Kind => "Вид",
            Link => "Ссылка на видеовстречу",
            LinkHint => "Только https://, например ссылка на звонок в MAX",
            Create => "Запланировать",
            MoveTo => "Перенести на",
            Move => "Перенести",
            CancelLesson => "Отменить занятие",
            ConfirmCancel => "Отменить занятие? Родители класса увидят, что его не будет.",
            Yes => "Да, отменить",
            No => "Нет",
            FillLesson => "Укажите класс, предмет, дату и время начала.",
            ImportTimetable => "Расписание из CSV",
            TermStart => "Начало четверти",
            TermEnd => "Конец четверти",
            Holidays => "Каникулы и выходные",
            HolidaysHint => "Через запятую: 2026-11-02..2026-11-08, 2026-12-31",
            CsvText => "Расписание недели (CSV)",
            CsvHint => {
                "Столбцы weekday,start,duration_min,subject и по желанию teacher,link,kind — см. docs/timetable-csv.md"
            }
            Preview => "Проверить",
            Import => "Импортировать",
            Month => "Месяц",
            NoLessonsMonth => "В этом месяце занятий нет",
            PrevMonth => "Предыдущий месяц",
            NextMonth => "Следующий месяц",
            WholeClass => "Все родители класса",
            SomeParents => "Только выбранные родители",
            PickInvited => "Отметьте, кого пригласить, или выберите всех родителей класса.",
            Invited => "Приглашены",
            Materials => "Материалы",
            AddMaterials => "Добавить материалы…",
            ChooseCsv => "Выбрать файл CSV…",
            RecordingOn => "Идёт запись",
            RecordingOff => "Запись не ведётся",
            StartRecording => "Начать запись",
            StopRecording => "Остановить запись",
            Present => "На занятии",
            YouAreIn => "Вы на занятии",
            Leave => "Я вышел из занятия",
            Log => "Журнал занятия",
        },
        Lang::En => match key {
            Section => "Lessons",
            Today => "Today",
            Week => "Week",
            Next => "Next lesson",
            NowOn => "On now",
            Join => "Join",
            NoLink => "The teacher has not added a meeting link yet",
            CheckMedia => "Check camera and sound",
            MediaAsking => "Checking…",
            MediaUnavailable => "The camera and microphone are not available in this window.",
            NoCamera => "No camera was found: connect one and check again.",
            NoMicrophone => "No microphone was found: connect one or a headset and check again.",
            CameraRefused => "Access to the camera is refused in the system's settings.",
            MicrophoneRefused => "Access to the microphone is refused in the system's settings.",
            CameraBusy => "Another program is using the camera: close it and check again.",
            MicrophoneBusy => "Another program is using the microphone: close it and check again.",
            CameraWorks => "The camera works",
            MicrophoneWorks => "The microphone works — say something",
            PlaySound => "Play a sound",
            SoundPlayed => "A sound was played — did you hear it?",
            NoSpeakers => "No sound plays: check the speakers or headphones.",
            NoLessons => "No lessons this week",
            NoLessonsToday => "No lessons today",
            FromCache => "Offline: the timetable saved on this computer, possibly incomplete",
            Cancelled => "Cancelled",
            Notes => "Notes",
            Teacher => "Teacher",
            Recording => "Recording",
            ConsentYes => "I agree to recording",
            ConsentNo => "I do not agree",
            YouConsented => "You agreed to recording",
            YouDeclined => "You did not agree to recording",
            PupilConsentHint => {
                "A lesson may be recorded only if every participant agrees. Your parent answers for you (clause 6.4)."
            }
            ParentConsented => "Your parent agreed to recording",
            ParentDeclined => "Your parent did not agree to recording",
            ParentNotAnswered => "Your parent has not answered about recording yet",
            ConsentHint => {
                "A lesson may be recorded only if every participant agrees (clause 6.4). You can change your answer at any time."
            }
            Tomorrow => "Tomorrow",
            Loading => "Loading the timetable…",
            NewLesson => "New lesson",
            Class => "Class",
            Subject => "Subject or topic",
            Date => "Date",
            Time => "Starts at",
            Duration => "Duration, min",
            Kind => "Kind",
            Link => "Video meeting link",
            LinkHint => "https:// only, e.g. a MAX call link",
            Create => "Plan it",
            MoveTo => "Move to",
            Move => "Move",
            CancelLesson => "Cancel the lesson",
            ConfirmCancel => "Cancel the lesson? The class's parents will see it is off.",
            Yes => "Yes, cancel",
            No => "No",
            FillLesson => "Give the class, subject, date and start time.",
            ImportTimetable => "Timetable from CSV",
            TermStart => "Term starts",
            TermEnd => "Term ends",
            Holidays => "Holidays",
            HolidaysHint => "Comma-separated: 2026-11-02..2026-11-08, 2026-12-31",
            CsvText => "The week's timetable (CSV)",
            CsvHint => {
                "Columns weekday,start,duration_min,subject and optionally teacher,link,kind — see docs/timetable-csv.md"
            }
            Preview => "Preview",
            Import => "Import",
            Month => "Month",
            NoLessonsMonth => "No lessons this month",
            PrevMonth => "Previous month",
            NextMonth => "Next month",
            WholeClass => "All the class's parents",
            SomeParents => "Only the parents chosen",
            PickInvited => "Tick whom to invite, or choose all the class's parents.",
            Invited => "Invited",
            Materials => "Materials",
            AddMaterials => "Add materials…",
            ChooseCsv => "Choose a CSV file…",
            RecordingOn => "Recording",
            RecordingOff => "Not recording",
            StartRecording => "Start recording",
            StopRecording => "Stop recording",
            Present => "In the lesson",
            YouAreIn => "You are in the lesson",
            Leave => "I have left the lesson",
            Log => "Lesson log",
        },
    }
}

/// What kind of meeting it is.
pub fn kind(lang: Lang, kind: LessonKind) -> &'static str {
    match (lang, kind) {
        (Lang::Ru, LessonKind::Lesson) => "Урок",
        (Lang::Ru, LessonKind::Consultation) => "Консультация",
        (Lang::Ru, LessonKind::ParentsMeeting) => "Родительское собрание",
        (Lang::En, LessonKind::Lesson) => "Lesson",
        (Lang::En, LessonKind::Consultation) => "Consultation",
        (Lang::En, LessonKind::ParentsMeeting) => "Parents' meeting",
    }
}

/// "Запись разрешена: 24 из 24" / "Запись запрещена: нет согласия 2 участников".
pub fn recording_status(lang: Lang, allowed: bool, consented: u32, participants: u32) -> String {
    let missing = participants.saturating_sub(consented);
    match (lang, allowed) {
        (Lang::Ru, true) => format!("Запись разрешена: {consented} из {participants}"),
        (Lang::Ru, false) => format!(
            "Запись запрещена: нет согласия {missing} {}",
            if missing % 10 == 1 && missing % 100 != 11 {
                "участника"
            } else {
                "участников"
            }
        ),
        (Lang::En, true) => format!("Recording allowed: {consented} of {participants}"),
        (Lang::En, false) => format!(
            "Recording not allowed: {missing} participant{} not agreed",
            if missing == 1 { " has" } else { "s have" }
        ),
    }
}

/// One entry of a lesson's log: "Ольга Третьякова подключилась" reads without gendered verbs
/// as "Ольга Третьякова: подключение".
pub fn event(lang: Lang, kind: parta_model::lessons::LessonEventKind) -> &'static str {
    use parta_model::lessons::LessonEventKind as K;
    match (lang, kind) {
        (Lang::Ru, K::Joined) => "подключение",
        (Lang::Ru, K::Left) => "выход",
        (Lang::Ru, K::RecordingStarted) => "запись начата",
        (Lang::Ru, K::RecordingStopped) => "запись остановлена",
        (Lang::Ru, K::StoppedConsentWithdrawn) => "отзыв согласия — запись остановлена",
        (Lang::Ru, K::StoppedJoinedWithoutConsent) => {
            "подключение без согласия — запись остановлена"
        }
        (Lang::En, K::Joined) => "joined",
        (Lang::En, K::Left) => "left",
        (Lang::En, K::RecordingStarted) => "recording started",
        (Lang::En, K::RecordingStopped) => "recording stopped",
        (Lang::En, K::StoppedConsentWithdrawn) => "withdrew consent — recording stopped",
        (Lang::En, K::StoppedJoinedWithoutConsent) => "joined without consent — recording stopped",
    }
}

/// "через 2 ч 15 мин" until a start `ms_left` away (at least a minute).
pub fn starts_in(lang: Lang, ms_left: i64) -> String {
    let minutes = (ms_left + 59_999) / 60_000;
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    match lang {
        Lang::Ru if days > 0 => format!("через {days} д {hours} ч"),
        Lang::Ru if hours > 0 => format!("через {hours} ч {mins} мин"),
        Lang::Ru => format!("через {mins} мин"),
        Lang::En if days > 0 => format!("in {days} d {hours} h"),
        Lang::En if hours > 0 => format!("in {hours} h {mins} min"),
        Lang::En => format!("in {mins} min"),
    }
}

/// "Ноябрь 2026": a month (0 January … 11 December) as a calendar's title (Russian in the
/// nominative; the English name is the one dates use).
pub fn month_title(lang: Lang, month: u32, year: u32) -> String {
    const RU: [&str; 12] = [
        "Январь",
        "Февраль",
        "Март",
        "Апрель",
        "Май",
        "Июнь",
        "Июль",
        "Август",
        "Сентябрь",
        "Октябрь",
        "Ноябрь",
        "Декабрь",
    ];
    match lang {
        Lang::Ru => format!("{} {year}", RU[(month % 12) as usize]),
        Lang::En => format!("{} {year}", super::month(lang, month)),
    }
}

/// A weekday's short name: 0 Sunday … 6 Saturday.
pub fn weekday(lang: Lang, day: u32) -> &'static str {
    const RU: [&str; 7] = ["Вс", "Пн", "Вт", "Ср", "Чт", "Пт", "Сб"];
    const EN: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    let i = (day % 7) as usize;
    match lang {
        Lang::Ru => RU[i],
        Lang::En => EN[i],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recording_status_reads_as_a_sentence_in_both_languages() {
        assert_eq!(
            recording_status(Lang::Ru, true, 24, 24),
            "Запись разрешена: 24 из 24"
        );
        assert_eq!(
            recording_status(Lang::Ru, false, 22, 24),
            "Запись запрещена: нет согласия 2 участников"
        );
        assert_eq!(
            recording_status(Lang::Ru, false, 20, 21),
            "Запись запрещена: нет согласия 1 участника"
        );
        assert_eq!(
            recording_status(Lang::En, false, 0, 1),
            "Recording not allowed: 1 participant has not agreed"
        );
    }

    #[test]
    fn the_countdown_rounds_up_to_the_minute() {
        assert_eq!(starts_in(Lang::Ru, 1), "через 1 мин");
        assert_eq!(starts_in(Lang::Ru, 135 * 60_000), "через 2 ч 15 мин");
        assert_eq!(starts_in(Lang::En, (26 * 60 + 5) * 60_000), "in 1 d 2 h");
    }
}
