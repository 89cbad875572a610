//! Where uploaded bytes live: the local disk for one school, an S3-compatible object store for
//! a region's nodes. Keys are server-made random ids, never names from a request, so no path
//! from outside ever reaches a file system or a bucket.
//!
//! A blob is written by appends and then sealed. What a store needs to take the next append (a
//! length; for S3 the multipart upload and its parts) is a [`Staged`] that the server keeps in
//! the upload's row, beside the bytes received: whichever node gets the next chunk goes on
//! from there, and an append that died half-way is simply not in it.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

mod local;
mod s3;
pub mod settings;

pub use local::LocalFileStore;
pub use s3::{PART as S3_PART, S3Config, S3FileStore};

/// Where a blob being written stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staged {
    /// Bytes appended so far.
    pub len: u64,
    /// What the store needs besides (its own format; `None` for the local disk).
    pub state: Option<String>,
}

impl Staged {
    /// A blob with nothing written yet.
    pub fn empty() -> Self {
        Self::default()
    }
}

/// A store of byte blobs by key.
#[async_trait]
pub trait FileStore: Send + Sync + 'static {
    /// How many bytes the server gathers before an append (a store that writes whole parts
    /// wants them whole; the last append of a chunk may be shorter).
    fn batch(&self) -> usize;

    /// Appends `bytes` to the blob `key` as `staged` has it (anything written past it, by an
    /// append whose chunk was never recorded, is not part of the blob) and makes them durable.
    /// Where the blob stands now.
    async fn append(&self, key: &str, staged: &Staged, bytes: &[u8]) -> std::io::Result<Staged>;

    /// Lets go of what `before` held that `now` does not (an S3 store's superseded staging
    /// object), once `now` is recorded.
    async fn forget(&self, key: &str, before: &Staged, now: &Staged) -> std::io::Result<()>;

    /// Makes a blob whose bytes have all been appended readable as one. Sealing a sealed blob
    /// again is harmless.
    async fn seal(&self, key: &str, staged: &Staged) -> std::io::Result<()>;

    /// Appends `last`, the blob's final bytes, and seals it: a store that can skip staging
    /// them (an object store writing the last part straight away) does.
    async fn seal_with(&self, key: &str, staged: &Staged, last: &[u8]) -> std::io::Result<()> {
        if last.is_empty() {
            return self.seal(key, staged).await;
        }
        let staged = self.append(key, staged, last).await?;
        self.seal(key, &staged).await
    }

    /// Up to `max` bytes from `offset` of a sealed blob (fewer at its end).
    async fn read(&self, key: &str, offset: u64, max: usize) -> std::io::Result<Vec<u8>>;

    /// Deletes the blob, sealed or still being written as `staged` has it (nothing if it does
    /// not exist).
    async fn remove(&self, key: &str, staged: Option<&Staged>) -> std::io::Result<()>;
}

/// Refuses a key that is not a server-made hex id: anything else is a bug, refused loudly.
pub fn checked_key(key: &str) -> std::io::Result<&str> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "file store keys are hex ids",
        ));
    }
    Ok(key)
}
