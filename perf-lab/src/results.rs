//! What a run records: every sample, the outcome of every (scenario, runtime) pair, and the
//! facts needed to reproduce it. Saved as `results.json` (everything) and `samples.csv`
//! (one sample a line), from which the summary, the report and the plots are made.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::machine::Machine;
use crate::stats::Summary;

/// One measured value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub scenario: String,
    pub runtime: String,
    /// The app and load, e.g. `hello` or `body64k c=32`, or the memory phase.
    pub variant: String,
    pub metric: String,
    pub unit: String,
    /// 1-based run number within (scenario, runtime, variant).
    pub run: u32,
    pub value: f64,
}

/// A latency distribution of one load run: (percentile, ms) pairs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    pub scenario: String,
    pub runtime: String,
    pub variant: String,
    pub run: u32,
    pub percentiles: Vec<(f64, f64)>,
}

/// How a (scenario, runtime) pair ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Status {
    Measured,
    /// The runtime is not installed here; `reason` says how to get it.
    Missing {
        reason: String,
    },
    /// The runtime was there but the measurement failed.
    Failed {
        error: String,
    },
    /// The scenario is a slot for a feature that does not exist yet.
    NotAvailable {
        needs: String,
    },
    /// The scenario does not apply to this runtime (e.g. throughput of a start-up variant).
    NotApplicable {
        why: String,
    },
}

