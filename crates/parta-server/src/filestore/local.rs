//! Blobs as files in one folder on this machine's disk.

use std::path::PathBuf;

use async_trait::async_trait;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::{FileStore, Staged, checked_key};

/// Bytes gathered before one write and `fsync`.
const BATCH: usize = 1024 * 1024;

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

    /// The file that holds `key`.
    pub fn path(&self, key: &str) -> std::io::Result<PathBuf> {
        Ok(self.dir.join(checked_key(key)?))
    }
}

#[async_trait]
impl FileStore for LocalFileStore {
    fn batch(&self) -> usize {
        BATCH
    }

    async fn append(&self, key: &str, staged: &Staged, bytes: &[u8]) -> std::io::Result<Staged> {
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(false)
            .open(self.path(key)?)
            .await?;
        let on_disk = file.metadata().await?.len();
        if on_disk < staged.len {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!(
                    "the file store holds {on_disk} bytes of an upload recorded at {}",
                    staged.len
                ),
            ));
        }
        if on_disk > staged.len {
            // An append whose chunk was never recorded: not part of the blob.
            file.set_len(staged.len).await?;
        }
        file.seek(std::io::SeekFrom::Start(staged.len)).await?;
        file.write_all(bytes).await?;
        file.sync_data().await?;
        Ok(Staged {
            len: staged.len + bytes.len() as u64,
            state: None,
        })
    }

    async fn forget(&self, _key: &str, _before: &Staged, _now: &Staged) -> std::io::Result<()> {
        Ok(())
    }

    async fn seal(&self, key: &str, staged: &Staged) -> std::io::Result<()> {
        let path = self.path(key)?;
        let file = tokio::fs::OpenOptions::new().write(true).open(&path).await;
        match file {
            Ok(file) if file.metadata().await?.len() > staged.len => {
                file.set_len(staged.len).await?;
                file.sync_data().await
            }
            Ok(_) => Ok(()),
            // An empty blob was never written.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && staged.len == 0 => {
                tokio::fs::File::create(&path).await.map(|_| ())
            }
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

    async fn remove(&self, key: &str, _staged: Option<&Staged>) -> std::io::Result<()> {
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
    async fn appends_read_back_in_order_and_an_unrecorded_append_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalFileStore::new(dir.path().join("files")).unwrap();
        let one = store
            .append("ab12", &Staged::empty(), b"hello ")
            .await
            .unwrap();
        let two = store.append("ab12", &one, b"world").await.unwrap();
        assert_eq!(two.len, 11);
        store.seal("ab12", &two).await.unwrap();
        assert_eq!(store.read("ab12", 6, 100).await.unwrap(), b"world");
        // `two` was never recorded: the next append goes on from `one`.
        let again = store.append("ab12", &one, b"there").await.unwrap();
        store.seal("ab12", &again).await.unwrap();
        assert_eq!(store.read("ab12", 0, 100).await.unwrap(), b"hello there");
        store.remove("ab12", None).await.unwrap();
        assert!(store.read("ab12", 0, 1).await.is_err());
    }

    #[tokio::test]
    async fn a_store_that_lost_recorded_bytes_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalFileStore::new(dir.path().join("files")).unwrap();
        let recorded = Staged {
            len: 10,
            state: None,
        };
        let e = store.append("cd34", &recorded, b"x").await.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof);
    }

    #[tokio::test]
    async fn keys_that_are_not_hex_ids_never_reach_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalFileStore::new(dir.path().join("files")).unwrap();
        for key in ["../etc/passwd", "a/b", "", "..", "x.txt"] {
            assert!(
                store.append(key, &Staged::empty(), b"x").await.is_err(),
                "{key}"
            );
        }
    }
}
