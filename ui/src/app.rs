//! The root component: boots, listens to the shell's events, and picks the screen.

use parta_model::view::{AppEvent, JoinForm, JoinView, ProfileView, UiError, UiErrorCode};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::lock_screen::LockScreen;
use crate::components::{
    error_banner::ErrorBanner, join_waiting::JoinWaiting, main_view::MainView, welcome::Welcome,
};
use crate::dom;
use crate::i18n::{self, Key, Lang};
use crate::services::api;
use crate::state::{Action, AppContext, AppState, Phase};

const LANG_KEY: &str = "parta.lang";
const THEME_KEY: &str = "parta.theme";

fn stored_lang() -> Lang {
    dom::stored(LANG_KEY)
        .map(|code| Lang::from_code(&code))
        .unwrap_or_default()
}

/// Saves the language and sets `<html lang>`.
pub fn remember_lang(lang: Lang) {
    dom::remember(LANG_KEY, lang.code(), "lang");
}

/// Whether the dark theme was chosen on this computer (light is the default).
pub fn stored_dark() -> bool {
    dom::stored(THEME_KEY).is_some_and(|t| t == "dark")
}

/// Saves the theme and sets `<html data-theme>`, which the stylesheet follows.
pub fn remember_theme(dark: bool) {
    dom::remember(THEME_KEY, if dark { "dark" } else { "light" }, "data-theme");
}

/// Loads the chat list into the state.
pub fn reload_chats(ctx: AppContext) {
    spawn_local(async move {
        match api::chats().await {
            Ok(chats) => ctx.dispatch(Action::SetChats(chats)),
            Err(e) => ctx.dispatch(Action::Error(e)),
        }
    });
}

/// Opens a chat from the cache; with `then_type`, the cursor goes to its composer (opened from
/// the keyboard: Ctrl+K, a name, Enter, and one can write at once).
pub fn open_chat(ctx: AppContext, chat_id: i64, then_type: bool) {
    spawn_local(async move {
        match api::open_chat(chat_id).await {
            Ok(view) => {
                ctx.dispatch(Action::Opened(Box::new(view)));
                if then_type {
                    dom::focus_soon("[data-testid=composer-input]");
                }
            }
            Err(e) => ctx.dispatch(Action::Error(e)),
        }
    });
}

/// Opens a chat at one message (a search result, an announcement), which the timeline
/// brings into view highlighted.
pub fn open_chat_at(ctx: AppContext, chat_id: i64, mid: String) {
    spawn_local(async move {
        match api::open_chat_at(chat_id, &mid).await {
            Ok(view) => ctx.dispatch(Action::OpenedAt(Box::new(view), mid)),
            Err(e) => ctx.dispatch(Action::Error(e)),
        }
    });
}

/// Starts the demo school and switches to it.
pub fn start_demo(ctx: AppContext, person: Option<&'static str>) {
    activate(ctx, async move { api::start_demo(person).await });
}

/// Makes another saved profile the active one.
pub fn switch_profile(ctx: AppContext, profile_id: String) {
    activate(ctx, async move { api::switch_profile(&profile_id).await });
}

/// Shows "starting", then the profile `opening` signs in, with its chats.
fn activate(
    ctx: AppContext,
    opening: impl std::future::Future<Output = Result<ProfileView, UiError>> + 'static,
) {
    activate_or(ctx, None, opening);
}

/// [`activate`], with a refusal answered by `on_refused` (in a form) rather than the banner.
fn activate_or(
    ctx: AppContext,
    on_refused: Option<Callback<UiError>>,
    opening: impl std::future::Future<Output = Result<ProfileView, UiError>> + 'static,
) {
    ctx.dispatch(Action::SetPhase(Phase::Starting));
    spawn_local(async move {
        match opening.await {
            Ok(profile) => {
                ctx.dispatch(Action::SetPhase(Phase::Ready(profile)));
                // The connection state arrives as an event (the shell sends a snapshot when the
                // session starts); asking for it here could race with, and undo, a newer event.
                reload_chats(ctx.clone());
            }
            Err(e) => {
                ctx.dispatch(Action::SetPhase(Phase::Welcome));
                match on_refused {
                    Some(on_refused) => on_refused.emit(e),
                    None => ctx.dispatch(Action::Error(e)),
                }
            }
        }
    });
}

/// Signs in to a school's server and switches to it. A wrong login or password is answered in
/// the form (`on_refused`), not in the banner.
pub fn sign_in(
    ctx: AppContext,
    server_url: String,
    login: String,
    password: String,
    on_refused: Callback<parta_model::view::UiError>,
) {
    activate_or(ctx, Some(on_refused), async move {
        api::sign_in_with_password(&server_url, &login, &password).await
    });
}

