//! The server driven by MAX's official TypeScript SDK (`@maxhub/max-bot-api` from npm), as a
//! school's own scripts or bots would drive it: tests/sdk/sdk.test.mjs under `node --test`.

use std::path::Path;
use std::process::Command;

use crate::common::Fixture;

#[tokio::test]
async fn the_official_typescript_sdk_lists_chats_sends_and_receives_through_updates() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk");
    assert!(
        dir.join("node_modules/@maxhub/max-bot-api").is_dir(),
        "the SDK is not installed in {}: run scripts/install.sh --for-tests (npm ci there)",
        dir.display()
    );
    let f = Fixture::new().await;
    let teacher = f.token("a.sokolova").await;
    let parent = f.token("e.morozova").await;
    let url = f.server.url();
    // node runs in a blocking thread while this runtime keeps serving it.
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .args(["--test", "--test-reporter=spec", "sdk.test.mjs"])
            .current_dir(&dir)
            .env("PARTA_URL", url)
            .env("TEACHER_TOKEN", teacher)
            .env("PARENT_TOKEN", parent)
            .output()
    })
    .await
    .unwrap()
    .expect("node runs (scripts/install.sh installs Node.js)");
    let report = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "the SDK test failed:\n{report}");
    assert!(
        report.contains("pass 1"),
        "one SDK test ran and passed:\n{report}"
    );
}
