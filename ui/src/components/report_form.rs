//! «Пожаловаться» under a message (procedure 6.2, 9.1): a reason from 6.2's list or one's own
//! words, sent to the chat's administrators and the school's administration.

use parta_model::school::ReportReason;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::reports::{self, R, tr};
use crate::services::api;

#[derive(Properties, PartialEq)]
pub struct ReportFormProps {
    pub mid: String,
    pub lang: Lang,
    /// Closes the form.
    pub on_close: Callback<()>,
}

#[function_component(ReportForm)]
pub fn report_form(props: &ReportFormProps) -> Html {
    let lang = props.lang;
    let reason = use_state(|| ReportReason::Abusive);
    let note = use_state(String::new);
    let error = use_state(|| None::<String>);
    let sent = use_state(|| false);
    let busy = use_state(|| false);
    let on_note = crate::dom::typed_into(&note);
    let on_submit = {
        let (reason, note, error, sent, busy) = (
            reason.clone(),
            note.clone(),
            error.clone(),
            sent.clone(),
            busy.clone(),
        );
        let mid = props.mid.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let words = note.trim().to_owned();
            if *reason == ReportReason::Other && words.is_empty() {
                error.set(Some(tr(lang, R::NoteRequired).to_owned()));
                return;
            }
            if *busy {
                return;
            }
            busy.set(true);
            let (reason, error, sent, busy, mid) = (
                *reason,
                error.clone(),
                sent.clone(),
                busy.clone(),
                mid.clone(),
            );
            spawn_local(async move {
                let note = (!words.is_empty()).then_some(words);
                match api::report_message(&mid, reason, note).await {
                    Ok(_) => {
                        error.set(None);
                        sent.set(true);
                    }
                    Err(e) => error.set(Some(crate::components::admin::common::admin_error(
                        lang, &e,
                    ))),
                }
                busy.set(false);
            });
        })
    };
    let on_cancel = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    if *sent {
        return html! {
            <div class="report-form" role="status" data-testid="report-sent">
                <p>{ tr(lang, R::Sent) }</p>
                <button class="link" onclick={on_cancel}>{ "OK" }</button>
            </div>
        };
    }
    html! {
        <form class="report-form" data-testid="report-form" onsubmit={on_submit}>
            <fieldset>
                <legend>{ tr(lang, R::Why) }</legend>
                { for ReportReason::ALL.iter().map(|&r| {
                    let onchange = {
                        let reason = reason.clone();
                        Callback::from(move |_: Event| reason.set(r))
                    };
                    html! {
                        <label class="check" key={r.as_str()}>
                            <input type="radio" name="report-reason" data-testid="report-reason"
                                data-reason={r.as_str()} checked={*reason == r} {onchange} />
                            { reports::reason(lang, r) }
                        </label>
                    }
                }) }
            </fieldset>
            <textarea data-testid="report-note" rows="2" maxlength="500"
                placeholder={tr(lang, R::Note)} aria-label={tr(lang, R::Note)}
                value={(*note).clone()} oninput={on_note} />
            if let Some(message) = &*error {
                <p class="form-error" role="alert" data-testid="report-error">{ message }</p>
            }
            <div class="button-row">
                <button class="primary small" type="submit" data-testid="report-submit"
                    disabled={*busy}>{ tr(lang, R::Send) }</button>
                <button class="link" type="button" onclick={on_cancel}>{ tr(lang, R::Cancel) }</button>
            </div>
        </form>
    }
}
