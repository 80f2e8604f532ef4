//! Runs one test in a fresh `aworker` process and collects its results.
//!
//! The runner fetches the harness, the `META: script=` files and the test from the WPT server
//! into a temporary folder, writes a `main.js` that imports them in WPT's order (as the
//! `x.any.worker.js` wrapper WPT's server generates does), and runs
//! `aworker run --location <worker URL> --resolve-to-loopback main.js`. The report adapter
//! prints one marked JSON line per event; a process that hangs is killed at the test's timeout
//! plus a margin, and one that dies is a crash: both keep the results already printed.

use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::discover::{FileKind, TestCase};
use crate::server::WptServer;

/// The prefix of the report adapter's lines on stdout.
pub const MARKER: &str = "@@wpt@@ ";

const PRELUDE_JS: &str = include_str!("../js/prelude.js");
const REPORT_JS: &str = include_str!("../js/report.js");
/// The adapter's timer fires at the test's timeout; the process is killed this much later.
const KILL_MARGIN: Duration = Duration::from_secs(5);
/// How long a process that closed its stdout gets to exit by itself.
const EXIT_GRACE: Duration = Duration::from_secs(2);
/// Bytes of a test's own console output kept for `--verbose` and crash messages.
const OUTPUT_LIMIT: usize = 64 * 1024;

/// The harness status of a test, as wptreport spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HarnessStatus {
    Ok,
    Error,
    Timeout,
    PreconditionFailed,
    /// The process died before the harness completed.
    Crash,
}

/// The status of a subtest, as testharness.js and wptreport spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SubtestStatus {
    Pass,
    Fail,
    Timeout,
    Notrun,
    PreconditionFailed,
}

impl HarnessStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HarnessStatus::Ok => "OK",
            HarnessStatus::Error => "ERROR",
            HarnessStatus::Timeout => "TIMEOUT",
            HarnessStatus::PreconditionFailed => "PRECONDITION_FAILED",
            HarnessStatus::Crash => "CRASH",
        }
    }
}

impl SubtestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubtestStatus::Pass => "PASS",
            SubtestStatus::Fail => "FAIL",
            SubtestStatus::Timeout => "TIMEOUT",
            SubtestStatus::Notrun => "NOTRUN",
            SubtestStatus::PreconditionFailed => "PRECONDITION_FAILED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subtest {
    pub name: String,
    pub status: SubtestStatus,
    #[serde(default)]
    pub message: Option<String>,
}

/// What one run of one test produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: HarnessStatus,
    pub message: Option<String>,
    /// In the order they finished; a name appears once.
    pub subtests: Vec<Subtest>,
    pub duration: Duration,
    /// The test's console output (stdout lines that are not reports, then stderr).
    pub output: String,
}

impl Outcome {
    /// An outcome for a test that could not be started (a file failed to fetch).
    pub fn setup_error(message: String, duration: Duration) -> Outcome {
        Outcome {
            status: HarnessStatus::Error,
            message: Some(message),
            subtests: Vec::new(),
            duration,
            output: String::new(),
        }
    }
}

/// One line of the report adapter.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Event {
    Result(Subtest),
    Complete {
        status: HarnessStatus,
        #[serde(default)]
        message: Option<String>,
        #[serde(default)]
        tests: Vec<Subtest>,
    },
}

/// Runs tests against one `aworker` executable and one WPT server.
pub struct Runner<'a> {
    pub aworker: PathBuf,
    pub server: &'a WptServer,
}

