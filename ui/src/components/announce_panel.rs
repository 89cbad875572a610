//! The composer's announcement options (procedure 2.3, 4.1): whether readers are asked to
//! acknowledge it, and which other chats get the same announcement (a broadcast).

use parta_model::view::ChatSummary;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::composer::{C, tc};

/// What the announcement being written asks and where else it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnounceOptions {
    pub ack_required: bool,
    /// Chats besides the open one.
    pub also: Vec<i64>,
}

impl Default for AnnounceOptions {
    fn default() -> Self {
        Self {
            ack_required: true,
            also: Vec::new(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct AnnouncePanelProps {
    pub lang: Lang,
    /// The open chat (always included, not offered).
    pub chat_id: i64,
    /// The person's chats.
    pub chats: Vec<ChatSummary>,
    pub options: AnnounceOptions,
    pub on_change: Callback<AnnounceOptions>,
}

#[function_component(AnnouncePanel)]
pub fn announce_panel(props: &AnnouncePanelProps) -> Html {
    let lang = props.lang;
    let on_ack = {
        let (options, on_change) = (props.options.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            on_change.emit(AnnounceOptions {
                ack_required: input.checked(),
                ..options.clone()
            });
        })
    };
    let others: Vec<&ChatSummary> = props
        .chats
        .iter()
        .filter(|c| c.chat_id != props.chat_id)
        .collect();
    html! {
        <div class="announce-panel" data-testid="announce-panel">
            <label class="check">
                <input type="checkbox" data-testid="announce-ack"
                    checked={props.options.ack_required} onchange={on_ack} />
                { tc(lang, C::AskAck) }
            </label>
            if !others.is_empty() {
                <fieldset class="also">
                    <legend>{ tc(lang, C::AlsoTo) }</legend>
                    { for others.iter().map(|chat| {
                        let id = chat.chat_id;
                        let checked = props.options.also.contains(&id);
                        let onchange = {
                            let (options, on_change) = (props.options.clone(), props.on_change.clone());
                            Callback::from(move |_: Event| {
                                let mut next = options.clone();
                                if checked {
                                    next.also.retain(|c| *c != id);
                                } else {
                                    next.also.push(id);
                                }
                                on_change.emit(next);
                            })
                        };
                        html! {
                            <label class="check" key={id}>
                                <input type="checkbox" data-testid="announce-chat"
                                    data-title={chat.title.clone()} {checked} {onchange} />
                                { &chat.title }
                            </label>
                        }
                    }) }
                </fieldset>
            }
            <p class="muted small">{ tc(lang, C::AnnounceNoFiles) }</p>
        </div>
    }
}
