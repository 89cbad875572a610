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

#[cfg(test)]
mod tests {
    use super::*;

    async fn render(state: ConnectionState, lang: Lang) -> String {
        yew::LocalServerRenderer::<ConnectionBadge>::with_props(ConnectionBadgeProps {
            state,
            lang,
        })
        .render()
        .await
    }

    #[tokio::test]
    async fn offline_reads_net_svyazi_and_explains_itself() {
        let html = render(ConnectionState::Offline, Lang::Ru).await;
        assert!(html.contains("Нет связи"), "{html}");
        assert!(
            html.contains("data-testid=\"connection-offline\""),
            "{html}"
        );
        assert!(
            html.contains("Подключимся автоматически"),
            "the hint says what happens next"
        );
    }

    #[tokio::test]
    async fn online_in_english_reads_online() {
        let html = render(ConnectionState::Online, Lang::En).await;
        assert!(
            html.contains("Online") && !html.contains("Нет связи"),
            "{html}"
        );
    }
}
