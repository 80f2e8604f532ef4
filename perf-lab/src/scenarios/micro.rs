//! Micro-benchmarks: every suite in `perf-lab/micro/` behind `harness.js`, run as one plain
//! script in each runtime that can run one, and the harness's lines parsed into samples.
//!
//! The harness prints a `plan` line naming every case, then a `bench` line (median and every
//! round, ns per operation) or a `fail` line per case. Each round becomes one sample, so the
//! report's median is the harness's. A suite that crashes, hangs past its limit or leaves a
//! planned case unreported fails the runtime's outcome with the reason; the cases it did report
//! are kept.

use std::fs::{self, File};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::{Lab, Scenario};
use crate::runtimes::{shell_word, shown_path, Launch};
use crate::server::signal;

const SC: Scenario = Scenario::Micro;
/// The metric and unit of every sample.
pub const METRIC: &str = "ns_per_op";
const UNIT: &str = "ns";
/// What `--quick` puts in front of the script; the harness then runs fewer, shorter rounds.
const QUICK_LINE: &str = "const BENCH_QUICK = true;\n";

/// One suite, ready to run: `harness.js` and the suite in one file under `raw/micro/`.
struct Suite {
    /// The file stem, e.g. `events`.
    name: String,
    script: PathBuf,
}

pub(super) fn run(lab: &mut Lab) {
    let suites = prepare(lab);
    let steps = suites.as_ref().map_or(1, |s| s.len() as u64);
    lab.each_runtime(
        SC,
        steps,
        |rt| rt.script_support(),
        |lab, i, bar| {
            match &suites {
                Ok(suites) => measure(lab, i, suites, bar),
                // The same setup error for every runtime: none can run what was not built.
                Err(e) => bail!("{e:#}"),
            }
        },
    );
}

/// Finds the suites and writes each one's script; records how the scripts are made.
fn prepare(lab: &mut Lab) -> Result<Vec<Suite>> {
    let dir = lab.root.join("perf-lab/micro");
    let harness_path = dir.join("harness.js");
    let harness = fs::read_to_string(&harness_path)
        .with_context(|| format!("cannot read {}", harness_path.display()))?;

    let mut names: Vec<String> = fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".js")?;
            (stem != "harness").then(|| stem.to_string())
        })
        .collect();
    names.sort();
    if names.is_empty() {
        bail!("no suites (*.js besides harness.js) in {}", dir.display());
    }

    let out = lab.raw().join("micro");
    fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let prefix = if lab.settings.quick { QUICK_LINE } else { "" };
    let mut suites = Vec::new();
    for name in names {
        let path = dir.join(format!("{name}.js"));
        let body =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let script = out.join(format!("{name}.js"));
        fs::write(&script, format!("{prefix}{harness}\n{body}"))
            .with_context(|| format!("cannot write {}", script.display()))?;

        let dest = shell_word(&shown_path(&script, &lab.root));
        let cat = format!(
            "cat {} {}",
            shown_path(&harness_path, &lab.root),
            shown_path(&path, &lab.root)
        );
        let make = if prefix.is_empty() {
            format!("{cat} > {dest}")
        } else {
            format!(
                "{{ echo {}; {cat}; }} > {dest}",
                shell_word(prefix.trim_end())
            )
        };
        lab.command(SC, "every runtime", &format!("make {name}.js"), make);
        suites.push(Suite { name, script });
    }
    Ok(suites)
}

