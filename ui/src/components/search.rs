//! The sidebar's search box: while it holds a query, the sidebar lists the cached messages
//! that match (any word form: "собрание" finds "собрании"), newest first, matches marked;
//! a result opens its chat at that message. Ctrl+K puts the cursor here from anywhere.

use parta_model::view::SearchHit;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::chat_list::ChatList;
use crate::app::open_chat_at;
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
    let on_key = {
        let (query, hits, asked) = (query.clone(), hits.clone(), asked.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                *asked.borrow_mut() += 1;
                query.set(String::new());
                hits.set(None);
            }
        })
    };

    let results = match &*hits {
        None => html! { <ChatList /> },
        Some(list) if list.is_empty() => {
            html! { <p class="muted pad" data-testid="search-empty">{ t(lang, Key::NothingFound) }</p> }
        }
        Some(list) => {
            let now = time::now_ms();
            html! {
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
            <h3 class="section-title">
                { if hits.is_some() { t(lang, Key::SearchResults) } else { t(lang, Key::Chats) } }
            </h3>
            { results }
        </>
    }
}
