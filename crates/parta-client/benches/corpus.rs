//! Generated Russian school-chat text for the search and cache benchmarks (deterministic for
//! a seed). Shared by `benches/cache.rs` and the FTS5-vs-tantivy comparison in
//! `search-compare/`.

use parta_client::store::{CachedChat, CachedMessage};
use rand::Rng;
use rand::rngs::StdRng;

/// Chats 1..=`count`, as the benchmarks' cache lists them.
pub fn chats(count: i64) -> Vec<CachedChat> {
    (1..=count)
        .map(|c| CachedChat {
            chat_id: c,
            title: format!("Чат {c}"),
            description: None,
            participants_count: 30,
            last_event_time: 0,
            pinned_mid: None,
        })
        .collect()
}

/// The `i`-th generated message, in `chat_id`: one a second, from one of 40 parents.
pub fn message(i: usize, chat_id: i64, rng: &mut StdRng) -> CachedMessage {
    CachedMessage {
        mid: format!("mid.{i}"),
        chat_id,
        seq: i as i64,
        sender_id: Some(1 + (i as i64 % 40)),
        sender_name: format!("Родитель {}", i % 40),
        sender_via_max: false,
        text: message_text(rng),
        timestamp: 1_700_000_000_000 + i as i64 * 1_000,
        attachments: Vec::new(),
        reply_to: None,
        markup: Vec::new(),
        max_state: None,
    }
}

pub const SUBJECTS: &[&str] = &[
    "Родительское собрание",
    "Контрольная работа",
    "Домашнее задание",
    "Экскурсия в музей",
    "Классный час",
    "Олимпиада по математике",
    "Школьная форма",
    "Расписание уроков",
    "Медицинский осмотр",
    "Новогодний утренник",
    "Диктант по русскому языку",
    "Оплата питания",
    "Спортивные соревнования",
    "Субботник",
    "Проектная работа",
];
pub const PHRASES: &[&str] = &[
    "переносится на завтра",
    "состоится в пятницу в 18:00",
    "напоминаю всем родителям",
    "просьба подтвердить участие",
    "будет в кабинете 214",
    "не забудьте сменную обувь",
    "дети должны принести тетради",
    "итоги четверти обсудим на собрании",
    "по болезни учителя отменяется",
    "спасибо всем, кто помог",
    "вопросы можно задать классному руководителю",
    "информация в приложении",
    "сбор у школы в 9 утра",
    "оценки выставлены в электронный дневник",
    "к уроку подготовить доклад",
    "после уроков останемся на репетицию",
];
pub const WORDS: &[&str] = &[
    "ребёнок",
    "дети",
    "учитель",
    "урок",
    "уроки",
    "класс",
    "школа",
    "родители",
    "собрании",
    "собраний",
    "задания",
    "заданий",
    "четверти",
    "оценки",
    "дневник",
    "каникулы",
    "каникулах",
    "экскурсии",
    "музея",
    "театр",
    "спектакль",
    "тетради",
    "учебники",
    "олимпиаде",
    "математике",
    "литературе",
    "физкультуре",
    "бассейн",
    "завтра",
    "сегодня",
    "понедельник",
    "вторник",
    "среду",
    "четверг",
    "пятницу",
    "субботу",
    "пожалуйста",
    "спасибо",
    "вопрос",
    "ответ",
    "деньги",
    "сбор",
    "подарок",
    "праздник",
    "концерт",
    "форма",
    "справка",
    "больничный",
];

pub fn message_text(rng: &mut StdRng) -> String {
    let mut text = format!(
        "{} {}",
        SUBJECTS[rng.random_range(0..SUBJECTS.len())],
        PHRASES[rng.random_range(0..PHRASES.len())]
    );
    for _ in 0..rng.random_range(0..12) {
        text.push(' ');
        text.push_str(WORDS[rng.random_range(0..WORDS.len())]);
    }
    text.push('.');
    text
}

/// Queries: frequent, rare, two-word, and words still being typed.
pub const QUERIES: &[&str] = &[
    "собрание",
    "собрании",
    "контрольная",
    "контрольной работе",
    "домашнее задание",
    "экскурсия",
    "музей",
    "олимпиада математика",
    "диктант",
    "питание",
    "оплата питания",
    "субботник",
    "утренник",
    "форма",
    "справка",
    "каникулы",
    "праздник концерт",
    "завтра",
    "пятницу",
    "сменную обувь",
    "тетради",
    "доклад",
    "репетиция",
    "электронный дневник",
    "оценки",
    "классный руководитель",
    "кабинет 214",
    "18:00",
    "спасибо",
    "болезни",
    "соревнования",
    "проектная",
    "медицинский осмотр",
    "театр спектакль",
    "бассейн",
    "подарок",
    "с",
    "со",
    "собр",
    "контр",
];
