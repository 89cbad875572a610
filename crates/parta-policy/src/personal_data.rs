//! Personal data in text (procedure 5.1, 8): СНИЛС, ИНН, passports, birth certificates,
//! phone numbers, e-mail, bank cards and dates of birth. Checksums (СНИЛС, ИНН, Luhn) make the
//! numeric detectors precise; the others need their shape or a context word.

use serde::{Deserialize, Serialize};

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PdKind {
    Snils,
    InnPerson,
    InnOrganisation,
    Passport,
    BirthCertificate,
    Phone,
    Email,
    BankCard,
    DateOfBirth,
}

/// A finding: a byte range of the text and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdSpan {
    pub start: usize,
    pub end: usize,
    pub kind: PdKind,
}

/// СНИЛС checksum over 11 digits.
pub fn snils_valid(d: &[u8]) -> bool {
    if d.len() != 11 {
        return false;
    }
    let number: u64 = d[..9].iter().fold(0, |n, &x| n * 10 + u64::from(x));
    // Checksums are defined for numbers above 001-001-998.
    if number <= 1_001_998 {
        return false;
    }
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &x)| u32::from(x) * (9 - i as u32))
        .sum();
    let check = match sum {
        s if s < 100 => s,
        100 | 101 => 0,
        s => {
            let r = s % 101;
            if r == 100 { 0 } else { r }
        }
    };
    check == u32::from(d[9]) * 10 + u32::from(d[10])
}

fn weighted(d: &[u8], w: &[u32]) -> u8 {
    let sum: u32 = d.iter().zip(w).map(|(&x, &w)| u32::from(x) * w).sum();
    ((sum % 11) % 10) as u8
}

/// ИНН of an organisation (10 digits).
pub fn inn10_valid(d: &[u8]) -> bool {
    d.len() == 10 && weighted(&d[..9], &[2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9]
}

/// ИНН of a person (12 digits).
pub fn inn12_valid(d: &[u8]) -> bool {
    d.len() == 12
        && weighted(&d[..10], &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10]
        && weighted(&d[..11], &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11]
}

/// Luhn checksum (bank cards).
pub fn luhn_valid(d: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &x) in d.iter().rev().enumerate() {
        let mut v = u32::from(x);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !d.is_empty() && sum.is_multiple_of(10)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Lower-cased text before `at` (up to `chars` characters), for context words.
fn before(text: &str, at: usize, chars: usize) -> String {
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(chars)
        .map(|(i, _)| i)
        .unwrap_or(0);
    text[start..at].to_lowercase()
}

fn after(text: &str, at: usize, chars: usize) -> String {
    let end = text[at..]
        .char_indices()
        .nth(chars)
        .map(|(i, _)| at + i)
        .unwrap_or(text.len());
    text[at..end].to_lowercase()
}

/// Finds personal data in `text`, in order of position.
pub fn scan(text: &str) -> Vec<PdSpan> {
    let mut out = Vec::new();
    scan_numbers(text, &mut out);
    scan_emails(text, &mut out);
    scan_birth_certificates(text, &mut out);
    scan_dates_of_birth(text, &mut out);
    out.sort_by_key(|s| (s.start, s.end));
    out
}

/// Personal data in an attachment, where reading it is cheap: plain-text files, and the text
/// of Word (.docx) and OpenDocument (.odt) documents, which are ZIP files holding XML.
/// `None` means the format is not read (PDF text extraction is not done here). For documents
/// the spans are positions in [`attachment_text`], not in the file's bytes.
pub fn scan_attachment(bytes: &[u8]) -> Option<Vec<PdSpan>> {
    attachment_text(bytes).map(|text| scan(&text))
}

/// The text of an attachment, where reading it is cheap (see [`scan_attachment`]).
pub fn attachment_text(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(4096)];
    match crate::files::sniff(head) {
        crate::files::Format::Text => Some(String::from_utf8_lossy(bytes).into_owned()),
        crate::files::Format::Docx => zip_entry(bytes, "word/document.xml").map(|x| xml_text(&x)),
        crate::files::Format::Odt => zip_entry(bytes, "content.xml").map(|x| xml_text(&x)),
        _ => None,
    }
}

/// Most bytes one document part may inflate to (a ZIP bomb stops here).
const MAX_XML_BYTES: usize = 32 * 1024 * 1024;

fn le16(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
}

fn le32(b: &[u8], at: usize) -> Option<usize> {
    usize::try_from(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?)).ok()
}

