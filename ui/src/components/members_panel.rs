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
    /// One administers the chat: renames it, adds and removes members here.
    #[prop_or_default]
    pub manage: bool,
    /// The chat's title, for renaming.
    #[prop_or_default]
    pub title: String,
}

#[function_component(MembersPanel)]
pub fn members_panel(props: &MembersPanelProps) -> Html {
    let members = use_state(|| None::<Vec<MemberView>>);
    let files = use_state(|| None::<Vec<FileView>>);
    let showing_files = use_state(|| false);
    // Why «Написать лично» was refused, if it was.
    let refused = use_state(|| None::<&'static str>);
    let ctx = use_context::<crate::state::AppContext>();
    // Managing (chat administrators): the new title, and the people offered to add.
    let new_title = use_state(|| props.title.clone());
    let offered = use_state(|| None::<Vec<MemberView>>);
    let adding = use_state(std::collections::BTreeSet::<i64>::new);
    let manage_error = use_state(|| None::<String>);
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
                if props.manage {
                    { manage_controls(props, &ManageState {
                        members: members.clone(),
                        new_title: new_title.clone(),
                        offered: offered.clone(),
                        adding: adding.clone(),
                        error: manage_error.clone(),
                        ctx: ctx.clone(),
                    }) }
                }
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
                                // The name on its own line, what one may do under it: a long name
                                // is never squeezed to a column of syllables.
                                <span class="name">
                                    { &m.name }
                                    if m.is_admin || write.is_some() {
                                        <span class="member-actions">
                                            if m.is_admin {
                                                <span class="role">{ t(lang, Key::ChatAdmin) }</span>
                                            }
                                            if let Some(onclick) = write {
                                                <button class="link small" data-testid="write-privately" {onclick}
                                                    title={tc(lang, C::WritePrivately)}>{ tc(lang, C::WritePrivately) }</button>
                                            }
                                        </span>
                                    }
                                </span>
                                if props.manage && !m.is_me {
                                    <button class="icon" data-testid="member-remove" aria-label={tc(lang, C::Remove)}
                                        title={tc(lang, C::Remove)} onclick={{
                                            let (members, error, chat_id, user_id) =
                                                (members.clone(), manage_error.clone(), props.chat_id, m.user_id);
                                            Callback::from(move |_: MouseEvent| {
                                                let (members, error) = (members.clone(), error.clone());
                                                spawn_local(async move {
                                                    match api::remove_member(chat_id, user_id).await {
                                                        Ok(list) => members.set(Some(list)),
                                                        Err(e) => error.set(Some(crate::components::admin::common::admin_error(lang, &e))),
                                                    }
                                                });
                                            })
                                        }}>{ "✕" }</button>
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
        </aside>
    }
}

/// What the chat administrator's controls change.
struct ManageState {
    members: UseStateHandle<Option<Vec<MemberView>>>,
    new_title: UseStateHandle<String>,
    offered: UseStateHandle<Option<Vec<MemberView>>>,
    adding: UseStateHandle<std::collections::BTreeSet<i64>>,
    error: UseStateHandle<Option<String>>,
    ctx: Option<crate::state::AppContext>,
}

/// Renaming the chat and adding people to it (chat administrators; procedure 4.3).
fn manage_controls(props: &MembersPanelProps, s: &ManageState) -> Html {
    let (lang, chat_id) = (props.lang, props.chat_id);
    let fail = move |error: &UseStateHandle<Option<String>>, e: &parta_model::view::UiError| {
        error.set(Some(crate::components::admin::common::admin_error(lang, e)));
    };
    let on_rename = {
        let (title, error, ctx) = (s.new_title.clone(), s.error.clone(), s.ctx.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (title, error, ctx) = ((*title).clone(), error.clone(), ctx.clone());
            spawn_local(async move {
                match api::rename_chat(chat_id, &title).await {
                    Ok(_) => {
                        error.set(None);
                        if let Some(ctx) = ctx {
                            crate::actions::reload_chats(ctx.clone());
                            crate::actions::open_chat(ctx, chat_id, false);
                        }
                    }
                    Err(e) => fail(&error, &e),
                }
            });
        })
    };
    let on_offer = {
        let (offered, members, error) = (s.offered.clone(), s.members.clone(), s.error.clone());
        Callback::from(move |_: MouseEvent| {
            let (offered, members, error) = (offered.clone(), members.clone(), error.clone());
            spawn_local(async move {
                match api::people_to_pick().await {
                    Ok(people) => {
                        let inside: Vec<i64> =
                            members.iter().flatten().map(|m| m.user_id).collect();
                        offered.set(Some(
                            people
                                .into_iter()
                                .filter(|p| !inside.contains(&p.user_id))
                                .collect(),
                        ));
                    }
                    Err(e) => fail(&error, &e),
                }
            });
        })
    };
    let on_add = {
        let (adding, offered, members, error) = (
            s.adding.clone(),
            s.offered.clone(),
            s.members.clone(),
            s.error.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let ids: Vec<i64> = adding.iter().copied().collect();
            if ids.is_empty() {
                return;
            }
            let (adding, offered, members, error) = (
                adding.clone(),
                offered.clone(),
                members.clone(),
                error.clone(),
            );
            spawn_local(async move {
                match api::add_members(chat_id, ids).await {
                    Ok(list) => {
                        members.set(Some(list));
                        offered.set(None);
                        adding.set(Default::default());
                    }
                    Err(e) => fail(&error, &e),
                }
            });
        })
    };
    html! {
        <div class="manage-chat" data-testid="manage-chat">
            <form class="inline-form" onsubmit={on_rename}>
                <input data-testid="panel-rename-input" aria-label={tc(lang, C::ChatTitle)} maxlength="200"
                    value={(*s.new_title).clone()} oninput={crate::dom::typed_into(&s.new_title)} />
                <button class="secondary small" type="submit" data-testid="panel-rename">{ tc(lang, C::Rename) }</button>
            </form>
            if let Some(people) = &*s.offered {
                <div class="offered" data-testid="members-offered">
                    <div class="offered-list">
                    { for people.iter().map(|p| {
                        let id = p.user_id;
                        let checked = s.adding.contains(&id);
                        let onchange = {
                            let adding = s.adding.clone();
                            Callback::from(move |_: Event| {
                                let mut next = (*adding).clone();
                                if !next.remove(&id) {
                                    next.insert(id);
                                }
                                adding.set(next);
                            })
                        };
                        html! {
                            <label class="check" key={id}>
                                <input type="checkbox" data-testid="members-add-person" data-name={p.name.clone()}
                                    {checked} {onchange} />
                                { &p.name }
                            </label>
                        }
                    }) }
                    </div>
                    // Outside the scrolling list: always in sight, however many are offered.
                    <button class="primary small" data-testid="members-add" onclick={on_add}>{ tc(lang, C::Add) }</button>
                </div>
            } else {
                <button class="link" data-testid="members-add-open" onclick={on_offer}>{ "+ " }{ tc(lang, C::Add) }</button>
            }
            if let Some(message) = &*s.error {
                <p class="form-error" role="alert" data-testid="manage-error">{ message }</p>
            }
        </div>
    }
}
