//! `cargo test -p wpt`: the whole WPT subset against `wpt/expectations/`.
//!
//! Needs `WPT_ROOT` (CI sets it from the workplace's shared/wpt, see ci/env.sh) and wptserve
//! (ci/install-wpt). Without `WPT_ROOT` the run is skipped with a note, unless `CI` is set:
//! then a missing suite fails. `WPT_FILTER` (comma-separated path prefixes) and `WPT_JOBS`
//! narrow or widen the run; `AWORKER_BIN` picks the executable.

use std::path::PathBuf;

use wpt::expectations::{Expectations, PLACEHOLDER};
use wpt::{report, Config};

#[test]
fn every_expected_failure_is_explained() {
    let expectations =
        Expectations::load(&wpt::default_expectations_dir()).expect("the expectation files parse");
    let todo = expectations.placeholders();
    assert!(
        todo.is_empty(),
        "replace `reason: {PLACEHOLDER}` with why the test fails in:\n  {}",
        todo.join("\n  ")
    );
}

#[test]
fn wpt_subset_matches_expectations() {
    let Some(wpt_root) = std::env::var_os("WPT_ROOT").map(PathBuf::from) else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "WPT_ROOT is not set and CI is: the WPT run is required there; {}",
                wpt::HOW_TO_GET_WPT
            );
        }
        eprintln!(
            "skipping the WPT run: WPT_ROOT is not set; {}",
            wpt::HOW_TO_GET_WPT
        );
        return;
    };
    let aworker = match std::env::var_os("AWORKER_BIN") {
        Some(path) => PathBuf::from(path),
        None => wpt::default_aworker_bin().expect("the test binary knows its path"),
    };
    let filters = std::env::var("WPT_FILTER")
        .map(|f| {
            f.split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let jobs = std::env::var("WPT_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(2);
    let config = Config {
        wpt_root,
        aworker,
        python: std::env::var_os("WPT_PYTHON")
            .map_or_else(|| PathBuf::from("python3"), PathBuf::from),
        expectations_dir: wpt::default_expectations_dir(),
        filters,
        jobs,
        verbose: false,
        server_log: false,
        progress: false,
    };

    let expectations =
        Expectations::load(&config.expectations_dir).expect("the expectation files parse");
    let tests = wpt::discover_tests(&config).unwrap_or_else(|e| panic!("{e:#}"));
    let run = wpt::run_tests(&config, &tests, &expectations).unwrap_or_else(|e| panic!("{e:#}"));
    eprint!("{}", report::summary_table(&run));

    let unexpected: Vec<String> = run
        .tests
        .iter()
        .filter(|t| !t.unexpected().is_empty())
        .map(|t| {
            format!(
                "{} ({})\n    {}",
                t.test.id,
                t.test.file,
                t.unexpected().join("\n    ")
            )
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} tests differ from wpt/expectations/ (fix them, or record the change with \
         `cargo run -p wpt -- update --filter <path>` and explain new failures):\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
