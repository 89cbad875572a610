//! The real Parta window under Xvfb, driven through tauri-driver and WebKitWebDriver.
//! Needs DISPLAY, a D-Bus session with an unlocked keychain, and the built app:
//! scripts/test.sh provides all three.

mod demo;
