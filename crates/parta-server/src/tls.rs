//! HTTPS served by the server itself: the certificate chain and key from two PEM files named in
//! the settings (`[tls]`, docs/server-config.md), re-read on SIGHUP. A reload changes what new
//! connections are handed; connections already open keep theirs and are not dropped. A file
//! that cannot be read or does not hold a matching chain and key leaves the running certificate
//! in place and is reported.
//!
//! Plain HTTP is for this computer alone: a server reachable from the network speaks HTTPS, or
//! listens on loopback behind a reverse proxy that does (see [`check_bind`]).

use std::net::SocketAddr;
use std::path::PathBuf;

use axum_server::tls_rustls::RustlsConfig;

/// The PEM files of the server's certificate chain and private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, the server's own certificate first.
    pub cert: PathBuf,
    /// Its private key (PKCS#8, PKCS#1 or SEC1), readable by the server's user alone.
    pub key: PathBuf,
}

/// Why HTTPS could not be set up or re-read.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read, or did not hold a usable chain and matching key.
    #[error("TLS: cannot use certificate {cert} with key {key}: {reason}")]
    Files {
        cert: String,
        key: String,
        reason: String,
    },
    /// Plain HTTP on an address other computers can reach.
    #[error(
        "{0} can be reached from other computers, and plain HTTP would carry passwords and \
         messages in clear: name a certificate and key in [tls] (docs/server-config.md), or \
         listen on 127.0.0.1 behind a reverse proxy that serves HTTPS"
    )]
    PlainOffLoopback(SocketAddr),
    /// The demo school on an address other computers can reach.
    #[error(
        "{0} can be reached from other computers: the demo school, whose passwords are \
         published, listens on 127.0.0.1 only"
    )]
    DemoOffLoopback(SocketAddr),
}

/// HTTPS as it is served now; clones share it, so a reload reaches the listener.
#[derive(Clone)]
pub struct Tls {
    files: TlsFiles,
    config: RustlsConfig,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").field("files", &self.files).finish()
    }
}

impl Tls {
    /// Reads the files.
    pub async fn load(files: TlsFiles) -> Result<Self, TlsError> {
        let config = RustlsConfig::from_pem_file(&files.cert, &files.key)
            .await
            .map_err(|e| files_error(&files, &e))?;
        Ok(Self { files, config })
    }

    /// Reads the files again: new connections get what they hold now. On failure the
    /// certificate served so far stays.
    pub async fn reload(&self) -> Result<(), TlsError> {
        self.config
            .reload_from_pem_file(&self.files.cert, &self.files.key)
            .await
            .map_err(|e| files_error(&self.files, &e))
    }

    /// The files it reads.
    pub fn files(&self) -> &TlsFiles {
        &self.files
    }

    pub(crate) fn rustls(&self) -> RustlsConfig {
        self.config.clone()
    }
}

fn files_error(files: &TlsFiles, error: &std::io::Error) -> TlsError {
    TlsError::Files {
        cert: files.cert.display().to_string(),
        key: files.key.display().to_string(),
        reason: error.to_string(),
    }
}

/// Refuses an address other computers can reach for plain HTTP, and for the demo school at all.
pub fn check_bind(bind: SocketAddr, https: bool, demo: bool) -> Result<(), TlsError> {
    let local = bind.ip().is_loopback();
    if demo && !local {
        return Err(TlsError::DemoOffLoopback(bind));
    }
    if !https && !local {
        return Err(TlsError::PlainOffLoopback(bind));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_and_the_demo_stay_on_this_computer() {
        let local: SocketAddr = ([127, 0, 0, 1], 8080).into();
        let open: SocketAddr = ([0, 0, 0, 0], 8443).into();
        let v6_local: SocketAddr = "[::1]:8080".parse().unwrap_or(local);
        assert!(check_bind(local, false, false).is_ok());
        assert!(check_bind(v6_local, false, true).is_ok());
        assert!(
            check_bind(open, true, false).is_ok(),
            "HTTPS may face the network"
        );
        assert!(matches!(
            check_bind(open, false, false),
            Err(TlsError::PlainOffLoopback(_))
        ));
        assert!(matches!(
            check_bind(open, true, true),
            Err(TlsError::DemoOffLoopback(_))
        ));
    }
}
