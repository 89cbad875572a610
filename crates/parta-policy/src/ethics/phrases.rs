//! Offence that no single word carries, found by rules over the words of a sentence, and the
//! uses of an offensive word that talk about it rather than use it.
//!
//! Insults: an evaluative adjective with an animal or object noun said of a person ("ты
//! упрямый баран", "завуч — старая коза"), "тупой как пробка", a second-person pronoun with a
//! name-calling adjective ("вы что, тупые?"), and insulting imperatives ("заткнись", "закрой
//! рот", "пошёл вон"). Discrimination: xenophobic set phrases ("Россия для русских", "езжайте
//! к себе в аул"), and a group (by origin, disability or sex) said not to belong at school:
//! the group and a phrase of exclusion in one sentence ("инвалидам не место…", "детей
//! мигрантов брать нельзя", "девчонки тупее мальчиков").
//!
//! Talking about a word is not using it: an insult or slur in quotation marks, named as a word
//! ("слово «дурак»", "сволочь — слово…") or reported ("Иванушку называют дураком") is marked
//! `talked_about` with severity 1, which the policy only warns about; "синдром Дауна" is a
//! diagnosis. Obscene words keep their severity.
//!
//! Cost: one lower-casing and one set lookup per word; a sentence is looked at closely only
//! when it holds one of the words a rule starts from.

use std::collections::HashSet;

use super::{Category, EthicsSpan};

/// A word of the text, lower case with `ё` as `е`.
pub(super) struct Word {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) text: String,
    /// A dash (— – or a spaced hyphen) stands between the previous word and this one.
    pub(super) dash_before: bool,
    /// A comma stands right after this word.
    pub(super) comma_after: bool,
    /// The word is inside quotation marks.
    pub(super) quoted: bool,
}

/// Animal and object nouns that insult when said of a person with an evaluative adjective.
const CREATURES: &[&str] = &[
    "коза",
    "козы",
    "козел",
    "козлы",
    "козлина",
    "индюк",
    "индюки",
    "ишак",
    "ишаки",
    "баран",
    "бараны",
    "овца",
    "овцы",
    "курица",
    "курицы",
    "свинья",
    "свиньи",
    "корова",
    "коровы",
    "крыса",
    "крысы",
    "кошка",
    "осел",
    "ослы",
    "ослина",
    "пень",
    "бревно",
    "пробка",
    "валенок",
    "дубина",
    "жаба",
    "кобыла",
    "обезьяна",
    "бегемот",
    "тюлень",
    "клуша",
    "мартышка",
    "гусыня",
    "гусь",
    "ослица",
    "боров",
    "ведьма",
    "овечка",
    "хорек",
    "хряк",
    "индюшка",
    "кот",
    "козлиха",
    "мерин",
    "кляча",
    "гадюка",
    "змея",
    "тварюка",
    "поросенок",
    "хрюшка",
];

/// Beginnings of evaluative adjectives (and intensifiers) that make a creature an insult.
const EVALUATIVE: &[&str] = &[
    "стар",
    "надут",
    "упрям",
    "уперт",
    "туп",
    "безмозгл",
    "жирн",
    "толст",
    "дран",
    "бесполезн",
    "облезл",
    "вонюч",
    "глуп",
    "мерзк",
    "противн",
    "наглая",
    "наглый",
    "драная",
    "дурн",
    "полн",
    "настоящ",
    "самая",
    "самый",
    "натуральн",
    "безрог",
    "бестолков",
    "тупорыл",
    "грязн",
    "злобн",
];

/// Name-calling adjectives said of "ты" or "вы".
const NAME_CALLING: &[&str] = &[
    "тупой",
    "тупая",
    "тупые",
    "тупое",
    "глупый",
    "глупая",
    "глупые",
    "ненормальный",
    "ненормальная",
    "ненормальные",
    "безмозглый",
    "безмозглая",
    "безмозглые",
    "бестолковый",
    "бестолковая",
    "чокнутый",
    "чокнутая",
    "чокнутые",
    "придурошный",
    "придурошная",
    "недалекий",
    "недалекая",
    "недалекие",
];

