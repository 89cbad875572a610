//! Obscene, insulting and discriminatory language (procedure 6.1, 6.2), Russian and English.
//!
//! The text is cut into tokens (words, plus runs of spaced or dotted single letters such as
//! "х у й" or "б.л.я"). Each token is normalised the ways people disguise words: Latin and digit
//! look-alikes ("xyй", "3a"), transliteration ("blyat"), repeated letters ("хууууй"), mixed case,
//! and `*` standing for hidden letters ("п***ц"). The normalised token is matched against a
//! lexicon of roots with rules for where a root may stand: most obscene roots only at the start
//! of a word or after a real prefix ("на-", "за-", "по-"…), which is what keeps "потребитель",
//! "оскорблять", "страхуй" and "хлебать" clean (the Scunthorpe problem). Findings carry byte
//! spans of the original text, a category and a severity.

use serde::{Deserialize, Serialize};

/// A finding: a byte range of the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EthicsSpan {
    pub start: usize,
    pub end: usize,
    pub category: Category,
    /// 1 (mild) to 3 (severe).
    pub severity: u8,
    /// The word is talked about rather than used (quoted, named as a word, reported): the
    /// school's policy only warns about it, whatever it does with the word itself.
    #[serde(default)]
    pub talked_about: bool,
}

mod lexicon;
mod normalise;
mod phrases;

pub use lexicon::Category;
use lexicon::*;
use normalise::*;

fn is_cyrillic(c: char) -> bool {
    ('а'..='я').contains(&c) || c == 'ё'
}

fn at_place(word: &[char], at: usize, root_len: usize, place: Place) -> bool {
    match place {
        Place::Anywhere => true,
        Place::Start => at == 0,
        Place::Whole => at == 0 && root_len == word.len(),
        Place::Prefixed => prefixed(word, at),
        Place::Ending => at + root_len == word.len() && prefixed(word, at),
    }
}

/// Whether `at` is the start of `word` or the end of one of the obscene prefixes.
fn prefixed(word: &[char], at: usize) -> bool {
    at == 0
        || PREFIXES
            .iter()
            .any(|p| p.chars().count() == at && p.chars().zip(word).all(|(a, b)| a == *b))
}

fn starts_with(word: &[char], at: usize, s: &str) -> bool {
    (at..).zip(s.chars()).all(|(i, c)| word.get(i) == Some(&c))
}

/// Slot of a first character in the index: Cyrillic а..я, then Latin a..z.
fn slot(c: char) -> Option<usize> {
    match c {
        'а'..='я' => Some(c as usize - 'а' as usize),
        'a'..='z' => Some(32 + (c as usize - 'a' as usize)),
        _ => None,
    }
}

/// A lexicon entry with its root decoded once.
struct Indexed {
    root: Vec<char>,
    entry: &'static Entry,
}

/// Lexicon entries by the first character of their root (a plain array: this is the hot path).
fn index() -> &'static [Vec<Indexed>; 58] {
    static INDEX: std::sync::OnceLock<[Vec<Indexed>; 58]> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: [Vec<Indexed>; 58] = std::array::from_fn(|_| Vec::new());
        for entry in LEXICON {
            let root: Vec<char> = entry.root.chars().collect();
            if let Some(i) = root.first().copied().and_then(slot) {
                index[i].push(Indexed { root, entry });
            }
        }
        index
    })
}

/// The worst entry matching a normalised word (no wildcards).
fn match_word(word: &[char]) -> Option<&'static Entry> {
    // The one two-letter root ends a word ("еб", "за|еб"): looked at only there; a longer
    // root found below ("долбоеб") wins.
    let mut best: Option<(&'static Entry, usize)> =
        (word.len() >= 2 && word[word.len() - 2..] == ['е', 'б'] && prefixed(word, word.len() - 2))
            .then_some((&EB, 2));
    // Every other lexicon form has at least three letters (after collapsing).
    if word.len() < 3 {
        return best.map(|(entry, _)| entry);
    }
    let index = index();
    for at in 0..word.len() - 2 {
        let Some(i) = slot(word[at]) else { continue };
        let rest = &word[at..];
        for candidate in &index[i] {
            let len = candidate.root.len();
            if !rest.starts_with(&candidate.root) {
                continue;
            }
            let entry = candidate.entry;
            let better = best.is_none_or(|(b, blen)| (entry.severity, len) > (b.severity, blen));
            if better && at_place(word, at, len, entry.place) {
                best = Some((entry, len));
            }
        }
    }
    // Checked only on a hit: clean words that begin like a root.
    if best.is_some() && CLEAN.iter().any(|c| starts_with(word, 0, c)) {
        return None;
    }
    best.map(|(entry, _)| entry)
}