impl Runner<'_> {
    /// Runs `test` to its end; never fails: a broken test is a result.
    pub fn run(&self, test: &TestCase) -> Outcome {
        let started = Instant::now();
        let dir = match tempfile::Builder::new().prefix("aworker-wpt-").tempdir() {
            Ok(dir) => dir,
            Err(e) => {
                return Outcome::setup_error(format!("creating a temp dir: {e}"), started.elapsed())
            }
        };
        let main = match self.prepare(test, dir.path()) {
            Ok(main) => main,
            Err(e) => return Outcome::setup_error(format!("{e:#}"), started.elapsed()),
        };
        self.execute(test, &main, started)
    }

    /// Fetches the scripts into `dir` and writes `main.js`; returns its path.
    fn prepare(&self, test: &TestCase, dir: &Path) -> Result<PathBuf> {
        let worker_url = self.server.url(&test.worker_path);
        let worker_url = url::Url::parse(&worker_url).context("the worker URL")?;
        let mut files = LocalFiles::new(dir);

        let prelude = files.write("prelude.js", PRELUDE_JS.as_bytes())?;
        let timeout_ms = test.timeout.duration().as_millis().to_string();
        let report = REPORT_JS.replace("__TIMEOUT_MS__", &timeout_ms);
        let harness_url = worker_url.join("/resources/testharness.js")?.to_string();
        let testharness = self.server.fetch(&harness_url)?;
        let harness = files.write("testharness.js", &testharness)?;
        let report = files.write("report.js", report.as_bytes())?;

        // What main.js imports after the harness: the META scripts and the test for a
        // `.any.js`; the test alone for a `.worker.js`, which imports the harness itself.
        let mut sources = Vec::new();
        if test.kind == FileKind::Any {
            for script in &test.scripts {
                let url = worker_url
                    .join(script)
                    .with_context(|| format!("resolving {script}"))?;
                sources.push(
                    self.server
                        .fetch(url.as_str())
                        .map(|body| (url.to_string(), body))?,
                );
            }
        }
        let test_url = match test.kind {
            FileKind::Any => worker_url.join(&format!("/{}", test.file))?,
            FileKind::Worker => worker_url.clone(),
        };
        sources.push((test_url.to_string(), self.server.fetch(test_url.as_str())?));

        // Scripts call importScripts() with URLs on the WPT server, while aworker imports
        // local files: fetch those named literally and map their URLs to the local copies.
        let mut imports = ImportMap::default();
        imports.add(&harness_url, vec![harness.clone(), report.clone()]);
        let mut local_sources = Vec::new();
        for (url, body) in &sources {
            local_sources.push(files.write_script(url, body)?);
        }
        for (_, body) in &sources {
            for specifier in imported_scripts(&String::from_utf8_lossy(body)) {
                let Ok(url) = worker_url.join(&specifier) else {
                    continue;
                };
                if imports.contains(url.as_str()) {
                    continue;
                }
                // A script that does not load fails where the test imports it, as it would
                // in a browser.
                if let Ok(body) = self.server.fetch(url.as_str()) {
                    imports.add(url.as_str(), vec![files.write_script(url.as_str(), &body)?]);
                }
            }
        }

        let main = main_js(test, &prelude, &[harness, report], &imports, &local_sources);
        let main_path = dir.join("main.js");
        fs::write(&main_path, main).with_context(|| format!("writing {}", main_path.display()))?;
        Ok(main_path)
    }

    /// Runs `aworker` on `main` and reads its report lines until the harness completes, the
    /// process ends, or the deadline passes.
    fn execute(&self, test: &TestCase, main: &Path, started: Instant) -> Outcome {
        let location = self.server.url(&test.worker_path);
        let spawned = Command::new(&self.aworker)
            .arg("run")
            .arg("--location")
            .arg(&location)
            .arg("--resolve-to-loopback")
            .arg(main)
            .current_dir(main.parent().unwrap_or(Path::new(".")))
            .env("AWORKER_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => {
                let message = format!("starting {}: {e}", self.aworker.display());
                return Outcome::setup_error(message, started.elapsed());
            }
        };

        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout is piped");
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let stderr_reader = thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stderr
                .by_ref()
                .take(OUTPUT_LIMIT as u64)
                .read_to_end(&mut buf);
            // Keep draining so the process never blocks on a full pipe.
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
            String::from_utf8_lossy(&buf).into_owned()
        });

        let mut collector = Collector::default();
        let deadline = started + test.timeout.duration() + KILL_MARGIN;
        let end = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if collector.line(&line) {
                        break End::Completed;
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break End::Exited,
                Err(mpsc::RecvTimeoutError::Timeout) => break End::Killed,
            }
        };

        // A process that closed stdout is exiting: give it a moment, so that a crash is
        // reported with its own exit status rather than our kill.
        if matches!(end, End::Exited) {
            let grace = Instant::now() + EXIT_GRACE;
            while Instant::now() < grace && matches!(child.try_wait(), Ok(None)) {
                thread::sleep(Duration::from_millis(10));
            }
        }
        // The harness is done or the time is up; what the process does next does not count.
        let _ = child.kill();
        let exit = child.wait().ok();
        let stderr = stderr_reader.join().unwrap_or_default();
        let mut output = collector.output;
        output.push_str(&stderr);

        let (status, message) = match (end, collector.complete) {
            (_, Some((status, message))) => (status, message),
            (End::Killed, None) => {
                let limit = (test.timeout.duration() + KILL_MARGIN).as_secs();
                (
                    HarnessStatus::Timeout,
                    Some(format!("killed after {limit} s")),
                )
            }
            (_, None) => {
                let exit = exit.map_or("unknown exit".to_string(), |s| s.to_string());
                let tail = last_lines(&stderr, 3);
                (
                    HarnessStatus::Crash,
                    Some(format!(
                        "aworker exited ({exit}) before the harness completed: {tail}"
                    )),
                )
            }
        };
        // Names and messages carry URLs with this run's ports; report the canonical ones.
        let canonical = |text: &str| self.server.canonicalize(text);
        let subtests = collector
            .subtests
            .into_iter()
            .map(|s| Subtest {
                name: canonical(&s.name),
                message: s.message.as_deref().map(canonical),
                status: s.status,
            })
            .collect();
        Outcome {
            status,
            message: message.as_deref().map(canonical),
            subtests,
            duration: started.elapsed(),
            output,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum End {
    Completed,
    Exited,
    Killed,
}

/// Folds report lines and console output.
#[derive(Debug, Default)]
struct Collector {
    subtests: Vec<Subtest>,
    complete: Option<(HarnessStatus, Option<String>)>,
    output: String,
}

impl Collector {
    /// Takes one stdout line; true once the harness has completed.
    fn line(&mut self, line: &str) -> bool {
        let Some(json) = line.strip_prefix(MARKER) else {
            if self.output.len() < OUTPUT_LIMIT {
                self.output.push_str(line);
                self.output.push('\n');
            }
            return false;
        };
        match serde_json::from_str::<Event>(json) {
            Ok(Event::Result(subtest)) => self.record(subtest),
            Ok(Event::Complete {
                status,
                message,
                tests,
            }) => {
                // The completion lists every subtest: it also has those a harness timeout
                // ended, whether or not a result line was printed for them.
                for subtest in tests {
                    self.record(subtest);
                }
                self.complete = Some((status, message));
                return true;
            }
            Err(e) => {
                let _ = writeln!(
                    self.output,
                    "aworker-wpt: unreadable report line ({e}): {line}"
                );
            }
        }
        false
    }

    fn record(&mut self, subtest: Subtest) {
        match self.subtests.iter_mut().find(|s| s.name == subtest.name) {
            Some(existing) => *existing = subtest,
            None => self.subtests.push(subtest),
        }
    }
}

/// Names files `NN-name` in import order, so the folder reads like `main.js`.
struct LocalFiles<'a> {
    dir: &'a Path,
    count: usize,
}

