//! Settings → Updates: what the school's server offers, what is new in the reader's language,
//! the download with its progress, and the restart into the new version. The shell checks the
//! signature; a refused update says why and installs nothing.

use parta_model::view::{UiError, UiErrorCode, UpdateView};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::settings::{S, size, ts};
use crate::i18n::{error_key, t};
use crate::services::api;
use crate::state::AppContext;

#[derive(Properties, PartialEq)]
pub struct UpdatesProps {
    pub lang: Lang,
}

/// Where the section stands.
#[derive(Clone, PartialEq)]
enum Step {
    Checking,
    Checked(UpdateView),
    Installing(UpdateView),
    Installed,
    Failed(Option<UpdateView>, UiError),
}

/// The sentence for an update that went wrong.
fn failure(lang: Lang, e: &UiError) -> String {
    match e.code {
        UiErrorCode::UpdateUnsigned => ts(lang, S::UpdateUnsigned).to_owned(),
        UiErrorCode::UpdateBadSignature => ts(lang, S::UpdateBadSignature).to_owned(),
        UiErrorCode::Offline => ts(lang, S::UpdateOffline).to_owned(),
        UiErrorCode::Internal => format!("{} ({})", t(lang, error_key(e.code)), e.message),
        _ => t(lang, error_key(e.code)).to_owned(),
    }
}

#[function_component(UpdatesSection)]
pub fn updates_section(props: &UpdatesProps) -> Html {
    let lang = props.lang;
    let step = use_state(|| Step::Checking);
    let check = {
        let step = step.clone();
        Callback::from(move |()| {
            let step = step.clone();
            step.set(Step::Checking);
            spawn_local(async move {
                match api::update_check().await {
                    Ok(view) => step.set(Step::Checked(view)),
                    Err(e) => step.set(Step::Failed(None, e)),
                }
            });
        })
    };
    {
        // Opening the settings asks once; the button asks again.
        let check = check.clone();
        use_effect_with((), move |_| check.emit(()));
    }
    let ctx = use_context::<AppContext>();
    let on_check = {
        let check = check.clone();
        Callback::from(move |_: MouseEvent| check.emit(()))
    };
    let on_install = {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| {
            let Step::Checked(view) = (*step).clone() else {
                return;
            };
            let step = step.clone();
            step.set(Step::Installing(view.clone()));
            spawn_local(async move {
                match api::update_install().await {
                    Ok(()) => step.set(Step::Installed),
                    Err(e) => step.set(Step::Failed(Some(view), e)),
                }
            });
        })
    };
    let on_restart = Callback::from(move |_: MouseEvent| {
        spawn_local(async move {
            let _ = api::restart().await;
        });
    });
    let offer_of = |view: &UpdateView| {
        let Some(offer) = &view.offer else {
            return html! { <p data-testid="update-none">{ format!("{}: {}", ts(lang, S::UpToDate), view.current) }</p> };
        };
        let notes = match lang {
            Lang::Ru if !offer.notes_ru.is_empty() => offer.notes_ru.as_str(),
            Lang::En if !offer.notes_en.is_empty() => offer.notes_en.as_str(),
            _ if !offer.notes_ru.is_empty() => offer.notes_ru.as_str(),
            _ => offer.notes_en.as_str(),
        };
        html! {
            <div class="update-offer" data-testid="update-offer" data-version={offer.version.clone()}>
                <p><strong>{ format!("{} {}", ts(lang, S::UpdateAvailable), offer.version) }</strong>
                    if let Some(date) = &offer.date {
                        <span class="muted">{ format!(" · {} {date}", ts(lang, S::Published)) }</span>
                    }
                </p>
                if notes.is_empty() {
                    <p class="muted">{ ts(lang, S::NoNotes) }</p>
                } else {
                    <p class="update-notes" data-testid="update-notes">{ notes }</p>
                }
            </div>
        }
    };
    let body = match &*step {
        Step::Checking => {
            html! { <p class="muted" data-testid="update-checking">{ ts(lang, S::Checking) }</p> }
        }
        Step::Checked(view) => html! {
            <>
                { offer_of(view) }
                if let Some(offer) = &view.offer {
                    if offer.installable {
                        <button class="primary" onclick={on_install} data-testid="update-install">{ ts(lang, S::InstallUpdate) }</button>
                    } else {
                        <p class="hint" data-testid="update-by-package">{ ts(lang, S::UpdateByPackage) }</p>
                    }
                }
            </>
        },
        Step::Installing(view) => {
            let (done, total) = ctx
                .as_ref()
                .and_then(|c| c.update_progress)
                .unwrap_or((0, 0));
            html! {
                <>
                    { offer_of(view) }
                    <p data-testid="update-progress">
                        { format!("{}: {}", ts(lang, S::Downloading), size(lang, done)) }
                        if total > 0 {
                            { format!(" / {}", size(lang, total)) }
                        }
                    </p>
                    <progress max={total.max(1).to_string()} value={done.min(total.max(1)).to_string()}></progress>
                </>
            }
        }
        Step::Installed => html! {
            <>
                <p class="notice ok" role="status" data-testid="update-installed">{ ts(lang, S::UpdateInstalled) }</p>
                <button class="primary" onclick={on_restart} data-testid="update-restart">{ ts(lang, S::RestartNow) }</button>
            </>
        },
        Step::Failed(view, e) => html! {
            <>
                if let Some(view) = view {
                    { offer_of(view) }
                }
                <p class="form-error" role="alert" data-testid="update-error" data-code={format!("{:?}", e.code)}>{ failure(lang, e) }</p>
            </>
        },
    };
    let busy = matches!(*step, Step::Checking | Step::Installing(_));
    html! {
        <section class="settings-group" data-testid="updates">
            <h3>{ ts(lang, S::Updates) }</h3>
            <p class="hint">{ ts(lang, S::UpdatesHint) }</p>
            { body }
            if !matches!(*step, Step::Installed) {
                <button class="secondary" onclick={on_check} disabled={busy} data-testid="update-check">{ ts(lang, S::CheckUpdates) }</button>
            }
        </section>
    }
}
