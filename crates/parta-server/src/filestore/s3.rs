//! Blobs in an S3-compatible object store (Garage, MinIO, a cloud's S3), through `object_store`.
//!
//! A sealed blob is the object `files/<key>`. While it is written, its bytes are the parts of an
//! S3 multipart upload for that object, [`PART`] bytes each, followed by a staging object
//! `staging/<key>/<len>-<random>` holding the bytes after the last whole part (S3 parts cannot
//! be appended to, and all but the last must be at least 5 MiB). Sealing sends the staging bytes
//! as the last part and completes the upload (or, for a blob shorter than one part, puts it
//! whole), then deletes the staging objects.
//!
//! Part `n` always holds bytes `n·PART .. (n+1)·PART` of the blob, so an append that runs again
//! from an older [`Staged`] (its chunk never recorded, or received twice through two nodes)
//! writes the same bytes into the same part numbers: the older state stays true. Staging objects
//! that no recorded state names are deleted by `forget`, `seal` and `remove`; a multipart upload
//! left by a blob that was never sealed nor removed is for the bucket's lifecycle rule
//! (docs/scale.md).

use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::multipart::{MultipartStore, PartId};
use object_store::path::Path;
use object_store::{
    ClientOptions, GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig,
};
use serde::{Deserialize, Serialize};

use super::{FileStore, Staged, checked_key};

/// Bytes in each multipart part but the last (S3's smallest part is 5 MiB; 10,000 parts of
/// this size make 50 GiB, far above any school's limit).
pub const PART: usize = 5 * 1024 * 1024;

/// Where the object store is and how to sign in to it.
#[derive(Clone)]
pub struct S3Config {
    /// `https://s3.example.ru` (`http://` only on loopback).
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret key never reaches a log.
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// What the S3 store keeps in a [`Staged`]: the multipart upload, its parts' ETags in order,
/// and the staging object with the bytes after them.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Progress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    upload: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    parts: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tail: Option<String>,
}

impl Progress {
    fn of(staged: &Staged) -> std::io::Result<Progress> {
        match &staged.state {
            None => Ok(Progress::default()),
            Some(json) => serde_json::from_str(json).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("an upload's recorded S3 progress is unreadable: {e}"),
                )
            }),
        }
    }

    fn staged(&self, len: u64) -> std::io::Result<Staged> {
        let json = serde_json::to_string(self).map_err(std::io::Error::other)?;
        Ok(Staged {
            len,
            state: Some(json),
        })
    }

    fn parts_len(&self) -> u64 {
        self.parts.len() as u64 * PART as u64
    }

    /// The bytes after the whole parts, which the staging object holds.
    fn tail_len(&self, staged: &Staged) -> std::io::Result<u64> {
        staged.len.checked_sub(self.parts_len()).ok_or_else(|| {
            invalid(format!(
                "an upload recorded at {} bytes has {} whole parts",
                staged.len,
                self.parts.len()
            ))
        })
    }
}

/// Blobs in one bucket of an S3-compatible store.
#[derive(Debug, Clone)]
pub struct S3FileStore {
    s3: std::sync::Arc<AmazonS3>,
}

fn io_error(e: object_store::Error) -> std::io::Error {
    match e {
        object_store::Error::NotFound { .. } => {
            std::io::Error::new(std::io::ErrorKind::NotFound, e.to_string())
        }
        e => std::io::Error::other(format!("object store: {e}")),
    }
}

fn invalid(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}

