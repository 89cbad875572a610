//! The Занятия section: the next lesson with a countdown and "Подключиться", today's or the
//! week's lessons by day, and for a lesson its notes and recording status; a parent answers
//! about recording for the child. Readable offline from the cache.

use parta_model::lessons::{
    Holiday, Lesson, LessonKind, LessonPatch, NewLesson, RecordingStatus, TimetableImport,
    TimetableReport,
};
use parta_model::school::{AdminReply, AdminRequest, Role};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::admin::{class_select, error_line, run, use_classes, use_failure};
use crate::dom::{typed_into, value_of};
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
    /// Staff may move and cancel (the server decides whose).
    staff: bool,
    on_changed: Callback<()>,
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
                    if !lesson.cancelled && props.staff {
                        <LessonChanges lesson={lesson.clone()} lang={lang} on_changed={props.on_changed.clone()} />
                    }
                </div>
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
    let on_submit = {
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
            let lesson = NewLesson {
                class_id,
                subject: subject.trim().to_owned(),
                teacher_id: None,
                kind: *kind,
                starts_at,
                duration_min: duration.parse().unwrap_or(45),
                link: optional(&link),
                notes: optional(&notes),
                participants: Vec::new(),
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
