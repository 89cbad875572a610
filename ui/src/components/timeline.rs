//! The messages of the open chat, with date separators; keeps the newest in view, loads older
//! history as one scrolls back, and renders only the rows near the view once the history is
//! long (a chat of 100,000 messages scrolls as one of fifty: see docs/benchmarks.md).

use std::collections::HashMap;
use std::rc::Rc;

use parta_model::view::{ChatView, Delivery, MessageView};
use wasm_bindgen::JsCast;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::composer::{C, tc};
use crate::i18n::{Key, Lang, t};
use crate::state::OlderChanges;
use crate::time;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The open chat with its latest messages; older ones are loaded here as one scrolls back.
    pub latest: Latest,
    /// Edits and deletions of the older messages.
    #[prop_or_default]
    pub older_changes: OlderChanges,
    pub lang: Lang,
    /// Retry a failed message (by its local id).
    pub on_retry: Callback<String>,
    /// Delete a message that did not go out.
    pub on_discard: Callback<String>,
    /// A message to bring into view and highlight (opened from search) instead of the newest.
    #[prop_or_default]
    pub focus: Option<String>,
    /// Uploads under way: (message local id, done, total bytes).
    #[prop_or_default]
    pub transfers: Vec<(String, u64, u64)>,
    /// Answer a message.
    #[prop_or_default]
    pub on_reply: Callback<MessageView>,
    /// Change one's own message.
    #[prop_or_default]
    pub on_edit: Callback<MessageView>,
    /// Delete one's own message (asked twice).
    #[prop_or_default]
    pub on_delete: Callback<String>,
}

/// "12 КБ", "3,4 МБ".
fn size_label(lang: Lang, bytes: u64) -> String {
    let (kb, mb) = match lang {
        Lang::Ru => ("КБ", "МБ"),
        Lang::En => ("KB", "MB"),
    };
    if bytes < 1024 * 1024 {
        format!("{} {kb}", bytes.div_ceil(1024))
    } else {
        let tenths = bytes * 10 / (1024 * 1024);
        let text = format!("{}.{}", tenths / 10, tenths % 10);
        let text = if lang == Lang::Ru {
            text.replace('.', ",")
        } else {
            text
        };
        format!("{text} {mb}")
    }
}

/// The open chat's latest messages as the app state holds them, compared by identity: a
/// timeline of thousands of messages is not compared message by message on every render.
#[derive(Clone, Debug)]
pub struct Latest(pub Rc<ChatView>);

impl PartialEq for Latest {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A row's height before it has been measured, in CSS pixels.
const ESTIMATE: f64 = 76.0;
/// Rows rendered beyond the visible part, above and below, in CSS pixels.
const OVERSCAN: f64 = 900.0;
/// Up to this many rows everything is rendered; beyond, only the rows near the view.
const RENDER_ALL: usize = 120;
/// Messages asked for at a time when scrolling back.
const OLDER_PAGE: u32 = 100;
/// Older history is asked for when the view comes this close to the top.
const LOAD_AHEAD: f64 = 4000.0;
/// At the bottom (within this much), new messages keep the view at the bottom.
const BOTTOM_SLACK: f64 = 40.0;

/// What the timeline keeps between renders: the history loaded by scrolling back (newest
/// first, so a page is appended, not inserted), each row's measured height, and the offsets
/// of the rows (prefix sums, recomputed only when rows or heights change).
#[derive(Default)]
struct Rows {
    chat_id: i64,
    older: Vec<MessageView>,
    older_heights: Vec<f32>,
    latest_heights: HashMap<String, f32>,
    offsets: Vec<f64>,
    dirty: bool,
    loading: bool,
    exhausted: bool,
    /// Scroll by this much after the next render (older rows went in above the view). Until
    /// then the rows are chosen for the view as it will be, so the same rows stay rendered.
    shift: f64,
    /// (scroll top, visible height): what part of the history is on screen, as last seen.
    view: (f64, f64),
    /// Keep the newest message in view.
    at_bottom: bool,
    /// The focused message was brought into view.
    focused: Option<String>,
    /// Pages of older history fetched, and the milliseconds they took altogether (shown as
    /// data attributes for the scrolling benchmark).
    pages: u32,
    page_ms: f64,
    /// Where the timeline itself last scrolled to the newest message (its scroll event is not
    /// the person's).
    own_scroll: Option<f64>,
    /// The part of the history (in offsets) that the rendered rows cover with room to spare.
    covered: (f64, f64),
    /// The heights the spacers above and below the rendered rows stand for. Set through the
    /// CSS object model after each render: the strict CSP refuses `style` attributes.
    spacers: (f64, f64),
    /// The changes to older messages last applied.
    changes: OlderChanges,
    /// Renders, and the milliseconds spent building them, from the end of building to the
    /// effect (Yew's diff and the DOM changes), and in the effect (measuring rows forces the
    /// layout): shown as data attributes for the scrolling benchmark.
    renders: u32,
    build_ms: f64,
    commit_ms: f64,
    effect_ms: f64,
    built_at: f64,
}

impl Rows {
    fn len(&self, latest: &[MessageView]) -> usize {
        self.older.len() + latest.len()
    }

