//! The audit log (procedure 4.2): every administrative action, who did it and when, newest
//! first, a hundred at a time.

use parta_model::school::{AdminReply, AdminRequest, AuditEntry};
use yew::prelude::*;

use super::common::{error_line, run};
use crate::hooks::use_failure;
use crate::i18n::Lang;
use crate::i18n::admin::{self, A, ta};
use crate::time;

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
    let (error, failed) = use_failure();
    let load = {
        let (entries, marker, loaded, failed) = (
            entries.clone(),
            marker.clone(),
            loaded.clone(),
            failed.clone(),
        );
        Callback::from(move |before: Option<i64>| {
            let (entries, marker, loaded) = (entries.clone(), marker.clone(), loaded.clone());
            run(
                lang,
                AdminRequest::Audit { before },
                move |reply| {
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
                },
                failed.clone(),
            );
        })
    };
    {
        let load = load.clone();
        use_effect_with((), move |_| load.emit(None));
    }
    let on_more = {
        let (load, marker) = (load.clone(), marker.clone());
        Callback::from(move |_: MouseEvent| load.emit(*marker))
    };
    let now = time::now_ms();
    html! {
        <div class="admin-pane">
            { error_line(&error) }
            if !*loaded {
                <p class="muted">{ ta(lang, A::Loading) }</p>
            }
            <table class="journal" data-testid="journal">
                <thead><tr><th>{ ta(lang, A::Who) }</th><th>{ ta(lang, A::What) }</th><th></th></tr></thead>
                <tbody>
                    { for entries.iter().map(|e| html! {
                        <tr key={e.id} data-testid="journal-row" data-action={e.action.clone()}>
                            <td>{ e.actor_name.clone().unwrap_or_else(|| ta(lang, A::Server).to_owned()) }</td>
                            <td>{ admin::action(lang, &e.action) }</td>
                            <td class="time">{ time::day_label(lang, e.created_at, now) }{ " " }{ time::clock(e.created_at) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if marker.is_some() {
                <button class="secondary" onclick={on_more}>{ ta(lang, A::LoadMore) }</button>
            }
        </div>
    }
}
