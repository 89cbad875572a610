//! The Занятия section: the next lesson with a countdown and "Подключиться", today's or the
//! week's lessons by day, and for a lesson its notes and recording status; a parent answers
//! about recording for the child. Readable offline from the cache.

use parta_model::lessons::{
    Holiday, Lesson, LessonKind, LessonPatch, NewLesson, Participant, RecordingStatus,
    TimetableImport, TimetableReport,
};
use parta_model::school::{AdminReply, AdminRequest, Role};
use parta_model::view::UiErrorCode;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::admin::common::{admin_error, class_select, error_line, run};
use crate::dom::{typed_into, value_of};
use crate::hooks::{use_classes, use_failure};
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
    /// A month's calendar: this month moved by the given number of months.
    Month(i32),
}

/// The first moment of the month `shift` months from the one `now` is in, and of the next.
fn month_bounds(now: i64, shift: i32) -> Option<(i64, i64, u32, u32)> {
    let d = time::day_of(now);
    let index = i64::from(d.year) * 12 + i64::from(d.month) + i64::from(shift);
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12));
    let (next_year, next_month) = ((index + 1).div_euclid(12), (index + 1).rem_euclid(12));
    let from = time::local_ms(&format!("{year:04}-{:02}-01", month + 1), "00:00")?;
    let to = time::local_ms(&format!("{next_year:04}-{:02}-01", next_month + 1), "00:00")?;
    Some((
        from,
        to,
        u32::try_from(month).ok()?,
        u32::try_from(year).ok()?,
    ))
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
    // The day picked in the month's calendar.
    let picked = use_state(|| None::<i64>);
    let loaded = use_state(|| None::<parta_model::view::LessonsView>);
    let open = use_state(|| None::<i64>);
    let now = use_state(time::now_ms);
    let version = use_state(|| 0u32);
    let creating = use_state(|| false);
    let importing = use_state(|| false);
    let staff = props.role.is_some_and(|r| r != Role::Parent);
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
                            parent={props.role == Some(Role::Parent)} />
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
                                                on_toggle={toggle} parent={props.role == Some(Role::Parent)}
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

#[derive(Properties, PartialEq)]
struct MonthGridProps {
    lang: Lang,
    shift: i32,
    lessons: Vec<Lesson>,
    today: i64,
    picked: Option<i64>,
    on_pick: Callback<i64>,
    on_shift: Callback<i32>,
}

/// A month's calendar, weeks from Monday: each day with its lessons' times and subjects (three
/// at most, then "+N"); a day with lessons is a button that shows them below.
#[function_component(MonthGrid)]
fn month_grid(props: &MonthGridProps) -> Html {
    let lang = props.lang;
    let Some((from, to, month, year)) = month_bounds(props.today, props.shift) else {
        return html! {};
    };
    // Local midnights of the month's days (a day is 23 to 25 hours long around DST).
    let mut days = Vec::new();
    let mut day = from;
    while day < to {
        days.push(day);
        day = time::start_of_day(day + DAY_MS + DAY_MS / 2);
    }
    // Blank cells before the 1st: Monday first.
    let lead = (time::weekday(from) + 6) % 7;
    let shift = props.shift;
    let go = |by: i32| {
        let on_shift = props.on_shift.clone();
        Callback::from(move |_: MouseEvent| on_shift.emit(shift + by))
    };
    html! {
        <section class="month" data-testid="lessons-month-grid" aria-label={text::month_title(lang, month, year)}>
            <header class="month-head">
                <button class="icon" aria-label={tl(lang, L::PrevMonth)} data-testid="month-prev" onclick={go(-1)}>{ "‹" }</button>
                <h3 data-testid="month-title">{ text::month_title(lang, month, year) }</h3>
                <button class="icon" aria-label={tl(lang, L::NextMonth)} data-testid="month-next" onclick={go(1)}>{ "›" }</button>
            </header>
            <div class="month-grid" role="grid">
                { for (1..=7).map(|i| html! { <div class="month-weekday" role="columnheader">{ text::weekday(lang, i % 7) }</div> }) }
                { for (0..lead).map(|_| html! { <div class="month-day blank" /> }) }
                { for days.into_iter().map(|day| {
                    let list: Vec<&Lesson> = props.lessons.iter()
                        .filter(|l| time::start_of_day(l.starts_at) == day)
                        .collect();
                    let pick = { let on_pick = props.on_pick.clone(); Callback::from(move |_: MouseEvent| on_pick.emit(day)) };
                    let class = classes!(
                        "month-day",
                        (day == props.today).then_some("today"),
                        (props.picked == Some(day)).then_some("picked"),
                    );
                    let count = list.len();
                    html! {
                        <button class={class} role="gridcell" data-testid="month-day" data-count={count.to_string()}
                            aria-pressed={if props.picked == Some(day) { "true" } else { "false" }}
                            disabled={count == 0} onclick={pick}>
                            <span class="month-date">{ time::day_of(day).day }</span>
                            { for list.iter().take(3).map(|l| html! {
                                <span class={classes!("month-lesson", l.cancelled.then_some("cancelled"))}>
                                    { format!("{} {}", time::clock(l.starts_at), l.subject) }
                                </span>
                            }) }
                            if count > 3 { <span class="month-more">{ format!("+{}", count - 3) }</span> }
                        </button>
                    }
                }) }
            </div>
        </section>
    }
}

