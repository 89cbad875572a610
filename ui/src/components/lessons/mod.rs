//! The Занятия section: the next lesson with a countdown and "Подключиться", today's or the
//! week's lessons by day, and for a lesson its notes and recording status; a parent answers
//! about recording for the child. Readable offline from the cache.

mod joining;
mod lesson_changes;
mod lesson_form;
mod lesson_row;
mod materials;
mod month_grid;
mod next_lesson;
mod recording_panel;
mod timetable_form;

use parta_model::lessons::Lesson;
use parta_model::school::Role;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::lessons::{L, tl};
use crate::services::api;
use crate::state::{Action, AppContext};
use crate::time;
use joining::{DAY_MS, day_heading, ends_at, month_bounds};
use lesson_form::LessonForm;
use lesson_row::LessonRow;
use month_grid::MonthGrid;
use next_lesson::NextLesson;
use timetable_form::TimetableForm;

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
    /// A month's calendar: this month moved by the given number of months.
    Month(i32),
}

#[function_component(LessonsView)]
pub fn lessons_view(props: &LessonsViewProps) -> Html {
    let lang = props.lang;
    let range = use_state(|| Range::Week);
    // The day picked in the month's calendar.
    let picked = use_state(|| None::<i64>);
    let loaded = use_state(|| None::<parta_model::view::LessonsView>);
    let open = use_state(|| None::<i64>);
    let now = use_state(time::now_ms);
    let version = use_state(|| 0u32);
    let creating = use_state(|| false);
    let importing = use_state(|| false);
    let staff = props.role.is_some_and(Role::is_staff);
    // Families report joining; a pupil's parent answers about recording for them.
    let attends = matches!(props.role, Some(Role::Parent | Role::Pupil));
    let pupil = props.role == Some(Role::Pupil);
    let changed = {
        let (version, creating, importing) = (version.clone(), creating.clone(), importing.clone());
        Callback::from(move |()| {
            creating.set(false);
            importing.set(false);
            version.set(version.wrapping_add(1));
        })
    };
    let ctx = use_context::<AppContext>();
    let connection = ctx.as_ref().map(|c| c.connection);
    {
        // Reloaded when the range changes and when the connection comes and goes.
        let (loaded, ctx) = (loaded.clone(), ctx.clone());
        use_effect_with((*range, connection, *version), move |(range, _, _)| {
            let today = time::start_of_day(time::now_ms());
            let (from, to) = match range {
                Range::Today => (today, time::start_of_day(today + DAY_MS + DAY_MS / 2)),
                Range::Week => (today, time::start_of_day(today + 7 * DAY_MS + DAY_MS / 2)),
                Range::Month(shift) => month_bounds(today, *shift)
                    .map_or((today, today + DAY_MS), |(from, to, _, _)| (from, to)),
            };
            spawn_local(async move {
                match api::lessons(from, to).await {
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
        let active = *range == to || matches!((*range, to), (Range::Month(_), Range::Month(_)));
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
                        <NextLesson lesson={next.clone()} now={*now} lang={lang}
                            parent={attends} />
                    }
                    if let Range::Month(shift) = *range {
                        <MonthGrid lang={lang} shift={shift} lessons={view.lessons.clone()} today={today}
                            picked={*picked}
                            on_pick={{ let picked = picked.clone(); Callback::from(move |d: i64| picked.set(Some(d))) }}
                            on_shift={{ let (range, picked) = (range.clone(), picked.clone());
                                Callback::from(move |s: i32| { picked.set(None); range.set(Range::Month(s)); }) }} />
                    }
                    if days.is_empty() {
                        <p class="muted" data-testid="lessons-empty">
                            { tl(lang, match *range {
                                Range::Today => L::NoLessonsToday,
                                Range::Week => L::NoLessons,
                                Range::Month(_) => L::NoLessonsMonth,
                            }) }
                        </p>
                    }
                    { for days.into_iter().filter(|(day, _)| match *range {
                        // The month shows the picked day's lessons under the calendar.
                        Range::Month(_) => Some(*day) == *picked,
                        _ => true,
                    }).map(|(day, list)| html! {
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
                                                on_toggle={toggle} parent={attends} pupil={pupil}
                                                past={ends_at(lesson) <= *now} staff={staff}
                                                on_changed={changed.clone()} />
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
                    { tab(Range::Month(0), L::Month, "lessons-month") }
                </nav>
                if staff {
                    <button class="secondary" data-testid="new-lesson" aria-expanded={if *creating { "true" } else { "false" }}
                        onclick={{ let creating = creating.clone(); Callback::from(move |_: MouseEvent| creating.set(!*creating)) }}>
                        { tl(lang, L::NewLesson) }
                    </button>
                    if matches!(props.role, Some(Role::ClassTeacher | Role::Administration | Role::PlatformAdmin)) {
                        <button class="secondary" data-testid="import-timetable" aria-expanded={if *importing { "true" } else { "false" }}
                            onclick={{ let importing = importing.clone(); Callback::from(move |_: MouseEvent| importing.set(!*importing)) }}>
                            { tl(lang, L::ImportTimetable) }
                        </button>
                    }
                }
            </header>
            <div class="lessons-body">
                if *creating {
                    <LessonForm lang={lang} on_done={changed.clone()} />
                }
                if *importing {
                    <TimetableForm lang={lang} on_done={changed.clone()} />
                }
                { body }
            </div>
        </section>
    }
}