/// Words that may stand between the pronoun and the adjective ("ты что, тупой?").
const FILLERS: &[&str] = &[
    "что",
    "же",
    "и",
    "такой",
    "такая",
    "такие",
    "совсем",
    "просто",
    "вообще",
    "чо",
    "ли",
    "реально",
    "правда",
];

const SHUT_VERBS: &[&str] = &[
    "закрой",
    "закройте",
    "заткни",
    "заткните",
    "завали",
    "завалите",
    "захлопни",
    "захлопните",
    "прикрой",
    "прикройте",
];
const MOUTHS: &[&str] = &[
    "рот",
    "пасть",
    "хлебало",
    "варежку",
    "хайло",
    "ебало",
    "ебальник",
];
const GO_AWAY: &[&str] = &["пошел", "пошла", "пошли", "пшел", "пшла"];
const BE_OFF: &[&str] = &[
    "иди",
    "идите",
    "катись",
    "катитесь",
    "вали",
    "валите",
    "проваливай",
    "проваливайте",
    "убирайся",
    "убирайтесь",
];
const OFF_TO: &[&str] = &["лесом", "нафиг", "отсюда", "прочь"];
const GO_HOME: &[&str] = &[
    "езжай",
    "езжайте",
    "уезжай",
    "уезжайте",
    "вали",
    "валите",
    "катись",
    "катитесь",
    "убирайся",
    "убирайтесь",
    "едьте",
    "проваливайте",
    "возвращайтесь",
    "пусть",
];

/// Beginnings of words naming a group by origin, disability or sex.
const GROUPS: &[&str] = &[
    "нерусск",
    "мигрант",
    "гастарбайтер",
    "приезж",
    "понаех",
    "кавказ",
    "азиат",
    "таджик",
    "узбек",
    "киргиз",
    "цыган",
    "еврей",
    "евреи",
    "евреев",
    "чурк",
    "чурбан",
    "инвалид",
    "колясочник",
    "глухи",
    "глухо",
    "слепы",
    "слепых",
    "даун",
    "аутист",
    "отстал",
    "девоч",
    "девчон",
    "девчат",
    "бабам",
    "бабы",
    "женщин",
    "черномаз",
    "узкоглаз",
    "мусульман",
    "нацмен",
];

/// The rarer words of each phrase of exclusion: a sentence is looked at for a group only when
/// it holds one ("не" alone is in every other sentence).
const EXCLUSION_TRIGGERS: &[&str] = &[
    "место",
    "нечего",
    "нельзя",
    "гнать",
    "выгнать",
    "выгоняйте",
    "гоните",
    "отселить",
    "выселить",
    "отдельно",
    "пусть",
    "тупее",
    "глупее",
    "нашими",
    "нашим",
    "изолировать",
    "берите",
    "пускать",
    "пускайте",
    "принимать",
    "нормальным",
    "нормальными",
    "нормальной",
];

/// FNV-1a: the trigger set is looked up once per word of every text, and its keys are short.
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Set = HashSet<&'static str, std::hash::BuildHasherDefault<Fnv>>;

/// Words a rule starts from, and which (first letter, length in letters) pairs they have: a
/// word whose pair is not among them is passed over without lower-casing it.
struct Triggers {
    words: Set,
    shapes: [u16; 33],
}

fn triggers() -> &'static Triggers {
    static SET: std::sync::OnceLock<Triggers> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        let mut words = Set::default();
        for list in [
            CREATURES,
            NAME_CALLING,
            SHUT_VERBS,
            GO_AWAY,
            BE_OFF,
            GO_HOME,
            EXCLUSION_TRIGGERS,
        ] {
            words.extend(list.iter().copied());
        }
        // "тупы как бревно", "глуп как пробка"; the set phrases.
        words.extend([
            "туп",
            "тупы",
            "глуп",
            "глупы",
            "заткнись",
            "заткнитесь",
            "вякай",
            "вякайте",
            "россия",
            "чемодан",
        ]);
        let mut shapes = [0u16; 33];
        for word in &words {
            let mut chars = word.chars();
            if let Some(first) = chars.next().and_then(letter_slot) {
                shapes[first] |= 1 << (word.chars().count().min(15));
            }
        }
        Triggers { words, shapes }
    })
}

