//! User snapshots: `aworker snapshot build`, then `serve`/`run --snapshot`.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aworker_tests::{fixture, run_aworker, Server};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh temporary directory for one test's snapshot files, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("aworker-e2e-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

fn build(script: &Path, output: &Path) -> std::process::Output {
    run_aworker(&[
        "snapshot",
        "build",
        script.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
    ])
}

fn build_at(script: &Path, output: &Path, location: &str) -> std::process::Output {
    let (script, output) = (script.to_str().unwrap(), output.to_str().unwrap());
    run_aworker(&[
        "snapshot",
        "build",
        script,
        "-o",
        output,
        "--location",
        location,
    ])
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

async fn get_json(server: &Server, path: &str) -> serde_json::Value {
    reqwest::get(server.url(path))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_module_graph_with_state_is_served_from_its_snapshot() {
    let dir = temp_dir("roundtrip");
    let snap = dir.join("app.snap");
    let output = build(&fixture("snapshot/app.mjs"), &snap);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));

    let before_restore = now_ms();
    let server = Server::start_snapshot(&snap, &[]);
    let body = get_json(&server, "/items/item-7").await;
    assert_eq!(body["price"], 21);
    assert_eq!(
        body["size"], 501,
        "500 items plus the one added in serialize"
    );
    assert_eq!(body["kind"], "Inventory");
    assert_eq!(body["serialized"], 1);
    assert_eq!(body["deserialized"], 1);
    // The deserialize hook fixed the timestamp taken at build time.
    let started_at = body["startedAt"].as_f64().unwrap();
    assert!(
        started_at >= before_restore - 1.0,
        "{started_at} < {before_restore}"
    );
    assert!((body["now"].as_f64().unwrap() - now_ms()).abs() < 5_000.0);
}

#[tokio::test]
async fn two_restores_of_one_snapshot_draw_different_random_numbers() {
    let dir = temp_dir("random");
    let snap = dir.join("app.snap");
    assert_eq!(
        build(&fixture("snapshot/app.mjs"), &snap).status.code(),
        Some(0)
    );

    let first = Server::start_snapshot(&snap, &[]);
    let second = Server::start_snapshot(&snap, &[]);
    let a = get_json(&first, "/").await;
    let b = get_json(&second, "/").await;
    assert_eq!(
        a["beforeSnapshot"], b["beforeSnapshot"],
        "state from before the snapshot"
    );
    assert_ne!(a["random"], b["random"], "Math.random after restore");
    assert_ne!(a["uuid"], b["uuid"], "crypto.randomUUID after restore");
}

#[test]
fn a_pending_timer_is_refused_naming_its_callback() {
    let dir = temp_dir("timer");
    let output = build(&fixture("snapshot/interval.js"), &dir.join("x.snap"));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("a pending timer the script did not clear: setInterval(tick, 1000)"));
    assert!(stderr.contains("interval.js:1:26"), "{stderr}");
    assert!(!dir.join("x.snap").exists());
}

#[tokio::test]
async fn an_interval_cleared_in_serialize_and_restarted_in_deserialize_is_fine() {
    let dir = temp_dir("cleared");
    let snap = dir.join("cleared.snap");
    let output = build(&fixture("snapshot/cleared.js"), &snap);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let server = Server::start_snapshot(&snap, &[]);
    let body = reqwest::get(server.url("/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.starts_with("ticks "), "{body}");
}

#[test]
fn a_fetch_in_flight_is_refused() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let location = format!("http://{}/", silent.local_addr().unwrap());
    let dir = temp_dir("fetch");
    let script = fixture("snapshot/pending_fetch.js");
    let output = build_at(&script, &dir.join("f.snap"), &location);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("asynchronous operation(s) still in flight"));
}

