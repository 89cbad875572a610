//! Invitations (procedure 4.1): create one for a role (a parent's with the class and maybe
//! the child, a pupil's with the class and the parent who answers for them), see its link and
//! QR code once, copy it, revoke unused ones; every invitation
//! with its status.

use parta_model::school::{
    AdminReply, AdminRequest, CreatedInvite, Invite, InviteStatus, NewInvite, Role,
};
use yew::prelude::*;

use super::common::{class_select, error_line, reloader, role_options, run};
use crate::components::qr::QrCode;
use crate::dom::{typed_into, value_of};
use crate::hooks::{use_classes, use_failure};
use crate::i18n::Lang;
use crate::i18n::admin::{self, A, ta};
use crate::time;

#[derive(Properties, PartialEq)]
pub struct AdminInvitesProps {
    pub lang: Lang,
}

#[function_component(AdminInvites)]
pub fn admin_invites(props: &AdminInvitesProps) -> Html {
    let lang = props.lang;
    let invites = use_state(|| None::<Vec<Invite>>);
    let created = use_state(|| None::<CreatedInvite>);
    let (error, failed) = use_failure();
    let (classes, class_id) = use_classes(lang, failed.clone());
    let role = use_state(|| Role::Parent);
    let child = use_state(String::new);
    // A pupil's invite names a parent of the class (6.4: the parent answers for the pupil).
    let parents = use_state(Vec::<parta_model::lessons::Participant>::new);
    let parent_id = use_state(|| None::<i64>);
    {
        let (parents, parent_id, failed) = (parents.clone(), parent_id.clone(), failed.clone());
        use_effect_with((*role, *class_id), move |(role, class_id)| {
            parent_id.set(None);
            parents.set(Vec::new());
            if let (Role::Pupil, Some(class_id)) = (*role, *class_id) {
                run(
                    lang,
                    AdminRequest::ClassParents { class_id },
                    move |reply| {
                        if let AdminReply::Participants(list) = reply {
                            parent_id.set(list.first().map(|p| p.user_id));
                            parents.set(list);
                        }
                    },
                    failed,
                );
            }
        });
    }
    let note = use_state(String::new);
    let hours = use_state(|| "168".to_owned());
    let uses = use_state(|| "1".to_owned());
    let copied = use_state(|| false);

    let pick = |reply| match reply {
        AdminReply::Invites(list) => Some(list),
        _ => None,
    };
    let reload = reloader(lang, || AdminRequest::Invites, pick, &invites, &failed);
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }

    let on_create = {
        let (role, class_id, parent_id, child, note, hours, uses) = (
            role.clone(),
            class_id.clone(),
            parent_id.clone(),
            child.clone(),
            note.clone(),
            hours.clone(),
            uses.clone(),
        );
        let (created, reload, failed, copied) = (
            created.clone(),
            reload.clone(),
            failed.clone(),
            copied.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
            let invite = NewInvite {
                role: *role,
                class_id: if matches!(*role, Role::Parent | Role::Pupil) {
                    *class_id
                } else {
                    None
                },
                child_name: if *role == Role::Parent {
                    text(&child)
                } else {
                    None
                },
                parent_id: if *role == Role::Pupil {
                    *parent_id
                } else {
                    None
                },
                note: text(&note),
                expires_in_hours: hours.trim().parse().ok(),
                max_uses: uses.trim().parse().ok(),
            };
            let (created, reload, copied) = (created.clone(), reload.clone(), copied.clone());
            run(
                lang,
                AdminRequest::CreateInvite { invite },
                move |reply| {
                    if let AdminReply::Created(c) = reply {
                        copied.set(false);
                        created.set(Some(c));
                        reload.emit(());
                    }
                },
                failed.clone(),
            );
        })
    };
    let set = typed_into;
    let on_role = {
        let role = role.clone();
        Callback::from(move |e: Event| {
            if let Some(r) = Role::from_name(&value_of(&e)) {
                role.set(r);
            }
        })
    };
    let on_copy = {
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| copied.set(copy_from("invite-link")))
    };

    let now = time::now_ms();
    html! {
        <div class="admin-pane">
            <form class="admin-form" onsubmit={on_create} data-testid="invite-form">
                <h3>{ ta(lang, A::NewInvite) }</h3>
                <label>{ ta(lang, A::Role) }
                    <select data-testid="invite-role" onchange={on_role}>
                        { role_options(lang, &Role::ALL[..], *role) }
                    </select>
                </label>
                if *role == Role::Parent {
                    <label>{ ta(lang, A::Class) }
                        { class_select(&classes, &class_id, "invite-class") }
                    </label>
                    <label>{ ta(lang, A::ChildOptional) }
                        <input data-testid="invite-child" value={(*child).clone()} oninput={set(&child)} />
                    </label>
                }
                if *role == Role::Pupil {
                    <label>{ ta(lang, A::Class) }
                        { class_select(&classes, &class_id, "invite-class") }
                    </label>
                    <label>{ ta(lang, A::PupilParent) }
                        <select data-testid="invite-parent" onchange={{
                            let parent_id = parent_id.clone();
                            Callback::from(move |e: Event| parent_id.set(value_of(&e).parse().ok()))
                        }}>
                            { for parents.iter().map(|p| html! {
                                <option value={p.user_id.to_string()} selected={*parent_id == Some(p.user_id)}>
                                    { &p.name }
                                </option>
                            }) }
                        </select>
                    </label>
                    if parents.is_empty() {
                        <p class="hint" data-testid="invite-no-parents">{ ta(lang, A::PupilNeedsParent) }</p>
                    }
                }
                <label>{ ta(lang, A::Note) }
                    <input data-testid="invite-note" value={(*note).clone()} oninput={set(&note)} />
                </label>
                <div class="form-row">
                    <label>{ ta(lang, A::ExpiresHours) }
                        <input type="number" min="1" max="720" data-testid="invite-hours" value={(*hours).clone()} oninput={set(&hours)} />
                    </label>
                    <label>{ ta(lang, A::MaxUses) }
                        <input type="number" min="1" max="500" data-testid="invite-uses" value={(*uses).clone()} oninput={set(&uses)} />
                    </label>
                </div>
                { error_line(&error) }
                <button class="primary" type="submit" data-testid="invite-create">{ ta(lang, A::Create) }</button>
            </form>
            if let Some(c) = &*created {
                <div class="created-invite" data-testid="created-invite">
                    <p class="hint">{ ta(lang, A::LinkOnce) }</p>
                    <div class="link-row">
                        <input id="invite-link" readonly=true value={c.link.clone()} data-testid="invite-link"
                            aria-label={ta(lang, A::CopyLink)} />
                        <button class="secondary" onclick={on_copy} data-testid="invite-copy">
                            { if *copied { ta(lang, A::Copied) } else { ta(lang, A::CopyLink) } }
                        </button>
                    </div>
                    <QrCode text={c.link.clone()} label={c.link.clone()} />
                </div>
            }
            { match &*invites {
                None => html! { <p class="muted">{ ta(lang, A::Loading) }</p> },
                Some(list) if list.is_empty() => html! { <p class="muted">{ ta(lang, A::NoInvites) }</p> },
                Some(list) => html! {
                    <ul class="admin-list" data-testid="invite-list">
                        { for list.iter().map(|i| invite_row(lang, i, now, &reload, &failed)) }
                    </ul>
                },
            } }
        </div>
    }
}

