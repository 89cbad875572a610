//! One lesson in a day's list: time, subject, teacher, and what a person may do with it.

use parta_model::lessons::Lesson;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::lessons::{self as text, L, tl};
use crate::state::AppContext;
use crate::time;

use super::joining::{ends_at, join};
use super::lesson_changes::LessonChanges;
use super::materials::Materials;
use super::recording_panel::RecordingPanel;

#[derive(Properties, PartialEq)]
pub(super) struct LessonRowProps {
    pub(super) lesson: Lesson,
    pub(super) lang: Lang,
    pub(super) expanded: bool,
    pub(super) on_toggle: Callback<MouseEvent>,
    /// A parent or pupil: reports joining.
    pub(super) parent: bool,
    /// A pupil, whose parent answers about recording.
    pub(super) pupil: bool,
    /// Over already.
    pub(super) past: bool,
    /// Staff may move and cancel (the server decides whose).
    pub(super) staff: bool,
    pub(super) on_changed: Callback<()>,
}

#[function_component(LessonRow)]
pub(super) fn lesson_row(props: &LessonRowProps) -> Html {
    let (lesson, lang) = (&props.lesson, props.lang);
    let ctx = use_context::<AppContext>();
    let class = classes!(
        "lesson",
        lesson.cancelled.then_some("cancelled"),
        props.expanded.then_some("open"),
        props.past.then_some("past"),
    );
    html! {
        <div class={class} data-testid="lesson" data-lesson-id={lesson.id.to_string()}>
            <button class="lesson-head" aria-expanded={if props.expanded { "true" } else { "false" }}
                onclick={props.on_toggle.clone()}>
                <span class="lesson-time">{ time::clock(lesson.starts_at) }</span>
                <span class="lesson-main">
                    <span class="lesson-subject">{ &lesson.subject }</span>
                    <span class="sub">{ format!("{} · {}", lesson.class_name, text::kind(lang, lesson.kind)) }</span>
                </span>
                if lesson.cancelled {
                    <span class="badge warn">{ tl(lang, L::Cancelled) }</span>
                }
            </button>
            if props.expanded {
                <div class="lesson-details" data-testid="lesson-details">
                    <p>{ format!("{}: {} · {}–{}", tl(lang, L::Teacher), lesson.teacher_name,
                        time::clock(lesson.starts_at), time::clock(ends_at(lesson))) }</p>
                    if let Some(notes) = &lesson.notes {
                        <p><strong>{ tl(lang, L::Notes) }{ ": " }</strong>{ notes }</p>
                    }
                    if !lesson.participants.is_empty() {
                        <p data-testid="lesson-invited"><strong>{ tl(lang, L::Invited) }{ ": " }</strong>
                            { lesson.participants.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ") }</p>
                    }
                    <Materials lesson={lesson.clone()} lang={lang} staff={props.staff && !lesson.cancelled}
                        on_changed={props.on_changed.clone()} />
                    if !lesson.cancelled {
                        if let Some(link) = &lesson.link {
                            <button class="primary" data-testid="join-lesson"
                                onclick={join(link.clone(), ctx.clone(), props.parent.then_some(lesson.id))}>
                                { tl(lang, L::Join) }
                            </button>
                        }
                        <RecordingPanel lesson={lesson.clone()} lang={lang} parent={props.parent} pupil={props.pupil} staff={props.staff} />
                    }
                    if !lesson.cancelled && props.staff {
                        <LessonChanges lesson={lesson.clone()} lang={lang} on_changed={props.on_changed.clone()} />
                    }
                </div>
            }
        </div>
    }
}
