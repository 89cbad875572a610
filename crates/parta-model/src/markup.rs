//! MAX text markup: the `markup` ranges of a message body (schema `MarkupElement`), and the
//! MAX-flavoured Markdown that a send with `format: markdown` is written in.
//!
//! A formatted message travels as plain `text` plus ranges over it, as MAX sends it; the
//! server turns Markdown into that form with [`parse_markdown`], so every client (the app, the
//! official SDK, MAX itself) reads one shape. Offsets and lengths count UTF-16 code units, as
//! MAX's JavaScript clients do.
//!
//! Supported, as MAX documents it: `**strong**` / `__strong__`, `*emphasized*` /
//! `_emphasized_`, `~~strikethrough~~`, `++underline++`, `` `monospaced` `` and
//! ```` ```monospaced``` ````, `^^highlighted^^`, `[link](https://…)`,
//! `[mention](max://user/<id>)`, `> quote` and `# heading` lines. A marker without its closing
//! partner stays text.

use serde::{Deserialize, Serialize};

crate::named::named_enum! {
    /// What a range of text is (`MarkupElement.type`); a kind MAX added later (e.g. `spoiler`)
    /// is shown as plain text.
    MarkupKind {
        Strong => "strong",
        Emphasized => "emphasized",
        Monospaced => "monospaced",
        Link => "link",
        Strikethrough => "strikethrough",
        Underline => "underline",
        UserMention => "user_mention",
        Heading => "heading",
        Highlighted => "highlighted",
        Quote => "quote",
    }
}

/// `MarkupElement`: one formatted range of a message's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Markup {
    #[serde(rename = "type")]
    pub kind: MarkupKind,
    /// Start, in UTF-16 code units of the text.
    pub from: i32,
    /// Length, in UTF-16 code units.
    pub length: i32,
    /// For a link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// For a mention of someone without a username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// For a mention by `@username`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_link: Option<String>,
}

/// Inline markers, longest first so `**` wins over `*`.
const PAIRS: [(&str, MarkupKind); 9] = [
    ("```", MarkupKind::Monospaced),
    ("**", MarkupKind::Strong),
    ("__", MarkupKind::Strong),
    ("~~", MarkupKind::Strikethrough),
    ("++", MarkupKind::Underline),
    ("^^", MarkupKind::Highlighted),
    ("`", MarkupKind::Monospaced),
    ("*", MarkupKind::Emphasized),
    ("_", MarkupKind::Emphasized),
];

struct Out {
    text: String,
    units: i32,
    markup: Vec<Markup>,
}

impl Out {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.units += utf16_len(s);
    }

    fn range(&mut self, kind: MarkupKind, from: i32) -> &mut Markup {
        self.markup.push(Markup {
            kind,
            from,
            length: self.units - from,
            url: None,
            user_id: None,
            user_link: None,
        });
        let last = self.markup.len() - 1;
        &mut self.markup[last]
    }
}

fn utf16_len(s: &str) -> i32 {
    i32::try_from(s.encode_utf16().count()).unwrap_or(i32::MAX)
}

/// Whether a single `*`/`_` at byte `at` of `s` may open (`opening`) or close emphasis: not
/// inside a word (so `snake_case` and `2*3*4` stay as they are).
fn flanked(s: &str, at: usize, len: usize, opening: bool) -> bool {
    let before = s[..at].chars().next_back();
    let after = s[at + len..].chars().next();
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    if opening {
        !word(before) && after.is_some_and(|c| !c.is_whitespace())
    } else {
        !word(after) && before.is_some_and(|c| !c.is_whitespace())
    }
}