impl Status {
    pub fn describe(&self) -> String {
        match self {
            Status::Measured => "measured".into(),
            Status::Missing { reason } => format!("missing: {reason}"),
            Status::Failed { error } => format!("failed: {error}"),
            Status::NotAvailable { needs } => format!("not available yet: needs {needs}"),
            Status::NotApplicable { why } => format!("n/a: {why}"),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Outcome {
    pub scenario: String,
    pub runtime: String,
    #[serde(flatten)]
    pub status: Status,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RuntimeInfo {
    pub name: String,
    pub version: Option<String>,
    /// The executable, relative to the workspace root when inside it.
    pub program: Option<String>,
    pub missing: Option<String>,
}

/// An exact command a scenario ran, with its port, for reproducing a figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommandRecord {
    pub scenario: String,
    pub runtime: String,
    pub what: String,
    pub command: String,
}

/// The settings of a run, as recorded in its report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Settings {
    pub quick: bool,
    pub cold_start_warmups: u32,
    pub cold_start_runs: u32,
    pub load_warmup_s: u64,
    pub load_runs: u32,
    pub load_duration_s: u64,
    pub connections: u32,
    pub memory_runs: u32,
    pub memory_requests: u32,
    pub idle_settle_ms: u64,
    /// WarmFork: runs of the new-clone and scale measurements, clones in the scale one.
    #[serde(default)]
    pub clone_runs: u32,
    #[serde(default)]
    pub scale_clones: usize,
    /// Clone counts of `clone-memory`, and requests per clone.
    #[serde(default)]
    pub clone_counts: Vec<usize>,
    #[serde(default)]
    pub clone_requests: usize,
    /// `micro`: the time one suite may run in one runtime before it is killed.
    #[serde(default)]
    pub micro_suite_limit_s: u64,
    /// The core servers are pinned to, and the core wrk is pinned to, when pinning.
    pub server_cpu: Option<usize>,
    pub load_cpu: Option<usize>,
    pub reference: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Meta {
    pub date: String,
    pub started_utc: String,
    pub elapsed_s: f64,
    pub machine: Machine,
    pub settings: Settings,
    pub runtimes: Vec<RuntimeInfo>,
    /// Other tools and their versions (wrk, taskset).
    pub tools: BTreeMap<String, String>,
}

/// Everything a run produced.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunData {
    pub meta: Meta,
    /// Scenario names in the order they ran.
    pub scenarios: Vec<String>,
    pub outcomes: Vec<Outcome>,
    pub samples: Vec<Sample>,
    pub distributions: Vec<Distribution>,
    pub commands: Vec<CommandRecord>,
}

impl RunData {
    pub fn outcome(&self, scenario: &str, runtime: &str) -> Option<&Status> {
        self.outcomes
            .iter()
            .find(|o| o.scenario == scenario && o.runtime == runtime)
            .map(|o| &o.status)
    }

    /// The summary of every (runtime, variant, metric) series of a scenario.
    pub fn summarise(&self, scenario: &str) -> BTreeMap<SeriesKey, Summary> {
        let mut series: BTreeMap<SeriesKey, Vec<f64>> = BTreeMap::new();
        for s in self.samples.iter().filter(|s| s.scenario == scenario) {
            let key = SeriesKey {
                runtime: s.runtime.clone(),
                variant: s.variant.clone(),
                metric: s.metric.clone(),
            };
            series.entry(key).or_default().push(s.value);
        }
        series
            .into_iter()
            .filter_map(|(k, v)| Summary::of(&v).map(|s| (k, s)))
            .collect()
    }

    pub fn save(&self, dir: &Path) -> Result<()> {
        let json = serde_json::to_string_pretty(self)?;
        let path = dir.join("results.json");
        fs::write(&path, json + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;

        let path = dir.join("samples.csv");
        fs::write(&path, samples_csv(&self.samples))
            .with_context(|| format!("cannot write {}", path.display()))
    }

    pub fn load(dir: &Path) -> Result<RunData> {
        let path = dir.join("results.json");
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("bad JSON in {}", path.display()))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SeriesKey {
    pub runtime: String,
    pub variant: String,
    pub metric: String,
}

/// The samples as CSV with a header line; fields holding a comma or quote are quoted.
pub fn samples_csv(samples: &[Sample]) -> String {
    let mut out = String::from("scenario,runtime,variant,metric,unit,run,value\n");
    for s in samples {
        let fields = [&s.scenario, &s.runtime, &s.variant, &s.metric, &s.unit];
        for f in fields {
            out.push_str(&csv_field(f));
            out.push(',');
        }
        let _ = writeln!(out, "{},{}", s.run, s.value);
    }
    out
}

fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(runtime: &str, run: u32, value: f64) -> Sample {
        Sample {
            scenario: "cold-start".into(),
            runtime: runtime.into(),
            variant: "hello".into(),
            metric: "first_response_ms".into(),
            unit: "ms".into(),
            run,
            value,
        }
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        let mut s = sample("node", 1, 12.5);
        s.variant = "body64k, c=32".into();
        assert_eq!(
            samples_csv(&[s]),
            "scenario,runtime,variant,metric,unit,run,value\n\
             cold-start,node,\"body64k, c=32\",first_response_ms,ms,1,12.5\n"
        );
    }

    #[test]
    fn status_round_trips_through_json() {
        let o = Outcome {
            scenario: "warmfork-clone".into(),
            runtime: "aworker".into(),
            status: Status::NotAvailable {
                needs: "warmfork".into(),
            },
        };
        let json = serde_json::to_string(&o).unwrap();
        assert!(json.contains("\"status\":\"not-available\""), "{json}");
        let back: Outcome = serde_json::from_str(&json).unwrap();
        assert_eq!(back.status, o.status);
    }

    #[test]
    fn summarise_groups_series() {
        let data = RunData {
            meta: Meta {
                date: String::new(),
                started_utc: String::new(),
                elapsed_s: 0.0,
                machine: Machine::default(),
                settings: crate::scenarios::settings(false, 32, None, "node"),
                runtimes: vec![],
                tools: BTreeMap::new(),
            },
            scenarios: vec![],
            outcomes: vec![],
            samples: vec![
                sample("node", 1, 30.0),
                sample("node", 2, 10.0),
                sample("bun", 1, 5.0),
            ],
            distributions: vec![],
            commands: vec![],
        };
        let sums = data.summarise("cold-start");
        assert_eq!(sums.len(), 2);
        let node = sums.iter().find(|(k, _)| k.runtime == "node").unwrap().1;
        assert_eq!((node.n, node.median), (2, 20.0));
    }
}
