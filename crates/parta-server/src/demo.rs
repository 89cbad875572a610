//! The demo school: a fictitious school with people, chats and a few dozen messages, created
//! once in a database and reused afterwards. Every name is invented.

use parta_model::max::Update;
use sqlx::SqlitePool;

use crate::auth::{self, IssuedToken};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::{messages, updates};

/// Username of the demo class teacher the desktop app signs in as.
pub const CLASS_TEACHER: &str = "a.sokolova";

struct Person {
    username: &'static str,
    first: &'static str,
    last: &'static str,
    role: &'static str,
}

const PEOPLE: &[Person] = &[
    Person {
        username: "i.kuznetsova",
        first: "Ирина Павловна",
        last: "Кузнецова",
        role: "platform_admin",
    },
    Person {
        username: CLASS_TEACHER,
        first: "Анна Сергеевна",
        last: "Соколова",
        role: "class_teacher",
    },
    Person {
        username: "m.volkov",
        first: "Михаил Петрович",
        last: "Волков",
        role: "class_teacher",
    },
    Person {
        username: "e.morozova",
        first: "Елена",
        last: "Морозова",
        role: "parent",
    },
    Person {
        username: "o.smirnov",
        first: "Олег",
        last: "Смирнов",
        role: "parent",
    },
    Person {
        username: "n.orlova",
        first: "Наталья",
        last: "Орлова",
        role: "parent",
    },
    Person {
        username: "s.kim",
        first: "Светлана",
        last: "Ким",
        role: "parent",
    },
];

struct DemoChat {
    kind: &'static str,
    title: &'static str,
    description: &'static str,
    owner: &'static str,
    members: &'static [&'static str],
    /// (minutes before now, sender, text); the one marked `true` is pinned.
    messages: &'static [(i64, &'static str, &'static str, bool)],
}

const DAY: i64 = 24 * 60;

const CHATS: &[DemoChat] = &[
    DemoChat {
        kind: "teachers",
        title: "Учителя",
        description: "Рабочий чат педагогов школы",
        owner: "i.kuznetsova",
        members: &["i.kuznetsova", CLASS_TEACHER, "m.volkov"],
        messages: &[
            (
                3 * DAY + 120,
                "i.kuznetsova",
                "Коллеги, добрый день! Напоминаю: до пятницы нужно выставить оценки за четверть в электронный журнал.",
                false,
            ),
            (
                3 * DAY + 95,
                CLASS_TEACHER,
                "Ирина Павловна, у 5А всё выставлено, остались две оценки по технологии.",
                false,
            ),
            (
                3 * DAY + 80,
                "m.volkov",
                "По 7Б закончу сегодня вечером.",
                false,
            ),
            (
                2 * DAY + 300,
                "i.kuznetsova",
                "Педсовет переносится на среду, 15:30, актовый зал.",
                false,
            ),
            (
                2 * DAY + 290,
                CLASS_TEACHER,
                "Принято. Подготовлю короткий отчёт по адаптации пятиклассников.",
                false,
            ),
            (
                DAY + 200,
                "m.volkov",
                "Кто-нибудь брал проектор из 214-го? Нужен на третий урок.",
                false,
            ),
            (
                DAY + 190,
                CLASS_TEACHER,
                "Михаил Петрович, он у меня, сейчас занесу.",
                false,
            ),
            (DAY + 185, "m.volkov", "Спасибо!", false),
            (
                240,
                "i.kuznetsova",
                "Напоминаю всем классным руководителям: родительские собрания по итогам четверти — до конца следующей недели. Даты пришлите мне, пожалуйста.",
                false,
            ),
        ],
    },
    DemoChat {
        kind: "class_parents",
        title: "5А — родители",
        description: "Классный руководитель: Анна Сергеевна Соколова",
        owner: CLASS_TEACHER,
        members: &[CLASS_TEACHER, "e.morozova", "o.smirnov"],
        messages: &[
            (
                4 * DAY + 60,
                CLASS_TEACHER,
                "Добрый вечер, уважаемые родители! Это чат 5А класса для организационных вопросов. Прошу соблюдать правила общения: только школьные темы, уважительный тон.",
                false,
            ),
            (
                4 * DAY + 40,
                "e.morozova",
                "Добрый вечер! Спасибо, Анна Сергеевна.",
                false,
            ),
            (
                3 * DAY + 600,
                CLASS_TEACHER,
                "Завтра экскурсия в краеведческий музей. Сбор в 8:45 у главного входа, с собой — сменная обувь и перекус.",
                false,
            ),
            (
                3 * DAY + 580,
                "o.smirnov",
                "Подскажите, во сколько примерно вернутся дети?",
                false,
            ),
            (
                3 * DAY + 570,
                CLASS_TEACHER,
                "Около 13:00, к началу пятого урока.",
                false,
            ),
            (
                2 * DAY + 500,
                CLASS_TEACHER,
                "Уважаемые родители! Родительское собрание 5А — в четверг в 18:00, кабинет 214. Тема: итоги первой четверти и подготовка к зимним каникулам. Явка обязательна.",
                true,
            ),
            (2 * DAY + 480, "e.morozova", "Будем обязательно.", false),
            (
                2 * DAY + 470,
                "o.smirnov",
                "Я смогу прийти только к 18:30, ничего страшного?",
                false,
            ),
            (
                2 * DAY + 460,
                CLASS_TEACHER,
                "Олег, конечно, приходите, начнём с общих вопросов.",
                false,
            ),
            (
                DAY + 100,
                "e.morozova",
                "Анна Сергеевна, Даша вчера болела, можно узнать домашнее задание по математике?",
                false,
            ),
            (
                DAY + 90,
                CLASS_TEACHER,
                "Елена, задание: № 245, 247 и 250 на странице 61. Выздоравливайте!",
                false,
            ),
            (
                90,
                CLASS_TEACHER,
                "Напоминаю: в пятницу фотографирование класса, форма парадная.",
                false,
            ),
        ],
    },
    DemoChat {
        kind: "class_parents",
        title: "7Б — родители",
        description: "Классный руководитель: Михаил Петрович Волков",
        owner: "m.volkov",
        members: &["m.volkov", "n.orlova", "s.kim"],
        messages: &[
            (
                5 * DAY,
                "m.volkov",
                "Здравствуйте, уважаемые родители 7Б! В этом чате буду публиковать объявления класса.",
                false,
            ),
            (
                5 * DAY - 30,
                "n.orlova",
                "Здравствуйте, Михаил Петрович!",
                false,
            ),
            (
                3 * DAY + 200,
                "m.volkov",
                "С 1 декабря уроки физкультуры проходят в новом спортзале. Форма — спортивная, обувь — со светлой подошвой.",
                true,
            ),
            (
                3 * DAY + 150,
                "s.kim",
                "Спасибо за информацию. А раздевалки там уже работают?",
                false,
            ),
            (
                3 * DAY + 140,
                "m.volkov",
                "Да, раздевалки открыты, шкафчики закреплены за классами.",
                false,
            ),
            (
                2 * DAY + 60,
                "m.volkov",
                "Олимпиада по математике — в субботу в 10:00. Кто хочет участвовать, напишите мне до четверга.",
                false,
            ),
            (2 * DAY + 30, "n.orlova", "Максим хочет участвовать.", false),
            (2 * DAY + 20, "m.volkov", "Записал, спасибо.", false),
            (
                300,
                "s.kim",
                "Михаил Петрович, подскажите, когда будет контрольная по алгебре?",
                false,
            ),
            (
                280,
                "m.volkov",
                "Контрольная — во вторник, темы: линейные уравнения и их системы.",
                false,
            ),
        ],
    },
];