impl<'a> LocalFiles<'a> {
    fn new(dir: &'a Path) -> Self {
        LocalFiles { dir, count: 0 }
    }

    /// Writes `body` and returns the name to import it by (`./03-name.js`).
    fn write(&mut self, name: &str, body: &[u8]) -> Result<String> {
        self.count += 1;
        let name = format!("{:02}-{name}", self.count);
        let path = self.dir.join(&name);
        fs::write(&path, body).with_context(|| format!("writing {}", path.display()))?;
        Ok(format!("./{name}"))
    }

    /// Writes a script fetched from `url`, named after that URL in stacks and error events
    /// (`//# sourceURL=`), as it would be had the worker loaded it from the server.
    fn write_script(&mut self, url: &str, body: &[u8]) -> Result<String> {
        let mut script = body.to_vec();
        script.extend_from_slice(format!("\n//# sourceURL={url}\n").as_bytes());
        self.write(file_name(url), &script)
    }
}

/// The last path segment of a URL or path, safe as a file name.
fn file_name(url_or_path: &str) -> &str {
    let path = url_or_path.split(['?', '#']).next().unwrap_or_default();
    match path.rsplit('/').next() {
        Some(name) if !name.is_empty() && name != ".." => name,
        _ => "script.js",
    }
}

/// URLs on the WPT server and the local files that stand for them.
#[derive(Debug, Default)]
struct ImportMap {
    entries: Vec<(String, Vec<String>)>,
}