/// The bytes of one entry of a ZIP file, found through its central directory.
fn zip_entry(zip: &[u8], wanted: &str) -> Option<Vec<u8>> {
    // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
    let tail_start = zip.len().saturating_sub(65_557);
    let eocd = (tail_start..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| zip.get(i..i + 4) == Some(b"PK\x05\x06"))?;
    let entries = le16(zip, eocd + 10)?;
    let mut at = le32(zip, eocd + 16)?;
    for _ in 0..entries {
        if zip.get(at..at + 4) != Some(b"PK\x01\x02") {
            return None;
        }
        let method = le16(zip, at + 10)?;
        let compressed = le32(zip, at + 20)?;
        let name_len = le16(zip, at + 28)?;
        let extra_len = le16(zip, at + 30)?;
        let comment_len = le16(zip, at + 32)?;
        let local = le32(zip, at + 42)?;
        let name = zip.get(at + 46..at + 46 + name_len)?;
        if name == wanted.as_bytes() {
            if zip.get(local..local + 4) != Some(b"PK\x03\x04") {
                return None;
            }
            let data_start = local + 30 + le16(zip, local + 26)? + le16(zip, local + 28)?;
            let data = zip.get(data_start..data_start.checked_add(compressed)?)?;
            return match method {
                0 => Some(data.to_vec()),
                8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, MAX_XML_BYTES).ok(),
                _ => None,
            };
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    None
}

/// The text of a document's XML: tags dropped, paragraphs and line breaks kept as newlines,
/// the five XML entities decoded.
fn xml_text(xml: &[u8]) -> String {
    let xml = String::from_utf8_lossy(xml);
    let mut out = String::with_capacity(xml.len() / 4);
    let mut rest = xml.as_ref();
    while let Some(open) = rest.find('<') {
        push_decoded(&mut out, &rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name = tag.trim_start_matches('/');
        let name = name.split([' ', '/']).next().unwrap_or("");
        if (tag.starts_with('/') && matches!(name, "w:p" | "text:p" | "text:h"))
            || matches!(name, "w:br" | "w:tab" | "text:line-break" | "text:tab")
        {
            out.push(if name.ends_with("tab") { '\t' } else { '\n' });
        }
        rest = &rest[open + close + 1..];
    }
    push_decoded(&mut out, rest);
    out
}

fn push_decoded(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let entity = rest[amp..].find(';').map(|end| &rest[amp..amp + end + 1]);
        let decoded = match entity {
            Some("&amp;") => Some('&'),
            Some("&lt;") => Some('<'),
            Some("&gt;") => Some('>'),
            Some("&quot;") => Some('"'),
            Some("&apos;") => Some('\''),
            _ => None,
        };
        match (decoded, entity) {
            (Some(c), Some(entity)) => {
                out.push(c);
                rest = &rest[amp + entity.len()..];
            }
            _ => {
                out.push('&');
                rest = &rest[amp + 1..];
            }
        }
    }
    out.push_str(rest);
}

fn scan_numbers(text: &str, out: &mut Vec<PdSpan>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let starts_number =
            b[i].is_ascii_digit() || (b[i] == b'+' && b.get(i + 1).is_some_and(u8::is_ascii_digit));
        if !starts_number || (i > 0 && is_word_byte(b[i - 1]) && b[i - 1] != b'+') {
            i += 1;
            continue;
        }
        // A run of digits with single separators between digit groups.
        let start = i;
        let mut digits = Vec::with_capacity(20);
        let mut j = i;
        let mut end = i;
        let mut open_paren = false;
        if b[j] == b'+' {
            j += 1;
        }
        while j < b.len() && digits.len() <= 20 {
            let c = b[j];
            if c.is_ascii_digit() {
                digits.push(c - b'0');
                j += 1;
                end = j;
            } else if matches!(c, b' ' | b'-' | b'(' | b')' | b'\xC2') && j + 1 < b.len() {
                // \xC2\xA0 is a no-break space.
                let width = if c == b'\xC2' && b[j + 1] == b'\xA0' {
                    2
                } else if c == b'\xC2' {
                    break;
                } else {
                    1
                };
                if c == b'(' {
                    open_paren = true;
                }
                if c == b')' && !open_paren {
                    break;
                }
                let next = j + width;
                let next_ok = b
                    .get(next)
                    .is_some_and(|n| n.is_ascii_digit() || *n == b'(' || *n == b' ');
                if !next_ok {
                    break;
                }
                j = next;
            } else {
                break;
            }
        }
        // The run must end at a word boundary.
        if end < b.len() && is_word_byte(b[end]) && !b[end].is_ascii_digit() {
            i = end.max(i + 1);
            continue;
        }
        if let Some(kind) = classify(text, start, end, &digits) {
            out.push(PdSpan { start, end, kind });
        }
        i = end.max(i + 1);
    }
}

