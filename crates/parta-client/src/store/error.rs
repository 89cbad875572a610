//! The cache's own error: what the rest of the client core may learn of a failed statement,
//! whichever store is underneath (SQLite, or the in-memory one the tests use).

/// A statement, transaction or migration of the cache failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or failed (file, lock, constraint, I/O); details for the log.
    #[error("{0}")]
    Backend(Box<dyn std::error::Error + Send + Sync>),
    /// The cache's schema could not be brought up to date.
    #[error("migration: {0}")]
    Migration(Box<dyn std::error::Error + Send + Sync>),
    /// A stored value this code cannot read back.
    #[error("{0}")]
    Corrupt(String),
    /// The cache file does not open with the key in the keychain (the keychain was reset, or
    /// the file was copied from another account or computer).
    #[error("the cache cannot be read with this keychain's key")]
    WrongKey,
}

/// `Result` with a [`StoreError`].
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
