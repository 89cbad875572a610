//! The `/school/*` extensions' wire types (Parta's own, beside MAX's in [`crate::max`]): roles,
//! classes, invites and join requests, restrictions, the structure bootstrap and the audit log.
//! The server speaks them, the client core and the app read them.

mod bodies;
mod bridge;
mod reports;
mod things;

pub use bodies::*;
pub use bridge::*;
pub use reports::*;
pub use things::*;
