//! The few things the UI asks of the page itself: keys pressed anywhere in the window, focus,
//! the person's activity and what a form field holds.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

/// Calls `on_key` for every key pressed in the window while the component is shown.
#[hook]
pub fn use_window_keydown(on_key: impl Fn(web_sys::KeyboardEvent) + 'static) {
    use_effect_with((), move |_| {
        let listener = Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(on_key);
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ =
                w.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}

/// Puts the cursor into the element matching `selector` once the page has drawn what was
/// just dispatched (a frame later).
pub fn focus_soon(selector: &'static str) {
    let focus = Closure::once_into_js(move || {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(selector).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(focus.unchecked_ref(), 50);
    }
}

/// Calls `report` with `limit()` when someone presses a key, clicks, scrolls or moves the
/// mouse in the window: at once the first time and whenever `limit()` changed, otherwise at
/// most once a second. No timers: the webview's slow down while the window is covered.
#[hook]
pub fn use_activity<T: PartialEq + Copy + 'static>(limit: fn() -> T, report: impl Fn(T) + 'static) {
    use std::cell::Cell;
    use std::rc::Rc;
    use_effect_with((), move |_| {
        let sent: Rc<Cell<Option<(f64, T)>>> = Rc::new(Cell::new(None));
        let touch = {
            let sent = sent.clone();
            move || {
                let (now, value) = (js_sys::Date::now(), limit());
                let due = match sent.get() {
                    Some((at, last)) => last != value || now - at >= 1000.0,
                    None => true,
                };
                if due {
                    sent.set(Some((now, value)));
                    report(value);
                }
            }
        };
        touch();
        let touch = Closure::<dyn Fn()>::new(touch);
        let window = web_sys::window();
        const EVENTS: [&str; 5] = ["keydown", "mousedown", "mousemove", "wheel", "touchstart"];
        if let Some(w) = &window {
            for event in EVENTS {
                let _ = w.add_event_listener_with_callback(event, touch.as_ref().unchecked_ref());
            }
        }
        move || {
            if let Some(w) = window {
                for event in EVENTS {
                    let _ = w
                        .remove_event_listener_with_callback(event, touch.as_ref().unchecked_ref());
                }
            }
        }
    });
}

/// A callback that keeps what is typed into an `<input>` in `state`.
pub fn typed_into(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| state.set(value_of(&e)))
}

/// The value of an `<input>`, `<select>` or `<textarea>` from its change or input event.
pub fn value_of(e: &Event) -> String {
    e.target()
        .and_then(|t| {
            t.dyn_ref::<web_sys::HtmlInputElement>()
                .map(web_sys::HtmlInputElement::value)
                .or_else(|| {
                    t.dyn_ref::<web_sys::HtmlSelectElement>()
                        .map(web_sys::HtmlSelectElement::value)
                })
                .or_else(|| {
                    t.dyn_ref::<web_sys::HtmlTextAreaElement>()
                        .map(web_sys::HtmlTextAreaElement::value)
                })
        })
        .unwrap_or_default()
}
