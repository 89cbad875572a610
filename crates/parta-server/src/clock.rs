//! Time is passed in, so expiry, scheduling and retries are testable without sleeping: the
//! one `Clock` of parta-model.

pub use parta_model::clock::{Clock, SystemClock};
