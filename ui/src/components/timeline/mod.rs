//! The messages of the open chat, with date separators; keeps the newest in view, loads older
//! history as one scrolls back, and renders only the rows near the view once the history is
//! long (a chat of 100,000 messages scrolls as one of fifty: see docs/benchmarks.md).

mod flags;
mod image_preview;
mod message;
mod props;
mod rows;

pub use props::{Latest, TimelineProps};

use std::rc::Rc;

use parta_model::view::{Delivery, MessageView};
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::{Key, t};
use crate::time;

use message::message;
use rows::*;

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let list = use_node_ref();
    let (above_ref, below_ref) = (use_node_ref(), use_node_ref());
    // The message whose "delete" was pressed once: a second press deletes it.
    let confirming = use_state(|| None::<String>);
    // The message being reported (its form open under it).
    let reporting = use_state(|| None::<String>);
    let rows = use_mut_ref(|| Rows {
        view: (0.0, 800.0),
        ..Rows::default()
    });
    // Renders again when the view nears the edge of the rendered rows (the view itself is kept
    // in `rows`, so that a render may choose rows for where the view is going).
    let redraw = use_force_update();
    // Bumped when older history arrives.
    let loaded = use_state(|| 0u32);
    let build_started = time::now_ms() as f64;
    let latest: &[MessageView] = &props.latest.0.messages;
    let chat_id = props.latest.0.chat.chat_id;
    let flags = flags::use_max_flags(chat_id, latest.len());
    {
        let mut r = rows.borrow_mut();
        if r.chat_id != chat_id {
            *r = Rows {
                chat_id,
                at_bottom: true,
                view: (0.0, r.view.1.max(800.0)),
                ..Rows::default()
            };
        }
    }
    let load_older = {
        let (rows, loaded, latest) = (rows.clone(), loaded.clone(), props.latest.clone());
        Callback::from(move |()| {
            let anchor = {
                let mut r = rows.borrow_mut();
                if r.loading || r.exhausted {
                    return;
                }
                let anchor = r
                    .older
                    .last()
                    .or_else(|| {
                        latest
                            .0
                            .messages
                            .iter()
                            .find(|m| m.delivery == Delivery::Sent)
                    })
                    .map(|m| m.mid.clone());
                let Some(anchor) = anchor else {
                    return;
                };
                r.loading = true;
                anchor
            };
            let (rows, loaded) = (rows.clone(), loaded.clone());
            spawn_local(async move {
                let asked = js_sys::Date::now();
                let page = crate::services::api::older_messages(chat_id, &anchor, OLDER_PAGE).await;
                {
                    let mut r = rows.borrow_mut();
                    r.loading = false;
                    r.pages += 1;
                    r.page_ms += js_sys::Date::now() - asked;
                    if r.chat_id != chat_id {
                        return;
                    }
                    match page {
                        Ok(page) if !page.is_empty() => {
                            r.shift += ESTIMATE * page.len() as f64;
                            for m in page.into_iter().rev() {
                                r.older.push(m);
                                r.older_heights.push(0.0);
                            }
                            r.dirty = true;
                        }
                        // Nothing older, or offline with nothing more kept: stop asking.
                        _ => r.exhausted = true,
                    }
                }
                loaded.set(loaded.wrapping_add(1));
            });
        })
    };
    let on_scroll = {
        let (list, redraw, rows, load_older) = (
            list.clone(),
            redraw.clone(),
            rows.clone(),
            load_older.clone(),
        );
        Callback::from(move |_: Event| {
            if let Some(el) = list.cast::<web_sys::Element>() {
                let (top, height) = (f64::from(el.scroll_top()), f64::from(el.client_height()));
                let stale = {
                    let mut r = rows.borrow_mut();
                    // The timeline's own scrolling (to the newest message) says nothing of
                    // where the person wants to be, even if rows grew in the meantime.
                    let own = r
                        .own_scroll
                        .take()
                        .is_some_and(|own| (own - top).abs() < 2.0);
                    if !own {
                        r.at_bottom = top + height >= f64::from(el.scroll_height()) - BOTTOM_SLACK;
                    }
                    // Rendered again only when the view nears the edge of the rendered rows:
                    // scrolling within them is the browser's work alone.
                    let stale =
                        top < r.covered.0 || top + height > r.covered.1 || height != r.view.1;
                    r.view = (top, height);
                    stale
                };
                if stale {
                    redraw.force_update();
                }
                if top < LOAD_AHEAD {
                    load_older.emit(());
                }
            }
        })
    };
    {
        // After each render: measure the rows on screen (correcting the scroll for rows above
        // the view whose real height differs from the estimate), put older history in above
        // without moving what is seen, and keep the newest message or the focused one in view.
        let (list, rows, latest_view, focus, redraw) = (
            list.clone(),
            rows.clone(),
            props.latest.clone(),
            props.focus.clone(),
            redraw.clone(),
        );
        let (above_ref, below_ref) = (above_ref.clone(), below_ref.clone());
        use_effect(move || {
            let Some(el) = list.cast::<web_sys::Element>() else {
                return;
            };
            let latest = &latest_view.0.messages;
            let effect_started = time::now_ms() as f64;
            // Dropped after `r` (declared before it): the effect's time is added at its end.
            let _timing = Timing(rows.clone(), effect_started);
            let mut r = rows.borrow_mut();
            r.commit_ms += effect_started - r.built_at;
            for (spacer, height) in [(&above_ref, r.spacers.0), (&below_ref, r.spacers.1)] {
                if let Some(spacer) = spacer.cast::<web_sys::HtmlElement>() {
                    let _ = spacer
                        .style()
                        .set_property("height", &format!("{height:.0}px"));
                }
            }
            let top = f64::from(el.scroll_top());
            let mut shift = std::mem::take(&mut r.shift);
            if let Ok(rendered) = el.query_selector_all("[data-row]") {
                let container_top = el.get_bounding_client_rect().top();
                for k in 0..rendered.length() {
                    let Some(node) = rendered.item(k) else {
                        continue;
                    };
                    let Ok(row) = node.dyn_into::<web_sys::Element>() else {
                        continue;
                    };
                    let Some(i) = row
                        .get_attribute("data-row")
                        .and_then(|v| v.parse::<usize>().ok())
                    else {
                        continue;
                    };
                    if i >= r.len(latest) {
                        continue;
                    }
                    // Older rows do not change once measured; the latest may (edits, sending).
                    if i < r.older.len() && r.height(latest, i) != ESTIMATE {
                        continue;
                    }
                    let rect = row.get_bounding_client_rect();
                    let measured = rect.height();
                    let before = r.height(latest, i);
                    if (measured - before).abs() > 0.5 {
                        r.set_height(latest, i, measured as f32);
                        // A row above the view changed size: keep the view where it was.
                        if rect.bottom() - container_top <= 0.0 {
                            shift += measured - before;
                        }
                    }
                }
            }
            let target = focus
                .as_ref()
                .filter(|f| r.focused.as_ref() != Some(*f))
                .cloned();
            if let Some(mid) = target {
                let n = r.len(latest);
                if let Some(i) = (0..n).find(|&i| r.row(latest, i).mid == mid) {
                    let height = f64::from(el.client_height());
                    let y = r.offsets(latest)[i] - height / 3.0;
                    r.focused = Some(mid);
                    r.at_bottom = false;
                    el.set_scroll_top(y.max(0.0) as i32);
                    r.view = (y.max(0.0), height);
                    redraw.force_update();
                    return;
                }
            }
            if r.at_bottom && focus.is_none() {
                el.set_scroll_top(el.scroll_height());
                r.own_scroll = Some(f64::from(el.scroll_top()));
            } else if shift.abs() > 0.5 {
                el.set_scroll_top((top + shift).round() as i32);
                r.view.0 = f64::from(el.scroll_top());
            }
        });
    }
    {
        let mut r = rows.borrow_mut();
        let top = r.view.0;
        r.apply(latest, &props.older_changes, top);
    }
    if latest.is_empty() && rows.borrow().older.is_empty() {
        return html! { <div class="timeline empty" ref={list}><p class="muted">{ t(props.lang, Key::NoMessagesYet) }</p></div> };
    }
    let now = time::now_ms();
    let mut r = rows.borrow_mut();
    let n = r.len(latest);
    let (first, last, above, below) = if n <= RENDER_ALL {
        (0, n, 0.0, 0.0)
    } else {
        let (top, height) = (r.view.0 + r.shift, r.view.1);
        let offsets = r.offsets(latest);
        let first = offsets[1..]
            .partition_point(|&end| end < top - OVERSCAN)
            .min(n);
        let last = offsets
            .partition_point(|&start| start < top + height + OVERSCAN)
            .clamp(first, n);
        (first, last, offsets[first], offsets[n] - offsets[last])
    };
    r.spacers = (above, below);
    r.covered = if n <= RENDER_ALL {
        (f64::NEG_INFINITY, f64::INFINITY)
    } else {
        let offsets = r.offsets(latest);
        let margin = OVERSCAN / 3.0;
        (
            if first == 0 {
                f64::NEG_INFINITY
            } else {
                offsets[first] + margin
            },
            if last == n {
                f64::INFINITY
            } else {
                offsets[last] - margin
            },
        )
    };
    let mut out = Vec::with_capacity(last - first + 2);
    out.push(html! { <div class="tl-spacer" key="above" ref={above_ref.clone()} /> });
    for i in first..last {
        let m = r.row(latest, i);
        let separator =
            i == 0 || time::day_of(r.row(latest, i - 1).timestamp) != time::day_of(m.timestamp);
        out.push(html! {
            <div class="tl-row" key={m.mid.clone()} data-row={i.to_string()}>
                if separator {
                    <div class="day-separator"><span>{ time::day_label(props.lang, m.timestamp, now) }</span></div>
                }
                { message(props, latest, m, &confirming, &reporting, flags.get(&m.mid).map(String::as_str)) }
            </div>
        });
    }
    out.push(html! { <div class="tl-spacer" key="below" ref={below_ref.clone()} /> });
    let (pages, page_ms) = (r.pages, r.page_ms);
    let timing = format!(
        "{} {:.0} {:.0} {:.0}",
        r.renders, r.build_ms, r.commit_ms, r.effect_ms
    );
    r.renders += 1;
    r.built_at = time::now_ms() as f64;
    r.build_ms += r.built_at - build_started;
    drop(r);
    html! {
        <div class="timeline" ref={list} data-testid="timeline" onscroll={on_scroll}
            data-rows={n.to_string()} data-pages={pages.to_string()} data-page-ms={format!("{page_ms:.0}")}
            data-timing={timing}>
            { for out }
        </div>
    }
}