/// Connects the school's MAX bot; a refusal goes to `on_refused` and the welcome screen stays.
pub fn connect_bot(
    ctx: AppContext,
    server_url: Option<String>,
    token: String,
    root_pem: Option<String>,
    on_refused: Callback<parta_model::view::UiError>,
) {
    activate_or(ctx, Some(on_refused), async move {
        api::connect_max_bot(server_url.as_deref(), &token, root_pem.as_deref()).await
    });
}

/// Sends a join request; on "waiting", shows the waiting screen and asks again every few
/// seconds until the school decides.
pub fn join(ctx: AppContext, form: JoinForm, on_refused: Callback<UiError>) {
    ctx.dispatch(Action::SetPhase(Phase::Starting));
    spawn_local(async move {
        match api::join_by_invite(&form).await {
            Ok(view) => settle_join(ctx, view),
            Err(e) => {
                ctx.dispatch(Action::SetPhase(Phase::Welcome));
                on_refused.emit(e);
            }
        }
    });
}

fn settle_join(ctx: AppContext, view: JoinView) {
    // The invitation has been used: its form gives way to what came of it.
    ctx.dispatch(Action::Invite(None));
    match view {
        JoinView::Joined { profile } => {
            ctx.dispatch(Action::SetPhase(Phase::Ready(profile)));
            reload_chats(ctx);
        }
        JoinView::Waiting => {
            ctx.dispatch(Action::SetPhase(Phase::Joining { rejected: None }));
            watch_join(ctx);
        }
        JoinView::Rejected { reason } => {
            ctx.dispatch(Action::SetPhase(Phase::Joining {
                rejected: Some(reason),
            }));
        }
    }
}

/// How often a waiting join asks the school again.
const JOIN_POLL: std::time::Duration = std::time::Duration::from_secs(3);

/// Asks the school about the waiting join until it is decided.
pub fn watch_join(ctx: AppContext) {
    spawn_local(async move {
        loop {
            yew::platform::time::sleep(JOIN_POLL).await;
            match api::join_outcome().await {
                Ok(JoinView::Waiting) => continue,
                Ok(view) => {
                    settle_join(ctx, view);
                    return;
                }
                // Offline or busy: keep waiting; the request is safe on the server.
                Err(e) if e.code == UiErrorCode::Offline => continue,
                Err(e) => {
                    ctx.dispatch(Action::SetPhase(Phase::Welcome));
                    ctx.dispatch(Action::Error(e));
                    return;
                }
            }
        }
    });
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState::new(stored_lang()));

    {
        // The window's scale chosen on this computer (usable up to 200 %).
        use_effect_with((), move |_| {
            let percent = crate::components::settings::scale_percent();
            if percent != 100 {
                spawn_local(async move {
                    let _ = api::set_scale(percent).await;
                });
            }
        });
    }
    // Ctrl + "+" and Ctrl + "−" step through the scales, Ctrl + 0 goes back to 100 %.
    dom::use_window_keydown(|e| {
        use crate::components::settings::{SCALE_KEY, SCALES, scale_percent};
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
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(SCALE_KEY, &next.to_string());
        }
        spawn_local(async move {
            let _ = api::set_scale(next).await;
        });
    });
    {
        // The shell reminds of lessons in the UI's language, as long before as chosen.
        use_effect_with(state.lang, move |lang| {
            let english = *lang == crate::i18n::Lang::En;
            spawn_local(async move {
                let minutes = crate::components::settings::lesson_reminder_min();
                let _ = api::set_lesson_reminders(minutes, english).await;
            });
        });
    }

    {
        let ctx = state.clone();
        use_effect_with((), move |_| {
            remember_lang(ctx.lang);
            remember_theme(stored_dark());
            ctx.dispatch(Action::SetDark(stored_dark()));
            spawn_local(async {
                let _ =
                    api::set_notifications(crate::components::settings::notifications_on()).await;
            });
            let events = ctx.clone();
            spawn_local(async move {
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
        dom::use_activity(
            || {
                dom::stored(crate::components::settings::AUTOLOCK_KEY)
                    .and_then(|v| v.parse::<u64>().ok())
                    .filter(|ms| *ms > 0)
            },
            |idle_ms| {
                spawn_local(async move {
                    let _ = api::activity(idle_ms).await;
                });
            },
        );
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
