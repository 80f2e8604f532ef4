//! `aworker run` and the start-up failures of `aworker serve`.

use aworker_tests::{fixture, run_aworker};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn run_drains_timers_in_order_with_microtasks_between() {
    let output = run_aworker(&["run", fixture("timers.js").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let lines: Vec<String> = text(&output.stdout).lines().map(str::to_owned).collect();
    assert_eq!(
        lines,
        [
            "script end",
            "microtask first",
            "timeout 0 a",
            "timeout 0 b",
            "interval 1",
            "interval 2",
            "interval 3",
            "timeout 50",
            "microtask after 50",
        ]
    );
}

#[test]
fn run_awaits_top_level_await_across_a_module_graph() {
    let output = run_aworker(&["run", fixture("tla.mjs").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "top-level await done: 42 true\n");
}

#[test]
fn a_syntax_error_exits_2_naming_path_line_and_column() {
    let path = fixture("syntax_error.js");
    let output = run_aworker(&["serve", path.to_str().unwrap(), "--port", "0"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    // Paths are shown relative to the working directory (cargo runs tests in tests/).
    let expected = "aworker: fixtures/syntax_error.js:3:3: SyntaxError: Unexpected token ')'\n";
    assert_eq!(stderr, expected);
}

#[test]
fn a_missing_script_exits_2() {
    let output = run_aworker(&["serve", "no/such/script.js", "--port", "0"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("aworker: no/such/script.js: No such file"),
        "{stderr}"
    );
}

#[test]
fn an_uncaught_exception_at_start_up_exits_1_with_the_stack() {
    let path = fixture("startup_throws.js");
    let output = run_aworker(&["serve", path.to_str().unwrap(), "--port", "0"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("Uncaught Error: cannot initialise"),
        "{stderr}"
    );
    assert!(stderr.contains("startup_throws.js:2:9"), "{stderr}");
    assert!(stderr.contains("startup_throws.js:4:1"), "{stderr}");
}

#[test]
fn a_busy_port_exits_2_with_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = run_aworker(&[
        "serve",
        fixture("echo.js").to_str().unwrap(),
        "--port",
        &port,
    ]);
    assert_eq!(output.status.code(), Some(2));
    let expected = format!("aworker: cannot listen on 127.0.0.1:{port}: address in use\n");
    assert_eq!(text(&output.stderr), expected);
}

#[test]
fn import_scripts_cannot_read_files_outside_the_script_directory() {
    let output = run_aworker(&["run", fixture("escape.js").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("outside the script's directory"),
        "{stderr}"
    );
    let hostname = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    if !hostname.trim().is_empty() {
        assert!(!stderr.contains(hostname.trim()), "{stderr}");
    }
}

#[test]
fn run_goes_on_after_an_uncaught_error_but_exits_1() {
    let output = run_aworker(&["run", fixture("uncaught_in_timer.js").to_str().unwrap()]);
    assert_eq!(text(&output.stdout), "still running\n");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("Uncaught Error: uncaught"), "{stderr}");
    assert!(!stderr.contains("canceled"), "{stderr}");
    assert!(stderr.contains("1 uncaught error (see above)"), "{stderr}");
    assert_eq!(output.status.code(), Some(1));
}
