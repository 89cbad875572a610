//! The school's people (procedure 4.1, 9.2): move a parent's child to another class, restrict
//! someone with a reason and an end date or lift it, change a staff member's role (appointing
//! administrators), remove someone from the school. Names only: contact details stay private
//! (8.3).

use parta_model::school::{
    AdminReply, AdminRequest, Class, Move, NewRestriction, PasswordResetIssued, RestrictionMode,
    Role, SchoolPerson,
};
use yew::prelude::*;

use super::common::{classes_in, error_line, people_in, reloader, role_options, run};
use crate::dom::value_of;
use crate::hooks::use_failure;
use crate::i18n::Lang;
use crate::i18n::admin::{self, A, ta};
use crate::time;

/// What is being done to one person.
#[derive(Debug, Clone, PartialEq)]
enum Editing {
    Move {
        user_id: i64,
        to: Option<i64>,
    },
    Restrict {
        user_id: i64,
        mode: RestrictionMode,
        days: String,
        reason: String,
    },
    Role {
        user_id: i64,
        role: Role,
    },
    Remove {
        user_id: i64,
    },
}

#[derive(Properties, PartialEq)]
pub struct AdminPeopleProps {
    pub lang: Lang,
    /// The viewer's role: only a platform administrator changes roles.
    pub role: Role,
}

