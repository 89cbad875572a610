//! The messages of the open chat, with date separators; keeps the newest in view.

use parta_model::view::{Delivery, MessageView};
use yew::prelude::*;

use crate::i18n::{Key, Lang, t};
use crate::time;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub messages: Vec<MessageView>,
    pub lang: Lang,
    /// Retry a failed message (by its local id).
    pub on_retry: Callback<String>,
    /// Delete a message that did not go out.
    pub on_discard: Callback<String>,
    /// A message to bring into view and highlight (opened from search) instead of the newest.
    #[prop_or_default]
    pub focus: Option<String>,
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let list = use_node_ref();
    {
        // Scroll to the newest message whenever the list grows, or to the focused one.
        let list = list.clone();
        use_effect_with(
            (props.messages.len(), props.focus.clone()),
            move |(_, focus)| {
                if let Some(el) = list.cast::<web_sys::Element>() {
                    let target = focus.as_ref().and_then(|mid| {
                        el.query_selector(&format!("[data-mid=\"{}\"]", mid.replace('"', "")))
                            .ok()
                            .flatten()
                    });
                    match target {
                        Some(message) => message.scroll_into_view(),
                        None => el.set_scroll_top(el.scroll_height()),
                    }
                }
            },
        );
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
        let focused = props.focus.as_deref() == Some(m.mid.as_str());
        let class = classes!(
            "message",
            m.is_own.then_some("own"),
            state,
            focused.then_some("focused")
        );
        rows.push(html! {
            <div class={class} key={m.mid.clone()} data-testid="message" data-mid={m.mid.clone()} data-delivery={state}>
                if !m.is_own {
                    <div class="sender">{ &m.sender_name }</div>
                }
                <div class="text">{ &m.text }</div>
                <div class="time">{ status }</div>
                if matches!(m.delivery, Delivery::Failed { .. }) {
                    <div class="actions">
                        <button class="link" data-testid="retry" onclick={{
                            let (cb, mid) = (props.on_retry.clone(), m.mid.clone());
                            Callback::from(move |_: MouseEvent| cb.emit(mid.clone()))
                        }}>{ t(props.lang, Key::Retry) }</button>
                        <button class="link" data-testid="discard" onclick={{
                            let (cb, mid) = (props.on_discard.clone(), m.mid.clone());
                            Callback::from(move |_: MouseEvent| cb.emit(mid.clone()))
                        }}>{ t(props.lang, Key::Discard) }</button>
                    </div>
                }
            </div>
        });
    }
    html! { <div class="timeline" ref={list} data-testid="timeline">{ for rows }</div> }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(delivery: Delivery) -> MessageView {
        MessageView {
            mid: "local.1".into(),
            chat_id: 1,
            seq: 0,
            sender_id: Some(2),
            sender_name: String::new(),
            text: "Не туда".into(),
            timestamp: 1_763_900_000_000,
            is_own: true,
            delivery,
            attachments: Vec::new(),
            reply_to: None,
        }
    }

    async fn render(delivery: Delivery) -> String {
        let props = TimelineProps {
            messages: vec![message(delivery)],
            lang: Lang::Ru,
            on_retry: Callback::noop(),
            on_discard: Callback::noop(),
            focus: None,
        };
        yew::LocalServerRenderer::<Timeline>::with_props(props)
            .render()
            .await
    }

    #[tokio::test]
    async fn a_failed_message_shows_its_reason_and_offers_retry_and_delete() {
        let html = render(Delivery::Failed {
            reason: "You are not a member of this chat".into(),
        })
        .await;
        assert!(
            html.contains("Не отправлено: You are not a member"),
            "{html}"
        );
        assert!(
            html.contains("Повторить") && html.contains("Удалить"),
            "{html}"
        );
        assert!(html.contains("data-delivery=\"failed\""), "{html}");
    }

    #[tokio::test]
    async fn a_pending_message_says_it_will_go_out_and_offers_nothing_to_click() {
        let html = render(Delivery::Pending).await;
        assert!(html.contains("Отправится, когда появится связь"), "{html}");
        assert!(!html.contains("Повторить"), "{html}");
    }
}
