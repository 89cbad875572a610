//! Settings: the profile and signing out (optionally deleting its data from this computer),
//! language, theme, scale and how the window is drawn, what is kept on this computer and
//! clearing it, the app lock (PIN and locking when idle), updates, and what this Parta is.

use parta_model::view::SettingsInfo;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::actions::reload_chats;
use crate::components::account::Account;
use crate::components::my_reports::MyReports;
use crate::components::quiet_hours::QuietHoursSection;
use crate::components::sign_in_failures::SignInFailures;
use crate::dom::value_of;
use crate::i18n::settings::{S, size, ts};
use crate::i18n::{Lang, error_key, t};
use crate::prefs::{
    SCALES, lesson_reminder_min, notifications_on, remember_lang, remember_theme, scale_percent,
};
use crate::services::api;
use crate::state::{Action, AppContext, Phase};

#[function_component(SettingsView)]
pub fn settings_view() -> Html {
    let info = use_state(|| None::<SettingsInfo>);
    let wipe = use_state(|| false);
    let pin = use_state(String::new);
    let repeat = use_state(String::new);
    let note = use_state(|| None::<(bool, String)>);
    let autolock = use_state(|| {
        crate::prefs::autolock_ms()
            .map(|ms| ms.to_string())
            .unwrap_or_default()
    });
    let notify = use_state(notifications_on);
    let reminder = use_state(lesson_reminder_min);
    let reload = {
        let info = info.clone();
        Callback::from(move |()| {
            let info = info.clone();
            spawn_local(async move {
                if let Ok(i) = api::settings().await {
                    info.set(Some(i));
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let lang = ctx.lang;
    let say = {
        let note = note.clone();
        move |ok: bool, text: String| note.set(Some((ok, text)))
    };
    let on_lang = |to: Lang| {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            remember_lang(to);
            ctx.dispatch(Action::SetLang(to));
        })
    };
    let on_theme = |dark: bool| {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            remember_theme(dark);
            ctx.dispatch(Action::SetDark(dark));
        })
    };
    let on_clear = {
        let (ctx, reload, say) = (ctx.clone(), reload.clone(), say.clone());
        Callback::from(move |_: MouseEvent| {
            let (ctx, reload, say) = (ctx.clone(), reload.clone(), say.clone());
            spawn_local(async move {
                match api::clear_cache().await {
                    Ok(profile) => {
                        ctx.dispatch(Action::SetPhase(Phase::Ready(profile)));
                        reload_chats(ctx.clone());
                        say(true, ts(lang, S::Cleared).to_owned());
                        reload.emit(());
                    }
                    Err(e) => say(false, t(lang, error_key(e.code)).to_owned()),
                }
            });
        })
    };
    let on_wipe = {
        let wipe = wipe.clone();
        Callback::from(move |_: Event| wipe.set(!*wipe))
    };
    let on_sign_out = {
        let (ctx, wipe, say) = (ctx.clone(), wipe.clone(), say.clone());
        Callback::from(move |_: MouseEvent| {
            let (ctx, wipe, say) = (ctx.clone(), *wipe, say.clone());
            spawn_local(async move {
                match api::sign_out(wipe).await {
                    Ok(Some(next)) => {
                        ctx.dispatch(Action::SetPhase(Phase::Ready(next)));
                        reload_chats(ctx.clone());
                    }
                    Ok(None) => ctx.dispatch(Action::SetPhase(Phase::Welcome)),
                    Err(e) => say(false, t(lang, error_key(e.code)).to_owned()),
                }
            });
        })
    };
    let typed = crate::dom::typed_into;
    let on_set_pin = {
        let (pin, repeat, reload, say) = (pin.clone(), repeat.clone(), reload.clone(), say.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (new, again) = ((*pin).clone(), (*repeat).clone());
            let digits = (4..=8).contains(&new.len()) && new.bytes().all(|b| b.is_ascii_digit());
            if !digits {
                say(false, ts(lang, S::PinRule).to_owned());
                return;
            }
            if new != again {
                say(false, ts(lang, S::PinsDiffer).to_owned());
                return;
            }
            let (pin, repeat, reload, say) =
                (pin.clone(), repeat.clone(), reload.clone(), say.clone());
            spawn_local(async move {
                match api::set_pin(Some(&new)).await {
                    Ok(()) => {
                        pin.set(String::new());
                        repeat.set(String::new());
                        say(true, ts(lang, S::PinSet).to_owned());
                        reload.emit(());
                    }
                    Err(e) => say(false, t(lang, error_key(e.code)).to_owned()),
                }
            });
        })
    };
    let on_remove_pin = {
        let (reload, say) = (reload.clone(), say.clone());
        Callback::from(move |_: MouseEvent| {
            let (reload, say) = (reload.clone(), say.clone());
            spawn_local(async move {
                match api::set_pin(None).await {
                    Ok(()) => reload.emit(()),
                    Err(e) => say(false, t(lang, error_key(e.code)).to_owned()),
                }
            });
        })
    };
    let on_lock = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            let ctx = ctx.clone();
            spawn_local(async move {
                if let Ok(true) = api::lock_now().await {
                    ctx.dispatch(Action::Lock);
                }
            });
        })
    };
    let on_autolock = {
        let autolock = autolock.clone();
        Callback::from(move |e: Event| {
            let value = value_of(&e);
            let idle_ms = value.parse::<u64>().ok();
            crate::prefs::update(|p| p.autolock_ms = idle_ms.unwrap_or(0));
            spawn_local(async move {
                let _ = api::activity(idle_ms).await;
            });
            autolock.set(value);
        })
    };
    let on_reminder = {
        let reminder = reminder.clone();
        Callback::from(move |e: Event| {
            let minutes: u32 = value_of(&e).parse().unwrap_or(0);
            crate::prefs::update(|p| p.lesson_reminder_min = minutes);
            reminder.set(minutes);
        })
    };
    let scale = use_state(scale_percent);
    let on_scale = {
        let scale = scale.clone();
        Callback::from(move |e: Event| {
            let percent: u32 = value_of(&e).parse().unwrap_or(100);
            crate::prefs::update(|p| p.scale_percent = percent);
            scale.set(percent);
            spawn_local(async move {
                let _ = api::set_scale(percent).await;
            });
        })
    };
    let on_notify = {
        let notify = notify.clone();
        Callback::from(move |_: Event| {
            let on = !*notify;
            crate::prefs::update(|p| p.notifications = on);
            notify.set(on);
        })
    };
    let on_accelerated = {
        let (info, reload, say) = (info.clone(), reload.clone(), say.clone());
        Callback::from(move |_: Event| {
            let on = !info.as_ref().is_some_and(|i| i.accelerated);
            let (reload, say) = (reload.clone(), say.clone());
            spawn_local(async move {
                match api::set_accelerated(on).await {
                    Ok(()) => reload.emit(()),
                    Err(e) => say(false, t(lang, error_key(e.code)).to_owned()),
                }
            });
        })
    };
    let Some(i) = &*info else {
        return html! { <section class="settings" data-testid="settings"><p class="muted pad">{ "…" }</p></section> };
    };
    let choice = |active: bool,
                  label: &'static str,
                  onclick: Callback<MouseEvent>,
                  id: &'static str| {
        html! {
            <button class={if active { "tab active" } else { "tab" }} aria-pressed={if active { "true" } else { "false" }}
                data-testid={id} {onclick}>{ label }</button>
        }
    };
    html! {
        <section class="settings" aria-label={ts(lang, S::Settings)} data-testid="settings">
            <header class="chat-header"><h2>{ ts(lang, S::Settings) }</h2></header>
            <div class="settings-body">
                if let Some((ok, text)) = &*note {
                    <p class={if *ok { "notice ok" } else { "form-error" }} role="status" data-testid="settings-note">{ text }</p>
                }
                <section class="settings-group">
                    <h3>{ ts(lang, S::Profile) }</h3>
                    <p><strong>{ &i.profile.display_name }</strong></p>
                    <p class="muted">{ format!("{}: {}", ts(lang, S::Server), i.profile.server_url) }</p>
                    <label class="check">
                        <input type="checkbox" checked={*wipe} onchange={on_wipe} data-testid="sign-out-wipe" />
                        { ts(lang, S::WipeToo) }
                    </label>
                    <p class="hint">{ ts(lang, S::SignOutHint) }</p>
                    <button class="secondary" onclick={on_sign_out} data-testid="sign-out">{ ts(lang, S::SignOut) }</button>
                </section>
                <QuietHoursSection lang={lang} />
                <crate::components::media_section::MediaSection lang={lang} />
                if !i.profile.is_demo {
                    <Account lang={lang} />
                    <SignInFailures lang={lang} />
                }
                <MyReports lang={lang} />
                <section class="settings-group">
                    <h3>{ ts(lang, S::Language) }</h3>
                    <div class="tabs inline">
                        { choice(lang == Lang::Ru, "Русский", on_lang(Lang::Ru), "settings-lang-ru") }
                        { choice(lang == Lang::En, "English", on_lang(Lang::En), "settings-lang-en") }
                    </div>
                    <h3>{ ts(lang, S::Theme) }</h3>
                    <div class="tabs inline">
                        { choice(!ctx.dark, ts(lang, S::Light), on_theme(false), "settings-light") }
                        { choice(ctx.dark, ts(lang, S::Dark), on_theme(true), "settings-dark") }
                    </div>
                    <label>{ ts(lang, S::Scale) }
                        <select onchange={on_scale} data-testid="scale">
                            { for SCALES.into_iter().map(|p| html! {
                                <option value={p.to_string()} selected={*scale == p}>{ format!("{p} %") }</option>
                            }) }
                        </select>
                        <span class="hint">{ ts(lang, S::ScaleHint) }</span>
                    </label>
                    <label class="check">
                        <input type="checkbox" checked={i.accelerated} onchange={on_accelerated} data-testid="accelerated" />
                        { ts(lang, S::Accelerated) }
                    </label>
                    <p class="hint" data-testid="drawing" data-accelerated={i.accelerated_now.to_string()}>
                        { ts(lang, if i.accelerated_now { S::DrawingGpu } else { S::DrawingCpu }) }
                        if i.accelerated != i.accelerated_now {
                            { " " }<strong data-testid="restart-needed">{ ts(lang, S::AfterRestart) }</strong>
                        }
                    </p>
                </section>
                <section class="settings-group">
                    <h3>{ ts(lang, S::Notifications) }</h3>
                    <label class="check">
                        <input type="checkbox" checked={*notify} onchange={on_notify} data-testid="notifications" />
                        { ts(lang, S::NotificationsOn) }
                    </label>
                    <label>{ ts(lang, S::LessonReminders) }
                        <select onchange={on_reminder} data-testid="lesson-reminders">
                            <option value="0" selected={*reminder == 0}>{ ts(lang, S::DoNotRemind) }</option>
                            { for [5u32, 10, 15, 30, 60].into_iter().map(|m| html! {
                                <option value={m.to_string()} selected={*reminder == m}>{ format!("{m} {}", ts(lang, S::MinutesBefore)) }</option>
                            }) }
                        </select>
                    </label>
                </section>
                <section class="settings-group" data-testid="settings-cache">
                    <h3>{ ts(lang, S::Cache) }</h3>
                    <p data-testid="cached-messages" data-count={i.cached_messages.to_string()}>
                        { format!("{}: {}", ts(lang, S::CachedMessages), i.cached_messages) }
                    </p>
                    <p>{ format!("{}: {} · {}: {}", ts(lang, S::Files), size(lang, i.files_bytes),
                        ts(lang, S::Database), size(lang, i.database_bytes)) }</p>
                    <p class="hint">{ ts(lang, S::ClearCacheHint) }</p>
                    <button class="secondary" onclick={on_clear} data-testid="clear-cache">{ ts(lang, S::ClearCache) }</button>
                </section>
                <section class="settings-group">
                    <h3>{ ts(lang, S::AppLock) }</h3>
                    <p class="hint">{ ts(lang, S::AppLockHint) }</p>
                    if i.pin_set {
                        <p data-testid="pin-set">{ ts(lang, S::PinSet) }</p>
                        <div class="button-row">
                            <button class="primary" onclick={on_lock} data-testid="lock-now">{ ts(lang, S::LockNow) }</button>
                            <button class="secondary" onclick={on_remove_pin} data-testid="remove-pin">{ ts(lang, S::RemovePin) }</button>
                        </div>
                        <label>{ ts(lang, S::AutoLock) }
                            <select onchange={on_autolock} data-testid="autolock">
                                <option value="0" selected={autolock.is_empty() || *autolock == "0"}>{ ts(lang, S::Never) }</option>
                                { for [1, 5, 15, 30].into_iter().map(|m| {
                                    let ms = (m * 60_000).to_string();
                                    html! { <option value={ms.clone()} selected={*autolock == ms}>{ format!("{m} {}", ts(lang, S::Minutes)) }</option> }
                                }) }
                            </select>
                        </label>
                    } else {
                        <form class="inline-form" onsubmit={on_set_pin}>
                            <label>{ ts(lang, S::NewPin) }
                                <input type="password" inputmode="numeric" maxlength="8" autocomplete="new-password"
                                    data-testid="new-pin" value={(*pin).clone()} oninput={typed(&pin)} />
                            </label>
                            <label>{ ts(lang, S::RepeatPin) }
                                <input type="password" inputmode="numeric" maxlength="8" autocomplete="new-password"
                                    data-testid="repeat-pin" value={(*repeat).clone()} oninput={typed(&repeat)} />
                            </label>
                            <button class="primary small" type="submit" data-testid="set-pin">{ ts(lang, S::SetPin) }</button>
                        </form>
                    }
                </section>
                <crate::components::updates::UpdatesSection lang={lang} />
                <section class="settings-group">
                    <h3>{ ts(lang, S::About) }</h3>
                    <p>{ format!("{} {} {}", t(lang, crate::i18n::Key::AppName), ts(lang, S::Version), i.version) }</p>
                    <p class="muted">{ format!("{}: {}", ts(lang, S::DataFolder), i.data_dir) }</p>
                    <p class="hint">{ ts(lang, S::NeverShare) }</p>
                </section>
            </div>
        </section>
    }
}