/// Whether `pattern` (with `?` runs standing for one or more letters) matches `form`; with
/// `open`, anything may follow the form ("т??ица" matches the root "тупиц" + "а").
fn masked_match(pattern: &[char], form: &[char], open: bool) -> bool {
    if open && form.is_empty() {
        return true;
    }
    match pattern.split_first() {
        None => form.is_empty(),
        Some(('?', rest)) => {
            let skip = rest.iter().take_while(|c| **c == '?').count();
            let rest = &rest[skip..];
            (1..=form.len()).any(|n| masked_match(rest, &form[n..], open))
        }
        Some((c, rest)) => form.first() == Some(c) && masked_match(rest, &form[1..], open),
    }
}

/// Longest masked word looked at; longer runs with stars are not words (and backtracking on
/// them would be slow).
const MAX_MASKED: usize = 32;

fn match_masked(word: &[char]) -> Option<(Category, u8)> {
    let letters = word.iter().filter(|c| **c != '?').count();
    // "*" alone, or one letter and stars, says too little to accuse anyone; a leading star is
    // Markdown emphasis, not a hidden letter.
    if letters < 2 || word.first() == Some(&'?') || word.len() > MAX_MASKED {
        return None;
    }
    let mut form = Vec::with_capacity(16);
    for (text, category) in MASKED_FORMS {
        form.clear();
        form.extend(text.chars());
        if masked_match(word, &form, false) {
            return Some((*category, 3));
        }
    }
    // Any lexicon word at the start, with its ending ("де*ил", "с****на", "mo*on").
    for entry in LEXICON {
        form.clear();
        form.extend(entry.root.chars());
        if form.len() >= 3 && masked_match(word, &form, entry.place != Place::Whole) {
            return Some((entry.category, entry.severity));
        }
    }
    None
}

/// Reusable buffers, so scanning a long text allocates once.
#[derive(Default)]
struct Scratch {
    raw: Vec<char>,
    lower: Vec<char>,
    word: Vec<char>,
    alt: Vec<char>,
}

/// Classifies one raw token (original characters).
fn classify(raw: &[char], s: &mut Scratch) -> Option<(Category, u8)> {
    // Fast path, most words: lower-case Cyrillic letters only.
    if raw.iter().all(|c| ('а'..='я').contains(c)) {
        finish(raw.iter().copied(), &mut s.word);
        return match_word(&s.word).map(|e| (e.category, e.severity));
    }
    s.lower.clear();
    for &c in raw {
        match c {
            'а'..='я' | 'a'..='z' | '0'..='9' => s.lower.push(c),
            'А'..='Я' => s.lower.push(char::from_u32(c as u32 + 32).unwrap_or(c)),
            'A'..='Z' => s.lower.push(c.to_ascii_lowercase()),
            _ => s.lower.extend(c.to_lowercase()),
        }
    }
    let has_cyrillic = s.lower.iter().any(|c| is_cyrillic(*c));
    let has_latin = s.lower.iter().any(char::is_ascii_lowercase);
    let mut verdicts: Vec<(Category, u8)> = Vec::new();
    let judge = |word: &[char], from_latin: bool, verdicts: &mut Vec<(Category, u8)>| {
        if word.contains(&'?') {
            if let Some(verdict) = match_masked(word) {
                verdicts.push(verdict);
            }
        } else if let Some(entry) = match_word(word)
            && !(from_latin && LATIN_RISKY.contains(&entry.root))
        {
            verdicts.push((entry.category, entry.severity));
        }
    };
    // 1. Look-alikes mapped to Cyrillic (also covers plain Cyrillic words).
    if has_cyrillic || !has_latin {
        finish(s.lower.iter().map(|c| lookalike(*c)), &mut s.word);
        judge(&s.word, false, &mut verdicts);
        let inner = s.lower.len().saturating_sub(1);
        let digit_inside = s.lower.len() > 2
            && s.lower[1..inner].iter().any(|c| c.is_ascii_digit())
            && !s.lower[0].is_ascii_digit();
        if has_cyrillic && digit_inside {
            // A digit may stand for a vowel as well as for a look-alike consonant ("п1здец",
            // "х3р", "бл4дь"): also read every digit as a hidden letter.
            finish(
                s.lower.iter().map(|c| {
                    if c.is_ascii_digit() {
                        '*'
                    } else {
                        lookalike(*c)
                    }
                }),
                &mut s.word,
            );
            judge(&s.word, false, &mut verdicts);
        }
        if s.lower.contains(&'@') {
            // "@" stands for "а" or for "я" ("бл@ть"): also read it as a hidden letter.
            finish(
                s.lower
                    .iter()
                    .map(|c| if *c == '@' { '*' } else { lookalike(*c) }),
                &mut s.word,
            );
            judge(&s.word, false, &mut verdicts);
        }
    }
    if has_latin {
        // 2. Transliterated Russian ("blyat", "nahuy") and Latin look-alikes ("xyй" handled above).
        s.alt.clear();
        let latin: Vec<char> = s
            .lower
            .iter()
            .map(|c| if *c == 'ё' { 'е' } else { *c })
            .collect();
        if !has_cyrillic {
            transliterate(&latin, &mut s.alt);
            let alt = std::mem::take(&mut s.alt);
            finish(alt.iter().copied(), &mut s.word);
            s.alt = alt;
            judge(&s.word, true, &mut verdicts);
            // 3. English, with leet.
            finish(s.lower.iter().map(|c| leet(*c)), &mut s.word);
            judge(&s.word, false, &mut verdicts);
            // 4. Look-alikes ("cyka" written to look Cyrillic).
            finish(s.lower.iter().map(|c| lookalike(*c)), &mut s.word);
            judge(&s.word, true, &mut verdicts);
        }
    }
    verdicts.into_iter().max_by_key(|(_, severity)| *severity)
}

