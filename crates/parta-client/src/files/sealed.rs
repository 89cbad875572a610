//! Files at rest: every file the app keeps (a file waiting to be sent, a file kept for reading
//! offline) is sealed under its profile's key, so a copied data folder shows no file's bytes.
//!
//! The format is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015) over
//! XChaCha20-Poly1305, as RustCrypto's `aead::stream::StreamBE32` implements it:
//!
//! ```text
//! "PARTAF1\n" | nonce prefix (19 random bytes) | chunk 0 | chunk 1 | … | last chunk
//! ```
//!
//! Each chunk is [`PLAIN_CHUNK`] bytes of the file (the last one 0 to [`PLAIN_CHUNK`]) and a
//! 16-byte tag; its nonce is the prefix, its 32-bit position and a flag set only on the last
//! chunk. A changed, reordered or cut-short file therefore fails to open instead of showing
//! altered bytes, and no file is ever held in memory whole: a 2 GB video is sealed and opened
//! 64 KiB at a time. A download that broke off keeps its whole chunks and resumes after them.

use std::io::{ErrorKind, SeekFrom};
use std::path::{Path, PathBuf};

use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::KeyInit;
use chacha20poly1305::aead::stream::{NewStream, StreamBE32, StreamPrimitive};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use crate::secrets::SecretKey;

/// A profile's key for its files (kept in the keychain as `files-key:<profile id>`).
pub type FileKey = SecretKey;

/// The first bytes of every sealed file (also the associated data of every chunk).
const MAGIC: &[u8; 8] = b"PARTAF1\n";
const PREFIX: usize = 19;
const HEADER: u64 = (MAGIC.len() + PREFIX) as u64;
/// Bytes of the file in each chunk.
pub const PLAIN_CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const SEALED_CHUNK: u64 = (PLAIN_CHUNK + TAG) as u64;

type Stream = StreamBE32<XChaCha20Poly1305>;

fn stream(key: &FileKey, prefix: &[u8; PREFIX]) -> Stream {
    let aead = XChaCha20Poly1305::new(&key.bytes().into());
    Stream::from_aead(aead, prefix.into())
}

fn damaged(what: &str) -> std::io::Error {
    std::io::Error::new(
        ErrorKind::InvalidData,
        format!("a kept file {what} (altered, cut short, or sealed under another key)"),
    )
}

