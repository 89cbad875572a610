//! The person's own account in the settings (procedure 8.2): «Мои устройства», the devices
//! signed in as them with their last use, any of which they sign out (a lost phone, a school
//! computer); and a new password, optionally signing every other device out with it.

use parta_model::school::Device;
use parta_model::view::UiErrorCode;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::dom::typed_into;
use crate::i18n::Lang;
use crate::i18n::settings::{S, ts};
use crate::services::api;
use crate::time::{clock, day_label, now_ms};

/// The shortest password the school's server accepts.
const MIN_PASSWORD_CHARS: usize = 8;

#[derive(Properties, PartialEq)]
pub struct AccountProps {
    pub lang: Lang,
}

#[function_component(Account)]
pub fn account(props: &AccountProps) -> Html {
    let lang = props.lang;
    let devices = use_state(|| None::<Vec<Device>>);
    let current = use_state(String::new);
    let new = use_state(String::new);
    let repeat = use_state(String::new);
    let others = use_state(|| false);
    // The form's outcome: (succeeded, sentence).
    let note = use_state(|| None::<(bool, S)>);
    let reload = {
        let devices = devices.clone();
        Callback::from(move |()| {
            let devices = devices.clone();
            spawn_local(async move {
                if let Ok(list) = api::my_devices().await {
                    devices.set(Some(list));
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }
    let on_revoke = |device_id: i64| {
        let reload = reload.clone();
        Callback::from(move |_: MouseEvent| {
            let reload = reload.clone();
            spawn_local(async move {
                if api::revoke_device(device_id).await.is_ok() {
                    reload.emit(());
                }
            });
        })
    };
    let on_submit = {
        let (current, new, repeat, others) =
            (current.clone(), new.clone(), repeat.clone(), others.clone());
        let (note, reload) = (note.clone(), reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if new.chars().count() < MIN_PASSWORD_CHARS {
                note.set(Some((false, S::PasswordTooShort)));
                return;
            }
            if *new != *repeat {
                note.set(Some((false, S::PasswordsDiffer)));
                return;
            }
            let (old_password, new_password, sign_out_others) =
                ((*current).clone(), (*new).clone(), *others);
            let (current, new, repeat) = (current.clone(), new.clone(), repeat.clone());
            let (note, reload) = (note.clone(), reload.clone());
            spawn_local(async move {
                match api::change_password(&old_password, &new_password, sign_out_others).await {
                    Ok(()) => {
                        for field in [&current, &new, &repeat] {
                            field.set(String::new());
                        }
                        note.set(Some((true, S::PasswordChanged)));
                        reload.emit(());
                    }
                    Err(e) if e.code == UiErrorCode::Unauthorized => {
                        note.set(Some((false, S::CurrentPasswordWrong)));
                    }
                    Err(_) => note.set(Some((false, S::PasswordRefused))),
                }
            });
        })
    };
    let on_others = {
        let others = others.clone();
        Callback::from(move |_: Event| others.set(!*others))
    };
    let now = now_ms();
    let when = |at: i64| format!("{}, {}", day_label(lang, at, now), clock(at));
    let row = |d: &Device| {
        let used = match d.last_used_at {
            Some(at) => format!("{} {}", ts(lang, S::LastUsed), when(at)),
            None => ts(lang, S::NotUsedYet).to_owned(),
        };
        html! {
            <li data-testid="device-row" data-current={d.current.to_string()}>
                <strong>{ &d.name }</strong>
                if d.current {
                    <span class="muted">{ format!(" — {}", ts(lang, S::ThisDevice)) }</span>
                }
                <div class="muted">
                    { format!("{} {} · {used}", ts(lang, S::SignedInSince), when(d.created_at)) }
                </div>
                if !d.current {
                    <button class="secondary small" data-testid="device-revoke" onclick={on_revoke(d.id)}>
                        { ts(lang, S::SignOutDevice) }
                    </button>
                }
            </li>
        }
    };
    html! {
        <>
            <section class="settings-group" data-testid="my-devices">
                <h3>{ ts(lang, S::MyDevices) }</h3>
                if let Some(list) = &*devices {
                    <ul class="plain">{ for list.iter().map(row) }</ul>
                }
            </section>
            <section class="settings-group">
                <h3>{ ts(lang, S::ChangePassword) }</h3>
                <form class="password-form" onsubmit={on_submit}>
                    <label>{ ts(lang, S::CurrentPassword) }
                        <input type="password" autocomplete="current-password" data-testid="current-password"
                            value={(*current).clone()} oninput={typed_into(&current)} />
                    </label>
                    <label>{ ts(lang, S::NewPassword) }
                        <input type="password" autocomplete="new-password" data-testid="new-password"
                            value={(*new).clone()} oninput={typed_into(&new)} />
                    </label>
                    <label>{ ts(lang, S::RepeatPassword) }
                        <input type="password" autocomplete="new-password" data-testid="repeat-password"
                            value={(*repeat).clone()} oninput={typed_into(&repeat)} />
                    </label>
                    <label class="check">
                        <input type="checkbox" checked={*others} onchange={on_others} data-testid="sign-out-others" />
                        { ts(lang, S::SignOutOthers) }
                    </label>
                    if let Some((ok, key)) = *note {
                        <p class={if ok { "notice ok" } else { "form-error" }} role="status" data-testid="password-note">
                            { ts(lang, key) }
                        </p>
                    }
                    <button type="submit" class="secondary" data-testid="change-password">{ ts(lang, S::ChangePassword) }</button>
                </form>
            </section>
        </>
    }
}