/// A link's target: a user mention for `max://user/<id>`; web and mail links only otherwise.
fn link_target(url: &str) -> Option<(MarkupKind, Option<String>, Option<i64>)> {
    if let Some(id) = url.strip_prefix("max://user/") {
        return id
            .parse()
            .ok()
            .map(|id| (MarkupKind::UserMention, None, Some(id)));
    }
    let lower = url.to_ascii_lowercase();
    let allowed = ["https://", "http://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p));
    (allowed && url.len() <= 2048 && !url.chars().any(char::is_whitespace))
        .then(|| (MarkupKind::Link, Some(url.to_owned()), None))
}

/// Parses the inline markup of `s` into `out`.
fn inline(s: &str, out: &mut Out) {
    let mut rest = s;
    'outer: while !rest.is_empty() {
        // A link or mention: [text](target).
        if rest.starts_with('[')
            && let Some(close) = rest.find("](")
            && let Some(end) = rest[close + 2..].find(')')
        {
            let label = &rest[1..close];
            let url = &rest[close + 2..close + 2 + end];
            if !label.is_empty()
                && !label.contains('[')
                && let Some((kind, url, user_id)) = link_target(url)
            {
                let from = out.units;
                inline(label, out);
                let range = out.range(kind, from);
                range.url = url;
                range.user_id = user_id;
                rest = &rest[close + 3 + end..];
                continue;
            }
        }
        for (marker, kind) in PAIRS {
            if !rest.starts_with(marker) {
                continue;
            }
            let single = marker.len() == 1 && kind == MarkupKind::Emphasized;
            let consumed = s.len() - rest.len();
            if single && !flanked(s, consumed, 1, true) {
                break;
            }
            // The nearest closing marker with something between.
            let body_start = marker.len();
            let mut search = body_start;
            while let Some(pos) = rest[search..].find(marker) {
                let close = search + pos;
                let ok = close > body_start
                    && (!single || flanked(s, consumed + close, 1, false))
                    && !(marker == "*" && rest[close..].starts_with("**"));
                if ok {
                    let body = &rest[body_start..close];
                    let from = out.units;
                    if kind == MarkupKind::Monospaced {
                        out.push(body);
                    } else {
                        inline(body, out);
                    }
                    out.range(kind, from);
                    rest = &rest[close + marker.len()..];
                    continue 'outer;
                }
                search = close + marker.len();
            }
            // No partner: the marker is text.
            out.push(marker);
            rest = &rest[marker.len()..];
            continue 'outer;
        }
        let next = rest.chars().next().map_or(1, char::len_utf8);
        out.push(&rest[..next]);
        rest = &rest[next..];
    }
}

/// MAX-flavoured Markdown to plain text and its markup, ranges in text order.
pub fn parse_markdown(source: &str) -> (String, Vec<Markup>) {
    let mut out = Out {
        text: String::with_capacity(source.len()),
        units: 0,
        markup: Vec::new(),
    };
    for (i, line) in source.split('\n').enumerate() {
        if i > 0 {
            out.push("\n");
        }
        let (block, content) = if let Some(rest) = line.strip_prefix("> ") {
            (Some(MarkupKind::Quote), rest)
        } else if let Some(rest) = line.strip_prefix("# ") {
            (Some(MarkupKind::Heading), rest)
        } else {
            (None, line)
        };
        let from = out.units;
        inline(content, &mut out);
        if let Some(kind) = block
            && out.units > from
        {
            out.range(kind, from);
        }
    }
    out.markup.sort_by_key(|m| (m.from, -m.length));
    (out.text, out.markup)
}

/// The markers that open and close a range of `kind` (a link's and a mention's closing
/// carries its target).
fn markers(m: &Markup) -> (String, String) {
    let pair = |s: &str| (s.to_owned(), s.to_owned());
    match m.kind {
        MarkupKind::Strong => pair("**"),
        MarkupKind::Emphasized => pair("_"),
        MarkupKind::Strikethrough => pair("~~"),
        MarkupKind::Underline => pair("++"),
        MarkupKind::Monospaced => pair("`"),
        MarkupKind::Highlighted => pair("^^"),
        MarkupKind::Heading => ("# ".to_owned(), String::new()),
        MarkupKind::Quote => ("> ".to_owned(), String::new()),
        MarkupKind::Link => (
            "[".to_owned(),
            format!("]({})", m.url.as_deref().unwrap_or_default()),
        ),
        MarkupKind::UserMention => (
            "[".to_owned(),
            match m.user_id {
                Some(id) => format!("](max://user/{id})"),
                None => "]".to_owned(),
            },
        ),
        // Markdown has no way to write it: the text stays, unmarked.
        MarkupKind::Other(_) => (String::new(), String::new()),
    }
}

/// Text with markup back to MAX-flavoured Markdown (to edit a formatted message): the inverse
/// of [`parse_markdown`] for what it produces. Ranges that overlap without nesting, or fall
/// outside the text, are left out.
pub fn to_markdown(text: &str, markup: &[Markup]) -> String {
    // Byte offset of each UTF-16 offset at a character boundary.
    let mut at: std::collections::HashMap<i32, usize> = std::collections::HashMap::new();
    let mut units = 0i32;
    for (byte, c) in text.char_indices() {
        at.insert(units, byte);
        units += i32::try_from(c.len_utf16()).unwrap_or(2);
    }
    at.insert(units, text.len());
    // Outer ranges first at the same start; then open and close in nesting order.
    let mut ranges: Vec<(usize, usize, &Markup)> = markup
        .iter()
        .filter(|m| m.length > 0)
        .filter_map(|m| {
            Some((
                *at.get(&m.from)?,
                *at.get(&m.from.checked_add(m.length)?)?,
                m,
            ))
        })
        .collect();
    ranges.sort_by_key(|(start, end, _)| (*start, std::cmp::Reverse(*end)));
    let mut out = String::with_capacity(text.len() + 8 * ranges.len());
    let mut open: Vec<(usize, String)> = Vec::new();
    let mut next = ranges.into_iter().peekable();
    let mut pos = 0;
    loop {
        // Close what ends here, innermost first.
        while let Some((end, _)) = open.last() {
            if *end > pos {
                break;
            }
            if let Some((_, close)) = open.pop() {
                out.push_str(&close);
            }
        }
        // Open what starts here, if it nests inside what is open.
        while let Some((start, end, m)) = next.peek().copied() {
            if start != pos {
                break;
            }
            next.next();
            if open.last().is_some_and(|(outer, _)| end > *outer) {
                continue;
            }
            let (opening, closing) = markers(m);
            out.push_str(&opening);
            open.push((end, closing));
        }
        if pos >= text.len() {
            break;
        }
        let step = text[pos..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[pos..pos + step]);
        pos += step;
    }
    out
}

