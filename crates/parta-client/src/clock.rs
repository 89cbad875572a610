//! Time is passed in (as on the server), so what depends on it — drafts and read times, retry
//! schedules, whether a send time has passed — is testable without sleeping: the one `Clock`
//! of parta-model.

pub use parta_model::clock::{Clock, SystemClock};
