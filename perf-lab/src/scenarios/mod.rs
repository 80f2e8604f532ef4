//! The named, repeatable scenarios and the state a run shares between them.
//!
//! Each scenario measures every runtime the same way and records one outcome per runtime:
//! measured, missing (not installed here), failed, not applicable, or, for the slots that later
//! features fill, not available yet. Nothing is ever left out silently.

mod aworker_proc;
mod cold_start;
mod memory;
mod micro;
mod snapshot_start;
mod throughput;
mod warmfork;

pub use memory::{AFTER, IDLE};
pub use micro::METRIC as MICRO_METRIC;

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::http;
use crate::results::{CommandRecord, Distribution, Outcome, Sample, Settings, Status};
use crate::runtimes::{App, Runtime};
use crate::server::{loopback, Server};
use crate::ui::Ui;

/// Every scenario, in the order a full run takes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    ColdStart,
    Throughput,
    Memory,
    SnapshotStart,
    WarmforkClone,
    CloneMemory,
    Micro,
}

impl Scenario {
    pub const ALL: [Scenario; 7] = [
        Scenario::ColdStart,
        Scenario::Throughput,
        Scenario::Memory,
        Scenario::SnapshotStart,
        Scenario::WarmforkClone,
        Scenario::CloneMemory,
        Scenario::Micro,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::ColdStart => "cold-start",
            Scenario::Throughput => "throughput",
            Scenario::Memory => "memory",
            Scenario::SnapshotStart => "snapshot-start",
            Scenario::WarmforkClone => "warmfork-clone",
            Scenario::CloneMemory => "clone-memory",
            Scenario::Micro => "micro",
        }
    }

    pub fn from_name(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    pub fn description(self) -> &'static str {
        match self {
            Scenario::ColdStart => {
                "Time from exec to the first complete HTTP response of the hello-world app, a \
                 fresh process each run."
            }
            Scenario::Throughput => {
                "Requests/s and latency percentiles under wrk, for hello world and a 64 KiB \
                 body, with the same wrk command (1 thread, same connections, same duration) \
                 for every runtime."
            }
            Scenario::Memory => {
                "RSS, PSS and USS (from /proc/<pid>/smaps_rollup, summed over the process \
                 tree) of the hello-world server when idle and after 1,000 sequential \
                 keep-alive requests."
            }
            Scenario::SnapshotStart => {
                "aworker started from a snapshot versus from source, exec to first response: \
                 hello world with the built-ins from the embedded snapshot versus evaluated \
                 from source (`--no-builtin-snapshot`), and an app bundling ~0.9 MB of npm \
                 packages (lodash-es, date-fns, zod, marked, yaml) from source versus from its \
                 `aworker snapshot build` file."
            }
            Scenario::WarmforkClone => {
                "WarmFork (`serve --workers`). clone_latency is what each clone logs (`clone \
                 ready ... ready_us`): from the seed's fork point to the clone ready to accept, \
                 one sample per clone; fork_point the seed's thread check and clone() alone \
                 (the DOFORK pass runs once, before the seed is ready). New clone: scale from \
                 zero (`--workers 1 --min-workers 0`), one request on a fresh connection once \
                 the seed is ready; first_response is that request's round trip, \
                 request_to_ready the harness's send time to the clone's `clone ready` log \
                 line, started_to_ready the supervisor's `clone started` line to it (both \
                 wall-clock log timestamps; the supervisor wakes on the queued connection). \
                 Scale: `--workers N` from exec; seed_ready is exec to `Listening on`, \
                 all_forked and all_ready the time after that until N clones exist and have \
                 logged `clone ready`."
            }
            Scenario::CloneMemory => {
                "USS and PSS per clone (`/proc/<pid>/smaps_rollup`) with 1, 10 and 100 clones \
                 after 100 × N requests on fresh connections (spread by the kernel; \
                 requests_served shows how evenly), next to as many cold single-process \
                 `aworker serve` instances alive at once after 100 requests each. The seed \
                 collects garbage before it forks; clones leave it to V8's scavenges, since a \
                 full collection in a clone writes into pages it shares with the seed (a lone \
                 clone's private dirty memory went from 2.1 to 2.6 MiB with one)."
            }
            Scenario::Micro => {
                "Micro-benchmarks of Web APIs in the same script for every runtime: each suite \
                 in perf-lab/micro/ behind harness.js, run to its end (`aworker run`, `deno \
                 run`, `node`, `bun`). Per case, nanoseconds per operation (lower is better) of \
                 every round, a round being a batch calibrated to about 10 ms; asynchronous \
                 cases (timers, microtasks) time n operations started at once until the last \
                 one completes."
            }
        }
    }

    /// The feature a slot waits for; `None` for scenarios that measure today (all of them
    /// now; a new slot names its feature here).
    pub fn needs(self) -> Option<&'static str> {
        None
    }
}