fn measure(
    lab: &mut Lab,
    i: usize,
    suites: &[Suite],
    bar: &indicatif::ProgressBar,
) -> Result<String> {
    let rt = lab.runtimes[i].clone();
    let limit = Duration::from_secs(lab.settings.micro_suite_limit_s);
    let mut problems = Vec::new();
    let mut cases = 0;

    for suite in suites {
        let launch = rt.run_script(&suite.script)?;
        let shown = launch.display(&lab.root, 0, None);
        lab.command(SC, rt.name, &format!("run {}.js", suite.name), shown);
        let logs = lab.raw().join("logs");
        let stdout = logs.join(format!("micro-{}-{}.out", rt.name, suite.name));
        let stderr = logs.join(format!("micro-{}-{}.err", rt.name, suite.name));

        let mut found = Vec::new();
        match run_script(&launch, &lab.root, &stdout, &stderr, limit) {
            Err(e) => found.push(format!("{e:#}")),
            Ok(ran) => {
                let output = parse(&ran.stdout);
                for case in &output.cases {
                    let variant = format!("{}: {}", suite.name, case.name);
                    for (round, &ns) in case.rounds_ns.iter().enumerate() {
                        let run = u32::try_from(round + 1).unwrap_or(u32::MAX);
                        lab.sample(SC, rt.name, &variant, METRIC, UNIT, run, ns);
                    }
                }
                cases += output.cases.len();
                // The harness throws at the end after a failed case: that exit status says
                // nothing more than the `fail` lines, unless the script also stopped early.
                let explained = !output.failed.is_empty() && output.complete();
                found.extend(output.problems());
                match ran.end {
                    End::TimedOut => found.push(format!("killed after its limit of {limit:?}")),
                    End::Exited(status) if !status.success() && !explained => {
                        found.push(format!("exited with {status}: {}", error_line(&ran.stderr)))
                    }
                    End::Exited(_) => {}
                }
            }
        }
        problems.extend(found.into_iter().map(|p| format!("{}.js: {p}", suite.name)));
        bar.inc(1);
    }

    if !problems.is_empty() {
        bail!("{cases} cases measured; {}", problems.join("; "));
    }
    Ok(format!("{cases} cases in {} suites", suites.len()))
}

/// How a script run ended.
#[derive(Debug)]
enum End {
    Exited(ExitStatus),
    TimedOut,
}

struct Ran {
    end: End,
    stdout: String,
    stderr: String,
}

/// Runs `launch` from `root` in its own process group, stdout and stderr into their own files,
/// killing the group after `limit`. The output is returned however the process ended.
fn run_script(
    launch: &Launch,
    root: &Path,
    stdout: &Path,
    stderr: &Path,
    limit: Duration,
) -> Result<Ran> {
    if let Some(dir) = stdout.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let create =
        |p: &Path| File::create(p).with_context(|| format!("cannot create {}", p.display()));
    let mut child = Command::new(&launch.program)
        .args(&launch.args)
        .envs(launch.env.iter().map(|(k, v)| (k, v)))
        .env("NO_COLOR", "1")
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(create(stdout)?)
        .stderr(create(stderr)?)
        .process_group(0)
        .spawn()
        .with_context(|| format!("cannot start {}", launch.program.display()))?;

    let group = -(child.id() as i32);
    let deadline = Instant::now() + limit;
    let end = loop {
        if let Some(status) = child.try_wait()? {
            break End::Exited(status);
        }
        if Instant::now() > deadline {
            signal(group, libc::SIGKILL);
            let _ = child.wait();
            break End::TimedOut;
        }
        thread::sleep(Duration::from_millis(20));
    };
    // Nothing the script left behind outlives it.
    signal(group, libc::SIGKILL);

    let read =
        |p: &Path| fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()));
    Ok(Ran {
        end,
        stdout: read(stdout)?,
        stderr: read(stderr)?,
    })
}

/// What a failed script's stderr says: its last line naming an error (the runtimes differ in
/// what they print after it), else its last three lines, on one line.
fn error_line(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if let Some(line) = lines
        .iter()
        .rev()
        .find(|l| l.contains("Error") && !l.starts_with("at "))
    {
        return line.to_string();
    }
    let tail = lines[lines.len().saturating_sub(3)..].join(" | ");
    if tail.is_empty() {
        "(nothing on stderr)".into()
    } else {
        tail
    }
}

/// One case as the harness reported it.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseResult {
    pub name: String,
    pub median_ns: f64,
    pub rounds_ns: Vec<f64>,
}

/// What one suite run printed, parsed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SuiteOutput {
    /// The cases the harness was about to run; `None` when it never got that far.
    pub plan: Option<Vec<String>>,
    pub cases: Vec<CaseResult>,
    /// (case, message) of every case that threw or rejected.
    pub failed: Vec<(String, String)>,
    /// Harness lines that do not parse, each with its line number and why.
    pub malformed: Vec<String>,
}

