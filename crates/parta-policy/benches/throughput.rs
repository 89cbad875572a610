//! Throughput of the text checks on long texts (target: >= 50 MB/s on one core).
//! Run: `cargo bench -p parta-policy`; results go to docs/benchmarks.md by hand.

use std::hint::black_box;
use std::time::Instant;

use parta_policy::{ChatKind, Policy, check_text, ethics, personal_data};

/// ~`bytes` of realistic chat text: school messages, a few numbers, some disguised swearing.
fn corpus(bytes: usize) -> String {
    let lines = [
        "Добрый вечер! Завтра родительское собрание в 18:00, кабинет 214, явка обязательна.",
        "Домашнее задание по математике: № 245, 247 и 250 на странице 61, сдать в четверг.",
        "Спасибо, Анна Сергеевна, всё получили, Даша выздоравливает и завтра придёт.",
        "Телефон для связи: +7 (912) 345-67-89, звоните после шести вечера, пожалуйста.",
        "Please send the signed consent form by Friday, the trip leaves at 8:45.",
        "Ну это п*здец какой-то, опять задали столько на дом, ребята в шоке.",
        "Потребитель имеет право вернуть товар; оскорблять никого нельзя; страхуй товарища.",
    ];
    let mut out = String::with_capacity(bytes + 200);
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(lines[i % lines.len()]);
        out.push('\n');
        i += 1;
    }
    out
}

fn measure(name: &str, text: &str, rounds: usize, f: impl Fn(&str) -> usize) {
    let _ = f(text); // warm-up
    let start = Instant::now();
    let mut found = 0;
    for _ in 0..rounds {
        found += f(black_box(text));
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (text.len() * rounds) as f64 / 1e6;
    println!(
        "{name:<28} {:>8.1} MB/s  ({found} findings over {rounds} rounds of {:.1} MB)",
        mb / secs,
        text.len() as f64 / 1e6
    );
}

fn main() {
    let mb: usize = std::env::var("PARTA_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let text = corpus(mb * 1_000_000);
    let policy = Policy::default();
    measure("ethics::scan", &text, 3, |t| ethics::scan(t).len());
    measure("personal_data::scan", &text, 3, |t| {
        personal_data::scan(t).len()
    });
    measure("check_text (both)", &text, 3, |t| {
        check_text(&policy, ChatKind::ClassParents, t)
            .findings
            .len()
    });
}
