//! Server addresses: plain `http://` is for this computer only (a password or token sent there
//! never crosses a network); anything else goes over `https` (procedure 8.1). One rule for the
//! client's school servers and the server's way to MAX.

/// Whether `url` is plain http to another computer (and so must not be used).
pub fn is_plain_http_elsewhere(url: &str) -> bool {
    match url.trim().strip_prefix("http://") {
        Some(rest) => !is_loopback_authority(rest),
        None => false,
    }
}

/// Whether the host at the start of `authority_and_path` (what follows `http://`) is this
/// computer: 127.0.0.0/8, ::1 or `localhost`. User info (`127.0.0.1@elsewhere`) never is.
fn is_loopback_authority(authority_and_path: &str) -> bool {
    let authority = authority_and_path
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_for_this_computer_only() {
        for local in [
            "http://127.0.0.1:8080",
            "http://localhost:3000/",
            "http://[::1]:80",
            "http://127.0.0.2",
            "https://school.example",
        ] {
            assert!(!is_plain_http_elsewhere(local), "{local}");
        }
        for remote in [
            "http://school.example",
            "http://10.0.0.5:8080",
            "http://127.0.0.1@evil.example",
            "http://localhost.evil.example",
            "http://[2001:db8::1]:80",
        ] {
            assert!(is_plain_http_elsewhere(remote), "{remote}");
        }
    }
}
