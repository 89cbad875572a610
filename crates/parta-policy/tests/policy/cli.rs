//! The `parta-policy check` command, as schools and scripts call it.

use std::io::Write;
use std::process::{Command, Stdio};

fn check(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parta-policy"))
        .arg("check")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that refuses its arguments exits without reading stdin: a broken pipe here
    // is expected then, and the exit code is what the tests check.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_clean_text_is_allowed_with_exit_code_0() {
    let (code, stdout, _) = check(&[], "Собрание в четверг в 18:00.");
    assert_eq!(code, 0);
    let verdict: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(verdict["action"], "allow");
    assert_eq!(verdict["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn an_insult_is_blocked_with_its_span_and_exit_code_2() {
    let text = "Вы все идиоты";
    let (code, stdout, _) = check(&[], text);
    assert_eq!(code, 2);
    let verdict: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let finding = &verdict["findings"][0];
    let (start, end) = (
        finding["start"].as_u64().unwrap() as usize,
        finding["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[start..end], "идиоты");
    assert_eq!(finding["kind"], "insult");
}

#[test]
fn a_policy_file_and_chat_kind_change_the_verdict() {
    let dir = std::env::temp_dir().join(format!("parta-policy-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("policy.toml");
    std::fs::write(
        &policy,
        "[personal_data]\naction = \"block\"\nchats = { direct_class_teacher = \"off\" }\n",
    )
    .unwrap();
    let phone = "Мой телефон +7 912 345-67-89";
    let policy = policy.to_str().unwrap();
    assert_eq!(
        check(&["--policy", policy], phone).0,
        2,
        "blocked in a class chat"
    );
    assert_eq!(
        check(
            &["--policy", policy, "--chat", "direct_class_teacher"],
            phone
        )
        .0,
        0
    );
}

#[test]
fn bad_arguments_and_bad_policies_exit_3_with_a_reason() {
    let (code, _, stderr) = check(&["--chat", "kitchen"], "x");
    assert_eq!(code, 3);
    assert!(stderr.contains("unknown chat kind 'kitchen'"), "{stderr}");
    let (code, _, stderr) = check(&["--policy", "/nonexistent/policy.toml"], "x");
    assert_eq!(code, 3);
    assert!(stderr.contains("cannot read"), "{stderr}");
}
