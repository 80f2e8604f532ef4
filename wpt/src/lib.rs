//! Runs the Web Platform Tests that apply to a worker runtime against the `aworker`
//! executable, and compares every subtest with the expectations recorded in
//! `wpt/expectations/`.
//!
//! One run: discover the tests under a WPT checkout ([`discover`]), start the WPT server
//! ([`server`]), run each test in a fresh `aworker` process, `--jobs` at a time ([`run`]),
//! compare ([`expectations`]) and report ([`report`]). This crate drives the executable and
//! does not link the runtime.

pub mod discover;
pub mod expectations;
pub mod meta;
pub mod report;
pub mod run;
pub mod server;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::SystemTime;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use crate::discover::TestCase;
use crate::expectations::{compare, Expectation, Expectations, SkipReason, Verdict};
use crate::run::{Outcome, Runner};
use crate::server::{ServerOptions, WptServer};

/// Everything a run needs, validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub wpt_root: PathBuf,
    pub aworker: PathBuf,
    pub python: PathBuf,
    pub expectations_dir: PathBuf,
    /// Path prefixes (or test ids) to run; all tests when empty.
    pub filters: Vec<String>,
    pub jobs: usize,
    /// Show each test's status and console output, and the server's warnings.
    pub verbose: bool,
    /// Show the server's log of every request.
    pub server_log: bool,
    /// Draw a progress bar (on stderr, when it is a terminal).
    pub progress: bool,
}

/// What happened to one test.
#[derive(Debug, Clone)]
pub enum TestResult {
    Skipped { skip: SkipReason, reason: String },
    Ran { outcome: Outcome, verdict: Verdict },
}

#[derive(Debug, Clone)]
pub struct TestReport {
    pub test: TestCase,
    pub expectation: Expectation,
    pub result: TestResult,
}

impl TestReport {
    /// The test ran, its harness said OK and every subtest passed.
    pub fn passed(&self) -> bool {
        match &self.result {
            TestResult::Skipped { .. } => false,
            TestResult::Ran { outcome, .. } => {
                outcome.status == run::HarnessStatus::Ok
                    && outcome
                        .subtests
                        .iter()
                        .all(|s| s.status == run::SubtestStatus::Pass)
            }
        }
    }

    /// The lines that differ from the expectation.
    pub fn unexpected(&self) -> &[String] {
        match &self.result {
            TestResult::Skipped { .. } => &[],
            TestResult::Ran { verdict, .. } => &verdict.unexpected,
        }
    }
}

/// A whole run, in test order.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub tests: Vec<TestReport>,
    pub time_start: SystemTime,
    pub time_end: SystemTime,
}

impl RunReport {
    pub fn unexpected_count(&self) -> usize {
        self.tests
            .iter()
            .filter(|t| !t.unexpected().is_empty())
            .count()
    }
}

/// The tests `config` selects, after checking that the checkout exists.
pub fn discover_tests(config: &Config) -> Result<Vec<TestCase>> {
    if !config.wpt_root.join("resources/testharness.js").is_file() {
        bail!(
            "{} is not a WPT checkout (no resources/testharness.js); {}",
            config.wpt_root.display(),
            HOW_TO_GET_WPT
        );
    }
    let tests = discover::discover(&config.wpt_root, &config.filters)?;
    if tests.is_empty() {
        bail!("no WPT test matches the filters {:?}", config.filters);
    }
    Ok(tests)
}

/// Where a WPT checkout comes from, for error messages.
pub const HOW_TO_GET_WPT: &str = "point WPT_ROOT at a WPT checkout: the subset this project \
    uses is in the workplace's shared/wpt (ci/env.sh sets WPT_ROOT from it), or clone \
    https://github.com/web-platform-tests/wpt";

/// Runs `tests` and compares them with `expectations`.
pub fn run_tests(
    config: &Config,
    tests: &[TestCase],
    expectations: &Expectations,
) -> Result<RunReport> {
    if !config.aworker.is_file() {
        bail!(
            "{} does not exist: build it with `cargo build -p aworker`, or set AWORKER_BIN",
            config.aworker.display()
        );
    }
    let time_start = SystemTime::now();
    let server = WptServer::start(&ServerOptions {
        wpt_root: config.wpt_root.clone(),
        python: config.python.clone(),
        echo_log: config.verbose || config.server_log,
        log_requests: config.server_log,
    })
    .context("starting the WPT server")?;
    let runner = Runner {
        aworker: config.aworker.clone(),
        server: &server,
    };

    let bar = if config.progress {
        ProgressBar::new(tests.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} {wide_msg}")
            .expect("the template is valid")
            .progress_chars("=> "),
    );

    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<TestReport>>> = Mutex::new(vec![None; tests.len()]);
    thread::scope(|scope| {
        for _ in 0..config.jobs.max(1) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(test) = tests.get(index) else { break };
                bar.set_message(test.id.clone());
                let report = run_one(&runner, test, expectations);
                if config.verbose {
                    bar.suspend(|| print_verbose(&report));
                } else if !report.unexpected().is_empty() {
                    bar.suspend(|| print_unexpected(&report));
                }
                bar.inc(1);
                results
                    .lock()
                    .expect("no worker panics while holding the lock")[index] = Some(report);
            });
        }
    });
    bar.finish_and_clear();

    let tests = results
        .into_inner()
        .expect("no worker panicked")
        .into_iter()
        .map(|r| r.expect("every test ran"))
        .collect();
    Ok(RunReport {
        tests,
        time_start,
        time_end: SystemTime::now(),
    })
}

fn run_one(runner: &Runner<'_>, test: &TestCase, expectations: &Expectations) -> TestReport {
    let expectation = expectations.get(test).clone();
    let result = match &expectation {
        Expectation::Skip { skip, reason } => TestResult::Skipped {
            skip: *skip,
            reason: reason.clone(),
        },
        _ => {
            let outcome = runner.run(test);
            let verdict = compare(&expectation, &outcome);
            TestResult::Ran { outcome, verdict }
        }
    };
    TestReport {
        test: test.clone(),
        expectation,
        result,
    }
}

fn print_unexpected(report: &TestReport) {
    eprintln!("UNEXPECTED {} ({})", report.test.id, report.test.file);
    for line in report.unexpected() {
        eprintln!("  {line}");
    }
}

fn print_verbose(report: &TestReport) {
    match &report.result {
        TestResult::Skipped { skip, reason } => {
            eprintln!("SKIP {} ({}: {reason})", report.test.id, skip.as_str());
        }
        TestResult::Ran { outcome, verdict } => {
            let mark = if verdict.unexpected.is_empty() {
                "ok"
            } else {
                "UNEXPECTED"
            };
            eprintln!(
                "{mark} {} {} ({} subtests, {:.1} s)",
                report.test.id,
                outcome.status.as_str(),
                outcome.subtests.len(),
                outcome.duration.as_secs_f64()
            );
            for line in &verdict.unexpected {
                eprintln!("  {line}");
            }
            for line in outcome.output.lines() {
                eprintln!("  | {line}");
            }
        }
    }
}

/// `aworker` next to the running executable's profile folder: `target/<profile>/aworker` for
/// `target/<profile>/aworker-wpt` and for a test binary in `target/<profile>/deps/`.
pub fn default_aworker_bin() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("finding the running executable")?;
    let mut dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.file_name().is_some_and(|n| n == "deps") {
        dir.pop();
    }
    Ok(dir.join("aworker"))
}

/// `wpt/expectations/` in this crate.
pub fn default_expectations_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("expectations")
}
