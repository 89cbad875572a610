//! Online lessons: the timetable, recording consent, presence, materials, joining.

use super::*;

/// The lessons starting in `[from, to)` (Занятия): from the server, or the cache offline.
#[tauri::command(rename_all = "snake_case")]
pub async fn lessons(shell: State<'_, Shell>, args: cmd::Lessons) -> Reply<ReplyOf<cmd::Lessons>> {
    let cmd::Lessons { from, to } = args;
    shell
        .with_session(|s| async move {
            let (lessons, offline) = s.lessons(from, to).await?;
            Ok(parta_model::view::LessonsView { lessons, offline })
        })
        .await
}

/// Whether a lesson may be recorded.
#[tauri::command(rename_all = "snake_case")]
pub async fn lesson_recording(
    shell: State<'_, Shell>,
    args: cmd::LessonRecording,
) -> Reply<ReplyOf<cmd::LessonRecording>> {
    let cmd::LessonRecording { id } = args;
    shell
        .with_session(|s| async move { s.lesson_recording(id).await })
        .await
}

/// A parent's answer about recording a lesson.
#[tauri::command(rename_all = "snake_case")]
pub async fn lesson_consent(
    shell: State<'_, Shell>,
    args: cmd::LessonConsent,
) -> Reply<ReplyOf<cmd::LessonConsent>> {
    let cmd::LessonConsent { id, consent } = args;
    shell
        .with_session(|s| async move { s.answer_lesson_consent(id, consent).await })
        .await
}

/// Reports joining ("Подключиться") or leaving a lesson, for the recording consent (6.4).
#[tauri::command(rename_all = "snake_case")]
pub async fn lesson_presence(
    shell: State<'_, Shell>,
    args: cmd::LessonPresence,
) -> Reply<ReplyOf<cmd::LessonPresence>> {
    let cmd::LessonPresence { id, present } = args;
    shell
        .with_session(|s| async move { s.lesson_presence(id, present).await })
        .await
}

/// The teacher starts or stops a lesson's recording.
#[tauri::command(rename_all = "snake_case")]
pub async fn lesson_recording_switch(
    shell: State<'_, Shell>,
    args: cmd::LessonRecordingSwitch,
) -> Reply<ReplyOf<cmd::LessonRecordingSwitch>> {
    let cmd::LessonRecordingSwitch { id, recording } = args;
    shell
        .with_session(|s| async move { s.switch_lesson_recording(id, recording).await })
        .await
}

/// A teacher adds materials to a lesson: the files are chosen here in the shell (the page
/// never names a path), checked by the school's rules and uploaded; returns the lesson, or
/// `None` if nothing was chosen.
#[tauri::command(rename_all = "snake_case")]
pub async fn add_lesson_materials(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    args: cmd::AddLessonMaterials,
) -> Reply<ReplyOf<cmd::AddLessonMaterials>> {
    let cmd::AddLessonMaterials { id } = args;
    let paths = choose(&app, None).await;
    if paths.is_empty() {
        return Ok(None);
    }
    shell
        .with_session(|s| async move { s.add_lesson_materials(id, &paths).await.map(Some) })
        .await
}

/// The largest timetable file read.
const MAX_TIMETABLE_BYTES: u64 = 1024 * 1024;

/// A class teacher chooses a timetable CSV file: its text (UTF-8, at most 1 MiB), or `None` if
/// nothing was chosen. Only the chosen file is read, in the shell.
#[tauri::command(rename_all = "snake_case")]
pub async fn pick_timetable_csv(app: tauri::AppHandle) -> Reply<ReplyOf<cmd::PickTimetableCsv>> {
    let Some(path) = choose(&app, Some(("CSV", &["csv", "txt"])))
        .await
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = tokio::fs::metadata(&path)
        .await
        .map_err(|e| invalid(format!("{name}: не удаётся открыть файл ({e})")))?;
    if !meta.is_file() || meta.len() > MAX_TIMETABLE_BYTES {
        return Err(invalid(format!("{name}: нужен файл CSV размером до 1 МБ")));
    }
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| invalid(format!("{name}: не удаётся прочитать файл ({e})")))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        invalid(format!(
            "{name}: файл не в кодировке UTF-8; сохраните его из таблицы как «CSV UTF-8»"
        ))
    })?;
    Ok(Some(text.trim_start_matches('\u{feff}').to_owned()))
}

/// "Подключиться": opens a lesson's video-conference link in the system browser (or the
/// conference app that claims it): https only, never a file or another scheme.
#[tauri::command(rename_all = "snake_case")]
pub async fn join_lesson(
    app: tauri::AppHandle,
    args: cmd::JoinLesson,
) -> Reply<ReplyOf<cmd::JoinLesson>> {
    let cmd::JoinLesson { url } = args;
    if !is_conference_link(&url) {
        return Err(invalid(
            "Only https links to a video conference can be opened",
        ));
    }
    super::files::open_link(app, cmd::OpenLink { url }).await
}
