//! Blobs as files in one folder on this machine's disk.

use std::path::PathBuf;

use async_trait::async_trait;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::FileStore;

/// Blobs as files in one folder.
#[derive(Debug, Clone)]
pub struct LocalFileStore {
    dir: PathBuf,
}

impl LocalFileStore {
    /// A store in `dir` (created if missing).
    pub fn new(dir: PathBuf) -> std::io::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        Ok(Self { dir })
    }

    fn path(&self, key: &str) -> std::io::Result<PathBuf> {
        // Keys are hex ids made by the server; anything else is a bug, refused loudly.
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "file store keys are hex ids",
            ));
        }
        Ok(self.dir.join(key))
    }
}

#[async_trait]
impl FileStore for LocalFileStore {
    async fn append(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.path(key)?)
            .await?;
        file.write_all(bytes).await?;
        file.sync_data().await
    }

    async fn truncate(&self, key: &str, len: u64) -> std::io::Result<()> {
        let path = self.path(key)?;
        match tokio::fs::OpenOptions::new().write(true).open(&path).await {
            Ok(file) => {
                file.set_len(len).await?;
                file.sync_data().await
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && len == 0 => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn len(&self, key: &str) -> std::io::Result<u64> {
        match tokio::fs::metadata(self.path(key)?).await {
            Ok(meta) => Ok(meta.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e),
        }
    }

    async fn read(&self, key: &str, offset: u64, max: usize) -> std::io::Result<Vec<u8>> {
        let mut file = tokio::fs::File::open(self.path(key)?).await?;
        file.seek(std::io::SeekFrom::Start(offset)).await?;
        let mut buf = Vec::with_capacity(max.min(1 << 20));
        file.take(max as u64).read_to_end(&mut buf).await?;
        Ok(buf)
    }

    async fn remove(&self, key: &str) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[tokio::test]
    async fn appended_chunks_read_back_in_order_and_truncate_drops_a_tail() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalFileStore::new(dir.path().join("files")).unwrap();
        store.append("ab12", b"hello ").await.unwrap();
        store.append("ab12", b"world").await.unwrap();
        assert_eq!(store.len("ab12").await.unwrap(), 11);
        assert_eq!(store.read("ab12", 6, 100).await.unwrap(), b"world");
        store.truncate("ab12", 5).await.unwrap();
        assert_eq!(store.read("ab12", 0, 100).await.unwrap(), b"hello");
        store.remove("ab12").await.unwrap();
        assert_eq!(store.len("ab12").await.unwrap(), 0);
    }

    #[tokio::test]
    async fn keys_that_are_not_hex_ids_never_reach_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalFileStore::new(dir.path().join("files")).unwrap();
        for key in ["../etc/passwd", "a/b", "", "..", "x.txt"] {
            assert!(store.append(key, b"x").await.is_err(), "{key}");
        }
    }
}