impl ImportMap {
    fn add(&mut self, url: &str, files: Vec<String>) {
        self.entries.push((url.to_string(), files));
    }

    fn contains(&self, url: &str) -> bool {
        self.entries.iter().any(|(u, _)| u == url)
    }
}

/// `main.js`: the prelude, then for a `.any.js` test what WPT's `x.any.worker.js` wrapper
/// does (harness, `GLOBAL`, META scripts, test, `done()`), for a `.worker.js` the test alone.
fn main_js(
    test: &TestCase,
    prelude: &str,
    harness: &[String],
    imports: &ImportMap,
    sources: &[String],
) -> String {
    let mut js = format!(
        "// Generated by aworker-wpt for {} ({}).\n",
        test.id, test.file
    );
    let _ = writeln!(js, "importScripts({});", js_str(prelude));

    // importScripts() of a URL on the WPT server loads the local copy fetched beforehand.
    // Only the harness is imported by URL in most tests; the wrapper is installed when
    // another script is.
    if imports.entries.len() > 1 || test.kind == FileKind::Worker {
        js.push_str("{\n  const local = new Map([\n");
        for (url, files) in &imports.entries {
            let files: Vec<String> = files.iter().map(|f| js_str(f)).collect();
            let _ = writeln!(js, "    [{}, [{}]],", js_str(url), files.join(", "));
        }
        js.push_str(
            "  ]);\n  const importLocal = self.importScripts;\n  \
             self.importScripts = function importScripts(...urls) {\n    \
             const resolve = (url) => local.get(new URL(url, location.href).href) ?? [url];\n    \
             return importLocal(...urls.flatMap(resolve));\n  };\n}\n",
        );
    }

    let sources: Vec<String> = sources.iter().map(|s| js_str(s)).collect();
    match test.kind {
        FileKind::Any => {
            let harness: Vec<String> = harness.iter().map(|h| js_str(h)).collect();
            let _ = writeln!(js, "importScripts({});", harness.join(", "));
            if let Some(title) = &test.title {
                let _ = writeln!(js, "self.META_TITLE = {};", js_str(title));
            }
            js.push_str(
                "self.GLOBAL = {\n  isWindow() { return false; },\n  \
                 isWorker() { return true; },\n  isShadowRealm() { return false; },\n};\n",
            );
            js.push_str(&guarded_import(&sources.join(", ")));
            js.push_str("done();\n");
        }
        FileKind::Worker => js.push_str(&guarded_import(&sources.join(", "))),
    }
    js
}

/// Imports the test's scripts. An exception while they load is reported as a browser reports
/// a worker script's uncaught exception (an `error` event, which testharness.js turns into a
/// harness ERROR); then the harness is ended at once: nothing else will define or finish the
/// tests, and waiting for the timeout would only slow the run.
fn guarded_import(list: &str) -> String {
    format!(
        "{{\n  const endHarness = self.timeout;\n  try {{\n    importScripts({list});\n  }} \
         catch (e) {{\n    reportError(e);\n    endHarness();\n  }}\n}}\n"
    )
}