/// Whether `endpoint` names this computer (where plain HTTP is allowed).
fn on_loopback(endpoint: &str) -> bool {
    let rest = endpoint.strip_prefix("http://").unwrap_or(endpoint);
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl S3FileStore {
    /// A store in `config.bucket`. Plain `http://` is refused off loopback: files carry
    /// children's and parents' data.
    pub fn new(config: &S3Config) -> std::io::Result<Self> {
        let plain = config.endpoint.starts_with("http://");
        if plain && !on_loopback(&config.endpoint) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "the object store at {} must be reached over https:// (plain http only on \
                     this computer)",
                    config.endpoint
                ),
            ));
        }
        let retry = RetryConfig {
            max_retries: 5,
            retry_timeout: Duration::from_secs(30),
            ..RetryConfig::default()
        };
        let s3 = AmazonS3Builder::new()
            .with_endpoint(config.endpoint.trim_end_matches('/'))
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key)
            .with_virtual_hosted_style_request(false)
            .with_retry(retry)
            // Before `with_allow_http`: the client options hold that setting too.
            .with_client_options(
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(60)),
            )
            .with_allow_http(plain)
            .build()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
        Ok(Self {
            s3: std::sync::Arc::new(s3),
        })
    }

    /// Whether the bucket answers (a listing of nothing): the server's start checks it.
    pub async fn check(&self) -> std::io::Result<()> {
        let probe = Path::from("staging/0");
        let mut listing = self.s3.list(Some(&probe));
        if let Some(entry) = listing.next().await {
            entry.map_err(io_error)?;
        }
        Ok(())
    }

    fn sealed(key: &str) -> Path {
        Path::from(format!("files/{key}"))
    }

    fn staging(key: &str) -> Path {
        Path::from(format!("staging/{key}"))
    }

    /// The sealed object's size, if it is there.
    pub async fn sealed_len(&self, key: &str) -> std::io::Result<Option<u64>> {
        match self.s3.head(&Self::sealed(key)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(io_error(e)),
        }
    }

    /// The staging bytes `progress` names, which must be `len` long.
    async fn tail(&self, progress: &Progress, len: u64) -> std::io::Result<bytes::Bytes> {
        match &progress.tail {
            None if len == 0 => Ok(bytes::Bytes::new()),
            None => Err(invalid(format!(
                "an upload's {len} staged bytes have no staging object"
            ))),
            Some(tail) => {
                let bytes = self
                    .s3
                    .get(&Path::from(tail.as_str()))
                    .await
                    .map_err(io_error)?
                    .bytes()
                    .await
                    .map_err(io_error)?;
                if bytes.len() as u64 != len {
                    return Err(invalid(format!(
                        "an upload's staging object holds {} bytes, not {len}",
                        bytes.len()
                    )));
                }
                Ok(bytes)
            }
        }
    }

    /// The staging objects of `key` (what `seal` and `remove` delete).
    pub async fn staging_objects(&self, key: &str) -> std::io::Result<Vec<String>> {
        let prefix = Self::staging(checked_key(key)?);
        let mut listing = self.s3.list(Some(&prefix));
        let mut names = Vec::new();
        while let Some(entry) = listing.next().await {
            names.push(entry.map_err(io_error)?.location.to_string());
        }
        Ok(names)
    }

    /// Deletes the staging objects of `key`.
    async fn clear_staging(&self, key: &str) -> std::io::Result<()> {
        for name in self.staging_objects(key).await? {
            self.delete(&Path::from(name)).await?;
        }
        Ok(())
    }

    async fn delete(&self, path: &Path) -> std::io::Result<()> {
        match self.s3.delete(path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(io_error(e)),
        }
    }
}

fn random_suffix() -> std::io::Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(hex::encode(bytes))
}

#[async_trait]
impl FileStore for S3FileStore {
    fn batch(&self) -> usize {
        PART
    }

    async fn append(&self, key: &str, staged: &Staged, bytes: &[u8]) -> std::io::Result<Staged> {
        let key = checked_key(key)?;
        let mut progress = Progress::of(staged)?;
        let tail_len = progress.tail_len(staged)?;
        let len = staged.len + bytes.len() as u64;
        let tail = self.tail(&progress, tail_len).await?;
        let mut data = Vec::with_capacity(tail.len() + bytes.len());
        data.extend_from_slice(&tail);
        data.extend_from_slice(bytes);
        let data = bytes::Bytes::from(data);
        let sealed = Self::sealed(key);
        let mut at = 0;
        while data.len() - at >= PART {
            let upload = match &progress.upload {
                Some(upload) => upload.clone(),
                None => {
                    let upload = self.s3.create_multipart(&sealed).await.map_err(io_error)?;
                    progress.upload = Some(upload.clone());
                    upload
                }
            };
            let part = PutPayload::from(data.slice(at..at + PART));
            match self
                .s3
                .put_part(&sealed, &upload, progress.parts.len(), part)
                .await
            {
                Ok(part) => progress.parts.push(part.content_id),
                Err(e) => {
                    // A chunk received again after its blob was sealed (the node that sealed
                    // it died before recording so): the bytes are in the sealed object.
                    if self.sealed_len(key).await?.is_some_and(|n| n >= len) {
                        return Ok(Staged {
                            len,
                            state: staged.state.clone(),
                        });
                    }
                    return Err(io_error(e));
                }
            }
            at += PART;
        }
        progress.tail = if at < data.len() {
            let name = Path::from(format!("staging/{key}/{len}-{}", random_suffix()?));
            self.s3
                .put(&name, PutPayload::from(data.slice(at..)))
                .await
                .map_err(io_error)?;
            Some(name.to_string())
        } else {
            None
        };
        progress.staged(len)
    }

