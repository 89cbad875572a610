//! Who has read an announcement and who has acknowledged it, for its author and the chat's
//! administrators (procedure 2.3): a button that asks the server, then the names.

use parta_model::view::ReceiptsView;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::composer::{C, tc};
use crate::i18n::{Key, Lang, t};
use crate::services::api;
use crate::state::{Action, AppContext};

#[derive(Properties, PartialEq)]
pub struct ReceiptsProps {
    pub mid: String,
    /// Whether the announcement asks for acknowledgement (or only informs).
    pub ack_required: bool,
    pub lang: Lang,
}

#[function_component(Receipts)]
pub fn receipts(props: &ReceiptsProps) -> Html {
    let found = use_state(|| None::<ReceiptsView>);
    let ctx = use_context::<AppContext>();
    {
        let found = found.clone();
        use_effect_with(props.mid.clone(), move |_| found.set(None));
    }
    let lang = props.lang;
    let on_open = {
        let (found, mid) = (found.clone(), props.mid.clone());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            let (found, mid, ctx) = (found.clone(), mid.clone(), ctx.clone());
            spawn_local(async move {
                match api::receipts(&mid).await {
                    Ok(list) => found.set(Some(list)),
                    Err(e) => {
                        if let Some(ctx) = ctx {
                            ctx.dispatch(Action::Error(e));
                        }
                    }
                }
            });
        })
    };
    let names = |list: &[String]| -> String {
        if list.is_empty() {
            t(lang, Key::Nobody).to_owned()
        } else {
            list.join(", ")
        }
    };
    let label = if props.ack_required {
        t(lang, Key::WhoAcknowledged)
    } else {
        tc(lang, C::WhoRead)
    };
    html! {
        <>
            <button class="link" data-testid="receipts-button" onclick={on_open}>{ label }</button>
            if let Some(found) = &*found {
                <div class="receipts" data-testid="receipts">
                    if props.ack_required {
                        <div>
                            <strong>{ format!("{} ({} / {}): ", t(lang, Key::AcknowledgedBy),
                                found.acknowledged.len(),
                                found.acknowledged.len() + found.read.len() + found.pending.len()) }</strong>
                            { names(&found.acknowledged) }
                        </div>
                        <div><strong>{ t(lang, Key::OnlyRead) }{ ": " }</strong>{ names(&found.read) }</div>
                    } else {
                        <div>
                            <strong>{ format!("{} ({} / {}): ", t(lang, Key::OnlyRead),
                                found.read.len(), found.read.len() + found.pending.len()) }</strong>
                            { names(&found.read) }
                        </div>
                    }
                    <div><strong>{ t(lang, Key::NotYet) }{ ": " }</strong>{ names(&found.pending) }</div>
                </div>
            }
        </>
    }
}
