//! Custom hooks shared by components.

use parta_model::school::{AdminReply, AdminRequest, Class};
use yew::prelude::*;

use crate::components::admin::common::run;
use crate::i18n::Lang;

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
