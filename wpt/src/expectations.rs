//! Recorded expectations: one YAML file per top-level WPT folder, laid out like the tree.
//!
//! ```yaml
//! url-origin.any.js: pass            # every subtest passes (also the default for new files)
//! api/:                              # a folder: its entries nested below
//!   basic/:
//!     keepalive.any.js:
//!       skip: needs-document         # one of SkipReason's values
//!       reason: opens an iframe to observe the unload
//!     request-head.any.js?x=1:       # one variant of a file
//!       status: TIMEOUT              # the harness status when it is not OK
//!       reason: ...                  # why; covers the subtests without their own
//!       subtests:
//!         HEAD with a body rejects: FAIL
//!         HEAD with a stream body:
//!           status: TIMEOUT
//!           reason: ...              # a reason of its own
//! ```
//!
//! Every entry that is not `pass` carries a reason; `aworker-wpt update` writes
//! [`PLACEHOLDER`] for new ones, which the test suite refuses until a person explains them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use serde_norway::{Mapping, Value};

use crate::discover::TestCase;
use crate::run::{HarnessStatus, Outcome, SubtestStatus};

/// The reason `update` writes for a new failure; `cargo test -p wpt` fails while one is left.
pub const PLACEHOLDER: &str = "TODO explain";

/// Why a test cannot run here at all: the only grounds for skipping a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// It needs a document (a window, an iframe, a DOM).
    NeedsDocument,
    /// It needs a real TLS connection (`https:` or `wss:` on the wire, not a secure context).
    NeedsTls,
    /// It needs an HTTP/2 server.
    NeedsHttp2,
    /// It drives the browser through testdriver.js (user input, permissions).
    NeedsTestdriver,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NeedsDocument => "needs-document",
            SkipReason::NeedsTls => "needs-tls",
            SkipReason::NeedsHttp2 => "needs-http2",
            SkipReason::NeedsTestdriver => "needs-testdriver",
        }
    }
}

/// What one test (a file, or one variant of it) is expected to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    Pass,
    Skip { skip: SkipReason, reason: String },
    Fail(Failing),
}

/// A test with an unusual harness status or failing subtests.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Failing {
    /// The harness status; OK when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<HarnessStatus>,
    /// Why the harness status is what it is (required when `status` is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub subtests: BTreeMap<String, FailingSubtest>,
}

/// A failing subtest: `name: FAIL` (the file's reason applies) or `{status, reason}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailingSubtest {
    pub status: SubtestStatus,
    pub reason: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum SubtestEntry {
    Status(SubtestStatus),
    Full {
        status: SubtestStatus,
        reason: String,
    },
}

impl Serialize for FailingSubtest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.reason {
            None => SubtestEntry::Status(self.status),
            Some(reason) => SubtestEntry::Full {
                status: self.status,
                reason: reason.clone(),
            },
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for FailingSubtest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match SubtestEntry::deserialize(deserializer)? {
            SubtestEntry::Status(status) => FailingSubtest {
                status,
                reason: None,
            },
            SubtestEntry::Full { status, reason } => FailingSubtest {
                status,
                reason: Some(reason),
            },
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SkipEntry {
    skip: SkipReason,
    reason: String,
}

/// The expectations of every top-level folder, keyed by folder then by the path below it
/// (plus variant), e.g. `"url"` then `"a/b.any.js?x"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectations {
    pub dirs: BTreeMap<String, BTreeMap<String, Expectation>>,
}

/// How one test's outcome compares with its expectation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Each difference, one line each; empty when the outcome was expected.
    pub unexpected: Vec<String>,
    /// Subtests that failed as expected.
    pub expected_failures: usize,
}

