//! The open chat's members, in a panel beside the timeline: from the server, or from the cache
//! when offline. Esc or the close button closes it.

use parta_model::view::MemberView;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::dom::use_window_keydown;
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
    {
        let members = members.clone();
        use_effect_with(props.chat_id, move |chat_id| {
            let chat_id = *chat_id;
            members.set(None);
            spawn_local(async move {
                members.set(Some(api::chat_members(chat_id).await.unwrap_or_default()));
            });
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
    html! {
        <aside class="members-panel" data-testid="members-panel" aria-label={t(lang, Key::MembersTitle)}>
            <header>
                <h3>{ t(lang, Key::MembersTitle) }</h3>
                <button class="icon" data-testid="close-members" aria-label={t(lang, Key::ClosePanel)}
                    title={t(lang, Key::ClosePanel)} onclick={on_close}>{ "✕" }</button>
            </header>
            <ul role="list">
                { for members.iter().flatten().map(|m| html! {
                    <li key={m.user_id} data-testid="member">
                        <span class="avatar small" aria-hidden="true">{ m.name.chars().take(1).collect::<String>() }</span>
                        <span class="name">{ &m.name }</span>
                        if m.is_admin {
                            <span class="role">{ t(lang, Key::ChatAdmin) }</span>
                        }
                    </li>
                }) }
            </ul>
        </aside>
    }
}
