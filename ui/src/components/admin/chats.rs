//! Every chat of the school, for the administration (procedure 4.2, 4.3): its title, kind, size
//! and who made it. Private conversations are not listed; reading a chat takes being in it.

use parta_model::school::{AdminReply, AdminRequest, SchoolChat};
use yew::prelude::*;

use super::common::{error_line, reloader};
use crate::hooks::use_failure;
use crate::i18n::Lang;
use crate::i18n::admin::{A, ta};
use crate::time;

#[derive(Properties, PartialEq)]
pub struct AdminChatsProps {
    pub lang: Lang,
}

/// A chat's kind in words.
fn kind(lang: Lang, kind: &str) -> &'static str {
    match (lang, kind) {
        (Lang::Ru, "teachers") => "Учителя",
        (Lang::Ru, "class_parents") => "Класс и родители",
        (Lang::Ru, "class_pupils") => "Класс и ученики",
        (Lang::Ru, "director_teachers") => "Директор и учителя",
        (Lang::Ru, "director_activists") => "Директор и родительский актив",
        (Lang::Ru, "group") => "Другой чат",
        (Lang::Ru, _) => "Чат",
        (Lang::En, "teachers") => "Teachers",
        (Lang::En, "class_parents") => "Class and parents",
        (Lang::En, "class_pupils") => "Class and pupils",
        (Lang::En, "director_teachers") => "Director and teachers",
        (Lang::En, "director_activists") => "Director and parent activists",
        (Lang::En, "group") => "Other chat",
        (Lang::En, _) => "Chat",
    }
}

#[function_component(AdminChats)]
pub fn admin_chats(props: &AdminChatsProps) -> Html {
    let lang = props.lang;
    let chats = use_state(|| None::<Vec<SchoolChat>>);
    let (error, failed) = use_failure();
    let reload = {
        let pick = |reply| match reply {
            AdminReply::Chats(list) => Some(list),
            _ => None,
        };
        reloader(lang, || AdminRequest::Chats, pick, &chats, &failed)
    };
    use_effect_with((), move |_| reload.emit(()));
    let now = time::now_ms();
    html! {
        <div class="admin-pane">
            { error_line(&error) }
            { match &*chats {
                None => html! { <p class="muted">{ ta(lang, A::Loading) }</p> },
                Some(list) => html! {
                    <ul class="admin-list" data-testid="school-chats">
                        { for list.iter().map(|c| html! {
                            <li key={c.chat_id} data-testid="school-chat" data-title={c.title.clone()}>
                                <div class="grow">
                                    <div class="title">{ &c.title }</div>
                                    <div class="sub">
                                        { kind(lang, &c.kind) }{ " · " }{ crate::i18n::members(lang, c.members) }
                                        if let Some(owner) = &c.owner {
                                            { format!(" · {}", owner.name) }
                                        }
                                        { format!(" · {}", time::day_label(lang, c.last_event_time, now)) }
                                    </div>
                                </div>
                            </li>
                        }) }
                    </ul>
                },
            } }
        </div>
    }
}