/// Slot of a Cyrillic letter of either case (`ё` with `е`).
fn letter_slot(c: char) -> Option<usize> {
    match c {
        'а'..='я' => Some(c as usize - 'а' as usize),
        'А'..='Я' => Some(c as usize - 'А' as usize),
        'ё' | 'Ё' => Some(5),
        _ => None,
    }
}

/// Whether the token `raw` of `letters` characters is a word a rule starts from; `buf` is
/// scratch space.
fn is_trigger(raw: &str, letters: usize, buf: &mut String) -> bool {
    let t = triggers();
    let Some(first) = raw.chars().next().and_then(letter_slot) else {
        return false;
    };
    if letters > 15 || t.shapes[first] & (1 << letters) == 0 {
        return false;
    }
    lower(raw, buf) && t.words.contains(buf.as_str())
}

fn starts_any(word: &str, stems: &[&str]) -> bool {
    stems.iter().any(|s| word.starts_with(s))
}

fn is(word: &str, list: &[&str]) -> bool {
    list.contains(&word)
}

/// Lower case with `ё` as `е`; `None` for a word with anything but letters.
fn lower(raw: &str, out: &mut String) -> bool {
    out.clear();
    for c in raw.chars() {
        let c = match c {
            'А'..='Я' => char::from_u32(c as u32 + 32).unwrap_or(c),
            'Ё' | 'ё' => 'е',
            'а'..='я' | 'a'..='z' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            '-' => c,
            _ => return false,
        };
        out.push(c);
    }
    true
}

/// A token of the text: byte start, byte end, characters.
pub(super) type Token = (usize, usize, usize);

/// Whether what stands between two tokens ends a sentence.
fn breaks(between: &str) -> bool {
    between.contains(['.', '!', '?', '\n', ';'])
}

/// The tokens of the sentence that holds token `i`.
fn sentence_of(text: &str, tokens: &[Token], i: usize) -> std::ops::Range<usize> {
    let mut from = i;
    while from > 0 && !breaks(&text[tokens[from - 1].1..tokens[from].0]) {
        from -= 1;
    }
    let mut to = i + 1;
    while to < tokens.len() && !breaks(&text[tokens[to - 1].1..tokens[to].0]) {
        to += 1;
    }
    from..to
}

/// The words of the sentence `range` of `tokens`, with what stands between them.
fn words_of(text: &str, tokens: &[Token], range: std::ops::Range<usize>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::with_capacity(range.len());
    let mut quoted = false;
    let mut previous_end = range.start.checked_sub(1).map_or(0, |p| tokens[p].1);
    for &(start, end, _) in &tokens[range] {
        let between = &text[previous_end..start];
        let mut dash = false;
        for c in between.chars() {
            match c {
                '«' | '“' | '„' => quoted = true,
                '»' | '”' => quoted = false,
                '"' => quoted = !quoted,
                '—' | '–' => dash = true,
                _ => {}
            }
        }
        if between.contains(" - ") {
            dash = true;
        }
        let mut word = String::new();
        if !lower(&text[start..end], &mut word) {
            word.clear();
        }
        if let Some(last) = out.last_mut() {
            last.comma_after = between.trim_start().starts_with(',');
        }
        out.push(Word {
            start,
            end,
            text: word,
            dash_before: dash,
            comma_after: false,
            quoted,
        });
        previous_end = end;
    }
    out
}