impl Expectations {
    /// Reads every `*.yaml` in `dir` (a missing folder has none).
    pub fn load(dir: &Path) -> Result<Expectations> {
        let mut expectations = Expectations::default();
        let Ok(entries) = fs::read_dir(dir) else {
            return Ok(expectations);
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let Some(top) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".yaml"))
            else {
                continue;
            };
            let text =
                fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            let entries = parse(&text).with_context(|| format!("in {}", path.display()))?;
            expectations.dirs.insert(top.to_string(), entries);
        }
        Ok(expectations)
    }

    /// The expectation of `test`: its own entry, else its file's, else `pass`.
    pub fn get(&self, test: &TestCase) -> &Expectation {
        static PASS: Expectation = Expectation::Pass;
        let Some(entries) = self.dirs.get(test.top_dir()) else {
            return &PASS;
        };
        let key = test.key_in_top_dir();
        let file_key = key.strip_suffix(test.variant.as_str()).unwrap_or(&key);
        entries
            .get(&key)
            .or_else(|| entries.get(file_key))
            .unwrap_or(&PASS)
    }

    /// Records `outcome` as the expectation of `test`, keeping the reasons already written.
    pub fn record(&mut self, test: &TestCase, outcome: &Outcome) {
        let old = self.get(test).clone();
        let new = expectation_from(outcome, &old);
        let entries = self.dirs.entry(test.top_dir().to_string()).or_default();
        entries.insert(test.key_in_top_dir(), new);
    }

    /// Drops the entries of tests that no longer exist (after a run over every file).
    pub fn retain_tests(&mut self, tests: &[TestCase]) {
        for (top, entries) in &mut self.dirs {
            entries.retain(|key, _| {
                tests.iter().any(|t| {
                    t.top_dir() == top
                        && (t.key_in_top_dir() == *key
                            || t.file.split_once('/').map(|(_, rest)| rest) == Some(key.as_str()))
                })
            });
        }
    }

    /// Writes one file per top-level folder into `dir`.
    pub fn save(&self, dir: &Path) -> Result<()> {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        for (top, entries) in &self.dirs {
            let path = dir.join(format!("{top}.yaml"));
            fs::write(&path, render(top, entries)?)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(())
    }

    /// `folder: key` of every entry that still has the placeholder reason.
    pub fn placeholders(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (top, entries) in &self.dirs {
            for (key, expectation) in entries {
                let Expectation::Fail(failing) = expectation else {
                    continue;
                };
                let file = failing.reason.as_deref() == Some(PLACEHOLDER);
                let subtests = failing
                    .subtests
                    .values()
                    .filter(|s| s.reason.as_deref() == Some(PLACEHOLDER))
                    .count();
                if file || subtests > 0 {
                    out.push(format!("{top}/{key}"));
                }
            }
        }
        out
    }
}

/// Compares `outcome` with `expectation` (never `Skip`: skipped tests do not run).
pub fn compare(expectation: &Expectation, outcome: &Outcome) -> Verdict {
    let empty = Failing::default();
    let failing = match expectation {
        Expectation::Fail(failing) => failing,
        _ => &empty,
    };
    let mut verdict = Verdict::default();

    let expected_status = failing.status.unwrap_or(HarnessStatus::Ok);
    if outcome.status != expected_status {
        let message = outcome
            .message
            .as_deref()
            .map(|m| format!(": {}", first_line(m)))
            .unwrap_or_default();
        verdict.unexpected.push(format!(
            "harness: expected {}, got {}{message}",
            expected_status.as_str(),
            outcome.status.as_str()
        ));
    }

    for subtest in &outcome.subtests {
        let expected = failing
            .subtests
            .get(&subtest.name)
            .map_or(SubtestStatus::Pass, |s| s.status);
        if subtest.status == expected {
            if expected != SubtestStatus::Pass {
                verdict.expected_failures += 1;
            }
            continue;
        }
        let what = if subtest.status == SubtestStatus::Pass {
            "unexpected pass"
        } else {
            "unexpected"
        };
        let message = subtest
            .message
            .as_deref()
            .map(|m| format!(": {}", first_line(m)))
            .unwrap_or_default();
        verdict.unexpected.push(format!(
            "{what}: {:?} expected {}, got {}{message}",
            subtest.name,
            expected.as_str(),
            subtest.status.as_str()
        ));
    }

    // A listed subtest that did not report is stale, unless the harness ended early.
    if outcome.status == HarnessStatus::Ok {
        for name in failing.subtests.keys() {
            if !outcome.subtests.iter().any(|s| &s.name == name) {
                verdict
                    .unexpected
                    .push(format!("stale: {name:?} is listed but did not run"));
            }
        }
    }
    verdict
}

