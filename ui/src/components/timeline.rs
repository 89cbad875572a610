//! The messages of the open chat, with date separators; keeps the newest in view.

use parta_model::view::{Delivery, MessageView};
use yew::prelude::*;

use crate::i18n::composer::{C, tc};
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
    /// Uploads under way: (message local id, done, total bytes).
    #[prop_or_default]
    pub transfers: Vec<(String, u64, u64)>,
    /// Answer a message.
    #[prop_or_default]
    pub on_reply: Callback<MessageView>,
    /// Change one's own message.
    #[prop_or_default]
    pub on_edit: Callback<MessageView>,
    /// Delete one's own message (asked twice).
    #[prop_or_default]
    pub on_delete: Callback<String>,
}

/// "12 КБ", "3,4 МБ".
fn size_label(lang: Lang, bytes: u64) -> String {
    let (kb, mb) = match lang {
        Lang::Ru => ("КБ", "МБ"),
        Lang::En => ("KB", "MB"),
    };
    if bytes < 1024 * 1024 {
        format!("{} {kb}", bytes.div_ceil(1024))
    } else {
        let tenths = bytes * 10 / (1024 * 1024);
        let text = format!("{}.{}", tenths / 10, tenths % 10);
        let text = if lang == Lang::Ru {
            text.replace('.', ",")
        } else {
            text
        };
        format!("{text} {mb}")
    }
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let list = use_node_ref();
    // The message whose "delete" was pressed once: a second press deletes it.
    let confirming = use_state(|| None::<String>);
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
                if let Some(quoted) = &m.reply_to {
                    <div class="quote" data-testid="quote">
                        {
                            // A pending reply names only the id: the quoted message is here.
                            match props.messages.iter().find(|o| o.mid == quoted.mid) {
                                Some(original) if quoted.text.is_empty() => html! {
                                    <><b>{ &original.sender_name }</b>{ " " }{ &original.text }</>
                                },
                                _ => html! { <><b>{ &quoted.sender_name }</b>{ " " }{ &quoted.text }</> },
                            }
                        }
                    </div>
                }
                if !m.text.is_empty() {
                    <div class="text">{ super::rich_text::rich_text(&m.text, &m.markup) }</div>
                }
                { for m.attachments.iter().map(|a| {
                    let progress = props.transfers.iter().find(|(id, _, _)| *id == m.mid);
                    let on_open = a.token.clone().map(|token| {
                        let name = a.name.clone();
                        Callback::from(move |_: MouseEvent| {
                            let (token, name) = (token.clone(), name.clone());
                            yew::platform::spawn_local(async move {
                                let _ = crate::services::api::open_attachment(&token, &name).await;
                            });
                        })
                    });
                    html! {
                        <div class="attachment" data-testid="attachment">
                            if let Some(onclick) = on_open {
                                <button class="link open-file" data-testid="open-attachment" {onclick}
                                    aria-label={a.name.clone()}>{ super::icons::download() }</button>
                            }
                            { super::icons::for_kind(&a.kind) }
                            <span class="name">{ &a.name }</span>
                            if let Some(size) = a.size {
                                <span class="size">{ size_label(props.lang, size) }</span>
                            }
                            if let Some((_, done, total)) = progress {
                                <progress max={total.to_string()} value={done.to_string()}
                                    aria-label={a.name.clone()} />
                            }
                        </div>
                    }
                }) }
                <div class="time">{ status }</div>
                if m.delivery == Delivery::Sent {
                    <div class="actions reply-actions">
                        <button class="link" data-testid="reply" onclick={{
                            let (cb, message) = (props.on_reply.clone(), m.clone());
                            Callback::from(move |_: MouseEvent| cb.emit(message.clone()))
                        }}>{ t(props.lang, Key::Reply) }</button>
                        if m.is_own {
                            <button class="link" data-testid="edit" onclick={{
                                let (cb, message) = (props.on_edit.clone(), m.clone());
                                Callback::from(move |_: MouseEvent| cb.emit(message.clone()))
                            }}>{ tc(props.lang, C::Edit) }</button>
                            if confirming.as_deref() == Some(m.mid.as_str()) {
                                <button class="link danger" data-testid="delete-confirm" onclick={{
                                    let (cb, mid, confirming) = (props.on_delete.clone(), m.mid.clone(), confirming.clone());
                                    Callback::from(move |_: MouseEvent| {
                                        confirming.set(None);
                                        cb.emit(mid.clone());
                                    })
                                }}>{ tc(props.lang, C::ConfirmDelete) }</button>
                            } else {
                                <button class="link" data-testid="delete" onclick={{
                                    let (mid, confirming) = (m.mid.clone(), confirming.clone());
                                    Callback::from(move |_: MouseEvent| confirming.set(Some(mid.clone())))
                                }}>{ tc(props.lang, C::Delete) }</button>
                            }
                        }
                    </div>
                }
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
            markup: Vec::new(),
        }
    }

    async fn render(delivery: Delivery) -> String {
        let props = TimelineProps {
            messages: vec![message(delivery)],
            lang: Lang::Ru,
            on_retry: Callback::noop(),
            on_discard: Callback::noop(),
            on_edit: Callback::noop(),
            on_delete: Callback::noop(),
            focus: None,
            transfers: Vec::new(),
            on_reply: Callback::noop(),
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

    #[test]
    fn file_sizes_read_naturally_in_both_languages() {
        assert_eq!(size_label(Lang::Ru, 12_000), "12 КБ");
        assert_eq!(size_label(Lang::Ru, 3_500_000), "3,3 МБ");
        assert_eq!(size_label(Lang::En, 3_500_000), "3.3 MB");
    }

    #[tokio::test]
    async fn a_pending_message_says_it_will_go_out_and_offers_nothing_to_click() {
        let html = render(Delivery::Pending).await;
        assert!(html.contains("Отправится, когда появится связь"), "{html}");
        assert!(!html.contains("Повторить"), "{html}");
    }
}
