//! «Проверить камеру и звук» (procedure 7.1: a working camera, microphone and speakers, before a
//! lesson): the camera's picture, the microphone's level as one speaks, and a test sound, with a
//! plain sentence for each device that is missing or refused. Nothing leaves the computer; the
//! devices are let go when the check closes.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AnalyserNode, AudioContext, HtmlVideoElement, MediaStream, MediaStreamConstraints};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::lessons::{L, tl};

/// How one device came out of the check.
#[derive(Clone, PartialEq)]
enum Device {
    Asking,
    Working,
    /// Why not, as a sentence.
    Failed(&'static str),
}

#[derive(Properties, PartialEq)]
pub struct MediaCheckProps {
    pub lang: Lang,
}

/// Asks for one kind of device; the stream, or the sentence for why not.
async fn ask(lang: Lang, video: bool) -> Result<MediaStream, &'static str> {
    let devices = web_sys::window()
        .and_then(|w| w.navigator().media_devices().ok())
        .ok_or(tl(lang, L::MediaUnavailable))?;
    // Where the system has no such device, say so at once (WebKit may otherwise keep the
    // request waiting).
    let wanted = if video {
        web_sys::MediaDeviceKind::Videoinput
    } else {
        web_sys::MediaDeviceKind::Audioinput
    };
    let listed = match devices.enumerate_devices() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    if let Some(list) = listed.and_then(|l| l.dyn_into::<js_sys::Array>().ok()) {
        let present = list.iter().any(|d| {
            d.dyn_into::<web_sys::MediaDeviceInfo>()
                .is_ok_and(|d| d.kind() == wanted)
        });
        if !present {
            return Err(tl(lang, if video { L::NoCamera } else { L::NoMicrophone }));
        }
    }
    let constraints = MediaStreamConstraints::new();
    if video {
        constraints.set_video(&true.into());
    } else {
        constraints.set_audio(&true.into());
    }
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|_| tl(lang, L::MediaUnavailable))?;
    match JsFuture::from(promise).await {
        Ok(stream) => stream
            .dyn_into::<MediaStream>()
            .map_err(|_| tl(lang, L::MediaUnavailable)),
        Err(error) => {
            let name = error
                .dyn_ref::<web_sys::DomException>()
                .map(web_sys::DomException::name)
                .unwrap_or_default();
            Err(match (name.as_str(), video) {
                ("NotFoundError" | "OverconstrainedError", true) => tl(lang, L::NoCamera),
                ("NotFoundError" | "OverconstrainedError", false) => tl(lang, L::NoMicrophone),
                ("NotAllowedError" | "SecurityError", true) => tl(lang, L::CameraRefused),
                ("NotAllowedError" | "SecurityError", false) => tl(lang, L::MicrophoneRefused),
                ("NotReadableError", true) => tl(lang, L::CameraBusy),
                ("NotReadableError", false) => tl(lang, L::MicrophoneBusy),
                _ => tl(lang, L::MediaUnavailable),
            })
        }
    }
}

