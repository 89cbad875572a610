//! Joining a school by an invitation (procedure 4.1): the link, who you are, a login and
//! password of your own, and consent to the processing of personal data.

use parta_model::view::{JoinForm as Form, UiError, UiErrorCode};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::actions::join;
use crate::i18n::{Key, error_key, t};
use crate::state::{AppContext, Phase};

#[derive(Properties, PartialEq)]
pub struct JoinFormProps {
    pub on_back: Callback<()>,
    /// An invitation link to start from (opened from a browser or mail).
    #[prop_or_default]
    pub link: Option<String>,
}

#[function_component(JoinForm)]
pub fn join_form(props: &JoinFormProps) -> Html {
    let link = use_state(|| props.link.clone().unwrap_or_default());
    let server = use_state(String::new);
    let first = use_state(String::new);
    let last = use_state(String::new);
    let child = use_state(String::new);
    let login = use_state(String::new);
    let password = use_state(String::new);
    let consent = use_state(|| false);
    let problem = use_state(|| None::<Key>);
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let lang = ctx.lang;
    let busy = ctx.phase == Phase::Starting;
    let text = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.set(input.value());
        })
    };
    let on_consent = {
        let consent = consent.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            consent.set(input.checked());
        })
    };
    let on_submit = {
        let ctx = ctx.clone();
        let problem = problem.clone();
        let fields = (
            link.clone(),
            server.clone(),
            first.clone(),
            last.clone(),
            child.clone(),
            login.clone(),
            password.clone(),
            consent.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (link, server, first, last, child, login, password, consent) = &fields;
            if link.trim().is_empty()
                || first.trim().is_empty()
                || login.trim().is_empty()
                || password.is_empty()
            {
                problem.set(Some(Key::FillJoinFields));
                return;
            }
            if !**consent {
                problem.set(Some(Key::NeedConsent));
                return;
            }
            problem.set(None);
            let optional = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
            let form = Form {
                link: link.trim().to_owned(),
                server_url: optional(server),
                first_name: first.trim().to_owned(),
                last_name: optional(last),
                child_name: optional(child),
                login: login.trim().to_owned(),
                password: (**password).clone(),
                consent: **consent,
            };
            let problem = problem.clone();
            let on_refused = Callback::from(move |err: UiError| {
                problem.set(Some(if err.code == UiErrorCode::InvalidInput {
                    Key::JoinCheckInput
                } else {
                    error_key(err.code)
                }));
            });
            join(ctx.clone(), form, on_refused);
        })
    };
    let on_back = {
        let on_back = props.on_back.clone();
        Callback::from(move |_: MouseEvent| on_back.emit(()))
    };
    html! {
        <form class="sign-in" data-testid="join-form" onsubmit={on_submit}>
            <h2>{ t(lang, Key::JoinByInvite) }</h2>
            <label>
                { t(lang, Key::InviteLink) }
                <input type="text" data-testid="invite-link" placeholder="parta://join/…"
                    value={(*link).clone()} oninput={text(&link)} />
            </label>
            <label>
                { t(lang, Key::ServerIfMissing) }
                <input type="url" data-testid="join-server" placeholder="https://parta.school.example"
                    value={(*server).clone()} oninput={text(&server)} />
            </label>
            <div class="two">
                <label>
                    { t(lang, Key::FirstName) }
                    <input type="text" data-testid="first-name" autocomplete="given-name"
                        value={(*first).clone()} oninput={text(&first)} />
                </label>
                <label>
                    { t(lang, Key::LastName) }
                    <input type="text" data-testid="last-name" autocomplete="family-name"
                        value={(*last).clone()} oninput={text(&last)} />
                </label>
            </div>
            <label>
                { t(lang, Key::ChildName) }
                <input type="text" data-testid="child-name" value={(*child).clone()}
                    oninput={text(&child)} />
            </label>
            <label>
                { t(lang, Key::NewLogin) }
                <input type="text" data-testid="new-login" autocomplete="username"
                    value={(*login).clone()} oninput={text(&login)} />
            </label>
            <label>
                { t(lang, Key::NewPassword) }
                <input type="password" data-testid="new-password" autocomplete="new-password"
                    value={(*password).clone()} oninput={text(&password)} />
            </label>
            <label class="check">
                <input type="checkbox" data-testid="consent" checked={*consent} onchange={on_consent} />
                { t(lang, Key::Consent) }
            </label>
            if let Some(key) = *problem {
                <p class="form-error" role="alert" data-testid="join-error">{ t(lang, key) }</p>
            }
            <p class="hint">{ t(lang, Key::JoinHint) }</p>
            <div class="form-actions">
                <button type="button" class="secondary" data-testid="join-back" onclick={on_back} disabled={busy}>
                    { t(lang, Key::Back) }
                </button>
                <button type="submit" class="primary" data-testid="join-button" disabled={busy}>
                    { t(lang, Key::SendRequest) }
                </button>
            </div>
        </form>
    }
}
