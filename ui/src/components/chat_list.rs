//! The chat list: title, last message, time; click opens the chat from the cache.

use yew::prelude::*;

use crate::actions::open_chat;
use crate::i18n::{Key, t};
use crate::state::AppContext;
use crate::time;

/// "Анна: текст", or "Вы: текст" for one's own messages; a message of files alone names them.
fn preview(lang: crate::i18n::Lang, m: &parta_model::view::MessageView) -> String {
    let who = if m.is_own {
        t(lang, Key::You)
    } else {
        m.sender_name.split(' ').next().unwrap_or("")
    };
    if m.text.is_empty() && !m.attachments.is_empty() {
        let names: Vec<&str> = m.attachments.iter().map(|a| a.name.as_str()).collect();
        return format!("{who}: {}", names.join(", "));
    }
    format!("{who}: {}", m.text)
}

/// "09:05" today, else "Вчера" or "20 ноября".
fn short_time(lang: crate::i18n::Lang, ms: i64) -> String {
    let now = time::now_ms();
    if time::day_of(ms) == time::day_of(now) {
        time::clock(ms)
    } else {
        time::day_label(lang, ms, now)
    }
}

/// "7", or "999+" from the cap of the count on.
fn unread_label(unread: u32) -> String {
    if unread >= 1000 {
        "999+".to_owned()
    } else {
        unread.to_string()
    }
}

#[function_component(ChatList)]
pub fn chat_list() -> Html {
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let lang = ctx.lang;
    if ctx.chats.is_empty() {
        return html! { <p class="muted pad">{ t(lang, Key::NoChats) }</p> };
    }
    let open_id = ctx.open.as_ref().map(|o| o.chat.chat_id);
    html! {
        <ul class="chat-list" role="list">
            { for ctx.chats.iter().map(|chat| {
                let chat_id = chat.chat_id;
                let on_open = {
                    let ctx = ctx.clone();
                    // A click opens it for reading; Enter on the focused item, for writing.
                    Callback::from(move |e: MouseEvent| open_chat(ctx.clone(), chat_id, e.detail() == 0))
                };
                let class = if open_id == Some(chat_id) { "chat-item active" } else { "chat-item" };
                let initial: String = chat.title.chars().take(2).collect();
                html! {
                    <li key={chat_id}>
                        <button class={class} data-testid="chat-item" data-title={chat.title.clone()} onclick={on_open}>
                            <span class="avatar" aria-hidden="true">{ initial }</span>
                            <span class="chat-meta">
                                <span class="row">
                                    <span class="title">{ &chat.title }</span>
                                    if let Some(last) = &chat.last_message {
                                        <span class="time">{ short_time(lang, last.timestamp) }</span>
                                    }
                                </span>
                                <span class="row">
                                    <span class="preview">
                                        { chat.last_message.as_ref().map(|m| preview(lang, m)).unwrap_or_default() }
                                    </span>
                                    if chat.unread > 0 && open_id != Some(chat_id) {
                                        <span class="unread" data-testid="unread"
                                            aria-label={format!("{} {}", chat.unread, t(lang, Key::UnreadMessages))}>
                                            { unread_label(chat.unread) }
                                        </span>
                                    }
                                </span>
                            </span>
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}
