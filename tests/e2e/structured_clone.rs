//! `structuredClone()`: the checks of `fixtures/structured_clone.js`, and platform objects
//! that went through a user snapshot.

use aworker_tests::{fixture, run_aworker, Server};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn structured_clone_passes_every_check_of_the_fixture() {
    let output = run_aworker(&["run", fixture("structured_clone.js").to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with("structuredClone: ") && stdout.ends_with(" checks passed\n"),
        "{stdout}"
    );
}

#[tokio::test]
async fn platform_objects_made_before_a_snapshot_keep_their_kind() {
    let dir = std::env::temp_dir().join(format!("aworker-e2e-clone-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let snap = dir.join("clone.snap");
    let output = run_aworker(&[
        "snapshot",
        "build",
        fixture("snapshot/clone.js").to_str().unwrap(),
        "-o",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));

    let server = Server::start_snapshot(&snap, &[]);
    let body: serde_json::Value = reqwest::get(server.url("/"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(body["url"], "DataCloneError", "{body}");
    assert_eq!(body["event"], "DataCloneError", "{body}");
    assert_eq!(
        body["error"],
        serde_json::json!(["NotFoundError", "gone", true, true]),
        "{body}"
    );
}
