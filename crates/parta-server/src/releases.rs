//! The app's updates, served by the school's own server (docs/install.md): schools often cannot
//! reach arbitrary sites, so the administrator drops the signed release files into one folder
//! (`[updates] dir`) and every app asks the server of its profile.
//!
//! The folder holds, for each release, the files `scripts/package.sh` and `scripts/windows.sh`
//! name so, each with the signature the release key gave it beside it (`NAME.sig`, as
//! `cargo tauri signer sign` writes it):
//!
//! | file | platform |
//! | --- | --- |
//! | `Parta-0.2.0-x86_64.AppImage` | `linux-x86_64` |
//! | `Parta-0.2.0-setup.exe` | `windows-x86_64` |
//!
//! and, when there is something to say, what is new in each language:
//! `Parta-0.2.0.notes.ru.txt` and `Parta-0.2.0.notes.en.txt`. A file without its signature is
//! not offered: the app would refuse it anyway, having the key's public half built in. The
//! server checks no signature; it serves what the administrator put there.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A release version: `MAJOR.MINOR.PATCH`, compared as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u64, pub u64, pub u64);

impl Version {
    /// Reads `MAJOR.MINOR.PATCH` (a leading `v` allowed); anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.strip_prefix('v').unwrap_or(text).split('.');
        let mut next = || -> Option<u64> {
            let part = parts.next()?;
            if part.is_empty() || part.len() > 9 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let version = Self(next()?, next()?, next()?);
        parts.next().is_none().then_some(version)
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// A platform the app is built for, as the updater names it (`{{target}}-{{arch}}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    LinuxX86_64,
    WindowsX86_64,
}

impl Platform {
    /// The platform of the updater's `target` and `arch`, if Parta is built for it.
    pub fn from_parts(target: &str, arch: &str) -> Option<Self> {
        match (target, arch) {
            ("linux", "x86_64") => Some(Self::LinuxX86_64),
            ("windows", "x86_64") => Some(Self::WindowsX86_64),
            _ => None,
        }
    }

    /// The release file's name for `version` on this platform.
    pub fn file_name(self, version: Version) -> String {
        match self {
            Self::LinuxX86_64 => format!("Parta-{version}-x86_64.AppImage"),
            Self::WindowsX86_64 => format!("Parta-{version}-setup.exe"),
        }
    }

    /// The platform and version a release file's name says, if it is one.
    fn of_file(name: &str) -> Option<(Self, Version)> {
        let rest = name.strip_prefix("Parta-")?;
        if let Some(version) = rest.strip_suffix("-x86_64.AppImage") {
            return Some((Self::LinuxX86_64, Version::parse(version)?));
        }
        let version = rest.strip_suffix("-setup.exe")?;
        Some((Self::WindowsX86_64, Version::parse(version)?))
    }
}

/// A release the folder offers to one platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: Version,
    /// The release file's name in the folder (what `GET /school/updates/files/{name}` serves).
    pub file: String,
    /// The release key's signature of the file, as written beside it (base64 text).
    pub signature: String,
    /// What is new, in Russian and in English (empty when the folder says nothing).
    pub notes_ru: String,
    pub notes_en: String,
    /// When the file was put there.
    pub published: SystemTime,
}

/// The folder of releases.
#[derive(Debug, Clone)]
pub struct Releases {
    dir: PathBuf,
}

/// The most a signature or a notes file may hold: a signature is about 400 bytes.
const TEXT_LIMIT: u64 = 64 * 1024;

impl Releases {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The newest signed release for `platform` that is newer than `current`, if any.
    pub async fn newer(
        &self,
        platform: Platform,
        current: Version,
    ) -> std::io::Result<Option<Release>> {
        // The names first; then each signature is read once, newest first, until one is there.
        let mut candidates = Vec::new();
        let mut entries = tokio::fs::read_dir(&self.dir).await?;
        while let Some(entry) = entries.next_entry().await? {
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            let Some((of, version)) = Platform::of_file(&name) else {
                continue;
            };
            if of == platform && version > current && entry.file_type().await?.is_file() {
                candidates.push((version, name));
            }
        }
        candidates.sort_unstable_by_key(|(version, _)| std::cmp::Reverse(*version));
        for (version, file) in candidates {
            let Some(signature) = self.signature(&file).await? else {
                tracing::warn!(%file, "a release without its signature (.sig) is not offered");
                continue;
            };
            let published = tokio::fs::metadata(self.dir.join(&file))
                .await?
                .modified()
                .unwrap_or(SystemTime::UNIX_EPOCH);
            let notes = |lang: &str| format!("Parta-{version}.notes.{lang}.txt");
            return Ok(Some(Release {
                version,
                signature: signature.trim().to_owned(),
                notes_ru: self.text(&notes("ru")).await?.unwrap_or_default(),
                notes_en: self.text(&notes("en")).await?.unwrap_or_default(),
                file,
                published,
            }));
        }
        Ok(None)
    }

    /// The path of the release file `name`, if the folder offers it (a release file's name
    /// with its signature beside it; nothing else in the folder is served).
    pub async fn file(&self, name: &str) -> std::io::Result<Option<PathBuf>> {
        if Platform::of_file(name).is_none() {
            return Ok(None);
        }
        let path = self.dir.join(name);
        let is_file = match tokio::fs::metadata(&path).await {
            Ok(meta) => meta.is_file(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        if !is_file || self.signature(name).await?.is_none() {
            return Ok(None);
        }
        Ok(Some(path))
    }

    /// The release key's signature written beside the release file `name`, if there is one.
    async fn signature(&self, name: &str) -> std::io::Result<Option<String>> {
        self.text(&format!("{name}.sig")).await
    }

    /// A small text file of the folder, if it is there and is UTF-8 within the limit.
    async fn text(&self, name: &str) -> std::io::Result<Option<String>> {
        let path = self.dir.join(name);
        match tokio::fs::metadata(&path).await {
            Ok(meta) if meta.is_file() && meta.len() <= TEXT_LIMIT => {}
            Ok(_) => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        }
        let bytes = tokio::fs::read(&path).await?;
        Ok(String::from_utf8(bytes)
            .ok()
            .filter(|t| !t.trim().is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::{Platform, Version};

    #[test]
    fn versions_compare_as_numbers_and_nothing_else_reads_as_one() {
        assert!(Version::parse("0.10.0") > Version::parse("0.9.12"));
        assert_eq!(Version::parse("v1.2.3"), Some(Version(1, 2, 3)));
        for bad in [
            "",
            "1.2",
            "1.2.3.4",
            "1.2.x",
            "1..3",
            "-1.2.3",
            "1.2.3-beta",
            "1.2.3 ",
        ] {
            assert_eq!(Version::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_release_files_name_says_its_platform_and_version() {
        let v = Version(0, 2, 0);
        for platform in [Platform::LinuxX86_64, Platform::WindowsX86_64] {
            assert_eq!(
                Platform::of_file(&platform.file_name(v)),
                Some((platform, v))
            );
        }
        for other in [
            "Parta-0.2.0-x86_64.AppImage.sig",
            "parta_0.2.0_amd64.deb",
            "Parta-0.2.0.notes.ru.txt",
            "Parta-../x-setup.exe",
            "Parta-0.2-setup.exe",
        ] {
            assert_eq!(Platform::of_file(other), None, "{other}");
        }
    }
}
