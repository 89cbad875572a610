//! Offline full-text search with Russian (and English) morphology.
//!
//! SQLite's FTS5 has no Russian stemmer, and a custom tokenizer would need C callbacks, so the
//! cache indexes *stems*: every word of a message goes through the Snowball stemmer of its
//! script ("собрание", "собрании", "собраний" all become "собран") and FTS5 indexes the stems
//! with its plain `unicode61` tokenizer. A query goes through the same stemmer, and each of its
//! words matches as a prefix (so results appear while the word is still being typed) either by
//! its stem or by the word as typed: `собрани` matches `собран*` or `собрани*`.
//!
//! Highlighting runs on the original text with the same rule, so what is highlighted is what
//! matched. docs/benchmarks.md has the comparison with `tantivy` that chose this design.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::LazyLock;

static RUSSIAN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Russian));
static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Longest query accepted, in words (more says nothing a person means).
pub const MAX_QUERY_WORDS: usize = 8;

/// The words of `text` with their byte ranges: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(move |w| {
            // `split` yields subslices of `text`, so the offset is their distance from its start.
            let start = w.as_ptr() as usize - text.as_ptr() as usize;
            (start, w)
        })
}

/// Lower case, with "ё" written as "е" (people type either).
pub fn normalize(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

fn is_cyrillic(word: &str) -> bool {
    word.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

/// The stem of one normalized word: Russian Snowball for Cyrillic, English for Latin, digits as
/// they are.
pub fn stem(normalized: &str) -> String {
    if is_cyrillic(normalized) {
        RUSSIAN.stem(normalized).into_owned()
    } else if normalized.chars().any(|c| c.is_ascii_alphabetic()) {
        ENGLISH.stem(normalized).into_owned()
    } else {
        normalized.to_owned()
    }
}

/// The index token that scopes a row to its profile (the index is shared by all profiles, and
/// scoping inside the MATCH lets FTS5 stop after one page of results).
pub fn profile_token(profile_id: &str) -> String {
    format!(
        "zzprofile{:016x}",
        crate::stable_hash(profile_id.as_bytes())
    )
}

/// The index token that scopes a row to its chat.
pub fn chat_token(chat_id: i64) -> String {
    let sign = if chat_id < 0 { "n" } else { "" };
    format!("zzchat{sign}{}", chat_id.unsigned_abs())
}

/// What the index stores for a message: its scope tokens, then its stems, space-separated.
pub fn index_text(profile_id: &str, chat_id: i64, text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 48);
    out.push_str(&profile_token(profile_id));
    out.push(' ');
    out.push_str(&chat_token(chat_id));
    for (_, word) in words(text) {
        out.push(' ');
        out.push_str(&stem(&normalize(word)));
    }
    out
}

/// One word of a query: as typed (normalized) and its stem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub typed: String,
    pub stem: String,
}

impl Term {
    /// Whether a word of a message matches this term (a prefix of its stem or of the word).
    pub fn matches(&self, word: &str) -> bool {
        let normalized = normalize(word);
        normalized.starts_with(&self.typed) || stem(&normalized).starts_with(&self.stem)
    }
}

/// A parsed search query: every term must match some word of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    terms: Vec<Term>,
}

impl Query {
    /// Parses what the person typed; `None` if it has no words.
    pub fn parse(input: &str) -> Option<Self> {
        let terms: Vec<Term> = words(input)
            .take(MAX_QUERY_WORDS)
            .map(|(_, w)| {
                let typed = normalize(w);
                let stem = stem(&typed);
                Term { typed, stem }
            })
            .collect();
        (!terms.is_empty()).then_some(Self { terms })
    }