/// Adds the time from its start to its drop to the effect's total (whichever way the effect
/// returns).
struct Timing(Rc<std::cell::RefCell<Rows>>, f64);

impl Drop for Timing {
    fn drop(&mut self) {
        if let Ok(mut r) = self.0.try_borrow_mut() {
            r.effect_ms += time::now_ms() as f64 - self.1;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use parta_model::view::ChatView;

    use super::message::size_label;
    use super::*;
    use crate::i18n::Lang;
    use crate::state::OlderChanges;

    fn message(delivery: Delivery) -> MessageView {
        MessageView {
            mid: "local.1".into(),
            chat_id: 1,
            seq: 0,
            sender_id: Some(2),
            sender_name: String::new(),
            sender_via_max: false,
            text: "Не туда".into(),
            timestamp: 1_763_900_000_000,
            is_own: true,
            delivery,
            attachments: Vec::new(),
            reply_to: None,
            markup: Vec::new(),
            max_state: None,
            silent_until: None,
        }
    }

    async fn render(delivery: Delivery) -> String {
        let chat = parta_model::view::ChatSummary {
            chat_id: 1,
            title: "5А".into(),
            participants_count: 2,
            last_event_time: 0,
            last_message: None,
            unread: 0,
        };
        let props = TimelineProps {
            latest: Latest(Rc::new(ChatView {
                chat,
                description: None,
                pinned: None,
                messages: vec![message(delivery)],
            })),
            older_changes: OlderChanges::default(),
            lang: Lang::Ru,
            on_retry: Callback::noop(),
            on_discard: Callback::noop(),
            on_edit: Callback::noop(),
            on_delete: Callback::noop(),
            focus: None,
            transfers: Vec::new(),
            on_reply: Callback::noop(),
            can_pin: false,
            pinned_mid: None,
            on_pin: Callback::noop(),
            on_write_privately: Callback::noop(),
        };
        yew::LocalServerRenderer::<Timeline>::with_props(props)
            .render()
            .await
    }

    #[tokio::test]
    async fn a_failed_message_shows_its_reason_and_offers_retry_and_delete() {
        let html = render(Delivery::Failed {
            reason: "You are not a member of this chat".into(),
        })
        .await;
        assert!(
            html.contains("Не отправлено: You are not a member"),
            "{html}"
        );
        assert!(
            html.contains("Повторить") && html.contains("Удалить"),
            "{html}"
        );
        assert!(html.contains("data-delivery=\"failed\""), "{html}");
    }

    fn numbered(n: i64) -> MessageView {
        MessageView {
            mid: format!("mid.{n}"),
            text: format!("№{n}"),
            timestamp: n * 1000,
            seq: n,
            is_own: false,
            delivery: Delivery::Sent,
            ..message(Delivery::Sent)
        }
    }

    #[test]
    fn edits_and_deletions_reach_the_history_loaded_by_scrolling_back() {
        // Loaded by scrolling back: №1–№5 (kept newest first); the latest page: №6–№7.
        let latest = vec![numbered(6), numbered(7)];
        let mut rows = Rows {
            older: (1..=5).rev().map(numbered).collect(),
            older_heights: vec![50.0; 5],
            ..Rows::default()
        };
        let mut edited = numbered(4);
        edited.text = "№4, исправлено".into();
        let changes = OlderChanges(Rc::new(HashMap::from([
            ("mid.4".to_owned(), Some(edited)),
            ("mid.2".to_owned(), None),
            // Not loaded here: nothing to do (a later page comes from the cache, changed).
            ("mid.999".to_owned(), None),
        ])));
        // The view's top is at 120 px: row №1 (0–50) lies wholly above it, №2 (50–100) too.
        rows.apply(&latest, &changes, 120.0);
        let shown: Vec<&str> = (0..rows.len(&latest))
            .map(|i| rows.row(&latest, i).text.as_str())
            .collect();
        assert_eq!(shown, ["№1", "№3", "№4, исправлено", "№5", "№6", "№7"]);
        assert_eq!(
            rows.shift, -50.0,
            "the deleted row above the view takes the view up"
        );
        // The edited row is measured again; the others keep their heights.
        assert_eq!(rows.older_heights, [50.0, 0.0, 50.0, 50.0]);
        // The same changes again (the same render, or another state change) do nothing more.
        rows.shift = 0.0;
        rows.apply(&latest, &changes, 120.0);
        assert_eq!(rows.older.len(), 4);
        assert_eq!(rows.shift, 0.0);
    }

    #[test]
    fn file_sizes_read_naturally_in_both_languages() {
        assert_eq!(size_label(Lang::Ru, 12_000), "12 КБ");
        assert_eq!(size_label(Lang::Ru, 3_500_000), "3,3 МБ");
        assert_eq!(size_label(Lang::En, 3_500_000), "3.3 MB");
    }

    #[tokio::test]
    async fn a_pending_message_says_it_will_go_out_and_offers_nothing_to_click() {
        let html = render(Delivery::Pending).await;
        assert!(html.contains("Отправится, когда появится связь"), "{html}");
        assert!(!html.contains("Повторить"), "{html}");
    }
}
