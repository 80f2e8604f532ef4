//! Golden tests of what the console and the runtime's error reports print: each script of
//! `tests/fixtures/console/` runs with `aworker run`, and its stdout and stderr are compared
//! with the insta snapshots in `e2e/snapshots/`. After a deliberate change, run the tests with
//! `INSTA_UPDATE=new INSTA_FORCE_PASS=1`, read every `.snap.new` (or `cargo insta review`) and
//! rename the ones that are right over the `.snap` files. Paths, elapsed times, ports and log
//! timestamps are replaced by placeholders.

use std::time::Duration;

use aworker_tests::{fixture, run_aworker, Server};

/// Placeholders for what differs between machines and runs.
fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            r"file://[^\s)]*/tests/fixtures/console/",
            "file:///fixtures/",
        ),
        (r"\b\d+(\.\d+)?ms\b", "[ms]"),
        // A log line's timestamp (microseconds), not a Date printed at the start of a line.
        (r"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6,}Z", "[time]"),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[port]"),
    ]
}

/// Runs `console/<name>.js` and snapshots its stdout and stderr; returns the exit code.
fn run_fixture(name: &str) -> Option<i32> {
    let path = fixture(&format!("console/{name}.js"));
    let output = run_aworker(&["run", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    insta::with_settings!({ filters => filters(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(format!("{name}.stdout"), stdout);
        insta::assert_snapshot!(format!("{name}.stderr"), stderr);
    });
    output.status.code()
}

#[test]
fn values_are_inspected_like_deno_and_node() {
    assert_eq!(run_fixture("values"), Some(0));
}

#[test]
fn format_specifiers_follow_the_console_standard() {
    assert_eq!(run_fixture("format"), Some(0));
}

#[test]
fn counting_timing_grouping_tables_and_traces() {
    assert_eq!(run_fixture("methods"), Some(0));
}

#[test]
fn a_top_level_throw_prints_the_error_with_its_cause() {
    assert_eq!(run_fixture("uncaught_throw"), Some(1));
}

#[test]
fn a_thrown_value_that_is_not_an_error_is_inspected() {
    assert_eq!(run_fixture("throw_value"), Some(1));
}

#[test]
fn unhandled_rejections_and_timer_exceptions_are_printed() {
    assert_eq!(
        run_fixture("unhandled"),
        Some(1),
        "run exits 1 after uncaught errors"
    );
}

#[test]
fn a_syntax_error_names_the_place() {
    assert_eq!(run_fixture("syntax_error"), Some(2));
}

#[tokio::test]
async fn a_rejected_respond_with_is_logged_once_with_the_error() {
    let server = Server::start(&fixture("console/fetch_handler_throws.js"), &[]);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let response = client.get(server.url("/orders")).send().await.unwrap();
    assert_eq!(response.status(), 500);
    assert!(
        server.wait_for_stderr("GET /orders 500"),
        "{}",
        server.stderr()
    );
    insta::with_settings!({ filters => filters(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("fetch_handler_throws.stderr", server.stderr());
    });
}
