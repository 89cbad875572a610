//! A month's calendar: the days with lessons marked, a picked day listed below.

use parta_model::lessons::Lesson;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::lessons::{self as text, L, tl};
use crate::time;

use super::joining::{DAY_MS, month_bounds};

#[derive(Properties, PartialEq)]
pub(super) struct MonthGridProps {
    pub(super) lang: Lang,
    pub(super) shift: i32,
    pub(super) lessons: Vec<Lesson>,
    pub(super) today: i64,
    pub(super) picked: Option<i64>,
    pub(super) on_pick: Callback<i64>,
    pub(super) on_shift: Callback<i32>,
}

/// A month's calendar, weeks from Monday: each day with its lessons' times and subjects (three
/// at most, then "+N"); a day with lessons is a button that shows them below.
#[function_component(MonthGrid)]
pub(super) fn month_grid(props: &MonthGridProps) -> Html {
    let lang = props.lang;
    let Some((from, to, month, year)) = month_bounds(props.today, props.shift) else {
        return html! {};
    };
    // Local midnights of the month's days (a day is 23 to 25 hours long around DST).
    let mut days = Vec::new();
    let mut day = from;
    while day < to {
        days.push(day);
        day = time::start_of_day(day + DAY_MS + DAY_MS / 2);
    }
    // Blank cells before the 1st: Monday first.
    let lead = (time::weekday(from) + 6) % 7;
    let shift = props.shift;
    let go = |by: i32| {
        let on_shift = props.on_shift.clone();
        Callback::from(move |_: MouseEvent| on_shift.emit(shift + by))
    };
    html! {
        <section class="month" data-testid="lessons-month-grid" aria-label={text::month_title(lang, month, year)}>
            <header class="month-head">
                <button class="icon" aria-label={tl(lang, L::PrevMonth)} data-testid="month-prev" onclick={go(-1)}>{ "‹" }</button>
                <h3 data-testid="month-title">{ text::month_title(lang, month, year) }</h3>
                <button class="icon" aria-label={tl(lang, L::NextMonth)} data-testid="month-next" onclick={go(1)}>{ "›" }</button>
            </header>
            <div class="month-grid" role="grid">
                { for (1..=7).map(|i| html! { <div class="month-weekday" role="columnheader">{ text::weekday(lang, i % 7) }</div> }) }
                { for (0..lead).map(|_| html! { <div class="month-day blank" /> }) }
                { for days.into_iter().map(|day| {
                    let list: Vec<&Lesson> = props.lessons.iter()
                        .filter(|l| time::start_of_day(l.starts_at) == day)
                        .collect();
                    let pick = { let on_pick = props.on_pick.clone(); Callback::from(move |_: MouseEvent| on_pick.emit(day)) };
                    let class = classes!(
                        "month-day",
                        (day == props.today).then_some("today"),
                        (props.picked == Some(day)).then_some("picked"),
                    );
                    let count = list.len();
                    html! {
                        <button class={class} role="gridcell" data-testid="month-day" data-count={count.to_string()}
                            aria-pressed={if props.picked == Some(day) { "true" } else { "false" }}
                            disabled={count == 0} onclick={pick}>
                            <span class="month-date">{ time::day_of(day).day }</span>
                            { for list.iter().take(3).map(|l| html! {
                                <span class={classes!("month-lesson", l.cancelled.then_some("cancelled"))}>
                                    { format!("{} {}", time::clock(l.starts_at), l.subject) }
                                </span>
                            }) }
                            if count > 3 { <span class="month-more">{ format!("+{}", count - 3) }</span> }
                        </button>
                    }
                }) }
            </div>
        </section>
    }
}
