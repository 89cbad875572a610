//! «Камера и звук» in the settings: the lesson check (procedure 7.1) at any time, not only in
//! the ten minutes before a lesson.

use yew::prelude::*;

use crate::components::media_check::MediaCheck;
use crate::i18n::Lang;
use crate::i18n::lessons::{L, tl};

#[derive(Properties, PartialEq)]
pub struct MediaSectionProps {
    pub lang: Lang,
}

#[function_component(MediaSection)]
pub fn media_section(props: &MediaSectionProps) -> Html {
    let lang = props.lang;
    let open = use_state(|| false);
    let on_toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <section class="settings-group" data-testid="media-section">
            <h3>{ tl(lang, L::CheckMedia) }</h3>
            <button class="secondary" data-testid="check-media" aria-pressed={open.to_string()}
                onclick={on_toggle}>{ tl(lang, L::CheckMedia) }</button>
            if *open {
                <MediaCheck {lang} />
            }
        </section>
    }
}
