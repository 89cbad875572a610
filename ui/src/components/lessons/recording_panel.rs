//! Whether a lesson may be recorded (procedure 6.4): a parent's answer, who is in, the
//! teacher's switch and the lesson's log.

use parta_model::lessons::{Lesson, RecordingStatus};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::lessons::{self as text, L, tl};
use crate::services::api;
use crate::state::{Action, AppContext};
use crate::time;

use super::joining::live;

/// What a recording panel's button does.
#[derive(Clone, Copy)]
enum Act {
    Consent,
    Presence,
    Record,
}

#[derive(Properties, PartialEq)]
pub(super) struct RecordingPanelProps {
    pub(super) lesson: Lesson,
    pub(super) lang: Lang,
    /// A parent or pupil: says when they leave.
    pub(super) parent: bool,
    /// A pupil: their parent answers about recording, so they read the answer.
    pub(super) pupil: bool,
    pub(super) staff: bool,
}

/// Where a lesson's recording stands (6.4): for everyone the consent count, and while the
/// lesson is on whether it is recorded and how many are in; parents answer and say when they
/// leave; the teacher starts and stops the recording and reads the lesson's log. Refreshed
/// every 5 s while the lesson is on.
#[function_component(RecordingPanel)]
pub(super) fn recording_panel(props: &RecordingPanelProps) -> Html {
    let (lesson, lang) = (&props.lesson, props.lang);
    let ctx = use_context::<AppContext>();
    let status = use_state(|| None::<RecordingStatus>);
    {
        let status = status.clone();
        let lesson = lesson.clone();
        use_effect_with(lesson.id, move |_| {
            let alive = std::rc::Rc::new(std::cell::Cell::new(true));
            let running = alive.clone();
            spawn_local(async move {
                loop {
                    // Offline there is no status to show; the rest of the lesson still is.
                    status.set(api::lesson_recording(lesson.id).await.ok());
                    if !live(&lesson, time::now_ms()) {
                        break;
                    }
                    yew::platform::time::sleep(std::time::Duration::from_secs(5)).await;
                    if !running.get() {
                        break;
                    }
                }
            });
            move || alive.set(false)
        });
    }
    let act = |what: Act, value: bool| {
        let (status, ctx, id) = (status.clone(), ctx.clone(), lesson.id);
        Callback::from(move |_: MouseEvent| {
            let (status, ctx) = (status.clone(), ctx.clone());
            spawn_local(async move {
                let reply = match what {
                    Act::Consent => api::lesson_consent(id, value).await,
                    Act::Presence => api::lesson_presence(id, value).await,
                    Act::Record => api::lesson_recording_switch(id, value).await,
                };
                match reply {
                    Ok(s) => status.set(Some(s)),
                    Err(e) => {
                        if let Some(ctx) = ctx {
                            ctx.dispatch(Action::Error(e));
                        }
                    }
                }
            });
        })
    };
    let (consent, presence, switch) = (Act::Consent, Act::Presence, Act::Record);
    let Some(st) = &*status else {
        return html! {};
    };
    let on = live(lesson, time::now_ms());
    html! {
        <div class="recording" data-testid="recording-status" role="status"
            data-allowed={if st.allowed { "true" } else { "false" }}
            data-recording={if st.recording { "true" } else { "false" }}>
            <div>
                <strong>{ tl(lang, L::Recording) }{ ": " }</strong>
                { text::recording_status(lang, st.allowed, st.consented, st.participants) }
            </div>
            if on {
                <div data-testid="recording-live">
                    <span class={if st.recording { "badge warn" } else { "badge" }}>
                        { tl(lang, if st.recording { L::RecordingOn } else { L::RecordingOff }) }
                    </span>
                    { format!(" · {}: {}", tl(lang, L::Present), st.present) }
                </div>
            }
            if props.pupil {
                <p class="muted">{ tl(lang, L::PupilConsentHint) }</p>
                <p data-testid="my-consent">{ tl(lang, match st.mine {
                    Some(true) => L::ParentConsented,
                    Some(false) => L::ParentDeclined,
                    None => L::ParentNotAnswered,
                }) }</p>
            } else if props.parent {
                <p class="muted">{ tl(lang, L::ConsentHint) }</p>
                if let Some(mine) = st.mine {
                    <p data-testid="my-consent">{ tl(lang, if mine { L::YouConsented } else { L::YouDeclined }) }</p>
                }
            }
            if props.parent {
                <div class="actions">
                    if !props.pupil {
                        <button class="primary" data-testid="consent-yes" onclick={act(consent, true)}
                            disabled={st.mine == Some(true)}>{ tl(lang, L::ConsentYes) }</button>
                        <button class="secondary" data-testid="consent-no" onclick={act(consent, false)}
                            disabled={st.mine == Some(false)}>{ tl(lang, L::ConsentNo) }</button>
                    }
                    if st.here {
                        <span data-testid="you-are-in">{ tl(lang, L::YouAreIn) }</span>
                        <button class="secondary" data-testid="leave-lesson" onclick={act(presence, false)}>
                            { tl(lang, L::Leave) }</button>
                    }
                </div>
            }
            if props.staff && on {
                <div class="actions">
                    if st.recording {
                        <button class="secondary" data-testid="stop-recording" onclick={act(switch, false)}>
                            { tl(lang, L::StopRecording) }</button>
                    } else {
                        <button class="primary" data-testid="start-recording" onclick={act(switch, true)}
                            disabled={!st.allowed || st.present == 0}>
                            { tl(lang, L::StartRecording) }</button>
                    }
                </div>
            }
            if let Some(events) = st.events.as_ref().filter(|e| !e.is_empty()) {
                <details class="lesson-log" data-testid="lesson-log">
                    <summary>{ tl(lang, L::Log) }</summary>
                    <ul role="list">
                        { for events.iter().map(|e| html! {
                            <li data-kind={format!("{:?}", e.kind)}>
                                { format!("{} · {}: {}", time::clock(e.at), e.name, text::event(lang, e.kind)) }
                            </li>
                        }) }
                    </ul>
                </details>
            }
        </div>
    }
}
