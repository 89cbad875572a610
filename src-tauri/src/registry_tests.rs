//! The commands the shell registers are exactly those `parta_model::commands` declares, each
//! under its own name and taking its own argument type: what the compiler cannot see (a
//! command's name is a string on the UI's side and a function name here).

use std::collections::BTreeSet;

use parta_model::commands::ALL;

/// The files of `commands/`, one per area.
const COMMAND_FILES: [&str; 6] = [
    include_str!("commands/profiles.rs"),
    include_str!("commands/settings.rs"),
    include_str!("commands/account.rs"),
    include_str!("commands/chats.rs"),
    include_str!("commands/files.rs"),
    include_str!("commands/lessons.rs"),
];

/// `fn NAME(…, args: cmd::TYPE)` of every command in `commands/`.
fn defined() -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for source in COMMAND_FILES {
        out.extend(defined_in(source));
    }
    out
}

fn defined_in(source: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for (i, _) in source.match_indices("#[tauri::command") {
        let rest = &source[i..];
        let Some(fn_at) = rest.find("fn ") else {
            continue;
        };
        let name: String = rest[fn_at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let signature = &rest[..rest.find('{').unwrap_or(rest.len())];
        let ty = signature.find("args: cmd::").map(|at| {
            signature[at + 11..]
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .collect()
        });
        out.push((name, ty));
    }
    out
}

/// The functions named in main.rs's `generate_handler!` (`commands::<area>::<name>`).
fn registered() -> BTreeSet<String> {
    let source = include_str!("main.rs");
    let open = "generate_handler![";
    let start = source.find(open).map_or(0, |at| at + open.len());
    let end = start + source[start..].find(']').unwrap_or(0);
    source[start..end]
        .split(',')
        .filter_map(|entry| entry.trim().strip_prefix("commands::"))
        .filter_map(|path| path.rsplit("::").next())
        .map(|name| {
            name.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

#[test]
fn every_declared_command_is_registered_under_its_name_with_its_argument_type() {
    let declared: BTreeSet<String> = ALL.iter().map(|(_, name)| (*name).to_owned()).collect();
    assert_eq!(
        registered(),
        declared,
        "generate_handler! and parta_model::commands differ"
    );
    let defined = defined();
    let names: BTreeSet<String> = defined.iter().map(|(name, _)| name.clone()).collect();
    assert_eq!(
        names, declared,
        "commands/ and parta_model::commands differ"
    );
    for (name, ty) in defined {
        let Some(ty) = ty else {
            // A command without arguments: its declared type must have no fields to send.
            continue;
        };
        let declared_name = ALL
            .iter()
            .find(|(t, _)| *t == ty)
            .map(|(_, n)| *n)
            .unwrap_or("(none)");
        assert_eq!(declared_name, name, "fn {name} takes cmd::{ty}");
    }
}
