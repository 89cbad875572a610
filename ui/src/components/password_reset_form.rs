//! A forgotten password (procedure 8.2): the one-time code the school's administration handed
//! over in person, and a new password; the app is then signed in with it.

use parta_model::view::{UiError, UiErrorCode};
use yew::prelude::*;

use crate::actions::{SignIn, reset_password};
use crate::dom::typed_into;
use crate::i18n::{Key, error_key, t};
use crate::state::{AppContext, Phase};

/// The shortest password the school's server accepts.
const MIN_PASSWORD_CHARS: usize = 8;

#[derive(Properties, PartialEq)]
pub struct PasswordResetFormProps {
    /// The school's address as typed on the sign-in form.
    pub server_url: String,
    /// The school's own root certificate, as pasted on the sign-in form.
    pub root_pem: Option<String>,
    pub on_back: Callback<()>,
}

#[function_component(PasswordResetForm)]
pub fn password_reset_form(props: &PasswordResetFormProps) -> Html {
    let server = use_state(|| props.server_url.clone());
    let code = use_state(String::new);
    let new = use_state(String::new);
    let repeat = use_state(String::new);
    let problem = use_state(|| None::<Key>);
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let lang = ctx.lang;
    let busy = ctx.phase == Phase::Starting;
    let on_submit = {
        let (server, code, new, repeat) =
            (server.clone(), code.clone(), new.clone(), repeat.clone());
        let (problem, root) = (problem.clone(), props.root_pem.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let check = if server.trim().is_empty() || code.trim().is_empty() {
                Some(Key::FillAllFields)
            } else if new.chars().count() < MIN_PASSWORD_CHARS {
                Some(Key::ResetTooShort)
            } else if *new != *repeat {
                Some(Key::ResetDiffer)
            } else {
                None
            };
            problem.set(check);
            if check.is_some() {
                return;
            }
            let problem = problem.clone();
            let on_refused = Callback::from(move |err: UiError| {
                problem.set(Some(if err.code == UiErrorCode::InvalidInput {
                    Key::ResetCodeInvalid
                } else {
                    error_key(err.code)
                }));
            });
            let form = SignIn {
                server_url: server.trim().to_owned(),
                login: String::new(),
                password: (*new).clone(),
                root_pem: root.clone(),
            };
            reset_password(ctx.clone(), form, code.trim().to_owned(), on_refused);
        })
    };
    let on_back = {
        let cb = props.on_back.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <form class="sign-in" data-testid="reset-form" onsubmit={on_submit}>
            <h2>{ t(lang, Key::ResetTitle) }</h2>
            <label>
                { t(lang, Key::ServerAddress) }
                <input type="url" data-testid="reset-server" placeholder="https://parta.school.example"
                    value={(*server).clone()} oninput={typed_into(&server)} />
            </label>
            <label>
                { t(lang, Key::ResetCode) }
                <input type="text" data-testid="reset-code" autocomplete="one-time-code"
                    placeholder="XXXX-XXXX-XXXX" value={(*code).clone()} oninput={typed_into(&code)} />
            </label>
            <label>
                { t(lang, Key::ResetNew) }
                <input type="password" data-testid="reset-new" autocomplete="new-password"
                    value={(*new).clone()} oninput={typed_into(&new)} />
            </label>
            <label>
                { t(lang, Key::ResetRepeat) }
                <input type="password" data-testid="reset-repeat" autocomplete="new-password"
                    value={(*repeat).clone()} oninput={typed_into(&repeat)} />
            </label>
            if let Some(key) = *problem {
                <p class="form-error" role="alert" data-testid="reset-error">{ t(lang, key) }</p>
            }
            <p class="hint">{ t(lang, Key::ResetHint) }</p>
            <div class="form-actions">
                <button type="button" class="secondary" onclick={on_back} disabled={busy}>
                    { t(lang, Key::Back) }
                </button>
                <button type="submit" class="primary" data-testid="reset-submit" disabled={busy}>
                    { if busy { t(lang, Key::SigningIn) } else { t(lang, Key::ResetSubmit) } }
                </button>
            </div>
        </form>
    }
}
