//! The `perf-lab` command: parses flags into a run configuration and calls the library.
//!
//! Exit codes: 0 success; 1 a scenario produced no numbers for aworker; 2 usage or setup error.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::{Parser, Subcommand};

use perf_lab::results::RunData;
use perf_lab::scenarios::Scenario;
use perf_lab::{report, workspace_root, Pinning, RunConfig};

#[derive(Parser)]
#[command(
    name = "perf-lab",
    version,
    about = "Measure aworker side by side with peer runtimes"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run scenarios and write samples, summary, report and plots.
    Run(RunArgs),
    /// List the scenarios and the runtimes found on this machine.
    List(FindArgs),
    /// Rewrite summary.md, report.md, report.html and plots from a run's results.json.
    Report {
        /// The run directory (holding results.json).
        dir: PathBuf,
    },
}

#[derive(clap::Args)]
struct FindArgs {
    /// The aworker executable [default: <workspace>/target/release/aworker].
    #[arg(long, value_name = "PATH")]
    aworker: Option<PathBuf>,

    /// Where ci/install-peers put deno, bun and workerd [default: <workspace>/perf-lab/.peers].
    #[arg(long, value_name = "DIR")]
    peers: Option<PathBuf>,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Run only this scenario (repeatable); see `perf-lab list` [default: all].
    #[arg(long = "scenario", value_name = "NAME")]
    scenarios: Vec<String>,

    /// Few, short samples: a smoke test of about two minutes, not for comparisons.
    #[arg(long)]
    quick: bool,

    #[command(flatten)]
    find: FindArgs,

    /// Only these runtimes, comma-separated (e.g. aworker,node) [default: all].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    runtimes: Option<Vec<String>>,

    /// The run directory [default: perf-lab/runs/<date>-<host>, or
    /// target/perf-lab/<date>-<host>-quick with --quick].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    /// Open connections of every wrk load, the same for every runtime.
    #[arg(long, value_name = "N", default_value_t = 32)]
    connections: u32,

    /// Do not pin servers to CPU 0 and wrk to CPU 1.
    #[arg(long)]
    no_pin: bool,

    /// The runtime every ratio in the tables is relative to.
    #[arg(long, value_name = "NAME", default_value = "node")]
    reference: String,
}

const RUNTIME_NAMES: [&str; 6] = ["aworker", "node", "node-snapshot", "deno", "bun", "workerd"];

impl RunArgs {
    fn validate(self) -> Result<RunConfig> {
        let mut scenarios = Vec::new();
        for name in &self.scenarios {
            let Some(s) = Scenario::from_name(name) else {
                let known: Vec<_> = Scenario::ALL.iter().map(|s| s.name()).collect();
                bail!("unknown scenario {name:?} (known: {})", known.join(", "));
            };
            if !scenarios.contains(&s) {
                scenarios.push(s);
            }
        }
        if scenarios.is_empty() {
            scenarios = Scenario::ALL.to_vec();
        }
        for name in self.runtimes.iter().flatten().chain([&self.reference]) {
            if !RUNTIME_NAMES.contains(&name.as_str()) {
                bail!(
                    "unknown runtime {name:?} (known: {})",
                    RUNTIME_NAMES.join(", ")
                );
            }
        }
        if !(1..=1000).contains(&self.connections) {
            bail!(
                "--connections {} is out of range (1 to 1000)",
                self.connections
            );
        }

        let (aworker, peers) = self.find.paths();
        Ok(RunConfig {
            scenarios,
            quick: self.quick,
            aworker,
            peers,
            out: self.out,
            connections: self.connections,
            pin: if self.no_pin {
                Pinning::Unpinned
            } else {
                Pinning::Pinned
            },
            reference: self.reference,
            only: self.runtimes,
        })
    }
}

impl FindArgs {
    fn paths(&self) -> (PathBuf, PathBuf) {
        let root = workspace_root();
        let aworker = self
            .aworker
            .clone()
            .unwrap_or_else(|| root.join("target/release/aworker"));
        let peers = self
            .peers
            .clone()
            .unwrap_or_else(|| root.join("perf-lab/.peers"));
        (aworker, peers)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::Run(args) => match args.validate() {
            Ok(config) => run(&config),
            Err(e) => Err(e),
        },
        Cmd::List(find) => list(&find),
        Cmd::Report { dir } => RunData::load(&dir)
            .and_then(|data| report::write(&data, &dir))
            .map(|()| {
                println!("perf-lab: wrote {}", dir.join("report.md").display());
                ExitCode::SUCCESS
            }),
    };
    result.unwrap_or_else(|e| {
        eprintln!("perf-lab: {e:#}");
        ExitCode::from(2)
    })
}

fn run(config: &RunConfig) -> Result<ExitCode> {
    let outcome = perf_lab::run(config)?;
    let dir = outcome.dir.display();
    println!("perf-lab: took {:.0} s", outcome.data.meta.elapsed_s);
    println!("perf-lab: summary {dir}/summary.md");
    println!("perf-lab: report  {dir}/report.md");

    if outcome.aworker_without_numbers.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for (scenario, status) in &outcome.aworker_without_numbers {
        eprintln!("perf-lab: no numbers for aworker in {scenario}: {status}");
    }
    Ok(ExitCode::from(1))
}

fn list(find: &FindArgs) -> Result<ExitCode> {
    let (aworker, peers) = find.paths();
    println!("scenarios:");
    for s in Scenario::ALL {
        match s.needs() {
            Some(needs) => println!("  {:<16} not available yet: needs {needs}", s.name()),
            None => println!("  {:<16} {}", s.name(), s.description()),
        }
    }
    println!("runtimes:");
    for r in perf_lab::discover(&workspace_root(), &aworker, &peers) {
        let status = match (&r.version, &r.missing) {
            (_, Some(why)) => format!("missing: {why}"),
            (v, None) => v.clone().unwrap_or_else(|| "version unknown".into()),
        };
        println!("  {:<16} {status}", r.name);
    }
    Ok(ExitCode::SUCCESS)
}
