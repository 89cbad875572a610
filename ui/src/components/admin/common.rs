//! What the administration's tabs and the lessons' forms share: running a request of the
//! Управление section and the sentence for its refusal, and the pieces of their forms (a class
//! picker, role options, an error line).

use parta_model::school::{AdminReply, AdminRequest, Class, Role, SchoolPerson};
use parta_model::view::{UiError, UiErrorCode};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::admin::{A, ta};
use crate::services::api;

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

/// A callback that runs `request()` each time it is called and keeps what `pick` takes from
/// the reply in `into` (an `Option` state gets `Some`): how a tab loads what it shows.
pub fn reloader<S, V>(
    lang: Lang,
    request: impl Fn() -> AdminRequest + 'static,
    pick: fn(AdminReply) -> Option<V>,
    into: &UseStateHandle<S>,
    failed: &Callback<Option<String>>,
) -> Callback<()>
where
    S: From<V> + 'static,
    V: 'static,
{
    let (into, failed) = (into.clone(), failed.clone());
    Callback::from(move |()| {
        let into = into.clone();
        let keep = move |reply| {
            if let Some(value) = pick(reply) {
                into.set(S::from(value));
            }
        };
        run(lang, request(), keep, failed.clone());
    })
}

/// The classes in a reply.
pub fn classes_in(reply: AdminReply) -> Option<Vec<Class>> {
    match reply {
        AdminReply::Classes(list) => Some(list),
        _ => None,
    }
}

/// The people in a reply.
pub fn people_in(reply: AdminReply) -> Option<Vec<SchoolPerson>> {
    match reply {
        AdminReply::People(list) => Some(list),
        _ => None,
    }
}

/// The staff among the people in a reply.
pub fn staff_in(reply: AdminReply) -> Option<Vec<SchoolPerson>> {
    people_in(reply).map(|people| people.into_iter().filter(|p| p.role.is_staff()).collect())
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
