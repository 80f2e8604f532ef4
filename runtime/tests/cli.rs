//! The command line's usage errors. Being an integration test of this package, it also makes
//! `cargo test --workspace` build the `aworker` executable the end-to-end tests drive.

use std::process::Command;

fn aworker(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_aworker"))
        .args(args)
        .output()
        .expect("aworker runs")
}

#[test]
fn an_unknown_flag_prints_usage_and_exits_2() {
    let output = aworker(&["serve", "app.js", "--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--no-such-flag"), "{stderr}");
    assert!(stderr.contains("Usage: aworker serve"), "{stderr}");
}

#[test]
fn no_subcommand_prints_usage_and_exits_2() {
    let output = aworker(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Usage: aworker"));
}

#[test]
fn a_bad_port_is_a_usage_error() {
    let output = aworker(&["serve", "app.js", "--port", "70000"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--port"));
}

#[test]
fn help_exits_0() {
    let output = aworker(&["serve", "--help"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("--host"));
}
