//! How disguised letters are read back: Latin and digit look-alikes, transliteration, and the
//! final form (lower case, `ё` as `е`, runs of one letter collapsed).

/// Latin and digit look-alikes of Cyrillic letters, for words written in a mix of scripts.
pub(super) fn lookalike(c: char) -> char {
    match c {
        'a' | '@' | '4' => match c {
            '4' => 'ч',
            _ => 'а',
        },
        'b' => 'в',
        'c' | '$' => 'с',
        'e' => 'е',
        'h' => 'н',
        'k' => 'к',
        'm' => 'м',
        'n' => 'п',
        'o' | '0' => 'о',
        'p' => 'р',
        'r' => 'г',
        't' => 'т',
        'u' => 'и',
        'x' => 'х',
        'y' => 'у',
        // Ukrainian and Belarusian "і" and Latin "i" inside a Cyrillic word.
        'i' | 'і' => 'и',
        '3' => 'з',
        '6' => 'б',
        '9' => 'я',
        'ё' => 'е',
        other => other,
    }
}

/// Leet for English words.
pub(super) fn leet(c: char) -> char {
    match c {
        '1' | '!' => 'i',
        '3' => 'e',
        '0' => 'o',
        '4' | '@' => 'a',
        '$' | '5' => 's',
        '7' => 't',
        other => other,
    }
}

/// Latin transliteration of Russian ("blyat" -> "блят").
pub(super) fn transliterate(latin: &[char], out: &mut Vec<char>) {
    const MULTI: &[(&str, char)] = &[
        ("shch", 'щ'),
        ("sch", 'щ'),
        ("sh", 'ш'),
        ("ch", 'ч'),
        ("zh", 'ж'),
        ("kh", 'х'),
        ("ts", 'ц'),
        ("ya", 'я'),
        ("ja", 'я'),
        ("yo", 'е'),
        ("jo", 'е'),
        ("yu", 'ю'),
        ("ju", 'ю'),
        ("ye", 'е'),
    ];
    let mut i = 0;
    'outer: while i < latin.len() {
        for (seq, cyr) in MULTI {
            let n = seq.len();
            if i + n <= latin.len() && seq.chars().zip(&latin[i..i + n]).all(|(a, b)| a == *b) {
                out.push(*cyr);
                i += n;
                continue 'outer;
            }
        }
        let c = latin[i];
        let cyr = match c {
            'a' | '@' | '4' => 'а',
            'b' | '6' => 'б',
            'v' | 'w' => 'в',
            'g' => 'г',
            'd' => 'д',
            'e' | '3' => 'е',
            'z' => 'з',
            'i' | '1' => 'и',
            'j' => 'й',
            'k' | 'q' => 'к',
            'l' => 'л',
            'm' => 'м',
            'n' => 'н',
            'o' | '0' => 'о',
            'p' => 'п',
            'r' => 'р',
            's' | '$' => 'с',
            't' => 'т',
            'u' => 'у',
            'f' => 'ф',
            'h' | 'x' => 'х',
            'c' => 'ц',
            // "y" after a vowel or at the end is "й" ("xuy", "nahuy"), else "ы".
            'y' => {
                let after_vowel = i > 0 && "aeiouy".contains(latin[i - 1]);
                if after_vowel || i + 1 == latin.len() {
                    'й'
                } else {
                    'ы'
                }
            }
            '\'' => 'ь',
            other => other,
        };
        out.push(cyr);
        i += 1;
    }
}

/// Lower-cases, drops in-word separators, keeps `*` as a wildcard (`?`), collapses repeats.
pub(super) fn finish(chars: impl Iterator<Item = char>, out: &mut Vec<char>) {
    out.clear();
    let mut last = None;
    for c in chars {
        let c = match c {
            '*' | '#' | '%' => '?',
            '.' | '-' | '_' | '\'' | '’' | '`' | '"' => continue,
            c => c,
        };
        if Some(c) != last || c == '?' {
            out.push(c);
        }
        last = Some(c);
    }
}
