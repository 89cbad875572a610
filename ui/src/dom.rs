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
