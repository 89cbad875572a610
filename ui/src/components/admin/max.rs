//! The school's MAX chats (the bridge, `link_max_chats`): the chats the school's bot is in,
//! with a warning where it cannot read every message, each linked to one Parta chat or not;
//! linking and unlinking are in the audit log.

use parta_model::school::{AdminReply, AdminRequest, LinkMaxChat, MaxLinks};
use yew::prelude::*;

use super::common::{error_line, reloader, run};
use crate::hooks::use_failure;
use crate::i18n::Lang;
use crate::i18n::admin::{A, ta};

#[derive(Properties, PartialEq)]
pub struct AdminMaxProps {
    pub lang: Lang,
}

#[function_component(AdminMax)]
pub fn admin_max(props: &AdminMaxProps) -> Html {
    let lang = props.lang;
    let links = use_state(|| None::<MaxLinks>);
    // The Parta chat chosen for each MAX chat, by MAX chat id.
    let chosen = use_state(std::collections::HashMap::<i64, i64>::new);
    let (error, failed) = use_failure();
    let pick = |reply| match reply {
        AdminReply::MaxLinks(links) => Some(links),
        _ => None,
    };
    let reload = reloader(lang, || AdminRequest::MaxLinks, pick, &links, &failed);
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }
    let Some(state) = &*links else {
        return html! {
            <div class="admin-pane">
                { error_line(&error) }
                <p class="muted">{ ta(lang, A::Loading) }</p>
            </div>
        };
    };
    let title_of = |chat_id: i64| {
        state
            .parta_chats
            .iter()
            .find(|c| c.chat_id == chat_id)
            .map(|c| c.title.clone())
            .unwrap_or_else(|| format!("#{chat_id}"))
    };
    html! {
        <div class="admin-pane" data-testid="max-links">
            <p class="hint">{ ta(lang, A::MaxHint) }</p>
            { error_line(&error) }
            if !state.configured {
                <p class="form-error" data-testid="max-not-configured">{ ta(lang, A::MaxNotConfigured) }</p>
            }
            if let Some(bot) = &state.bot_name {
                <p data-testid="max-bot">{ format!("{}: {bot}", ta(lang, A::MaxBot)) }</p>
            }
            if state.problem.is_some() {
                <p class="form-error" data-testid="max-problem">{ ta(lang, A::MaxUnreachable) }</p>
            }
            if state.configured && state.problem.is_none() && state.chats.is_empty() {
                <p class="muted">{ ta(lang, A::MaxNoChats) }</p>
            }
            <ul class="admin-list">
                { for state.chats.iter().map(|offer| {
                    let max_chat_id = offer.max_chat_id;
                    let action = match offer.linked_chat_id {
                        Some(chat_id) => {
                            let on_unlink = {
                                let (reload, failed) = (reload.clone(), failed.clone());
                                Callback::from(move |_: MouseEvent| {
                                    let reload = reload.clone();
                                    run(lang, AdminRequest::UnlinkMaxChat { chat_id },
                                        move |_| reload.emit(()), failed.clone());
                                })
                            };
                            html! {
                                <>
                                    <span class="status" data-testid="max-linked-to">{ format!("→ {}", title_of(chat_id)) }</span>
                                    <button class="secondary small" data-testid="max-unlink" onclick={on_unlink}>{ ta(lang, A::MaxUnlink) }</button>
                                </>
                            }
                        }
                        None => {
                            let on_pick = {
                                let chosen = chosen.clone();
                                Callback::from(move |e: Event| {
                                    let mut all = (*chosen).clone();
                                    if let Ok(id) = crate::dom::value_of(&e).parse::<i64>() {
                                        all.insert(max_chat_id, id);
                                    }
                                    chosen.set(all);
                                })
                            };
                            let picked = chosen.get(&max_chat_id).copied();
                            let on_link = {
                                let (reload, failed) = (reload.clone(), failed.clone());
                                Callback::from(move |_: MouseEvent| {
                                    let Some(chat_id) = picked else { return };
                                    let reload = reload.clone();
                                    run(lang, AdminRequest::LinkMaxChat {
                                        link: LinkMaxChat { chat_id, max_chat_id },
                                    }, move |_| reload.emit(()), failed.clone());
                                })
                            };
                            let free: Vec<_> = state.parta_chats.iter()
                                .filter(|c| !state.links.iter().any(|l| l.chat_id == c.chat_id))
                                .collect();
                            html! {
                                <>
                                    <select data-testid="max-link-chat" aria-label={ta(lang, A::MaxLinkTo)} onchange={on_pick}>
                                        <option value="" selected={picked.is_none()}>{ ta(lang, A::MaxLinkTo) }</option>
                                        { for free.iter().map(|c| html! {
                                            <option value={c.chat_id.to_string()} selected={picked == Some(c.chat_id)}>{ &c.title }</option>
                                        }) }
                                    </select>
                                    <button class="primary small" data-testid="max-link" disabled={picked.is_none()} onclick={on_link}>{ ta(lang, A::MaxLink) }</button>
                                </>
                            }
                        }
                    };
                    html! {
                        <li key={max_chat_id} data-testid="max-chat" data-max-chat={max_chat_id.to_string()}>
                            <div class="grow">
                                <div class="title">{ &offer.title }</div>
                                if !offer.can_bridge {
                                    <div class="form-error" data-testid="max-cannot-read">{ ta(lang, A::MaxCannotRead) }</div>
                                }
                            </div>
                            { action }
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
