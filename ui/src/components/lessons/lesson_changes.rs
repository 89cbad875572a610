//! Moving and cancelling a lesson.

use parta_model::lessons::{Lesson, LessonPatch};
use parta_model::school::AdminRequest;
use yew::prelude::*;

use crate::components::admin::common::{error_line, run};
use crate::dom::typed_into;
use crate::hooks::use_failure;
use crate::i18n::Lang;
use crate::i18n::lessons::{L, tl};
use crate::time;

#[derive(Properties, PartialEq)]
pub(super) struct LessonChangesProps {
    pub(super) lesson: Lesson,
    pub(super) lang: Lang,
    pub(super) on_changed: Callback<()>,
}

/// Moving a lesson to another date and time, or cancelling it (asked twice).
#[function_component(LessonChanges)]
pub(super) fn lesson_changes(props: &LessonChangesProps) -> Html {
    let (lesson, lang) = (&props.lesson, props.lang);
    let date = use_state(|| time::date_input(lesson.starts_at));
    let start = use_state(|| time::clock(lesson.starts_at));
    let confirming = use_state(|| false);
    let (error, failed) = use_failure();
    let on_move = {
        let (date, start, failed, done, id) = (
            date.clone(),
            start.clone(),
            failed.clone(),
            props.on_changed.clone(),
            lesson.id,
        );
        Callback::from(move |_: MouseEvent| {
            let Some(starts_at) = time::local_ms(&date, &start) else {
                failed.emit(Some(tl(lang, L::FillLesson).to_owned()));
                return;
            };
            let patch = LessonPatch {
                starts_at: Some(starts_at),
                ..LessonPatch::default()
            };
            let done = done.clone();
            run(
                lang,
                AdminRequest::UpdateLesson {
                    lesson_id: id,
                    patch,
                },
                move |_| done.emit(()),
                failed.clone(),
            );
        })
    };
    let on_cancel = {
        let (failed, done, id) = (failed.clone(), props.on_changed.clone(), lesson.id);
        Callback::from(move |_: MouseEvent| {
            let done = done.clone();
            run(
                lang,
                AdminRequest::CancelLesson { lesson_id: id },
                move |_| done.emit(()),
                failed.clone(),
            );
        })
    };
    let toggle_confirm = |show: bool| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(show))
    };
    html! {
        <div class="lesson-changes">
            <div class="button-row">
                <label>{ tl(lang, L::MoveTo) }
                    <input type="date" data-testid="move-date" value={(*date).clone()} oninput={typed_into(&date)} />
                </label>
                <input type="time" data-testid="move-time" aria-label={tl(lang, L::Time)} value={(*start).clone()} oninput={typed_into(&start)} />
                <button class="secondary" data-testid="move-lesson" onclick={on_move}>{ tl(lang, L::Move) }</button>
            </div>
            if *confirming {
                <div class="confirm" role="alertdialog" aria-label={tl(lang, L::CancelLesson)}>
                    <p>{ tl(lang, L::ConfirmCancel) }</p>
                    <div class="button-row">
                        <button class="danger" data-testid="cancel-confirm" onclick={on_cancel}>{ tl(lang, L::Yes) }</button>
                        <button class="secondary" onclick={toggle_confirm(false)}>{ tl(lang, L::No) }</button>
                    </div>
                </div>
            } else {
                <button class="secondary" data-testid="cancel-lesson" onclick={toggle_confirm(true)}>{ tl(lang, L::CancelLesson) }</button>
            }
            { error_line(&error) }
        </div>
    }
}
