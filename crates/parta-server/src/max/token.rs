//! The bot's token: from a file that only the server's user may read, or from the environment.
//! It lives in memory only, never prints (`Debug` and `Display` say `<redacted>`), and goes to
//! MAX only in the `Authorization` header.

use std::path::Path;

/// The environment variable that may hold the token (a file is preferred: the environment of a
/// process can be read by its user's other processes).
pub const TOKEN_ENV: &str = "PARTA_MAX_TOKEN";

/// The school's bot token.
#[derive(Clone)]
pub struct BotToken(String);

impl std::fmt::Debug for BotToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BotToken(<redacted>)")
    }
}

/// Why no token could be had.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// The file could not be read.
    #[error("cannot read the MAX bot token file {path}: {reason}")]
    Unreadable { path: String, reason: String },
    /// Others than the server's user may read the file.
    #[error(
        "the MAX bot token file {path} may be read by others (mode {mode:o}): let only the \
         server's user read it (chmod 600 {path})"
    )]
    TooOpen { path: String, mode: u32 },
    /// The file or variable holds no token, or one with spaces in it.
    #[error("the MAX bot token in {from} is empty or has spaces in it")]
    Malformed { from: String },
    /// Neither a file nor the environment gave one.
    #[error(
        "no MAX bot token: give --token-file FILE (readable by this user alone) or set {TOKEN_ENV}"
    )]
    Missing,
}

impl BotToken {
    /// A token as given (trimmed); refused if empty or spaced.
    pub fn new(token: &str, from: &str) -> Result<Self, TokenError> {
        let token = token.trim();
        if token.is_empty() || token.chars().any(char::is_whitespace) {
            return Err(TokenError::Malformed {
                from: from.to_owned(),
            });
        }
        Ok(Self(token.to_owned()))
    }

    /// The token in `path`, which only its owner may read or write.
    pub fn from_file(path: &Path) -> Result<Self, TokenError> {
        let shown = path.display().to_string();
        let unreadable = |e: std::io::Error| TokenError::Unreadable {
            path: shown.clone(),
            reason: e.to_string(),
        };
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(TokenError::TooOpen { path: shown, mode });
            }
        }
        #[cfg(not(unix))]
        let _ = meta;
        let text = std::fs::read_to_string(path).map_err(unreadable)?;
        Self::new(&text, &shown)
    }

    /// From `file` if given, else from [`TOKEN_ENV`] as `env` reads it.
    pub fn load(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, TokenError> {
        match (file, env(TOKEN_ENV)) {
            (Some(path), _) => Self::from_file(path),
            (None, Some(value)) => Self::new(&value, TOKEN_ENV),
            (None, None) => Err(TokenError::Missing),
        }
    }

    /// The token, for the `Authorization` header only (or the webhook secret, for its
    /// header).
    pub(super) fn header(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_prints() {
        let token = BotToken::new(" secret-token-123 ", "test").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(format!("{token:?}"), "BotToken(<redacted>)");
        assert_eq!(token.header(), "secret-token-123");
    }

    #[test]
    fn an_empty_or_spaced_token_is_refused() {
        assert!(matches!(
            BotToken::new("  ", "x"),
            Err(TokenError::Malformed { .. })
        ));
        assert!(matches!(
            BotToken::new("a b", "x"),
            Err(TokenError::Malformed { .. })
        ));
        let none = |_: &str| None;
        assert_eq!(BotToken::load(None, &none).err(), Some(TokenError::Missing));
    }

    #[cfg(unix)]
    #[test]
    fn a_token_file_others_may_read_is_refused_and_one_of_its_own_is_taken() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("max.token");
        std::fs::write(&path, "tok-123\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
            .unwrap_or_else(|e| panic!("{e}"));
        let refused = BotToken::from_file(&path).unwrap_err();
        assert!(
            matches!(refused, TokenError::TooOpen { mode: 0o644, .. }),
            "{refused}"
        );
        assert!(refused.to_string().contains("chmod 600"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .unwrap_or_else(|e| panic!("{e}"));
        let token = BotToken::from_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(token.header(), "tok-123");
    }
}