/// Opens a lesson's conference link; a refusal shows as the app's error line. A participant's
/// joining is reported first (`presence`: the lesson's id), so that the recording follows
/// who is in (6.4); outside the lesson's time the server declines that and the link still
/// opens.
fn join(url: String, ctx: Option<AppContext>, presence: Option<i64>) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        let (url, ctx) = (url.clone(), ctx.clone());
        spawn_local(async move {
            if let Some(id) = presence {
                // A refusal (not this lesson's time, not a participant) stands; a failure of
                // the server or the connection is tried twice more, half a second apart.
                for _ in 0..3 {
                    match api::lesson_presence(id, true).await {
                        Err(e)
                            if matches!(e.code, UiErrorCode::Internal | UiErrorCode::Offline) =>
                        {
                            yew::platform::time::sleep(std::time::Duration::from_millis(500)).await;
                        }
                        _ => break,
                    }
                }
            }
            if let (Err(e), Some(ctx)) = (api::join_lesson(&url).await, ctx) {
                ctx.dispatch(Action::Error(e));
            }
        });
    })
}

/// How long before its start a lesson may be joined (the server's rule).
const JOIN_EARLY_MS: i64 = 30 * 60_000;

/// Whether the lesson is on or about to begin: joining and recording happen then.
fn live(lesson: &Lesson, now: i64) -> bool {
    !lesson.cancelled && lesson.starts_at - JOIN_EARLY_MS <= now && now < ends_at(lesson)
}

#[derive(Properties, PartialEq)]
struct NextLessonProps {
    lesson: Lesson,
    now: i64,
    lang: Lang,
    /// A participant: joining is reported.
    parent: bool,
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
                    <button class="primary" data-testid="join-next"
                        onclick={join(link.clone(), ctx, props.parent.then_some(lesson.id))}>
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
    /// Staff may move and cancel (the server decides whose).
    staff: bool,
    on_changed: Callback<()>,
}

#[function_component(LessonRow)]
fn lesson_row(props: &LessonRowProps) -> Html {
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
                        <RecordingPanel lesson={lesson.clone()} lang={lang} parent={props.parent} staff={props.staff} />
                    }
                    if !lesson.cancelled && props.staff {
                        <LessonChanges lesson={lesson.clone()} lang={lang} on_changed={props.on_changed.clone()} />
                    }
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct MaterialsProps {
    lesson: Lesson,
    lang: Lang,
    /// May add materials (the server decides whose lessons).
    staff: bool,
    on_changed: Callback<()>,
}

