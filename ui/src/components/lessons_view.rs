//! The Занятия section: the next lesson with a countdown and "Подключиться", today's or the
//! week's lessons by day, and for a lesson its notes and recording status; a parent answers
//! about recording for the child. Readable offline from the cache.

use parta_model::lessons::{Lesson, RecordingStatus};
use parta_model::school::Role;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::lessons::{self as text, L, tl};
use crate::services::api;
use crate::state::{Action, AppContext};
use crate::time;

const DAY_MS: i64 = 86_400_000;

#[derive(Properties, PartialEq)]
pub struct LessonsViewProps {
    pub lang: Lang,
    /// The person's role at the school, when known (parents answer about recording).
    pub role: Option<Role>,
}

/// What range is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    Today,
    Week,
}

fn ends_at(lesson: &Lesson) -> i64 {
    lesson.starts_at + lesson.duration_min * 60_000
}

/// "Сегодня", "Завтра" or "Чт, 26 ноября".
fn day_heading(lang: Lang, ms: i64, today: i64) -> String {
    let day = time::start_of_day(ms);
    if day == today {
        return tl(lang, L::Today).to_owned();
    }
    if day == time::start_of_day(today + DAY_MS + DAY_MS / 2) {
        return tl(lang, L::Tomorrow).to_owned();
    }
    let d = time::day_of(ms);
    let date = match lang {
        Lang::Ru => format!("{} {}", d.day, crate::i18n::month(lang, d.month)),
        Lang::En => format!("{} {}", crate::i18n::month(lang, d.month), d.day),
    };
    format!("{}, {date}", text::weekday(lang, time::weekday(ms)))
}

#[function_component(LessonsView)]
pub fn lessons_view(props: &LessonsViewProps) -> Html {
    let lang = props.lang;
    let range = use_state(|| Range::Week);
    let loaded = use_state(|| None::<parta_model::view::LessonsView>);
    let open = use_state(|| None::<i64>);
    let now = use_state(time::now_ms);
    let ctx = use_context::<AppContext>();
    let connection = ctx.as_ref().map(|c| c.connection);
    {
        // Reloaded when the range changes and when the connection comes and goes.
        let (loaded, ctx) = (loaded.clone(), ctx.clone());
        use_effect_with((*range, connection), move |(range, _)| {
            let today = time::start_of_day(time::now_ms());
            let to = match range {
                Range::Today => time::start_of_day(today + DAY_MS + DAY_MS / 2),
                Range::Week => time::start_of_day(today + 7 * DAY_MS + DAY_MS / 2),
            };
            spawn_local(async move {
                match api::lessons(today, to).await {
                    Ok(view) => loaded.set(Some(view)),
                    Err(e) => {
                        if let Some(ctx) = ctx {
                            ctx.dispatch(Action::Error(e));
                        }
                    }
                }
            });
        });
    }
    {
        // The countdown moves on twice a minute while the section is shown.
        let now = now.clone();
        use_effect_with((), move |_| {
            let alive = std::rc::Rc::new(std::cell::Cell::new(true));
            let running = alive.clone();
            spawn_local(async move {
                while running.get() {
                    yew::platform::time::sleep(std::time::Duration::from_secs(30)).await;
                    now.set(time::now_ms());
                }
            });
            move || alive.set(false)
        });
    }

    let tab = |to: Range, key: L, testid: &'static str| {
        let range_state = range.clone();
        let active = *range == to;
        html! {
            <button class={if active { "tab active" } else { "tab" }} data-testid={testid}
                aria-pressed={if active { "true" } else { "false" }}
                onclick={Callback::from(move |_: MouseEvent| range_state.set(to))}>
                { tl(lang, key) }
            </button>
        }
    };
    let today = time::start_of_day(*now);
    let body = match &*loaded {
        None => html! { <p class="muted" aria-busy="true">{ tl(lang, L::Loading) }</p> },
        Some(view) => {
            let next = view
                .lessons
                .iter()
                .find(|l| !l.cancelled && ends_at(l) > *now);
            let mut days: Vec<(i64, Vec<&Lesson>)> = Vec::new();
            for lesson in &view.lessons {
                let day = time::start_of_day(lesson.starts_at);
                match days.last_mut() {
                    Some((d, list)) if *d == day => list.push(lesson),
                    _ => days.push((day, vec![lesson])),
                }
            }
            html! {
                <>
                    if view.offline {
                        <p class="notice" role="status" data-testid="lessons-offline">{ tl(lang, L::FromCache) }</p>
                    }
                    if let Some(next) = next {
                        <NextLesson lesson={next.clone()} now={*now} lang={lang} />
                    }
                    if days.is_empty() {
                        <p class="muted" data-testid="lessons-empty">
                            { tl(lang, if *range == Range::Today { L::NoLessonsToday } else { L::NoLessons }) }
                        </p>
                    }
                    { for days.into_iter().map(|(day, list)| html! {
                        <section class="lesson-day" aria-label={day_heading(lang, day, today)}>
                            <h3 class="section-title">{ day_heading(lang, day, today) }</h3>
                            <ul role="list" class="lesson-list">
                                { for list.into_iter().map(|lesson| {
                                    let id = lesson.id;
                                    let expanded = *open == Some(id);
                                    let toggle = {
                                        let open = open.clone();
                                        Callback::from(move |_: MouseEvent| {
                                            open.set(if expanded { None } else { Some(id) });
                                        })
                                    };
                                    html! {
                                        <li key={id}>
                                            <LessonRow lesson={lesson.clone()} lang={lang} expanded={expanded}
                                                on_toggle={toggle} parent={props.role == Some(Role::Parent)}
                                                past={ends_at(lesson) <= *now} />
                                        </li>
                                    }
                                }) }
                            </ul>
                        </section>
                    }) }
                </>
            }
        }
    };
    html! {
        <section class="lessons" aria-label={tl(lang, L::Section)} data-testid="lessons">
            <header class="chat-header">
                <h2>{ tl(lang, L::Section) }</h2>
                <nav class="tabs inline" aria-label={tl(lang, L::Section)}>
                    { tab(Range::Today, L::Today, "lessons-today") }
                    { tab(Range::Week, L::Week, "lessons-week") }
                </nav>
            </header>
            <div class="lessons-body">{ body }</div>
        </section>
    }
}

