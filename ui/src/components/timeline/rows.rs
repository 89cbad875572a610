//! Which rows of a long history are rendered: measured heights, the spacers above and below,
//! and where the view is, kept so that inserting older messages above never moves it.

use std::collections::HashMap;

use parta_model::view::MessageView;

use crate::state::OlderChanges;

/// A row's height before it has been measured, in CSS pixels.
pub(super) const ESTIMATE: f64 = 76.0;
/// Rows rendered beyond the visible part, above and below, in CSS pixels.
pub(super) const OVERSCAN: f64 = 900.0;
/// Up to this many rows everything is rendered; beyond, only the rows near the view.
pub(super) const RENDER_ALL: usize = 120;
/// Messages asked for at a time when scrolling back.
pub(super) const OLDER_PAGE: u32 = 100;
/// Older history is asked for when the view comes this close to the top.
pub(super) const LOAD_AHEAD: f64 = 4000.0;
/// At the bottom (within this much), new messages keep the view at the bottom.
pub(super) const BOTTOM_SLACK: f64 = 40.0;

/// What the timeline keeps between renders: the history loaded by scrolling back (newest
/// first, so a page is appended, not inserted), each row's measured height, and the offsets
/// of the rows (prefix sums, recomputed only when rows or heights change).
#[derive(Default)]
pub(super) struct Rows {
    pub(super) chat_id: i64,
    pub(super) older: Vec<MessageView>,
    pub(super) older_heights: Vec<f32>,
    pub(super) latest_heights: HashMap<String, f32>,
    pub(super) offsets: Vec<f64>,
    pub(super) dirty: bool,
    pub(super) loading: bool,
    pub(super) exhausted: bool,
    /// Scroll by this much after the next render (older rows went in above the view). Until
    /// then the rows are chosen for the view as it will be, so the same rows stay rendered.
    pub(super) shift: f64,
    /// (scroll top, visible height): what part of the history is on screen, as last seen.
    pub(super) view: (f64, f64),
    /// Keep the newest message in view.
    pub(super) at_bottom: bool,
    /// The focused message was brought into view.
    pub(super) focused: Option<String>,
    /// Pages of older history fetched, and the milliseconds they took altogether (shown as
    /// data attributes for the scrolling benchmark).
    pub(super) pages: u32,
    pub(super) page_ms: f64,
    /// Where the timeline itself last scrolled to the newest message (its scroll event is not
    /// the person's).
    pub(super) own_scroll: Option<f64>,
    /// The part of the history (in offsets) that the rendered rows cover with room to spare.
    pub(super) covered: (f64, f64),
    /// The heights the spacers above and below the rendered rows stand for. Set through the
    /// CSS object model after each render: the strict CSP refuses `style` attributes.
    pub(super) spacers: (f64, f64),
    /// The changes to older messages last applied.
    pub(super) changes: OlderChanges,
    /// Renders, and the milliseconds spent building them, from the end of building to the
    /// effect (Yew's diff and the DOM changes), and in the effect (measuring rows forces the
    /// layout): shown as data attributes for the scrolling benchmark.
    pub(super) renders: u32,
    pub(super) build_ms: f64,
    pub(super) commit_ms: f64,
    pub(super) effect_ms: f64,
    pub(super) built_at: f64,
}

impl Rows {
    pub(super) fn len(&self, latest: &[MessageView]) -> usize {
        self.older.len() + latest.len()
    }

    pub(super) fn row<'a>(&'a self, latest: &'a [MessageView], i: usize) -> &'a MessageView {
        if i < self.older.len() {
            &self.older[self.older.len() - 1 - i]
        } else {
            &latest[i - self.older.len()]
        }
    }

    pub(super) fn height(&self, latest: &[MessageView], i: usize) -> f64 {
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

    pub(super) fn set_height(&mut self, latest: &[MessageView], i: usize, h: f32) {
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
    pub(super) fn apply(&mut self, latest: &[MessageView], changes: &OlderChanges, top: f64) {
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
    pub(super) fn offsets(&mut self, latest: &[MessageView]) -> &[f64] {
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
