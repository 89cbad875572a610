//! The wrong passwords given for this person's login in the last 30 days, in the settings:
//! someone may be guessing it, and the person should know (procedure 8.2: never share a login
//! or password). The administration sees the same attempts in the audit log.

use parta_model::school::FailedSignIn;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::settings::{S, ts};
use crate::services::api;
use crate::time::{clock, day_label, now_ms};

#[derive(Properties, PartialEq)]
pub struct SignInFailuresProps {
    pub lang: Lang,
}

#[function_component(SignInFailures)]
pub fn sign_in_failures(props: &SignInFailuresProps) -> Html {
    let lang = props.lang;
    // None until the server answers; offline, or for a bot, nothing is shown rather than "none".
    let failures = use_state(|| None::<Vec<FailedSignIn>>);
    {
        let failures = failures.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(Some(list)) = api::failed_sign_ins().await {
                    failures.set(Some(list));
                }
            });
        });
    }
    let Some(list) = &*failures else {
        return html! {};
    };
    let now = now_ms();
    let when = |at: i64| format!("{}, {}", day_label(lang, at, now), clock(at));
    html! {
        <section class="settings-group" data-testid="failed-sign-ins">
            <h3>{ ts(lang, S::FailedSignIns) }</h3>
            if list.is_empty() {
                <p class="muted">{ ts(lang, S::NoFailedSignIns) }</p>
            } else {
                <ul class="plain">
                    { for list.iter().map(|f| html! {
                        <li data-testid="failed-sign-in">
                            { when(f.at) }{ " — " }
                            { f.device.clone().unwrap_or_else(|| ts(lang, S::UnknownDevice).to_owned()) }
                        </li>
                    }) }
                </ul>
                <p class="hint">{ ts(lang, S::FailedSignInsHint) }</p>
            }
        </section>
    }
}
