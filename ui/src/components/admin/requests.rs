//! Join requests (procedure 4.1): who asked to join through which invitation; approve, or
//! reject with a reason the requester sees.

use parta_model::school::{AdminReply, AdminRequest, JoinRequest, JoinStatus};
use yew::prelude::*;

use super::common::{error_line, reloader, run};
use crate::hooks::use_failure;
use crate::i18n::Lang;
use crate::i18n::admin::{self, A, ta};
use crate::time;

#[derive(Properties, PartialEq)]
pub struct AdminRequestsProps {
    pub lang: Lang,
}

#[function_component(AdminRequests)]
pub fn admin_requests(props: &AdminRequestsProps) -> Html {
    let lang = props.lang;
    let requests = use_state(|| None::<Vec<JoinRequest>>);
    let pending_only = use_state(|| true);
    let rejecting = use_state(|| None::<i64>);
    let reason = use_state(String::new);
    let (error, failed) = use_failure();
    let reload = {
        let pending_only = pending_only.clone();
        let request = move || AdminRequest::JoinRequests {
            pending_only: *pending_only,
        };
        let pick = |reply| match reply {
            AdminReply::JoinRequests(list) => Some(list),
            _ => None,
        };
        reloader(lang, request, pick, &requests, &failed)
    };
    {
        let reload = reload.clone();
        use_effect_with(*pending_only, move |_| reload.emit(()));
    }
    let on_filter = {
        let pending_only = pending_only.clone();
        Callback::from(move |_: Event| pending_only.set(!*pending_only))
    };
    let now = time::now_ms();
    let row = |r: &JoinRequest| {
        let id = r.id;
        let on_approve = {
            let (reload, failed) = (reload.clone(), failed.clone());
            Callback::from(move |_: MouseEvent| {
                let reload = reload.clone();
                run(
                    lang,
                    AdminRequest::Approve { request_id: id },
                    move |_| reload.emit(()),
                    failed.clone(),
                );
            })
        };
        let on_reject_start = {
            let (rejecting, reason) = (rejecting.clone(), reason.clone());
            Callback::from(move |_: MouseEvent| {
                reason.set(String::new());
                rejecting.set(Some(id));
            })
        };
        let on_reason = crate::dom::typed_into(&reason);
        let on_reject = {
            let (reload, failed, rejecting, reason) = (
                reload.clone(),
                failed.clone(),
                rejecting.clone(),
                reason.clone(),
            );
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let text = reason.trim().to_owned();
                if text.is_empty() {
                    failed.emit(Some(ta(lang, A::ReasonRequired).to_owned()));
                    return;
                }
                let (reload, rejecting) = (reload.clone(), rejecting.clone());
                run(
                    lang,
                    AdminRequest::Reject {
                        request_id: id,
                        reason: text,
                    },
                    move |_| {
                        rejecting.set(None);
                        reload.emit(());
                    },
                    failed.clone(),
                );
            })
        };
        let on_cancel = {
            let rejecting = rejecting.clone();
            Callback::from(move |_: MouseEvent| rejecting.set(None))
        };
        let mut what = admin::role(lang, r.role).to_owned();
        if let Some(class) = &r.class_name {
            what.push_str(&format!(" · {class}"));
        }
        if let Some(child) = &r.child_name {
            what.push_str(&format!(" · {}: {child}", ta(lang, A::Child)));
        }
        html! {
            <li key={r.id} data-testid="request-row">
                <div class="grow">
                    <div class="title">{ &r.name }</div>
                    <div class="sub">{ what }{ format!(" · {}: {} · {}", ta(lang, A::Login), r.login, time::day_label(lang, r.created_at, now)) }</div>
                    <div class="sub">
                        <span class={classes!("status", format!("{:?}", r.status).to_lowercase())}>{ admin::join_status(lang, r.status) }</span>
                        if let Some(reason) = &r.reason { { format!(" · {reason}") } }
                    </div>
                    if *rejecting == Some(id) {
                        <form class="inline-form" onsubmit={on_reject}>
                            <input data-testid="reject-reason" placeholder={ta(lang, A::RejectReason)}
                                aria-label={ta(lang, A::RejectReason)} value={(*reason).clone()} oninput={on_reason} />
                            <button class="primary small" type="submit" data-testid="reject-confirm">{ ta(lang, A::Reject) }</button>
                            <button class="link" type="button" onclick={on_cancel}>{ ta(lang, A::Cancel) }</button>
                        </form>
                    }
                </div>
                if r.status == JoinStatus::Pending && *rejecting != Some(id) {
                    <div class="actions">
                        <button class="primary small" data-testid="request-approve" onclick={on_approve}>{ ta(lang, A::Approve) }</button>
                        <button class="secondary small" data-testid="request-reject" onclick={on_reject_start}>{ ta(lang, A::Reject) }</button>
                    </div>
                }
            </li>
        }
    };
    html! {
        <div class="admin-pane">
            <label class="check">
                <input type="checkbox" checked={*pending_only} onchange={on_filter} data-testid="requests-pending-only" />
                { ta(lang, A::PendingOnly) }
            </label>
            { error_line(&error) }
            { match &*requests {
                None => html! { <p class="muted">{ ta(lang, A::Loading) }</p> },
                Some(list) if list.is_empty() => html! { <p class="muted" data-testid="no-requests">{ ta(lang, A::NoRequests) }</p> },
                Some(list) => html! { <ul class="admin-list" data-testid="request-list">{ for list.iter().map(row) }</ul> },
            } }
        </div>
    }
}
