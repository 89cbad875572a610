//! The Администрирование section: what the signed-in person may run at the school, by role
//! (a class teacher: invitations and join requests of their own class; the administration and
//! the platform administrator: everything). The server decides in the end; the tabs only
//! spare people buttons that would be refused.

use parta_model::school::Role;
use yew::prelude::*;

mod chats;
mod classes;
pub mod common;
mod invites;
mod journal;
mod max;
mod people;
mod reports;
mod requests;
mod structure;

use crate::i18n::Lang;
use crate::i18n::admin::{A, ta};
use chats::AdminChats;
use classes::AdminClasses;
use invites::AdminInvites;
use journal::AdminJournal;
use max::AdminMax;
use people::AdminPeople;
use reports::AdminReports;
use requests::AdminRequests;
use structure::AdminStructure;

/// A tab of the section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Invites,
    Requests,
    People,
    Classes,
    Structure,
    Journal,
    Max,
    Reports,
    Chats,
}

impl Tab {
    fn label(self) -> A {
        match self {
            Tab::Invites => A::Invites,
            Tab::Requests => A::Requests,
            Tab::People => A::People,
            Tab::Classes => A::Classes,
            Tab::Structure => A::Structure,
            Tab::Journal => A::Journal,
            Tab::Max => A::Max,
            Tab::Reports => A::Reports,
            Tab::Chats => A::Chats,
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Invites => "invites",
            Tab::Requests => "requests",
            Tab::People => "people",
            Tab::Classes => "classes",
            Tab::Structure => "structure",
            Tab::Journal => "journal",
            Tab::Max => "max",
            Tab::Reports => "reports",
            Tab::Chats => "chats",
        }
    }
}

/// The tabs a role gets (the permission matrix, docs/permissions.md).
pub fn tabs_for(role: Role) -> Vec<Tab> {
    match role {
        Role::PlatformAdmin => vec![
            Tab::Invites,
            Tab::Requests,
            Tab::Reports,
            Tab::People,
            Tab::Classes,
            Tab::Chats,
            Tab::Structure,
            Tab::Journal,
            Tab::Max,
        ],
        Role::Administration => vec![
            Tab::Invites,
            Tab::Requests,
            Tab::Reports,
            Tab::People,
            Tab::Classes,
            Tab::Chats,
            Tab::Journal,
            Tab::Max,
        ],
        Role::ClassTeacher => vec![Tab::Invites, Tab::Requests, Tab::Reports],
        // Reports of the chats a teacher administers.
        Role::Teacher => vec![Tab::Reports],
        Role::Parent | Role::Pupil => Vec::new(),
    }
}

#[derive(Properties, PartialEq)]
pub struct AdminViewProps {
    pub role: Role,
    pub lang: Lang,
}

#[function_component(AdminView)]
pub fn admin_view(props: &AdminViewProps) -> Html {
    let lang = props.lang;
    let tabs = tabs_for(props.role);
    let current = use_state(|| tabs.first().copied().unwrap_or(Tab::Invites));
    let body = match *current {
        Tab::Invites => html! { <AdminInvites lang={lang} /> },
        Tab::Requests => html! { <AdminRequests lang={lang} /> },
        Tab::People => html! { <AdminPeople lang={lang} role={props.role} /> },
        Tab::Classes => html! { <AdminClasses lang={lang} /> },
        Tab::Structure => html! { <AdminStructure lang={lang} /> },
        Tab::Journal => html! { <AdminJournal lang={lang} /> },
        Tab::Max => html! { <AdminMax lang={lang} /> },
        Tab::Reports => html! { <AdminReports lang={lang} role={props.role} /> },
        Tab::Chats => html! { <AdminChats lang={lang} /> },
    };
    html! {
        <section class="admin" aria-label={ta(lang, A::Title)} data-testid="admin">
            <header class="chat-header">
                <h2>{ ta(lang, A::Title) }</h2>
            </header>
            <nav class="tabs admin-tabs" aria-label={ta(lang, A::Title)}>
                { for tabs.iter().map(|&tab| {
                    let on_click = {
                        let current = current.clone();
                        Callback::from(move |_: MouseEvent| current.set(tab))
                    };
                    let active = *current == tab;
                    html! {
                        <button class={if active { "tab active" } else { "tab" }}
                            data-testid={format!("admin-tab-{}", tab.id())}
                            aria-pressed={if active { "true" } else { "false" }} onclick={on_click}>
                            { ta(lang, tab.label()) }
                        </button>
                    }
                }) }
            </nav>
            <div class="admin-body">{ body }</div>
        </section>
    }
}
