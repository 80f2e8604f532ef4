//! The load generator: wrk, driven as a process, and the parsing of its report.
//!
//! Every runtime gets the same wrk command (threads, connections, duration, timeout), so the
//! figures differ only by server. `perf-lab/wrk/report.lua` makes wrk print its totals and
//! exact latency percentiles as one JSON line; wrk's own text report is parsed as a
//! cross-check and as a fallback when that line is missing.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// The marker that starts the JSON line printed by `report.lua`.
const JSON_MARKER: &str = "PERFLAB_JSON ";

/// One wrk run, as perf-lab keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WrkResult {
    pub requests: u64,
    pub duration_s: f64,
    pub requests_per_s: f64,
    /// Failed connects, reads, writes, timeouts and non-2xx/3xx responses, added up.
    pub errors: u64,
    pub latency_p50_ms: f64,
    pub latency_p99_ms: f64,
    /// (percentile, latency in ms), ascending; empty when only the text report was parsed.
    pub percentiles: Vec<(f64, f64)>,
}

#[derive(Deserialize)]
struct JsonReport {
    duration_us: u64,
    requests: u64,
    errors: JsonErrors,
    latency_us: JsonLatency,
}

#[derive(Deserialize)]
struct JsonErrors {
    connect: u64,
    read: u64,
    write: u64,
    status: u64,
    timeout: u64,
}

#[derive(Deserialize)]
struct JsonLatency {
    percentiles: Vec<(f64, f64)>,
}

/// The settings shared by every runtime within one measurement.
#[derive(Clone, Copy, Debug)]
pub struct Load {
    pub connections: u32,
    pub duration: Duration,
}

/// The wrk command line for `url`; `cpu` pins wrk to one core with taskset.
pub fn command(wrk: &Path, script: &Path, load: Load, url: &str, cpu: Option<usize>) -> Command {
    let secs = load.duration.as_secs().max(1);
    let mut cmd = match cpu {
        Some(cpu) => {
            let mut c = Command::new("taskset");
            c.arg("-c").arg(cpu.to_string()).arg(wrk);
            c
        }
        None => Command::new(wrk),
    };
    cmd.args([
        "-t1",
        &format!("-c{}", load.connections),
        &format!("-d{secs}s"),
    ])
    .args(["--timeout", "5s", "--latency", "-s"])
    .arg(script)
    .arg(url);
    cmd
}

/// Parses wrk's output: the `report.lua` JSON line when present, otherwise wrk's text report.
pub fn parse_output(stdout: &str) -> Result<WrkResult> {
    match stdout.lines().find_map(|l| l.strip_prefix(JSON_MARKER)) {
        Some(json) => parse_json_line(json),
        None => parse_text(stdout).context("wrk printed no PERFLAB_JSON line (was -s given?)"),
    }
}

fn parse_json_line(json: &str) -> Result<WrkResult> {
    let r: JsonReport = serde_json::from_str(json).context("bad PERFLAB_JSON line from wrk")?;
    let e = &r.errors;
    let percentiles: Vec<(f64, f64)> = r
        .latency_us
        .percentiles
        .iter()
        .map(|&(p, us)| (p, us / 1000.0))
        .collect();
    let at = |p: f64| {
        percentiles
            .iter()
            .find(|(q, _)| (q - p).abs() < 1e-9)
            .map(|&(_, ms)| ms)
            .with_context(|| format!("wrk report has no p{p} latency"))
    };
    let duration_s = r.duration_us as f64 / 1e6;
    if duration_s <= 0.0 {
        bail!("wrk reported a run of zero length");
    }

    Ok(WrkResult {
        requests: r.requests,
        duration_s,
        requests_per_s: r.requests as f64 / duration_s,
        errors: e.connect + e.read + e.write + e.status + e.timeout,
        latency_p50_ms: at(50.0)?,
        latency_p99_ms: at(99.0)?,
        percentiles,
    })
}

/// Parses wrk's own text report (with `--latency`).
pub fn parse_text(stdout: &str) -> Result<WrkResult> {
    let mut requests = None;
    let mut duration_s = None;
    let mut rps = None;
    let mut errors = 0;
    let mut percentiles = Vec::new();

    for line in stdout.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("Requests/sec:") {
            rps = Some(
                rest.trim()
                    .parse::<f64>()
                    .context("bad Requests/sec in wrk output")?,
            );
        } else if let Some((count, rest)) = line.split_once(" requests in ") {
            // "114507 requests in 2.00s, 14.85MB read"
            requests = Some(count.trim().parse::<u64>().context("bad request count")?);
            let dur = rest.split(',').next().unwrap_or_default();
            duration_s = Some(parse_duration_ms(dur)? / 1000.0);
        } else if let Some(rest) = line.strip_prefix("Non-2xx or 3xx responses:") {
            errors += rest.trim().parse::<u64>().context("bad Non-2xx count")?;
        } else if let Some(rest) = line.strip_prefix("Socket errors:") {
            // "Socket errors: connect 0, read 2, write 0, timeout 5"
            for part in rest.split(',') {
                if let Some(n) = part.split_whitespace().nth(1) {
                    errors += n.parse::<u64>().context("bad socket error count")?;
                }
            }
        } else if let Some((pct, value)) = line.split_once('%') {
            // Latency distribution lines: "99%   20.63ms".
            if let (Ok(p), Ok(ms)) = (pct.parse::<f64>(), parse_duration_ms(value.trim())) {
                percentiles.push((p, ms));
            }
        }
    }

    let at = |p: f64| percentiles.iter().find(|(q, _)| *q == p).map(|&(_, ms)| ms);
    let (Some(requests), Some(duration_s), Some(requests_per_s)) = (requests, duration_s, rps)
    else {
        bail!("wrk output has no request totals");
    };
    Ok(WrkResult {
        requests,
        duration_s,
        requests_per_s,
        errors,
        latency_p50_ms: at(50.0).context("wrk output has no 50% latency (--latency missing?)")?,
        latency_p99_ms: at(99.0).context("wrk output has no 99% latency")?,
        percentiles: Vec::new(),
    })
}

