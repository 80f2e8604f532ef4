//! The summary table and the wptreport JSON (the format wpt.fyi ingests).
//!
//! Pass rates count every discovered test (a file, or one variant of it): a skip, a crash or
//! a single failing subtest is not a pass.
//! wptreport: https://github.com/web-platform-tests/wpt.fyi/blob/main/api/README.md#results-creation

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::expectations::Expectation;
use crate::run::{HarnessStatus, SubtestStatus};
use crate::{RunReport, TestReport, TestResult};

/// One row of the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub tests: usize,
    pub run: usize,
    pub skipped: usize,
    pub subtests: usize,
    pub passed_subtests: usize,
    pub expected_failures: usize,
    pub unexpected: usize,
    /// Tests that ran with harness OK and every subtest passing.
    pub passed_tests: usize,
}

impl Row {
    fn add(&mut self, report: &TestReport) {
        self.tests += 1;
        match &report.result {
            TestResult::Skipped { .. } => self.skipped += 1,
            TestResult::Ran { outcome, verdict } => {
                self.run += 1;
                self.subtests += outcome.subtests.len();
                self.passed_subtests += outcome
                    .subtests
                    .iter()
                    .filter(|s| s.status == SubtestStatus::Pass)
                    .count();
                self.expected_failures += verdict.expected_failures;
                self.unexpected += usize::from(!verdict.unexpected.is_empty());
            }
        }
        self.passed_tests += usize::from(report.passed());
    }

    fn merge(&mut self, other: &Row) {
        self.tests += other.tests;
        self.run += other.run;
        self.skipped += other.skipped;
        self.subtests += other.subtests;
        self.passed_subtests += other.passed_subtests;
        self.expected_failures += other.expected_failures;
        self.unexpected += other.unexpected;
        self.passed_tests += other.passed_tests;
    }

    /// Passing tests over all discovered tests, in percent.
    pub fn pass_rate(&self) -> f64 {
        if self.tests == 0 {
            0.0
        } else {
            100.0 * self.passed_tests as f64 / self.tests as f64
        }
    }
}

/// Rows per top-level folder, and the total.
pub fn summarize(report: &RunReport) -> (BTreeMap<String, Row>, Row) {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for test in &report.tests {
        rows.entry(test.test.top_dir().to_string())
            .or_default()
            .add(test);
    }
    let mut total = Row::default();
    for row in rows.values() {
        total.merge(row);
    }
    (rows, total)
}

/// The summary as a plain-text table.
pub fn summary_table(report: &RunReport) -> String {
    let (rows, total) = summarize(report);
    let width = rows
        .keys()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .max("total".len());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:>5}  {:>5}  {:>7}  {:>8}  {:>6}  {:>8}  {:>10}  {:>9}",
        "directory",
        "tests",
        "run",
        "skipped",
        "subtests",
        "passed",
        "exp.fail",
        "unexpected",
        "pass rate"
    );
    let line = |out: &mut String, name: &str, row: &Row| {
        let _ = writeln!(
            out,
            "{name:<width$}  {:>5}  {:>5}  {:>7}  {:>8}  {:>6}  {:>8}  {:>10}  {:>8.1}%",
            row.tests,
            row.run,
            row.skipped,
            row.subtests,
            row.passed_subtests,
            row.expected_failures,
            row.unexpected,
            row.pass_rate()
        );
    };
    for (name, row) in &rows {
        line(&mut out, name, row);
    }
    line(&mut out, "total", &total);
    let _ = writeln!(
        out,
        "tests: a file or one of its variants; pass rate: tests whose every subtest passed, \
         over all tests including skipped ones"
    );
    out
}

/// The run in wptreport format.
pub fn wptreport(report: &RunReport, product_version: &str) -> Value {
    let results: Vec<Value> = report.tests.iter().map(test_json).collect();
    json!({
        "run_info": {
            "product": "aworker",
            "browser_version": product_version,
            "os": std::env::consts::OS,
            "processor": std::env::consts::ARCH,
        },
        "time_start": millis(report.time_start),
        "time_end": millis(report.time_end),
        "results": results,
    })
}

