//! A school's own certificate authority, as some regions run one, for tests of HTTPS: a root
//! certificate the client is told to trust, and server certificates it signs for `localhost`
//! and 127.0.0.1.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
    SanType,
};

/// A root certificate and its key.
pub struct Authority {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A server certificate chain and key, in PEM and in DER.
pub struct ServerCert {
    /// The server's certificate followed by the root's.
    pub chain_pem: String,
    /// The server's private key (PKCS#8).
    pub key_pem: String,
    /// The server's certificate alone, DER.
    pub cert_der: Vec<u8>,
    /// The private key, PKCS#8 DER.
    pub key_der: Vec<u8>,
}

/// What can go wrong making certificates: a key or signature rcgen could not make.
pub type Error = rcgen::Error;

/// What can go wrong putting a certificate where a server reads it.
#[derive(Debug)]
pub enum IssueError {
    /// rcgen could not make the key or the signature.
    Make(Error),
    /// A file could not be written.
    Write(std::io::Error),
}

impl Authority {
    /// A new root named `name`.
    pub fn new(name: &str) -> Result<Self, Error> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate()?)?;
        Ok(Self { issuer })
    }

    /// The root certificate in PEM: what a client adds to the roots it trusts.
    pub fn root_pem(&self) -> String {
        self.issuer.pem()
    }

    /// A fresh server certificate written where a server reads it: the chain to `cert`, the key
    /// to `key` (replacing what was there, as a renewal does).
    pub fn issue_into(&self, cert: &Path, key: &Path) -> Result<(), IssueError> {
        let issued = self.server_cert().map_err(IssueError::Make)?;
        std::fs::write(cert, issued.chain_pem).map_err(IssueError::Write)?;
        std::fs::write(key, issued.key_pem).map_err(IssueError::Write)
    }

    /// An HTTP client that trusts this root and no other (not the system's roots).
    pub fn client(&self) -> reqwest::Result<reqwest::Client> {
        let root = reqwest::Certificate::from_pem(self.root_pem().as_bytes())?;
        reqwest::Client::builder()
            .tls_certs_only([root])
            .timeout(std::time::Duration::from_secs(20))
            .build()
    }

    /// A certificate for `localhost` and 127.0.0.1 signed by this root.
    pub fn server_cert(&self) -> Result<ServerCert, Error> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(vec!["localhost".to_owned()])?;
        params
            .subject_alt_names
            .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(ServerCert {
            chain_pem: format!("{}{}", cert.pem(), self.root_pem()),
            key_pem: key.serialize_pem(),
            cert_der: cert.der().to_vec(),
            key_der: key.serialize_der(),
        })
    }
}