fn invite_row(
    lang: Lang,
    invite: &Invite,
    now: i64,
    reload: &Callback<()>,
    failed: &Callback<Option<String>>,
) -> Html {
    let on_revoke = {
        let (reload, failed, invite_id) = (reload.clone(), failed.clone(), invite.id);
        Callback::from(move |_: MouseEvent| {
            let reload = reload.clone();
            run(
                lang,
                AdminRequest::RevokeInvite { invite_id },
                move |_| reload.emit(()),
                failed.clone(),
            );
        })
    };
    let mut what = admin::role(lang, invite.role).to_owned();
    if let Some(class) = &invite.class_name {
        what.push_str(&format!(" · {class}"));
    }
    if let Some(child) = &invite.child_name {
        what.push_str(&format!(" · {child}"));
    }
    if let Some(parent) = &invite.parent_name {
        what.push_str(&format!(" · {} {parent}", ta(lang, A::ParentIs)));
    }
    html! {
        <li key={invite.id} data-testid="invite-row" data-status={format!("{:?}", invite.status).to_lowercase()}>
            <div class="grow">
                <div class="title">{ what }</div>
                <div class="sub">
                    <span class={classes!("status", format!("{:?}", invite.status).to_lowercase())}>
                        { admin::invite_status(lang, invite.status) }
                    </span>
                    { format!(" · {} {}/{} · {} {}", ta(lang, A::UsesOf), invite.uses, invite.max_uses,
                        ta(lang, A::Until), time::day_label(lang, invite.expires_at, now)) }
                    if let Some(note) = &invite.note { { format!(" · {note}") } }
                </div>
            </div>
            if invite.status == InviteStatus::Unused {
                <button class="secondary small" data-testid="invite-revoke" onclick={on_revoke}>{ ta(lang, A::Revoke) }</button>
            }
        </li>
    }
}

/// Selects the text of the input `id` and copies it; whether that worked.
fn copy_from(id: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Some(input) = document
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return false;
    };
    input.select();
    document
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()
        .and_then(|d| d.exec_command("copy").ok())
        .unwrap_or(false)
}