/// A piece of text with the kinds of markup over it, for rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub kinds: Vec<MarkupKind>,
    /// The link or mention over it, if any.
    pub url: Option<String>,
    pub user_id: Option<i64>,
}

/// Cuts `text` at every markup boundary: each piece carries the markup that covers it. Ranges
/// outside the text or splitting a character are ignored (a server may send anything).
pub fn spans(text: &str, markup: &[Markup]) -> Vec<Span> {
    // UTF-16 offset of each char boundary, to map ranges onto the string.
    let mut bounds: Vec<(i32, usize)> = Vec::with_capacity(text.len() + 1);
    let mut units = 0i32;
    for (byte, c) in text.char_indices() {
        bounds.push((units, byte));
        units += i32::try_from(c.len_utf16()).unwrap_or(2);
    }
    bounds.push((units, text.len()));
    let byte_at = |unit: i32| {
        bounds
            .binary_search_by_key(&unit, |(u, _)| *u)
            .ok()
            .map(|i| bounds[i].1)
    };
    let usable: Vec<(&Markup, usize, usize)> = markup
        .iter()
        .filter(|m| m.length > 0 && m.from >= 0)
        .filter_map(|m| {
            let start = byte_at(m.from)?;
            let end = byte_at(m.from.checked_add(m.length)?)?;
            Some((m, start, end))
        })
        .collect();
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for (_, start, end) in &usable {
        cuts.push(*start);
        cuts.push(*end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .filter(|w| w[0] < w[1])
        .map(|w| {
            let covering: Vec<&Markup> = usable
                .iter()
                .filter(|(_, start, end)| *start <= w[0] && w[1] <= *end)
                .map(|(m, _, _)| *m)
                .collect();
            let link = covering
                .iter()
                .find(|m| m.url.is_some() || m.user_id.is_some());
            Span {
                text: text[w[0]..w[1]].to_owned(),
                kinds: covering.iter().map(|m| m.kind.clone()).collect(),
                url: link.and_then(|m| m.url.clone()),
                user_id: link.and_then(|m| m.user_id),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> (String, Vec<(MarkupKind, i32, i32)>) {
        let (text, markup) = parse_markdown(source);
        (
            text,
            markup
                .iter()
                .map(|m| (m.kind.clone(), m.from, m.length))
                .collect(),
        )
    }

    #[test]
    fn each_marker_of_max_markdown_becomes_a_range_over_plain_text() {
        use MarkupKind::*;
        assert_eq!(kinds("**жирный**"), ("жирный".into(), vec![(Strong, 0, 6)]));
        assert_eq!(kinds("__жирный__"), ("жирный".into(), vec![(Strong, 0, 6)]));
        assert_eq!(
            kinds("*курсив*"),
            ("курсив".into(), vec![(Emphasized, 0, 6)])
        );
        assert_eq!(
            kinds("_курсив_"),
            ("курсив".into(), vec![(Emphasized, 0, 6)])
        );
        assert_eq!(
            kinds("~~нет~~"),
            ("нет".into(), vec![(Strikethrough, 0, 3)])
        );
        assert_eq!(kinds("++да++"), ("да".into(), vec![(Underline, 0, 2)]));
        assert_eq!(
            kinds("^^важно^^"),
            ("важно".into(), vec![(Highlighted, 0, 5)])
        );
        assert_eq!(kinds("`x = 1`"), ("x = 1".into(), vec![(Monospaced, 0, 5)]));
        assert_eq!(
            kinds("```a*b*c```"),
            ("a*b*c".into(), vec![(Monospaced, 0, 5)])
        );
        assert_eq!(kinds("> цитата"), ("цитата".into(), vec![(Quote, 0, 6)]));
        assert_eq!(
            kinds("# Собрание"),
            ("Собрание".into(), vec![(Heading, 0, 8)])
        );
    }

    #[test]
    fn markers_nest_and_offsets_count_utf16_units() {
        let (text, markup) = parse_markdown("😀 **жир _и курсив_**");
        assert_eq!(text, "😀 жир и курсив");
        // The emoji is two UTF-16 units: bold starts at 3.
        assert_eq!(
            (markup[0].kind.clone(), markup[0].from, markup[0].length),
            (MarkupKind::Strong, 3, 12)
        );
        assert_eq!(
            (markup[1].kind.clone(), markup[1].from, markup[1].length),
            (MarkupKind::Emphasized, 7, 8)
        );
    }

    #[test]
    fn links_and_mentions_carry_their_targets_and_unsafe_links_stay_text() {
        let (text, markup) =
            parse_markdown("См. [правила](https://school.example/rules) и [Анна](max://user/42)");
        assert_eq!(text, "См. правила и Анна");
        assert_eq!(
            markup[0].url.as_deref(),
            Some("https://school.example/rules")
        );
        assert_eq!(markup[1].kind, MarkupKind::UserMention);
        assert_eq!(markup[1].user_id, Some(42));
        let (text, markup) = parse_markdown("[нажми](javascript:alert(1))");
        assert_eq!(text, "[нажми](javascript:alert(1))");
        assert!(markup.is_empty(), "only web, mail and user links");
    }

    #[test]
    fn lone_or_in_word_markers_stay_text() {
        assert_eq!(kinds("2*3*4 = 24"), ("2*3*4 = 24".into(), vec![]));
        assert_eq!(kinds("snake_case_name"), ("snake_case_name".into(), vec![]));
        assert_eq!(kinds("**не закрыто"), ("**не закрыто".into(), vec![]));
        assert_eq!(kinds("цена ~~ 5"), ("цена ~~ 5".into(), vec![]));
        assert_eq!(kinds(""), (String::new(), vec![]));
    }

    #[test]
    fn spans_cut_text_where_markup_starts_and_ends() {
        let (text, markup) = parse_markdown("до **жир _кур_** после");
        let spans = spans(&text, &markup);
        let shape: Vec<(&str, usize)> = spans
            .iter()
            .map(|s| (s.text.as_str(), s.kinds.len()))
            .collect();
        assert_eq!(
            shape,
            vec![("до ", 0), ("жир ", 1), ("кур", 2), (" после", 0)]
        );
    }

    #[test]
    fn markdown_survives_a_round_trip_through_text_and_markup() {
        for source in [
            "**Собрание** в _четверг_, ~~18:00~~ ++19:00++ `каб. 214` ^^важно^^",
            "😀 **жир _и курсив_** после",
            "См. [правила](https://school.example/rules) и [Анна](max://user/42)",
            "> цитата с **жирным**\n# Заголовок\nобычная строка",
            "без разметки",
            "",
        ] {
            let (text, markup) = parse_markdown(source);
            let again = to_markdown(&text, &markup);
            assert_eq!(
                parse_markdown(&again),
                (text, markup),
                "{source} -> {again}"
            );
        }
    }

    #[test]
    fn spans_ignore_ranges_a_server_got_wrong() {
        let bad = [
            Markup {
                kind: MarkupKind::Strong,
                from: 50,
                length: 3,
                url: None,
                user_id: None,
                user_link: None,
            },
            Markup {
                kind: MarkupKind::Strong,
                from: 1,
                length: 1,
                url: None,
                user_id: None,
                user_link: None,
            },
            Markup {
                kind: MarkupKind::Strong,
                from: -1,
                length: 2,
                url: None,
                user_id: None,
                user_link: None,
            },
        ];
        // "😀" is two units: a range ending inside it is ignored, not a panic.
        let spans = spans("😀b", &bad);
        assert_eq!(spans.len(), 1);
        assert!(spans[0].kinds.is_empty());
    }

    #[test]
    fn a_markup_kind_max_added_later_is_kept_under_its_name_and_shown_as_text() {
        let json =
            r#"[{"type":"spoiler","from":0,"length":5},{"type":"strong","from":6,"length":3}]"#;
        let markup: Vec<Markup> = serde_json::from_str(json).expect("a page with a new kind reads");
        assert_eq!(markup[0].kind, MarkupKind::Other("spoiler".into()));
        assert_eq!(markup[1].kind, MarkupKind::Strong);
        let again = serde_json::to_string(&markup).expect("serializes");
        assert!(
            again.contains(r#""type":"spoiler""#),
            "passed along as it came: {again}"
        );
        let text = "тайна ура";
        let pieces: Vec<String> = spans(text, &markup).into_iter().map(|s| s.text).collect();
        assert_eq!(pieces.concat(), text, "nothing of the text is lost");
        assert_eq!(to_markdown(text, &markup), "тайна **ура**");
    }
}