fn is_token_char(c: char) -> bool {
    // Cyrillic and ASCII first: the general Unicode lookup is the slow path.
    c.is_ascii_alphanumeric()
        || ('Ѐ'..='ӿ').contains(&c)
        || matches!(c, '*' | '@' | '$' | '#' | '%' | '\'' | '’')
        || (!c.is_ascii() && c.is_alphanumeric())
}

fn is_joiner(c: char) -> bool {
    matches!(c, '.' | '-' | '_')
}

/// Finds obscene, insulting and discriminatory words in `text`.
pub fn scan(text: &str) -> Vec<EthicsSpan> {
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    // Tokens: (byte start, byte end, chars). Joiners between token characters stay inside.
    let mut tokens: Vec<(usize, usize, usize)> = Vec::with_capacity(text.len() / 8); // start, end, chars
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !is_token_char(c) {
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        let mut count = 1;
        while let Some(&(j, d)) = chars.peek() {
            if is_token_char(d) {
                end = j + d.len_utf8();
                count += 1;
                chars.next();
            } else if is_joiner(d) {
                // Keep a joiner only if a token character follows it.
                let mut look = chars.clone();
                look.next();
                match look.peek() {
                    Some(&(_, n)) if is_token_char(n) => {
                        chars.next();
                    }
                    _ => break,
                }
            } else {
                break;
            }
        }
        tokens.push((start, end, count));
    }

    let mut i = 0;
    while i < tokens.len() {
        let (start, end, count) = tokens[i];
        // A run of single letters separated by one space ("х у й") is one disguised word.
        let mut j = i;
        if count == 1 {
            while j + 1 < tokens.len()
                && tokens[j + 1].2 == 1
                && text[tokens[j].1..tokens[j + 1].0].chars().count() == 1
            {
                j += 1;
            }
        }
        if j > i + 1 {
            scratch.raw.clear();
            for t in &tokens[i..=j] {
                scratch.raw.extend(text[t.0..t.1].chars());
            }
            let raw = std::mem::take(&mut scratch.raw);
            if let Some((category, severity)) = classify(&raw, &mut scratch) {
                out.push(EthicsSpan {
                    start,
                    end: tokens[j].1,
                    category,
                    severity,
                    talked_about: false,
                });
                scratch.raw = raw;
                i = j + 1;
                continue;
            }
            scratch.raw = raw;
        }
        let piece = &text[start..end];
        let mut raw = std::mem::take(&mut scratch.raw);
        raw.clear();
        raw.extend(piece.chars());
        // "слово.Слово" (a missing space) is two words: judge dotted parts separately unless
        // they are short enough to be a disguise ("б.л.я", "ху.й").
        let joined = piece.contains(is_joiner);
        let disguised = joined
            && piece
                .split(is_joiner)
                .any(|p| !p.is_empty() && p.chars().count() <= 2);
        if joined && !disguised {
            let mut offset = start;
            for part in piece.split(is_joiner) {
                if !part.is_empty() {
                    raw.clear();
                    raw.extend(part.chars());
                    if let Some((category, severity)) = classify(&raw, &mut scratch) {
                        out.push(EthicsSpan {
                            start: offset,
                            end: offset + part.len(),
                            category,
                            severity,
                            talked_about: false,
                        });
                    }
                }
                offset += part.len() + 1;
            }
        } else if let Some((category, severity)) = classify(&raw, &mut scratch) {
            out.push(EthicsSpan {
                start,
                end,
                category,
                severity,
                talked_about: false,
            });
        }
        scratch.raw = raw;
        i += 1;
    }
    phrases::scan(text, &tokens, &mut out);
    if !out.is_empty() {
        phrases::soften(text, &tokens, &mut out);
        // One finding per stretch of text: a phrase over a word already found keeps the worse.
        out.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
        let mut kept: Vec<EthicsSpan> = Vec::with_capacity(out.len());
        for span in out {
            match kept.last_mut() {
                Some(last) if span.start < last.end => {
                    if span.severity > last.severity {
                        last.severity = span.severity;
                        last.category = span.category;
                        last.talked_about = span.talked_about;
                    }
                    last.end = last.end.max(span.end);
                }
                _ => kept.push(span),
            }
        }
        out = kept;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flagged(text: &str) -> Vec<&str> {
        scan(text)
            .into_iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn clause_6_1_obscene_roots_with_their_morphology() {
        for word in [
            "хуй",
            "нахуй",
            "похуй",
            "охуеть",
            "пиздец",
            "распиздяй",
            "спиздил",
            "заебал",
            "ебать",
            "выблядок",
            "блять",
            "бля",
        ] {
            assert_eq!(
                flagged(&format!("ну ты {word} вообще")),
                vec![word],
                "{word}"
            );
        }
    }

    #[test]
    fn clause_6_1_obfuscations_are_seen_through() {
        for word in [
            "х у й",
            "х.у.й",
            "XУЙ",
            "xyй",
            "хууууй",
            "п*здец",
            "п***ц",
            "бл@ть",
            "3аебал",
            "blyat",
            "nahuy",
            "pizdec",
            "f*ck",
            "sh1t",
            "FUUUCK",
        ] {
            assert_eq!(flagged(&format!("да {word} же")).len(), 1, "{word}");
        }
    }

    #[test]
    fn scunthorpe_words_stay_clean() {
        let text = "Потребитель оскорблять не станет; страхуй друга, хлебать суп, рубля, корабля, \
                    ребята, небо, себе, колебаться, употреблять, бляха, Scunthorpe, cocktail, \
                    assistant, Dickens, тупой угол, мандарин, сукно, жидкость, хохлома, Глеб, вебинар, застрахую.";
        assert_eq!(flagged(text), Vec::<&str>::new());
    }

    #[test]
    fn lexicon_roots_are_written_as_the_normaliser_leaves_words() {
        // Runs of a letter are collapsed before matching: a root with a doubled letter
        // ("ниггер") could never match.
        for entry in LEXICON {
            let root: Vec<char> = entry.root.chars().collect();
            assert!(
                root.windows(2).all(|w| w[0] != w[1]),
                "{} has a doubled letter",
                entry.root
            );
            assert!(!entry.root.contains('ё'), "{}", entry.root);
        }
        assert_eq!(flagged("Ниггер из параллели"), vec!["Ниггер"]);
    }

    #[test]
    fn categories_and_severities() {
        let spans = scan("Ты идиот, а он чурка");
        assert_eq!(spans.len(), 2);
        assert_eq!(
            (spans[0].category, spans[0].severity),
            (Category::Insult, 2)
        );
        assert_eq!(
            (spans[1].category, spans[1].severity),
            (Category::Discrimination, 3)
        );
    }
}