/// The expectation an outcome calls for, with the reasons of `old` where it has them.
fn expectation_from(outcome: &Outcome, old: &Expectation) -> Expectation {
    let failing_subtests: Vec<_> = outcome
        .subtests
        .iter()
        .filter(|s| s.status != SubtestStatus::Pass)
        .collect();
    if outcome.status == HarnessStatus::Ok && failing_subtests.is_empty() {
        return Expectation::Pass;
    }
    let old = match old {
        Expectation::Fail(failing) => Some(failing),
        _ => None,
    };
    let status = (outcome.status != HarnessStatus::Ok).then_some(outcome.status);
    let subtests: BTreeMap<String, FailingSubtest> = failing_subtests
        .into_iter()
        .map(|s| {
            let reason = old
                .and_then(|o| o.subtests.get(&s.name))
                .and_then(|o| o.reason.clone());
            (
                s.name.clone(),
                FailingSubtest {
                    status: s.status,
                    reason,
                },
            )
        })
        .collect();
    // The file's reason covers the harness status and the subtests without their own.
    let needs_reason = status.is_some() || subtests.values().any(|s| s.reason.is_none());
    let reason = old
        .and_then(|o| o.reason.clone())
        .or_else(|| needs_reason.then(|| PLACEHOLDER.to_string()));
    Expectation::Fail(Failing {
        status,
        reason,
        subtests,
    })
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// Parses one folder's file into flat `path[variant] -> expectation` entries.
pub fn parse(text: &str) -> Result<BTreeMap<String, Expectation>> {
    let value: Value = serde_norway::from_str(text)?;
    let mut out = BTreeMap::new();
    match value {
        Value::Null => {}
        Value::Mapping(map) => flatten("", map, &mut out)?,
        _ => bail!("the file must be a mapping of file and folder names"),
    }
    Ok(out)
}

fn flatten(prefix: &str, map: Mapping, out: &mut BTreeMap<String, Expectation>) -> Result<()> {
    for (key, value) in map {
        let Value::String(key) = key else {
            bail!("{prefix}: keys must be strings")
        };
        let path = format!("{prefix}{key}");
        if key.ends_with('/') {
            match value {
                Value::Mapping(inner) => flatten(&path, inner, out)?,
                Value::Null => {}
                _ => bail!("{path}: a folder holds a mapping of its entries"),
            }
            continue;
        }
        let expectation = entry(&path, value)?;
        out.insert(path, expectation);
    }
    Ok(())
}

fn entry(path: &str, value: Value) -> Result<Expectation> {
    if value.as_str() == Some("pass") {
        return Ok(Expectation::Pass);
    }
    let Value::Mapping(map) = &value else {
        bail!("{path}: expected `pass` or a mapping with `skip` or `subtests`/`status`");
    };
    let expectation = if map.contains_key("skip") {
        let skip: SkipEntry =
            serde_norway::from_value(value).with_context(|| format!("{path}: a skip entry"))?;
        Expectation::Skip {
            skip: skip.skip,
            reason: skip.reason,
        }
    } else {
        let failing: Failing =
            serde_norway::from_value(value).with_context(|| format!("{path}: a failing entry"))?;
        if failing.reason.is_none() {
            if failing.status.is_some_and(|s| s != HarnessStatus::Ok) {
                bail!("{path}: a harness status other than OK needs a `reason`");
            }
            if let Some((name, _)) = failing.subtests.iter().find(|(_, s)| s.reason.is_none()) {
                bail!("{path}: subtest {name:?} needs a `reason`, its own or the file's");
            }
        }
        Expectation::Fail(failing)
    };
    if let Expectation::Skip { reason, .. } = &expectation {
        if reason.trim().is_empty() {
            bail!("{path}: a skip needs a specific `reason`");
        }
    }
    Ok(expectation)
}

/// One folder's file: a header, then the entries nested by folder.
fn render(top: &str, entries: &BTreeMap<String, Expectation>) -> Result<String> {
    let mut tree = Mapping::new();
    for (key, expectation) in entries {
        let (path, variant) = key.split_at(key.find(['?', '#']).unwrap_or(key.len()));
        let mut parts: Vec<&str> = path.split('/').collect();
        let file = parts.pop().unwrap_or_default();
        let mut node = &mut tree;
        for dir in parts {
            let slot = node
                .entry(Value::String(format!("{dir}/")))
                .or_insert_with(|| Value::Mapping(Mapping::new()));
            let Value::Mapping(inner) = slot else {
                bail!("{top}/{key}: a folder and a file share a name")
            };
            node = inner;
        }
        node.insert(
            Value::String(format!("{file}{variant}")),
            to_value(expectation)?,
        );
    }
    sort_mapping(&mut tree);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# WPT expectations for {top}/, laid out like the tree: see wpt/README.md."
    );
    let _ = writeln!(
        out,
        "# Regenerate with `cargo run -p wpt -- update --filter {top}/`; replace every"
    );
    let _ = writeln!(
        out,
        "# `reason: {PLACEHOLDER}` with why the test fails here."
    );
    out.push_str(&serde_norway::to_string(&Value::Mapping(tree))?);
    Ok(out)
}