    fn row<'a>(&'a self, latest: &'a [MessageView], i: usize) -> &'a MessageView {
        if i < self.older.len() {
            &self.older[self.older.len() - 1 - i]
        } else {
            &latest[i - self.older.len()]
        }
    }

    fn height(&self, latest: &[MessageView], i: usize) -> f64 {
        let h = if i < self.older.len() {
            self.older_heights[self.older.len() - 1 - i]
        } else {
            self.latest_heights
                .get(&latest[i - self.older.len()].mid)
                .copied()
                .unwrap_or(0.0)
        };
        if h > 0.0 { f64::from(h) } else { ESTIMATE }
    }

    fn set_height(&mut self, latest: &[MessageView], i: usize, h: f32) {
        if i < self.older.len() {
            let at = self.older.len() - 1 - i;
            self.older_heights[at] = h;
        } else if let Some(m) = latest.get(i - self.older.len()) {
            self.latest_heights.insert(m.mid.clone(), h);
        }
        self.dirty = true;
    }

    /// Applies edits and deletions to the history loaded by scrolling back. An edited row is
    /// measured again; a deleted row above the view (`top`) moves the view up by its height,
    /// so what is on screen stays put.
    fn apply(&mut self, latest: &[MessageView], changes: &OlderChanges, top: f64) {
        if self.changes == *changes {
            return;
        }
        self.changes = changes.clone();
        if changes.0.is_empty() || self.older.is_empty() {
            return;
        }
        let mut at = 0;
        while at < self.older.len() {
            match changes.0.get(&self.older[at].mid) {
                Some(Some(edited)) => {
                    if self.older[at] != *edited {
                        self.older[at] = edited.clone();
                        self.older_heights[at] = 0.0;
                        self.dirty = true;
                    }
                    at += 1;
                }
                Some(None) => {
                    // Rows run oldest first on screen; `older` is newest first.
                    let row = self.older.len() - 1 - at;
                    let (start, height) = (self.offsets(latest)[row], self.height(latest, row));
                    if start + height <= top {
                        self.shift -= height;
                    }
                    self.older.remove(at);
                    self.older_heights.remove(at);
                    self.dirty = true;
                }
                None => at += 1,
            }
        }
    }