/// Parses a wrk duration such as `430.00us`, `1.46ms`, `2.00s` or `1.50m` into milliseconds.
pub fn parse_duration_ms(text: &str) -> Result<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .with_context(|| format!("duration {text:?} has no unit"))?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .with_context(|| format!("bad duration {text:?}"))?;
    let scale = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        _ => bail!("duration {text:?} has an unknown unit {unit:?}"),
    };
    Ok(value * scale)
}

/// wrk's version line, e.g. `wrk debian/4.1.0-3+b2 [epoll]`, from `wrk -v` (which exits 1).
pub fn version(wrk: &Path) -> Option<String> {
    let out = Command::new(wrk).arg("-v").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().next()?;
    Some(
        line.split(" Copyright")
            .next()
            .unwrap_or(line)
            .trim()
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "\
Running 2s test @ http://127.0.0.1:18090/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.30ms    4.81ms  83.91ms   97.15%
    Req/Sec    57.65k    22.75k   74.76k    85.00%
  Latency Distribution
     50%  430.00us
     75%  651.00us
     90%    1.46ms
     99%   20.63ms
  114507 requests in 2.00s, 14.85MB read
  Socket errors: connect 0, read 2, write 0, timeout 5
  Non-2xx or 3xx responses: 3
Requests/sec:  57137.57
Transfer/sec:      7.41MB
";

    const JSON: &str = "PERFLAB_JSON {\"duration_us\":2004058,\"requests\":114507,\
\"bytes\":15572952,\"errors\":{\"connect\":0,\"read\":2,\"write\":0,\"status\":3,\
\"timeout\":5},\"latency_us\":{\"min\":49,\"max\":83906,\"mean\":1296.469,\
\"stdev\":4805.410,\"percentiles\":[[1,301],[50,430],[99,20626],[99.9,65986]]}}";

    #[test]
    fn parses_json_line() {
        let r = parse_output(&format!("{OUTPUT}{JSON}\n")).unwrap();
        assert_eq!(r.requests, 114507);
        assert!((r.requests_per_s - 114507.0 / 2.004058).abs() < 1e-6);
        assert_eq!(r.errors, 10);
        assert_eq!(r.latency_p50_ms, 0.43);
        assert_eq!(r.latency_p99_ms, 20.626);
        assert_eq!(r.percentiles.len(), 4);
        assert_eq!(r.percentiles[3], (99.9, 65.986));
    }

    #[test]
    fn falls_back_to_text_report() {
        let r = parse_output(OUTPUT).unwrap();
        assert_eq!(r.requests, 114507);
        assert_eq!(r.duration_s, 2.0);
        assert_eq!(r.requests_per_s, 57137.57);
        assert_eq!(r.errors, 10);
        assert_eq!(r.latency_p50_ms, 0.43);
        assert_eq!(r.latency_p99_ms, 20.63);
    }

    #[test]
    fn text_without_totals_is_an_error() {
        assert!(parse_output("Running 2s test @ http://127.0.0.1:1/\n").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("430.00us").unwrap(), 0.43);
        assert_eq!(parse_duration_ms("1.46ms").unwrap(), 1.46);
        assert_eq!(parse_duration_ms("2.00s").unwrap(), 2000.0);
        assert_eq!(parse_duration_ms("1.50m").unwrap(), 90_000.0);
        assert!(parse_duration_ms("12").is_err());
        assert!(parse_duration_ms("3.0 parsecs").is_err());
    }

    #[test]
    fn command_line_is_the_same_for_every_server() {
        let load = Load {
            connections: 32,
            duration: Duration::from_secs(10),
        };
        let cmd = command(
            Path::new("wrk"),
            Path::new("r.lua"),
            load,
            "http://x/",
            Some(1),
        );
        let args: Vec<_> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(cmd.get_program(), "taskset");
        assert_eq!(
            args,
            [
                "-c",
                "1",
                "wrk",
                "-t1",
                "-c32",
                "-d10s",
                "--timeout",
                "5s",
                "--latency",
                "-s"
            ]
            .into_iter()
            .chain(["r.lua", "http://x/"])
            .collect::<Vec<_>>()
        );
    }
}