/// Stops every track of `stream` (the camera's light goes off).
fn release(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// The loudest sample of the analyser's last window, 0 to 100.
fn level(analyser: &AnalyserNode) -> u32 {
    let mut samples = vec![128u8; analyser.fft_size() as usize];
    analyser.get_byte_time_domain_data(&mut samples);
    let peak = samples
        .iter()
        .map(|s| (i32::from(*s) - 128).unsigned_abs())
        .max()
        .unwrap_or(0);
    (peak * 100 / 128).min(100)
}

/// A short 440 Hz tone through the speakers.
fn play_tone() -> Result<(), wasm_bindgen::JsValue> {
    let audio = AudioContext::new()?;
    let tone = audio.create_oscillator()?;
    tone.frequency().set_value(440.0);
    tone.connect_with_audio_node(&audio.destination())?;
    tone.start()?;
    tone.stop_with_when(audio.current_time() + 0.6)?;
    Ok(())
}

#[function_component(MediaCheck)]
pub fn media_check(props: &MediaCheckProps) -> Html {
    let lang = props.lang;
    let camera = use_state(|| Device::Asking);
    let microphone = use_state(|| Device::Asking);
    let loudness = use_state(|| 0u32);
    let played = use_state(|| None::<bool>);
    let video = use_node_ref();
    {
        let (camera, microphone, loudness, video) = (
            camera.clone(),
            microphone.clone(),
            loudness.clone(),
            video.clone(),
        );
        use_effect_with((), move |_| {
            let alive = Rc::new(Cell::new(true));
            let streams: Rc<std::cell::RefCell<Vec<MediaStream>>> = Rc::default();
            {
                let (alive, streams) = (alive.clone(), streams.clone());
                spawn_local(async move {
                    match ask(lang, true).await {
                        Ok(stream) => {
                            if let Some(el) = video.cast::<HtmlVideoElement>() {
                                el.set_src_object(Some(&stream));
                                let _ = el.play();
                            }
                            streams.borrow_mut().push(stream);
                            camera.set(Device::Working);
                        }
                        Err(why) => camera.set(Device::Failed(why)),
                    }
                    match ask(lang, false).await {
                        Ok(stream) => {
                            microphone.set(Device::Working);
                            let analyser = AudioContext::new().ok().and_then(|audio| {
                                let source = audio.create_media_stream_source(&stream).ok()?;
                                let analyser = audio.create_analyser().ok()?;
                                source.connect_with_audio_node(&analyser).ok()?;
                                Some((audio, analyser))
                            });
                            streams.borrow_mut().push(stream);
                            // The level, ten times a second, while the check is open.
                            if let Some((_audio, analyser)) = analyser {
                                while alive.get() {
                                    loudness.set(level(&analyser));
                                    yew::platform::time::sleep(std::time::Duration::from_millis(
                                        100,
                                    ))
                                    .await;
                                }
                            }
                        }
                        Err(why) => microphone.set(Device::Failed(why)),
                    }
                    if !alive.get() {
                        for stream in streams.borrow().iter() {
                            release(stream);
                        }
                    }
                });
            }
            move || {
                alive.set(false);
                for stream in streams.borrow().iter() {
                    release(stream);
                }
            }
        });
    }
    let on_play = {
        let played = played.clone();
        Callback::from(move |_: MouseEvent| played.set(Some(play_tone().is_ok())))
    };
    let state = |device: &Device, working: L, testid: &'static str| match device {
        Device::Asking => html! { <span class="muted">{ tl(lang, L::MediaAsking) }</span> },
        Device::Working => {
            html! { <span class="ok" data-testid={testid} data-state="working">{ "✓ " }{ tl(lang, working) }</span> }
        }
        Device::Failed(why) => {
            html! { <span class="form-error" data-testid={testid} data-state="failed">{ *why }</span> }
        }
    };
    html! {
        <section class="media-check" data-testid="media-check-panel" aria-label={tl(lang, L::CheckMedia)}>
            <video ref={video} class="media-preview" data-testid="media-video" autoplay=true muted=true playsinline=true />
            <div class="media-rows">
                <div>{ state(&camera, L::CameraWorks, "media-camera") }</div>
                <div>
                    { state(&microphone, L::MicrophoneWorks, "media-microphone") }
                    if *microphone == Device::Working {
                        <meter class="mic-level" data-testid="mic-level" min="0" max="100"
                            value={loudness.to_string()} aria-label={tl(lang, L::MicrophoneWorks)} />
                    }
                </div>
                <div>
                    <button class="secondary small" data-testid="play-test-sound" onclick={on_play}>{ tl(lang, L::PlaySound) }</button>
                    { match *played {
                        Some(true) => html! { <span class="muted" data-testid="sound-played">{ " " }{ tl(lang, L::SoundPlayed) }</span> },
                        Some(false) => html! { <span class="form-error" data-testid="sound-failed">{ " " }{ tl(lang, L::NoSpeakers) }</span> },
                        None => html! {},
                    } }
                </div>
            </div>
        </section>
    }
}