/// A JS string literal.
fn js_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The string literals passed to `importScripts(...)` in `source`: enough for the handful of
/// `.worker.js` tests, which import with literal URLs.
pub fn imported_scripts(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for call in source.split("importScripts(").skip(1) {
        let mut rest = &call[..call.find(')').unwrap_or(call.len())];
        while let Some(start) = rest.find(['"', '\'']) {
            let quote = &rest[start..=start];
            let tail = &rest[start + 1..];
            let Some(end) = tail.find(quote) else { break };
            out.push(tail[..end].to_string());
            rest = &tail[end + 1..];
        }
    }
    out
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::tests_of;

    #[test]
    fn report_lines_and_console_output_are_told_apart() {
        let mut c = Collector::default();
        assert!(!c.line("hello from the test"));
        assert!(!c.line(r#"@@wpt@@ {"type":"result","name":"a","status":"PASS","message":null}"#));
        assert!(!c.line(r#"@@wpt@@ {"type":"result","name":"b","status":"FAIL","message":"x"}"#));
        assert!(c.line(
            r#"@@wpt@@ {"type":"complete","status":"TIMEOUT","message":null,"tests":[
                {"name":"b","status":"FAIL","message":"x"},{"name":"c","status":"TIMEOUT"}]}"#
                .replace('\n', "")
                .as_str()
        ));
        let names: Vec<_> = c
            .subtests
            .iter()
            .map(|s| (s.name.as_str(), s.status))
            .collect();
        assert_eq!(
            names,
            [
                ("a", SubtestStatus::Pass),
                ("b", SubtestStatus::Fail),
                ("c", SubtestStatus::Timeout)
            ]
        );
        assert_eq!(c.complete, Some((HarnessStatus::Timeout, None)));
        assert_eq!(c.output, "hello from the test\n");
    }

    const HARNESS_URL: &str = "http://web-platform.test:1/resources/testharness.js";

    /// main.js for `test`, with the prelude, harness and report as 01-03 and `source` as 04.
    fn main_of(test: &TestCase, source: &str) -> String {
        let harness = [
            "./02-testharness.js".to_string(),
            "./03-report.js".to_string(),
        ];
        let mut imports = ImportMap::default();
        imports.add(HARNESS_URL, harness.to_vec());
        main_js(
            test,
            "./01-prelude.js",
            &harness,
            &imports,
            &[source.into()],
        )
    }

    #[test]
    fn any_main_imports_harness_then_meta_scripts_then_the_test() {
        let test = &tests_of("url/a.any.js", "// META: title=T\n")[0];
        let js = main_of(test, "./04-a.any.js");
        let at = |s: &str| js.find(s).unwrap_or_else(|| panic!("{s} in {js}"));
        assert!(at("./01-prelude.js") < at("./02-testharness.js"));
        assert!(at("./02-testharness.js") < at("./03-report.js"));
        assert!(at("self.META_TITLE = \"T\";") < at("./04-a.any.js"));
        assert!(at("self.GLOBAL") < at("./04-a.any.js"));
        assert!(
            !js.contains("const local"),
            "no import map for the harness alone"
        );
        assert!(js.trim_end().ends_with("done();"));
    }

    #[test]
    fn worker_main_maps_the_harness_url_and_leaves_done_to_the_test() {
        let test = &tests_of("dom/e.worker.js", "")[0];
        let js = main_of(test, "./04-e.worker.js");
        let mapping = format!("[\"{HARNESS_URL}\", [\"./02-testharness.js\", \"./03-report.js\"]]");
        assert!(js.contains(&mapping), "{js}");
        assert!(!js.contains("done();"));
        assert!(!js.contains("self.GLOBAL"));
    }

    #[test]
    fn literal_import_scripts_arguments_are_found() {
        let src = "importScripts(\"/resources/testharness.js\");\n\
                   importScripts('/resources/WebIDLParser.js', \"/resources/idlharness.js\");\n\
                   importScripts(dynamic);";
        assert_eq!(
            imported_scripts(src),
            [
                "/resources/testharness.js",
                "/resources/WebIDLParser.js",
                "/resources/idlharness.js"
            ]
        );
    }

    #[test]
    fn local_names_come_from_the_last_path_segment() {
        assert_eq!(file_name("http://h:1/common/utils.js?x=1"), "utils.js");
        assert_eq!(file_name("url/a.any.js"), "a.any.js");
        assert_eq!(file_name("http://h:1/"), "script.js");
    }
}