#[function_component(AdminPeople)]
pub fn admin_people(props: &AdminPeopleProps) -> Html {
    let lang = props.lang;
    let people = use_state(|| None::<Vec<SchoolPerson>>);
    let classes = use_state(Vec::<Class>::new);
    let editing = use_state(|| None::<Editing>);
    // The one-time code just issued, shown until another is.
    let reset = use_state(|| None::<PasswordResetIssued>);
    let (error, failed) = use_failure();
    let reload = reloader(lang, || AdminRequest::People, people_in, &people, &failed);
    let load_classes = reloader(
        lang,
        || AdminRequest::Classes,
        classes_in,
        &classes,
        &failed,
    );
    {
        let reload = reload.clone();
        use_effect_with((), move |_| {
            reload.emit(());
            load_classes.emit(());
        });
    }
    let submit = {
        let (editing, reload, failed) = (editing.clone(), reload.clone(), failed.clone());
        let people = people.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(edit) = (*editing).clone() else {
                return;
            };
            let request = match edit {
                Editing::Move { user_id, to } => {
                    let from = people.as_ref().and_then(|list| {
                        list.iter()
                            .find(|p| p.user_id == user_id)?
                            .classes
                            .first()
                            .map(|c| c.class_id)
                    });
                    let (Some(from), Some(to)) = (from, to) else {
                        failed.emit(Some(ta(lang, A::PickClass).to_owned()));
                        return;
                    };
                    AdminRequest::MoveChild {
                        user_id,
                        movement: Move {
                            from_class_id: from,
                            to_class_id: to,
                            child_name: None,
                        },
                    }
                }
                Editing::Restrict {
                    user_id,
                    mode,
                    days,
                    reason,
                } => {
                    if reason.trim().is_empty() {
                        failed.emit(Some(ta(lang, A::ReasonRequired).to_owned()));
                        return;
                    }
                    AdminRequest::Restrict {
                        user_id,
                        restriction: NewRestriction {
                            mode,
                            reason: reason.trim().to_owned(),
                            days: days.trim().parse().unwrap_or(0),
                        },
                    }
                }
                Editing::Role { user_id, role } => AdminRequest::ChangeRole { user_id, role },
                Editing::Remove { user_id } => AdminRequest::RemovePerson { user_id },
            };
            let (editing, reload) = (editing.clone(), reload.clone());
            run(
                lang,
                request,
                move |_| {
                    editing.set(None);
                    reload.emit(());
                },
                failed.clone(),
            );
        })
    };
    let start = |edit: Editing| {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(Some(edit.clone())))
    };
    let update = |f: fn(&mut Editing, String)| {
        let editing = editing.clone();
        Callback::from(move |e: Event| {
            if let Some(mut edit) = (*editing).clone() {
                f(&mut edit, value_of(&e));
                editing.set(Some(edit));
            }
        })
    };
    let update_in = |f: fn(&mut Editing, String)| {
        let editing = editing.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(mut edit) = (*editing).clone() {
                f(&mut edit, value_of(&e));
                editing.set(Some(edit));
            }
        })
    };
    let cancel = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(None))
    };
    let now = time::now_ms();
    let form = |person: &SchoolPerson| -> Html {
        let Some(edit) = (*editing).clone() else {
            return html! {};
        };
        let user_id = match &edit {
            Editing::Move { user_id, .. }
            | Editing::Restrict { user_id, .. }
            | Editing::Role { user_id, .. }
            | Editing::Remove { user_id } => *user_id,
        };
        if user_id != person.user_id {
            return html! {};
        }
        let fields = match &edit {
            Editing::Move { to, .. } => html! {
                <label>{ ta(lang, A::ToClass) }
                    <select data-testid="move-class" onchange={update(|e, v| if let Editing::Move { to, .. } = e { *to = v.parse().ok() })}>
                        <option value="" selected={to.is_none()}>{ ta(lang, A::PickClass) }</option>
                        { for classes.iter().map(|c| html! { <option value={c.id.to_string()} selected={Some(c.id) == *to}>{ &c.name }</option> }) }
                    </select>
                </label>
            },
            Editing::Restrict {
                mode, days, reason, ..
            } => html! {
                <>
                    <select data-testid="restrict-mode" aria-label={ta(lang, A::Restrict)}
                        onchange={update(|e, v| if let Editing::Restrict { mode, .. } = e { *mode = if v == "blocked" { RestrictionMode::Blocked } else { RestrictionMode::ReadOnly } })}>
                        <option value="read_only" selected={*mode == RestrictionMode::ReadOnly}>{ ta(lang, A::ReadOnly) }</option>
                        <option value="blocked" selected={*mode == RestrictionMode::Blocked}>{ ta(lang, A::Blocked) }</option>
                    </select>
                    <label>{ ta(lang, A::Days) }
                        <input type="number" min="1" max="366" data-testid="restrict-days" value={days.clone()}
                            oninput={update_in(|e, v| if let Editing::Restrict { days, .. } = e { *days = v })} />
                    </label>
                    <label>{ ta(lang, A::Reason) }
                        <input data-testid="restrict-reason" value={reason.clone()}
                            oninput={update_in(|e, v| if let Editing::Restrict { reason, .. } = e { *reason = v })} />
                    </label>
                </>
            },
            Editing::Role { role, .. } => html! {
                <select data-testid="role-select" aria-label={ta(lang, A::ChangeRole)}
                    onchange={update(|e, v| if let (Editing::Role { role, .. }, Some(r)) = (e, Role::from_name(&v)) { *role = r })}>
                    { role_options(lang, &[Role::PlatformAdmin, Role::Administration, Role::ClassTeacher, Role::Teacher], *role) }
                </select>
            },
            Editing::Remove { .. } => {
                html! { <p class="warning">{ ta(lang, A::ConfirmRemove) }</p> }
            }
        };
        html! {
            <form class="inline-form" onsubmit={submit.clone()} data-testid="person-form">
                { fields }
                <button class="primary small" type="submit" data-testid="person-apply">{ ta(lang, A::Apply) }</button>
                <button class="link" type="button" onclick={cancel.clone()}>{ ta(lang, A::Cancel) }</button>
            </form>
        }
    };
    let row = |p: &SchoolPerson| {
        let user_id = p.user_id;
        let classes_text: Vec<String> = p
            .classes
            .iter()
            .map(|c| match &c.child_name {
                Some(child) => format!("{} ({child})", c.class_name),
                None => c.class_name.clone(),
            })
            .collect();
        html! {
            <li key={user_id} data-testid="person-row" data-name={p.name.clone()}>
                <div class="grow">
                    <div class="title">{ &p.name }</div>
                    <div class="sub">{ admin::role(lang, p.role) }
                        if !classes_text.is_empty() { { format!(" · {}", classes_text.join(", ")) } }
                    </div>
                    if let Some(r) = &p.restriction {
                        <div class="sub restricted" data-testid="person-restricted">
                            { format!("{} {} — {}", ta(lang, A::RestrictedUntil), time::day_label(lang, r.until, now), r.reason) }
                        </div>
                    }
                    { form(p) }
                </div>
                <div class="actions">
                    if matches!(p.role, Role::Parent | Role::Pupil) {
                        <button class="link" data-testid="person-move" onclick={start(Editing::Move { user_id, to: None })}>{ ta(lang, A::Move) }</button>
                    }
                    if p.restriction.is_some() {
                        <button class="link" data-testid="person-lift" onclick={{
                            let (reload, failed) = (reload.clone(), failed.clone());
                            Callback::from(move |_: MouseEvent| {
                                let reload = reload.clone();
                                run(lang, AdminRequest::LiftRestriction { user_id }, move |_| reload.emit(()), failed.clone());
                            })
                        }}>{ ta(lang, A::Lift) }</button>
                    } else {
                        <button class="link" data-testid="person-restrict" onclick={start(Editing::Restrict {
                            user_id, mode: RestrictionMode::ReadOnly, days: "7".into(), reason: String::new() })}>{ ta(lang, A::Restrict) }</button>
                    }
                    if props.role == Role::PlatformAdmin && p.role.is_staff() {
                        <button class="link" data-testid="person-role" onclick={start(Editing::Role { user_id, role: p.role })}>{ ta(lang, A::ChangeRole) }</button>
                    }
                    <button class="link" data-testid="person-reset" onclick={{
                        let (reset, failed) = (reset.clone(), failed.clone());
                        Callback::from(move |_: MouseEvent| {
                            let reset = reset.clone();
                            let keep = move |reply| {
                                if let AdminReply::PasswordReset(issued) = reply {
                                    reset.set(Some(issued));
                                }
                            };
                            run(lang, AdminRequest::IssuePasswordReset { user_id }, keep, failed.clone());
                        })
                    }}>{ ta(lang, A::ResetPassword) }</button>
                    <button class="link danger" data-testid="person-remove" onclick={start(Editing::Remove { user_id })}>{ ta(lang, A::Remove) }</button>
                </div>
            </li>
        }
    };
    html! {
        <div class="admin-pane">
            { error_line(&error) }
            if let Some(issued) = &*reset {
                <div class="notice ok" role="status" data-testid="reset-issued">
                    <div>{ format!("{} — {}", ta(lang, A::ResetCodeFor), issued.name) }</div>
                    <div class="code" data-testid="reset-code-shown">{ &issued.code }</div>
                    <div class="sub">{ format!("{} {}, {}.", ta(lang, A::ResetCodeHint),
                        time::day_label(lang, issued.expires_at, now), time::clock(issued.expires_at)) }</div>
                </div>
            }
            { match &*people {
                None => html! { <p class="muted">{ ta(lang, A::Loading) }</p> },
                Some(list) => html! { <ul class="admin-list" data-testid="people-list">{ for list.iter().map(row) }</ul> },
            } }
        </div>
    }
}
