//! perf-lab: side-by-side measurements of aworker and peer runtimes (node, deno, bun, workerd)
//! for start-up, throughput, latency and memory, saved as raw samples plus a report.
//!
//! It drives executables only, never links the runtime, and sends load only to 127.0.0.1 with
//! every load run bounded in time. Figures are compared as ratios measured in one run.

pub mod http;
pub mod machine;
pub mod report;
pub mod results;
pub mod runtimes;
pub mod scenarios;
pub mod server;
pub mod smaps;
pub mod stats;
pub mod ui;
pub mod wrk;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};

use machine::Machine;
use results::{Meta, RunData, RuntimeInfo, Status};
use runtimes::{find_on_path, shown_path, Locations, Runtime};
use scenarios::{Lab, Scenario};
use ui::Ui;

/// The workspace root: perf-lab's apps, peers and default paths are found from it.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// A validated `run` request.
#[derive(Clone, Debug)]
pub struct RunConfig {
    pub scenarios: Vec<Scenario>,
    pub quick: bool,
    pub aworker: PathBuf,
    pub peers: PathBuf,
    /// The run directory; `None` picks `perf-lab/runs/<date>-<host>` (full) or
    /// `target/perf-lab/<date>-<host>-quick`.
    pub out: Option<PathBuf>,
    pub connections: u32,
    pub pin: Pinning,
    pub reference: String,
    /// Only these runtimes, when given.
    pub only: Option<Vec<String>>,
}

/// Whether servers and the load generator are pinned to separate cores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pinning {
    Pinned,
    Unpinned,
}

/// What a finished run tells its caller.
pub struct RunOutcome {
    pub dir: PathBuf,
    /// Scenarios that measure today but produced no numbers for aworker.
    pub aworker_without_numbers: Vec<(String, String)>,
    pub data: RunData,
}

/// Finds the runtimes as `config` would.
pub fn discover(root: &Path, aworker: &Path, peers: &Path) -> Vec<Runtime> {
    Runtime::discover(&Locations {
        root,
        aworker,
        peers,
    })
}

