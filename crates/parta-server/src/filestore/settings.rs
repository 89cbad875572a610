//! The `[files]` section of the server's settings file and its environment variables: where
//! uploaded files live when they are not on this machine's disk (docs/scale.md).

use std::path::{Path, PathBuf};

use super::S3Config;

/// `[files]`: an S3-compatible object store for every node of a region. Without `s3_endpoint`
/// files stay on the local disk beside the database.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FilesSection {
    /// `https://s3.region.example` (`http://` only on loopback).
    pub s3_endpoint: Option<String>,
    pub s3_bucket: Option<String>,
    /// The store's region name (Garage's `s3_region`; default `garage`).
    pub s3_region: Option<String>,
    /// The access key's id (not a secret).
    pub s3_key_id: Option<String>,
    /// The file with the secret access key, readable by the server's user alone.
    pub s3_secret_file: Option<PathBuf>,
}

/// The environment variable that may hold the secret key (a file is preferred).
pub const SECRET_ENV: &str = "PARTA_S3_SECRET";

/// The object store's settings from the section and the environment (which wins), `None` when
/// no endpoint is named, or what is wrong in a sentence.
pub fn s3_config(
    section: Option<&FilesSection>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<S3Config>, String> {
    let section = section.cloned().unwrap_or_default();
    let Some(endpoint) = env("PARTA_S3_ENDPOINT").or(section.s3_endpoint) else {
        return Ok(None);
    };
    let bucket = env("PARTA_S3_BUCKET")
        .or(section.s3_bucket)
        .ok_or("files: name the bucket (s3_bucket or PARTA_S3_BUCKET)")?;
    let region = env("PARTA_S3_REGION")
        .or(section.s3_region)
        .unwrap_or_else(|| "garage".to_owned());
    let access_key_id = env("PARTA_S3_KEY_ID")
        .or(section.s3_key_id)
        .ok_or("files: name the access key's id (s3_key_id or PARTA_S3_KEY_ID)")?;
    let secret_file = env("PARTA_S3_SECRET_FILE")
        .map(PathBuf::from)
        .or(section.s3_secret_file);
    let secret_access_key = match (secret_file, env(SECRET_ENV)) {
        (Some(path), _) => read_private(&path)?,
        (None, Some(value)) => value.trim().to_owned(),
        (None, None) => {
            return Err(format!(
                "files: no secret key for the object store: give s3_secret_file (readable by \
                 this user alone) or set {SECRET_ENV}"
            ));
        }
    };
    if secret_access_key.is_empty() || secret_access_key.chars().any(char::is_whitespace) {
        return Err("files: the object store's secret key is empty or has spaces in it".into());
    }
    Ok(Some(S3Config {
        endpoint,
        bucket,
        region,
        access_key_id,
        secret_access_key,
    }))
}

/// A secret file's text, trimmed; refused if others than its owner may read it.
fn read_private(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("files: cannot read the secret key file {shown}: {e}"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "files: the secret key file {shown} may be read by others (mode {mode:o}): let \
                 only the server's user read it (chmod 600 {shown})"
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    std::fs::read_to_string(path)
        .map(|text| text.trim().to_owned())
        .map_err(|e| format!("files: cannot read the secret key file {shown}: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn no_endpoint_means_the_local_disk_and_a_half_setting_is_refused() {
        let none = |_: &str| None;
        assert!(matches!(s3_config(None, &none), Ok(None)));
        let section = FilesSection {
            s3_endpoint: Some("http://127.0.0.1:3900".into()),
            ..FilesSection::default()
        };
        let e = s3_config(Some(&section), &none).unwrap_err();
        assert!(e.contains("bucket"), "{e}");
        let env = |key: &str| match key {
            "PARTA_S3_BUCKET" => Some("parta".to_owned()),
            "PARTA_S3_KEY_ID" => Some("GK1".to_owned()),
            SECRET_ENV => Some("s3cr3t".to_owned()),
            _ => None,
        };
        let config = s3_config(Some(&section), &env).unwrap().unwrap();
        assert_eq!(config.bucket, "parta");
        assert_eq!(config.region, "garage");
        assert_eq!(config.secret_access_key, "s3cr3t");
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_file_others_may_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s3.secret");
        std::fs::write(&path, "s3cr3t\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(read_private(&path).unwrap_err().contains("chmod 600"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_private(&path).unwrap(), "s3cr3t");
    }
}