    /// The terms.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The FTS5 MATCH expression over the stems column. Terms contain only letters and digits
    /// (see [`words`]), and are quoted anyway.
    pub fn fts5(&self) -> String {
        self.terms
            .iter()
            .map(|t| {
                if t.typed == t.stem {
                    format!("\"{}\"*", t.stem)
                } else {
                    format!("(\"{}\"* OR \"{}\"*)", t.stem, t.typed)
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// [`Query::fts5`] limited to one profile and, if given, one chat.
    pub fn fts5_scoped(&self, profile_id: &str, chat_id: Option<i64>) -> String {
        let mut expr = format!("\"{}\"", profile_token(profile_id));
        if let Some(chat_id) = chat_id {
            expr.push_str(&format!(" AND \"{}\"", chat_token(chat_id)));
        }
        format!("{expr} AND {}", self.fts5())
    }

    /// Whether `text` matches (what the index would answer), for stores without an index.
    pub fn matches(&self, text: &str) -> bool {
        self.terms
            .iter()
            .all(|t| words(text).any(|(_, w)| t.matches(w)))
    }

    /// `text` cut into fragments, matched words marked.
    pub fn highlight(&self, text: &str) -> Vec<(String, bool)> {
        let mut out: Vec<(String, bool)> = Vec::new();
        let mut at = 0;
        for (start, word) in words(text) {
            if self.terms.iter().any(|t| t.matches(word)) {
                if start > at {
                    out.push((text[at..start].to_owned(), false));
                }
                out.push((word.to_owned(), true));
                at = start + word.len();
            }
        }
        if at < text.len() {
            out.push((text[at..].to_owned(), false));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_inflections_share_a_stem() {
        let q = Query::parse("собрание").unwrap();
        for text in [
            "Родительское собрание в пятницу",
            "Напоминаю о собрании",
            "Протоколы собраний лежат в учительской",
            "На СОБРАНИИ решили",
        ] {
            assert!(q.matches(text), "{text}");
        }
        assert!(!q.matches("Соберёмся в пятницу"));
    }

    #[test]
    fn yo_and_ye_are_the_same_letter() {
        let q = Query::parse("ещё").unwrap();
        assert!(q.matches("еще раз напоминаю"));
        let q = Query::parse("еще").unwrap();
        assert!(q.matches("ЕЩЁ раз"));
    }

    #[test]
    fn a_word_being_typed_matches_as_a_prefix() {
        let q = Query::parse("контрольн").unwrap();
        assert!(q.matches("Контрольная работа по математике"));
        assert!(q.matches("после контрольной"));
    }

    #[test]
    fn every_word_of_the_query_must_match() {
        let q = Query::parse("собрание пятница").unwrap();
        assert!(q.matches("Собрание в пятницу"));
        assert!(!q.matches("Собрание в четверг"));
    }

    #[test]
    fn highlighting_marks_the_matched_words_and_keeps_the_text() {
        let q = Query::parse("собрания").unwrap();
        let text = "Напоминаю о собрании, 5А!";
        let fragments = q.highlight(text);
        assert_eq!(
            fragments,
            vec![
                ("Напоминаю о ".to_owned(), false),
                ("собрании".to_owned(), true),
                (", 5А!".to_owned(), false),
            ]
        );
        let joined: String = fragments.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn a_query_of_punctuation_is_no_query() {
        assert_eq!(Query::parse(" ,.!? "), None);
        assert_eq!(Query::parse(""), None);
    }

    #[test]
    fn the_fts_expression_has_only_quoted_words() {
        let q = Query::parse("собрания \"OR\" NEAR(x").unwrap();
        let expr = q.fts5();
        assert_eq!(
            expr,
            "(\"собран\"* OR \"собрания\"*) AND \"or\"* AND \"near\"* AND \"x\"*"
        );
    }

    #[test]
    fn scope_tokens_are_single_words_for_any_profile_and_chat() {
        for token in [
            profile_token("9f1c-4b2a: профиль"),
            chat_token(-42),
            chat_token(i64::MIN),
        ] {
            assert_eq!(words(&token).count(), 1, "{token}");
        }
        assert_ne!(chat_token(42), chat_token(-42));
        assert_ne!(profile_token("a"), profile_token("b"));
        let q = Query::parse("собрание").unwrap();
        assert!(q.fts5_scoped("p", Some(-7)).starts_with("\"zzprofile"));
        assert!(q.fts5_scoped("p", Some(-7)).contains("\"zzchatn7\""));
    }

    #[test]
    fn english_words_are_stemmed_too() {
        let q = Query::parse("meetings").unwrap();
        assert!(q.matches("The meeting is on Friday"));
    }
}