/// Whether the file at `path` is sealed (starts with the format's magic). Only the tests ask:
/// the app knows its sealed files by their names.
#[cfg(test)]
async fn is_sealed(path: &Path) -> std::io::Result<bool> {
    let mut file = tokio::fs::File::open(path).await?;
    let mut magic = [0u8; MAGIC.len()];
    match file.read_exact(&mut magic).await {
        Ok(_) => Ok(&magic == MAGIC),
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

/// Writes a sealed file chunk by chunk; [`SealedWriter::finish`] seals the last chunk. A
/// writer dropped before `finish` leaves whole chunks only, which [`SealedWriter::resume`]
/// continues.
pub struct SealedWriter {
    file: tokio::fs::File,
    stream: Stream,
    position: u32,
    buffer: Vec<u8>,
    written: u64,
}

impl SealedWriter {
    /// A new sealed file at `path` (replacing one there) under a fresh random nonce prefix.
    pub async fn create(path: &Path, key: &FileKey) -> std::io::Result<Self> {
        let mut prefix = [0u8; PREFIX];
        getrandom::fill(&mut prefix)
            .map_err(|e| std::io::Error::other(format!("no random numbers: {e}")))?;
        let mut file = tokio::fs::File::create(path).await?;
        file.write_all(MAGIC).await?;
        file.write_all(&prefix).await?;
        Ok(Self {
            file,
            stream: stream(key, &prefix),
            position: 0,
            buffer: Vec::with_capacity(PLAIN_CHUNK + TAG),
            written: 0,
        })
    }

    /// Continues the unfinished sealed file at `path` after its whole chunks (a part of a chunk
    /// torn by a crash is cut off), or starts one when there is none or it is not one. Returns
    /// the writer and how many bytes of the file it already holds.
    pub async fn resume(path: &Path, key: &FileKey) -> std::io::Result<(Self, u64)> {
        let mut file = match tokio::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .await
        {
            Ok(file) => file,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Ok((Self::create(path, key).await?, 0));
            }
            Err(e) => return Err(e),
        };
        let len = file.metadata().await?.len();
        let mut header = [0u8; HEADER as usize];
        if len < HEADER || file.read_exact(&mut header).await.is_err() || &header[..8] != MAGIC {
            drop(file);
            return Ok((Self::create(path, key).await?, 0));
        }
        let mut prefix = [0u8; PREFIX];
        prefix.copy_from_slice(&header[MAGIC.len()..]);
        let stream = stream(key, &prefix);
        let mut whole = (len - HEADER) / SEALED_CHUNK;
        let position = u32::try_from(whole).map_err(|_| damaged("is too long"))?;
        if position > 0 && (len - HEADER).is_multiple_of(SEALED_CHUNK) {
            // It may have been finished (its last chunk sealed as the last) just before a crash
            // kept it from its place, or sealed under another key: then that chunk is written
            // again.
            let mut last = vec![0u8; SEALED_CHUNK as usize];
            file.seek(SeekFrom::Start(len - SEALED_CHUNK)).await?;
            file.read_exact(&mut last).await?;
            if stream
                .decrypt_in_place(position - 1, false, MAGIC, &mut last)
                .is_err()
            {
                whole -= 1;
            }
        }
        let position = u32::try_from(whole).map_err(|_| damaged("is too long"))?;
        let end = HEADER + whole * SEALED_CHUNK;
        file.set_len(end).await?;
        file.seek(SeekFrom::Start(end)).await?;
        let kept = whole * PLAIN_CHUNK as u64;
        Ok((
            Self {
                file,
                stream,
                position,
                buffer: Vec::with_capacity(PLAIN_CHUNK + TAG),
                written: kept,
            },
            kept,
        ))
    }

    /// Adds `bytes` to the file (sealed and written a chunk at a time).
    pub async fn write(&mut self, mut bytes: &[u8]) -> std::io::Result<()> {
        while !bytes.is_empty() {
            // A full chunk is sealed only once more bytes come: the last one may be full too.
            if self.buffer.len() == PLAIN_CHUNK {
                self.seal(false).await?;
            }
            let take = (PLAIN_CHUNK - self.buffer.len()).min(bytes.len());
            self.buffer.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            self.written += take as u64;
        }
        Ok(())
    }

    async fn seal(&mut self, last: bool) -> std::io::Result<()> {
        self.stream
            .encrypt_in_place(self.position, last, MAGIC, &mut self.buffer)
            .map_err(|_| std::io::Error::other("a file could not be sealed"))?;
        self.file.write_all(&self.buffer).await?;
        // tokio hands the bytes to a background write: wait for it, so that a writer dropped
        // after `write` returned leaves every chunk it sealed (resume keeps them).
        self.file.flush().await?;
        self.buffer.clear();
        self.position = self
            .position
            .checked_add(1)
            .ok_or_else(|| std::io::Error::other("a file too large to keep"))?;
        Ok(())
    }

    /// Seals the last chunk and syncs the file to disk; returns the bytes of the file.
    pub async fn finish(mut self) -> std::io::Result<u64> {
        self.seal(true).await?;
        self.file.sync_all().await?;
        Ok(self.written)
    }
}

/// Reads a sealed file, any range of it, checking every chunk it reads.
pub struct SealedReader {
    file: tokio::fs::File,
    stream: Stream,
    chunks: u64,
    len: u64,
}

impl SealedReader {
    /// Opens the sealed file at `path` under `key`.
    pub async fn open(path: &Path, key: &FileKey) -> std::io::Result<Self> {
        let mut file = tokio::fs::File::open(path).await?;
        let sealed_len = file.metadata().await?.len();
        let mut header = [0u8; HEADER as usize];
        file.read_exact(&mut header)
            .await
            .map_err(|_| damaged("has no header"))?;
        if &header[..8] != MAGIC {
            return Err(damaged("is not sealed"));
        }
        let mut prefix = [0u8; PREFIX];
        prefix.copy_from_slice(&header[MAGIC.len()..]);
        let body = sealed_len - HEADER;
        if body < TAG as u64 {
            return Err(damaged("is cut short"));
        }
        let chunks = body.div_ceil(SEALED_CHUNK);
        let last = body - (chunks - 1) * SEALED_CHUNK;
        if last < TAG as u64 || u32::try_from(chunks - 1).is_err() {
            return Err(damaged("is cut short"));
        }
        Ok(Self {
            file,
            stream: stream(key, &prefix),
            chunks,
            len: body - chunks * TAG as u64,
        })
    }

    /// The bytes of the file.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Chunk `index` of the file, checked.
    async fn chunk(&mut self, index: u64) -> std::io::Result<Vec<u8>> {
        let start = HEADER + index * SEALED_CHUNK;
        let last = index + 1 == self.chunks;
        let size = if last {
            self.len - index * PLAIN_CHUNK as u64 + TAG as u64
        } else {
            SEALED_CHUNK
        };
        let mut buffer = vec![0u8; usize::try_from(size).map_err(|_| damaged("is too long"))?];
        self.file.seek(SeekFrom::Start(start)).await?;
        self.file.read_exact(&mut buffer).await?;
        let position = u32::try_from(index).map_err(|_| damaged("is too long"))?;
        self.stream
            .decrypt_in_place(position, last, MAGIC, &mut buffer)
            .map_err(|_| damaged("does not open"))?;
        Ok(buffer)
    }

    /// Up to `len` bytes of the file from `offset` (fewer at its end).
    pub async fn read_at(&mut self, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
        let end = offset.saturating_add(len).min(self.len);
        let mut out = Vec::with_capacity(usize::try_from(end.saturating_sub(offset)).unwrap_or(0));
        let mut at = offset;
        while at < end {
            let index = at / PLAIN_CHUNK as u64;
            let chunk = self.chunk(index).await?;
            let from = usize::try_from(at - index * PLAIN_CHUNK as u64).unwrap_or(usize::MAX);
            let to = usize::try_from((end - index * PLAIN_CHUNK as u64).min(chunk.len() as u64))
                .unwrap_or(chunk.len());
            out.extend_from_slice(chunk.get(from..to).ok_or_else(|| damaged("is cut short"))?);
            at = index * PLAIN_CHUNK as u64 + to as u64;
        }
        Ok(out)
    }

    /// The whole file (for small ones: a preview).
    pub async fn read_all(&mut self) -> std::io::Result<Vec<u8>> {
        self.read_at(0, self.len).await
    }

    /// Writes the file, opened, to `path` (for another application to show), a chunk at a
    /// time. A file that fails its check midway leaves nothing at `path`.
    pub async fn copy_to(&mut self, path: &Path) -> std::io::Result<u64> {
        let mut out = tokio::fs::File::create(path).await?;
        let copied = async {
            for index in 0..self.chunks {
                let chunk = self.chunk(index).await?;
                out.write_all(&chunk).await?;
            }
            out.sync_all().await
        }
        .await;
        if let Err(e) = copied {
            drop(out);
            let _ = tokio::fs::remove_file(path).await;
            return Err(e);
        }
        Ok(self.len)
    }
}

/// Seals the plain file at `source` into `target` (which is replaced only once complete), a
/// chunk at a time. Returns the bytes sealed.
pub async fn seal_file(source: &Path, target: &Path, key: &FileKey) -> std::io::Result<u64> {
    let staged = PathBuf::from(format!("{}.sealing", target.display()));
    let sealed = async {
        let mut input = tokio::fs::File::open(source).await?;
        let mut writer = SealedWriter::create(&staged, key).await?;
        let mut buffer = vec![0u8; PLAIN_CHUNK];
        loop {
            let n = input.read(&mut buffer).await?;
            if n == 0 {
                break;
            }
            writer.write(&buffer[..n]).await?;
        }
        writer.finish().await
    }
    .await;
    match sealed {
        Ok(len) => {
            tokio::fs::rename(&staged, target).await?;
            Ok(len)
        }
        Err(e) => {
            let _ = tokio::fs::remove_file(&staged).await;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> FileKey {
        FileKey::generate().unwrap_or_else(|e| panic!("{e}"))
    }

    fn bytes(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 11) as u8)
            .collect()
    }

    async fn sealed(dir: &Path, plain: &[u8], key: &FileKey) -> PathBuf {
        let path = dir.join(format!("s{}", plain.len()));
        let mut writer = SealedWriter::create(&path, key).await.unwrap();
        // Written in uneven pieces, as a download arrives.
        for piece in plain.chunks(7_777) {
            writer.write(piece).await.unwrap();
        }
        assert_eq!(writer.finish().await.unwrap(), plain.len() as u64);
        path
    }

    #[tokio::test]
    async fn files_of_every_length_round_trip_and_show_none_of_their_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let key = key();
        for len in [
            0,
            1,
            PLAIN_CHUNK - 1,
            PLAIN_CHUNK,
            PLAIN_CHUNK + 1,
            3 * PLAIN_CHUNK,
            200_001,
        ] {
            let plain = bytes(len, 3);
            let path = sealed(dir.path(), &plain, &key).await;
            let on_disk = std::fs::read(&path).unwrap();
            let chunks = len.div_ceil(PLAIN_CHUNK).max(1);
            assert_eq!(on_disk.len(), HEADER as usize + len + chunks * TAG, "{len}");
            if len >= 64 {
                assert!(
                    !on_disk
                        .windows(32)
                        .any(|w| w == &plain[len / 2 - 32..len / 2]),
                    "{len}"
                );
            }
            let mut reader = SealedReader::open(&path, &key).await.unwrap();
            assert_eq!(reader.len(), len as u64);
            assert_eq!(reader.read_all().await.unwrap(), plain, "{len}");
            if len > 10 {
                let from = (len / 3) as u64;
                assert_eq!(
                    reader.read_at(from, PLAIN_CHUNK as u64 + 5).await.unwrap(),
                    plain[len / 3..(len / 3 + PLAIN_CHUNK + 5).min(len)]
                );
            }
            let opened = dir.path().join("opened");
            assert_eq!(reader.copy_to(&opened).await.unwrap(), len as u64);
            assert_eq!(std::fs::read(&opened).unwrap(), plain);
        }
    }

    #[tokio::test]
    async fn an_altered_cut_or_foreign_file_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let key = key();
        let plain = bytes(3 * PLAIN_CHUNK + 100, 9);
        let path = sealed(dir.path(), &plain, &key).await;
        let good = std::fs::read(&path).unwrap();

        let mut flipped = good.clone();
        flipped[HEADER as usize + PLAIN_CHUNK + 40] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        let mut reader = SealedReader::open(&path, &key).await.unwrap();
        let err = reader.read_all().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
        let opened = dir.path().join("opened");
        assert!(reader.copy_to(&opened).await.is_err());
        assert!(!opened.exists(), "nothing half-written");

        // Cut after whole chunks: the new last chunk was not sealed as the last.
        std::fs::write(&path, &good[..(HEADER + 2 * SEALED_CHUNK) as usize]).unwrap();
        let mut reader = SealedReader::open(&path, &key).await.unwrap();
        assert!(reader.read_all().await.is_err());

        std::fs::write(&path, &good).unwrap();
        let mut other = SealedReader::open(&path, &super::tests::key())
            .await
            .unwrap();
        assert!(other.read_at(0, 10).await.is_err());
        assert!(is_sealed(&path).await.unwrap());
    }

    #[tokio::test]
    async fn a_broken_off_file_resumes_after_its_whole_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let key = key();
        let plain = bytes(5 * PLAIN_CHUNK + 1234, 1);
        let path = dir.path().join("part");
        let mut writer = SealedWriter::create(&path, &key).await.unwrap();
        writer.write(&plain[..2 * PLAIN_CHUNK + 500]).await.unwrap();
        drop(writer);
        // A crash also tore the next write.
        let mut torn = std::fs::read(&path).unwrap();
        torn.extend_from_slice(&[7u8; 300]);
        std::fs::write(&path, torn).unwrap();

        let (mut writer, kept) = SealedWriter::resume(&path, &key).await.unwrap();
        assert_eq!(kept, 2 * PLAIN_CHUNK as u64);
        writer.write(&plain[kept as usize..]).await.unwrap();
        writer.finish().await.unwrap();
        let mut reader = SealedReader::open(&path, &key).await.unwrap();
        assert_eq!(reader.read_all().await.unwrap(), plain);

        // Finished but never moved to its place: the last chunk is written again.
        let (mut again, kept) = SealedWriter::resume(&path, &key).await.unwrap();
        assert_eq!(kept, 5 * PLAIN_CHUNK as u64);
        again.write(&plain[kept as usize..]).await.unwrap();
        again.finish().await.unwrap();
        let mut reader = SealedReader::open(&path, &key).await.unwrap();
        assert_eq!(reader.read_all().await.unwrap(), plain);

        // Something else in its place starts over.
        std::fs::write(&path, b"plain bytes").unwrap();
        let (_, kept) = SealedWriter::resume(&path, &key).await.unwrap();
        assert_eq!(kept, 0);
        assert!(is_sealed(&path).await.unwrap());
    }

    #[tokio::test]
    async fn a_plain_file_is_sealed_into_place() {
        let dir = tempfile::tempdir().unwrap();
        let key = key();
        let plain = bytes(PLAIN_CHUNK * 2 + 17, 5);
        let source = dir.path().join("plain");
        std::fs::write(&source, &plain).unwrap();
        assert!(!is_sealed(&source).await.unwrap());
        assert_eq!(
            seal_file(&source, &source, &key).await.unwrap(),
            plain.len() as u64
        );
        let mut reader = SealedReader::open(&source, &key).await.unwrap();
        assert_eq!(reader.read_all().await.unwrap(), plain);
        assert!(!dir.path().join("plain.sealing").exists());
        assert!(
            seal_file(&dir.path().join("missing"), &source, &key)
                .await
                .is_err()
        );
        assert_eq!(
            SealedReader::open(&source, &key).await.unwrap().len(),
            plain.len() as u64
        );
    }
}
