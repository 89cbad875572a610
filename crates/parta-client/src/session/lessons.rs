//! Online lessons: the timetable (cached for offline reading), reminders, recording consent,
//! presence, the recording switch and materials.

use std::path::PathBuf;

use parta_model::view::AppEvent;

use crate::error::{Error, Result};
use crate::files;
use crate::store::OutboxFile;

use super::Session;

impl Session {
    /// The lessons starting in `[from, to)`: from the server, kept for offline reading; from
    /// the cache while offline. The flag tells whether they came from the cache.
    pub async fn lessons(
        &self,
        from: i64,
        to: i64,
    ) -> Result<(Vec<parta_model::lessons::Lesson>, bool)> {
        let inner = &self.inner;
        match inner.api.lessons(from, to).await {
            Ok(lessons) => {
                let rows = lessons
                    .iter()
                    .map(|l| {
                        serde_json::to_string(l)
                            .map(|json| (l.id, l.starts_at, json))
                            .map_err(|e| Error::Internal(format!("a lesson to cache: {e}")))
                    })
                    .collect::<Result<Vec<_>>>()?;
                inner.cache.replace_lessons(from, to, &rows).await?;
                Ok((lessons, false))
            }
            Err(Error::Offline(_) | Error::RateLimited { .. }) => {
                let cached = inner.cache.lessons(from, to).await?;
                // A row this build cannot read is skipped, not fatal: it is only a cache.
                let lessons = cached
                    .iter()
                    .filter_map(|json| serde_json::from_str(json).ok())
                    .collect();
                Ok((lessons, true))
            }
            Err(e) => Err(e),
        }
    }

    /// The lessons to remind of now: starting within `lead_ms` of `now`, not cancelled, not
    /// reminded of before on this computer (kept across restarts). Reads them fresh from the
    /// server first, or from the cache while offline.
    pub async fn lesson_reminders(
        &self,
        now: i64,
        lead_ms: i64,
    ) -> Result<Vec<parta_model::lessons::Lesson>> {
        let (lessons, _) = self.lessons(now, now + lead_ms + 1).await?;
        let mut due = Vec::new();
        for lesson in lessons {
            if lesson.cancelled || lesson.starts_at < now {
                continue;
            }
            if self
                .inner
                .cache
                .mark_reminded(lesson.id, lesson.starts_at)
                .await?
            {
                due.push(lesson);
            }
        }
        Ok(due)
    }

    /// Whether a lesson may be recorded (and, for its teacher, who answered what).
    pub async fn lesson_recording(&self, id: i64) -> Result<parta_model::lessons::RecordingStatus> {
        self.inner.api.lesson_recording(id).await
    }

    /// A parent's answer about recording a lesson, for the child.
    pub async fn answer_lesson_consent(
        &self,
        id: i64,
        consent: bool,
    ) -> Result<parta_model::lessons::RecordingStatus> {
        self.inner.api.answer_lesson_consent(id, consent).await
    }

    /// Reports joining ("Подключиться") or leaving a lesson.
    pub async fn lesson_presence(
        &self,
        id: i64,
        present: bool,
    ) -> Result<parta_model::lessons::RecordingStatus> {
        self.inner.api.lesson_presence(id, present).await
    }

    /// The teacher starts or stops a lesson's recording.
    pub async fn switch_lesson_recording(
        &self,
        id: i64,
        recording: bool,
    ) -> Result<parta_model::lessons::RecordingStatus> {
        self.inner.api.switch_lesson_recording(id, recording).await
    }

    /// Uploads files as a lesson's materials, after those it has: each checked by the school's
    /// rules first, so a refused file is a sentence before anything is sent. Nothing changes
    /// on the lesson unless every file is uploaded.
    pub async fn add_lesson_materials(
        &self,
        id: i64,
        paths: &[PathBuf],
    ) -> Result<parta_model::lessons::Lesson> {
        let rules = &self.inner.config.file_rules;
        let mut checked = Vec::with_capacity(paths.len());
        for path in paths {
            let (size, kind) = files::check(path, rules).await?;
            checked.push(OutboxFile {
                name: files::display_name(path),
                path: path.clone(),
                size,
                kind: kind.to_owned(),
                upload_url: None,
                token: None,
                sealed: false,
            });
        }
        let lesson = self.inner.api.lesson(id).await?;
        let mut tokens: Vec<String> = lesson
            .materials
            .iter()
            .filter_map(|a| {
                a.payload
                    .as_ref()?
                    .get("token")?
                    .as_str()
                    .map(str::to_owned)
            })
            .collect();
        for mut file in checked {
            let prepared = files::prepare(&self.inner.api, &mut file).await?;
            let (events, id, name) = (
                self.inner.events.clone(),
                format!("material:{}", file.name),
                file.name.clone(),
            );
            let token = files::transfer(
                &self.inner.api,
                None,
                &mut file,
                prepared,
                move |done, total| {
                    let _ = events.send(AppEvent::TransferProgress {
                        id: id.clone(),
                        name: name.clone(),
                        done,
                        total,
                        upload: true,
                    });
                },
            )
            .await?;
            tokens.push(token);
        }
        let patch = parta_model::lessons::LessonPatch {
            materials: Some(tokens),
            ..Default::default()
        };
        self.inner.api.change_lesson(id, &patch).await
    }
}
