//! Writing a message. The text stays in the box until the send succeeds: a failed send never
//! loses what the teacher or parent typed.

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::{Key, t};
use crate::services::api;
use crate::state::{Action, AppContext};

#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    pub chat_id: i64,
}

#[function_component(Composer)]
pub fn composer(props: &ComposerProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let text = use_state(String::new);
    let sending = use_state(|| false);
    let lang = ctx.lang;

    let send = {
        let text = text.clone();
        let sending = sending.clone();
        let ctx = ctx.clone();
        let chat_id = props.chat_id;
        Callback::from(move |()| {
            let body = (*text).trim().to_owned();
            if body.is_empty() || *sending {
                return;
            }
            sending.set(true);
            let text = text.clone();
            let sending = sending.clone();
            let ctx = ctx.clone();
            spawn_local(async move {
                match api::send_text(chat_id, &body).await {
                    // Saved in the outbox: the timeline learns of it from the session's events,
                    // which arrive in order; applying this answer too could race with them
                    // (an answer can arrive after the "sent" event and bring the pending copy
                    // back).
                    Ok(_) => text.set(String::new()),
                    Err(e) => ctx.dispatch(Action::Error(e)),
                }
                sending.set(false);
            });
        })
    };
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            text.set(area.value());
        })
    };
    let on_keydown = {
        let send = send.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                e.prevent_default();
                send.emit(());
            }
        })
    };
    let on_click = Callback::from(move |_: MouseEvent| send.emit(()));
    html! {
        <div class="composer">
            <textarea
                data-testid="composer-input"
                rows="1"
                maxlength="4000"
                aria-label={t(lang, Key::ComposerPlaceholder)}
                placeholder={t(lang, Key::ComposerPlaceholder)}
                value={(*text).clone()}
                oninput={on_input}
                onkeydown={on_keydown}
            />
            <button class="primary" data-testid="send-button" onclick={on_click}
                disabled={*sending || text.trim().is_empty()}>
                { t(lang, Key::Send) }
            </button>
        </div>
    }
}
