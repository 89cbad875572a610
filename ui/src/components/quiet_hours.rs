//! A teacher's quiet hours in the settings: parents' messages in those hours arrive as usual but
//! do not call her until they end (the server marks them, the app keeps quiet). Parents, who
//! have none, do not see this section: the server refuses them and it stays hidden.

use parta_model::school::QuietHours;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::dom::typed_into;
use crate::i18n::Lang;
use crate::i18n::settings::{S, ts};
use crate::services::api;

#[derive(Properties, PartialEq)]
pub struct QuietHoursProps {
    pub lang: Lang,
}

/// "20:00" for 1200 minutes.
fn clock_of(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// 1200 for "20:00".
fn minutes_of(clock: &str) -> Option<i64> {
    let (h, m) = clock.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

#[function_component(QuietHoursSection)]
pub fn quiet_hours_section(props: &QuietHoursProps) -> Html {
    let lang = props.lang;
    // None until the server answers; a parent (refused) or an offline app shows nothing.
    let loaded = use_state(|| false);
    let on = use_state(|| false);
    let from = use_state(|| "20:00".to_owned());
    let to = use_state(|| "08:00".to_owned());
    let note = use_state(|| None::<(bool, S)>);
    {
        let (loaded, on, from, to) = (loaded.clone(), on.clone(), from.clone(), to.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(hours) = api::quiet_hours().await {
                    if let Some(h) = hours {
                        on.set(true);
                        from.set(clock_of(h.start_minute));
                        to.set(clock_of(h.end_minute));
                    }
                    loaded.set(true);
                }
            });
        });
    }
    if !*loaded {
        return html! {};
    }
    let on_toggle = {
        let on = on.clone();
        Callback::from(move |_: Event| on.set(!*on))
    };
    let on_save = {
        let (on, from, to, note) = (on.clone(), from.clone(), to.clone(), note.clone());
        Callback::from(move |_: MouseEvent| {
            let hours = match (*on, minutes_of(&from), minutes_of(&to)) {
                (false, _, _) => None,
                (true, Some(start_minute), Some(end_minute)) => Some(QuietHours {
                    start_minute,
                    end_minute,
                    // JavaScript gives the offset the other way round (minutes west of UTC).
                    utc_offset_minutes: -(js_sys::Date::new_0().get_timezone_offset() as i64),
                }),
                _ => {
                    note.set(Some((false, S::QuietRefused)));
                    return;
                }
            };
            let note = note.clone();
            spawn_local(async move {
                note.set(Some(match api::set_quiet_hours(hours).await {
                    Ok(()) => (true, S::QuietSaved),
                    Err(_) => (false, S::QuietRefused),
                }));
            });
        })
    };
    html! {
        <section class="settings-group" data-testid="quiet-hours">
            <h3>{ ts(lang, S::QuietHours) }</h3>
            <label class="check">
                <input type="checkbox" checked={*on} onchange={on_toggle} data-testid="quiet-on" />
                { ts(lang, S::QuietHoursOn) }
            </label>
            <div class="quiet-times">
                { ts(lang, S::QuietFrom) }
                <input type="time" data-testid="quiet-from" value={(*from).clone()} oninput={typed_into(&from)} disabled={!*on} />
                { ts(lang, S::QuietTo) }
                <input type="time" data-testid="quiet-to" value={(*to).clone()} oninput={typed_into(&to)} disabled={!*on} />
                <button class="secondary small" data-testid="quiet-save" onclick={on_save}>{ ts(lang, S::Save) }</button>
            </div>
            if let Some((ok, key)) = *note {
                <p class={if ok { "notice ok" } else { "form-error" }} role="status" data-testid="quiet-note">{ ts(lang, key) }</p>
            }
            <p class="hint">{ ts(lang, S::QuietHint) }</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_of_day_goes_to_minutes_and_back() {
        assert_eq!(minutes_of("20:00"), Some(1200));
        assert_eq!(minutes_of("08:05"), Some(485));
        assert_eq!(minutes_of("24:00"), None);
        assert_eq!(minutes_of("вечер"), None);
        assert_eq!(clock_of(485), "08:05");
    }
}