#[test]
fn a_damaged_or_foreign_snapshot_is_refused_and_the_fallback_runs() {
    let dir = temp_dir("damaged");
    let snap = dir.join("app.snap");
    assert_eq!(
        build(&fixture("snapshot/app.mjs"), &snap).status.code(),
        Some(0)
    );
    let file = std::fs::read(&snap).unwrap();

    type Damage = fn(&mut Vec<u8>);
    let cases: [(&str, Damage, &str); 3] = [
        (
            "foreign.snap",
            |f| f[12] ^= 0xff,
            "it was written by another aworker build",
        ),
        ("newer.snap", |f| f[8] = 9, "it has format version 9"),
        (
            "cut.snap",
            |f| f.truncate(f.len() / 2),
            "it is truncated or damaged",
        ),
    ];
    for (name, damage, reason) in cases {
        let path = dir.join(name);
        let mut copy = file.clone();
        damage(&mut copy);
        std::fs::write(&path, copy).unwrap();
        let output = run_aworker(&["run", "--snapshot", path.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        let expected = format!(
            "aworker: {}: cannot use this snapshot: {reason}",
            path.display()
        );
        assert!(
            text(&output.stderr).starts_with(&expected),
            "{}",
            text(&output.stderr)
        );
    }

    let fallback = fixture("timers.js");
    let path = dir.join("cut.snap");
    let output = run_aworker(&[
        "run",
        "--snapshot",
        path.to_str().unwrap(),
        "--fallback-script",
        fallback.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stderr).contains("running"));
    assert!(text(&output.stdout).contains("script end"));
}

#[test]
fn a_throwing_deserialize_listener_stops_the_start() {
    let dir = temp_dir("deserialize");
    let snap = dir.join("d.snap");
    let output = build(&fixture("snapshot/throws_in_deserialize.js"), &snap);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let started = std::time::Instant::now();
    let output = run_aworker(&["run", "--snapshot", snap.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("cannot reconnect"), "{stderr}");
    assert!(
        stderr.contains("the \"deserialize\" event failed"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn the_example_reinstantiates_webassembly_in_deserialize() {
    let dir = temp_dir("example");
    let snap = dir.join("example.snap");
    let output = build(&aworker_tests::example("snapshot/app.js"), &snap);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let server = Server::start_snapshot(&snap, &[]);
    let body = get_json(&server, "/?n=5").await;
    assert_eq!(body["prime"], 11);
    assert_eq!(body["sum"], 1005);
}

#[test]
fn webassembly_at_build_time_is_refused_with_the_reason_and_place() {
    let dir = temp_dir("wasm");
    let output = build(&fixture("snapshot/wasm.js"), &dir.join("w.snap"));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("WebAssembly is not available while a snapshot is being built"));
    assert!(stderr.contains("wasm.js:2:"), "{stderr}");
}

#[test]
fn an_unread_fetch_body_is_refused_as_a_native_stream() {
    let target = Server::start(&fixture("echo.js"), &[]);
    let dir = temp_dir("stream");
    let script = fixture("snapshot/unread_body.mjs");
    let output = build_at(&script, &dir.join("s.snap"), &target.url("/"));
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("a stream with a native source is still open"));
}

#[tokio::test]
async fn a_restored_worker_uses_its_own_location() {
    let dir = temp_dir("location");
    let snap = dir.join("l.snap");
    let script = fixture("snapshot/location.js");
    let output = build_at(&script, &snap, "http://build.example/");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let server = Server::start_snapshot(&snap, &["--location", "http://serve.example/app/"]);
    let body = reqwest::get(server.url("/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body, "http://serve.example/app/ http://serve.example/app/x");
}

#[tokio::test]
async fn performance_now_stays_monotonic_across_a_restore() {
    let dir = temp_dir("performance");
    let snap = dir.join("performance.snap");
    let output = build(&fixture("snapshot/performance.js"), &snap);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));

    let first = Server::start_snapshot(&snap, &[]);
    let a = get_json(&first, "/").await;
    drop(first);
    let second = Server::start_snapshot(&snap, &[]);
    let b = get_json(&second, "/").await;

    for body in [&a, &b] {
        // The clock continues from the build instead of starting again at 0.
        let (built, now) = (
            body["built"].as_f64().unwrap(),
            body["now"].as_f64().unwrap(),
        );
        assert!(now > built, "{body}");
        assert!(body["sinceBuild"].as_f64().unwrap() >= 0.0, "{body}");
        assert_eq!(
            body["marks"],
            serde_json::json!([["built", { "phase": "build" }]])
        );
        // timeOrigin + now() still tracks the wall clock.
        let estimate = body["timeOrigin"].as_f64().unwrap() + now;
        let wall = body["wall"].as_f64().unwrap();
        assert!((estimate - wall).abs() < 50.0, "{estimate} vs {wall}");
        // ... because the origin moved back by the time the worker had run before the freeze
        // (a clock restarting at 0 would need a request served 500 ms after the restore).
        let origin = body["timeOrigin"].as_f64().unwrap();
        assert!(origin + built <= wall + 1.0, "{origin} + {built} vs {wall}");
    }
    assert_ne!(
        a["timeOrigin"], b["timeOrigin"],
        "each restore has its own origin"
    );
}

#[test]
fn text_decoders_work_after_restore_and_one_frozen_mid_stream_starts_over() {
    let dir = temp_dir("text-decoder");
    let snap = dir.join("td.snap");
    let output = build(&fixture("snapshot/text_decoder.js"), &snap);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let output = run_aworker(&["run", "--snapshot", snap.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let results: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        results,
        serde_json::json!({
            "atBuild": "A",
            "midStream": "\u{FFFD}B",
            "idle": "h",
            "finished": "b",
            "fresh": "가",
        })
    );
}
