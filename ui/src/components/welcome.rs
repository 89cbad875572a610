//! First launch: choose the demo school (connecting to a real school comes with invites).

use yew::prelude::*;

use crate::app::start_demo;
use crate::i18n::{Key, t};
use crate::state::{AppContext, Phase};

#[function_component(Welcome)]
pub fn welcome() -> Html {
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let lang = ctx.lang;
    let starting = ctx.phase == Phase::Starting;
    let on_demo = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| start_demo(ctx.clone()))
    };
    html! {
        <main class="welcome">
            <div class="welcome-card">
                <div class="logo" aria-hidden="true">{ "П" }</div>
                <h1>{ t(lang, Key::AppName) }</h1>
                <p class="tagline">{ t(lang, Key::Tagline) }</p>
                <button class="primary big" data-testid="demo-button" onclick={on_demo} disabled={starting}>
                    { if starting { t(lang, Key::Starting) } else { t(lang, Key::DemoSchool) } }
                </button>
                <p class="hint">{ t(lang, Key::DemoSchoolHint) }</p>
                <button class="secondary big" disabled=true title={t(lang, Key::ConnectSchoolSoon)}>
                    { t(lang, Key::ConnectSchool) }
                </button>
                <p class="hint">{ t(lang, Key::ConnectSchoolSoon) }</p>
            </div>
        </main>
    }
}
