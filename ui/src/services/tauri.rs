//! Bindings to the Tauri globals (`app.withGlobalTauri`): `core.invoke` and `event.listen`.

use parta_model::commands::Command;
use parta_model::view::{UiError, UiErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], catch)]
    async fn listen(event: &str, handler: &Closure<dyn FnMut(JsValue)>)
    -> Result<JsValue, JsValue>;
}

fn internal(message: impl Into<String>) -> UiError {
    UiError::new(UiErrorCode::Internal, message.into())
}

/// Calls a shell command by name; its error arrives as a [`UiError`].
async fn call<A: Serialize, T: DeserializeOwned>(cmd: &str, args: &A) -> Result<T, UiError> {
    let args = serde_wasm_bindgen::to_value(args).map_err(|e| internal(e.to_string()))?;
    match invoke(cmd, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|e| internal(e.to_string())),
        Err(error) => Err(
            serde_wasm_bindgen::from_value(error.clone()).unwrap_or_else(|_| {
                internal(error.as_string().unwrap_or_else(|| format!("{error:?}")))
            }),
        ),
    }
}

/// Calls the shell command `C` with its arguments (sent under `args`, as the shell reads them).
pub async fn run<C: Command>(args: &C) -> Result<C::Reply, UiError> {
    #[derive(Serialize)]
    struct Envelope<'a, C> {
        args: &'a C,
    }
    call(C::NAME, &Envelope { args }).await
}

#[derive(serde::Deserialize)]
struct EventEnvelope<T> {
    payload: T,
}

/// Calls `handler` with each payload of `event` for the rest of the app's life.
pub async fn subscribe<T: DeserializeOwned + 'static>(
    event: &str,
    mut handler: impl FnMut(T) + 'static,
) {
    let closure = Closure::<dyn FnMut(JsValue)>::new(move |value: JsValue| {
        if let Ok(envelope) = serde_wasm_bindgen::from_value::<EventEnvelope<T>>(value) {
            handler(envelope.payload);
        }
    });
    if listen(event, &closure).await.is_ok() {
        // The listener lives as long as the page.
        closure.forget();
    }
}
