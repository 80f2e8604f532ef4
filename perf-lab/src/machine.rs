//! The machine a run was measured on (cores, memory, kernel) and the run's date, read from
//! /proc and the clock so that every report says where its figures come from.

use std::fs;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Machine {
    pub host: String,
    pub cpu_model: String,
    pub cores: usize,
    pub memory_gib: f64,
    pub kernel: String,
    pub os: String,
}

impl Machine {
    pub fn read() -> Machine {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let os_release = fs::read_to_string("/etc/os-release").unwrap_or_default();
        let first_line = |path: &str| {
            let text = fs::read_to_string(path).unwrap_or_default();
            text.lines().next().unwrap_or("unknown").trim().to_string()
        };

        Machine {
            host: first_line("/proc/sys/kernel/hostname"),
            cpu_model: field(&cpuinfo, "model name")
                .unwrap_or("unknown")
                .to_string(),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_gib: field(&meminfo, "MemTotal")
                .and_then(|v| v.trim_end_matches("kB").trim().parse::<f64>().ok())
                .map_or(0.0, |kib| kib / (1024.0 * 1024.0)),
            kernel: first_line("/proc/sys/kernel/osrelease"),
            os: field_eq(&os_release, "PRETTY_NAME")
                .unwrap_or("unknown")
                .to_string(),
        }
    }
}

/// The value of the first `name: value` line.
fn field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == name).then(|| v.trim())
    })
}

/// The value of the first `NAME="value"` line.
fn field_eq<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k == name).then(|| v.trim_matches('"'))
    })
}

/// The 1, 5 and 15-minute load averages, as /proc/loadavg gives them.
pub fn loadavg() -> String {
    let text = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// When `path` was last modified, as `YYYY-MM-DD HH:MM:SSZ`.
pub fn modified_utc(path: &std::path::Path) -> Option<String> {
    let secs = fs::metadata(path)
        .ok()?
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?;
    let (date, time) = format_utc(secs.as_secs());
    Some(format!("{date} {time}"))
}

/// Today's UTC date as `YYYY-MM-DD` and the time as `HH:MM:SSZ`.
pub fn now_utc() -> (String, String) {
    format_utc(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
}

/// Seconds since the epoch as a UTC date `YYYY-MM-DD` and time `HH:MM:SSZ`.
fn format_utc(secs: u64) -> (String, String) {
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let t = secs % 86_400;
    (
        format!("{y:04}-{m:02}-{d:02}"),
        format!("{:02}:{:02}:{:02}Z", t / 3600, t / 60 % 60, t % 60),
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
///
/// Counts in 400-year eras of 146,097 days, with years starting on 1 March so that the leap
/// day falls at the end of a year.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468; // days from 0000-03-01
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year from 1 March
    let mp = (5 * doy + 2) / 153; // month from March, 0..=11
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(59), (1970, 3, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_818), (2026, 12, 31));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn utc_formatting() {
        assert_eq!(format_utc(0), ("1970-01-01".into(), "00:00:00Z".into()));
        assert_eq!(
            format_utc(1_796_342_400 + 3_723),
            ("2026-12-04".into(), "01:02:03Z".into())
        );
    }

    #[test]
    fn proc_style_fields() {
        let info = "processor\t: 0\nmodel name\t: Some CPU @ 2.0GHz\n";
        assert_eq!(field(info, "model name"), Some("Some CPU @ 2.0GHz"));
        assert_eq!(
            field_eq("ID=debian\nPRETTY_NAME=\"Debian 12\"\n", "PRETTY_NAME"),
            Some("Debian 12")
        );
    }

    #[test]
    fn reads_this_machine() {
        let m = Machine::read();
        assert!(
            m.cores >= 1 && m.memory_gib > 0.0 && !m.kernel.is_empty(),
            "{m:?}"
        );
    }
}
