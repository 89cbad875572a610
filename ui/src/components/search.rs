//! The sidebar's search box: while it holds a query, the sidebar lists the chats whose names
//! match, then the cached messages that match (any word form: "собрание" finds "собрании"),
//! newest first, matches marked; a result opens its chat (at that message). Ctrl+K puts the
//! cursor here from anywhere; Enter opens the first result, ready to write; the arrow keys
//! walk the results.

use parta_model::view::SearchHit;
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::chat_list::ChatList;
use crate::actions::{open_chat, open_chat_at};
use crate::dom::use_window_keydown;
use crate::i18n::{Key, t};
use crate::services::api;
use crate::state::AppContext;
use crate::time;

#[function_component(SearchPanel)]
pub fn search_panel() -> Html {
    let query = use_state(String::new);
    let hits = use_state(|| None::<Vec<SearchHit>>);
    // Answers can arrive out of order while typing: only the newest question's answer counts.
    let asked = use_mut_ref(|| 0u64);
    let input = use_node_ref();
    {
        // Ctrl+K (⌘K on macOS) focuses the search box; Esc in it clears it (below).
        let input = input.clone();
        use_window_keydown(move |e| {
            if (e.ctrl_key() || e.meta_key()) && e.key().eq_ignore_ascii_case("k") {
                e.prevent_default();
                if let Some(el) = input.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let lang = ctx.lang;

    let on_input = {
        let (query, hits, asked) = (query.clone(), hits.clone(), asked.clone());
        Callback::from(move |e: InputEvent| {
            let Some(el) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let text = el.value();
            query.set(text.clone());
            let ticket = {
                let mut n = asked.borrow_mut();
                *n += 1;
                *n
            };
            if text.trim().is_empty() {
                hits.set(None);
                return;
            }
            let (hits, asked) = (hits.clone(), asked.clone());
            spawn_local(async move {
                let found = api::search_messages(&text, None).await;
                if *asked.borrow() != ticket {
                    return;
                }
                // A failed search shows as "nothing found"; the cache is local, so it is rare.
                hits.set(Some(found.unwrap_or_default()));
            });
        })
    };
    let clear = {
        let (query, hits, asked) = (query.clone(), hits.clone(), asked.clone());
        Callback::from(move |()| {
            *asked.borrow_mut() += 1;
            query.set(String::new());
            hits.set(None);
        })
    };
    let chats = matching_chats(&ctx.chats, &query);
    let on_key = {
        let (clear, ctx, hits) = (clear.clone(), ctx.clone(), hits.clone());
        let first_chat = chats.first().map(|c| c.chat_id);
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => clear.emit(()),
            "Enter" => {
                let first_hit = hits
                    .as_ref()
                    .and_then(|h| h.first())
                    .map(|h| (h.message.chat_id, h.message.mid.clone()));
                if let Some(chat_id) = first_chat {
                    e.prevent_default();
                    open_chat(ctx.clone(), chat_id, true);
                    clear.emit(());
                } else if let Some((chat_id, mid)) = first_hit {
                    e.prevent_default();
                    open_chat_at(ctx.clone(), chat_id, mid);
                    clear.emit(());
                }
            }
            "ArrowDown" => {
                e.prevent_default();
                step_focus(1);
            }
            _ => {}
        })
    };
    // Up and down walk the results (and up from the first goes back to the box); Esc clears
    // the search and goes back to the box.
    let on_results_key = {
        let clear = clear.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => {
                clear.emit(());
                crate::dom::focus_soon("[data-testid=search]");
            }
            "ArrowDown" => {
                e.prevent_default();
                step_focus(1);
            }
            "ArrowUp" => {
                e.prevent_default();
                step_focus(-1);
            }
            _ => {}
        })
    };

    let chat_results = if chats.is_empty() {
        html! {}
    } else {
        html! {
            <>
                <h3 class="section-title">{ t(lang, Key::Chats) }</h3>
                <ul class="search-results" role="list" aria-label={t(lang, Key::Chats)}>
                    { for chats.iter().map(|chat| {
                        let chat_id = chat.chat_id;
                        let (ctx, clear) = (ctx.clone(), clear.clone());
                        let on_open = Callback::from(move |_: MouseEvent| {
                            open_chat(ctx.clone(), chat_id, true);
                            clear.emit(());
                        });
                        html! {
                            <li key={chat_id}>
                                <button class="search-hit" data-testid="chat-hit" data-title={chat.title.clone()} onclick={on_open}>
                                    <span class="row"><span class="title">{ &chat.title }</span></span>
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            </>
        }
    };
    let results = match &*hits {
        None if query.trim().is_empty() => html! { <ChatList /> },
        None => html! {},
        Some(list) if list.is_empty() && chats.is_empty() => {
            html! { <p class="muted pad" data-testid="search-empty">{ t(lang, Key::NothingFound) }</p> }
        }
        Some(list) if list.is_empty() => html! {},
        Some(list) => {
            let now = time::now_ms();
            html! {
                <>
                <h3 class="section-title">{ t(lang, Key::SearchResults) }</h3>
                <ul class="search-results" role="list" aria-label={t(lang, Key::SearchResults)}>
                    { for list.iter().map(|hit| {
                        let (chat_id, mid) = (hit.message.chat_id, hit.message.mid.clone());
                        let on_open = {
                            let ctx = ctx.clone();
                            Callback::from(move |_: MouseEvent| open_chat_at(ctx.clone(), chat_id, mid.clone()))
                        };
                        html! {
                            <li key={hit.message.mid.clone()}>
                                <button class="search-hit" data-testid="search-hit" onclick={on_open}>
                                    <span class="row">
                                        <span class="title">{ &hit.chat_title }</span>
                                        <span class="time">{ time::day_label(lang, hit.message.timestamp, now) }</span>
                                    </span>
                                    <span class="preview">
                                        <span class="who">
                                            { if hit.message.is_own { t(lang, Key::You) } else { hit.message.sender_name.as_str() } }
                                            { ": " }
                                        </span>
                                        { for hit.fragments.iter().map(|f| if f.matched {
                                            html! { <mark>{ &f.text }</mark> }
                                        } else {
                                            html! { { &f.text } }
                                        }) }
                                    </span>
                                </button>
                            </li>
                        }
                    }) }
                </ul>
                </>
            }
        }
    };

    html! {
        <>
            <div class="search-box">
                <input ref={input} type="search" data-testid="search"
                    placeholder={t(lang, Key::SearchPlaceholder)}
                    aria-label={t(lang, Key::SearchPlaceholder)}
                    value={(*query).clone()} oninput={on_input} onkeydown={on_key} />
            </div>
            <div class="search-body" onkeydown={on_results_key}>
                if query.trim().is_empty() {
                    <h3 class="section-title">{ t(lang, Key::Chats) }</h3>
                }
                { chat_results }
                { results }
            </div>
        </>
    }
}

/// The chats whose names hold `query` (case and ё/е aside), in the list's order.
fn matching_chats<'a>(
    chats: &'a [parta_model::view::ChatSummary],
    query: &str,
) -> Vec<&'a parta_model::view::ChatSummary> {
    let fold = |s: &str| s.to_lowercase().replace('ё', "е");
    let query = fold(query.trim());
    if query.is_empty() {
        return Vec::new();
    }
    chats
        .iter()
        .filter(|c| fold(&c.title).contains(&query))
        .collect()
}

/// Moves the keyboard focus `by` places among the search box and its results.
fn step_focus(by: i32) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(items) = document.query_selector_all("[data-testid=search], .search-body .search-hit")
    else {
        return;
    };
    let active = document.active_element();
    let count = items.length() as i32;
    let at = (0..count).find(|&i| {
        items
            .item(i as u32)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| Some(&e) == active.as_ref())
    });
    let next = match at {
        Some(i) => (i + by).clamp(0, count - 1),
        None => 0,
    };
    if let Some(element) = items
        .item(next as u32)
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(chat_id: i64, title: &str) -> parta_model::view::ChatSummary {
        parta_model::view::ChatSummary {
            chat_id,
            title: title.into(),
            participants_count: 2,
            last_event_time: 0,
            last_message: None,
            unread: 0,
        }
    }

    #[test]
    fn chats_match_by_any_part_of_the_name_whatever_the_case_and_yo() {
        let chats = [
            chat(1, "5А — родители"),
            chat(2, "Учителя"),
            chat(3, "Учёный совет"),
        ];
        let ids = |q: &str| {
            matching_chats(&chats, q)
                .iter()
                .map(|c| c.chat_id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("5а"), [1]);
        assert_eq!(ids(" учит "), [2]);
        assert_eq!(ids("ученый"), [3]);
        assert_eq!(ids("уч"), [2, 3]);
        assert!(ids("").is_empty());
        assert!(ids("9Б").is_empty());
    }
}