fn classify(text: &str, start: usize, end: usize, d: &[u8]) -> Option<PdKind> {
    let raw = &text[start..end];
    let context = before(text, start, 30);
    let plus = raw.starts_with('+');
    match d.len() {
        11 => {
            if !plus && snils_valid(d) {
                return Some(PdKind::Snils);
            }
            if (d[0] == 7 || (d[0] == 8 && !plus)) && matches!(d[1], 3 | 4 | 8 | 9) {
                return Some(PdKind::Phone);
            }
            None
        }
        10 => {
            let spaced_passport =
                raw.len() == 12 && raw.as_bytes()[2] == b' ' && raw.as_bytes()[5] == b' ';
            if context.contains("паспорт") || spaced_passport {
                return Some(PdKind::Passport);
            }
            if inn10_valid(d) && (context.contains("инн") || !raw.contains(' ')) {
                return Some(PdKind::InnOrganisation);
            }
            if d[0] == 9 && raw.chars().any(|c| matches!(c, ' ' | '-' | '(')) {
                return Some(PdKind::Phone);
            }
            None
        }
        12 if inn12_valid(d) => Some(PdKind::InnPerson),
        13..=19 if luhn_valid(d) && (2..=6).contains(&d[0]) => Some(PdKind::BankCard),
        _ => None,
    }
}

fn scan_emails(text: &str, out: &mut Vec<PdSpan>) {
    let b = text.as_bytes();
    for (at, _) in text.match_indices('@') {
        let local_ok = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-' | b'+');
        let mut s = at;
        while s > 0 && local_ok(b[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < b.len() && (b[e].is_ascii_alphanumeric() || matches!(b[e], b'.' | b'-')) {
            e += 1;
        }
        while e > at + 1 && b[e - 1] == b'.' {
            e -= 1;
        }
        let domain = &text[at + 1..e];
        let tld_ok = domain.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty() && tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic())
        });
        if s < at && tld_ok {
            out.push(PdSpan {
                start: s,
                end: e,
                kind: PdKind::Email,
            });
        }
    }
}

/// "II-МЮ 123456", "IV-АГ № 654321": a Roman series, two Cyrillic capitals, six digits.
fn scan_birth_certificates(text: &str, out: &mut Vec<PdSpan>) {
    let roman = |c: char| matches!(c, 'I' | 'V' | 'X' | 'L' | 'І');
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices();
    while let Some((start, c)) = iter.next() {
        let before = prev.replace(c);
        if !roman(c) || before.is_some_and(char::is_alphanumeric) {
            continue;
        }
        // Look at a short window only: certificates are at most ~20 characters long.
        let window: Vec<(usize, char)> = text[start..].char_indices().take(24).collect();
        let mut j = 0;
        while j < window.len() && roman(window[j].1) {
            j += 1;
        }
        let letters = j + 2 < window.len()
            && matches!(window[j].1, '-' | '–' | ' ')
            && ('А'..='Я').contains(&window[j + 1].1)
            && ('А'..='Я').contains(&window[j + 2].1);
        if !letters {
            continue;
        }
        let mut k = j + 3;
        while k < window.len() && matches!(window[k].1, ' ' | '№' | '\u{a0}') {
            k += 1;
        }
        let digits_start = k;
        while k < window.len() && window[k].1.is_ascii_digit() {
            k += 1;
        }
        let ends_word = !window.get(k).is_some_and(|(_, c)| c.is_alphanumeric());
        if k - digits_start == 6 && ends_word {
            let end = start + window.get(k).map(|(i, _)| *i).unwrap_or(text.len() - start);
            out.push(PdSpan {
                start,
                end,
                kind: PdKind::BirthCertificate,
            });
            // Skip past it.
            while iter.offset() < end {
                if iter.next().is_none() {
                    break;
                }
            }
        }
    }
}

const BIRTH_WORDS: &[&str] = &[
    "г.р",
    "г. р",
    "года рождения",
    "дата рождения",
    "даты рождения",
    "родил",
    "д.р",
    "дня рождения",
    "born",
    "date of birth",
    "dob",
];