fn test_json(report: &TestReport) -> Value {
    let failing = match &report.expectation {
        Expectation::Fail(failing) => Some(failing),
        _ => None,
    };
    match &report.result {
        TestResult::Skipped { reason, .. } => json!({
            "test": report.test.id,
            "status": "SKIP",
            "message": reason,
            "subtests": [],
        }),
        TestResult::Ran { outcome, .. } => {
            let subtests: Vec<Value> = outcome
                .subtests
                .iter()
                .map(|s| {
                    let mut value = json!({
                        "name": s.name,
                        "status": s.status.as_str(),
                        "message": s.message,
                        "known_intermittent": [],
                    });
                    let expected = failing
                        .and_then(|f| f.subtests.get(&s.name))
                        .map_or(SubtestStatus::Pass, |e| e.status);
                    if expected != s.status {
                        value["expected"] = expected.as_str().into();
                    }
                    value
                })
                .collect();
            let mut value = json!({
                "test": report.test.id,
                "status": outcome.status.as_str(),
                "message": outcome.message,
                "duration": outcome.duration.as_millis() as u64,
                "subtests": subtests,
                "known_intermittent": [],
            });
            let expected = failing.and_then(|f| f.status).unwrap_or(HarnessStatus::Ok);
            if expected != outcome.status {
                value["expected"] = expected.as_str().into();
            }
            value
        }
    }
}

fn millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::discover::tests_of;
    use crate::expectations::{compare, parse, SkipReason};
    use crate::run::{Outcome, Subtest};

    fn sample() -> RunReport {
        let ran = tests_of("url/a.any.js", "")[0].clone();
        let skipped = tests_of("fetch/b.any.js", "")[0].clone();
        let expectation =
            parse("a.any.js:\n  subtests:\n    two:\n      status: FAIL\n      reason: r\n")
                .unwrap()
                .remove("a.any.js")
                .unwrap();
        let outcome = Outcome {
            status: HarnessStatus::Ok,
            message: None,
            subtests: vec![
                Subtest {
                    name: "one".into(),
                    status: SubtestStatus::Pass,
                    message: None,
                },
                Subtest {
                    name: "two".into(),
                    status: SubtestStatus::Pass,
                    message: None,
                },
            ],
            duration: Duration::from_millis(12),
            output: String::new(),
        };
        let verdict = compare(&expectation, &outcome);
        RunReport {
            tests: vec![
                TestReport {
                    test: ran,
                    expectation,
                    result: TestResult::Ran { outcome, verdict },
                },
                TestReport {
                    test: skipped,
                    expectation: Expectation::Skip {
                        skip: SkipReason::NeedsTls,
                        reason: "wss".into(),
                    },
                    result: TestResult::Skipped {
                        skip: SkipReason::NeedsTls,
                        reason: "wss".into(),
                    },
                },
            ],
            time_start: UNIX_EPOCH + Duration::from_secs(1),
            time_end: UNIX_EPOCH + Duration::from_secs(2),
        }
    }

    #[test]
    fn wptreport_has_the_fields_wpt_fyi_reads() {
        let value = wptreport(&sample(), "0.1.0");
        assert_eq!(value["run_info"]["product"], "aworker");
        assert_eq!(value["time_start"], 1000);
        assert_eq!(value["time_end"], 2000);
        let results = value["results"].as_array().unwrap();
        assert_eq!(results[0]["test"], "/url/a.any.worker.html");
        assert_eq!(results[0]["status"], "OK");
        assert_eq!(results[0]["duration"], 12);
        assert!(
            results[0].get("expected").is_none(),
            "expected only when it differs"
        );
        let subtests = results[0]["subtests"].as_array().unwrap();
        assert_eq!(subtests[0]["name"], "one");
        assert!(subtests[0].get("expected").is_none());
        assert_eq!(subtests[1]["status"], "PASS");
        assert_eq!(subtests[1]["expected"], "FAIL");
        assert_eq!(results[1]["test"], "/fetch/b.any.worker.html");
        assert_eq!(results[1]["status"], "SKIP");
    }

    #[test]
    fn pass_rate_counts_skipped_tests() {
        let (rows, total) = summarize(&sample());
        assert_eq!(rows["url"].passed_tests, 1);
        assert_eq!(rows["url"].unexpected, 1, "the unexpected pass");
        assert_eq!(rows["fetch"].skipped, 1);
        assert_eq!(total.tests, 2);
        assert!((total.pass_rate() - 50.0).abs() < 1e-9);
        assert!(summary_table(&sample()).contains("total"));
    }
}