/// A lesson's materials: each opens with the system's application (downloaded once, then
/// from the offline file cache); staff add more through the system's file chooser.
#[function_component(Materials)]
fn materials(props: &MaterialsProps) -> Html {
    let (lesson, lang) = (&props.lesson, props.lang);
    let ctx = use_context::<AppContext>();
    let busy = use_state(|| false);
    let fail = |ctx: &Option<AppContext>, e| {
        if let Some(ctx) = ctx {
            ctx.dispatch(Action::Error(e));
        }
    };
    let add = {
        let (ctx, busy, done, id) = (
            ctx.clone(),
            busy.clone(),
            props.on_changed.clone(),
            lesson.id,
        );
        Callback::from(move |_: MouseEvent| {
            let (ctx, busy, done) = (ctx.clone(), busy.clone(), done.clone());
            busy.set(true);
            spawn_local(async move {
                match api::add_lesson_materials(id).await {
                    Ok(Some(_)) => done.emit(()),
                    Ok(None) => {}
                    Err(e) => fail(&ctx, e),
                }
                busy.set(false);
            });
        })
    };
    let files: Vec<(String, String, Option<i64>)> = lesson
        .materials
        .iter()
        .filter_map(|a| {
            let token = a.payload.as_ref()?.get("token")?.as_str()?.to_owned();
            let name = a.filename.clone().unwrap_or_else(|| a.kind.clone());
            Some((token, name, a.size))
        })
        .collect();
    if files.is_empty() && !props.staff {
        return html! {};
    }
    html! {
        <div class="lesson-materials" data-testid="lesson-materials">
            <strong>{ tl(lang, L::Materials) }</strong>
            <ul role="list">
                { for files.into_iter().map(|(token, name, size)| {
                    let open = {
                        let (ctx, token, name) = (ctx.clone(), token.clone(), name.clone());
                        Callback::from(move |_: MouseEvent| {
                            let (ctx, token, name) = (ctx.clone(), token.clone(), name.clone());
                            spawn_local(async move {
                                if let Err(e) = api::open_attachment(&token, &name).await {
                                    fail(&ctx, e);
                                }
                            });
                        })
                    };
                    html! {
                        <li key={token.clone()}>
                            <button class="link" data-testid="lesson-material" onclick={open}>{ &name }</button>
                            if let Some(size) = size {
                                <span class="muted">{ format!(" · {}", crate::i18n::settings::size(lang, size.max(0) as u64)) }</span>
                            }
                        </li>
                    }
                }) }
            </ul>
            if props.staff {
                <button class="secondary" data-testid="add-materials" disabled={*busy} aria-busy={if *busy { "true" } else { "false" }}
                    onclick={add}>{ tl(lang, L::AddMaterials) }</button>
            }
        </div>
    }
}

/// What a recording panel's button does.
#[derive(Clone, Copy)]
enum Act {
    Consent,
    Presence,
    Record,
}

#[derive(Properties, PartialEq)]
struct RecordingPanelProps {
    lesson: Lesson,
    lang: Lang,
    parent: bool,
    staff: bool,
}

