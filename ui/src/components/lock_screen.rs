//! The lock screen: the only thing shown while Parta is locked with its PIN. Nothing of the
//! profile is in the page behind it.

use parta_model::view::UnlockView;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::actions::reload_chats;
use crate::i18n::settings::{S, ts};
use crate::services::api;
use crate::state::{Action, AppContext, Phase};

#[function_component(LockScreen)]
pub fn lock_screen() -> Html {
    let pin = use_state(String::new);
    let message = use_state(|| None::<String>);
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let lang = ctx.lang;
    let on_input = crate::dom::typed_into(&pin);
    let on_submit = {
        let (pin, message, ctx) = (pin.clone(), message.clone(), ctx.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (pin, message, ctx) = (pin.clone(), message.clone(), ctx.clone());
            spawn_local(async move {
                let entered = (*pin).clone();
                pin.set(String::new());
                match api::unlock(&entered).await {
                    Ok(UnlockView::Unlocked) => {
                        ctx.dispatch(Action::Unlocked);
                        if matches!(ctx.phase, Phase::Ready(_)) {
                            reload_chats(ctx.clone());
                        }
                    }
                    Ok(UnlockView::WrongPin) => message.set(Some(ts(lang, S::WrongPin).to_owned())),
                    Ok(UnlockView::Wait { seconds }) => {
                        message.set(Some(format!("{} {seconds}", ts(lang, S::WaitSeconds))));
                    }
                    Err(e) => ctx.dispatch(Action::Error(e)),
                }
            });
        })
    };
    html! {
        <main class="lock-screen" data-testid="lock-screen">
            <form class="lock-card" onsubmit={on_submit}>
                <span class="logo" aria-hidden="true">{ "П" }</span>
                <h1>{ ts(lang, S::Locked) }</h1>
                <label>{ ts(lang, S::EnterPin) }
                    <input type="password" inputmode="numeric" autocomplete="off" maxlength="8"
                        data-testid="unlock-pin" value={(*pin).clone()} oninput={on_input} autofocus=true />
                </label>
                if let Some(text) = &*message {
                    <p class="form-error" role="alert" data-testid="unlock-error">{ text }</p>
                }
                <button class="primary" type="submit" data-testid="unlock-button">{ ts(lang, S::Unlock) }</button>
                <p class="hint">{ ts(lang, S::NeverShare) }</p>
            </form>
        </main>
    }
}
