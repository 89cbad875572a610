//! `parta-policy check [--policy FILE] [--chat KIND]`: reads text on stdin, prints a JSON
//! verdict (action, findings with byte spans, kinds and severities). Exit code 0 for allow,
//! 1 for warn, 2 for block; 3 for a usage or input error.

use std::io::Read;
use std::process::ExitCode;

use parta_policy::{Action, ChatKind, Policy, check_text};

const USAGE: &str = "Usage: parta-policy check [--policy FILE] [--chat KIND] < text\n\
KIND: teachers | class_parents | director_teachers | director_parents | direct | direct_class_teacher\n";

fn fail(message: &str) -> ExitCode {
    eprintln!("parta-policy: {message}");
    ExitCode::from(3)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some("check") {
        eprint!("{USAGE}");
        return ExitCode::from(3);
    }
    let mut policy = Policy::default();
    let mut chat = ChatKind::ClassParents;
    let mut it = args.iter().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--policy" => {
                let Some(path) = it.next() else {
                    return fail("--policy needs a file");
                };
                let text = match std::fs::read_to_string(path) {
                    Ok(text) => text,
                    Err(e) => return fail(&format!("cannot read {path}: {e}")),
                };
                policy = match Policy::from_toml(&text) {
                    Ok(p) => p,
                    Err(e) => return fail(&e.to_string()),
                };
            }
            "--chat" => {
                let Some(kind) = it.next() else {
                    return fail("--chat needs a kind");
                };
                chat = match serde_json::from_value(serde_json::Value::String(kind.clone())) {
                    Ok(kind) => kind,
                    Err(_) => return fail(&format!("unknown chat kind '{kind}'\n{USAGE}")),
                };
            }
            other => return fail(&format!("unknown argument '{other}'\n{USAGE}")),
        }
    }
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        return fail(&format!("stdin is not UTF-8 text: {e}"));
    }
    let verdict = check_text(&policy, chat, &text);
    match serde_json::to_string_pretty(&verdict) {
        Ok(json) => println!("{json}"),
        Err(e) => return fail(&e.to_string()),
    }
    match verdict.action {
        Action::Allow => ExitCode::SUCCESS,
        Action::Warn => ExitCode::from(1),
        Action::Block => ExitCode::from(2),
    }
}
