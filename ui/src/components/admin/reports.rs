//! Reports of messages (procedure 6.2, 9.1) for their handlers: each with the message and the
//! messages around it; delete the message, restrict its author (9.2; the administration) or
//! dismiss the report. Each decision closes every open report on that message.

use parta_model::school::{
    AdminReply, AdminRequest, NewRestriction, Report, ReportAction, ReportDecision, ReportStatus,
    RestrictionMode, Role,
};
use yew::prelude::*;

use super::common::{error_line, reloader, run};
use crate::hooks::use_failure;
use crate::i18n::Lang;
use crate::i18n::reports::{self, R, tr};
use crate::time;

#[derive(Properties, PartialEq)]
pub struct AdminReportsProps {
    pub lang: Lang,
    pub role: Role,
}

/// The restriction being written for a report's author.
#[derive(Clone, PartialEq)]
struct Restricting {
    report_id: i64,
    mode: RestrictionMode,
    days: String,
    reason: String,
}

#[function_component(AdminReports)]
pub fn admin_reports(props: &AdminReportsProps) -> Html {
    let lang = props.lang;
    let list = use_state(|| None::<Vec<Report>>);
    let open_only = use_state(|| true);
    let restricting = use_state(|| None::<Restricting>);
    let (error, failed) = use_failure();
    let reload = {
        let open_only = open_only.clone();
        let request = move || AdminRequest::Reports {
            open_only: *open_only,
        };
        let pick = |reply| match reply {
            AdminReply::Reports(list) => Some(list),
            _ => None,
        };
        reloader(lang, request, pick, &list, &failed)
    };
    {
        let reload = reload.clone();
        use_effect_with(*open_only, move |_| reload.emit(()));
    }
    let on_filter = {
        let open_only = open_only.clone();
        Callback::from(move |_: Event| open_only.set(!*open_only))
    };
    let decide = {
        let (reload, failed, restricting) = (reload.clone(), failed.clone(), restricting.clone());
        Callback::from(move |(report_id, decision): (i64, ReportDecision)| {
            let (reload, restricting) = (reload.clone(), restricting.clone());
            run(
                lang,
                AdminRequest::ResolveReport {
                    report_id,
                    decision,
                },
                move |_| {
                    restricting.set(None);
                    reload.emit(());
                },
                failed.clone(),
            );
        })
    };
    let may_restrict = matches!(props.role, Role::PlatformAdmin | Role::Administration);
    let now = time::now_ms();
    let row = |r: &Report| {
        let id = r.id;
        let simple = |action: ReportAction| {
            let decide = decide.clone();
            Callback::from(move |_: MouseEvent| {
                decide.emit((
                    id,
                    ReportDecision {
                        action,
                        restriction: None,
                    },
                ))
            })
        };
        let on_restrict_start = {
            let restricting = restricting.clone();
            let reason = reports::reason(lang, r.reason).to_owned();
            Callback::from(move |_: MouseEvent| {
                restricting.set(Some(Restricting {
                    report_id: id,
                    mode: RestrictionMode::ReadOnly,
                    days: "7".into(),
                    reason: reason.clone(),
                }))
            })
        };
        let form = (*restricting).clone().filter(|f| f.report_id == id);
        let restrict_form = form.map(|f| {
            let edit = |change: fn(&mut Restricting, String)| {
                let (restricting, f) = (restricting.clone(), f.clone());
                Callback::from(move |e: Event| {
                    let mut next = f.clone();
                    change(&mut next, crate::dom::value_of(&e));
                    restricting.set(Some(next));
                })
            };
            let on_submit = {
                let (decide, failed, f) = (decide.clone(), failed.clone(), f.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    let Ok(days) = f.days.trim().parse::<i64>() else {
                        failed.emit(Some(tr(lang, R::Days).to_owned()));
                        return;
                    };
                    decide.emit((
                        id,
                        ReportDecision {
                            action: ReportAction::Restrict,
                            restriction: Some(NewRestriction {
                                mode: f.mode,
                                reason: f.reason.trim().to_owned(),
                                days,
                            }),
                        },
                    ));
                })
            };
            let on_cancel = {
                let restricting = restricting.clone();
                Callback::from(move |_: MouseEvent| restricting.set(None))
            };
            html! {
                <form class="inline-form" data-testid="report-restrict-form" onsubmit={on_submit}>
                    <select data-testid="report-restrict-mode" aria-label={tr(lang, R::RestrictAuthor)}
                        onchange={edit(|f, v| f.mode = if v == "blocked" { RestrictionMode::Blocked } else { RestrictionMode::ReadOnly })}>
                        <option value="read_only" selected={f.mode == RestrictionMode::ReadOnly}>{ tr(lang, R::ReadOnly) }</option>
                        <option value="blocked" selected={f.mode == RestrictionMode::Blocked}>{ tr(lang, R::Blocked) }</option>
                    </select>
                    <label>{ tr(lang, R::Days) }
                        <input type="number" min="1" max="366" data-testid="report-restrict-days"
                            value={f.days.clone()} onchange={edit(|f, v| f.days = v)} />
                    </label>
                    <input data-testid="report-restrict-reason" aria-label={tr(lang, R::RestrictReason)}
                        placeholder={tr(lang, R::RestrictReason)} value={f.reason.clone()}
                        onchange={edit(|f, v| f.reason = v)} />
                    <button class="primary small" type="submit" data-testid="report-restrict-apply">{ tr(lang, R::Apply) }</button>
                    <button class="link" type="button" onclick={on_cancel}>{ tr(lang, R::Cancel) }</button>
                </form>
            }
        });
        html! {
            <li key={r.id} data-testid="report-row" data-status={r.status.as_str()}>
                <div class="grow">
                    <div class="title">{ &r.chat_title }{ " · " }{ reports::reason(lang, r.reason) }</div>
                    <div class="sub">
                        { format!("{}: {} · {}: {} · {}", tr(lang, R::ReportedBy), r.reporter.name,
                            tr(lang, R::Author), r.author.name, time::day_label(lang, r.created_at, now)) }
                    </div>
                    if let Some(note) = &r.note {
                        <div class="sub">{ format!("«{note}»") }</div>
                    }
                    <ol class="report-context" data-testid="report-context">
                        { for r.context.iter().map(|m| {
                            let reported = m.body.mid == r.message_id;
                            let who = m.sender.as_ref().map(|u| match &u.last_name {
                                Some(last) => format!("{} {last}", u.first_name),
                                None => u.first_name.clone(),
                            }).unwrap_or_default();
                            html! {
                                <li class={classes!(reported.then_some("reported"))}>
                                    <b>{ who }</b>{ ": " }{ m.body.text.clone().unwrap_or_default() }
                                </li>
                            }
                        }) }
                        if !r.context.iter().any(|m| m.body.mid == r.message_id) {
                            <li class="reported gone">{ &r.text }</li>
                        }
                    </ol>
                    <div class="sub">
                        <span class="status">{ reports::status(lang, r.status) }</span>
                        if let Some(by) = &r.handled_by {
                            { format!(" · {}: {}", tr(lang, R::HandledBy), by.name) }
                        }
                    </div>
                    if let Some(form) = restrict_form { { form } }
                </div>
                if r.status == ReportStatus::Open {
                    <div class="actions">
                        <button class="primary small" data-testid="report-delete"
                            onclick={simple(ReportAction::Delete)}>{ tr(lang, R::DeleteMessage) }</button>
                        if may_restrict {
                            <button class="secondary small" data-testid="report-restrict"
                                onclick={on_restrict_start}>{ tr(lang, R::RestrictAuthor) }</button>
                        }
                        <button class="secondary small" data-testid="report-dismiss"
                            onclick={simple(ReportAction::Dismiss)}>{ tr(lang, R::Dismiss) }</button>
                    </div>
                }
            </li>
        }
    };
    html! {
        <div class="admin-pane">
            <label class="check">
                <input type="checkbox" checked={*open_only} onchange={on_filter} data-testid="reports-open-only" />
                { tr(lang, R::OpenOnly) }
            </label>
            { error_line(&error) }
            { match &*list {
                None => html! {},
                Some(list) if list.is_empty() => html! { <p class="muted" data-testid="no-reports">{ tr(lang, R::NoReports) }</p> },
                Some(list) => html! { <ul class="admin-list" data-testid="report-list">{ for list.iter().map(row) }</ul> },
            } }
        </div>
    }
}
