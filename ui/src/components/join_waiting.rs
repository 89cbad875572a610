//! After a join request: waiting for the school, updated by itself; or the school's refusal.

use yew::prelude::*;

use crate::i18n::{Key, t};
use crate::state::{Action, AppContext, Phase};

#[derive(Properties, PartialEq)]
pub struct JoinWaitingProps {
    /// The school's reason, once it declined.
    pub rejected: Option<String>,
}

#[function_component(JoinWaiting)]
pub fn join_waiting(props: &JoinWaitingProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let lang = ctx.lang;
    let on_back = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::SetPhase(Phase::Welcome)))
    };
    html! {
        <main class="welcome">
            <div class="welcome-card" data-testid="join-waiting">
                <div class="logo" aria-hidden="true">{ "П" }</div>
                if let Some(reason) = &props.rejected {
                    <h2>{ t(lang, Key::JoinRejected) }</h2>
                    <p class="form-error" data-testid="join-rejected">{ reason }</p>
                    <button class="secondary big" onclick={on_back}>{ t(lang, Key::Back) }</button>
                } else {
                    <h2>{ t(lang, Key::JoinWaitingTitle) }</h2>
                    <p class="tagline" aria-live="polite">{ t(lang, Key::JoinWaitingText) }</p>
                    <div class="spinner" aria-hidden="true"></div>
                }
            </div>
        </main>
    }
}
