//! First launch: open the demo school, sign in to the school's own server with the login and
//! password the school gave (each device gets its own token; procedure 8.2), join by an
//! invitation, or, for the platform administrator, connect the school's MAX bot by its token.

use parta_model::view::{UiError, UiErrorCode};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::actions::{SignIn, connect_bot, sign_in, start_demo};
use crate::components::join_form::JoinForm;
use crate::components::password_reset_form::PasswordResetForm;
use crate::i18n::{Key, error_key, t};
use crate::state::{AppContext, Phase};

#[function_component(Welcome)]
pub fn welcome() -> Html {
    let form_open = use_state(|| false);
    let join_open = use_state(|| false);
    let bot_open = use_state(|| false);
    let reset_open = use_state(|| false);
    let bot_token = use_state(String::new);
    let bot_url = use_state(String::new);
    let bot_root = use_state(String::new);
    let server_url = use_state(String::new);
    let login = use_state(String::new);
    let password = use_state(String::new);
    let server_root = use_state(String::new);
    let problem = use_state(|| None::<Key>);
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let lang = ctx.lang;
    let starting = ctx.phase == Phase::Starting;
    let on_demo = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| start_demo(ctx.clone(), None))
    };
    let on_open = {
        let form_open = form_open.clone();
        Callback::from(move |_: MouseEvent| form_open.set(true))
    };
    let on_join = {
        let join_open = join_open.clone();
        Callback::from(move |_: MouseEvent| join_open.set(true))
    };
    let on_join_back = {
        let join_open = join_open.clone();
        Callback::from(move |()| join_open.set(false))
    };
    let on_back = {
        let form_open = form_open.clone();
        let problem = problem.clone();
        Callback::from(move |_: MouseEvent| {
            problem.set(None);
            form_open.set(false);
        })
    };
    let bind = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.set(input.value());
        })
    };
    let on_submit = {
        let ctx = ctx.clone();
        let (server_url, login, password) = (server_url.clone(), login.clone(), password.clone());
        let root = server_root.clone();
        let problem = problem.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (url, user, secret) = (
                server_url.trim().to_owned(),
                login.trim().to_owned(),
                (*password).clone(),
            );
            if url.is_empty() || user.is_empty() || secret.is_empty() {
                problem.set(Some(Key::FillAllFields));
                return;
            }
            problem.set(None);
            let problem = problem.clone();
            let on_refused = Callback::from(move |err: UiError| {
                problem.set(Some(if err.code == UiErrorCode::Unauthorized {
                    Key::WrongCredentials
                } else {
                    error_key(err.code)
                }));
            });
            let form = SignIn {
                server_url: url,
                login: user,
                password: secret,
                root_pem: Some(root.trim().to_owned()).filter(|r| !r.is_empty()),
            };
            sign_in(ctx.clone(), form, on_refused);
        })
    };
    let on_bot = {
        let bot_open = bot_open.clone();
        Callback::from(move |_: MouseEvent| bot_open.set(true))
    };
    let on_bot_back = {
        let (bot_open, problem) = (bot_open.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            problem.set(None);
            bot_open.set(false);
        })
    };
    let on_bot_submit = {
        let ctx = ctx.clone();
        let (token, url, root) = (bot_token.clone(), bot_url.clone(), bot_root.clone());
        let problem = problem.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let token = token.trim().to_owned();
            if token.is_empty() {
                problem.set(Some(Key::FillAllFields));
                return;
            }
            let optional = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
            problem.set(None);
            let problem = problem.clone();
            let on_refused = Callback::from(move |err: UiError| {
                problem.set(Some(if err.code == UiErrorCode::Unauthorized {
                    Key::WrongBotToken
                } else {
                    error_key(err.code)
                }));
            });
            connect_bot(
                ctx.clone(),
                optional(&url),
                token,
                optional(&root),
                on_refused,
            );
        })
    };
    let bot_form = html! {
        <form class="sign-in" data-testid="bot-form" onsubmit={on_bot_submit}>
            <h2>{ t(lang, Key::MaxBot) }</h2>
            <label>
                { t(lang, Key::BotToken) }
                <input type="password" data-testid="bot-token" autocomplete="off" required=true
                    value={(*bot_token).clone()} oninput={bind(&bot_token)} />
                <span class="hint">{ t(lang, Key::BotTokenHint) }</span>
            </label>
            <label>
                { t(lang, Key::MaxAddress) }
                <input type="url" data-testid="bot-url" placeholder={parta_model::max::MAX_API_URL}
                    value={(*bot_url).clone()} oninput={bind(&bot_url)} />
                <span class="hint">{ t(lang, Key::MaxAddressHint) }</span>
            </label>
            { root_field(lang, &bot_root, "bot-root") }
            if let Some(key) = *problem {
                <p class="form-error" role="alert" data-testid="bot-error">{ t(lang, key) }</p>
            }
            <div class="form-actions">
                <button type="button" class="secondary" onclick={on_bot_back} disabled={starting}>
                    { t(lang, Key::Back) }
                </button>
                <button type="submit" class="primary" data-testid="bot-connect" disabled={starting}>
                    { if starting { t(lang, Key::SigningIn) } else { t(lang, Key::Connect) } }
                </button>
            </div>
        </form>
    };
    let form = html! {
        <form class="sign-in" data-testid="sign-in-form" onsubmit={on_submit}>
            <h2>{ t(lang, Key::ConnectSchool) }</h2>
            <label>
                { t(lang, Key::ServerAddress) }
                <input type="url" data-testid="server-url" placeholder="https://parta.school.example"
                    autocomplete="url" required=true value={(*server_url).clone()}
                    oninput={bind(&server_url)} />
            </label>
            <label>
                { t(lang, Key::Login) }
                <input type="text" data-testid="login" autocomplete="username" required=true
                    value={(*login).clone()} oninput={bind(&login)} />
            </label>
            <label>
                { t(lang, Key::Password) }
                <input type="password" data-testid="password" autocomplete="current-password"
                    required=true value={(*password).clone()} oninput={bind(&password)} />
            </label>
            <details class="advanced">
                <summary>{ t(lang, Key::SchoolRootSummary) }</summary>
                { root_field(lang, &server_root, "server-root") }
                <span class="hint">{ t(lang, Key::SchoolRootHint) }</span>
            </details>
            if let Some(key) = *problem {
                <p class="form-error" role="alert" data-testid="sign-in-error">{ t(lang, key) }</p>
            }
            <p class="hint">{ t(lang, Key::ConnectSchoolHint) }</p>
            <button type="button" class="link" data-testid="forgot-password" onclick={{
                let reset_open = reset_open.clone();
                Callback::from(move |_: MouseEvent| reset_open.set(true))
            }}>{ t(lang, Key::ForgotPassword) }</button>
            <div class="form-actions">
                <button type="button" class="secondary" onclick={on_back} disabled={starting}>
                    { t(lang, Key::Back) }
                </button>
                <button type="submit" class="primary" data-testid="sign-in-button" disabled={starting}>
                    { if starting { t(lang, Key::SigningIn) } else { t(lang, Key::SignIn) } }
                </button>
            </div>
        </form>
    };
    html! {
        <main class="welcome">
            <div class="welcome-card">
                <div class="logo" aria-hidden="true">{ "П" }</div>
                <h1>{ t(lang, Key::AppName) }</h1>
                <p class="tagline">{ t(lang, Key::Tagline) }</p>
                if *join_open {
                    <JoinForm on_back={on_join_back} />
                } else if *reset_open {
                    <PasswordResetForm server_url={(*server_url).clone()}
                        root_pem={Some(server_root.trim().to_owned()).filter(|r| !r.is_empty())}
                        on_back={{
                            let reset_open = reset_open.clone();
                            Callback::from(move |()| reset_open.set(false))
                        }} />
                } else if *form_open {
                    { form }
                } else if *bot_open {
                    { bot_form }
                } else {
                    <button class="primary big" data-testid="demo-button" onclick={on_demo} disabled={starting}>
                        { if starting { t(lang, Key::Starting) } else { t(lang, Key::DemoSchool) } }
                    </button>
                    <p class="hint">{ t(lang, Key::DemoSchoolHint) }</p>
                    <button class="secondary big" data-testid="connect-button" onclick={on_open} disabled={starting}>
                        { t(lang, Key::ConnectSchool) }
                    </button>
                    <p class="hint">{ t(lang, Key::ConnectSchoolHint) }</p>
                    <button class="secondary big" data-testid="join-invite-button" onclick={on_join} disabled={starting}>
                        { t(lang, Key::JoinByInvite) }
                    </button>
                    <p class="hint">{ t(lang, Key::JoinHint) }</p>
                    <button class="link" data-testid="bot-button" onclick={on_bot} disabled={starting}>
                        { t(lang, Key::MaxBot) }
                    </button>
                    <p class="hint">{ t(lang, Key::MaxBotHint) }</p>
                }
            </div>
        </main>
    }
}

/// A PEM root certificate to trust besides the system's, kept in `state`.
fn root_field(lang: crate::i18n::Lang, state: &UseStateHandle<String>, testid: &str) -> Html {
    let on_input = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(crate::dom::value_of(&e)))
    };
    html! {
        <label>
            { t(lang, Key::RootCertificate) }
            <textarea data-testid={testid.to_owned()} rows="3"
                placeholder="-----BEGIN CERTIFICATE-----" value={(**state).clone()}
                oninput={on_input} />
        </label>
    }
}
