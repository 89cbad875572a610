//! The store's own error: what a domain module may learn of a failed statement, whatever the
//! database underneath (as matrix-rust-sdk's `StoreError`).

/// A statement, transaction or migration of the store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or failed (connection, constraint, I/O, busy); details for the log.
    #[error("database: {0}")]
    Backend(Box<dyn std::error::Error + Send + Sync>),
    /// The schema could not be brought up to date.
    #[error("migration: {0}")]
    Migration(Box<dyn std::error::Error + Send + Sync>),
    /// A stored value this code cannot read back (an unknown role name, a malformed column).
    #[error("stored data: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Wraps a backend's error.
    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Backend(Box::new(error))
    }
}

/// `Result` with a [`StoreError`].
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::backend(error)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migration(Box::new(error))
    }
}