/// Opens a lesson's conference link; a refusal shows as the app's error line.
fn join(url: String, ctx: Option<AppContext>) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        let (url, ctx) = (url.clone(), ctx.clone());
        spawn_local(async move {
            if let (Err(e), Some(ctx)) = (api::join_lesson(&url).await, ctx) {
                ctx.dispatch(Action::Error(e));
            }
        });
    })
}

#[derive(Properties, PartialEq)]
struct NextLessonProps {
    lesson: Lesson,
    now: i64,
    lang: Lang,
}

#[function_component(NextLesson)]
fn next_lesson(props: &NextLessonProps) -> Html {
    let ctx = use_context::<AppContext>();
    let (lesson, lang) = (&props.lesson, props.lang);
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
                    <button class="primary" data-testid="join-next" onclick={join(link.clone(), ctx)}>
                        { tl(lang, L::Join) }
                    </button>
                } else {
                    <span class="muted">{ tl(lang, L::NoLink) }</span>
                }
            </div>
        </article>
    }
}

#[derive(Properties, PartialEq)]
struct LessonRowProps {
    lesson: Lesson,
    lang: Lang,
    expanded: bool,
    on_toggle: Callback<MouseEvent>,
    parent: bool,
    /// Over already.
    past: bool,
}

#[function_component(LessonRow)]
fn lesson_row(props: &LessonRowProps) -> Html {
    let (lesson, lang) = (&props.lesson, props.lang);
    let ctx = use_context::<AppContext>();
    let recording = use_state(|| None::<RecordingStatus>);
    {
        let recording = recording.clone();
        let (id, expanded, cancelled) = (lesson.id, props.expanded, lesson.cancelled);
        use_effect_with(expanded, move |expanded| {
            if *expanded && !cancelled {
                spawn_local(async move {
                    // Offline there is no status to show; the rest of the lesson still is.
                    recording.set(api::lesson_recording(id).await.ok());
                });
            }
        });
    }
    let answer = |consent: bool| {
        let (recording, ctx, id) = (recording.clone(), ctx.clone(), lesson.id);
        Callback::from(move |_: MouseEvent| {
            let (recording, ctx) = (recording.clone(), ctx.clone());
            spawn_local(async move {
                match api::lesson_consent(id, consent).await {
                    Ok(status) => recording.set(Some(status)),
                    Err(e) => {
                        if let Some(ctx) = ctx {
                            ctx.dispatch(Action::Error(e));
                        }
                    }
                }
            });
        })
    };
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
                    if !lesson.cancelled {
                        if let Some(link) = &lesson.link {
                            <button class="primary" data-testid="join-lesson" onclick={join(link.clone(), ctx.clone())}>
                                { tl(lang, L::Join) }
                            </button>
                        }
                        if let Some(status) = &*recording {
                            <div class="recording" data-testid="recording-status" role="status"
                                data-allowed={if status.allowed { "true" } else { "false" }}>
                                <strong>{ tl(lang, L::Recording) }{ ": " }</strong>
                                { text::recording_status(lang, status.allowed, status.consented, status.participants) }
                            </div>
                            if props.parent {
                                <p class="muted">{ tl(lang, L::ConsentHint) }</p>
                                if let Some(mine) = status.mine {
                                    <p data-testid="my-consent">{ tl(lang, if mine { L::YouConsented } else { L::YouDeclined }) }</p>
                                }
                                <div class="actions">
                                    <button class="primary" data-testid="consent-yes" onclick={answer(true)}
                                        disabled={status.mine == Some(true)}>{ tl(lang, L::ConsentYes) }</button>
                                    <button class="secondary" data-testid="consent-no" onclick={answer(false)}
                                        disabled={status.mine == Some(false)}>{ tl(lang, L::ConsentNo) }</button>
                                </div>
                            }
                        }
                    }
                </div>
            }
        </div>
    }
}
