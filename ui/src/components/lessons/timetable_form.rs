//! A class teacher's term timetable from CSV: checked first (nothing stored), then imported.

use parta_model::lessons::{Holiday, TimetableImport, TimetableReport};
use parta_model::school::{AdminReply, AdminRequest};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::components::admin::common::{admin_error, class_select, error_line, run};
use crate::dom::{typed_into, value_of};
use crate::hooks::{use_classes, use_failure};
use crate::i18n::Lang;
use crate::i18n::lessons::{self as text, L, tl};
use crate::services::api;
use crate::time;

use super::joining::DAY_MS;

#[derive(Properties, PartialEq)]
pub(super) struct TimetableFormProps {
    pub(super) lang: Lang,
    pub(super) on_done: Callback<()>,
}

/// "2026-11-02..2026-11-08, 2026-12-31" as holidays (a single day stands for itself).
fn holidays_of(text: &str) -> Vec<Holiday> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (from, to) = p.split_once("..").unwrap_or((p, p));
            Holiday {
                from: from.trim().to_owned(),
                to: to.trim().to_owned(),
            }
        })
        .collect()
}

/// A class teacher imports the class's weekly timetable from CSV over a term: first a preview
/// of exactly the lessons it makes (the server's dry run), then the import.
#[function_component(TimetableForm)]
pub(super) fn timetable_form(props: &TimetableFormProps) -> Html {
    let lang = props.lang;
    let (error, failed) = use_failure();
    let (classes, class_id) = use_classes(lang, failed.clone());
    let today = time::now_ms();
    let term_start = use_state(|| time::date_input(today));
    let term_end = use_state(|| time::date_input(today + 60 * DAY_MS));
    let holidays = use_state(String::new);
    let csv = use_state(String::new);
    let preview = use_state(|| None::<TimetableReport>);
    let submit = |dry_run: bool| {
        let (class_id, term_start, term_end, holidays, csv) = (
            class_id.clone(),
            term_start.clone(),
            term_end.clone(),
            holidays.clone(),
            csv.clone(),
        );
        let (failed, preview, on_done) = (failed.clone(), preview.clone(), props.on_done.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(class_id) = *class_id else {
                return;
            };
            let import = TimetableImport {
                class_id,
                term_start: (*term_start).clone(),
                term_end: (*term_end).clone(),
                holidays: holidays_of(&holidays),
                // The school's time is this computer's: its offset now, in minutes east.
                utc_offset_minutes: -(js_sys::Date::new_0().get_timezone_offset() as i64),
                csv: (*csv).clone(),
                dry_run,
            };
            let (preview, on_done) = (preview.clone(), on_done.clone());
            run(
                lang,
                AdminRequest::ImportTimetable { import },
                move |reply| {
                    if let AdminReply::Timetable(report) = reply {
                        if report.dry_run {
                            preview.set(Some(report));
                        } else {
                            on_done.emit(());
                        }
                    }
                },
                failed.clone(),
            );
        })
    };
    let date_field = |label: L, state: &UseStateHandle<String>, testid: &'static str| {
        html! {
            <label>{ tl(lang, label) }
                <input type="date" data-testid={testid} value={(**state).clone()} oninput={typed_into(state)} />
            </label>
        }
    };
    let on_csv = {
        let (csv, preview) = (csv.clone(), preview.clone());
        Callback::from(move |e: InputEvent| {
            preview.set(None);
            csv.set(value_of(&e));
        })
    };
    let choose_csv = {
        let (csv, preview, failed) = (csv.clone(), preview.clone(), failed.clone());
        Callback::from(move |_: MouseEvent| {
            let (csv, preview, failed) = (csv.clone(), preview.clone(), failed.clone());
            spawn_local(async move {
                match api::pick_timetable_csv().await {
                    Ok(Some(text)) => {
                        preview.set(None);
                        failed.emit(None);
                        csv.set(text);
                    }
                    Ok(None) => {}
                    Err(e) => failed.emit(Some(admin_error(lang, &e))),
                }
            });
        })
    };
    html! {
        <div class="lesson-form settings-group" data-testid="timetable-form">
            <h3>{ tl(lang, L::ImportTimetable) }</h3>
            <label>{ tl(lang, L::Class) }
                { class_select(&classes, &class_id, "timetable-class") }
            </label>
            <div class="button-row">
                { date_field(L::TermStart, &term_start, "term-start") }
                { date_field(L::TermEnd, &term_end, "term-end") }
            </div>
            <label>{ tl(lang, L::Holidays) }
                <input data-testid="holidays" placeholder={tl(lang, L::HolidaysHint)} value={(*holidays).clone()} oninput={typed_into(&holidays)} />
            </label>
            <button class="secondary" type="button" data-testid="timetable-choose-file" onclick={choose_csv}>
                { tl(lang, L::ChooseCsv) }
            </button>
            <label>{ tl(lang, L::CsvText) }
                <textarea data-testid="timetable-csv" rows="6" value={(*csv).clone()} oninput={on_csv}
                    placeholder="weekday,start,duration_min,subject" />
                <span class="hint">{ tl(lang, L::CsvHint) }</span>
            </label>
            { error_line(&error) }
            if let Some(report) = &*preview {
                <div class="timetable-preview" data-testid="timetable-preview" data-count={report.lessons.len().to_string()}>
                    <p>{ format!("{}: {}", tl(lang, L::Preview), report.lessons.len()) }</p>
                    <ul role="list">
                        { for report.lessons.iter().take(10).map(|l| html! {
                            <li>{ format!("{} {} {} — {}", text::weekday(lang, time::weekday(l.starts_at)),
                                time::date_input(l.starts_at), time::clock(l.starts_at), l.subject) }</li>
                        }) }
                        if report.lessons.len() > 10 { <li>{ "…" }</li> }
                    </ul>
                </div>
            }
            <div class="button-row">
                <button class="secondary" data-testid="timetable-preview-button" onclick={submit(true)}>{ tl(lang, L::Preview) }</button>
                <button class="primary" data-testid="timetable-import" disabled={preview.is_none()} onclick={submit(false)}>{ tl(lang, L::Import) }</button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holidays_are_ranges_or_single_days_separated_by_commas() {
        let list = holidays_of(" 2026-11-02..2026-11-08, 2026-12-31 ,, ");
        assert_eq!(
            list,
            vec![
                Holiday {
                    from: "2026-11-02".into(),
                    to: "2026-11-08".into()
                },
                Holiday {
                    from: "2026-12-31".into(),
                    to: "2026-12-31".into()
                },
            ]
        );
        assert!(holidays_of("").is_empty());
    }
}
