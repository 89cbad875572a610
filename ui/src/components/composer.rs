//! Writing a message. The text stays in the box until the send succeeds: a failed send never
//! loses what the teacher or parent typed.

use yew::platform::spawn_local;
use yew::prelude::*;

use super::announce_panel::{AnnounceOptions, AnnouncePanel};
use crate::i18n::composer::{C, tc};
use crate::i18n::{Key, t};
use crate::services::api;
use crate::state::{Action, AppContext};

#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    pub chat_id: i64,
    /// The person's role at the school (staff may announce); `None` while unknown.
    #[prop_or_default]
    pub role: Option<parta_model::school::Role>,
}

#[function_component(Composer)]
pub fn composer(props: &ComposerProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let text = use_state(String::new);
    let sending = use_state(|| false);
    // What the school's rules found in the text, shown before it goes; the text it was found
    // in, once the person chose to send it anyway.
    let warnings = use_state(Vec::<parta_model::view::PolicyNote>::new);
    let accepted = use_state(|| None::<String>);
    // Files to send with the message: picked in the system's chooser or dropped on the window.
    let files = use_state(Vec::<parta_model::view::PickedFile>::new);
    // `@` mentions: the chat's members (from the cache), the `@…` being typed (where it starts
    // and what follows), and which offered member is chosen.
    let members = use_state(Vec::<parta_model::view::MemberView>::new);
    let mention = use_state(|| None::<(usize, String)>);
    let picked = use_state(|| 0usize);
    // Written as an announcement (staff): what it asks and where else it goes.
    let announce = use_state(|| None::<AnnounceOptions>);
    {
        let announce = announce.clone();
        use_effect_with(props.chat_id, move |_| announce.set(None));
    }
    // Who in this chat is in their quiet hours now (asked when the chat opens).
    let quiet = use_state(Vec::<parta_model::school::QuietMember>::new);
    {
        let quiet = quiet.clone();
        use_effect_with(props.chat_id, move |chat_id| {
            let chat_id = *chat_id;
            quiet.set(Vec::new());
            spawn_local(async move {
                if let Ok(list) = api::chat_quiet(chat_id).await {
                    quiet.set(list);
                }
            });
        });
    }
    {
        let (members, mention) = (members.clone(), mention.clone());
        use_effect_with(props.chat_id, move |chat_id| {
            let chat_id = *chat_id;
            mention.set(None);
            spawn_local(async move {
                if let Ok(list) = api::chat_members(chat_id).await {
                    members.set(list);
                }
            });
        });
    }
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
    let editing = ctx.editing.clone();
    // Stopping an edit (saved or cancelled) brings back what was being written before.
    let restore_draft = {
        let text = text.clone();
        let chat_id = props.chat_id;
        Callback::from(move |()| {
            let text = text.clone();
            spawn_local(async move {
                let draft = api::load_draft(chat_id).await.ok().flatten();
                text.set(draft.unwrap_or_default());
            });
        })
    };
    {
        let text = text.clone();
        use_effect_with(editing.clone(), move |editing| {
            if let Some(m) = editing {
                // With its formatting, as it was written.
                text.set(parta_model::markup::to_markdown(&m.text, &m.markup));
            }
        });
    }

    // Sends `body` (the rules already consulted).
    let deliver = {
        let text = text.clone();
        let sending = sending.clone();
        let ctx = ctx.clone();
        let files = files.clone();
        let restore_draft = restore_draft.clone();
        let warnings = warnings.clone();
        let announce = announce.clone();
        let chat_id = props.chat_id;
        Callback::from(move |body: String| {
            if *sending {
                return;
            }
            warnings.set(Vec::new());
            sending.set(true);
            let text = text.clone();
            let sending = sending.clone();
            let ctx = ctx.clone();
            let reply_to = ctx.replying.as_ref().map(|m| m.mid.clone());
            let editing = ctx.editing.as_ref().map(|m| m.mid.clone());
            let restore_draft = restore_draft.clone();
            let attached: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
            let files = files.clone();
            let announcing = (*announce).clone();
            let announce = announce.clone();
            spawn_local(async move {
                if let Some(options) = announcing.filter(|_| editing.is_none()) {
                    let mut chats = vec![chat_id];
                    chats.extend(options.also);
                    match api::send_announcement(chats, &body, options.ack_required).await {
                        Ok(_) => {
                            text.set(String::new());
                            let _ = api::save_draft(chat_id, "").await;
                            announce.set(None);
                        }
                        Err(e) => ctx.dispatch(Action::Error(e)),
                    }
                    sending.set(false);
                    return;
                }
                if let Some(mid) = editing {
                    match api::edit_message(&mid, &body).await {
                        Ok(()) => {
                            ctx.dispatch(Action::Edit(None));
                            restore_draft.emit(());
                        }
                        Err(e) => ctx.dispatch(Action::Error(e)),
                    }
                    sending.set(false);
                    return;
                }
                let sent = match &reply_to {
                    _ if !attached.is_empty() => api::send_files(chat_id, &body, &attached)
                        .await
                        .map(|mut views| views.pop()),
                    Some(mid) => api::send_reply(chat_id, &body, mid).await.map(Some),
                    None => api::send_text(chat_id, &body).await.map(Some),
                };
                if sent.is_ok() {
                    files.set(Vec::new());
                }
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
    // First the school's rules: what they find shows as a warning, and pressing "send
    // anyway" (or sending the same text again) sends it as it is.
    let send = {
        let (text, files, sending) = (text.clone(), files.clone(), sending.clone());
        let (warnings, accepted, deliver) = (warnings.clone(), accepted.clone(), deliver.clone());
        let chat_id = props.chat_id;
        Callback::from(move |()| {
            let body = (*text).trim().to_owned();
            if (body.is_empty() && files.is_empty()) || *sending {
                return;
            }
            let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
            let key = checked_key(&body, &paths);
            if accepted.as_deref() == Some(key.as_str()) {
                accepted.set(None);
                deliver.emit(body);
                return;
            }
            let (warnings, accepted, deliver) =
                (warnings.clone(), accepted.clone(), deliver.clone());
            spawn_local(async move {
                let mut found = if body.is_empty() {
                    Vec::new()
                } else {
                    api::check_text(&body).await.unwrap_or_default()
                };
                if !paths.is_empty() {
                    found.extend(api::check_files(chat_id, paths).await.unwrap_or_default());
                }
                if found.is_empty() {
                    deliver.emit(body);
                } else {
                    accepted.set(Some(key));
                    warnings.set(found);
                }
            });
        })
    };
    let on_send_anyway = {
        let (send, text, accepted, files) =
            (send.clone(), text.clone(), accepted.clone(), files.clone());
        Callback::from(move |_: MouseEvent| {
            let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
            accepted.set(Some(checked_key((*text).trim(), &paths)));
            send.emit(());
        })
    };
    let on_fix = {
        let (warnings, accepted) = (warnings.clone(), accepted.clone());
        Callback::from(move |_: MouseEvent| {
            warnings.set(Vec::new());
            accepted.set(None);
        })
    };
    // The draft waiting to be saved, and whether a save is under way: saves go one at a
    // time and the newest text always wins (concurrent saves could land out of order and
    // keep an older, shorter text).
    let draft_slot = use_mut_ref(|| (None::<(i64, String)>, false));
    // While a sent message is being changed, the box holds its text, not the chat's draft:
    // that text must not replace the draft (which comes back when the change is done).
    let editing_now = use_mut_ref(|| false);
    *editing_now.borrow_mut() = editing.is_some();
    // Takes a new text: shown at once, kept as a draft (nothing written is lost to a crash, a
    // restart or a chat switch).
    let keep = {
        let text = text.clone();
        let chat_id = props.chat_id;
        let slot = draft_slot.clone();
        let editing_now = editing_now.clone();
        Callback::from(move |value: String| {
            text.set(value.clone());
            if *editing_now.borrow() {
                return;
            }
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
    let on_input = {
        let (keep, mention, picked) = (keep.clone(), mention.clone(), picked.clone());
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            let value = area.value();
            let (_, caret) = selection(&area, &value);
            mention.set(crate::mention::query_at(&value, caret));
            picked.set(0);
            keep.emit(value);
        })
    };
    // The toolbar wraps the selection (or the cursor) in MAX markdown markers.
    let area = use_node_ref();
    let wrap = {
        let (area, keep) = (area.clone(), keep.clone());
        Callback::from(move |(left, right): (&'static str, &'static str)| {
            if let Some(el) = area.cast::<web_sys::HtmlTextAreaElement>() {
                let value = el.value();
                let (start, end) = selection(&el, &value);
                let wrapped = format!(
                    "{}{left}{}{right}{}",
                    &value[..start],
                    &value[start..end],
                    &value[end..]
                );
                el.set_value(&wrapped);
                // The cursor goes inside the markers (after the selection, if any).
                let caret = utf16(&wrapped[..start + left.len() + (end - start)]);
                let _ = el.set_selection_range(caret, caret);
                let _ = el.focus();
                keep.emit(wrapped);
            }
        })
    };
    // The members the `@…` being typed may mean, and putting one in its place.
    let offered: Vec<parta_model::view::MemberView> = mention
        .as_ref()
        .map(|(_, query)| crate::mention::offered(&members, query, None))
        .unwrap_or_default()
        .into_iter()
        .cloned()
        .collect();
    let pick = {
        let (area, keep, mention) = (area.clone(), keep.clone(), mention.clone());
        Callback::from(move |member: parta_model::view::MemberView| {
            let (Some(el), Some((at, _))) = (
                area.cast::<web_sys::HtmlTextAreaElement>(),
                (*mention).clone(),
            ) else {
                return;
            };
            let value = el.value();
            let (_, caret) = selection(&el, &value);
            let (out, after) = crate::mention::insert(&value, at, caret, &member);
            el.set_value(&out);
            let caret = utf16(&out[..after]);
            let _ = el.set_selection_range(caret, caret);
            let _ = el.focus();
            mention.set(None);
            keep.emit(out);
        })
    };
    let tool = |marker: (&'static str, &'static str),
                label: &'static str,
                glyph: Html,
                id: &'static str| {
        let wrap = wrap.clone();
        html! {
            <button type="button" class="tool" data-testid={id} aria-label={label} title={label}
                onclick={Callback::from(move |_: MouseEvent| wrap.emit(marker))}>{ glyph }</button>
        }
    };
    // Sending later: the time picker, and this chat's pending scheduled messages.
    let later = use_state(|| false);
    let when = use_state(String::new);
    let scheduled = use_state(Vec::<parta_model::school::Scheduled>::new);
    let schedule_error = use_state(|| None::<&'static str>);
    let reload_scheduled = {
        let scheduled = scheduled.clone();
        let chat_id = props.chat_id;
        Callback::from(move |()| {
            let scheduled = scheduled.clone();
            spawn_local(async move {
                if let Ok(list) = api::scheduled_messages(chat_id).await {
                    scheduled.set(list);
                }
            });
        })
    };
    {
        let reload = reload_scheduled.clone();
        use_effect_with(props.chat_id, move |_| reload.emit(()));
    }
    let on_later = {
        let (later, when) = (later.clone(), when.clone());
        Callback::from(move |_: MouseEvent| {
            if !*later {
                when.set(in_an_hour());
            }
            later.set(!*later);
        })
    };
    let on_when = {
        let when = when.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            when.set(input.value());
        })
    };
    let on_schedule = {
        let (text, when, later, error) = (
            text.clone(),
            when.clone(),
            later.clone(),
            schedule_error.clone(),
        );
        let (keep, reload) = (keep.clone(), reload_scheduled.clone());
        let chat_id = props.chat_id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&when)).get_time();
            if !at.is_finite() || at <= js_sys::Date::now() {
                error.set(Some(tc(lang, C::PickTime)));
                return;
            }
            let body = text.trim().to_owned();
            if body.is_empty() {
                return;
            }
            let (later, error, keep, reload) =
                (later.clone(), error.clone(), keep.clone(), reload.clone());
            spawn_local(async move {
                match api::schedule_message(chat_id, &body, at as i64).await {
                    Ok(_) => {
                        error.set(None);
                        later.set(false);
                        keep.emit(String::new());
                        reload.emit(());
                    }
                    Err(e) if e.code == parta_model::view::UiErrorCode::Offline => {
                        error.set(Some(tc(lang, C::NeedsNetwork)));
                    }
                    Err(_) => error.set(Some(tc(lang, C::PickTime))),
                }
            });
        })
    };
    let on_attach = {
        let (files, ctx) = (files.clone(), ctx.clone());
        Callback::from(move |_: MouseEvent| {
            let (files, ctx) = (files.clone(), ctx.clone());
            spawn_local(async move {
                match api::pick_files().await {
                    Ok(picked) if !picked.is_empty() => {
                        let mut all = (*files).clone();
                        all.extend(picked);
                        files.set(all);
                    }
                    Ok(_) => {}
                    Err(e) => ctx.dispatch(Action::Error(e)),
                }
            });
        })
    };
    {
        // Files dropped on the window come to the open chat's composer.
        let (files, ctx) = (files.clone(), ctx.clone());
        use_effect_with(ctx.dropped.len(), move |count| {
            if *count > 0 {
                let paths = ctx.dropped.clone();
                ctx.dispatch(Action::TookDropped);
                spawn_local(async move {
                    if let Ok(described) = api::describe_files(&paths).await {
                        let mut all = (*files).clone();
                        all.extend(described);
                        files.set(all);
                    }
                });
            }
        });
    }
    let on_cancel_reply = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::ReplyTo(None)))
    };
    let on_keydown = {
        let (send, wrap) = (send.clone(), wrap.clone());
        let (offered, picked, pick, mention) = (
            offered.clone(),
            picked.clone(),
            pick.clone(),
            mention.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            // While members are offered for an `@`, the arrows choose, Enter or Tab takes the
            // chosen one and Escape closes the list.
            if !offered.is_empty() && !e.is_composing() {
                let last = offered.len() - 1;
                let handled = match e.key().as_str() {
                    "ArrowDown" => {
                        picked.set((*picked + 1).min(last));
                        true
                    }
                    "ArrowUp" => {
                        picked.set(picked.saturating_sub(1));
                        true
                    }
                    "Enter" | "Tab" => {
                        pick.emit(offered[(*picked).min(last)].clone());
                        true
                    }
                    "Escape" => {
                        mention.set(None);
                        true
                    }
                    _ => false,
                };
                if handled {
                    e.prevent_default();
                    return;
                }
            }
            if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                e.prevent_default();
                send.emit(());
            } else if (e.ctrl_key() || e.meta_key()) && !e.is_composing() {
                let marker = match e.key().to_lowercase().as_str() {
                    "b" | "и" => Some(("**", "**")),
                    "i" | "ш" => Some(("_", "_")),
                    _ => None,
                };
                if let Some(marker) = marker {
                    e.prevent_default();
                    wrap.emit(marker);
                }
            }
        })
    };
    let on_click = Callback::from(move |_: MouseEvent| send.emit(()));
    let staff = props.role.is_some_and(parta_model::school::Role::is_staff);
    let announcing = announce.is_some() && editing.is_none();
    let on_announce = {
        let announce = announce.clone();
        Callback::from(move |_: MouseEvent| {
            announce.set(match *announce {
                Some(_) => None,
                None => Some(AnnounceOptions::default()),
            });
        })
    };
    html! {
        <>
        if !warnings.is_empty() {
            <div class="policy-warning" role="alert" data-testid="policy-warning">
                if warnings.iter().any(|w| w.rule == "ethics") {
                    <p>{ tc(lang, C::WarnEthics) }</p>
                }
                if warnings.iter().any(|w| w.rule == "personal_data") {
                    <p>{ tc(lang, C::WarnPersonal) }</p>
                }
                { for warnings.iter().filter(|w| w.rule == "personal_data_file").map(|w| html! {
                    <p data-testid="policy-warning-file">{ tc(lang, C::WarnPersonalFile).replace("{name}", &w.kind) }</p>
                }) }
                { for warnings.iter().filter_map(|w| {
                    let text = match w.rule.as_str() {
                        "material_book" => C::WarnBook,
                        "material_video" => C::WarnVideo,
                        _ => return None,
                    };
                    Some(html! {
                        <p data-testid="policy-warning-material">{ tc(lang, text).replace("{name}", &w.kind) }</p>
                    })
                }) }
                <div class="button-row">
                    <button class="secondary small" data-testid="policy-fix" onclick={on_fix}>{ tc(lang, C::FixIt) }</button>
                    <button class="link" data-testid="policy-send-anyway" onclick={on_send_anyway}>{ tc(lang, C::SendAnyway) }</button>
                </div>
            </div>
        }
        if let Some(original) = &editing {
            <div class="reply-bar" data-testid="edit-bar">
                <div class="quote">
                    <span class="muted">{ tc(lang, C::Editing) }{ ": " }</span>{ &original.text }
                </div>
                <button class="icon" data-testid="cancel-edit" aria-label={tc(lang, C::CancelEdit)}
                    title={tc(lang, C::CancelEdit)} onclick={{
                        let (ctx, restore_draft) = (ctx.clone(), restore_draft.clone());
                        Callback::from(move |_: MouseEvent| {
                            ctx.dispatch(Action::Edit(None));
                            restore_draft.emit(());
                        })
                    }}>{ "✕" }</button>
            </div>
        }
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
        if !scheduled.is_empty() {
            <ul class="scheduled" data-testid="scheduled-list">
                { for scheduled.iter().map(|s| {
                    let id = s.id;
                    let reload = reload_scheduled.clone();
                    let on_cancel = Callback::from(move |_: MouseEvent| {
                        let reload = reload.clone();
                        spawn_local(async move {
                            let _ = api::cancel_scheduled(id).await;
                            reload.emit(());
                        });
                    });
                    html! {
                        <li key={id} data-testid="scheduled-item">
                            <span class="when">{ format!("{} {} {}", tc(lang, C::WillSend),
                                crate::time::day_label(lang, s.send_at, crate::time::now_ms()), crate::time::clock(s.send_at)) }</span>
                            <span class="what">{ s.body.text.clone().unwrap_or_default() }</span>
                            <button class="link" data-testid="scheduled-cancel" onclick={on_cancel}>{ tc(lang, C::CancelScheduled) }</button>
                        </li>
                    }
                }) }
            </ul>
        }
        if !files.is_empty() {
            <ul class="picked-files" data-testid="picked-files">
                { for files.iter().enumerate().map(|(i, f)| {
                    let files = files.clone();
                    let on_remove = Callback::from(move |_: MouseEvent| {
                        let mut all = (*files).clone();
                        all.remove(i);
                        files.set(all);
                    });
                    html! {
                        <li key={f.path.clone()} data-testid="picked-file">
                            { super::icons::file() }
                            <span class="name">{ &f.name }</span>
                            <span class="size">{ crate::i18n::settings::size(lang, f.size) }</span>
                            <button class="icon" aria-label={tc(lang, C::RemoveFile)} title={tc(lang, C::RemoveFile)}
                                data-testid="picked-remove" onclick={on_remove}>{ "✕" }</button>
                        </li>
                    }
                }) }
            </ul>
        }
        <div class="toolbar" role="toolbar" aria-label={tc(lang, C::Formatting)}>
            <button type="button" class="tool" data-testid="attach" aria-label={tc(lang, C::Attach)}
                disabled={announcing} title={tc(lang, C::Attach)} onclick={on_attach}>{ super::icons::clip() }</button>
            { tool(("**", "**"), tc(lang, C::Bold), html! { <b>{ "Ж" }</b> }, "format-bold") }
            { tool(("_", "_"), tc(lang, C::Italic), html! { <i>{ "К" }</i> }, "format-italic") }
            { tool(("~~", "~~"), tc(lang, C::Strike), html! { <s>{ "З" }</s> }, "format-strike") }
            { tool(("++", "++"), tc(lang, C::Underline), html! { <u>{ "П" }</u> }, "format-underline") }
            { tool(("`", "`"), tc(lang, C::Code), html! { <code>{ "</>" }</code> }, "format-code") }
            { tool(("[", "](https://)"), tc(lang, C::Link), super::icons::link(), "format-link") }
            if staff && editing.is_none() {
                <button type="button" class={if announcing { "tool later active" } else { "tool later" }}
                    data-testid="announce-toggle" aria-pressed={announcing.to_string()}
                    disabled={!files.is_empty()} title={tc(lang, C::Announce)} onclick={on_announce}>
                    { super::icons::megaphone() }{ " " }{ tc(lang, C::Announce) }
                </button>
            }
            <button type="button" class={if *later { "tool later active" } else { "tool later" }} data-testid="send-later"
                aria-pressed={if *later { "true" } else { "false" }} aria-label={tc(lang, C::SendLater)}
                title={tc(lang, C::SendLater)} onclick={on_later}>{ super::icons::clock() }{ " " }{ tc(lang, C::SendLater) }</button>
        </div>
        if let Some(options) = (*announce).clone().filter(|_| editing.is_none()) {
            <AnnouncePanel {lang} chat_id={props.chat_id} chats={ctx.chats.clone()} {options}
                on_change={{
                    let announce = announce.clone();
                    Callback::from(move |next| announce.set(Some(next)))
                }} />
        }
        if *later {
            <form class="later-panel" onsubmit={on_schedule} data-testid="later-panel">
                <label>{ tc(lang, C::SendAt) }
                    <input type="datetime-local" data-testid="send-at" value={(*when).clone()} oninput={on_when} />
                </label>
                <button class="primary small" type="submit" data-testid="schedule-button"
                    disabled={text.trim().is_empty()}>{ tc(lang, C::Schedule) }</button>
                if let Some(message) = *schedule_error {
                    <span class="form-error" role="alert" data-testid="schedule-error">{ message }</span>
                }
            </form>
        }
        if !quiet.is_empty() {
            <p class="quiet-note" data-testid="chat-quiet">
                { for quiet.iter().map(|q| html! {
                    <span>{ tc(lang, C::QuietNow).replace("{name}", &q.name).replace("{until}", &crate::time::clock(q.until)) }</span>
                }) }
            </p>
        }
        if !offered.is_empty() {
            <ul class="mention-picker" role="listbox" data-testid="mention-picker">
                { for offered.iter().enumerate().map(|(i, m)| {
                    let chosen = i == *picked;
                    let onmousedown = {
                        let (pick, member) = (pick.clone(), m.clone());
                        // Before the textarea loses focus, so the caret is still where it was.
                        Callback::from(move |e: MouseEvent| {
                            e.prevent_default();
                            pick.emit(member.clone());
                        })
                    };
                    html! {
                        <li role="option" aria-selected={chosen.to_string()} class={classes!(chosen.then_some("chosen"))}
                            data-testid="mention-option" data-name={m.name.clone()} {onmousedown}>
                            { &m.name }
                        </li>
                    }
                }) }
            </ul>
        }
        <div class="composer">
            <textarea
                ref={area}
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
                disabled={*sending || (text.trim().is_empty() && files.is_empty())}>
                { if editing.is_some() {
                    tc(lang, C::Save)
                } else if announcing {
                    tc(lang, C::Post)
                } else {
                    t(lang, Key::Send)
                } }
            </button>
        </div>
        </>
    }
}