fn to_value(expectation: &Expectation) -> Result<Value> {
    Ok(match expectation {
        Expectation::Pass => Value::String("pass".into()),
        Expectation::Skip { skip, reason } => {
            let mut map = Mapping::new();
            map.insert("skip".into(), skip.as_str().into());
            map.insert("reason".into(), reason.as_str().into());
            Value::Mapping(map)
        }
        Expectation::Fail(failing) => serde_norway::to_value(failing)?,
    })
}

/// Files before folders, each in name order, at every level.
fn sort_mapping(map: &mut Mapping) {
    let mut entries: Vec<(Value, Value)> = std::mem::take(map).into_iter().collect();
    entries.sort_by(|(a, _), (b, _)| {
        let (a, b) = (
            a.as_str().unwrap_or_default(),
            b.as_str().unwrap_or_default(),
        );
        (a.ends_with('/'), a).cmp(&(b.ends_with('/'), b))
    });
    for (key, mut value) in entries {
        if let Value::Mapping(inner) = &mut value {
            if key.as_str().is_some_and(|k| k.ends_with('/')) {
                sort_mapping(inner);
            }
        }
        map.insert(key, value);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::discover::tests_of;
    use crate::run::Subtest;

    fn outcome(status: HarnessStatus, subtests: &[(&str, SubtestStatus)]) -> Outcome {
        Outcome {
            status,
            message: None,
            subtests: subtests
                .iter()
                .map(|(name, status)| Subtest {
                    name: name.to_string(),
                    status: *status,
                    message: None,
                })
                .collect(),
            duration: Duration::ZERO,
            output: String::new(),
        }
    }

    const SAMPLE: &str = "\
a.any.js: pass
api/:
  b.any.js:
    skip: needs-tls
    reason: opens wss:// connections
  c.any.js?x=1:
    status: TIMEOUT
    reason: never resolves
    subtests:
      one: FAIL
      two:
        status: TIMEOUT
        reason: no such API
";

    #[test]
    fn files_nest_by_folder_and_round_trip() {
        let entries = parse(SAMPLE).unwrap();
        assert_eq!(entries["a.any.js"], Expectation::Pass);
        assert!(matches!(
            entries["api/b.any.js"],
            Expectation::Skip {
                skip: SkipReason::NeedsTls,
                ..
            }
        ));
        let Expectation::Fail(failing) = &entries["api/c.any.js?x=1"] else {
            panic!()
        };
        assert_eq!(failing.status, Some(HarnessStatus::Timeout));
        assert_eq!(failing.subtests["one"].status, SubtestStatus::Fail);
        assert_eq!(failing.subtests["one"].reason, None);
        assert_eq!(
            failing.subtests["two"].reason.as_deref(),
            Some("no such API")
        );

        let rendered = render("fetch", &entries).unwrap();
        assert_eq!(parse(&rendered).unwrap(), entries);
        assert!(rendered.ends_with(SAMPLE), "{rendered}");
    }

    #[test]
    fn entries_without_reasons_or_with_unknown_skips_are_rejected() {
        assert!(parse("a.any.js:\n  status: ERROR\n").is_err());
        assert!(parse("a.any.js:\n  skip: too-slow\n  reason: x\n").is_err());
        assert!(parse("a.any.js:\n  subtests:\n    s:\n      status: FAIL\n").is_err());
        assert!(
            parse("a.any.js:\n  subtests:\n    s: FAIL\n").is_err(),
            "no reason at all"
        );
        assert!(parse("a.any.js:\n  reason: r\n  subtests:\n    s: FAIL\n").is_ok());
        assert!(parse("a.any.js: fail\n").is_err());
    }

    #[test]
    fn an_unexpected_failure_and_an_unexpected_pass_are_both_reported() {
        let failing =
            parse("a.any.js:\n  subtests:\n    old:\n      status: FAIL\n      reason: r\n")
                .unwrap();
        let expectation = &failing["a.any.js"];

        let same = outcome(
            HarnessStatus::Ok,
            &[("old", SubtestStatus::Fail), ("new", SubtestStatus::Pass)],
        );
        let verdict = compare(expectation, &same);
        assert!(verdict.unexpected.is_empty(), "{:?}", verdict.unexpected);
        assert_eq!(verdict.expected_failures, 1);

        let regressed = outcome(
            HarnessStatus::Ok,
            &[("old", SubtestStatus::Fail), ("new", SubtestStatus::Fail)],
        );
        assert_eq!(compare(expectation, &regressed).unexpected.len(), 1);

        let fixed = outcome(
            HarnessStatus::Ok,
            &[("old", SubtestStatus::Pass), ("new", SubtestStatus::Pass)],
        );
        let verdict = compare(expectation, &fixed);
        assert_eq!(verdict.unexpected.len(), 1);
        assert!(
            verdict.unexpected[0].starts_with("unexpected pass"),
            "{:?}",
            verdict.unexpected
        );
    }

    #[test]
    fn harness_status_and_stale_subtests_count() {
        let pass = Expectation::Pass;
        assert_eq!(
            compare(&pass, &outcome(HarnessStatus::Crash, &[]))
                .unexpected
                .len(),
            1
        );

        let failing =
            parse("a.any.js:\n  subtests:\n    gone:\n      status: FAIL\n      reason: r\n")
                .unwrap();
        let ran = outcome(HarnessStatus::Ok, &[("other", SubtestStatus::Pass)]);
        assert_eq!(
            compare(&failing["a.any.js"], &ran).unexpected.len(),
            1,
            "a listed subtest vanished"
        );
    }

    #[test]
    fn recording_keeps_reasons_and_marks_new_failures() {
        let test = &tests_of("url/a.any.js", "")[0];
        let mut expectations = Expectations::default();
        expectations.dirs.insert(
            "url".into(),
            parse(concat!(
                "a.any.js:\n  subtests:\n    old:\n      status: FAIL\n      reason: known\n",
                "    other: FAIL\n  reason: file\n",
            ))
            .unwrap(),
        );
        expectations.record(
            test,
            &outcome(
                HarnessStatus::Ok,
                &[
                    ("old", SubtestStatus::Timeout),
                    ("new", SubtestStatus::Fail),
                ],
            ),
        );
        let Expectation::Fail(failing) = expectations.get(test) else {
            panic!()
        };
        assert_eq!(failing.subtests["old"].reason.as_deref(), Some("known"));
        assert_eq!(failing.subtests["old"].status, SubtestStatus::Timeout);
        assert_eq!(
            failing.subtests["new"].reason, None,
            "the file's reason covers it"
        );
        assert_eq!(failing.reason.as_deref(), Some("file"));
        assert!(expectations.placeholders().is_empty());

        let fresh = &tests_of("url/b.any.js", "")[0];
        expectations.record(
            fresh,
            &outcome(HarnessStatus::Ok, &[("x", SubtestStatus::Fail)]),
        );
        let Expectation::Fail(failing) = expectations.get(fresh) else {
            panic!()
        };
        assert_eq!(failing.reason.as_deref(), Some(PLACEHOLDER));
        assert_eq!(expectations.placeholders(), ["url/b.any.js"]);

        expectations.record(
            fresh,
            &outcome(HarnessStatus::Ok, &[("x", SubtestStatus::Pass)]),
        );
        assert_eq!(expectations.get(fresh), &Expectation::Pass);
        assert!(expectations.placeholders().is_empty());
    }

    #[test]
    fn a_variant_falls_back_to_its_file_entry() {
        let test = &tests_of("url/a.any.js", "// META: variant=?x\n")[0];
        let mut expectations = Expectations::default();
        expectations.dirs.insert(
            "url".into(),
            parse("a.any.js:\n  skip: needs-document\n  reason: r\n").unwrap(),
        );
        assert!(matches!(expectations.get(test), Expectation::Skip { .. }));
    }
}
