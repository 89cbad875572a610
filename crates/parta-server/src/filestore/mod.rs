//! Where uploaded bytes live. Behind a trait so that S3-compatible storage can follow the local
//! disk; keys are server-made random ids, never names from a request, so no path from outside
//! ever reaches the file system.

use async_trait::async_trait;

mod local;

pub use local::LocalFileStore;

/// A store of byte blobs by key.
#[async_trait]
pub trait FileStore: Send + Sync + 'static {
    /// Appends `bytes` to the blob `key` (creating it), and makes them durable.
    async fn append(&self, key: &str, bytes: &[u8]) -> std::io::Result<()>;
    /// Cuts the blob back to `len` bytes (a chunk that failed half-way is dropped).
    async fn truncate(&self, key: &str, len: u64) -> std::io::Result<()>;
    /// The blob's length (0 if it does not exist).
    async fn len(&self, key: &str) -> std::io::Result<u64>;
    /// Up to `max` bytes from `offset`.
    async fn read(&self, key: &str, offset: u64, max: usize) -> std::io::Result<Vec<u8>>;
    /// Deletes the blob (nothing if it does not exist).
    async fn remove(&self, key: &str) -> std::io::Result<()>;
}