/// What "send anyway" accepted: the text and the files it was checked with.
fn checked_key(body: &str, paths: &[String]) -> String {
    let mut key = body.to_owned();
    for path in paths {
        key.push('\u{0}');
        key.push_str(path);
    }
    key
}

/// The selection of `el` as byte offsets into `value` (JavaScript counts UTF-16 units).
fn selection(el: &web_sys::HtmlTextAreaElement, value: &str) -> (usize, usize) {
    let to_byte = |units: u32| {
        let mut seen = 0u32;
        for (byte, c) in value.char_indices() {
            if seen >= units {
                return byte;
            }
            seen += u32::try_from(c.len_utf16()).unwrap_or(2);
        }
        value.len()
    };
    let start = el
        .selection_start()
        .ok()
        .flatten()
        .map_or(value.len(), to_byte);
    let end = el.selection_end().ok().flatten().map_or(start, to_byte);
    (start.min(end), start.max(end))
}

/// UTF-16 length of `s` (what the textarea's selection counts).
fn utf16(s: &str) -> u32 {
    u32::try_from(s.encode_utf16().count()).unwrap_or(u32::MAX)
}

/// An hour from now, on the hour or half hour, as a `datetime-local` value in local time.
fn in_an_hour() -> String {
    let now = js_sys::Date::new_0();
    let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        now.get_time() + 3_600_000.0,
    ));
    let minutes = if at.get_minutes() < 30 { 30 } else { 0 };
    if minutes == 0 {
        at.set_hours(at.get_hours() + 1);
    }
    at.set_minutes(minutes);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        at.get_full_year(),
        at.get_month() + 1,
        at.get_date(),
        at.get_hours(),
        at.get_minutes()
    )
}
