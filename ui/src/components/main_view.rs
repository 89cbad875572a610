//! The signed-in layout: sidebar with chats, the open chat with its timeline and composer.

use parta_model::view::ProfileView;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::admin::{AdminView, tabs_for};
use super::announcements::AnnouncementsList;
use super::composer::Composer;
use super::connection_badge::ConnectionBadge;
use super::files_view::FilesView;
use super::lessons::LessonsView;
use super::members_panel::MembersPanel;
use super::pinned_banner::PinnedBanner;
use super::profile_switcher::ProfileSwitcher;
use super::search::SearchPanel;
use super::settings::SettingsView;
use super::timeline::Timeline;
use crate::i18n::admin::{A, ta};
use crate::i18n::composer::{C, tc};
use crate::i18n::lessons::{L, tl};
use crate::i18n::settings::{S, ts};
use crate::i18n::{Key, t};
use crate::prefs::{remember_lang, remember_theme};
use crate::services::api;
use crate::state::{Action, AppContext};

/// What the main layout shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Chats,
    Announcements,
    Admin,
    Settings,
    Files,
    Lessons,
    NewChat,
}

#[derive(Properties, PartialEq)]
pub struct MainViewProps {
    pub profile: ProfileView,
}

#[function_component(MainView)]
pub fn main_view(props: &MainViewProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let lang = ctx.lang;

    let on_lang = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            let next = ctx.lang.other();
            remember_lang(next);
            ctx.dispatch(Action::SetLang(next));
        })
    };
    // The sidebar shows the chats (with search) or the announcements; the administration
    // takes the main area.
    let section = use_state(|| Section::Chats);
    let tab = |show: Section| {
        let section = section.clone();
        Callback::from(move |_: MouseEvent| section.set(show))
    };
    let announcements = *section == Section::Announcements;
    {
        // Opening a chat from the sidebar shows it, whatever was in the main area.
        let section = section.clone();
        let open = ctx.open.as_ref().map(|o| o.chat.chat_id);
        use_effect_with((open, ctx.opened), move |(open, _)| {
            if open.is_some()
                && matches!(
                    *section,
                    Section::Admin | Section::Settings | Section::Files | Section::Lessons
                )
            {
                section.set(Section::Chats);
            }
        });
    }
    // The person's role decides whether there is an administration section (asked once per
    // profile; offline there is none, as nothing in it works offline).
    let role = use_state(|| None::<parta_model::school::Role>);
    {
        let role = role.clone();
        use_effect_with(props.profile.profile_id.clone(), move |_| {
            role.set(None);
            spawn_local(async move {
                if let Ok(r) = api::my_role().await {
                    role.set(r);
                }
            });
        });
    }
    // A newer Parta on the profile's server (asked once per profile and start): the settings
    // button says so; Settings → Updates installs it.
    let newer = use_state(|| None::<String>);
    {
        let newer = newer.clone();
        use_effect_with(props.profile.profile_id.clone(), move |_| {
            newer.set(None);
            spawn_local(async move {
                if let Ok(view) = api::update_check().await {
                    newer.set(view.offer.map(|o| o.version));
                }
            });
        });
    }
    let admin_role = (*role).filter(|r| !tabs_for(*r).is_empty());
    // `create_chats` in docs/permissions.md.
    let may_make_chats = matches!(
        *role,
        Some(
            parta_model::school::Role::ClassTeacher
                | parta_model::school::Role::Administration
                | parta_model::school::Role::PlatformAdmin
        )
    );
    let show_members = use_state(|| false);
    let on_members = {
        let show_members = show_members.clone();
        Callback::from(move |_: MouseEvent| show_members.set(!*show_members))
    };
    let on_close_members = {
        let show_members = show_members.clone();
        Callback::from(move |()| show_members.set(false))
    };
    {
        // Another chat opened (from the panel's «Написать лично», say): the panel closes, as it
        // belonged to the chat before.
        let show_members = show_members.clone();
        let open_id = ctx.open.as_ref().map(|o| o.chat.chat_id);
        use_effect_with(open_id, move |_| show_members.set(false));
    }
    let dark = ctx.dark;
    let on_theme = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            remember_theme(!ctx.dark);
            ctx.dispatch(Action::SetDark(!ctx.dark));
        })
    };
    let on_demo_toggle = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            let ctx = ctx.clone();
            let want = !ctx.demo_offline;
            spawn_local(async move {
                match api::set_demo_offline(want).await {
                    Ok(offline) => ctx.dispatch(Action::DemoOffline(offline)),
                    Err(e) => ctx.dispatch(Action::Error(e)),
                }
            });
        })
    };

    {
        // The open chat is read: on opening, and whenever a message arrives in it. Then the
        // chat list is re-read for its unread counts.
        let ctx = ctx.clone();
        let key = ctx
            .open
            .as_ref()
            .map(|o| (o.chat.chat_id, o.messages.len()));
        use_effect_with(key, move |key| {
            if let Some((chat_id, _)) = *key {
                spawn_local(async move {
                    if api::mark_read(chat_id).await.is_ok()
                        && let Ok(chats) = api::chats().await
                    {
                        ctx.dispatch(Action::SetChats(chats));
                    }
                });
            }
        });
    }

    let on_retry = {
        let ctx = ctx.clone();
        Callback::from(move |mid: String| {
            let ctx = ctx.clone();
            spawn_local(async move {
                if let Err(e) = api::retry(&mid).await {
                    ctx.dispatch(Action::Error(e));
                }
            });
        })
    };
    let on_discard = {
        let ctx = ctx.clone();
        Callback::from(move |mid: String| {
            let ctx = ctx.clone();
            spawn_local(async move {
                if let Err(e) = api::discard(&mid).await {
                    ctx.dispatch(Action::Error(e));
                }
            });
        })
    };

    let on_edit = {
        let ctx = ctx.clone();
        Callback::from(move |m: parta_model::view::MessageView| {
            ctx.dispatch(Action::Edit(Some(Box::new(m))));
        })
    };
    let on_delete = {
        let ctx = ctx.clone();
        Callback::from(move |mid: String| {
            let ctx = ctx.clone();
            spawn_local(async move {
                if let Err(e) = api::delete_message(&mid).await {
                    ctx.dispatch(Action::Error(e));
                }
            });
        })
    };
    // Whether one administers the open chat (may pin): asked of the server when it opens.
    let open_chat_id = ctx.open.as_ref().map(|o| o.chat.chat_id);
    let chat_admin = use_state(|| false);
    {
        let chat_admin = chat_admin.clone();
        use_effect_with(open_chat_id, move |chat_id| {
            chat_admin.set(false);
            if let Some(chat_id) = *chat_id {
                spawn_local(async move {
                    chat_admin.set(api::chat_admin(chat_id).await.unwrap_or(false));
                });
            }
        });
    }
    let on_pin = {
        let ctx = ctx.clone();
        Callback::from(move |mid: Option<String>| {
            let Some(chat_id) = ctx.open.as_ref().map(|o| o.chat.chat_id) else {
                return;
            };
            let ctx = ctx.clone();
            spawn_local(async move {
                if let Err(e) = api::pin_message(chat_id, mid.as_deref()).await {
                    ctx.dispatch(Action::Error(e));
                }
            });
        })
    };
    // A refusal is the banner's "not allowed": the message row has no room for the sentence
    // the members panel shows.
    let on_write_privately = {
        let ctx = ctx.clone();
        Callback::from(move |user_id: i64| {
            let banner = ctx.clone();
            crate::actions::write_privately(
                ctx.clone(),
                user_id,
                Callback::from(move |sentence: &'static str| {
                    banner.dispatch(Action::Error(parta_model::view::UiError {
                        code: parta_model::view::UiErrorCode::Forbidden,
                        message: sentence.to_owned(),
                        detail: None,
                    }))
                }),
            );
        })
    };
    let on_reply = {
        let ctx = ctx.clone();
        Callback::from(move |m: parta_model::view::MessageView| {
            ctx.dispatch(Action::ReplyTo(Some(Box::new(m))));
        })
    };

    let content = match (&ctx.open, admin_role) {
        (_, Some(role)) if *section == Section::Admin => {
            html! { <AdminView role={role} lang={lang} /> }
        }
        _ if *section == Section::Settings => html! { <SettingsView /> },
        _ if *section == Section::NewChat => html! {
            <super::new_chat::NewChatForm {lang} on_made={{
                let section = section.clone();
                Callback::from(move |_| section.set(Section::Chats))
            }} />
        },
        _ if *section == Section::Files => html! { <FilesView lang={lang} /> },
        _ if *section == Section::Lessons => html! { <LessonsView lang={lang} role={*role} /> },
        (open, _) => match open {
            Some(view) => html! {
                <section class="chat" aria-label={view.chat.title.clone()}>
                    <header class="chat-header">
                        <div>
                            <h2 data-testid="chat-title">{ &view.chat.title }</h2>
                            <div class="sub">
                                { crate::i18n::members(lang, i64::from(view.chat.participants_count)) }
                                if let Some(description) = view.description.as_ref().filter(|d| !d.trim().is_empty()) {
                                    { " · " }{ description }
                                }
                            </div>
                        </div>
                        <button class="secondary" data-testid="members-button" onclick={on_members}
                            aria-expanded={if *show_members { "true" } else { "false" }}>
                            { t(lang, Key::MembersTitle) }
                        </button>
                    </header>
                    if *show_members {
                        <MembersPanel chat_id={view.chat.chat_id} lang={lang} on_close={on_close_members.clone()}
                            manage={*chat_admin} title={view.chat.title.clone()} />
                    }
                    if let Some(pinned) = &view.pinned {
                        <PinnedBanner pinned={pinned.clone()} lang={lang} />
                    }
                    <Timeline latest={super::timeline::Latest(view.clone())} older_changes={ctx.older_changes.clone()}
                        lang={lang} focus={ctx.focus.clone()}
                        transfers={ctx.transfers.clone()} on_reply={on_reply.clone()}
                        on_retry={on_retry.clone()} on_discard={on_discard.clone()}
                        on_edit={on_edit.clone()} on_delete={on_delete.clone()}
                        can_pin={*chat_admin} pinned_mid={view.pinned.as_ref().map(|p| p.mid.clone())}
                        on_pin={on_pin.clone()} on_write_privately={on_write_privately.clone()} />
                    <Composer chat_id={view.chat.chat_id} role={*role} />
                </section>
            },
            None => {
                html! { <section class="chat empty"><p>{ t(lang, Key::SelectChat) }</p></section> }
            }
        },
    };

    html! {
        <div class="layout">
            <aside class="sidebar">
                <header class="sidebar-header">
                    <ProfileSwitcher profile={props.profile.clone()} lang={lang} />
                    <ConnectionBadge state={ctx.connection} lang={lang} />
                </header>
                <nav class="tabs" aria-label={t(lang, Key::AppName)}
                    data-role={role.map_or("", parta_model::school::Role::as_str)}>
                    <button class={if *section == Section::Chats { "tab active" } else { "tab" }} data-testid="tab-chats"
                        aria-pressed={if *section == Section::Chats { "true" } else { "false" }} onclick={tab(Section::Chats)}>
                        { t(lang, Key::Chats) }
                    </button>
                    <button class={if announcements { "tab active" } else { "tab" }} data-testid="tab-announcements"
                        aria-pressed={if announcements { "true" } else { "false" }} onclick={tab(Section::Announcements)}>
                        { t(lang, Key::Announcements) }
                    </button>
                    <button class={if *section == Section::Lessons { "tab active" } else { "tab" }} data-testid="tab-lessons"
                        aria-pressed={if *section == Section::Lessons { "true" } else { "false" }} onclick={tab(Section::Lessons)}>
                        { tl(lang, L::Section) }
                    </button>
                    <button class={if *section == Section::Files { "tab active" } else { "tab" }} data-testid="tab-files"
                        aria-pressed={if *section == Section::Files { "true" } else { "false" }} onclick={tab(Section::Files)}>
                        { tc(lang, C::Files) }
                    </button>
                    if admin_role.is_some() {
                        <button class={if *section == Section::Admin { "tab active" } else { "tab" }} data-testid="tab-admin"
                            aria-label={ta(lang, A::Title)}
                            aria-pressed={if *section == Section::Admin { "true" } else { "false" }} onclick={tab(Section::Admin)}>
                            { ta(lang, A::Section) }
                        </button>
                    }
                </nav>
                if announcements {
                    <AnnouncementsList />
                } else {
                    <SearchPanel />
                }
                if may_make_chats {
                    <button class="secondary new-chat-button" data-testid="new-chat" onclick={tab(Section::NewChat)}>
                        { "+ " }{ tc(lang, C::NewChat) }
                    </button>
                }
                <footer class="sidebar-footer">
                    if props.profile.is_demo {
                        <button class="secondary" data-testid="demo-offline-toggle" onclick={on_demo_toggle}>
                            { if ctx.demo_offline { t(lang, Key::RestoreConnection) } else { t(lang, Key::SimulateOffline) } }
                        </button>
                    }
                    <div class="footer-row">
                        <button class="link" data-testid="settings-button" onclick={tab(Section::Settings)}
                            aria-pressed={if *section == Section::Settings { "true" } else { "false" }}>
                            { ts(lang, S::Settings) }
                            if let Some(version) = &*newer {
                                <span class="update-dot" data-testid="update-available" data-version={version.clone()}
                                    title={format!("{} {version}", ts(lang, S::UpdateAvailable))}>{ " •" }</span>
                            }
                        </button>
                        <button class="link" data-testid="theme-switch" onclick={on_theme}
                            aria-pressed={if dark { "true" } else { "false" }}>
                            { if dark { t(lang, Key::LightTheme) } else { t(lang, Key::DarkTheme) } }
                        </button>
                        <button class="link" data-testid="language-switch" onclick={on_lang}>{ t(lang, Key::LanguageSwitch) }</button>
                    </div>
                </footer>
            </aside>
            { content }
        </div>
    }
}
