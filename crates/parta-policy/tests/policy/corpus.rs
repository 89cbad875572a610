//! The ethics corpus (corpus/ethics.tsv) and the clean-numbers corpus.

use parta_policy::{ethics, personal_data};

struct Scores {
    true_pos: usize,
    false_pos: usize,
    false_neg: usize,
    misses: Vec<String>,
    false_alarms: Vec<String>,
}

fn ethics_scores(corpus: &str) -> Scores {
    let mut s = Scores {
        true_pos: 0,
        false_pos: 0,
        false_neg: 0,
        misses: vec![],
        false_alarms: vec![],
    };
    for line in corpus
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (label, sentence) = line.split_once('\t').unwrap();
        let offensive = label != "clean";
        let flagged = !ethics::scan(sentence).is_empty();
        match (offensive, flagged) {
            (true, true) => s.true_pos += 1,
            (true, false) => {
                s.false_neg += 1;
                s.misses.push(sentence.to_owned());
            }
            (false, true) => {
                s.false_pos += 1;
                s.false_alarms.push(sentence.to_owned());
            }
            (false, false) => {}
        }
    }
    s
}

#[test]
fn clause_6_1_ethics_recall_and_precision_on_the_corpus() {
    let s = ethics_scores(include_str!("../../corpus/ethics.tsv"));
    let recall = s.true_pos as f64 / (s.true_pos + s.false_neg) as f64;
    let precision = s.true_pos as f64 / (s.true_pos + s.false_pos) as f64;
    println!(
        "ethics corpus: recall {recall:.3} ({}/{}), precision {precision:.3} ({}/{})",
        s.true_pos,
        s.true_pos + s.false_neg,
        s.true_pos,
        s.true_pos + s.false_pos
    );
    println!(
        "missed: {:#?}\nfalse alarms: {:#?}",
        s.misses, s.false_alarms
    );
    assert!(
        recall >= 0.95,
        "recall {recall:.3} below 0.95; missed {:#?}",
        s.misses
    );
    assert!(
        precision >= 0.98,
        "precision {precision:.3} below 0.98; false alarms {:#?}",
        s.false_alarms
    );
}

#[test]
fn ethics_on_the_held_out_sentences_written_after_tuning() {
    // Not used to tune the detector: its figures say how it does on text it has not seen.
    // The bar is lower than on the tuning corpus, and the figures are printed for the notes.
    let s = ethics_scores(include_str!("../../corpus/ethics-holdout.tsv"));
    let recall = s.true_pos as f64 / (s.true_pos + s.false_neg) as f64;
    let precision = s.true_pos as f64 / (s.true_pos + s.false_pos).max(1) as f64;
    println!("held-out: recall {recall:.3}, precision {precision:.3}");
    println!(
        "missed: {:#?}\nfalse alarms: {:#?}",
        s.misses, s.false_alarms
    );
    assert!(
        recall >= 0.7 && precision >= 0.9,
        "recall {recall:.3}, precision {precision:.3}"
    );
}

/// Numbers a school chat is full of, and numbers of the right length whose checksums fail.
fn clean_numbers() -> Vec<String> {
    let mut out: Vec<String> = [
        "Собрание 28.11.2025 в 18:00, кабинет 214",
        "Задание: № 245, 247 и 250 на странице 61",
        "Сдать 1500 рублей до 01.12.2025",
        "Олимпиада в субботу, 10:00, аудитория 3-14",
        "Тираж 12 000 экземпляров, 2-е издание",
        "Автобус № 112, отправление 08:45",
        "Итоговая оценка 4,5 из 5",
        "Рост 152 см, размер формы 40-42",
        "Номер заказа 12345678901234",
        "Урок 3, страница 45, упражнения 12-15",
        "ISBN 978-5-09-087654-3",
        "Код класса 7Б-2025",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // 11 digits that fail the СНИЛС checksum and do not look like a Russian phone.
    // 10 and 12 digits that fail the ИНН checksums; 16 digits that fail Luhn.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let digits = |n: u64, len: usize| format!("{:0len$}", n % 10u64.pow(len as u32), len = len);
    let to_vec = |s: &str| s.bytes().map(|c| c - b'0').collect::<Vec<_>>();
    while out.len() < 400 {
        let len = [10usize, 11, 12, 16][(next() % 4) as usize];
        let mut s = digits(next(), len.min(19));
        if len == 16 {
            s = format!("{}{}", digits(next(), 8), digits(next(), 8));
        }
        // Start with 1 or 0: no phone (7/8/9), no card (2-6).
        s.replace_range(0..1, if next() % 2 == 0 { "1" } else { "0" });
        let d = to_vec(&s);
        let valid = personal_data::snils_valid(&d)
            || personal_data::inn10_valid(&d)
            || personal_data::inn12_valid(&d)
            || personal_data::luhn_valid(&d);
        if !valid {
            out.push(format!("Номер документа в журнале: {s}"));
        }
    }
    out
}

#[test]
fn clause_8_no_personal_data_found_in_clean_numbers() {
    let numbers = clean_numbers();
    let false_positives: Vec<_> = numbers
        .iter()
        .filter(|t| !personal_data::scan(t).is_empty())
        .collect();
    println!(
        "personal data: {} false positives in {} clean texts",
        false_positives.len(),
        numbers.len()
    );
    assert!(false_positives.is_empty(), "{false_positives:#?}");
}

#[test]
fn clause_8_valid_numbers_are_all_found() {
    // Hand-checked valid numbers in different spellings.
    for (text, kind) in [
        ("СНИЛС 112-233-445 95", personal_data::PdKind::Snils),
        ("снилс: 11223344595", personal_data::PdKind::Snils),
        ("ИНН 7707083893", personal_data::PdKind::InnOrganisation),
        ("ИНН 500100732259", personal_data::PdKind::InnPerson),
        ("карта 5469 3800 1234 5673", personal_data::PdKind::BankCard),
        ("телефон 8-912-345-67-89", personal_data::PdKind::Phone),
    ] {
        let found = personal_data::scan(text);
        assert_eq!(
            found.iter().map(|s| s.kind).collect::<Vec<_>>(),
            vec![kind],
            "{text}"
        );
    }
}