/// Where a lesson's recording stands (6.4): for everyone the consent count, and while the
/// lesson is on whether it is recorded and how many are in; parents answer and say when they
/// leave; the teacher starts and stops the recording and reads the lesson's log. Refreshed
/// every 5 s while the lesson is on.
#[function_component(RecordingPanel)]
fn recording_panel(props: &RecordingPanelProps) -> Html {
    let (lesson, lang) = (&props.lesson, props.lang);
    let ctx = use_context::<AppContext>();
    let status = use_state(|| None::<RecordingStatus>);
    {
        let status = status.clone();
        let lesson = lesson.clone();
        use_effect_with(lesson.id, move |_| {
            let alive = std::rc::Rc::new(std::cell::Cell::new(true));
            let running = alive.clone();
            spawn_local(async move {
                loop {
                    // Offline there is no status to show; the rest of the lesson still is.
                    status.set(api::lesson_recording(lesson.id).await.ok());
                    if !live(&lesson, time::now_ms()) {
                        break;
                    }
                    yew::platform::time::sleep(std::time::Duration::from_secs(5)).await;
                    if !running.get() {
                        break;
                    }
                }
            });
            move || alive.set(false)
        });
    }
    let act = |what: Act, value: bool| {
        let (status, ctx, id) = (status.clone(), ctx.clone(), lesson.id);
        Callback::from(move |_: MouseEvent| {
            let (status, ctx) = (status.clone(), ctx.clone());
            spawn_local(async move {
                let reply = match what {
                    Act::Consent => api::lesson_consent(id, value).await,
                    Act::Presence => api::lesson_presence(id, value).await,
                    Act::Record => api::lesson_recording_switch(id, value).await,
                };
                match reply {
                    Ok(s) => status.set(Some(s)),
                    Err(e) => {
                        if let Some(ctx) = ctx {
                            ctx.dispatch(Action::Error(e));
                        }
                    }
                }
            });
        })
    };
    let (consent, presence, switch) = (Act::Consent, Act::Presence, Act::Record);
    let Some(st) = &*status else {
        return html! {};
    };
    let on = live(lesson, time::now_ms());
    html! {
        <div class="recording" data-testid="recording-status" role="status"
            data-allowed={if st.allowed { "true" } else { "false" }}
            data-recording={if st.recording { "true" } else { "false" }}>
            <div>
                <strong>{ tl(lang, L::Recording) }{ ": " }</strong>
                { text::recording_status(lang, st.allowed, st.consented, st.participants) }
            </div>
            if on {
                <div data-testid="recording-live">
                    <span class={if st.recording { "badge warn" } else { "badge" }}>
                        { tl(lang, if st.recording { L::RecordingOn } else { L::RecordingOff }) }
                    </span>
                    { format!(" · {}: {}", tl(lang, L::Present), st.present) }
                </div>
            }
            if props.parent {
                <p class="muted">{ tl(lang, L::ConsentHint) }</p>
                if let Some(mine) = st.mine {
                    <p data-testid="my-consent">{ tl(lang, if mine { L::YouConsented } else { L::YouDeclined }) }</p>
                }
                <div class="actions">
                    <button class="primary" data-testid="consent-yes" onclick={act(consent, true)}
                        disabled={st.mine == Some(true)}>{ tl(lang, L::ConsentYes) }</button>
                    <button class="secondary" data-testid="consent-no" onclick={act(consent, false)}
                        disabled={st.mine == Some(false)}>{ tl(lang, L::ConsentNo) }</button>
                    if st.here {
                        <span data-testid="you-are-in">{ tl(lang, L::YouAreIn) }</span>
                        <button class="secondary" data-testid="leave-lesson" onclick={act(presence, false)}>
                            { tl(lang, L::Leave) }</button>
                    }
                </div>
            }
            if props.staff && on {
                <div class="actions">
                    if st.recording {
                        <button class="secondary" data-testid="stop-recording" onclick={act(switch, false)}>
                            { tl(lang, L::StopRecording) }</button>
                    } else {
                        <button class="primary" data-testid="start-recording" onclick={act(switch, true)}
                            disabled={!st.allowed || st.present == 0}>
                            { tl(lang, L::StartRecording) }</button>
                    }
                </div>
            }
            if let Some(events) = st.events.as_ref().filter(|e| !e.is_empty()) {
                <details class="lesson-log" data-testid="lesson-log">
                    <summary>{ tl(lang, L::Log) }</summary>
                    <ul role="list">
                        { for events.iter().map(|e| html! {
                            <li data-kind={format!("{:?}", e.kind)}>
                                { format!("{} · {}: {}", time::clock(e.at), e.name, text::event(lang, e.kind)) }
                            </li>
                        }) }
                    </ul>
                </details>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LessonFormProps {
    lang: Lang,
    on_done: Callback<()>,
}

/// A teacher plans a lesson: class, subject, date and time, length, kind, link and notes.
#[function_component(LessonForm)]
fn lesson_form(props: &LessonFormProps) -> Html {
    let lang = props.lang;
    let (error, failed) = use_failure();
    let (classes, class_id) = use_classes(lang, failed.clone());
    let subject = use_state(String::new);
    let date = use_state(|| time::date_input(time::now_ms() + DAY_MS));
    let start = use_state(|| "08:30".to_owned());
    let duration = use_state(|| "45".to_owned());
    let kind = use_state(|| LessonKind::Lesson);
    let link = use_state(String::new);
    let notes = use_state(String::new);
    // A meeting for some of the class's parents: whom it may invite, and whom it does.
    let group = use_state(|| false);
    let invitable = use_state(Vec::<Participant>::new);
    let invited = use_state(std::collections::BTreeSet::<i64>::new);
    {
        let (invitable, invited, failed) = (invitable.clone(), invited.clone(), failed.clone());
        use_effect_with((*class_id, *group), move |(class_id, group)| {
            invited.set(Default::default());
            if let (Some(class_id), true) = (*class_id, *group) {
                run(
                    lang,
                    AdminRequest::ClassParents { class_id },
                    move |reply| {
                        if let AdminReply::Participants(list) = reply {
                            invitable.set(list);
                        }
                    },
                    failed,
                );
            }
        });
    }
    let on_submit = {
        let (group, invited) = (group.clone(), invited.clone());
        let (class_id, subject, date, start, duration, kind, link, notes) = (
            class_id.clone(),
            subject.clone(),
            date.clone(),
            start.clone(),
            duration.clone(),
            kind.clone(),
            link.clone(),
            notes.clone(),
        );
        let (failed, on_done) = (failed.clone(), props.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let starts_at = time::local_ms(&date, &start);
            let (Some(class_id), Some(starts_at), false) =
                (*class_id, starts_at, subject.trim().is_empty())
            else {
                failed.emit(Some(tl(lang, L::FillLesson).to_owned()));
                return;
            };
            let optional = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_owned());
            let participants: Vec<i64> = if *group {
                invited.iter().copied().collect()
            } else {
                Vec::new()
            };
            if *group && participants.is_empty() {
                failed.emit(Some(tl(lang, L::PickInvited).to_owned()));
                return;
            }
            let lesson = NewLesson {
                class_id,
                subject: subject.trim().to_owned(),
                teacher_id: None,
                kind: *kind,
                starts_at,
                duration_min: duration.parse().unwrap_or(45),
                link: optional(&link),
                notes: optional(&notes),
                participants,
                materials: Vec::new(),
            };
            let on_done = on_done.clone();
            run(
                lang,
                AdminRequest::CreateLesson { lesson },
                move |_| on_done.emit(()),
                failed.clone(),
            );
        })
    };
    let kinds = [
        LessonKind::Lesson,
        LessonKind::Consultation,
        LessonKind::ParentsMeeting,
    ];
    html! {
        <form class="lesson-form settings-group" onsubmit={on_submit} data-testid="lesson-form">
            <h3>{ tl(lang, L::NewLesson) }</h3>
            <label>{ tl(lang, L::Class) }
                { class_select(&classes, &class_id, "lesson-class") }
            </label>
            <label>{ tl(lang, L::Subject) }
                <input data-testid="lesson-subject" value={(*subject).clone()} oninput={typed_into(&subject)} maxlength="200" />
            </label>
            <div class="button-row">
                <label>{ tl(lang, L::Date) }
                    <input type="date" data-testid="lesson-date" value={(*date).clone()} oninput={typed_into(&date)} />
                </label>
                <label>{ tl(lang, L::Time) }
                    <input type="time" data-testid="lesson-time" value={(*start).clone()} oninput={typed_into(&start)} />
                </label>
                <label>{ tl(lang, L::Duration) }
                    <input type="number" min="5" max="600" data-testid="lesson-duration" value={(*duration).clone()} oninput={typed_into(&duration)} />
                </label>
            </div>
            <label>{ tl(lang, L::Kind) }
                <select data-testid="lesson-kind" onchange={{
                    let kind = kind.clone();
                    Callback::from(move |e: Event| {
                        if let Some(k) = LessonKind::parse(&value_of(&e)) {
                            kind.set(k);
                        }
                    })
                }}>
                    { for kinds.iter().map(|k| html! {
                        <option value={k.as_str()} selected={*kind == *k}>{ text::kind(lang, *k) }</option>
                    }) }
                </select>
            </label>
            if *kind != LessonKind::Lesson {
                <fieldset class="invite-group" data-testid="lesson-invite">
                    <legend>{ tl(lang, L::Invited) }</legend>
                    <label class="inline">
                        <input type="radio" name="lesson-group" data-testid="invite-class" checked={!*group}
                            onchange={{ let group = group.clone(); Callback::from(move |_: Event| group.set(false)) }} />
                        { tl(lang, L::WholeClass) }
                    </label>
                    <label class="inline">
                        <input type="radio" name="lesson-group" data-testid="invite-some" checked={*group}
                            onchange={{ let group = group.clone(); Callback::from(move |_: Event| group.set(true)) }} />
                        { tl(lang, L::SomeParents) }
                    </label>
                    if *group {
                        <ul role="list" class="invite-list">
                            { for invitable.iter().map(|p| {
                                let id = p.user_id;
                                let toggle = {
                                    let invited = invited.clone();
                                    Callback::from(move |_: Event| {
                                        let mut set = (*invited).clone();
                                        if !set.remove(&id) {
                                            set.insert(id);
                                        }
                                        invited.set(set);
                                    })
                                };
                                html! {
                                    <li key={id}>
                                        <label class="inline">
                                            <input type="checkbox" data-testid="invite-parent" data-name={p.name.clone()}
                                                checked={invited.contains(&id)} onchange={toggle} />
                                            { &p.name }
                                        </label>
                                    </li>
                                }
                            }) }
                        </ul>
                    }
                </fieldset>
            }
            <label>{ tl(lang, L::Link) }
                <input type="url" data-testid="lesson-link" placeholder="https://" value={(*link).clone()} oninput={typed_into(&link)} />
                <span class="hint">{ tl(lang, L::LinkHint) }</span>
            </label>
            <label>{ tl(lang, L::Notes) }
                <input data-testid="lesson-notes" value={(*notes).clone()} oninput={typed_into(&notes)} />
            </label>
            { error_line(&error) }
            <div class="button-row">
                <button class="primary" type="submit" data-testid="lesson-create">{ tl(lang, L::Create) }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct LessonChangesProps {
    lesson: Lesson,
    lang: Lang,
    on_changed: Callback<()>,
}

/// Moving a lesson to another date and time, or cancelling it (asked twice).
#[function_component(LessonChanges)]
fn lesson_changes(props: &LessonChangesProps) -> Html {
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

#[derive(Properties, PartialEq)]
struct TimetableFormProps {
    lang: Lang,
    on_done: Callback<()>,
}

/// "2026-11-02..2026-11-08, 2026-12-31" as holidays (a single day stands for itself).
fn holidays_of(text: &str) -> Vec<Holiday> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (from, to) = p.split_once("..").unwrap_or((p, p));
            Holiday {
                from: from.trim().to_owned(),
                to: to.trim().to_owned(),
            }
        })
        .collect()
}

/// A class teacher imports the class's weekly timetable from CSV over a term: first a preview
/// of exactly the lessons it makes (the server's dry run), then the import.
#[function_component(TimetableForm)]
fn timetable_form(props: &TimetableFormProps) -> Html {
    let lang = props.lang;
    let (error, failed) = use_failure();
    let (classes, class_id) = use_classes(lang, failed.clone());
    let today = time::now_ms();
    let term_start = use_state(|| time::date_input(today));
    let term_end = use_state(|| time::date_input(today + 60 * DAY_MS));
    let holidays = use_state(String::new);
    let csv = use_state(String::new);
    let preview = use_state(|| None::<TimetableReport>);
    let submit = |dry_run: bool| {
        let (class_id, term_start, term_end, holidays, csv) = (
            class_id.clone(),
            term_start.clone(),
            term_end.clone(),
            holidays.clone(),
            csv.clone(),
        );
        let (failed, preview, on_done) = (failed.clone(), preview.clone(), props.on_done.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(class_id) = *class_id else {
                return;
            };
            let import = TimetableImport {
                class_id,
                term_start: (*term_start).clone(),
                term_end: (*term_end).clone(),
                holidays: holidays_of(&holidays),
                // The school's time is this computer's: its offset now, in minutes east.
                utc_offset_minutes: -(js_sys::Date::new_0().get_timezone_offset() as i64),
                csv: (*csv).clone(),
                dry_run,
            };
            let (preview, on_done) = (preview.clone(), on_done.clone());
            run(
                lang,
                AdminRequest::ImportTimetable { import },
                move |reply| {
                    if let AdminReply::Timetable(report) = reply {
                        if report.dry_run {
                            preview.set(Some(report));
                        } else {
                            on_done.emit(());
                        }
                    }
                },
                failed.clone(),
            );
        })
    };
    let date_field = |label: L, state: &UseStateHandle<String>, testid: &'static str| {
        html! {
            <label>{ tl(lang, label) }
                <input type="date" data-testid={testid} value={(**state).clone()} oninput={typed_into(state)} />
            </label>
        }
    };
    let on_csv = {
        let (csv, preview) = (csv.clone(), preview.clone());
        Callback::from(move |e: InputEvent| {
            preview.set(None);
            csv.set(value_of(&e));
        })
    };
    let choose_csv = {
        let (csv, preview, failed) = (csv.clone(), preview.clone(), failed.clone());
        Callback::from(move |_: MouseEvent| {
            let (csv, preview, failed) = (csv.clone(), preview.clone(), failed.clone());
            spawn_local(async move {
                match api::pick_timetable_csv().await {
                    Ok(Some(text)) => {
                        preview.set(None);
                        failed.emit(None);
                        csv.set(text);
                    }
                    Ok(None) => {}
                    Err(e) => failed.emit(Some(admin_error(lang, &e))),
                }
            });
        })
    };
    html! {
        <div class="lesson-form settings-group" data-testid="timetable-form">
            <h3>{ tl(lang, L::ImportTimetable) }</h3>
            <label>{ tl(lang, L::Class) }
                { class_select(&classes, &class_id, "timetable-class") }
            </label>
            <div class="button-row">
                { date_field(L::TermStart, &term_start, "term-start") }
                { date_field(L::TermEnd, &term_end, "term-end") }
            </div>
            <label>{ tl(lang, L::Holidays) }
                <input data-testid="holidays" placeholder={tl(lang, L::HolidaysHint)} value={(*holidays).clone()} oninput={typed_into(&holidays)} />
            </label>
            <button class="secondary" type="button" data-testid="timetable-choose-file" onclick={choose_csv}>
                { tl(lang, L::ChooseCsv) }
            </button>
            <label>{ tl(lang, L::CsvText) }
                <textarea data-testid="timetable-csv" rows="6" value={(*csv).clone()} oninput={on_csv}
                    placeholder="weekday,start,duration_min,subject" />
                <span class="hint">{ tl(lang, L::CsvHint) }</span>
            </label>
            { error_line(&error) }
            if let Some(report) = &*preview {
                <div class="timetable-preview" data-testid="timetable-preview" data-count={report.lessons.len().to_string()}>
                    <p>{ format!("{}: {}", tl(lang, L::Preview), report.lessons.len()) }</p>
                    <ul role="list">
                        { for report.lessons.iter().take(10).map(|l| html! {
                            <li>{ format!("{} {} {} — {}", text::weekday(lang, time::weekday(l.starts_at)),
                                time::date_input(l.starts_at), time::clock(l.starts_at), l.subject) }</li>
                        }) }
                        if report.lessons.len() > 10 { <li>{ "…" }</li> }
                    </ul>
                </div>
            }
            <div class="button-row">
                <button class="secondary" data-testid="timetable-preview-button" onclick={submit(true)}>{ tl(lang, L::Preview) }</button>
                <button class="primary" data-testid="timetable-import" disabled={preview.is_none()} onclick={submit(false)}>{ tl(lang, L::Import) }</button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holidays_are_ranges_or_single_days_separated_by_commas() {
        let list = holidays_of(" 2026-11-02..2026-11-08, 2026-12-31 ,, ");
        assert_eq!(
            list,
            vec![
                Holiday {
                    from: "2026-11-02".into(),
                    to: "2026-11-08".into()
                },
                Holiday {
                    from: "2026-12-31".into(),
                    to: "2026-12-31".into()
                },
            ]
        );
        assert!(holidays_of("").is_empty());
    }
}
