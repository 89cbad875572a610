//! One message row: sender, text with its markup, reply, attachments (an image shown as a
//! preview), delivery state and what one may do with it.

use parta_model::view::{Delivery, MessageView};
use yew::prelude::*;

use crate::components::report_form::ReportForm;
use crate::i18n::composer::{C, tc};
use crate::i18n::reports::{R, tr};
use crate::i18n::{Key, Lang, t};
use crate::time;

use super::image_preview::ImagePreview;
use super::props::TimelineProps;

/// "12 КБ", "3,4 МБ".
pub(super) fn size_label(lang: Lang, bytes: u64) -> String {
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

/// One message: sender, quote, text, attachments with progress, time or delivery state, and
/// what can be done with it.
pub(super) fn message(
    props: &TimelineProps,
    latest: &[MessageView],
    m: &MessageView,
    confirming: &UseStateHandle<Option<String>>,
    reporting: &UseStateHandle<Option<String>>,
    flag: Option<&str>,
) -> Html {
    let (state, status) = match &m.delivery {
        Delivery::Sent => ("sent", time::clock(m.timestamp)),
        Delivery::Pending => ("pending", t(props.lang, Key::Sending).to_owned()),
        Delivery::Failed { reason } => (
            "failed",
            format!("{}: {reason}", t(props.lang, Key::NotSent)),
        ),
    };
    // In a chat carried to MAX, one's own message says whether MAX has it yet.
    let max_state = m
        .is_own
        .then_some(m.max_state.as_deref())
        .flatten()
        .map(|state| match state {
            "sent" => ("sent", t(props.lang, Key::MaxSent)),
            "failed" => ("failed", t(props.lang, Key::MaxFailed)),
            _ => ("queued", t(props.lang, Key::MaxQueued)),
        });
    let focused = props.focus.as_deref() == Some(m.mid.as_str());
    let confirming = confirming.clone();
    let reporting = reporting.clone();
    let class = classes!(
        "message",
        m.is_own.then_some("own"),
        state,
        focused.then_some("focused")
    );
    html! {
        <div class={class} key={m.mid.clone()} data-testid="message" data-mid={m.mid.clone()} data-delivery={state}
            data-max-state={max_state.map(|(s, _)| s)}>
            if !m.is_own {
                <div class="sender">
                    { &m.sender_name }
                    if m.sender_via_max {
                        <span class="badge max" data-testid="max-badge"
                            title={t(props.lang, Key::FromMax)}>{ "MAX" }</span>
                    }
                </div>
            }
            if let Some(quoted) = &m.reply_to {
                <div class="quote" data-testid="quote">
                    {
                        // A pending reply names only the id: the quoted message is here.
                        match latest.iter().find(|o| o.mid == quoted.mid) {
                            Some(original) if quoted.text.is_empty() => html! {
                                <><b>{ &original.sender_name }</b>{ " " }{ &original.text }</>
                            },
                            _ => html! { <><b>{ &quoted.sender_name }</b>{ " " }{ &quoted.text }</> },
                        }
                    }
                </div>
            }
            if let Some(rule) = flag {
                <div class="policy-flag" role="note" data-testid="policy-flag">
                    { "⚠ " }
                    { t(props.lang, if rule == "ethics" { Key::FlaggedEthics } else { Key::FlaggedPersonalData }) }
                </div>
            }
            if !m.text.is_empty() {
                <div class="text">{ crate::components::rich_text::rich_text(&m.text, &m.markup) }</div>
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
                let preview = (a.kind == "image")
                    .then(|| a.token.clone())
                    .flatten()
                    .map(|token| html! { <ImagePreview token={token} name={a.name.clone()} /> });
                html! {
                    <>
                    if let Some(preview) = preview { { preview } }
                    <div class="attachment" data-testid="attachment">
                        if let Some(onclick) = on_open {
                            <button class="link open-file" data-testid="open-attachment" {onclick}
                                aria-label={a.name.clone()}>{ crate::components::icons::download() }</button>
                        }
                        { crate::components::icons::for_kind(&a.kind) }
                        <span class="name">{ &a.name }</span>
                        if let Some(size) = a.size {
                            <span class="size">{ size_label(props.lang, size) }</span>
                        }
                        if let Some((_, done, total)) = progress {
                            <progress max={total.to_string()} value={done.to_string()}
                                aria-label={a.name.clone()} />
                        }
                    </div>
                    </>
                }
            }) }
            <div class="time">
                { status }
                if let Some((state, label)) = max_state {
                    <span class={classes!("max-state", state)} data-testid="max-state">{ " · " }{ label }</span>
                }
            </div>
            if m.delivery == Delivery::Sent {
                <div class="actions reply-actions">
                    <button class="link" data-testid="reply" onclick={{
                        let (cb, message) = (props.on_reply.clone(), m.clone());
                        Callback::from(move |_: MouseEvent| cb.emit(message.clone()))
                    }}>{ t(props.lang, Key::Reply) }</button>
                    if props.can_pin {
                        if props.pinned_mid.as_deref() == Some(m.mid.as_str()) {
                            <button class="link" data-testid="unpin" onclick={{
                                let cb = props.on_pin.clone();
                                Callback::from(move |_: MouseEvent| cb.emit(None))
                            }}>{ t(props.lang, Key::Unpin) }</button>
                        } else {
                            <button class="link" data-testid="pin" onclick={{
                                let (cb, mid) = (props.on_pin.clone(), m.mid.clone());
                                Callback::from(move |_: MouseEvent| cb.emit(Some(mid.clone())))
                            }}>{ t(props.lang, Key::Pin) }</button>
                        }
                    }
                    if let Some(author) = m.sender_id.filter(|_| !m.is_own) {
                        <button class="link" data-testid="write-author" onclick={{
                            let cb = props.on_write_privately.clone();
                            Callback::from(move |_: MouseEvent| cb.emit(author))
                        }}>{ tc(props.lang, C::WritePrivately) }</button>
                        <button class="link" data-testid="report" onclick={{
                            let (mid, reporting) = (m.mid.clone(), reporting.clone());
                            Callback::from(move |_: MouseEvent| reporting.set(Some(mid.clone())))
                        }}>{ tr(props.lang, R::Report) }</button>
                    }
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
            if reporting.as_deref() == Some(m.mid.as_str()) {
                <ReportForm mid={m.mid.clone()} lang={props.lang} on_close={{
                    let reporting = reporting.clone();
                    Callback::from(move |()| reporting.set(None))
                }} />
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
    }
}
