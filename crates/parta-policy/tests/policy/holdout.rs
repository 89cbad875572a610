//! Per-category figures on the corpora of issue 21: the second held-out set
//! (corpus/ethics-holdout-2.tsv, written before the detector was changed for it and never used
//! to tune it; its figures are printed for docs/benchmarks.md and held to the floor they
//! reached), and the tuning sentences the rules were grown on (corpus/ethics-tuning-2.tsv).

use parta_policy::ethics::{self, Category};

const CATEGORIES: [(&str, Category); 3] = [
    ("obscene", Category::Obscene),
    ("insult", Category::Insult),
    ("discrimination", Category::Discrimination),
];

#[derive(Default)]
struct Figures {
    /// Per category: offensive sentences of that label, and those flagged at all.
    labelled: [usize; 3],
    caught: [usize; 3],
    /// Per category: sentences with a finding of that category, and those that are offensive.
    found: [usize; 3],
    found_right: [usize; 3],
    clean: usize,
    false_alarms: Vec<String>,
    quoted: usize,
    quoted_warned: usize,
    misses: Vec<String>,
}

fn figures(corpus: &str) -> Figures {
    let mut f = Figures::default();
    for line in corpus
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (label, sentence) = line.split_once('\t').expect("label<TAB>sentence");
        let spans = ethics::scan(sentence);
        let offensive = CATEGORIES.iter().position(|(name, _)| *name == label);
        for (i, (_, category)) in CATEGORIES.iter().enumerate() {
            if spans.iter().any(|s| s.category == *category) {
                // A quoted mild word warned about is right; only block-level findings count.
                if label == "quoted" && spans.iter().all(|s| s.severity < 2) {
                    continue;
                }
                f.found[i] += 1;
                if offensive.is_some() {
                    f.found_right[i] += 1;
                }
            }
        }
        match (label, offensive) {
            (_, Some(i)) => {
                f.labelled[i] += 1;
                if spans.is_empty() {
                    f.misses.push(format!("{label}: {sentence}"));
                } else {
                    f.caught[i] += 1;
                }
            }
            ("quoted", None) => {
                f.quoted += 1;
                if spans.iter().any(|s| s.severity >= 2) {
                    f.false_alarms.push(format!("quoted, blocked: {sentence}"));
                } else if !spans.is_empty() {
                    f.quoted_warned += 1;
                }
            }
            ("clean", None) => {
                f.clean += 1;
                if !spans.is_empty() {
                    f.false_alarms.push(format!("clean: {sentence}"));
                }
            }
            (other, None) => panic!("unknown label {other:?}"),
        }
    }
    f
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Prints the figures of `corpus`; returns recall and precision per category.
fn report(name: &str, f: &Figures) -> ([f64; 3], [f64; 3]) {
    let mut recalls = [0.0; 3];
    let mut precisions = [0.0; 3];
    for (i, (category, _)) in CATEGORIES.iter().enumerate() {
        recalls[i] = ratio(f.caught[i], f.labelled[i]);
        precisions[i] = ratio(f.found_right[i], f.found[i]);
        println!(
            "{name}, {category}: recall {:.2} ({}/{}), precision {:.2} ({}/{})",
            recalls[i], f.caught[i], f.labelled[i], precisions[i], f.found_right[i], f.found[i]
        );
    }
    println!(
        "{name}, clean: {} false alarms of {} (quoted mild words: {} warned, of {})",
        f.false_alarms.len(),
        f.clean + f.quoted,
        f.quoted_warned,
        f.quoted
    );
    println!(
        "missed: {:#?}\nfalse alarms: {:#?}",
        f.misses, f.false_alarms
    );
    (recalls, precisions)
}

#[test]
fn ethics_on_the_second_held_out_corpus_per_category() {
    let f = figures(include_str!("../../corpus/ethics-holdout-2.tsv"));
    assert_eq!(f.labelled, [50, 50, 50], "the corpus as committed");
    assert_eq!(f.clean + f.quoted, 150);
    let (recalls, precisions) = report("held-out 2", &f);
    // The floor reached after growing the rules on the tuning sentences only (before: recall
    // 0.70, 0.40, 0.24; precision 0.95, 0.70, 0.92). docs/benchmarks.md has the figures.
    let floor_recall = [1.0, 1.0, 0.94];
    let floor_precision = [0.96, 0.94, 0.97];
    for i in 0..3 {
        assert!(
            recalls[i] >= floor_recall[i] && precisions[i] >= floor_precision[i],
            "{}: recall {:.2}, precision {:.2}",
            CATEGORIES[i].0,
            recalls[i],
            precisions[i]
        );
    }
}

#[test]
fn ethics_on_the_tuning_sentences_of_issue_21() {
    let f = figures(include_str!("../../corpus/ethics-tuning-2.tsv"));
    let (recalls, precisions) = report("tuning 2", &f);
    for i in 0..3 {
        assert!(
            recalls[i] >= 0.95 && precisions[i] >= 0.98,
            "{}: recall {:.2}, precision {:.2}",
            CATEGORIES[i].0,
            recalls[i],
            precisions[i]
        );
    }
}
