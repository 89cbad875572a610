//! A moving school's files into the object store: each upload's bytes from the `.files/`
//! folder beside the SQLite file, appended and sealed as any node would, then read back and
//! compared by SHA-256. An upload still arriving is carried as far as it got, and the store's
//! record of it goes into its row, so the client resumes where it was. Refuses a bucket that
//! already holds any of these files.

use std::path::Path;

use sha2::{Digest, Sha256};
use sqlx::SqlitePool;
use tokio::io::AsyncReadExt;

use crate::filestore::{FileStore, S3_PART, S3FileStore, Staged};
use crate::store::{Result, StoreError};

/// What was copied into the object store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilesMoved {
    /// Finished files, sealed and checked.
    pub files: u64,
    /// Uploads still arriving, carried as far as they got.
    pub partial: u64,
    /// Bytes copied in all.
    pub bytes: u64,
    /// Each partial upload's id and the store's record of it, for its row.
    pub staged: Vec<(String, Option<String>)>,
    /// Everything copied, to remove again if the rows cannot follow.
    pub(super) copied: Vec<(String, Staged)>,
}

fn failed(id: &str, what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("file of upload {id}: {what}: {e}"))
}

/// Copies the files of the uploads in `sqlite` from `dir` into `s3`. On a failure what was
/// copied is removed again.
pub(super) async fn copy_files(
    sqlite: &SqlitePool,
    dir: &Path,
    s3: &S3FileStore,
) -> Result<FilesMoved> {
    let uploads: Vec<(String, i64, Option<i64>)> =
        sqlx::query_as("SELECT id, received, completed_at FROM uploads ORDER BY rowid")
            .fetch_all(sqlite)
            .await?;
    for (id, _, _) in &uploads {
        let taken = s3
            .sealed_len(id)
            .await
            .map_err(|e| failed(id, "object store", e))?;
        if taken.is_some()
            || !s3
                .staging_objects(id)
                .await
                .map_err(|e| failed(id, "object store", e))?
                .is_empty()
        {
            return Err(StoreError::Corrupt(format!(
                "the object store already holds the file of upload {id}: nothing was copied; \
                 migrate into an empty bucket"
            )));
        }
    }
    let mut moved = FilesMoved::default();
    for (id, received, completed_at) in &uploads {
        let received = u64::try_from(*received).unwrap_or(0);
        let result = copy_one(dir, s3, id, received, completed_at.is_some()).await;
        match result {
            Ok(None) => {}
            Ok(Some(staged)) => {
                moved.bytes += staged.len;
                if completed_at.is_some() {
                    moved.files += 1;
                } else {
                    moved.partial += 1;
                    moved.staged.push((id.clone(), staged.state.clone()));
                }
                moved.copied.push((id.clone(), staged));
            }
            Err(e) => {
                remove_copied(s3, &moved.copied).await;
                let _ = s3.remove(id, None).await;
                return Err(e);
            }
        }
    }
    Ok(moved)
}

/// Removes what was copied (a failed migration leaves the bucket as it found it, as far as it
/// can).
pub(super) async fn remove_copied(s3: &S3FileStore, copied: &[(String, Staged)]) {
    for (id, staged) in copied {
        if let Err(e) = s3.remove(id, Some(staged)).await {
            tracing::warn!(upload = %id, error = %e, "a copied file stays in the object store");
        }
    }
}

/// Copies one upload's first `received` bytes; seals and checks them when the upload is
/// complete. `None` when there was nothing to copy.
async fn copy_one(
    dir: &Path,
    s3: &S3FileStore,
    id: &str,
    received: u64,
    complete: bool,
) -> Result<Option<Staged>> {
    let path = dir.join(crate::filestore::checked_key(id).map_err(|e| failed(id, "id", e))?);
    let mut file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && received == 0 && !complete => {
            return Ok(None);
        }
        Err(e) => return Err(failed(id, &path.display().to_string(), e)),
    };
    let mut staged = Staged::empty();
    let mut hash = Sha256::new();
    let mut piece = vec![0u8; S3_PART];
    while staged.len < received {
        let want = usize::try_from((received - staged.len).min(S3_PART as u64)).unwrap_or(S3_PART);
        file.read_exact(&mut piece[..want])
            .await
            .map_err(|e| failed(id, &format!("reading byte {}", staged.len), e))?;
        hash.update(&piece[..want]);
        staged = s3
            .append(id, &staged, &piece[..want])
            .await
            .map_err(|e| failed(id, "object store", e))?;
    }
    if complete {
        s3.seal(id, &staged)
            .await
            .map_err(|e| failed(id, "sealing", e))?;
        let mut back = Sha256::new();
        let mut at = 0;
        loop {
            let bytes = s3
                .read(id, at, S3_PART)
                .await
                .map_err(|e| failed(id, "reading back", e))?;
            if bytes.is_empty() {
                break;
            }
            at += bytes.len() as u64;
            back.update(&bytes);
        }
        let (sent, kept) = (hex::encode(hash.finalize()), hex::encode(back.finalize()));
        if at != received || sent != kept {
            return Err(failed(
                id,
                "read back",
                format!("{at} bytes with SHA-256 {kept}, copied {received} with {sent}"),
            ));
        }
    }
    Ok(Some(staged))
}