/// The password of every demo account (for `parta login` and trying password sign-in against
/// `parta-server --demo`; a demo school holds no real people).
pub const DEMO_PASSWORD: &str = "parta-demo";

/// A demo class: its class teacher and its parents with their children.
struct DemoClass {
    name: &'static str,
    class_teacher: &'static str,
    /// (parent, child's name)
    parents: &'static [(&'static str, &'static str)],
}

const CLASSES: &[DemoClass] = &[
    DemoClass {
        name: "5А",
        class_teacher: CLASS_TEACHER,
        parents: &[
            ("e.morozova", "Морозов Артём"),
            ("o.smirnov", "Смирнова Вера"),
        ],
    },
    DemoClass {
        name: "7Б",
        class_teacher: "m.volkov",
        parents: &[("n.orlova", "Орлов Максим"), ("s.kim", "Ким Алиса")],
    },
];

/// Fills `pool` with the demo school unless it already holds it, then brings an older demo
/// database up to date (classes, passwords). Returns whether it seeded anything.
pub async fn ensure(pool: &SqlitePool, clock: &dyn Clock) -> Result<bool> {
    let people = ensure_people_and_chats(pool, clock).await?;
    let classes = ensure_classes(pool, clock).await?;
    Ok(people || classes)
}

/// Second step of the demo (added with the school extensions): classes linked to their
/// parents' chats, parents linked to their children, and a password for every account.
async fn ensure_classes(pool: &SqlitePool, clock: &dyn Clock) -> Result<bool> {
    let seeded: Option<String> =
        sqlx::query_scalar("SELECT value FROM meta WHERE key = 'demo_classes'")
            .fetch_optional(pool)
            .await?;
    if seeded.is_some() {
        return Ok(false);
    }
    // One hash for all: the demo's accounts share their password anyway.
    let hash = tokio::task::spawn_blocking(|| auth::hash_password(DEMO_PASSWORD))
        .await
        .map_err(|e| Error::Internal(format!("password hash: {e}")))??;
    let now = clock.now_ms();
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE users SET password_hash = ? WHERE password_hash IS NULL")
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
    for DemoClass {
        name,
        class_teacher,
        parents,
    } in CLASSES
    {
        let teacher = user_id_on(&mut tx, class_teacher).await?;
        let class_id = sqlx::query(
            "INSERT INTO classes (name, class_teacher_id, created_at) VALUES (?, ?, ?)",
        )
        .bind(name)
        .bind(teacher)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        sqlx::query("INSERT INTO class_teachers (class_id, user_id) VALUES (?, ?)")
            .bind(class_id)
            .bind(teacher)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE chats SET class_id = ? WHERE kind = 'class_parents' AND title = ?")
            .bind(class_id)
            .bind(format!("{name} — родители"))
            .execute(&mut *tx)
            .await?;
        for (parent, child) in *parents {
            let parent = user_id_on(&mut tx, parent).await?;
            sqlx::query(
                "INSERT INTO class_parents (class_id, user_id, child_name) VALUES (?, ?, ?)",
            )
            .bind(class_id)
            .bind(parent)
            .bind(child)
            .execute(&mut *tx)
            .await?;
        }
    }
    // The pinned messages are the class chats' announcements.
    sqlx::query(
        "UPDATE messages SET is_announcement = 1
         WHERE mid IN (SELECT pinned_mid FROM chats WHERE pinned_mid IS NOT NULL)",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO meta (key, value) VALUES ('demo_classes', 'seeded')")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

async fn ensure_people_and_chats(pool: &SqlitePool, clock: &dyn Clock) -> Result<bool> {
    let seeded: Option<String> = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'demo'")
        .fetch_optional(pool)
        .await?;
    if seeded.is_some() {
        return Ok(false);
    }
    let now = clock.now_ms();
    let mut tx = pool.begin().await?;
    for person in PEOPLE {
        sqlx::query(
            "INSERT INTO users (first_name, last_name, username, role, created_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(person.first)
        .bind(person.last)
        .bind(person.username)
        .bind(person.role)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    for chat in CHATS {
        let owner = user_id_on(&mut tx, chat.owner).await?;
        let chat_id = sqlx::query(
            "INSERT INTO chats (kind, title, description, owner_id, created_at, last_event_time)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(chat.kind)
        .bind(chat.title)
        .bind(chat.description)
        .bind(owner)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        for member in chat.members {
            let user_id = user_id_on(&mut tx, member).await?;
            sqlx::query(
                "INSERT INTO chat_members (chat_id, user_id, is_admin, joined_at)
                 VALUES (?, ?, ?, ?)",
            )
            .bind(chat_id)
            .bind(user_id)
            .bind(user_id == owner)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let mut last = now;
        for (index, (minutes_ago, sender, text, pinned)) in chat.messages.iter().enumerate() {
            let at = now - minutes_ago * 60_000;
            last = at;
            let sender = user_id_on(&mut tx, sender).await?;
            let mid = format!("mid.demo{chat_id:02}{index:03}");
            sqlx::query(
                "INSERT INTO messages (mid, chat_id, sender_id, text, created_at)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&mid)
            .bind(chat_id)
            .bind(sender)
            .bind(text)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            if *pinned {
                sqlx::query("UPDATE chats SET pinned_mid = ? WHERE id = ?")
                    .bind(&mid)
                    .bind(chat_id)
                    .execute(&mut *tx)
                    .await?;
            }
            // History goes into the update log too, so a device that polls from the start
            // of the log sees the same messages as one that reads GET /messages.
            if let Some(message) = messages::by_mid_on(&mut tx, &mid).await? {
                let update = Update::MessageCreated {
                    timestamp: at,
                    message,
                    user_locale: None,
                    parta_silent_until: None,
                };
                updates::append(&mut tx, chat_id, &update, at).await?;
            }
        }
        sqlx::query("UPDATE chats SET last_event_time = ? WHERE id = ?")
            .bind(last)
            .bind(chat_id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("INSERT INTO meta (key, value) VALUES ('demo', 'seeded')")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

async fn user_id_on(conn: &mut sqlx::SqliteConnection, username: &str) -> Result<i64> {
    sqlx::query_scalar("SELECT id FROM users WHERE username = ?")
        .bind(username)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| Error::not_found(format!("demo user {username} missing")))
}

/// Issues a new device token for the demo user `username` (see the usernames above).
pub async fn issue_token(
    pool: &SqlitePool,
    clock: &dyn Clock,
    username: &str,
    device_name: &str,
) -> Result<IssuedToken> {
    let user_id = user_id_on(&mut *pool.acquire().await?, username).await?;
    auth::issue_device_token(pool, clock, user_id, device_name).await
}
