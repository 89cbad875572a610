//! A lesson's materials, opened through the offline file cache; teachers add them.

use parta_model::lessons::Lesson;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::lessons::{L, tl};
use crate::services::api;
use crate::state::{Action, AppContext};

#[derive(Properties, PartialEq)]
pub(super) struct MaterialsProps {
    pub(super) lesson: Lesson,
    pub(super) lang: Lang,
    /// May add materials (the server decides whose lessons).
    pub(super) staff: bool,
    pub(super) on_changed: Callback<()>,
}

/// A lesson's materials: each opens with the system's application (downloaded once, then
/// from the offline file cache); staff add more through the system's file chooser.
#[function_component(Materials)]
pub(super) fn materials(props: &MaterialsProps) -> Html {
    let (lesson, lang) = (&props.lesson, props.lang);
    let ctx = use_context::<AppContext>();
    let busy = use_state(|| false);
    let fail = |ctx: &Option<AppContext>, e| {
        if let Some(ctx) = ctx {
            ctx.dispatch(Action::Error(e));
        }
    };
    let add = {
        let (ctx, busy, done, id) = (
            ctx.clone(),
            busy.clone(),
            props.on_changed.clone(),
            lesson.id,
        );
        Callback::from(move |_: MouseEvent| {
            let (ctx, busy, done) = (ctx.clone(), busy.clone(), done.clone());
            busy.set(true);
            spawn_local(async move {
                match api::add_lesson_materials(id).await {
                    Ok(Some(_)) => done.emit(()),
                    Ok(None) => {}
                    Err(e) => fail(&ctx, e),
                }
                busy.set(false);
            });
        })
    };
    let files: Vec<(String, String, Option<i64>)> = lesson
        .materials
        .iter()
        .filter_map(|a| {
            let token = a.payload.as_ref()?.get("token")?.as_str()?.to_owned();
            let name = a.filename.clone().unwrap_or_else(|| a.kind.clone());
            Some((token, name, a.size))
        })
        .collect();
    if files.is_empty() && !props.staff {
        return html! {};
    }
    html! {
        <div class="lesson-materials" data-testid="lesson-materials">
            <strong>{ tl(lang, L::Materials) }</strong>
            <ul role="list">
                { for files.into_iter().map(|(token, name, size)| {
                    let open = {
                        let (ctx, token, name) = (ctx.clone(), token.clone(), name.clone());
                        Callback::from(move |_: MouseEvent| {
                            let (ctx, token, name) = (ctx.clone(), token.clone(), name.clone());
                            spawn_local(async move {
                                if let Err(e) = api::open_attachment(&token, &name).await {
                                    fail(&ctx, e);
                                }
                            });
                        })
                    };
                    html! {
                        <li key={token.clone()}>
                            <button class="link" data-testid="lesson-material" onclick={open}>{ &name }</button>
                            if let Some(size) = size {
                                <span class="muted">{ format!(" · {}", crate::i18n::settings::size(lang, size.max(0) as u64)) }</span>
                            }
                        </li>
                    }
                }) }
            </ul>
            if props.staff {
                <button class="secondary" data-testid="add-materials" disabled={*busy} aria-busy={if *busy { "true" } else { "false" }}
                    onclick={add}>{ tl(lang, L::AddMaterials) }</button>
            }
        </div>
    }
}
