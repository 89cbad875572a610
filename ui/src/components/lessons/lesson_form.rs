//! Planning a lesson (or a consultation or parents' meeting for chosen parents).

use parta_model::lessons::{LessonKind, NewLesson, Participant};
use parta_model::school::{AdminReply, AdminRequest};
use yew::prelude::*;

use crate::components::admin::common::{class_select, error_line, run};
use crate::dom::{typed_into, value_of};
use crate::hooks::{use_classes, use_failure};
use crate::i18n::Lang;
use crate::i18n::lessons::{self as text, L, tl};
use crate::time;

use super::joining::DAY_MS;

#[derive(Properties, PartialEq)]
pub(super) struct LessonFormProps {
    pub(super) lang: Lang,
    pub(super) on_done: Callback<()>,
}

/// A teacher plans a lesson: class, subject, date and time, length, kind, link and notes.
#[function_component(LessonForm)]
pub(super) fn lesson_form(props: &LessonFormProps) -> Html {
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