fn span(words: &[Word], from: usize, to: usize, category: Category, severity: u8) -> EthicsSpan {
    EthicsSpan {
        start: words[from].start,
        end: words[to].end,
        category,
        severity,
        talked_about: false,
    }
}

/// Whether a phrase of exclusion starts at `i` of `s` (a sentence's words).
fn excluded(s: &[Word], i: usize) -> bool {
    let w = |k: usize| s.get(k).map_or("", |w| w.text.as_str());
    let before = if i > 0 { w(i - 1) } else { "" };
    let admit = |word: &str| {
        ["брат", "пуска", "принима", "допуска", "сажать", "учить"]
            .iter()
            .any(|v| word.starts_with(v))
    };
    match w(i) {
        "не" => {
            // "не место на полу" says where, not who belongs.
            (w(i + 1) == "место"
                && matches!(
                    w(i + 2),
                    "" | "в" | "во" | "среди" | "рядом" | "здесь" | "тут" | "с"
                ))
                || matches!(w(i + 1), "берите" | "пускать" | "принимать" | "пускайте")
                || (matches!(w(i + 1), "может" | "могут")
                    && w(i + 2) == "быть"
                    && w(i + 3).starts_with("нормальн"))
        }
        "нечего" => w(i + 1) == "делать" || before == "делать",
        "нельзя" => admit(w(i + 1)) || admit(before),
        "гнать" | "выгнать" | "выгоняйте" | "гоните" | "отселить" | "выселить" | "изолировать" => {
            true
        }
        "отдельно" => s[i..]
            .iter()
            .take(4)
            .any(|w| w.text.starts_with("нормальн")),
        "пусть" => s[i..].iter().take(5).any(|w| {
            matches!(
                w.text.as_str(),
                "другой" | "себя" | "дома" | "дворы" | "отдельно"
            )
        }),
        "тупее" | "глупее" => true,
        "нашими" | "нашим" => {
            w(i + 1) == "детям"
                || s[..i]
                    .iter()
                    .rev()
                    .take(3)
                    .any(|w| w.text == "с" || w.text.starts_with("учи"))
        }
        _ => false,
    }
}

/// Offence carried by phrases in `text` (cut into `tokens`), added to `out`.
pub(super) fn scan(text: &str, tokens: &[Token], out: &mut Vec<EthicsSpan>) {
    let mut buf = String::new();
    let mut looked_at = 0;
    for (i, &(start, end, letters)) in tokens.iter().enumerate() {
        if i < looked_at || !is_trigger(&text[start..end], letters, &mut buf) {
            continue;
        }
        let range = sentence_of(text, tokens, i);
        looked_at = range.end;
        let words = words_of(text, tokens, range);
        insults(&words, out);
        discrimination(&words, out);
    }
}