/// Parses a suite's stdout. Lines that are not harness lines (`plan`, `bench`, `fail` and a
/// tab) are a suite's own output and ignored.
pub fn parse(stdout: &str) -> SuiteOutput {
    let mut out = SuiteOutput::default();
    for (n, line) in stdout.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let fields: Vec<&str> = line.split('\t').collect();
        let bad = |why: &str| format!("line {}: {why}: {line:?}", n + 1);
        match fields[..] {
            ["plan", ref names @ ..] => {
                if out.plan.is_some() {
                    out.malformed.push(bad("a second plan"));
                } else {
                    out.plan = Some(names.iter().map(|s| s.to_string()).collect());
                }
            }
            ["bench", name, median, rounds] => match parse_case(name, median, rounds) {
                Ok(case) if out.cases.iter().any(|c| c.name == case.name) => {
                    out.malformed.push(bad("the case is reported twice"));
                }
                Ok(case) => out.cases.push(case),
                Err(why) => out.malformed.push(bad(&why)),
            },
            ["bench", ..] => out.malformed.push(bad("expected 4 tab-separated fields")),
            ["fail", name, ref message @ ..] if !name.is_empty() => {
                out.failed.push((name.to_string(), message.join(" ")));
            }
            ["fail", ..] => out.malformed.push(bad("a failure without a case name")),
            _ => {}
        }
    }
    out
}

fn parse_case(name: &str, median: &str, rounds: &str) -> Result<CaseResult, String> {
    if name.is_empty() {
        return Err("an empty case name".into());
    }
    let number = |s: &str| {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| format!("{s:?} is not a number of nanoseconds"))
    };
    let median_ns = number(median)?;
    let rounds_ns = rounds
        .split(',')
        .map(number)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CaseResult {
        name: name.to_string(),
        median_ns,
        rounds_ns,
    })
}

impl SuiteOutput {
    /// Planned cases that printed neither a result nor a failure: the script stopped early.
    pub fn missing(&self) -> Vec<&str> {
        let reported = |name: &str| {
            self.cases.iter().any(|c| c.name == name) || self.failed.iter().any(|f| f.0 == name)
        };
        self.plan
            .iter()
            .flatten()
            .map(String::as_str)
            .filter(|name| !reported(name))
            .collect()
    }

    /// Whether the harness got to the end: a plan, and every planned case reported.
    pub fn complete(&self) -> bool {
        self.plan.is_some() && self.missing().is_empty()
    }

    /// Everything wrong with this output, one message each; empty when every planned case
    /// reported a result.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.plan.is_none() {
            problems.push("no plan line: the harness never started its cases".into());
        }
        problems.extend(self.malformed.iter().cloned());
        for (name, message) in &self.failed {
            let message: String = message.chars().take(300).collect();
            problems.push(format!("case {name:?} failed: {message}"));
        }
        let missing = self.missing();
        if !missing.is_empty() {
            problems.push(format!("no result for {}", quoted(&missing)));
        }
        if let Some(plan) = &self.plan {
            let unplanned: Vec<&str> = self
                .cases
                .iter()
                .map(|c| c.name.as_str())
                .filter(|name| !plan.iter().any(|p| p == name))
                .collect();
            if !unplanned.is_empty() {
                problems.push(format!("results for unplanned {}", quoted(&unplanned)));
            }
        }
        problems
    }
}

