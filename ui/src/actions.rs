//! What the UI does on the person's behalf that outlives one component: opening chats,
//! (re)loading the chat list, starting and switching profiles, signing in and joining. Each
//! calls the shell through `services` and dispatches the outcome to the app state.

use parta_model::view::{JoinForm, JoinView, ProfileView, UiError, UiErrorCode};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::dom;
use crate::services::api;
use crate::state::{Action, AppContext, Phase};

/// Loads the chat list into the state.
pub fn reload_chats(ctx: AppContext) {
    spawn_local(async move {
        match api::chats().await {
            Ok(chats) => ctx.dispatch(Action::SetChats(chats)),
            Err(e) => ctx.dispatch(Action::Error(e)),
        }
    });
}

/// Opens the private conversation with `user_id` (made if one may start it) and puts the
/// cursor in its composer; a refusal goes to `refused` as a sentence, other errors to the
/// banner.
pub fn write_privately(ctx: AppContext, user_id: i64, refused: Callback<&'static str>) {
    spawn_local(async move {
        match api::open_dialog(user_id).await {
            Ok(chat) => {
                reload_chats(ctx.clone());
                open_chat(ctx, chat.chat_id, true);
            }
            Err(e) if e.code == UiErrorCode::Forbidden => refused.emit(crate::i18n::composer::tc(
                ctx.lang,
                crate::i18n::composer::C::PrivateRefused,
            )),
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

/// What the sign-in form sends: the school's address, the login and password, and the
/// school's own root certificate where it has one.
pub struct SignIn {
    pub server_url: String,
    pub login: String,
    pub password: String,
    pub root_pem: Option<String>,
}

/// Signs in to a school's server and switches to it. A wrong login or password is answered in
/// the form (`on_refused`), not in the banner.
pub fn sign_in(ctx: AppContext, form: SignIn, on_refused: Callback<parta_model::view::UiError>) {
    activate_or(ctx, Some(on_refused), async move {
        let root = form.root_pem.as_deref();
        api::sign_in_with_password(&form.server_url, &form.login, &form.password, root).await
    });
}

/// Replaces a forgotten password with the school's one-time code (`form.password` is the new
/// one) and switches to the school; a refusal goes to `on_refused`.
pub fn reset_password(
    ctx: AppContext,
    form: SignIn,
    code: String,
    on_refused: Callback<parta_model::view::UiError>,
) {
    activate_or(ctx, Some(on_refused), async move {
        let root = form.root_pem.as_deref();
        api::reset_password(&form.server_url, &code, &form.password, root).await
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
