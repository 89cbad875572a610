//! `@` mentions in the composer: what is being typed after an `@`, which of the chat's members
//! it may mean, and the MAX mention markup (`[Имя](max://user/<id>)`) that replaces it. Pure
//! text work, tested natively.

use parta_model::view::MemberView;

/// The longest name fragment looked up after an `@`.
const MAX_QUERY_CHARS: usize = 32;

/// How many members the picker offers at once.
pub const MAX_OFFERED: usize = 6;

/// The `@` being typed at `caret` (a byte offset into `text`): where it is and what follows it.
/// Only an `@` at the start or after a space counts (an e-mail address is not a mention), and
/// only up to a line break or [`MAX_QUERY_CHARS`] characters.
pub fn query_at(text: &str, caret: usize) -> Option<(usize, String)> {
    let before = text.get(..caret)?;
    let at = before.rfind('@')?;
    let query = &before[at + 1..];
    let starts_word = before[..at]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    let plain = !query.contains(['\n', '[', ']', '@']) && query.chars().count() <= MAX_QUERY_CHARS;
    (starts_word && plain && !query.starts_with(' ')).then(|| (at, query.to_owned()))
}

/// The members whose name has a word starting with `query` (any case), at most
/// [`MAX_OFFERED`], in the order given; `me` is left out.
pub fn offered<'a>(members: &'a [MemberView], query: &str, me: Option<i64>) -> Vec<&'a MemberView> {
    let query = query.trim().to_lowercase();
    members
        .iter()
        .filter(|m| Some(m.user_id) != me)
        .filter(|m| {
            let name = m.name.to_lowercase();
            query.is_empty()
                || name.starts_with(&query)
                || name.split_whitespace().any(|word| word.starts_with(&query))
        })
        .take(MAX_OFFERED)
        .collect()
}

/// `text` with the `@query` from `at` to `caret` replaced by `member`'s mention and a space,
/// and the byte offset just after it.
pub fn insert(text: &str, at: usize, caret: usize, member: &MemberView) -> (String, usize) {
    let name = member.name.replace(['[', ']'], "");
    let mention = format!("[{name}](max://user/{}) ", member.user_id);
    let caret = caret.min(text.len());
    let out = format!("{}{mention}{}", &text[..at], &text[caret..]);
    (out, at + mention.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(user_id: i64, name: &str) -> MemberView {
        MemberView {
            user_id,
            name: name.to_owned(),
            is_admin: false,
            is_me: false,
        }
    }

    #[test]
    fn an_at_sign_after_a_space_starts_a_mention_and_an_email_does_not() {
        let text = "Спасибо, @Елен";
        assert_eq!(
            query_at(text, text.len()),
            Some(("Спасибо, ".len(), "Елен".to_owned()))
        );
        assert_eq!(query_at("@", 1), Some((0, String::new())));
        let mail = "пишите на school@example.ru";
        assert_eq!(query_at(mail, mail.len()), None);
        let line = "@Анна\nдалее";
        assert_eq!(query_at(line, line.len()), None, "a line break ends it");
        let done = "[Анна](max://user/4) и";
        assert_eq!(query_at(done, done.len()), None);
    }

    #[test]
    fn members_are_offered_by_the_start_of_any_word_of_their_name_but_not_oneself() {
        let members = [
            member(1, "Анна Сергеевна Соколова"),
            member(2, "Елена Морозова"),
            member(3, "Олег Смирнов"),
        ];
        let names = |q: &str| -> Vec<i64> {
            offered(&members, q, Some(1))
                .iter()
                .map(|m| m.user_id)
                .collect()
        };
        assert_eq!(names("мор"), vec![2]);
        assert_eq!(names("ЕЛ"), vec![2]);
        assert_eq!(names("сок"), Vec::<i64>::new(), "not oneself");
        assert_eq!(names(""), vec![2, 3]);
    }

    #[test]
    fn picking_a_member_writes_the_mention_markup_in_place_of_what_was_typed() {
        let text = "Спасибо, @Елен!";
        let at = "Спасибо, ".len();
        let caret = at + "@Елен".len();
        let (out, after) = insert(text, at, caret, &member(2, "Елена Морозова"));
        assert_eq!(out, "Спасибо, [Елена Морозова](max://user/2) !");
        assert_eq!(&out[..after], "Спасибо, [Елена Морозова](max://user/2) ");
        let (text, markup) = parta_model::markup::parse_markdown(&out);
        assert_eq!(text, "Спасибо, Елена Морозова !");
        assert_eq!(
            markup[0].user_id,
            Some(2),
            "it reaches MAX as a user mention"
        );
    }
}