/// A date "dd.mm.yyyy" next to a birth word, or right after a capitalised name pair.
fn scan_dates_of_birth(text: &str, out: &mut Vec<PdSpan>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 8 <= b.len() {
        let date = parse_date(&b[i..]);
        let boundary = i == 0 || !b[i - 1].is_ascii_digit();
        let Some(len) = date.filter(|_| boundary) else {
            i += 1;
            continue;
        };
        let end = i + len;
        let context = format!("{} {}", before(text, i, 40), after(text, end, 20));
        let near_name = names_before(&text[..i]);
        if BIRTH_WORDS.iter().any(|w| context.contains(w)) || near_name {
            out.push(PdSpan {
                start: i,
                end,
                kind: PdKind::DateOfBirth,
            });
        }
        i = end;
    }
}

/// Length of a "dd.mm.yyyy" date at the start of `b` with a plausible birth year.
fn parse_date(b: &[u8]) -> Option<usize> {
    let num = |s: &[u8]| {
        s.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() < 10 || b[2] != b'.' || b[5] != b'.' {
        return None;
    }
    let (day, month, year) = (num(&b[0..2])?, num(&b[3..5])?, num(&b[6..10])?);
    let ok = (1..=31).contains(&day) && (1..=12).contains(&month) && (1900..=2030).contains(&year);
    let followed_by_digit = b.get(10).is_some_and(u8::is_ascii_digit);
    (ok && !followed_by_digit).then_some(10)
}

/// Whether the text just before ends with two capitalised words ("Морозова Дарья, 12.03.2014").
fn names_before(prefix: &str) -> bool {
    let tail: String = prefix
        .chars()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let words: Vec<&str> = tail
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let capitalised = |w: &&str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().skip(1).all(char::is_lowercase)
            && w.chars().count() > 1
    };
    let trimmed = prefix
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '-' | '–' | ':' | '('));
    let ends_with_word = trimmed.chars().last().is_some_and(char::is_alphabetic);
    ends_with_word && words.len() >= 2 && words[words.len() - 2..].iter().all(capitalised)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<PdKind> {
        scan(text).into_iter().map(|s| s.kind).collect()
    }

    fn digits(s: &str) -> Vec<u8> {
        s.bytes()
            .filter(u8::is_ascii_digit)
            .map(|c| c - b'0')
            .collect()
    }

    #[test]
    fn checksums_accept_valid_numbers_and_reject_one_digit_off() {
        assert!(snils_valid(&digits("112-233-445 95")));
        assert!(!snils_valid(&digits("112-233-445 96")));
        assert!(inn10_valid(&digits("7707083893")));
        assert!(!inn10_valid(&digits("7707083894")));
        assert!(inn12_valid(&digits("500100732259")));
        assert!(!inn12_valid(&digits("500100732258")));
        assert!(luhn_valid(&digits("4111 1111 1111 1111")));
        assert!(!luhn_valid(&digits("4111 1111 1111 1112")));
    }

    #[test]
    fn clause_8_finds_each_kind_with_its_span() {
        let text = "СНИЛС 112-233-445 95, ИНН 500100732259, тел. +7 (912) 345-67-89";
        let spans = scan(text);
        assert_eq!(spans.len(), 3, "{spans:?}");
        assert_eq!(&text[spans[0].start..spans[0].end], "112-233-445 95");
        assert_eq!(spans[1].kind, PdKind::InnPerson);
        assert_eq!(&text[spans[2].start..spans[2].end], "+7 (912) 345-67-89");
    }

    #[test]
    fn phones_in_common_spellings() {
        for phone in [
            "+79123456789",
            "8 912 345 67 89",
            "8(912)345-67-89",
            "+7 912 345-67-89",
            "912 345-67-89",
        ] {
            assert_eq!(
                kinds(&format!("звоните: {phone}")),
                vec![PdKind::Phone],
                "{phone}"
            );
        }
    }

    #[test]
    fn passports_cards_certificates_emails_and_birth_dates() {
        assert_eq!(kinds("паспорт 4508 123456"), vec![PdKind::Passport]);
        assert_eq!(kinds("серия и номер: 45 08 123456"), vec![PdKind::Passport]);
        assert_eq!(
            kinds("карта 2200 1234 5678 9010"),
            Vec::<PdKind>::new(),
            "Luhn fails"
        );
        assert_eq!(kinds("карта 4111 1111 1111 1111"), vec![PdKind::BankCard]);
        assert_eq!(
            kinds("свидетельство II-МЮ 123456"),
            vec![PdKind::BirthCertificate]
        );
        assert_eq!(kinds("пишите на mama.dashi@mail.ru."), vec![PdKind::Email]);
        assert_eq!(
            kinds("Морозова Дарья, 12.03.2014"),
            vec![PdKind::DateOfBirth]
        );
        assert_eq!(
            kinds("дата рождения: 05.11.2013"),
            vec![PdKind::DateOfBirth]
        );
    }

    #[test]
    fn text_attachments_are_read_and_binary_ones_are_not() {
        let found = scan_attachment("Список: Морозова Дарья, СНИЛС 112-233-445 95".as_bytes());
        assert_eq!(found.map(|f| f.len()), Some(1));
        assert_eq!(scan_attachment(b"%PDF-1.7 112-233-445 95"), None);
    }

    /// A ZIP file of `(name, content)` entries, deflated as office suites write them.
    fn zip(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, content, deflate) in entries {
            let data = if *deflate {
                miniz_oxide::deflate::compress_to_vec(content, 6)
            } else {
                content.to_vec()
            };
            let method: u16 = if *deflate { 8 } else { 0 };
            let offset = out.len() as u32;
            out.extend_from_slice(b"PK\x03\x04\x14\0\0\0");
            out.extend_from_slice(&method.to_le_bytes());
            out.extend_from_slice(&[0; 8]); // time, date, crc (not checked by the reader)
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(content.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&data);
            central.extend_from_slice(b"PK\x01\x02\x14\0\x14\0\0\0");
            central.extend_from_slice(&method.to_le_bytes());
            central.extend_from_slice(&[0; 8]);
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(content.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]); // extra, comment, disk, attributes
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let directory_at = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&directory_at.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    #[test]
    fn the_text_of_word_and_opendocument_files_is_read() {
        let document = "<?xml version=\"1.0\"?><w:document><w:body>\
            <w:p><w:r><w:t>Список класса &amp; данные</w:t></w:r></w:p>\
            <w:p><w:r><w:t xml:space=\"preserve\">Морозова Дарья, СНИЛС </w:t></w:r>\
            <w:r><w:t>112-233-445 95</w:t></w:r></w:p></w:body></w:document>";
        let docx = zip(&[
            ("[Content_Types].xml", b"<Types/>", true),
            ("word/document.xml", document.as_bytes(), true),
        ]);
        let text = attachment_text(&docx).unwrap();
        assert_eq!(
            text,
            "Список класса & данные\nМорозова Дарья, СНИЛС 112-233-445 95\n"
        );
        let found = scan_attachment(&docx).unwrap();
        assert_eq!(
            found.iter().map(|f| f.kind).collect::<Vec<_>>(),
            vec![PdKind::Snils]
        );

        let content = "<office:document-content><text:p>Телефон мамы: +7 (912) 345-67-89\
            </text:p></office:document-content>";
        let odt = zip(&[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.text",
                false,
            ),
            ("content.xml", content.as_bytes(), true),
        ]);
        let found = scan_attachment(&odt).unwrap();
        assert_eq!(
            found.iter().map(|f| f.kind).collect::<Vec<_>>(),
            vec![PdKind::Phone]
        );
    }

    #[test]
    fn broken_or_hostile_archives_give_nothing_and_never_panic() {
        let document = "<w:p><w:t>СНИЛС 112-233-445 95</w:t></w:p>";
        let docx = zip(&[
            ("[Content_Types].xml", b"<Types/>", true),
            ("word/document.xml", document.as_bytes(), true),
        ]);
        for cut in [10, 40, docx.len() / 2, docx.len() - 30, docx.len() - 1] {
            let _ = attachment_text(&docx[..cut]);
        }
        // A bomb: 64 MiB of zeros inflates past the limit and is not read.
        let zeros = vec![b'0'; 64 * 1024 * 1024];
        let bomb = zip(&[
            ("[Content_Types].xml", b"<Types/>", true),
            ("word/document.xml", &zeros, true),
        ]);
        assert_eq!(attachment_text(&bomb), None);
    }

    #[test]
    fn school_numbers_are_not_personal_data() {
        for text in [
            "Собрание 28.11.2025 в 18:00, кабинет 214",
            "Задание: № 245, 247 и 250 на странице 61",
            "Сдать 1500 рублей до 01.12.2025",
            "Олимпиада в субботу, 10:00, ауд. 3-14",
            "Номер заказа 12345678901234",
        ] {
            assert!(scan(text).is_empty(), "{text}: {:?}", scan(text));
        }
    }
}
