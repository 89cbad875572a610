//! Which links may leave the app for the system's browser or mail program.

/// Whether a link may leave the app: web and mail links only, of sane length, without spaces
/// or control characters.
pub fn is_openable(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len())
        && url.len() <= 2048
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Whether a lesson's link may be opened: an openable link, and https.
pub fn is_conference_link(url: &str) -> bool {
    url.to_ascii_lowercase().starts_with("https://") && is_openable(url)
}

#[cfg(test)]
mod tests {
    use super::{is_conference_link, is_openable};

    #[test]
    fn a_lesson_opens_only_an_https_link() {
        assert!(is_conference_link("https://vk.com/call/join/abc"));
        assert!(is_conference_link("HTTPS://telemost.yandex.ru/j/123"));
        for bad in [
            "http://vk.com/call/join/abc",
            "mailto:teacher@example.org",
            "file:///home/user/lesson.html",
            "javascript:alert(1)",
            "https://a b",
            "https://",
        ] {
            assert!(!is_conference_link(bad), "{bad}");
        }
    }

    #[test]
    fn only_web_and_mail_links_leave_the_app() {
        assert!(is_openable("https://school.example/rules"));
        assert!(is_openable("mailto:school@example.org"));
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "parta://join/abc",
            "https://",
            "https://a b",
            "ftp://x",
            "",
        ] {
            assert!(!is_openable(bad), "{bad}");
        }
    }
}