fn insults(s: &[Word], out: &mut Vec<EthicsSpan>) {
    let pronoun_before = |i: usize| {
        s[..i]
            .iter()
            .rev()
            .take(3)
            .any(|w| matches!(w.text.as_str(), "ты" | "вы"))
    };
    for (i, w) in s.iter().enumerate() {
        let t = w.text.as_str();
        // An evaluative adjective next to a creature, said of a person.
        if is(t, CREATURES) {
            let before = i
                .checked_sub(1)
                .filter(|&b| starts_any(&s[b].text, EVALUATIVE));
            let after = Some(i + 1).filter(|&a| a < s.len() && starts_any(&s[a].text, EVALUATIVE));
            let first = before.unwrap_or(i);
            let of_person = pronoun_before(first)
                || s[first.saturating_sub(2)..=first]
                    .iter()
                    .any(|w| w.dash_before);
            if of_person && let Some(other) = before.or(after) {
                let (a, b) = (other.min(i), other.max(i));
                out.push(span(s, a, b, Category::Insult, 2));
            }
        }
        // "тупой как пробка", "глуп как бревно".
        if (t.starts_with("туп") || t.starts_with("глуп"))
            && s.get(i + 1).is_some_and(|n| n.text == "как")
            && i + 2 < s.len()
        {
            out.push(span(s, i, i + 2, Category::Insult, 2));
        }
        // "ты тупой", "вы что, ненормальные?".
        if matches!(t, "ты" | "вы") {
            let mut k = i + 1;
            while k < s.len() && k <= i + 3 && is(&s[k].text, FILLERS) {
                k += 1;
            }
            if k < s.len() && is(&s[k].text, NAME_CALLING) {
                out.push(span(s, i, k, Category::Insult, 2));
            }
        }
        // Insulting imperatives.
        if matches!(t, "заткнись" | "заткнитесь") {
            out.push(span(s, i, i, Category::Insult, 2));
        }
        if matches!(t, "вякай" | "вякайте") && i > 0 && s[i - 1].text == "не" {
            out.push(span(s, i - 1, i, Category::Insult, 1));
        }
        if is(t, SHUT_VERBS)
            && let Some(k) = (i + 1..s.len().min(i + 3)).find(|&k| is(&s[k].text, MOUTHS))
        {
            out.push(span(s, i, k, Category::Insult, 2));
        }
        if is(t, GO_AWAY)
            && let Some(n) = s.get(i + 1)
        {
            // "вон" also points ("пошли вон туда"): sent away, it ends the phrase.
            let sent_away = n.text == "вон"
                && (i + 2 == s.len()
                    || n.comma_after
                    || matches!(s[i + 2].text.as_str(), "отсюда" | "из"));
            let told_off = sent_away
                || (matches!(n.text.as_str(), "ты" | "вы") && (n.comma_after || i + 2 == s.len()));
            if told_off {
                out.push(span(s, i, i + 1, Category::Insult, 2));
            }
        }
        if is(t, BE_OFF)
            && let Some(n) = s.get(i + 1)
        {
            let away = match n.text.as_str() {
                "к" => s
                    .get(i + 2)
                    .is_some_and(|w| matches!(w.text.as_str(), "черту" | "чорту" | "лешему")),
                other => is(other, OFF_TO),
            };
            if away {
                out.push(span(s, i, i + 1, Category::Insult, 1));
            }
        }
    }
}

fn discrimination(s: &[Word], out: &mut Vec<EthicsSpan>) {
    let text = |k: usize| s.get(k).map_or("", |w| w.text.as_str());
    for i in 0..s.len() {
        // Set phrases.
        if text(i) == "россия" && text(i + 1) == "для" && text(i + 2) == "русских" {
            out.push(span(s, i, i + 2, Category::Discrimination, 2));
        }
        if text(i) == "чемодан" && text(i + 1) == "вокзал" {
            out.push(span(s, i, i + 1, Category::Discrimination, 2));
        }
        // "езжайте к себе в аул", "пусть едут на родину".
        if is(text(i), GO_HOME) {
            let home = (i + 1..s.len().min(i + 5)).find(|&k| {
                matches!(text(k), "аул" | "кишлак" | "родину" | "родина")
                    || (text(k) == "себе" && text(k - 1) == "к")
            });
            if let Some(k) = home {
                out.push(span(s, i, k, Category::Discrimination, 2));
            }
        }
    }
    // A group said not to belong.
    let group = s
        .iter()
        .position(|w| w.text.len() >= 4 && starts_any(&w.text, GROUPS));
    if let Some(g) = group
        && (0..s.len()).any(|i| i != g && excluded(s, i))
    {
        out.push(span(s, g, g, Category::Discrimination, 2));
    }
}

