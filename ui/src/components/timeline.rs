//! The messages of the open chat, with date separators; keeps the newest in view.

use parta_model::view::{Delivery, MessageView};
use yew::prelude::*;

use crate::i18n::{Key, Lang, t};
use crate::time;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub messages: Vec<MessageView>,
    pub lang: Lang,
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let list = use_node_ref();
    {
        // Scroll to the newest message whenever the list grows.
        let list = list.clone();
        use_effect_with(props.messages.len(), move |_| {
            if let Some(el) = list.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    if props.messages.is_empty() {
        return html! { <div class="timeline empty" ref={list}><p class="muted">{ t(props.lang, Key::NoMessagesYet) }</p></div> };
    }
    let now = time::now_ms();
    let mut rows = Vec::with_capacity(props.messages.len() * 2);
    let mut last_day = None;
    for m in &props.messages {
        let day = time::day_of(m.timestamp);
        if last_day != Some(day) {
            last_day = Some(day);
            rows.push(html! {
                <div class="day-separator" key={format!("day-{}", m.mid)}><span>{ time::day_label(props.lang, m.timestamp, now) }</span></div>
            });
        }
        let (state, status) = match &m.delivery {
            Delivery::Sent => ("sent", time::clock(m.timestamp)),
            Delivery::Pending => ("pending", t(props.lang, Key::Sending).to_owned()),
            Delivery::Failed { reason } => (
                "failed",
                format!("{}: {reason}", t(props.lang, Key::NotSent)),
            ),
        };
        let class = classes!("message", m.is_own.then_some("own"), state);
        rows.push(html! {
            <div class={class} key={m.mid.clone()} data-testid="message" data-mid={m.mid.clone()} data-delivery={state}>
                if !m.is_own {
                    <div class="sender">{ &m.sender_name }</div>
                }
                <div class="text">{ &m.text }</div>
                <div class="time">{ status }</div>
            </div>
        });
    }
    html! { <div class="timeline" ref={list} data-testid="timeline">{ for rows }</div> }
}
