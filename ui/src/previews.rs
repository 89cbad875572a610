//! Image previews drawn lately, kept in the page so that a row scrolled back into view, or a
//! chat opened again, shows its image without asking the shell to read and encode it again.
//! Dropped whenever what is shown stops being the same person's (`AppState::shown`).

use std::rc::Rc;

/// Previews drawn lately, newest last: a row scrolled out of the rendered window and back, or a
/// chat opened again, shows its image without asking the shell to read and encode it again.
const PREVIEWS_KEPT: usize = 24;

thread_local! {
    static PREVIEWS: std::cell::RefCell<std::collections::VecDeque<(String, Rc<str>)>> =
        const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
}

/// Drops every kept preview: the app locked, or another profile (or none) came in front.
pub fn forget() {
    PREVIEWS.with(|p| p.borrow_mut().clear());
}

pub fn cached(token: &str) -> Option<Rc<str>> {
    PREVIEWS.with(|p| {
        p.borrow()
            .iter()
            .find(|(t, _)| t == token)
            .map(|(_, url)| url.clone())
    })
}

pub fn keep(token: String, url: Rc<str>) {
    PREVIEWS.with(|p| {
        let mut p = p.borrow_mut();
        p.retain(|(t, _)| *t != token);
        if p.len() >= PREVIEWS_KEPT {
            p.pop_front();
        }
        p.push_back((token, url));
    });
}
