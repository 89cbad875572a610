//! The root component: boots, listens to the shell's events, and picks the screen.

use parta_model::view::AppEvent;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::actions::{reload_chats, start_demo, watch_join};
use crate::components::lock_screen::LockScreen;
use crate::components::{
    error_banner::ErrorBanner, join_waiting::JoinWaiting, main_view::MainView, welcome::Welcome,
};
use crate::dom;
use crate::i18n::{self, Key};
use crate::prefs::stored_lang;
use crate::services::api;
use crate::state::{Action, AppContext, AppState, Phase};

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState::new(stored_lang()));
    // What the page keeps beyond the state goes when another person's things come in front.
    use_effect_with(state.shown, |_| crate::previews::forget());

    // Ctrl + "+" and Ctrl + "−" step through the scales, Ctrl + 0 goes back to 100 %.
    dom::use_window_keydown(|e| {
        use crate::prefs::{SCALES, scale_percent};
        if !(e.ctrl_key() || e.meta_key()) {
            return;
        }
        let now = scale_percent();
        let at = SCALES.iter().position(|&p| p == now).unwrap_or(0);
        let next = match e.key().as_str() {
            "+" | "=" => SCALES[(at + 1).min(SCALES.len() - 1)],
            "-" | "_" => SCALES[at.saturating_sub(1)],
            "0" => 100,
            _ => return,
        };
        e.prevent_default();
        crate::prefs::update(|p| p.scale_percent = next);
        spawn_local(async move {
            let _ = api::set_scale(next).await;
        });
    });
    {
        let ctx = state.clone();
        use_effect_with((), move |_| {
            let events = ctx.clone();
            spawn_local(async move {
                // The choices kept in the data folder come first: language, theme, scale.
                let prefs = crate::prefs::load().await;
                ctx.dispatch(Action::SetLang(crate::i18n::Lang::from_code(
                    &prefs.language,
                )));
                ctx.dispatch(Action::SetDark(prefs.dark));
                if prefs.scale_percent != 100 {
                    let _ = api::set_scale(prefs.scale_percent).await;
                }
                api::on_event(move |event: AppEvent| {
                    // A removed message may have been a chat's latest: its preview changes.
                    if matches!(
                        event,
                        AppEvent::ChatsChanged | AppEvent::MessageRemoved { .. }
                    ) {
                        reload_chats(events.clone());
                    }
                    events.dispatch(Action::Event(Box::new(event)));
                })
                .await;
                let drops = ctx.clone();
                api::on_drop(move |paths| drops.dispatch(Action::Dropped(paths))).await;
                let invites = ctx.clone();
                api::on_invite(move |link| invites.dispatch(Action::Invite(Some(link)))).await;
                let booted = api::boot().await;
                if let Ok(boot) = &booted
                    && let Some(link) = &boot.invite_link
                {
                    ctx.dispatch(Action::Invite(Some(link.clone())));
                }
                match booted {
                    Ok(boot) if boot.locked => {
                        ctx.dispatch(Action::Lock);
                        match boot.profile {
                            Some(profile) => ctx.dispatch(Action::SetPhase(Phase::Ready(profile))),
                            None => ctx.dispatch(Action::SetPhase(Phase::Welcome)),
                        }
                    }
                    Ok(boot) => match boot.profile {
                        Some(profile) => {
                            ctx.dispatch(Action::SetPhase(Phase::Ready(profile)));
                            reload_chats(ctx.clone());
                        }
                        None if boot.demo_requested => start_demo(ctx.clone(), None),
                        None if boot.join_pending => {
                            ctx.dispatch(Action::SetPhase(Phase::Joining { rejected: None }));
                            watch_join(ctx.clone());
                        }
                        None => ctx.dispatch(Action::SetPhase(Phase::Welcome)),
                    },
                    Err(e) => {
                        ctx.dispatch(Action::SetPhase(Phase::Welcome));
                        ctx.dispatch(Action::Error(e));
                    }
                }
            });
        });
    }

    {
        // The shell locks after the chosen idle time (only when a PIN is set) and says so
        // with AppEvent::Locked; the window tells it when someone is using it.
        dom::use_activity(crate::prefs::autolock_ms, |idle_ms| {
            spawn_local(async move {
                let _ = api::activity(idle_ms).await;
            });
        });
    }

    let body = match &state.phase {
        Phase::Booting => {
            html! { <div class="splash" aria-busy="true">{ i18n::t(state.lang, Key::AppName) }</div> }
        }
        _ if state.locked => html! { <LockScreen /> },
        _ if state.invite.is_some() => {
            let ctx = state.clone();
            let on_back = Callback::from(move |()| ctx.dispatch(Action::Invite(None)));
            html! {
                <main class="welcome">
                    <div class="welcome-card">
                        <crate::components::join_form::JoinForm on_back={on_back} link={state.invite.clone()} />
                    </div>
                </main>
            }
        }
        Phase::Welcome | Phase::Starting => html! { <Welcome /> },
        Phase::Ready(profile) => html! { <MainView profile={profile.clone()} /> },
        Phase::Joining { rejected } => html! { <JoinWaiting rejected={rejected.clone()} /> },
    };
    html! {
        <ContextProvider<AppContext> context={state.clone()}>
            <ErrorBanner />
            { body }
        </ContextProvider<AppContext>>
    }
}
