//! The current error as a sentence, with a way to dismiss it.

use yew::prelude::*;

use crate::i18n::{Key, error_key, t};
use crate::state::{Action, AppContext};

#[function_component(ErrorBanner)]
pub fn error_banner() -> Html {
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let Some(error) = &ctx.error else {
        return html! {};
    };
    let on_dismiss = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::DismissError))
    };
    html! {
        <div class="error-banner" role="alert" data-testid="error-banner">
            <span>{ t(ctx.lang, error_key(error.code)) }</span>
            <button class="link" onclick={on_dismiss} aria-label={t(ctx.lang, Key::Dismiss)}>{ "×" }</button>
        </div>
    }
}