/// Runs the selected scenarios and writes results and report.
pub fn run(config: &RunConfig) -> Result<RunOutcome> {
    let started = Instant::now();
    let root = workspace_root();
    let machine = Machine::read();
    let (date, time) = machine::now_utc();

    let mut runtimes = discover(&root, &config.aworker, &config.peers);
    if let Some(only) = &config.only {
        runtimes.retain(|r| only.iter().any(|o| o == r.name));
    }
    if let Some(aworker) = runtimes
        .iter_mut()
        .find(|r| r.name == "aworker" && r.is_available() && config.aworker.starts_with(&root))
    {
        // A binary built in this workspace: its commit says more than a crate version. One
        // given from elsewhere (`--aworker`) keeps its version alone.
        let version = aworker
            .version
            .take()
            .unwrap_or_else(|| "version unknown".into());
        aworker.version = Some(match git_commit(&root) {
            Some(commit) => format!("{version} (git {commit})"),
            None => version,
        });
    }

    let dir = match &config.out {
        Some(dir) => dir.clone(),
        None if config.quick => root.join(format!("target/perf-lab/{date}-{}-quick", machine.host)),
        None => unused_dir(&root.join(format!("perf-lab/runs/{date}-{}", machine.host))),
    };
    fs::create_dir_all(dir.join("raw"))
        .with_context(|| format!("cannot create the run directory {}", dir.display()))?;

    let taskset = find_on_path("taskset");
    let pin = (config.pin == Pinning::Pinned && machine.cores >= 2 && taskset.is_some())
        .then_some((0, 1));
    let settings = scenarios::settings(config.quick, config.connections, pin, &config.reference);
    let wrk = find_on_path("wrk");

    let mut tools = BTreeMap::new();
    // Another busy process skews every figure; the load average before and after shows it.
    tools.insert("load average at start".to_string(), machine::loadavg());
    tools.insert(
        "wrk".to_string(),
        wrk.as_deref()
            .and_then(wrk::version)
            .unwrap_or_else(|| "missing".into()),
    );
    if let Some(taskset) = &taskset {
        tools.insert("taskset".into(), first_line_of(taskset, "--version"));
    }
    tools.insert("perf-lab".into(), env!("CARGO_PKG_VERSION").into());

    let runtime_info = runtimes
        .iter()
        .map(|r| RuntimeInfo {
            name: r.name.into(),
            version: r.version.clone(),
            program: r.program.as_deref().map(|p| shown_path(p, &root)),
            missing: r.missing.clone(),
        })
        .collect();

    let ui = Ui::new();
    ui.line(&format!("perf-lab: writing to {}", dir.display()));
    for r in &runtimes {
        let status = match (&r.version, &r.missing) {
            (_, Some(why)) => format!("missing: {why}"),
            (Some(v), None) => v.clone(),
            (None, None) => "version unknown".into(),
        };
        ui.line(&format!("  {:<14} {status}", r.name));
    }

    let mut lab = Lab {
        snapshot_blob: dir.join("raw/node-hello.blob"),
        root: root.clone(),
        out: dir.clone(),
        settings: settings.clone(),
        runtimes,
        wrk,
        wrk_script: root.join("perf-lab/wrk/report.lua"),
        ui,
        outcomes: Vec::new(),
        samples: Vec::new(),
        distributions: Vec::new(),
        commands: Vec::new(),
    };
    for &scenario in &config.scenarios {
        lab.run(scenario);
    }

    let data = RunData {
        meta: Meta {
            date,
            started_utc: time,
            elapsed_s: started.elapsed().as_secs_f64(),
            machine,
            settings,
            runtimes: runtime_info,
            tools,
        },
        scenarios: config
            .scenarios
            .iter()
            .map(|s| s.name().to_string())
            .collect(),
        outcomes: lab.outcomes,
        samples: lab.samples,
        distributions: lab.distributions,
        commands: lab.commands,
    };
    let mut data = data;
    data.meta
        .tools
        .insert("load average at end".into(), machine::loadavg());
    data.save(&dir)?;
    report::write(&data, &dir)?;

    let aworker_selected = config
        .only
        .as_ref()
        .is_none_or(|o| o.iter().any(|n| n == "aworker"));
    let aworker_without_numbers = if aworker_selected {
        aworker_gaps(&data)
    } else {
        Vec::new()
    };
    Ok(RunOutcome {
        dir,
        aworker_without_numbers,
        data,
    })
}

/// The scenarios that measure today in which aworker has no sample, with its status.
pub fn aworker_gaps(data: &RunData) -> Vec<(String, String)> {
    data.scenarios
        .iter()
        .filter(|name| Scenario::from_name(name).is_some_and(|s| s.needs().is_none()))
        .filter(|name| {
            !data
                .samples
                .iter()
                .any(|s| &s.scenario == *name && s.runtime == "aworker")
        })
        .map(|name| {
            let status = data
                .outcome(name, "aworker")
                .map_or("not run".into(), Status::describe);
            (name.clone(), status)
        })
        .collect()
}

/// `base` if free, else `base-2`, `base-3`, ...
fn unused_dir(base: &Path) -> PathBuf {
    if !base.exists() {
        return base.to_path_buf();
    }
    (2..)
        .map(|n| PathBuf::from(format!("{}-{n}", base.display())))
        .find(|p| !p.exists())
        .unwrap_or_else(|| base.to_path_buf())
}

/// The workspace's commit, short, with `-dirty` when the work tree has changes.
fn git_commit(root: &Path) -> Option<String> {
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse", "--short", "HEAD"])?;
    let dirty = !git(&["status", "--porcelain", "--untracked-files=no"])?.is_empty();
    Some(if dirty {
        format!("{commit}-dirty")
    } else {
        commit
    })
}

fn first_line_of(program: &Path, arg: &str) -> String {
    Command::new(program)
        .arg(arg)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .map(str::to_string)
        })
        .unwrap_or_else(|| "unknown".into())
}