    async fn forget(&self, key: &str, before: &Staged, now: &Staged) -> std::io::Result<()> {
        checked_key(key)?;
        let (before, now) = (Progress::of(before)?, Progress::of(now)?);
        match before.tail {
            Some(tail) if now.tail.as_ref() != Some(&tail) => {
                self.delete(&Path::from(tail.as_str())).await
            }
            _ => Ok(()),
        }
    }

    async fn seal(&self, key: &str, staged: &Staged) -> std::io::Result<()> {
        self.seal_with(key, staged, &[]).await
    }

    /// The staging bytes and `last` go up as the last parts (all but the last of them whole),
    /// and the upload is completed; a blob of one part or less is put whole, from memory.
    async fn seal_with(&self, key: &str, staged: &Staged, last: &[u8]) -> std::io::Result<()> {
        let key = checked_key(key)?;
        let len = staged.len + last.len() as u64;
        if self.sealed_len(key).await? == Some(len) {
            // Sealed already (by a node that died before recording so).
            return self.clear_staging(key).await;
        }
        let progress = Progress::of(staged)?;
        let tail_len = progress.tail_len(staged)?;
        let tail = self.tail(&progress, tail_len).await?;
        let data = if last.is_empty() {
            tail
        } else {
            let mut data = Vec::with_capacity(tail.len() + last.len());
            data.extend_from_slice(&tail);
            data.extend_from_slice(last);
            bytes::Bytes::from(data)
        };
        let sealed = Self::sealed(key);
        if progress.parts.is_empty() && data.len() <= PART {
            self.s3
                .put(&sealed, PutPayload::from(data))
                .await
                .map_err(io_error)?;
            return self.clear_staging(key).await;
        }
        let upload = match &progress.upload {
            Some(upload) => upload.clone(),
            None => self.s3.create_multipart(&sealed).await.map_err(io_error)?,
        };
        let mut parts: Vec<PartId> = progress
            .parts
            .iter()
            .map(|etag| PartId {
                content_id: etag.clone(),
            })
            .collect();
        let mut at = 0;
        while at < data.len() {
            // Whole parts while more than one part's worth is left; the rest as the last.
            let end = if data.len() - at > PART {
                at + PART
            } else {
                data.len()
            };
            let part = self
                .s3
                .put_part(
                    &sealed,
                    &upload,
                    parts.len(),
                    PutPayload::from(data.slice(at..end)),
                )
                .await
                .map_err(io_error)?;
            parts.push(part);
            at = end;
        }
        self.s3
            .complete_multipart(&sealed, &upload, parts)
            .await
            .map_err(io_error)?;
        self.clear_staging(key).await
    }

    async fn read(&self, key: &str, offset: u64, max: usize) -> std::io::Result<Vec<u8>> {
        let key = checked_key(key)?;
        if max == 0 {
            return Ok(Vec::new());
        }
        let options = GetOptions {
            range: Some(GetRange::Bounded(offset..offset + max as u64)),
            ..GetOptions::default()
        };
        match self.s3.get_opts(&Self::sealed(key), options).await {
            Ok(got) => Ok(got.bytes().await.map_err(io_error)?.to_vec()),
            Err(e) => match self.sealed_len(key).await? {
                // A range at or past the end: nothing more to read.
                Some(size) if offset >= size => Ok(Vec::new()),
                _ => Err(io_error(e)),
            },
        }
    }

    async fn remove(&self, key: &str, staged: Option<&Staged>) -> std::io::Result<()> {
        let key = checked_key(key)?;
        if let Some(upload) = staged.map(Progress::of).transpose()?.and_then(|p| p.upload) {
            // An upload completed already (the file was sealed, then refused) cannot be
            // aborted: its object is deleted below either way.
            if let Err(e) = self
                .s3
                .abort_multipart(&Self::sealed(key), &upload.clone())
                .await
                && !matches!(e, object_store::Error::NotFound { .. })
            {
                tracing::warn!(upload = key, error = %e, "a multipart upload was not aborted");
            }
        }
        self.delete(&Self::sealed(key)).await?;
        self.clear_staging(key).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_for_this_computer_only() {
        assert!(on_loopback("http://127.0.0.1:3900"));
        assert!(on_loopback("http://localhost:3900/"));
        assert!(on_loopback("http://[::1]:3900"));
        assert!(!on_loopback("http://s3.school.example:3900"));
        assert!(!on_loopback("http://10.0.0.5"));
        let config = S3Config {
            endpoint: "http://s3.region.example".into(),
            bucket: "parta".into(),
            region: "garage".into(),
            access_key_id: "GK1".into(),
            secret_access_key: "secret".into(),
        };
        assert!(S3FileStore::new(&config).is_err());
        assert!(!format!("{config:?}").contains("secret\""));
    }
}
