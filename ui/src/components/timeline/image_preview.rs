//! An image attachment shown in its message.

use std::rc::Rc;

use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(super) struct ImagePreviewProps {
    pub(super) token: String,
    pub(super) name: String,
}

/// An image attachment shown in the message: fetched once into the offline file cache by the
/// shell and given to the page as a `data:` URL; a box of fixed size holds its place
/// meanwhile, so the timeline's row heights do not jump. A click opens the full image.
#[function_component(ImagePreview)]
pub(super) fn image_preview(props: &ImagePreviewProps) -> Html {
    let src = use_state(|| crate::previews::cached(&props.token));
    {
        let src = src.clone();
        use_effect_with(
            (props.token.clone(), props.name.clone()),
            move |(token, name)| {
                if src.is_none() {
                    let (token, name) = (token.clone(), name.clone());
                    spawn_local(async move {
                        if let Ok(Some(url)) =
                            crate::services::api::image_preview(&token, &name).await
                        {
                            let url: Rc<str> = url.into();
                            crate::previews::keep(token, url.clone());
                            src.set(Some(url));
                        }
                    });
                }
            },
        );
    }
    let open = {
        let (token, name) = (props.token.clone(), props.name.clone());
        Callback::from(move |_: MouseEvent| {
            let (token, name) = (token.clone(), name.clone());
            spawn_local(async move {
                let _ = crate::services::api::open_attachment(&token, &name).await;
            });
        })
    };
    html! {
        <button class="image-preview" data-testid="image-preview" aria-label={props.name.clone()}
            data-loaded={if src.is_some() { "true" } else { "false" }} onclick={open}>
            if let Some(url) = &*src {
                <img src={url.to_string()} alt={props.name.clone()} />
            }
        </button>
    }
}
