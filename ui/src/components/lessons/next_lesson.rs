//! The next lesson, with a countdown and «Подключиться».

use parta_model::lessons::Lesson;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::lessons::{self as text, L, tl};
use crate::state::AppContext;
use crate::time;

use super::joining::{ends_at, join};

#[derive(Properties, PartialEq)]
pub(super) struct NextLessonProps {
    pub(super) lesson: Lesson,
    pub(super) now: i64,
    pub(super) lang: Lang,
    /// A participant: joining is reported.
    pub(super) parent: bool,
}

#[function_component(NextLesson)]
pub(super) fn next_lesson(props: &NextLessonProps) -> Html {
    let ctx = use_context::<AppContext>();
    let checking = use_state(|| false);
    let (lesson, lang) = (&props.lesson, props.lang);
    // The ten minutes before the start, and while it is on (procedure 7.1).
    let soon = lesson.starts_at - props.now <= 10 * 60_000 && props.now < ends_at(lesson);
    let on_check = {
        let checking = checking.clone();
        Callback::from(move |_: MouseEvent| checking.set(!*checking))
    };
    let when = if lesson.starts_at <= props.now {
        tl(lang, L::NowOn).to_owned()
    } else {
        text::starts_in(lang, lesson.starts_at - props.now)
    };
    html! {
        <article class="next-lesson" data-testid="next-lesson" data-lesson-id={lesson.id.to_string()}
            aria-label={tl(lang, L::Next)}>
            <div class="next-label">{ tl(lang, L::Next) }</div>
            <h3 class="next-subject">{ &lesson.subject }</h3>
            <div class="sub">
                { format!("{} · {} · {}–{}", lesson.class_name, text::kind(lang, lesson.kind),
                    time::clock(lesson.starts_at), time::clock(ends_at(lesson))) }
            </div>
            <div class="next-row">
                <span class="countdown" data-testid="next-countdown">{ when }</span>
                if let Some(link) = &lesson.link {
                    <button class="primary" data-testid="join-next"
                        onclick={join(link.clone(), ctx, props.parent.then_some(lesson.id))}>
                        { tl(lang, L::Join) }
                    </button>
                } else {
                    <span class="muted">{ tl(lang, L::NoLink) }</span>
                }
                if soon {
                    <button class="secondary" data-testid="check-media" aria-pressed={checking.to_string()}
                        onclick={on_check}>{ tl(lang, L::CheckMedia) }</button>
                }
            </div>
            if soon && *checking {
                <crate::components::media_check::MediaCheck {lang} />
            }
        </article>
    }
}
