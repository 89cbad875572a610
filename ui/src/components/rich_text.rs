//! A message's text with its MAX markup: bold, italic, strikethrough, underline, code,
//! highlighted, headings, quotes, links and mentions. Links open in the system browser
//! through the shell (web and mail links only); the webview itself never navigates.

use parta_model::markup::{Markup, MarkupKind, spans};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::services::api;

/// `text` with `markup` applied.
pub fn rich_text(text: &str, markup: &[Markup]) -> Html {
    if markup.is_empty() {
        return html! { { text } };
    }
    html! {
        { for spans(text, markup).into_iter().map(|span| {
            let mut node = html! { { span.text.clone() } };
            for kind in &span.kinds {
                node = match kind {
                    MarkupKind::Strong => html! { <strong>{ node }</strong> },
                    MarkupKind::Emphasized => html! { <em>{ node }</em> },
                    MarkupKind::Strikethrough => html! { <s>{ node }</s> },
                    MarkupKind::Underline => html! { <u>{ node }</u> },
                    MarkupKind::Monospaced => html! { <code>{ node }</code> },
                    MarkupKind::Highlighted => html! { <mark class="md-highlight">{ node }</mark> },
                    MarkupKind::Heading => html! { <span class="md-heading">{ node }</span> },
                    MarkupKind::Quote => html! { <span class="md-quote">{ node }</span> },
                    MarkupKind::UserMention => html! { <span class="mention">{ node }</span> },
                    // A kind MAX added later (a spoiler, …): its text, as plain text.
                    MarkupKind::Other(_) => node,
                    MarkupKind::Link => match &span.url {
                        Some(url) => {
                            let target = url.clone();
                            let onclick = Callback::from(move |e: MouseEvent| {
                                e.prevent_default();
                                let target = target.clone();
                                spawn_local(async move {
                                    let _ = api::open_link(&target).await;
                                });
                            });
                            html! { <a href={url.clone()} title={url.clone()} rel="noopener noreferrer" {onclick}>{ node }</a> }
                        }
                        None => node,
                    },
                };
            }
            node
        }) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Properties, PartialEq)]
    struct Props {
        source: String,
    }

    #[function_component(Rendered)]
    fn rendered(props: &Props) -> Html {
        let (text, markup) = parta_model::markup::parse_markdown(&props.source);
        html! { <p>{ rich_text(&text, &markup) }</p> }
    }

    async fn render(source: &str) -> String {
        let source = source.to_owned();
        yew::ServerRenderer::<Rendered>::with_props(move || Props { source })
            .render()
            .await
    }

    #[tokio::test]
    async fn markdown_becomes_the_matching_elements_and_links_keep_their_target() {
        let html =
            render("**Собрание** в _четверг_, ~~18:00~~ ++19:00++ `каб. 214` ^^важно^^").await;
        for tag in [
            "<strong>Собрание</strong>",
            "<em>четверг</em>",
            "<s>18:00</s>",
            "<u>19:00</u>",
            "<code>каб. 214</code>",
            "<mark class=\"md-highlight\">важно</mark>",
        ] {
            assert!(html.contains(tag), "{tag} in {html}");
        }
        let html = render("[Правила](https://school.example/rules)").await;
        assert!(
            html.contains("href=\"https://school.example/rules\""),
            "{html}"
        );
        assert!(html.contains(">Правила</a>"), "{html}");
    }

    #[tokio::test]
    async fn text_that_looks_like_html_stays_text() {
        let html = render("**<img src=x onerror=alert(1)>**").await;
        assert!(!html.contains("<img"), "escaped: {html}");
        assert!(html.contains("&lt;img"), "{html}");
    }
}
