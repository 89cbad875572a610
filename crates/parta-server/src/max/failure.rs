//! Why the bridge stopped for now: MAX (away, slow, asking to wait) or the database. Either
//! way nothing is lost; the bridge tries again after a pause.

use crate::error::Error;

use super::api::MaxError;

/// Why relaying stopped for now.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// MAX is away, slow, or asks to wait: try again later, nothing is lost.
    #[error("{0}")]
    Max(#[from] MaxError),
    /// The database.
    #[error("{0}")]
    Store(#[from] Error),
}

impl From<crate::store::StoreError> for RelayError {
    fn from(e: crate::store::StoreError) -> Self {
        RelayError::Store(e.into())
    }
}