/// Lowers to a warning (severity 1) an insult or slur that is talked about rather than used:
/// in quotation marks, named as a word, or reported; drops "синдром Дауна".
pub(super) fn soften(text: &str, tokens: &[Token], spans: &mut Vec<EthicsSpan>) {
    // Tokens are in text order: a span's first token is found in log time.
    let at = |start: usize| tokens.binary_search_by_key(&start, |t| t.0).ok();
    let around = |i: usize| {
        let range = sentence_of(text, tokens, i);
        let offset = range.start;
        (words_of(text, tokens, range), i - offset)
    };
    spans.retain(|span| {
        let Some(i) = at(span.start) else {
            return true;
        };
        let raw = &text[tokens[i].0..tokens[i].1];
        if i == 0 || !(raw.starts_with("даун") || raw.starts_with("Даун")) {
            return true;
        }
        let (words, i) = around(i);
        !(i > 0 && words[i - 1].text.starts_with("синдром"))
    });
    for span in spans.iter_mut() {
        if span.category == Category::Obscene || span.severity < 2 {
            continue;
        }
        let Some(i) = at(span.start) else {
            continue;
        };
        let (words, i) = around(i);
        let near = |from: usize, to: usize| words[from..to.min(words.len())].iter();
        // "слово «X»", "словом X"; "X — слово…", "X — устаревшее слово" (not "честное слово"
        // after an insult, which only swears to it).
        let is_word =
            |w: &Word| matches!(w.text.as_str(), "слово" | "слова" | "словом" | "словечко");
        let word_named = (i > 0 && is_word(&words[i - 1]))
            || (words.get(i + 1).is_some_and(|w| w.dash_before) && near(i + 1, i + 4).any(is_word));
        let reported = near(i.saturating_sub(4), i).any(|w| {
            ["называ", "назвал", "обзыва", "обозвал", "дразн"]
                .iter()
                .any(|r| w.text.starts_with(r))
        });
        if words[i].quoted || word_named || reported {
            span.severity = 1;
            span.talked_about = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Category, scan};

    fn found(text: &str) -> Vec<(&str, Category, u8)> {
        scan(text)
            .into_iter()
            .map(|s| (&text[s.start..s.end], s.category, s.severity))
            .collect()
    }

    #[test]
    fn a_creature_insults_only_with_an_adjective_said_of_a_person() {
        assert_eq!(
            found("Ты упрямый баран."),
            vec![("упрямый баран", Category::Insult, 2)]
        );
        assert_eq!(
            found("Завуч — старая коза."),
            vec![("старая коза", Category::Insult, 2)]
        );
        assert!(found("Старая коза на ферме дала молоко.").is_empty());
        assert!(found("Баран и коза живут в живом уголке.").is_empty());
    }

    #[test]
    fn imperatives_insult_where_they_send_someone_away() {
        assert_eq!(found("Пошла вон из чата.").len(), 1);
        assert_eq!(found("Закрой рот.").len(), 1);
        assert!(found("Пошли вон туда, к спортзалу.").is_empty());
        assert!(found("Закройте окна, будет гроза.").is_empty());
    }

    #[test]
    fn a_group_and_a_phrase_of_exclusion_in_one_sentence() {
        assert_eq!(
            found("Инвалидам не место в обычной школе."),
            vec![("Инвалидам", Category::Discrimination, 2)]
        );
        assert!(found("Инвалидам нужна помощь. Не место для курения — двор.").is_empty());
        assert!(found("Девочкам не место на холодном полу.").is_empty());
    }

    #[test]
    fn a_word_talked_about_is_a_warning_and_a_diagnosis_is_nothing() {
        assert_eq!(
            found("Слово «идиот» в романе."),
            vec![("идиот", Category::Insult, 1)]
        );
        assert_eq!(
            found("Его обозвали дебилом на перемене."),
            vec![("дебилом", Category::Insult, 1)]
        );
        assert_eq!(found("Ты дебил."), vec![("дебил", Category::Insult, 2)]);
        assert_eq!(
            found("Ну ты и идиот, честное слово."),
            vec![("идиот", Category::Insult, 2)],
            "an oath is not a word named"
        );
        assert_eq!(found("Сволочь — слово из романа.")[0].2, 1);
        assert!(found("Синдром Дауна — тема классного часа.").is_empty());
        // Obscene words keep their severity in quotes.
        assert_eq!(found("Слово «блядь»")[0].2, 3);
    }
}
