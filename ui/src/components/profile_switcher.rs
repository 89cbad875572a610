//! Who is signed in, and the other profiles on this computer to switch to (several schools or
//! roles at once); in the demo, the demo school's other people too.

use parta_model::view::ProfileView;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::actions::{start_demo, switch_profile};
use crate::i18n::admin::{A, ta};
use crate::i18n::{Key, Lang, t};
use crate::services::api;
use crate::state::AppContext;

#[derive(Properties, PartialEq)]
pub struct ProfileSwitcherProps {
    pub profile: ProfileView,
    pub lang: Lang,
}

#[function_component(ProfileSwitcher)]
pub fn profile_switcher(props: &ProfileSwitcherProps) -> Html {
    let lang = props.lang;
    let open = use_state(|| false);
    let others = use_state(Vec::<ProfileView>::new);
    {
        // Esc closes the menu and gives the focus back to the button that opened it.
        let open = open.clone();
        crate::dom::use_window_keydown(move |e| {
            let shown = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| {
                    d.query_selector("[data-testid=profile-menu]")
                        .ok()
                        .flatten()
                })
                .is_some();
            if e.key() == "Escape" && shown {
                open.set(false);
                crate::dom::focus_soon("[data-testid=profile-switcher]");
            }
        });
    }
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let on_toggle = {
        let (open, others, current) = (
            open.clone(),
            others.clone(),
            props.profile.profile_id.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let show = !*open;
            open.set(show);
            if show {
                let (others, current) = (others.clone(), current.clone());
                spawn_local(async move {
                    if let Ok(list) = api::profiles().await {
                        others.set(
                            list.into_iter()
                                .filter(|p| p.profile_id != current)
                                .collect(),
                        );
                    }
                });
            }
        })
    };
    let demo = |person: &'static str, label: A| {
        let (ctx, open) = (ctx.clone(), open.clone());
        html! {
            <li><button class="menu-item" data-testid={format!("demo-as-{person}")}
                onclick={Callback::from(move |_: MouseEvent| { open.set(false); start_demo(ctx.clone(), Some(person)); })}>
                { ta(lang, label) }
            </button></li>
        }
    };
    html! {
        <div class="brand profile-switcher">
            <button class="brand-button" data-testid="profile-switcher" onclick={on_toggle}
                aria-haspopup="menu" aria-expanded={if *open { "true" } else { "false" }}
                aria-label={ta(lang, A::SwitchProfile)}>
                <span class="logo small" aria-hidden="true">{ "П" }</span>
                <span>
                    <span class="name" data-testid="profile-name">{ &props.profile.display_name }</span>
                    <span class="school">
                        { t(lang, Key::AppName) }
                        if props.profile.is_demo {
                            <span class="badge">{ t(lang, Key::DemoBadge) }</span>
                        }
                    </span>
                </span>
            </button>
            if *open {
                <ul class="menu" role="menu" aria-label={ta(lang, A::Profiles)} data-testid="profile-menu">
                    { for others.iter().map(|p| {
                        let (ctx, open, id) = (ctx.clone(), open.clone(), p.profile_id.clone());
                        html! {
                            <li key={p.profile_id.clone()}>
                                <button class="menu-item" role="menuitem" data-testid="profile-item"
                                    onclick={Callback::from(move |_: MouseEvent| { open.set(false); switch_profile(ctx.clone(), id.clone()); })}>
                                    { &p.display_name }
                                    if p.is_demo { <span class="badge">{ t(lang, Key::DemoBadge) }</span> }
                                </button>
                            </li>
                        }
                    }) }
                    if props.profile.is_demo {
                        { demo("i.kuznetsova", A::DemoAsAdmin) }
                        { demo("a.sokolova", A::DemoAsTeacher) }
                        { demo("e.morozova", A::DemoAsParent) }
                        { demo("a.morozov", A::DemoAsPupil) }
                    }
                </ul>
            }
        </div>
    }
}
