//! «Новый чат» (procedure 4.3): a class teacher or the administration makes another chat (the
//! parents' committee, a project group) with people picked from those they share chats with;
//! they own and administer it. The server decides whom they may add.

use std::collections::BTreeSet;

use parta_model::view::MemberView;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::actions::{open_chat, reload_chats};
use crate::components::admin::common::admin_error;
use crate::i18n::Lang;
use crate::i18n::composer::{C, tc};
use crate::services::api;
use crate::state::AppContext;

#[derive(Properties, PartialEq)]
pub struct NewChatProps {
    pub lang: Lang,
    /// Called with the new chat's id once it is made.
    pub on_made: Callback<i64>,
}

#[function_component(NewChatForm)]
pub fn new_chat_form(props: &NewChatProps) -> Html {
    let lang = props.lang;
    let ctx = use_context::<AppContext>();
    let people = use_state(|| None::<Vec<MemberView>>);
    let picked = use_state(BTreeSet::<i64>::new);
    let title = use_state(String::new);
    let error = use_state(|| None::<String>);
    {
        let (people, error) = (people.clone(), error.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::people_to_pick().await {
                    Ok(list) => people.set(Some(list)),
                    Err(e) => error.set(Some(admin_error(lang, &e))),
                }
            });
        });
    }
    let on_title = crate::dom::typed_into(&title);
    let on_submit = {
        let (title, picked, error, on_made) = (
            title.clone(),
            picked.clone(),
            error.clone(),
            props.on_made.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = title.trim().to_owned();
            if name.is_empty() || picked.is_empty() {
                error.set(Some(tc(lang, C::PickMembers).to_owned()));
                return;
            }
            let (error, on_made, ctx) = (error.clone(), on_made.clone(), ctx.clone());
            let ids: Vec<i64> = picked.iter().copied().collect();
            spawn_local(async move {
                match api::create_group(&name, ids).await {
                    Ok(chat) => {
                        if let Some(ctx) = ctx {
                            reload_chats(ctx.clone());
                            open_chat(ctx, chat.chat_id, true);
                        }
                        on_made.emit(chat.chat_id);
                    }
                    Err(e) => error.set(Some(admin_error(lang, &e))),
                }
            });
        })
    };
    html! {
        <section class="chat new-chat" aria-label={tc(lang, C::NewChat)}>
            <header class="chat-header"><h2>{ tc(lang, C::NewChat) }</h2></header>
            <form class="new-chat-form" data-testid="new-chat-form" onsubmit={on_submit}>
                <label>{ tc(lang, C::ChatTitle) }
                    <input data-testid="new-chat-title" maxlength="200" value={(*title).clone()} oninput={on_title} />
                </label>
                <fieldset>
                    <legend>{ tc(lang, C::Members) }</legend>
                    <p class="hint">{ tc(lang, C::PickMembers) }</p>
                    { for people.iter().flatten().map(|p| {
                        let id = p.user_id;
                        let checked = picked.contains(&id);
                        let onchange = {
                            let picked = picked.clone();
                            Callback::from(move |_: Event| {
                                let mut next = (*picked).clone();
                                if !next.remove(&id) {
                                    next.insert(id);
                                }
                                picked.set(next);
                            })
                        };
                        html! {
                            <label class="check" key={id}>
                                <input type="checkbox" data-testid="new-chat-person" data-name={p.name.clone()}
                                    {checked} {onchange} />
                                { &p.name }
                            </label>
                        }
                    }) }
                </fieldset>
                if let Some(message) = &*error {
                    <p class="form-error" role="alert" data-testid="new-chat-error">{ message }</p>
                }
                <button class="primary" type="submit" data-testid="new-chat-create">{ tc(lang, C::Create) }</button>
            </form>
        </section>
    }
}
