//! The `[max]` section of the server's settings file and its environment variables: whether
//! the bridge runs, where MAX is, the token and how updates come (docs/server-config.md).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::bridge::{BridgeConfig, MIN_POLL_PAUSE, Mode};
use super::token::{BotToken, TOKEN_ENV};

/// `[max]`: every key optional. The bridge runs when the section is there (and not
/// `enabled = false`) or the environment gives a token.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MaxSection {
    pub enabled: Option<bool>,
    /// The token's file, readable by the server's user alone.
    pub token_file: Option<PathBuf>,
    /// MAX's address (default [`parta_model::max::MAX_API_URL`]).
    pub url: Option<String>,
    /// A root certificate to trust besides the system's (the Ministry's), PEM.
    pub root_cert: Option<PathBuf>,
    /// The school's public https address MAX delivers updates to; long polling without it.
    pub webhook_url: Option<String>,
    /// The file with the webhook's secret (5–256 of A–Z, a–z, 0–9, `_`, `-`).
    pub webhook_secret_file: Option<PathBuf>,
    /// Requests a second toward MAX (default 30, MAX's limit).
    pub requests_per_second: Option<f64>,
    /// Time between long polls' starts in ms (at least 300).
    pub poll_pause_ms: Option<u64>,
}

/// The bridge's configuration from the section (`None` if absent) and the environment, or
/// what is wrong with them in a sentence.
pub fn bridge_config(
    section: Option<&MaxSection>,
    env: &dyn Fn(&str) -> Option<String>,
    read: &dyn Fn(&Path) -> std::io::Result<String>,
) -> Result<Option<BridgeConfig>, String> {
    let from_env = env("PARTA_MAX_TOKEN_FILE").is_some() || env(TOKEN_ENV).is_some();
    let section = section.cloned().unwrap_or_default();
    let wanted = match section.enabled {
        Some(enabled) => enabled,
        None => from_env || section.token_file.is_some(),
    };
    if !wanted {
        return Ok(None);
    }
    let token_file = env("PARTA_MAX_TOKEN_FILE")
        .map(PathBuf::from)
        .or(section.token_file);
    let token = BotToken::load(token_file.as_deref(), env).map_err(|e| e.to_string())?;
    let url = env("PARTA_MAX_URL")
        .or(section.url)
        .unwrap_or_else(|| parta_model::max::MAX_API_URL.to_owned());
    let root_cert = env("PARTA_MAX_ROOT_CERT")
        .map(PathBuf::from)
        .or(section.root_cert);
    let root_pem = match root_cert {
        Some(path) => Some(
            read(&path)
                .map_err(|e| format!("max.root_cert: cannot read {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let mut config = BridgeConfig::new(&url, token);
    config.root_pem = root_pem;
    if let Some(rate) = section.requests_per_second {
        if !(rate.is_finite() && rate >= 1.0) {
            return Err(format!(
                "max.requests_per_second: '{rate}' is not a number >= 1"
            ));
        }
        config.requests_per_second = rate;
    }
    if let Some(ms) = section.poll_pause_ms {
        config.poll_pause = Duration::from_millis(ms).max(MIN_POLL_PAUSE);
    }
    let webhook_url = env("PARTA_MAX_WEBHOOK_URL").or(section.webhook_url);
    if let Some(url) = webhook_url {
        if !url.starts_with("https://") {
            return Err(format!(
                "max.webhook_url: '{url}' is not an https address (MAX delivers only over https, \
                 on port 443)"
            ));
        }
        let secret_file = env("PARTA_MAX_WEBHOOK_SECRET_FILE")
            .map(PathBuf::from)
            .or(section.webhook_secret_file)
            .ok_or(
                "max.webhook_url needs max.webhook_secret_file: MAX proves its deliveries with it",
            )?;
        let secret = BotToken::from_file(&secret_file)
            .map_err(|e| format!("max.webhook_secret_file: {e}"))?;
        let valid = (5..=256).contains(&secret.header().len())
            && secret
                .header()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(
                "max.webhook_secret_file: the secret must be 5 to 256 of A-Z, a-z, 0-9, _ and -"
                    .into(),
            );
        }
        config.mode = Mode::Webhook { url, secret };
    }
    Ok(Some(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    fn no_files(path: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} does not exist", path.display()),
        ))
    }

    #[test]
    fn no_section_and_no_token_means_no_bridge() {
        assert!(matches!(bridge_config(None, &none, &no_files), Ok(None)));
    }

    #[test]
    fn a_token_in_the_environment_starts_the_bridge_long_polling() {
        let env = |key: &str| (key == TOKEN_ENV).then(|| "tok-1".to_owned());
        let config = bridge_config(None, &env, &no_files)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("a bridge"));
        assert!(matches!(config.mode, Mode::LongPoll));
        assert_eq!(config.url, parta_model::max::MAX_API_URL);
        assert_eq!(config.poll_pause, MIN_POLL_PAUSE);
    }

    #[test]
    fn a_webhook_needs_https_and_a_secret() {
        let env = |key: &str| (key == TOKEN_ENV).then(|| "tok-1".to_owned());
        let plain = MaxSection {
            webhook_url: Some("http://school.example/max/webhook".into()),
            ..Default::default()
        };
        let err = bridge_config(Some(&plain), &env, &no_files).unwrap_err();
        assert!(err.contains("https"), "{err}");
        let no_secret = MaxSection {
            webhook_url: Some("https://school.example/max/webhook".into()),
            ..Default::default()
        };
        let err = bridge_config(Some(&no_secret), &env, &no_files).unwrap_err();
        assert!(err.contains("webhook_secret_file"), "{err}");
    }

    #[test]
    fn a_short_poll_pause_is_raised_to_300_ms() {
        let env = |key: &str| (key == TOKEN_ENV).then(|| "tok-1".to_owned());
        let section = MaxSection {
            poll_pause_ms: Some(10),
            ..Default::default()
        };
        let config = bridge_config(Some(&section), &env, &no_files)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("a bridge"));
        assert_eq!(config.poll_pause, Duration::from_millis(300));
    }
}
