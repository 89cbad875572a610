//! The Файлы section: every file of the cached messages, of one chat or all, filtered by type,
//! with whether it is on this computer; opening downloads it once and works offline after.

use parta_model::view::FileView;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::dom::value_of;
use crate::i18n::Lang;
use crate::i18n::composer::{C, tc};
use crate::services::api;
use crate::state::AppContext;
use crate::time;

#[derive(Properties, PartialEq)]
pub struct FilesViewProps {
    pub lang: Lang,
}

/// The type filters: MAX's attachment kinds.
const KINDS: [(Option<&str>, C); 5] = [
    (None, C::AllFiles),
    (Some("file"), C::Documents),
    (Some("image"), C::Images),
    (Some("video"), C::Videos),
    (Some("audio"), C::Audio),
];

/// Opens a file with the system's application (downloaded into the offline file cache first),
/// then `reload`s the list so it shows the file as kept; `None` for a file without a token.
pub fn opener(
    a: &parta_model::view::AttachmentView,
    reload: &Callback<()>,
) -> Option<Callback<MouseEvent>> {
    let (token, name, reload) = (a.token.clone()?, a.name.clone(), reload.clone());
    Some(Callback::from(move |_: MouseEvent| {
        let (token, name, reload) = (token.clone(), name.clone(), reload.clone());
        spawn_local(async move {
            let _ = api::open_attachment(&token, &name).await;
            reload.emit(());
        });
    }))
}

#[function_component(FilesView)]
pub fn files_view(props: &FilesViewProps) -> Html {
    let lang = props.lang;
    let chat = use_state(|| None::<i64>);
    let kind = use_state(|| None::<&'static str>);
    let files = use_state(|| None::<Vec<FileView>>);
    let reload = {
        let (files, chat) = (files.clone(), chat.clone());
        Callback::from(move |()| {
            let (files, chat) = (files.clone(), *chat);
            spawn_local(async move {
                files.set(Some(api::files(chat).await.unwrap_or_default()));
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with(*chat, move |_| reload.emit(()));
    }
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let on_chat = {
        let chat = chat.clone();
        Callback::from(move |e: Event| chat.set(value_of(&e).parse().ok()))
    };
    let now = time::now_ms();
    let shown: Vec<&FileView> = files
        .iter()
        .flatten()
        .filter(|f| kind.is_none_or(|k| f.attachment.kind == k))
        .collect();
    html! {
        <section class="files" aria-label={tc(lang, C::Files)} data-testid="files">
            <header class="chat-header"><h2>{ tc(lang, C::Files) }</h2></header>
            <div class="files-filters">
                <nav class="tabs inline" aria-label={tc(lang, C::Files)}>
                    { for KINDS.iter().map(|&(k, label)| {
                        let kind_state = kind.clone();
                        let active = *kind == k;
                        html! {
                            <button class={if active { "tab active" } else { "tab" }}
                                aria-pressed={if active { "true" } else { "false" }}
                                data-testid={format!("files-kind-{}", k.unwrap_or("all"))}
                                onclick={Callback::from(move |_: MouseEvent| kind_state.set(k))}>
                                { tc(lang, label) }
                            </button>
                        }
                    }) }
                </nav>
                <select data-testid="files-chat" aria-label={tc(lang, C::AllChats)} onchange={on_chat}>
                    <option value="" selected={chat.is_none()}>{ tc(lang, C::AllChats) }</option>
                    { for ctx.chats.iter().map(|c| html! {
                        <option value={c.chat_id.to_string()} selected={*chat == Some(c.chat_id)}>{ &c.title }</option>
                    }) }
                </select>
            </div>
            <div class="admin-body">
                if files.is_some() && shown.is_empty() {
                    <p class="muted" data-testid="no-files">{ tc(lang, C::NoFiles) }</p>
                }
                <ul class="admin-list" data-testid="file-list">
                    { for shown.iter().map(|f| {
                        let a = &f.attachment;
                        let on_open = opener(a, &reload);
                        html! {
                            <li key={format!("{}-{}", f.mid, a.name)} data-testid="file-row" data-kept={f.kept.to_string()}>
                                <span class="file-icon">{ super::icons::for_kind(&a.kind) }</span>
                                <div class="grow">
                                    <div class="title">{ &a.name }</div>
                                    <div class="sub">
                                        { format!("{} · {} · {}", f.chat_title, f.sender_name, time::day_label(lang, f.timestamp, now)) }
                                        if let Some(size) = a.size { { format!(" · {}", crate::i18n::settings::size(lang, size)) } }
                                    </div>
                                    <div class="sub">
                                        <span class={if f.kept { "status unused" } else { "status" }}>
                                            { if f.kept { tc(lang, C::Kept) } else { tc(lang, C::NotKept) } }
                                        </span>
                                    </div>
                                </div>
                                if let Some(onclick) = on_open {
                                    <button class="secondary small" data-testid="file-open" {onclick}>{ tc(lang, C::Open) }</button>
                                }
                            </li>
                        }
                    }) }
                </ul>
            </div>
        </section>
    }
}
