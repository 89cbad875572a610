//! The open chat's side panel, beside the timeline: its members (from the server, or from the
//! cache when offline) and its files (those of the cached messages, each opened from the
//! offline file cache once downloaded). Esc or the close button closes it.

use parta_model::view::{FileView, MemberView};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::dom::use_window_keydown;
use crate::i18n::composer::{C, tc};
use crate::i18n::{Key, Lang, t};
use crate::services::api;

#[derive(Properties, PartialEq)]
pub struct MembersPanelProps {
    pub chat_id: i64,
    pub lang: Lang,
    pub on_close: Callback<()>,
}

#[function_component(MembersPanel)]
pub fn members_panel(props: &MembersPanelProps) -> Html {
    let members = use_state(|| None::<Vec<MemberView>>);
    let files = use_state(|| None::<Vec<FileView>>);
    let showing_files = use_state(|| false);
    // Why «Написать лично» was refused, if it was.
    let refused = use_state(|| None::<&'static str>);
    let ctx = use_context::<crate::state::AppContext>();
    let reload_files = {
        let (files, chat_id) = (files.clone(), props.chat_id);
        Callback::from(move |()| {
            let files = files.clone();
            spawn_local(async move {
                files.set(Some(api::files(Some(chat_id)).await.unwrap_or_default()));
            });
        })
    };
    {
        let (members, reload_files) = (members.clone(), reload_files.clone());
        use_effect_with(props.chat_id, move |chat_id| {
            let chat_id = *chat_id;
            members.set(None);
            spawn_local(async move {
                members.set(Some(api::chat_members(chat_id).await.unwrap_or_default()));
            });
            reload_files.emit(());
        });
    }
    {
        // Esc closes the panel, wherever the focus is.
        let on_close = props.on_close.clone();
        use_window_keydown(move |e| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        });
    }
    let lang = props.lang;
    let on_close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let now = crate::time::now_ms();
    let tab = |files: bool, label: &'static str, testid: &'static str| {
        let showing = showing_files.clone();
        let active = *showing_files == files;
        html! {
            <button class={if active { "tab active" } else { "tab" }} data-testid={testid}
                aria-pressed={if active { "true" } else { "false" }}
                onclick={Callback::from(move |_: MouseEvent| showing.set(files))}>
                { label }
            </button>
        }
    };
    html! {
        <aside class="members-panel" data-testid="members-panel" aria-label={t(lang, Key::ChatInfo)}>
            <header>
                <h3>{ t(lang, Key::ChatInfo) }</h3>
                <button class="icon" data-testid="close-members" aria-label={t(lang, Key::ClosePanel)}
                    title={t(lang, Key::ClosePanel)} onclick={on_close}>{ "✕" }</button>
            </header>
            <nav class="tabs inline panel-tabs" aria-label={t(lang, Key::ChatInfo)}>
                { tab(false, t(lang, Key::MembersTitle), "panel-tab-members") }
                { tab(true, tc(lang, C::Files), "panel-tab-files") }
            </nav>
            if *showing_files {
                if files.as_ref().is_some_and(Vec::is_empty) {
                    <p class="muted panel-empty" data-testid="panel-no-files">{ tc(lang, C::NoFiles) }</p>
                }
                <ul role="list" data-testid="panel-files">
                    { for files.iter().flatten().map(|f| {
                        let a = &f.attachment;
                        let on_open = super::files_view::opener(a, &reload_files);
                        html! {
                            <li key={format!("{}-{}", f.mid, a.name)} data-testid="panel-file" data-kept={f.kept.to_string()}>
                                <span class="file-icon" aria-hidden="true">{ super::icons::for_kind(&a.kind) }</span>
                                <span class="name">
                                    { &a.name }
                                    <span class="sub">
                                        { format!("{} · {}", f.sender_name, crate::time::day_label(lang, f.timestamp, now)) }
                                        if let Some(size) = a.size { { format!(" · {}", crate::i18n::settings::size(lang, size)) } }
                                        { " · " }{ if f.kept { tc(lang, C::Kept) } else { tc(lang, C::NotKept) } }
                                    </span>
                                </span>
                                if let Some(onclick) = on_open {
                                    <button class="secondary small" data-testid="panel-file-open" {onclick}>{ tc(lang, C::Open) }</button>
                                }
                            </li>
                        }
                    }) }
                </ul>
            } else {
                if let Some(sentence) = *refused {
                    <p class="form-error" role="alert" data-testid="private-refused">{ sentence }</p>
                }
                <ul role="list">
                    { for members.iter().flatten().map(|m| {
                        let write = ctx.clone().filter(|_| !m.is_me).map(|ctx| {
                            let (user_id, refused) = (m.user_id, refused.clone());
                            Callback::from(move |_: MouseEvent| {
                                let refused = refused.clone();
                                crate::actions::write_privately(
                                    ctx.clone(),
                                    user_id,
                                    Callback::from(move |s| refused.set(Some(s))),
                                );
                            })
                        });
                        html! {
                            <li key={m.user_id} data-testid="member" data-name={m.name.clone()}>
                                <span class="avatar small" aria-hidden="true">{ m.name.chars().take(1).collect::<String>() }</span>
                                <span class="name">{ &m.name }</span>
                                if m.is_admin {
                                    <span class="role">{ t(lang, Key::ChatAdmin) }</span>
                                }
                                if let Some(onclick) = write {
                                    <button class="link small" data-testid="write-privately" {onclick}
                                        title={tc(lang, C::WritePrivately)}>{ tc(lang, C::WritePrivately) }</button>
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
        </aside>
    }
}
