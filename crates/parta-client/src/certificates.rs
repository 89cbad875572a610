//! Root certificates a person pastes: a school's own authority, or the Ministry's root MAX
//! uses. A certificate copied through a web form or an email often loses its line breaks or
//! gains spaces; it is still the same certificate, so it is rewritten as standard PEM before it
//! is used or kept.

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

/// The certificates in `text` as standard PEM (each block's base64 without spaces or breaks,
/// wrapped at 64 columns), or `None` when `text` holds no complete certificate block or a block
/// holds something other than base64.
pub fn normalize_pem(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let end = after.find(END)?;
        let body: String = after[..end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
        if body.is_empty() || !body.chars().all(base64) {
            return None;
        }
        out.push_str(BEGIN);
        out.push('\n');
        for line in body.as_bytes().chunks(64) {
            // Base64 is ASCII, so every chunk is whole characters.
            out.push_str(std::str::from_utf8(line).ok()?);
            out.push('\n');
        }
        out.push_str(END);
        out.push('\n');
        rest = &after[end + END.len()..];
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str =
        "MIIBzTCCAXKgAwIBAgIUYnUZLHnE8QB79DG6DhyW5oWXNHgwCgYIKoZIzj0EAwIwQzFBMD8GA1UE";

    #[test]
    fn a_certificate_that_lost_its_line_breaks_is_the_same_certificate() {
        let pasted = format!("{BEGIN}{BODY}{END}");
        let clean = normalize_pem(&pasted).unwrap_or_default();
        assert_eq!(
            clean,
            format!("{BEGIN}\n{}\n{}\n{END}\n", &BODY[..64], &BODY[64..])
        );
        let spaced = format!("  {BEGIN}\r\n{} {}\r\n{END}  ", &BODY[..10], &BODY[10..]);
        assert_eq!(normalize_pem(&spaced).as_deref(), Some(clean.as_str()));
    }

    #[test]
    fn two_certificates_stay_two_and_anything_else_is_refused() {
        let two = format!("{BEGIN}\n{BODY}\n{END}\n{BEGIN}\n{BODY}\n{END}\n");
        assert_eq!(
            normalize_pem(&two).map(|p| p.matches(BEGIN).count()),
            Some(2)
        );
        assert_eq!(normalize_pem("not a certificate"), None);
        assert_eq!(
            normalize_pem(&format!("{BEGIN}\n{BODY}")),
            None,
            "no END line"
        );
        assert_eq!(normalize_pem(&format!("{BEGIN}\nкириллица\n{END}")), None);
        assert_eq!(
            normalize_pem(&format!("{BEGIN}\n{END}")),
            None,
            "an empty block"
        );
    }
}
