//! The demo school: a fictitious school with people, chats and a few dozen messages, created
//! once in a database and reused afterwards. Every name is invented.

use parta_model::max::Update;

use crate::auth::{self, IssuedToken};
use crate::context::School;
use crate::error::{Error, Result};
use crate::roles::Role;
use crate::store::chats::NewChat;
use crate::store::messages::NewMessageRecord;
use crate::store::people::NewUser;
use crate::store::prelude::*;
use crate::{messages, updates};

/// Username of the demo class teacher the desktop app signs in as.
pub const CLASS_TEACHER: &str = "a.sokolova";

/// Username of the demo's platform administrator (the app's "as administrator" demo).
pub const PLATFORM_ADMIN: &str = "i.kuznetsova";

/// Username of a demo parent of 5А.
pub const PARENT: &str = "e.morozova";

/// Username of a demo pupil of 5А (Елена Морозова's son).
pub const PUPIL: &str = "a.morozov";

/// Whether `username` is one of the demo school's invented people.
pub fn is_person(username: &str) -> bool {
    PEOPLE.iter().any(|p| p.username == username)
        || PUPILS.iter().any(|p| p.person.username == username)
}

struct Person {
    username: &'static str,
    first: &'static str,
    last: &'static str,
    role: Role,
}

const PEOPLE: &[Person] = &[
    Person {
        username: PLATFORM_ADMIN,
        first: "Ирина Павловна",
        last: "Кузнецова",
        role: Role::PlatformAdmin,
    },
    Person {
        username: CLASS_TEACHER,
        first: "Анна Сергеевна",
        last: "Соколова",
        role: Role::ClassTeacher,
    },
    Person {
        username: "m.volkov",
        first: "Михаил Петрович",
        last: "Волков",
        role: Role::ClassTeacher,
    },
    Person {
        username: PARENT,
        first: "Елена",
        last: "Морозова",
        role: Role::Parent,
    },
    Person {
        username: "o.smirnov",
        first: "Олег",
        last: "Смирнов",
        role: Role::Parent,
    },
    Person {
        username: "n.orlova",
        first: "Наталья",
        last: "Орлова",
        role: Role::Parent,
    },
    Person {
        username: "s.kim",
        first: "Светлана",
        last: "Ким",
        role: Role::Parent,
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

/// Fills the store with the demo school unless it already holds it, then brings an older demo
/// database up to date (classes, passwords, pupils). Returns whether it seeded anything.
pub async fn ensure(school: &School) -> Result<bool> {
    let people = ensure_people_and_chats(school).await?;
    let classes = ensure_classes(school).await?;
    let pupils = ensure_pupils(school).await?;
    Ok(people || classes || pupils)
}

/// A demo pupil: who, in which class, and the parent who answers for them (6.4).
struct DemoPupil {
    person: Person,
    class: &'static str,
    parent: &'static str,
}

const PUPILS: &[DemoPupil] = &[
    DemoPupil {
        person: Person {
            username: PUPIL,
            first: "Артём",
            last: "Морозов",
            role: Role::Pupil,
        },
        class: "5А",
        parent: PARENT,
    },
    DemoPupil {
        person: Person {
            username: "v.smirnova",
            first: "Вера",
            last: "Смирнова",
            role: Role::Pupil,
        },
        class: "5А",
        parent: "o.smirnov",
    },
];

const PUPILS_CHAT_5A: DemoChat = DemoChat {
    kind: "class_pupils",
    title: "5А — ученики",
    description: "Чат классного руководителя с учениками 5А класса",
    owner: CLASS_TEACHER,
    members: &[CLASS_TEACHER, PUPIL, "v.smirnova"],
    messages: &[
        (
            DAY + 240,
            CLASS_TEACHER,
            "Ребята, завтра берём с собой рабочие тетради по математике и цветные карандаши.",
            false,
        ),
        (
            DAY + 200,
            "v.smirnova",
            "Анна Сергеевна, а тетрадь в клетку или в линейку?",
            false,
        ),
        (DAY + 190, CLASS_TEACHER, "В клетку.", false),
        (
            90,
            CLASS_TEACHER,
            "Напоминаю: в пятницу консультация по дробям в 15:00, ссылка будет в расписании.",
            true,
        ),
        (60, PUPIL, "Спасибо! Я подключусь.", false),
    ],
};

/// Adds the demo's pupils and 5А's pupils' chat to a demo database that has none yet.
async fn ensure_pupils(school: &School) -> Result<bool> {
    if school.read().await?.meta("demo_pupils").await?.is_some() {
        return Ok(false);
    }
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    // The demo's accounts share one password: the class teacher's stored hash serves, with no
    // second argon2 run at the demo's first start.
    let teacher = user_id_on(&mut *tx, CLASS_TEACHER).await?;
    let hash = tx
        .password_hash(teacher)
        .await?
        .ok_or_else(|| Error::Internal("the demo class teacher has no password".into()))?;
    let classes = tx.classes().await?;
    let class_5a = classes
        .iter()
        .find(|c| c.name == "5А")
        .map(|c| c.id)
        .ok_or_else(|| Error::not_found("demo class 5А missing"))?;
    for DemoPupil {
        person,
        class,
        parent,
    } in PUPILS
    {
        let user_id = tx
            .insert_user(NewUser {
                first_name: person.first,
                last_name: Some(person.last),
                username: person.username,
                role: person.role,
                created_at: now,
                password_hash: Some(&hash),
            })
            .await?;
        let class_id = classes
            .iter()
            .find(|c| c.name == *class)
            .map(|c| c.id)
            .ok_or_else(|| Error::not_found(format!("demo class {class} missing")))?;
        let parent = user_id_on(&mut *tx, parent).await?;
        tx.add_class_pupil(class_id, user_id, parent).await?;
    }
    seed_chat(&mut *tx, &PUPILS_CHAT_5A, Some(class_5a), now).await?;
    tx.put_meta("demo_pupils", "seeded").await?;
    school.commit(tx).await?;
    Ok(true)
}

async fn ensure_classes(school: &School) -> Result<bool> {
    if school.read().await?.meta("demo_classes").await?.is_some() {
        return Ok(false);
    }
    // One hash for all: the demo's accounts share their password anyway.
    let hash = tokio::task::spawn_blocking(|| auth::hash_password(DEMO_PASSWORD))
        .await
        .map_err(|e| Error::Internal(format!("password hash: {e}")))??;
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    tx.fill_missing_password_hashes(&hash).await?;
    for DemoClass {
        name,
        class_teacher,
        parents,
    } in CLASSES
    {
        let teacher = user_id_on(&mut *tx, class_teacher).await?;
        let class_id = tx.insert_class(name, Some(teacher), now).await?;
        tx.add_class_teacher(class_id, teacher).await?;
        tx.link_class_chat(&format!("{name} — родители"), class_id)
            .await?;
        for (parent, child) in *parents {
            let parent = user_id_on(&mut *tx, parent).await?;
            tx.add_class_parent(class_id, parent, child).await?;
        }
    }
    // The pinned messages are the class chats' announcements.
    tx.flag_pinned_as_announcements().await?;
    tx.put_meta("demo_classes", "seeded").await?;
    school.commit(tx).await?;
    Ok(true)
}

async fn ensure_people_and_chats(school: &School) -> Result<bool> {
    if school.read().await?.meta("demo").await?.is_some() {
        return Ok(false);
    }
    let now = school.now_ms();
    let mut tx = school.begin().await?;
    for person in PEOPLE {
        tx.insert_user(NewUser {
            first_name: person.first,
            last_name: Some(person.last),
            username: person.username,
            role: person.role,
            created_at: now,
            password_hash: None,
        })
        .await?;
    }
    for chat in CHATS {
        seed_chat(&mut *tx, chat, None, now).await?;
    }
    tx.put_meta("demo", "seeded").await?;
    school.commit(tx).await?;
    Ok(true)
}

/// Creates a demo chat with its members and messages (each in the update log too); returns
/// its id.
async fn seed_chat(
    tx: &mut dyn Tx,
    chat: &DemoChat,
    class_id: Option<i64>,
    now: i64,
) -> Result<i64> {
    let owner = user_id_on(tx, chat.owner).await?;
    let chat_id = tx
        .insert_chat(NewChat {
            kind: chat.kind,
            title: chat.title,
            description: chat.description,
            owner_id: Some(owner),
            class_id,
            created_at: now,
        })
        .await?;
    for member in chat.members {
        let user_id = user_id_on(tx, member).await?;
        tx.add_member(chat_id, user_id, user_id == owner, now)
            .await?;
    }
    let mut last = now;
    for (index, (minutes_ago, sender, text, pinned)) in chat.messages.iter().enumerate() {
        let at = now - minutes_ago * 60_000;
        last = at;
        let sender = user_id_on(tx, sender).await?;
        let mid = format!("mid.demo{chat_id:02}{index:03}");
        tx.insert_message(NewMessageRecord {
            mid: &mid,
            chat_id,
            sender_id: sender,
            text: Some(text),
            markup: None,
            created_at: at,
            link: None,
            is_announcement: false,
            ack_required: false,
        })
        .await?;
        if *pinned {
            tx.set_pinned(chat_id, Some(&mid)).await?;
        }
        // History goes into the update log too, so a device that polls from the start
        // of the log sees the same messages as one that reads GET /messages.
        if let Some(message) = messages::by_mid_on(tx, &mid).await? {
            let update = Update::MessageCreated {
                timestamp: at,
                message,
                user_locale: None,
                parta_silent_until: None,
            };
            updates::append(tx, chat_id, &update, at).await?;
        }
    }
    tx.touch_chat(chat_id, last).await?;
    Ok(chat_id)
}

/// 5А's weekly timetable in the demo (docs/timetable-csv.md).
const DEMO_TIMETABLE_5A: &str = "weekday,start,duration_min,subject,link,kind
пн,08:30,45,Математика,https://vk.com/call/join/demo-math-5a,
пн,09:25,45,Русский язык,https://vk.com/call/join/demo-russian-5a,
вт,08:30,45,Литература,https://vk.com/call/join/demo-russian-5a,
ср,08:30,45,Математика,https://vk.com/call/join/demo-math-5a,
чт,10:15,45,Окружающий мир,https://vk.com/call/join/demo-world-5a,
чт,18:00,60,Родительское собрание: итоги четверти,https://vk.com/call/join/demo-meeting-5a,собрание
пт,08:30,45,Математика,https://vk.com/call/join/demo-math-5a,
пт,15:00,30,\"Консультация: дроби, проценты\",https://vk.com/call/join/demo-math-5a,консультация
";

/// How far ahead the demo's timetable reaches; renewed when less than a fortnight is left.
const DEMO_TERM_DAYS: i64 = 120;
const DEMO_RENEW_DAYS: i64 = 14;

/// Keeps 5А's lessons in the demo school (the app's demo and `parta-server --demo`): the
/// timetable is imported, as a class teacher would, from a week back to four months ahead, and
/// again when that runs short. Returns whether it imported.
pub async fn ensure_timetable(school: &School) -> Result<bool> {
    const DAY: i64 = 86_400_000;
    let now = school.now_ms();
    let until = school
        .read()
        .await?
        .meta("demo_timetable_until")
        .await?
        .and_then(|v| v.parse::<i64>().ok());
    if until.is_some_and(|until| until - now > DEMO_RENEW_DAYS * DAY) {
        return Ok(false);
    }
    let (class_id, teacher) = {
        let mut tx = school.read().await?;
        let teacher = user_id_on(&mut *tx, CLASS_TEACHER).await?;
        let class = tx
            .classes()
            .await?
            .into_iter()
            .find(|c| c.name == "5А")
            .ok_or_else(|| Error::not_found("demo class 5А missing"))?;
        (class.id, teacher)
    };
    // Moscow time, as the demo school's.
    let today = (now + 3 * 3_600_000).div_euclid(DAY);
    let date = |days: i64| {
        let t = crate::calendar::Utc::from_ms(days * DAY);
        format!("{:04}-{:02}-{:02}", t.year, t.month, t.day)
    };
    let caller = crate::context::Caller {
        user_id: teacher,
        device_id: 0,
        role: Role::ClassTeacher,
    };
    crate::timetable::import_told(
        school,
        caller,
        crate::timetable::TimetableImport {
            class_id,
            term_start: date(today - 7),
            term_end: date(today + DEMO_TERM_DAYS),
            holidays: Vec::new(),
            utc_offset_minutes: 180,
            csv: DEMO_TIMETABLE_5A.to_owned(),
            dry_run: false,
        },
        false,
    )
    .await?;
    let mut tx = school.begin().await?;
    tx.put_meta(
        "demo_timetable_until",
        &((today + DEMO_TERM_DAYS) * DAY).to_string(),
    )
    .await?;
    school.commit(tx).await?;
    Ok(true)
}

async fn user_id_on(tx: &mut dyn Tx, username: &str) -> Result<i64> {
    tx.user_id_by_login(username)
        .await?
        .ok_or_else(|| Error::not_found(format!("demo user {username} missing")))
}

/// The account id of a demo person (the desktop app looks for a profile of theirs before it
/// signs them in again).
pub async fn user_id(school: &School, username: &str) -> Result<i64> {
    user_id_on(&mut *school.read().await?, username).await
}

/// The demo school's group chat titled `title` (e.g. "5А — родители").
pub async fn chat_titled(school: &School, title: &str) -> Result<i64> {
    school
        .read()
        .await?
        .group_chats()
        .await?
        .into_iter()
        .find(|(_, t)| t == title)
        .map(|(id, _)| id)
        .ok_or_else(|| crate::error::Error::not_found(format!("No chat titled «{title}»")))
}

/// Links the demo chat titled `title` to MAX chat `max_chat_id`, as the platform
/// administrator would in Управление → MAX (tests and benchmarks of the bridge).
pub async fn link_to_max(
    school: &School,
    title: &str,
    max_chat_id: i64,
    max_title: &str,
) -> Result<i64> {
    let chat = chat_titled(school, title).await?;
    let admin = crate::context::Caller {
        user_id: user_id(school, PLATFORM_ADMIN).await?,
        device_id: 0,
        role: crate::roles::Role::PlatformAdmin,
    };
    crate::max::links::link(school, admin, chat, max_chat_id, Some(max_title)).await?;
    Ok(chat)
}

/// A device token for a demo person (the desktop app's embedded demo and tests).
pub async fn issue_token(
    school: &School,
    username: &str,
    device_name: &str,
) -> Result<IssuedToken> {
    let user_id = user_id_on(&mut *school.read().await?, username).await?;
    auth::issue_device_token(school, user_id, device_name).await
}
