//! The school's structure in one step (procedure 4.1, 4.2): the chats every school needs, with
//! everyone who belongs in them; running it again changes nothing.

use parta_model::school::{AdminReply, AdminRequest, StructureReport};
use yew::prelude::*;

use super::common::{error_line, reloader};
use crate::hooks::use_failure;
use crate::i18n::Lang;
use crate::i18n::admin::{A, ta};

#[derive(Properties, PartialEq)]
pub struct AdminStructureProps {
    pub lang: Lang,
}

#[function_component(AdminStructure)]
pub fn admin_structure(props: &AdminStructureProps) -> Html {
    let lang = props.lang;
    let report = use_state(|| None::<StructureReport>);
    let (error, failed) = use_failure();
    let on_run = {
        let pick = |reply| match reply {
            AdminReply::Structure(report) => Some(report),
            _ => None,
        };
        let bootstrap = reloader(lang, || AdminRequest::Bootstrap, pick, &report, &failed);
        Callback::from(move |_: MouseEvent| bootstrap.emit(()))
    };
    html! {
        <div class="admin-pane">
            <p class="hint">{ ta(lang, A::StructureHint) }</p>
            <button class="primary" data-testid="structure-run" onclick={on_run}>{ ta(lang, A::Bootstrap) }</button>
            { error_line(&error) }
            if let Some(r) = &*report {
                <ul class="admin-list" data-testid="structure-report">
                    { for r.chats.iter().map(|c| html! {
                        <li key={c.chat_id} data-created={c.created.to_string()}>
                            <div class="grow"><div class="title">{ &c.title }</div></div>
                            <span class={if c.created { "status unused" } else { "status" }}>
                                { if c.created { ta(lang, A::ChatCreated) } else { ta(lang, A::ChatExisted) } }
                            </span>
                        </li>
                    }) }
                </ul>
                <p data-testid="structure-members">{ format!("{}: {}", ta(lang, A::MembersAdded), r.members_added) }</p>
            }
        </div>
    }
}