/// The settings of a full or a `--quick` run.
pub fn settings(
    quick: bool,
    connections: u32,
    pin: Option<(usize, usize)>,
    reference: &str,
) -> Settings {
    Settings {
        quick,
        cold_start_warmups: if quick { 1 } else { 2 },
        cold_start_runs: if quick { 5 } else { 20 },
        load_warmup_s: if quick { 1 } else { 3 },
        load_runs: if quick { 2 } else { 5 },
        load_duration_s: if quick { 2 } else { 10 },
        connections,
        memory_runs: if quick { 1 } else { 3 },
        memory_requests: 1000,
        idle_settle_ms: 1000,
        clone_runs: if quick { 5 } else { 30 },
        scale_clones: 10,
        clone_counts: if quick { vec![1, 10] } else { vec![1, 10, 100] },
        clone_requests: 100,
        micro_suite_limit_s: 120,
        server_cpu: pin.map(|p| p.0),
        load_cpu: pin.map(|p| p.1),
        reference: reference.to_string(),
    }
}

/// The state of one run: where things are, what was found, and what was measured so far.
pub struct Lab {
    pub root: PathBuf,
    /// The run directory; bulky files go to `raw/` inside it.
    pub out: PathBuf,
    pub settings: Settings,
    pub runtimes: Vec<Runtime>,
    pub wrk: Option<PathBuf>,
    pub wrk_script: PathBuf,
    /// The Node start-up snapshot; built before the first scenario that uses it.
    pub snapshot_blob: PathBuf,
    pub ui: Ui,

    pub outcomes: Vec<Outcome>,
    pub samples: Vec<Sample>,
    pub distributions: Vec<Distribution>,
    pub commands: Vec<CommandRecord>,
}

impl Lab {
    pub fn raw(&self) -> PathBuf {
        self.out.join("raw")
    }

    pub fn run(&mut self, scenario: Scenario) {
        self.ui
            .line(&format!("perf-lab: scenario {}", scenario.name()));
        if matches!(scenario, Scenario::Memory | Scenario::CloneMemory) {
            flush_written_files();
        }
        if let Some(needs) = scenario.needs() {
            self.ui.line(&format!("  not available yet: needs {needs}"));
            self.outcome(
                scenario,
                "aworker",
                Status::NotAvailable {
                    needs: needs.into(),
                },
            );
            return;
        }
        match scenario {
            Scenario::ColdStart => cold_start::run(self),
            Scenario::Throughput => throughput::run(self),
            Scenario::Memory => memory::run(self),
            Scenario::SnapshotStart => snapshot_start::run(self),
            Scenario::WarmforkClone => warmfork::run_clone(self),
            Scenario::CloneMemory => warmfork::run_memory(self),
            Scenario::Micro => micro::run(self),
        }
    }

    /// Runs `measure` for each runtime that `applies`, recording outcomes; missing runtimes
    /// are recorded as missing. `measure` gets the runtime's index in `self.runtimes`.
    fn each_runtime(
        &mut self,
        scenario: Scenario,
        steps_per_runtime: u64,
        applies: impl Fn(&Runtime) -> Result<(), String>,
        mut measure: impl FnMut(&mut Lab, usize, &indicatif::ProgressBar) -> Result<String>,
    ) {
        let available = self
            .runtimes
            .iter()
            .filter(|r| r.is_available() && applies(r).is_ok());
        let bar = self.ui.bar(
            scenario.name(),
            available.count() as u64 * steps_per_runtime,
        );

        for i in 0..self.runtimes.len() {
            let rt = &self.runtimes[i];
            let name = rt.name;
            if let Err(why) = applies(rt) {
                self.outcome(scenario, name, Status::NotApplicable { why });
                continue;
            }
            if let Some(reason) = rt.missing.clone() {
                self.ui.line(&format!("  {name:<14} missing: {reason}"));
                self.outcome(scenario, name, Status::Missing { reason });
                continue;
            }

            bar.set_message(name);
            let start = bar.position();
            match measure(self, i, &bar) {
                Ok(summary) => {
                    self.ui.line(&format!("  {name:<14} {summary}"));
                    self.outcome(scenario, name, Status::Measured);
                }
                Err(e) => {
                    let error = format!("{e:#}");
                    self.ui.line(&format!("  {name:<14} FAILED: {error}"));
                    self.outcome(scenario, name, Status::Failed { error });
                }
            }
            bar.set_position(start + steps_per_runtime);
        }
        bar.finish_and_clear();
    }

