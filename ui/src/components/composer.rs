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
    {
        // What was being written in this chat comes back (drafts survive restarts).
        let text = text.clone();
        use_effect_with(props.chat_id, move |chat_id| {
            let chat_id = *chat_id;
            text.set(String::new());
            spawn_local(async move {
                if let Ok(Some(draft)) = api::load_draft(chat_id).await {
                    text.set(draft);
                }
            });
        });
    }
    let replying = ctx.replying.clone();

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
            let reply_to = ctx.replying.as_ref().map(|m| m.mid.clone());
            spawn_local(async move {
                let sent = match &reply_to {
                    Some(mid) => api::send_reply(chat_id, &body, mid).await,
                    None => api::send_text(chat_id, &body).await,
                };
                match sent {
                    // Saved in the outbox: the timeline learns of it from the session's events,
                    // which arrive in order; applying this answer too could race with them
                    // (an answer can arrive after the "sent" event and bring the pending copy
                    // back).
                    Ok(_) => {
                        text.set(String::new());
                        let _ = api::save_draft(chat_id, "").await;
                        if reply_to.is_some() {
                            ctx.dispatch(Action::ReplyTo(None));
                        }
                    }
                    Err(e) => ctx.dispatch(Action::Error(e)),
                }
                sending.set(false);
            });
        })
    };
    // The draft waiting to be saved, and whether a save is under way: saves go one at a
    // time and the newest text always wins (concurrent saves could land out of order and
    // keep an older, shorter text).
    let draft_slot = use_mut_ref(|| (None::<(i64, String)>, false));
    let on_input = {
        let text = text.clone();
        let chat_id = props.chat_id;
        let slot = draft_slot.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            let value = area.value();
            text.set(value.clone());
            // Kept as typed: nothing written is lost to a crash, a restart or a chat switch.
            let busy = {
                let mut slot = slot.borrow_mut();
                slot.0 = Some((chat_id, value));
                std::mem::replace(&mut slot.1, true)
            };
            if busy {
                return;
            }
            let slot = slot.clone();
            spawn_local(async move {
                loop {
                    let next = slot.borrow_mut().0.take();
                    let Some((chat_id, value)) = next else {
                        slot.borrow_mut().1 = false;
                        break;
                    };
                    let _ = api::save_draft(chat_id, &value).await;
                }
            });
        })
    };
    let on_cancel_reply = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::ReplyTo(None)))
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
        <>
        if let Some(original) = &replying {
            <div class="reply-bar" data-testid="reply-bar">
                <div class="quote">
                    <span class="muted">{ t(lang, Key::ReplyingTo) }{ ": " }</span>
                    <b>{ &original.sender_name }</b>{ " " }{ &original.text }
                </div>
                <button class="icon" data-testid="cancel-reply" aria-label={t(lang, Key::CancelReply)}
                    title={t(lang, Key::CancelReply)} onclick={on_cancel_reply}>{ "✕" }</button>
            </div>
        }
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
        </>
    }
}
