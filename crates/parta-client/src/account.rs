//! Signing in to a school's parta-server without a token yet (procedure 8.2: every device its
//! own account): a password sign-in on a new device, and joining by an invitation, which may
//! wait for the school's approval. Passwords and tokens travel only inside [`Sensitive`].

use parta_model::school::{
    JoinOutcome, JoinStatus, LoginRequest, LoginResult, Redeem, StatusRequest,
};

use crate::api::{http_client_with_root, send_request};
use crate::error::Result;
use crate::secrets::Sensitive;

/// What a newcomer tells the school when joining by an invitation.
#[derive(Debug, Clone)]
pub struct InviteForm {
    /// The code from the invitation link (`parta://join/<code>`).
    pub code: String,
    pub first_name: String,
    pub last_name: Option<String>,
    /// For a parent: the child's name, unless the invitation names the child.
    pub child_name: Option<String>,
    pub login: String,
    pub password: Sensitive<String>,
    pub device_name: String,
    /// Consent to the processing of personal data (required by the school).
    pub consent_personal_data: bool,
}

/// The school's answer to a join, now or later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinAnswer {
    /// The account exists; this device's token.
    Joined {
        user_id: i64,
        token: Sensitive<String>,
    },
    /// Waiting for approval; `request_token` (given once, with the request) asks again.
    Pending {
        request_id: i64,
        request_token: Option<Sensitive<String>>,
    },
    /// Approved earlier, and this device's token was already handed out.
    AlreadyJoined { user_id: i64 },
    /// Refused, with the school's reason.
    Rejected { reason: String },
}

/// The join answer as the person's app understands it.
fn answer_of(outcome: JoinOutcome) -> Result<JoinAnswer> {
    let protocol = |what: &str| crate::Error::Protocol(format!("join answer without {what}"));
    Ok(match outcome.status {
        JoinStatus::Approved => match (outcome.user_id, outcome.access_token) {
            (Some(user_id), Some(token)) => JoinAnswer::Joined {
                user_id,
                token: Sensitive::new(token),
            },
            (Some(user_id), None) => JoinAnswer::AlreadyJoined { user_id },
            _ => return Err(protocol("user_id")),
        },
        JoinStatus::Rejected => JoinAnswer::Rejected {
            reason: outcome.reason.unwrap_or_default(),
        },
        JoinStatus::Pending => JoinAnswer::Pending {
            request_id: outcome.request_id.ok_or_else(|| protocol("request_id"))?,
            request_token: outcome.request_token.map(Sensitive::new),
        },
    })
}

/// A school's parta-server, before there is a token.
#[derive(Debug, Clone)]
pub struct SchoolServer {
    http: reqwest::Client,
    base: String,
}

impl SchoolServer {
    /// The server at `base_url`.
    pub fn new(base_url: &str) -> Result<Self> {
        Self::with_root(base_url, None)
    }

    /// The server at `base_url`, also trusting `extra_root_pem` (PEM certificates): a school
    /// whose certificate comes from its own or its region's authority.
    pub fn with_root(base_url: &str, extra_root_pem: Option<&str>) -> Result<Self> {
        let (http, base) = http_client_with_root(base_url, extra_root_pem)?;
        Ok(Self { http, base })
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `POST /school/login`: a new device's token for a login and password.
    pub async fn login(
        &self,
        login: &str,
        password: &Sensitive<String>,
        device_name: &str,
    ) -> Result<(i64, Sensitive<String>)> {
        let request = self
            .http
            .post(format!("{}/school/login", self.base))
            .json(&LoginRequest {
                login: login.to_owned(),
                password: password.expose().clone(),
                device_name: device_name.to_owned(),
            });
        let answer: LoginResult = send_request(request).await?;
        Ok((answer.user_id, Sensitive::new(answer.access_token)))
    }

    /// `POST /school/password-reset`: a new password with the one-time code the school handed
    /// over; this device's token.
    pub async fn reset_password(
        &self,
        code: &str,
        new_password: &Sensitive<String>,
        device_name: &str,
    ) -> Result<(i64, Sensitive<String>)> {
        let request = self
            .http
            .post(format!("{}/school/password-reset", self.base))
            .json(&parta_model::school::PasswordResetRedeem {
                code: code.trim().to_owned(),
                new_password: new_password.expose().clone(),
                device_name: device_name.to_owned(),
            });
        let answer: LoginResult = send_request(request).await?;
        Ok((answer.user_id, Sensitive::new(answer.access_token)))
    }

    /// `POST /school/invites/redeem`.
    pub async fn redeem(&self, form: &InviteForm) -> Result<JoinAnswer> {
        let request = self
            .http
            .post(format!("{}/school/invites/redeem", self.base))
            .json(&Redeem {
                code: form.code.trim().to_owned(),
                first_name: form.first_name.clone(),
                last_name: form.last_name.clone(),
                child_name: form.child_name.clone(),
                login: form.login.clone(),
                password: form.password.expose().clone(),
                device_name: form.device_name.clone(),
                consent_personal_data: form.consent_personal_data,
            });
        answer_of(send_request(request).await?)
    }

    /// `POST /school/join-requests/status`.
    pub async fn join_status(&self, request_token: &Sensitive<String>) -> Result<JoinAnswer> {
        let request = self
            .http
            .post(format!("{}/school/join-requests/status", self.base))
            .json(&StatusRequest {
                request_token: request_token.expose().clone(),
            });
        answer_of(send_request(request).await?)
    }
}

/// The code of an invitation link, from `parta://join/<code>`, an https link ending in it, or
/// the code alone.
pub fn invite_code(link: &str) -> Option<String> {
    let link = link.trim();
    let code = link
        .strip_prefix("parta://join/")
        .or_else(|| link.rsplit_once("/join/").map(|(_, code)| code))
        .unwrap_or(link);
    let code = code.split(['?', '#']).next().unwrap_or("");
    (code.len() == 32 && code.bytes().all(|b| b.is_ascii_hexdigit())).then(|| code.to_owned())
}

/// The server address an invitation link names (`…?server=<address>`), if any.
pub fn invite_server(link: &str) -> Option<String> {
    let query = link.trim().split_once('?')?.1;
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("server="))?;
    let decoded = percent_decode(value)?;
    (decoded.starts_with("http://") || decoded.starts_with("https://")).then_some(decoded)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_codes_come_from_deep_links_https_links_or_alone() {
        let code = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            invite_code(&format!("parta://join/{code}")).as_deref(),
            Some(code)
        );
        assert_eq!(
            invite_code(&format!("https://school.example/join/{code}?utm=x")).as_deref(),
            Some(code)
        );
        assert_eq!(invite_code(&format!("  {code} ")).as_deref(), Some(code));
        assert_eq!(invite_code("parta://join/short"), None);
        assert_eq!(invite_code("https://evil.example/join/../../etc"), None);
    }

    #[test]
    fn the_server_address_comes_from_the_link() {
        let link =
            "parta://join/0123456789abcdef0123456789abcdef?server=http%3A%2F%2F127.0.0.1%3A8080";
        assert_eq!(
            invite_server(link).as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            invite_code(link).as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        assert_eq!(invite_server("parta://join/abc"), None);
        assert_eq!(
            invite_server("parta://join/abc?server=file%3A%2F%2F%2Fetc"),
            None
        );
        assert_eq!(invite_server("parta://join/abc?server=%ZZ"), None);
    }
}