    fn outcome(&mut self, scenario: Scenario, runtime: &str, status: Status) {
        self.outcomes.push(Outcome {
            scenario: scenario.name().into(),
            runtime: runtime.into(),
            status,
        });
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one flat record, filled in one place"
    )]
    fn sample(
        &mut self,
        scenario: Scenario,
        runtime: &str,
        variant: &str,
        metric: &str,
        unit: &str,
        run: u32,
        value: f64,
    ) {
        self.samples.push(Sample {
            scenario: scenario.name().into(),
            runtime: runtime.into(),
            variant: variant.into(),
            metric: metric.into(),
            unit: unit.into(),
            run,
            value,
        });
    }

    fn command(&mut self, scenario: Scenario, runtime: &str, what: &str, command: String) {
        let record = CommandRecord {
            scenario: scenario.name().into(),
            runtime: runtime.into(),
            what: what.into(),
            command,
        };
        if !self.commands.contains(&record) {
            self.commands.push(record);
        }
    }

    /// Starts runtime `i` serving `app` and waits for its first good response. Returns the
    /// server, its port, and the time from exec to that response.
    fn start_server(
        &mut self,
        scenario: Scenario,
        i: usize,
        app: App,
        log_name: &str,
    ) -> Result<(Server, u16, Duration)> {
        let rt = &self.runtimes[i];
        let port = crate::server::free_port()?;
        let launch = rt.launch(app, port, &self.root, &self.snapshot_blob)?;
        let log = self.raw().join("logs").join(format!("{log_name}.log"));
        // Only load runs pin the server: there the load generator must not take its core. A
        // start or an idle server is measured as it would run on its own.
        let cpu = match scenario {
            Scenario::Throughput => self.settings.server_cpu,
            _ => None,
        };
        let shown = launch.display(&self.root, port, cpu);
        let name = rt.name;
        self.command(scenario, name, &format!("serve {}", app.name()), shown);

        let t0 = Instant::now();
        let mut server = Server::start(&launch, &self.root, &log, cpu)?;
        let response =
            http::first_response(loopback(port), "/", Duration::from_secs(30), &mut || {
                server.check_alive()
            });
        let elapsed = t0.elapsed();
        let response = response.with_context(|| format!("log {}", log.display()))?;

        if response.status != 200 || response.body.len() != app.expected_body_len() {
            bail!(
                "{name} answered status {} with {} bytes; expected 200 with {} bytes",
                response.status,
                response.body.len(),
                app.expected_body_len()
            );
        }
        Ok((server, port, elapsed))
    }
}

/// Runs `cmd` with stdout and stderr into `log`, killing it after `limit`; returns the log.
fn run_bounded(mut cmd: Command, log: &Path, limit: Duration) -> Result<String> {
    if let Some(dir) = log.parent() {
        fs::create_dir_all(dir)?;
    }
    let out = File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .spawn()
        .with_context(|| format!("cannot start {:?}", cmd.get_program()))?;

    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{:?} ran past its limit of {limit:?}; killed",
                cmd.get_program()
            );
        }
        thread::sleep(Duration::from_millis(20));
    };
    let text = fs::read_to_string(log)?;
    if !status.success() {
        bail!("{:?} failed ({status}): {}", cmd.get_program(), text.trim());
    }
    Ok(text)
}

/// Writes dirty page cache back to disk. A file page that only one process maps and that is
/// still dirty (a freshly built executable's) counts as that process's private dirty memory:
/// measured right after a build, aworker's USS grew by the code it ran, where the peers'
/// long-installed executables count nothing.
fn flush_written_files() {
    // SAFETY: sync has no preconditions.
    unsafe { libc::sync() };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_names_round_trip() {
        for s in Scenario::ALL {
            assert_eq!(Scenario::from_name(s.name()), Some(s));
        }
        assert_eq!(Scenario::from_name("nope"), None);
    }

    #[test]
    fn every_scenario_measures() {
        assert!(Scenario::ALL.into_iter().all(|s| s.needs().is_none()));
    }

    #[test]
    fn quick_is_shorter() {
        let q = settings(true, 32, None, "node");
        let f = settings(false, 32, None, "node");
        assert!(q.cold_start_runs < f.cold_start_runs);
        assert!(q.load_runs as u64 * q.load_duration_s < f.load_runs as u64 * f.load_duration_s);
    }

    #[test]
    fn bounded_command_is_killed_at_its_limit() {
        let log = std::env::temp_dir().join(format!("perf-lab-bounded-{}.log", std::process::id()));
        let mut cmd = Command::new("sleep");
        cmd.arg("5");
        let t0 = Instant::now();
        let err = run_bounded(cmd, &log, Duration::from_millis(100)).unwrap_err();
        assert!(t0.elapsed() < Duration::from_secs(2));
        assert!(err.to_string().contains("limit"), "{err}");
        let _ = fs::remove_file(log);
    }
}