    /// The offsets of every row and the end, recomputed if anything changed.
    fn offsets(&mut self, latest: &[MessageView]) -> &[f64] {
        let n = self.len(latest);
        if self.dirty || self.offsets.len() != n + 1 {
            let mut offsets = Vec::with_capacity(n + 1);
            let mut at = 0.0;
            offsets.push(at);
            for i in 0..n {
                at += self.height(latest, i);
                offsets.push(at);
            }
            self.offsets = offsets;
            self.dirty = false;
        }
        &self.offsets
    }
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let list = use_node_ref();
    let (above_ref, below_ref) = (use_node_ref(), use_node_ref());
    // The message whose "delete" was pressed once: a second press deletes it.
    let confirming = use_state(|| None::<String>);
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
                { message(props, latest, m, &confirming) }
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

/// One message: sender, quote, text, attachments with progress, time or delivery state, and
/// what can be done with it.
fn message(
    props: &TimelineProps,
    latest: &[MessageView],
    m: &MessageView,
    confirming: &UseStateHandle<Option<String>>,
) -> Html {
    let (state, status) = match &m.delivery {
        Delivery::Sent => ("sent", time::clock(m.timestamp)),
        Delivery::Pending => ("pending", t(props.lang, Key::Sending).to_owned()),
        Delivery::Failed { reason } => (
            "failed",
            format!("{}: {reason}", t(props.lang, Key::NotSent)),
        ),
    };
    let focused = props.focus.as_deref() == Some(m.mid.as_str());
    let confirming = confirming.clone();
    let class = classes!(
        "message",
        m.is_own.then_some("own"),
        state,
        focused.then_some("focused")
    );
    html! {
        <div class={class} key={m.mid.clone()} data-testid="message" data-mid={m.mid.clone()} data-delivery={state}>
            if !m.is_own {
                <div class="sender">{ &m.sender_name }</div>
            }
            if let Some(quoted) = &m.reply_to {
                <div class="quote" data-testid="quote">
                    {
                        // A pending reply names only the id: the quoted message is here.
                        match latest.iter().find(|o| o.mid == quoted.mid) {
                            Some(original) if quoted.text.is_empty() => html! {
                                <><b>{ &original.sender_name }</b>{ " " }{ &original.text }</>
                            },
                            _ => html! { <><b>{ &quoted.sender_name }</b>{ " " }{ &quoted.text }</> },
                        }
                    }
                </div>
            }
            if !m.text.is_empty() {
                <div class="text">{ super::rich_text::rich_text(&m.text, &m.markup) }</div>
            }
            { for m.attachments.iter().map(|a| {
                let progress = props.transfers.iter().find(|(id, _, _)| *id == m.mid);
                let on_open = a.token.clone().map(|token| {
                    let name = a.name.clone();
                    Callback::from(move |_: MouseEvent| {
                        let (token, name) = (token.clone(), name.clone());
                        yew::platform::spawn_local(async move {
                            let _ = crate::services::api::open_attachment(&token, &name).await;
                        });
                    })
                });
                let preview = (a.kind == "image")
                    .then(|| a.token.clone())
                    .flatten()
                    .map(|token| html! { <ImagePreview token={token} name={a.name.clone()} /> });
                html! {
                    <>
                    if let Some(preview) = preview { { preview } }
                    <div class="attachment" data-testid="attachment">
                        if let Some(onclick) = on_open {
                            <button class="link open-file" data-testid="open-attachment" {onclick}
                                aria-label={a.name.clone()}>{ super::icons::download() }</button>
                        }
                        { super::icons::for_kind(&a.kind) }
                        <span class="name">{ &a.name }</span>
                        if let Some(size) = a.size {
                            <span class="size">{ size_label(props.lang, size) }</span>
                        }
                        if let Some((_, done, total)) = progress {
                            <progress max={total.to_string()} value={done.to_string()}
                                aria-label={a.name.clone()} />
                        }
                    </div>
                    </>
                }
            }) }
            <div class="time">{ status }</div>
            if m.delivery == Delivery::Sent {
                <div class="actions reply-actions">
                    <button class="link" data-testid="reply" onclick={{
                        let (cb, message) = (props.on_reply.clone(), m.clone());
                        Callback::from(move |_: MouseEvent| cb.emit(message.clone()))
                    }}>{ t(props.lang, Key::Reply) }</button>
                    if m.is_own {
                        <button class="link" data-testid="edit" onclick={{
                            let (cb, message) = (props.on_edit.clone(), m.clone());
                            Callback::from(move |_: MouseEvent| cb.emit(message.clone()))
                        }}>{ tc(props.lang, C::Edit) }</button>
                        if confirming.as_deref() == Some(m.mid.as_str()) {
                            <button class="link danger" data-testid="delete-confirm" onclick={{
                                let (cb, mid, confirming) = (props.on_delete.clone(), m.mid.clone(), confirming.clone());
                                Callback::from(move |_: MouseEvent| {
                                    confirming.set(None);
                                    cb.emit(mid.clone());
                                })
                            }}>{ tc(props.lang, C::ConfirmDelete) }</button>
                        } else {
                            <button class="link" data-testid="delete" onclick={{
                                let (mid, confirming) = (m.mid.clone(), confirming.clone());
                                Callback::from(move |_: MouseEvent| confirming.set(Some(mid.clone())))
                            }}>{ tc(props.lang, C::Delete) }</button>
                        }
                    }
                </div>
            }
            if matches!(m.delivery, Delivery::Failed { .. }) {
                <div class="actions">
                    <button class="link" data-testid="retry" onclick={{
                        let (cb, mid) = (props.on_retry.clone(), m.mid.clone());
                        Callback::from(move |_: MouseEvent| cb.emit(mid.clone()))
                    }}>{ t(props.lang, Key::Retry) }</button>
                    <button class="link" data-testid="discard" onclick={{
                        let (cb, mid) = (props.on_discard.clone(), m.mid.clone());
                        Callback::from(move |_: MouseEvent| cb.emit(mid.clone()))
                    }}>{ t(props.lang, Key::Discard) }</button>
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ImagePreviewProps {
    token: String,
    name: String,
}

/// An image attachment shown in the message: fetched once into the offline file cache by the
/// shell and given to the page as a `data:` URL; a box of fixed size holds its place
/// meanwhile, so the timeline's row heights do not jump. A click opens the full image.
#[function_component(ImagePreview)]
fn image_preview(props: &ImagePreviewProps) -> Html {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn message(delivery: Delivery) -> MessageView {
        MessageView {
            mid: "local.1".into(),
            chat_id: 1,
            seq: 0,
            sender_id: Some(2),
            sender_name: String::new(),
            text: "Не туда".into(),
            timestamp: 1_763_900_000_000,
            is_own: true,
            delivery,
            attachments: Vec::new(),
            reply_to: None,
            markup: Vec::new(),
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
