//! The Администрирование section: what the signed-in person may run at the school, by role
//! (a class teacher: invitations and join requests of their own class; the administration and
//! the platform administrator: everything). The server decides in the end; the tabs only
//! spare people buttons that would be refused.

use parta_model::school::{AdminReply, AdminRequest, Class, Role};
use parta_model::view::{UiError, UiErrorCode};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::admin_classes::AdminClasses;
use super::admin_invites::AdminInvites;
use super::admin_journal::AdminJournal;
use super::admin_people::AdminPeople;
use super::admin_requests::AdminRequests;
use super::admin_structure::AdminStructure;
use crate::i18n::Lang;
use crate::i18n::admin::{A, ta};
use crate::services::api;

/// A tab of the section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Invites,
    Requests,
    People,
    Classes,
    Structure,
    Journal,
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
        }
    }
}

/// The tabs a role gets (the permission matrix, docs/permissions.md).
pub fn tabs_for(role: Role) -> Vec<Tab> {
    match role {
        Role::PlatformAdmin => vec![
            Tab::Invites,
            Tab::Requests,
            Tab::People,
            Tab::Classes,
            Tab::Structure,
            Tab::Journal,
        ],
        Role::Administration => vec![
            Tab::Invites,
            Tab::Requests,
            Tab::People,
            Tab::Classes,
            Tab::Journal,
        ],
        Role::ClassTeacher => vec![Tab::Invites, Tab::Requests],
        Role::Teacher | Role::Parent => Vec::new(),
    }
}

/// The sentence for a refused or failed administrative request, with the server's own words
/// when it gave some (they name the field or the rule).
pub fn admin_error(lang: Lang, error: &UiError) -> String {
    match error.code {
        UiErrorCode::Forbidden => ta(lang, A::Forbidden).to_owned(),
        UiErrorCode::Offline => crate::i18n::t(lang, crate::i18n::Key::ErrOffline).to_owned(),
        _ => match &error.detail {
            Some(detail) => format!("{} ({detail})", ta(lang, A::Failed)),
            None => ta(lang, A::Failed).to_owned(),
        },
    }
}

/// Runs `request`; `done` gets the reply, `failed` the sentence to show.
pub fn run(
    lang: Lang,
    request: AdminRequest,
    done: impl FnOnce(AdminReply) + 'static,
    failed: Callback<Option<String>>,
) {
    spawn_local(async move {
        match api::admin(&request).await {
            Ok(reply) => {
                failed.emit(None);
                done(reply);
            }
            Err(e) => failed.emit(Some(admin_error(lang, &e))),
        }
    });
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

/// The error line of an administrative screen: what it shows, and the callback [`run`]
/// reports to (`None` clears it).
#[hook]
pub fn use_failure() -> (UseStateHandle<Option<String>>, Callback<Option<String>>) {
    let error = use_state(|| None::<String>);
    let failed = {
        let error = error.clone();
        Callback::from(move |e: Option<String>| error.set(e))
    };
    (error, failed)
}

/// The school's classes, read once, and the one chosen in a form (the first at the start).
#[hook]
pub fn use_classes(
    lang: Lang,
    failed: Callback<Option<String>>,
) -> (UseStateHandle<Vec<Class>>, UseStateHandle<Option<i64>>) {
    let classes = use_state(Vec::<Class>::new);
    let class_id = use_state(|| None::<i64>);
    {
        let (classes, class_id) = (classes.clone(), class_id.clone());
        use_effect_with((), move |_| {
            run(
                lang,
                AdminRequest::Classes,
                move |reply| {
                    if let AdminReply::Classes(list) = reply {
                        class_id.set(list.first().map(|c| c.id));
                        classes.set(list);
                    }
                },
                failed,
            );
        });
    }
    (classes, class_id)
}

/// A `<select>` of the school's classes that keeps the chosen one in `class_id`.
pub fn class_select(
    classes: &[Class],
    class_id: &UseStateHandle<Option<i64>>,
    testid: &'static str,
) -> Html {
    let on_change = {
        let class_id = class_id.clone();
        Callback::from(move |e: Event| class_id.set(crate::dom::value_of(&e).parse().ok()))
    };
    html! {
        <select data-testid={testid} onchange={on_change}>
            { for classes.iter().map(|c| html! {
                <option value={c.id.to_string()} selected={**class_id == Some(c.id)}>{ &c.name }</option>
            }) }
        </select>
    }
}

/// A form error line (nothing when there is none).
pub fn error_line(error: &Option<String>) -> Html {
    match error {
        Some(text) => {
            html! { <p class="form-error" role="alert" data-testid="admin-error">{ text }</p> }
        }
        None => html! {},
    }
}

/// A `<select>` of roles.
pub fn role_options(lang: Lang, roles: &[Role], selected: Role) -> Html {
    html! {
        { for roles.iter().map(|&r| html! {
            <option value={r.as_str()} selected={r == selected}>{ crate::i18n::admin::role(lang, r) }</option>
        }) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_shows_the_translated_sentence_with_the_servers_words_beside_it() {
        let mut error = UiError::new(UiErrorCode::InvalidInput, "server error 400 x: y: z");
        assert_eq!(
            admin_error(Lang::Ru, &error),
            ta(Lang::Ru, A::Failed),
            "the English story is never cut up for the screen"
        );
        error.detail = Some("Unknown role 'guest'".into());
        assert_eq!(
            admin_error(Lang::En, &error),
            format!("{} (Unknown role 'guest')", ta(Lang::En, A::Failed))
        );
    }
}
