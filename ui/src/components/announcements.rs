//! The Объявления section: every announcement of the profile's chats, newest first, readable
//! offline. Parents acknowledge here ("Ознакомлен"); a card opens its chat at the message,
//! where the author sees who has acknowledged.

use parta_model::view::AnnouncementView;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::receipts::Receipts;
use crate::actions::open_chat_at;
use crate::i18n::composer::{C, tc};
use crate::i18n::{Key, t};
use crate::services::api;
use crate::state::{Action, AppContext};
use crate::time;

#[function_component(AnnouncementsList)]
pub fn announcements_list() -> Html {
    let list = use_state(|| None::<Vec<AnnouncementView>>);
    let reload = {
        let list = list.clone();
        Callback::from(move |()| {
            let list = list.clone();
            spawn_local(async move {
                list.set(Some(api::announcements().await.unwrap_or_default()));
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let lang = ctx.lang;
    let Some(items) = &*list else {
        return html! {};
    };
    if items.is_empty() {
        return html! { <p class="muted pad">{ t(lang, Key::NoAnnouncements) }</p> };
    }
    let now = time::now_ms();
    html! {
        <ul class="announcements" role="list" data-testid="announcements">
            { for items.iter().map(|a| {
                let (chat_id, mid) = (a.message.chat_id, a.message.mid.clone());
                let on_open = {
                    let (ctx, mid) = (ctx.clone(), mid.clone());
                    Callback::from(move |_: MouseEvent| open_chat_at(ctx.clone(), chat_id, mid.clone()))
                };
                let on_ack = {
                    let (ctx, reload, mid) = (ctx.clone(), reload.clone(), mid.clone());
                    Callback::from(move |e: MouseEvent| {
                        e.stop_propagation();
                        let (ctx, reload, mid) = (ctx.clone(), reload.clone(), mid.clone());
                        spawn_local(async move {
                            match api::acknowledge(&mid).await {
                                Ok(()) => reload.emit(()),
                                Err(e) => ctx.dispatch(Action::Error(e)),
                            }
                        });
                    })
                };
                html! {
                    <li key={mid.clone()}>
                        <div class="announcement" data-testid="announcement" data-mid={mid.clone()} data-chat-title={a.chat_title.clone()}>
                            <button class="open" onclick={on_open}>
                                <span class="row">
                                    <span class="title">{ &a.chat_title }</span>
                                    <span class="time">{ time::day_label(lang, a.message.timestamp, now) }</span>
                                </span>
                                <span class="preview">{ &a.message.text }</span>
                            </button>
                            if a.message.is_own {
                                <Receipts mid={mid.clone()} ack_required={a.ack_required} {lang} />
                            } else if !a.ack_required {
                                <span class="kind" data-testid="announcement-notice">{ tc(lang, C::ForInformation) }</span>
                            } else if a.acknowledged {
                                <span class="acked">{ "✓ " }{ t(lang, Key::AcknowledgedByMe) }</span>
                            } else {
                                <button class="primary small" data-testid="announcement-ack" onclick={on_ack}>
                                    { t(lang, Key::Acknowledge) }
                                </button>
                            }
                        </div>
                    </li>
                }
            }) }
        </ul>
    }
}
