//! Small line icons drawn as inline SVG (no icon font, no emoji font needed, nothing fetched).
//! Decorative: each is `aria-hidden`; the button or row around it carries the words.

use yew::prelude::*;

fn icon(paths: &'static [&'static str]) -> Html {
    html! {
        <svg class="icon-svg" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"
            fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            { for paths.iter().map(|d| html! { <path d={*d} /> }) }
        </svg>
    }
}

/// A document.
pub fn file() -> Html {
    icon(&[
        "M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z",
        "M14 3v6h6",
    ])
}

/// A megaphone (an announcement).
pub fn megaphone() -> Html {
    icon(&[
        "M3 10v4a1 1 0 0 0 1 1h3l6 4V5L7 9H4a1 1 0 0 0-1 1z",
        "M17 9a4 4 0 0 1 0 6",
        "M9 15l1 5",
    ])
}

/// A picture.
pub fn image() -> Html {
    icon(&[
        "M5 4h14a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1z",
        "M4 16l5-5 4 4 3-3 4 4",
    ])
}

/// A paper clip (attach).
pub fn clip() -> Html {
    icon(&["M21 11l-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7"])
}

/// A clock (later).
pub fn clock() -> Html {
    icon(&["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M12 7v5l3 2"])
}

/// A chain link.
pub fn link() -> Html {
    icon(&[
        "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1",
        "M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1",
    ])
}

/// A downward arrow (download and open).
pub fn download() -> Html {
    icon(&["M12 4v11", "M7 10l5 5 5-5", "M5 20h14"])
}

/// The icon for an attachment of MAX kind `kind`.
pub fn for_kind(kind: &str) -> Html {
    if kind == "image" { image() } else { file() }
}
