//! The few things the UI asks of the page itself: settings kept in `localStorage` and shown as
//! attributes of `<html>`, and keys pressed anywhere in the window.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

/// A setting kept on this computer.
pub fn stored(key: &str) -> Option<String> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(key).ok().flatten())
}

/// Keeps a setting on this computer and sets it as `attribute` of `<html>` (the stylesheet and
/// screen readers follow those).
pub fn remember(key: &str, value: &str, attribute: &str) {
    if let Some(window) = web_sys::window() {
        if let Some(storage) = window.local_storage().ok().flatten() {
            let _ = storage.set_item(key, value);
        }
        if let Some(root) = window.document().and_then(|d| d.document_element()) {
            let _ = root.set_attribute(attribute, value);
        }
    }
}

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

/// Calls `on_idle` about once a second while nobody has pressed a key, clicked, scrolled or
/// moved the mouse in the window for `idle_ms()` milliseconds (`None`: never idle).
#[hook]
pub fn use_idle(idle_ms: fn() -> Option<f64>, on_idle: impl Fn() + 'static) {
    use std::cell::Cell;
    use std::rc::Rc;
    use_effect_with((), move |_| {
        let last = Rc::new(Cell::new(js_sys::Date::now()));
        let alive = Rc::new(Cell::new(true));
        let touch = {
            let last = last.clone();
            Closure::<dyn Fn()>::new(move || last.set(js_sys::Date::now()))
        };
        let window = web_sys::window();
        const EVENTS: [&str; 5] = ["keydown", "mousedown", "mousemove", "wheel", "touchstart"];
        if let Some(w) = &window {
            for event in EVENTS {
                let _ = w.add_event_listener_with_callback(event, touch.as_ref().unchecked_ref());
            }
        }
        {
            let (last, alive) = (last.clone(), alive.clone());
            yew::platform::spawn_local(async move {
                while alive.get() {
                    yew::platform::time::sleep(std::time::Duration::from_secs(1)).await;
                    if let Some(limit) = idle_ms()
                        && js_sys::Date::now() - last.get() >= limit
                    {
                        on_idle();
                        last.set(js_sys::Date::now());
                    }
                }
            });
        }
        move || {
            alive.set(false);
            if let Some(w) = window {
                for event in EVENTS {
                    let _ = w
                        .remove_event_listener_with_callback(event, touch.as_ref().unchecked_ref());
                }
            }
        }
    });
}

/// The value of an `<input>` or `<select>` from its change or input event.
pub fn value_of(e: &Event) -> String {
    e.target()
        .and_then(|t| {
            t.dyn_ref::<web_sys::HtmlInputElement>()
                .map(web_sys::HtmlInputElement::value)
                .or_else(|| {
                    t.dyn_ref::<web_sys::HtmlSelectElement>()
                        .map(web_sys::HtmlSelectElement::value)
                })
        })
        .unwrap_or_default()
}
