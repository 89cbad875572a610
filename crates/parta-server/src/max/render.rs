//! How a Parta message reads in MAX: its author's name and role in bold in front («**Анна
//! Петровна, классный руководитель 5А:** …»), the formatting as MAX Markdown, and a text longer
//! than MAX's 4,000 characters cut into parts, in order, at line or word ends, each keeping its
//! share of the formatting.

use parta_model::markup::{Markup, parse_markdown, to_markdown};
use parta_model::max::MAX_TEXT_CHARS;
use parta_model::school::Role;

/// The role as parents read it in MAX, with the class for a class teacher in a class chat.
pub fn role_label(role: Role, class: Option<&str>) -> String {
    match (role, class) {
        (Role::ClassTeacher, Some(class)) => format!("классный руководитель {class}"),
        (Role::ClassTeacher, None) => "классный руководитель".into(),
        (Role::PlatformAdmin, _) => "администратор платформы".into(),
        (Role::Administration, _) => "администрация школы".into(),
        (Role::Teacher, _) => "учитель".into(),
        (Role::Parent, _) => "родитель".into(),
        (Role::Pupil, _) => "ученик".into(),
    }
}

/// Characters a part may hold besides the prefix (room for the Markdown markers of a
/// formatting cut at the part's ends).
const SLACK: usize = 64;

/// The Markdown texts to send, in order: `text` with `markup`, the author in front of the
/// first part.
pub fn parts(author: &str, role: &str, text: &str, markup: &[Markup]) -> Vec<String> {
    let prefix = format!("**{}, {}:** ", escape(author), escape(role));
    let prefix_chars = prefix.chars().count();
    let room = MAX_TEXT_CHARS.saturating_sub(prefix_chars + SLACK).max(1);
    let mut out = Vec::new();
    for (i, (piece, piece_markup)) in cut(text, markup, room).into_iter().enumerate() {
        let body = to_markdown(&piece, &piece_markup);
        if i == 0 {
            out.push(format!("{prefix}{body}"));
        } else {
            out.push(body);
        }
    }
    if out.is_empty() {
        // An attachment without text still says who sent it.
        out.push(prefix.trim_end().to_owned());
    }
    out
}

/// The plain text MAX shows for a Markdown text we sent: what the bridge compares when it
/// looks for its own message after a crash.
pub fn plain(markdown: &str) -> String {
    parse_markdown(markdown).0
}

/// Markdown's markers in a name are written as they are.
fn escape(name: &str) -> String {
    name.replace(['*', '_', '~', '`', '+', '[', ']'], "")
}

/// `text` in pieces of at most `room` characters, cut after a line end or a space where
/// there is one in the piece's second half; each piece with the formatting over it.
fn cut(text: &str, markup: &[Markup], room: usize) -> Vec<(String, Vec<Markup>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = (start + room).min(chars.len());
        if end < chars.len() {
            let half = start + room / 2;
            let newline = (half..end).rev().find(|&i| chars[i] == '\n');
            let space = (half..end).rev().find(|&i| chars[i].is_whitespace());
            if let Some(at) = newline.or(space) {
                end = at + 1;
            }
        }
        pieces.push((start, end));
        start = end;
    }
    // UTF-16 offset of each character index.
    let mut units = Vec::with_capacity(chars.len() + 1);
    let mut u = 0i32;
    for c in &chars {
        units.push(u);
        u += i32::try_from(c.len_utf16()).unwrap_or(2);
    }
    units.push(u);
    pieces
        .into_iter()
        .map(|(a, b)| {
            let piece: String = chars[a..b].iter().collect();
            let (from, to) = (units[a], units[b]);
            let clipped = markup
                .iter()
                .filter_map(|m| {
                    let s = m.from.max(from);
                    let e = (m.from + m.length).min(to);
                    (e > s).then(|| Markup {
                        from: s - from,
                        length: e - s,
                        ..m.clone()
                    })
                })
                .collect();
            (piece, clipped)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_author_and_role_come_first_in_bold() {
        let parts = parts(
            "Анна Петровна",
            "классный руководитель 5А",
            "Собрание в 18:00",
            &[],
        );
        assert_eq!(
            parts,
            vec!["**Анна Петровна, классный руководитель 5А:** Собрание в 18:00"]
        );
        assert_eq!(
            plain(&parts[0]),
            "Анна Петровна, классный руководитель 5А: Собрание в 18:00"
        );
    }

    #[test]
    fn a_long_text_is_cut_in_order_at_word_ends_within_the_limit() {
        let text = "слово ".repeat(2_000); // 12,000 characters
        let parts = parts("Анна", "учитель", text.trim_end(), &[]);
        assert_eq!(
            parts.len(),
            4,
            "{:?}",
            parts.iter().map(|p| p.len()).collect::<Vec<_>>()
        );
        for part in &parts {
            assert!(part.chars().count() <= MAX_TEXT_CHARS);
        }
        let joined: String = parts.iter().map(|p| plain(p)).collect::<Vec<_>>().concat();
        assert_eq!(joined, format!("Анна, учитель: {}", text.trim_end()));
        assert!(parts[1].starts_with("слово"), "cut at a word end");
    }

    #[test]
    fn formatting_cut_by_a_part_boundary_continues_in_the_next_part() {
        let text = format!("{} конец", "а".repeat(5_000));
        let (plain_text, markup) = parse_markdown(&format!("**{text}**"));
        assert_eq!(plain_text, text);
        let parts = parts("Анна", "учитель", &plain_text, &markup);
        assert_eq!(parts.len(), 2);
        assert!(
            parts[1].starts_with("**") && parts[1].ends_with("**"),
            "{}",
            &parts[1][..20]
        );
    }

    #[test]
    fn a_class_teacher_is_named_with_the_class() {
        assert_eq!(
            role_label(Role::ClassTeacher, Some("5А")),
            "классный руководитель 5А"
        );
        assert_eq!(role_label(Role::Teacher, Some("5А")), "учитель");
    }
}
