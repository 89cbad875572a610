//! «Мои жалобы» in the settings: the messages this person reported and what the chat's
//! administrators decided (procedure 9.1: the reporter sees that it was handled).

use parta_model::school::Report;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::reports::{self, R, tr};
use crate::services::api;
use crate::time::{day_label, now_ms};

#[derive(Properties, PartialEq)]
pub struct MyReportsProps {
    pub lang: Lang,
}

#[function_component(MyReports)]
pub fn my_reports(props: &MyReportsProps) -> Html {
    let lang = props.lang;
    // None until the server answers; offline, nothing is shown rather than "none".
    let reports = use_state(|| None::<Vec<Report>>);
    {
        let reports = reports.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(list) = api::my_reports().await {
                    reports.set(Some(list));
                }
            });
        });
    }
    let Some(list) = &*reports else {
        return html! {};
    };
    let now = now_ms();
    html! {
        <section class="settings-group" data-testid="my-reports">
            <h3>{ tr(lang, R::Mine) }</h3>
            if list.is_empty() {
                <p class="muted">{ tr(lang, R::NoneMine) }</p>
            } else {
                <ul class="plain">
                    { for list.iter().map(|r| html! {
                        <li data-testid="my-report" data-status={r.status.as_str()}>
                            <b>{ &r.chat_title }</b>{ format!(", {}: «{}»", day_label(lang, r.created_at, now), r.text) }
                            <br />
                            <span class="muted">{ reports::reason(lang, r.reason) }{ " — " }</span>
                            <span class="status">{ reports::status(lang, r.status) }</span>
                            if let Some(by) = &r.handled_by {
                                <span class="muted">{ format!(" ({})", by.name) }</span>
                            }
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}