fn quoted(names: &[&str]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    format!("case(s) {}", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "plan\ta\tb, with comma\n\
                        something the suite printed\n\
                        bench\ta\t12.5\t12.0,12.5,13.1\n\
                        bench\tb, with comma\t0.0\t0.0,0.1,0.0\n";

    #[test]
    fn parses_a_complete_run() {
        let out = parse(GOOD);
        assert_eq!(out.plan.as_deref().map(<[String]>::len), Some(2));
        assert_eq!(
            out.cases[0],
            CaseResult {
                name: "a".into(),
                median_ns: 12.5,
                rounds_ns: vec![12.0, 12.5, 13.1],
            }
        );
        assert_eq!(out.cases[1].name, "b, with comma");
        assert!(out.problems().is_empty(), "{:?}", out.problems());
    }

    #[test]
    fn crlf_and_other_output_are_fine() {
        let out = parse("hello\r\nplan\tx\r\nbenchmark\tnot ours\nbench\tx\t1\t1\r\n");
        assert_eq!(out.cases.len(), 1);
        assert!(out.problems().is_empty(), "{:?}", out.problems());
    }

    #[test]
    fn malformed_lines_are_problems_not_samples() {
        let text = "plan\ta\tb\tc\td\te\tf\n\
                    bench\ta\t12.5\n\
                    bench\tb\tfast\t1,2\n\
                    bench\tc\t1\t1,,2\n\
                    bench\td\tNaN\t1\n\
                    bench\te\t-3\t1\n\
                    bench\t\t1\t1\n\
                    bench\tf\t1\t1\textra\n";
        let out = parse(text);
        assert!(out.cases.is_empty(), "{:?}", out.cases);
        assert_eq!(out.malformed.len(), 7, "{:?}", out.malformed);
        assert!(
            out.malformed[0].starts_with("line 2: expected 4"),
            "{:?}",
            out.malformed
        );
        assert!(out.malformed[1].contains("\"fast\" is not a number"));
        // Every planned case is then also missing.
        let problems = out.problems();
        assert!(problems
            .last()
            .unwrap()
            .starts_with("no result for case(s) \"a\""));
    }

    #[test]
    fn missing_cases_are_named() {
        // The script crashed after its first case.
        let out = parse("plan\ta\tb\tc\nbench\ta\t1\t1,1,1\n");
        assert_eq!(out.missing(), ["b", "c"]);
        assert!(!out.complete());
        assert_eq!(out.problems(), ["no result for case(s) \"b\", \"c\""]);
    }

    #[test]
    fn no_plan_means_nothing_ran() {
        let out = parse("SyntaxError: Unexpected token\n");
        assert_eq!(out, SuiteOutput::default());
        assert_eq!(out.problems().len(), 1);
        assert!(out.problems()[0].starts_with("no plan line"));
    }

    #[test]
    fn failed_cases_are_reported_and_not_missing() {
        let out = parse("plan\ta\tb\nfail\ta\tTypeError: nope\tat x\nbench\tb\t2\t2\n");
        assert_eq!(out.failed, [("a".into(), "TypeError: nope at x".into())]);
        assert!(out.missing().is_empty() && out.complete());
        assert_eq!(out.problems(), ["case \"a\" failed: TypeError: nope at x"]);
    }

    #[test]
    fn duplicates_and_unplanned_cases_are_problems() {
        let out = parse("plan\ta\nplan\ta\nbench\ta\t1\t1\nbench\ta\t2\t2\nbench\tz\t1\t1\n");
        assert_eq!(out.cases.len(), 2);
        let problems = out.problems();
        assert!(problems[0].contains("a second plan"), "{problems:?}");
        assert!(problems[1].contains("reported twice"), "{problems:?}");
        assert_eq!(problems[2], "results for unplanned case(s) \"z\"");
    }

    #[test]
    fn the_harness_prints_what_the_parser_reads() {
        // The contract, checked against the harness's own source: its line formats.
        let harness = include_str!("../../micro/harness.js");
        assert!(harness.contains(r#"["plan", ...benchCases.map((c) => c.name)].join("\t")"#));
        assert!(harness.contains(r"`bench\t${name}\t${median.toFixed(1)}\t${all}`"));
        assert!(harness.contains(r#"`fail\t${name}\t${String(error).replace(/\s+/g, " ")}`"#));
        assert!(harness.contains("typeof BENCH_QUICK"));
        assert_eq!(QUICK_LINE, "const BENCH_QUICK = true;\n");
    }

    #[test]
    fn error_line_finds_the_error() {
        let node = "/x/a.js:2\nnoSuchFunction();\n^\n\nReferenceError: noSuchFunction is not \
                    defined\n    at Object.<anonymous> (/x/a.js:2:1)\n\nNode.js v20.20.2\n";
        assert_eq!(
            error_line(node),
            "ReferenceError: noSuchFunction is not defined"
        );
        assert_eq!(error_line("a\n\nb\nc\nd\n"), "b | c | d");
        assert_eq!(error_line(""), "(nothing on stderr)");
    }
}
