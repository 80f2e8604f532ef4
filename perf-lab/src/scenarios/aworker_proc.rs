//! aworker processes the snapshot and WarmFork scenarios start directly (not through a
//! runtime's `launch`): their flags differ per variant, and they read aworker's log.
//!
//! Log timestamps are wall-clock (tracing's RFC 3339, microseconds), so they compare with the
//! harness's own `SystemTime` readings on the same machine.

use std::fs;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};

use super::{Lab, Scenario};
use crate::http;
use crate::runtimes::Launch;
use crate::server::{free_port, loopback, Server};

/// A started aworker process and where it listens.
pub struct Proc {
    pub server: Server,
    pub port: u16,
    pub log: PathBuf,
}

/// Starts `aworker <args> --host 127.0.0.1 --port P` with `AWORKER_LOG=log_filter`.
pub fn start(
    lab: &mut Lab,
    scenario: Scenario,
    what: &str,
    args: &[&str],
    log_filter: &str,
    log_name: &str,
) -> Result<Proc> {
    let Some(program) = lab.runtimes.iter().find(|r| r.name == "aworker") else {
        bail!("aworker is not among the selected runtimes");
    };
    let Some(program) = program.program.clone() else {
        bail!("aworker is missing");
    };
    let port = free_port()?;
    let port_s = port.to_string();
    let launch = Launch {
        program,
        args: args
            .iter()
            .map(|a| a.to_string())
            .chain(["--host".into(), "127.0.0.1".into(), "--port".into(), port_s])
            .collect(),
        env: vec![("AWORKER_LOG".into(), log_filter.into())],
    };
    lab.command(
        scenario,
        "aworker",
        what,
        launch.display(&lab.root, port, None),
    );
    let log = lab.raw().join("logs").join(format!("{log_name}.log"));
    let server = Server::start(&launch, &lab.root, &log, None)?;
    Ok(Proc { server, port, log })
}

/// Exec to first complete 200 response, as cold-start measures it.
pub fn first_response(p: &mut Proc, t0: Instant) -> Result<Duration> {
    let server = &mut p.server;
    let r = http::first_response(loopback(p.port), "/", Duration::from_secs(30), &mut || {
        server.check_alive()
    })
    .with_context(|| format!("log {}", p.log.display()))?;
    let elapsed = t0.elapsed();
    if r.status != 200 || r.body.is_empty() {
        bail!("answered status {} with {} bytes", r.status, r.body.len());
    }
    Ok(elapsed)
}

/// Waits until the log holds `needle` `count` times; returns the log text.
pub fn wait_for_log(p: &mut Proc, needle: &str, count: usize, limit: Duration) -> Result<String> {
    let deadline = Instant::now() + limit;
    loop {
        let text = fs::read_to_string(&p.log).unwrap_or_default();
        if text.matches(needle).count() >= count {
            return Ok(text);
        }
        p.server.check_alive()?;
        if Instant::now() > deadline {
            bail!(
                "{count}× {needle:?} not in {} within {limit:?}",
                p.log.display()
            );
        }
        thread::sleep(Duration::from_micros(500));
    }
}

/// Seconds since the Unix epoch, now.
pub fn wall_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// One log line: its wall-clock time, message and `key=value` fields.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub at: f64,
    pub message: String,
    pub fields: Vec<(String, String)>,
}

impl LogLine {
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses `2026-12-04T09:17:25.288891Z DEBUG clone started clone=24355 slot=0`; `None` for
/// lines without a timestamp (e.g. `Listening on ...`).
pub fn parse_log_line(line: &str) -> Option<LogLine> {
    let mut words = line.split_whitespace();
    let at = parse_rfc3339(words.next()?)?;
    let _level = words.next()?;
    let (mut message, mut fields) = (Vec::new(), Vec::new());
    for w in words {
        match w.split_once('=') {
            Some((k, v)) => fields.push((k.to_string(), v.to_string())),
            None => message.push(w),
        }
    }
    Some(LogLine {
        at,
        message: message.join(" "),
        fields,
    })
}

pub fn parse_log(text: &str) -> Vec<LogLine> {
    text.lines().filter_map(parse_log_line).collect()
}

/// `YYYY-MM-DDTHH:MM:SS(.f)Z` as seconds since the Unix epoch.
pub fn parse_rfc3339(s: &str) -> Option<f64> {
    let s = s.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    let mut d = date.split('-').map(|x| x.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':');
    let (h, min): (i64, i64) = (t.next()?.parse().ok()?, t.next()?.parse().ok()?);
    let sec: f64 = t.next()?.parse().ok()?;
    // Days from civil (Howard Hinnant's algorithm, proleptic Gregorian).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + min * 60) as f64 + sec)
}

pub fn ms(seconds: f64) -> f64 {
    seconds * 1000.0
}

pub fn shown(path: &Path, root: &Path) -> String {
    crate::runtimes::shown_path(path, root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_timestamps() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:01.5Z"), Some(1.5));
        let t = parse_rfc3339("2026-12-04T09:17:25.288891Z").unwrap();
        // 2026-12-04 is day 20,791 since the epoch.
        assert!((t - (20_791.0 * 86_400.0 + 9.0 * 3600.0 + 17.0 * 60.0 + 25.288891)).abs() < 1e-6);
    }

    #[test]
    fn parses_log_lines() {
        let l =
            parse_log_line("2026-12-04T09:17:25.288891Z DEBUG clone started clone=24355 slot=0")
                .unwrap();
        assert_eq!(l.message, "clone started");
        assert_eq!(l.field("clone"), Some("24355"));
        assert_eq!(l.field("slot"), Some("0"));
        let r =
            parse_log_line("2026-12-04T09:17:25.298269Z  INFO GET / 200 2.6ms pid=24355").unwrap();
        assert_eq!(r.field("pid"), Some("24355"));
        assert!(parse_log_line("Listening on http://127.0.0.1:1/").is_none());
    }
}
