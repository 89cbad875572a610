//! The pinned announcement above a chat. A parent acknowledges it ("Ознакомлен"); its author
//! sees who has acknowledged, who has only read it, and who has not yet (procedure 2.3).

use parta_model::view::MessageView;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::receipts::Receipts;
use crate::i18n::{Key, Lang, t};
use crate::services::api;
use crate::state::{Action, AppContext};

#[derive(Properties, PartialEq)]
pub struct PinnedBannerProps {
    pub pinned: MessageView,
    pub lang: Lang,
}

/// What the banner knows of the announcement.
#[derive(Clone, PartialEq)]
enum Known {
    /// Still asking (or offline: nothing to offer then).
    Unknown,
    /// A pinned message that is not an announcement.
    Plain,
    Announcement {
        acknowledged: bool,
        ack_required: bool,
    },
}

#[function_component(PinnedBanner)]
pub fn pinned_banner(props: &PinnedBannerProps) -> Html {
    let known = use_state(|| Known::Unknown);
    let ctx = use_context::<AppContext>();
    let mid = props.pinned.mid.clone();
    {
        let known = known.clone();
        use_effect_with(mid.clone(), move |mid| {
            known.set(Known::Unknown);
            let mid = mid.clone();
            spawn_local(async move {
                // Offline, the banner simply offers nothing: the text is still shown.
                if let Ok(status) = api::announcement_status(&mid).await {
                    known.set(if status.is_announcement {
                        Known::Announcement {
                            acknowledged: status.acknowledged,
                            ack_required: status.ack_required,
                        }
                    } else {
                        Known::Plain
                    });
                }
            });
        });
    }
    let lang = props.lang;
    let on_ack = {
        let known = known.clone();
        let mid = mid.clone();
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            let known = known.clone();
            let mid = mid.clone();
            let ctx = ctx.clone();
            spawn_local(async move {
                match api::acknowledge(&mid).await {
                    Ok(()) => known.set(Known::Announcement {
                        acknowledged: true,
                        ack_required: true,
                    }),
                    Err(e) => {
                        if let Some(ctx) = ctx {
                            ctx.dispatch(Action::Error(e));
                        }
                    }
                }
            });
        })
    };
    let action = match (&*known, props.pinned.is_own) {
        (Known::Announcement { ack_required, .. }, true) => html! {
            <Receipts mid={mid.clone()} ack_required={*ack_required} {lang} />
        },
        (
            Known::Announcement {
                acknowledged: false,
                ack_required: true,
            },
            false,
        ) => html! {
            <button class="primary small" data-testid="ack-button" onclick={on_ack}>
                { t(lang, Key::Acknowledge) }
            </button>
        },
        (
            Known::Announcement {
                acknowledged: true, ..
            },
            false,
        ) => html! {
            <span class="acked" data-testid="acked">{ "✓ " }{ t(lang, Key::AcknowledgedByMe) }</span>
        },
        _ => html! {},
    };
    html! {
        <div class="pinned" data-testid="pinned">
            <div class="pin-row">
                <span class="pin-label">{ t(lang, Key::Pinned) }</span>
                <span class="pin-text">{ &props.pinned.text }</span>
                { action }
            </div>
        </div>
    }
}
