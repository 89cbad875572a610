//! The audit log (procedure 4.2): every administrative action, who did it, to whom or what
//! and when, newest first, a hundred at a time; narrowed by person, kind of action and dates.

use parta_model::school::{AdminReply, AdminRequest, AuditEntry, AuditFilter, SchoolPerson};
use yew::prelude::*;

use super::common::{error_line, people_in, reloader, run};
use crate::dom::{typed_into, value_of};
use crate::hooks::use_failure;
use crate::i18n::Lang;
use crate::i18n::admin::{self, A, ta};
use crate::time;

/// The kinds of action one may narrow to: the part of the action before its dot.
const KINDS: [(&str, A); 8] = [
    ("user", A::KindPeople),
    ("invite", A::KindInvites),
    ("join_request", A::KindRequests),
    ("class", A::KindClasses),
    ("chat", A::KindChats),
    ("device", A::KindDevices),
    ("max", A::KindMax),
    ("settings", A::KindSettings),
];

#[derive(Properties, PartialEq)]
pub struct AdminJournalProps {
    pub lang: Lang,
}

#[function_component(AdminJournal)]
pub fn admin_journal(props: &AdminJournalProps) -> Html {
    let lang = props.lang;
    let entries = use_state(Vec::<AuditEntry>::new);
    let marker = use_state(|| None::<i64>);
    let loaded = use_state(|| false);
    let people = use_state(|| None::<Vec<SchoolPerson>>);
    let actor = use_state(|| None::<i64>);
    let kind = use_state(|| None::<String>);
    let since = use_state(String::new);
    let until = use_state(String::new);
    let (error, failed) = use_failure();
    let filter = AuditFilter {
        actor: *actor,
        kind: (*kind).clone(),
        from: time::local_ms(&since, "00:00"),
        // The "to" day is included: entries before the next midnight.
        to: time::local_ms(&until, "00:00").map(|ms| ms + 86_400_000),
    };
    let load = {
        let (entries, marker, loaded, failed) = (
            entries.clone(),
            marker.clone(),
            loaded.clone(),
            failed.clone(),
        );
        let filter = filter.clone();
        Callback::from(move |before: Option<i64>| {
            let (entries, marker, loaded) = (entries.clone(), marker.clone(), loaded.clone());
            let keep = move |reply| {
                if let AdminReply::Audit(page) = reply {
                    let mut all = if before.is_some() {
                        (*entries).clone()
                    } else {
                        Vec::new()
                    };
                    all.extend(page.entries);
                    entries.set(all);
                    marker.set(page.marker);
                    loaded.set(true);
                }
            };
            let request = AdminRequest::Audit {
                before,
                filter: filter.clone(),
            };
            run(lang, request, keep, failed.clone());
        })
    };
    let load_people = reloader(lang, || AdminRequest::People, people_in, &people, &failed);
    {
        let load = load.clone();
        use_effect_with(filter.clone(), move |_| load.emit(None));
    }
    use_effect_with((), move |_| load_people.emit(()));
    let on_more = {
        let (load, marker) = (load.clone(), marker.clone());
        Callback::from(move |_: MouseEvent| load.emit(*marker))
    };
    let on_actor = {
        let actor = actor.clone();
        Callback::from(move |e: Event| actor.set(value_of(&e).parse().ok()))
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            let value = value_of(&e);
            kind.set(Some(value).filter(|v| !v.is_empty()));
        })
    };
    let now = time::now_ms();
    let row = |e: &AuditEntry| {
        let what = match &e.object {
            Some(object) => format!("{} — {object}", admin::action(lang, &e.action)),
            None => admin::action(lang, &e.action),
        };
        let change = admin::change(lang, &e.details, e.object.as_deref());
        html! {
            <tr key={e.id} data-testid="journal-row" data-action={e.action.clone()}>
                <td>{ e.actor_name.clone().unwrap_or_else(|| ta(lang, A::Server).to_owned()) }</td>
                <td>
                    <div data-testid="journal-what">{ what }</div>
                    if !change.is_empty() {
                        <div class="sub">{ change }</div>
                    }
                </td>
                <td class="time">{ time::day_label(lang, e.created_at, now) }{ " " }{ time::clock(e.created_at) }</td>
            </tr>
        }
    };
    html! {
        <div class="admin-pane">
            <div class="journal-filters">
                <select data-testid="journal-person" onchange={on_actor} aria-label={ta(lang, A::Who)}>
                    <option value="" selected={actor.is_none()}>{ ta(lang, A::AnyPerson) }</option>
                    { for people.iter().flatten().map(|p| html! {
                        <option value={p.user_id.to_string()} selected={*actor == Some(p.user_id)}>{ &p.name }</option>
                    }) }
                </select>
                <select data-testid="journal-kind" onchange={on_kind} aria-label={ta(lang, A::What)}>
                    <option value="" selected={kind.is_none()}>{ ta(lang, A::AnyKind) }</option>
                    { for KINDS.iter().map(|(value, label)| html! {
                        <option value={*value} selected={kind.as_deref() == Some(*value)}>{ ta(lang, *label) }</option>
                    }) }
                </select>
                <label>{ ta(lang, A::Since) }
                    <input type="date" data-testid="journal-since" value={(*since).clone()} oninput={typed_into(&since)} />
                </label>
                <label>{ ta(lang, A::UpTo) }
                    <input type="date" data-testid="journal-until" value={(*until).clone()} oninput={typed_into(&until)} />
                </label>
            </div>
            { error_line(&error) }
            if !*loaded {
                <p class="muted">{ ta(lang, A::Loading) }</p>
            }
            <table class="journal" data-testid="journal">
                <thead><tr><th>{ ta(lang, A::Who) }</th><th>{ ta(lang, A::What) }</th><th></th></tr></thead>
                <tbody>{ for entries.iter().map(row) }</tbody>
            </table>
            if marker.is_some() {
                <button class="secondary" onclick={on_more}>{ ta(lang, A::LoadMore) }</button>
            }
        </div>
    }
}
