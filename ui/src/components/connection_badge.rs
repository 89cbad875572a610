//! "Нет связи" / "Подключение…" / "В сети".

use parta_model::view::ConnectionState;
use yew::prelude::*;

use crate::i18n::{Key, Lang, t};

#[derive(Properties, PartialEq)]
pub struct ConnectionBadgeProps {
    pub state: ConnectionState,
    pub lang: Lang,
}

#[function_component(ConnectionBadge)]
pub fn connection_badge(props: &ConnectionBadgeProps) -> Html {
    let (class, key, testid) = match props.state {
        ConnectionState::Online => ("conn online", Key::Online, "connection-online"),
        ConnectionState::Connecting => {
            ("conn connecting", Key::Connecting, "connection-connecting")
        }
        ConnectionState::Offline => ("conn offline", Key::Offline, "connection-offline"),
    };
    let title = if props.state == ConnectionState::Offline {
        t(props.lang, Key::OfflineHint)
    } else {
        ""
    };
    html! {
        <div class={class} data-testid={testid} role="status" title={title}>
            <span class="dot" aria-hidden="true"></span>
            { t(props.lang, key) }
        </div>
    }
}
