//! The command line: flags are parsed into a config, then `serve` or `run` drives a worker.
//!
//! Exit codes: 0 success, 1 the script failed (an uncaught exception at start-up), 2 a usage
//! or setup error (bad flag, unreadable or invalid script, busy port). Messages start with
//! `aworker:` and name their input.

use std::io::IsTerminal;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use std::os::unix::net::UnixStream;
use std::time::Duration;

use crate::snapshot::{self, SnapshotError};
use crate::warmfork::huge_code::HugeCode;
use crate::warmfork::slots::{Slots, MAX_SLOTS};
use crate::warmfork::{self, fork, Shared, WarmforkOptions};
use crate::worker::{
    Builtins, Lifecycle, MainScript, RunUntil, ScriptKind, TimeZone, Worker, WorkerOptions,
};

#[derive(Debug, Parser)]
#[command(
    name = "aworker",
    version,
    about = "A Web-interoperable JavaScript runtime"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve a fetch-event script over HTTP.
    Serve(ServeArgs),
    /// Run a script until its event loop has nothing left to do.
    Run(ScriptArgs),
    /// Build user snapshots.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
}

#[derive(Debug, Subcommand)]
enum SnapshotCommand {
    /// Run a script, dispatch "serialize" and write the worker's state to a snapshot file.
    Build(SnapshotBuildArgs),
}

#[derive(Debug, Args)]
struct SnapshotBuildArgs {
    /// The script: a classic (Service Worker) script or an ES module.
    script: PathBuf,

    /// The snapshot file to write.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,

    /// The URL the worker is loaded from while the script runs, as `self.location` shows it.
    #[arg(long, value_name = "URL")]
    location: Option<url::Url>,

    /// Evaluate the script as an ES module (detected from `.mjs` or import/export otherwise).
    #[arg(long)]
    module: bool,
}

#[derive(Debug, Args)]
struct ScriptArgs {
    /// The script: a classic (Service Worker) script or an ES module.
    #[arg(required_unless_present = "snapshot")]
    script: Option<PathBuf>,

    /// Start from a snapshot file written by `aworker snapshot build` instead of a script.
    #[arg(long, value_name = "FILE", conflicts_with = "script")]
    snapshot: Option<PathBuf>,

    /// With --snapshot: the script to run instead when the snapshot cannot be used.
    #[arg(long, value_name = "SCRIPT", requires = "snapshot")]
    fallback_script: Option<PathBuf>,

    /// Evaluate the script as an ES module (detected from `.mjs` or import/export otherwise).
    #[arg(long)]
    module: bool,

    /// The URL the worker is loaded from, as `self.location` shows it.
    #[arg(long, value_name = "URL")]
    location: Option<url::Url>,

    /// Test mode: resolve every host name fetch() meets to 127.0.0.1 (the WPT harness uses
    /// it for its other-origin host names).
    #[arg(long, hide = true)]
    resolve_to_loopback: bool,

    /// Evaluate the built-in JS from source instead of restoring the built-in snapshot (for
    /// measuring what the snapshot saves).
    #[arg(long, hide = true)]
    no_builtin_snapshot: bool,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    script: ScriptArgs,

    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,

    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    port: u16,

    /// Serve with N worker processes cloned from a pre-initialised seed (WarmFork); without
    /// it one process serves.
    #[arg(long, value_name = "N")]
    workers: Option<usize>,

    /// With --workers: the fewest clones kept running (0 scales from zero) [default: N].
    #[arg(long, value_name = "N", requires = "workers")]
    min_workers: Option<usize>,

    /// With --workers: the most clones run when all are busy [default: N].
    #[arg(long, value_name = "N", requires = "workers")]
    max_workers: Option<usize>,

    /// With --workers: seconds after which an idle clone above the minimum retires.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 60.0,
        requires = "workers"
    )]
    worker_idle_timeout: f64,

    /// With --workers: each clone's V8 heap limit; near it the clone stops, answers its
    /// in-flight requests with 503 and is replaced.
    #[arg(long, value_name = "MB", requires = "workers")]
    max_heap_mb: Option<usize>,

    /// With --workers: how much CPU time one task (a request's handler, a timer) may use;
    /// past it the clone stops, answers its in-flight requests with 503 and is replaced.
    #[arg(long, value_name = "MS", requires = "workers")]
    cpu_limit_ms: Option<u64>,

    /// With --workers: the resident memory a clone may use before the supervisor replaces it
    /// (it drains first), not counting the code all clones share with the seed.
    #[arg(long, value_name = "MB", requires = "workers")]
    max_rss_mb: Option<u64>,
}

impl ServeArgs {
    /// The WarmFork settings, validated, when --workers is given.
    fn warmfork(&self) -> Result<Option<WarmforkOptions>, Failure> {
        let Some(workers) = self.workers else {
            return Ok(None);
        };
        let min_workers = self.min_workers.unwrap_or(workers);
        let max_workers = self.max_workers.unwrap_or(workers).max(workers);
        if max_workers == 0 || max_workers > MAX_SLOTS || min_workers > max_workers {
            return Err(setup_error(format!(
                "--workers/--min-workers/--max-workers: need 0 <= min <= max, 1 <= max <= \
                 {MAX_SLOTS} (got min {min_workers}, max {max_workers})"
            )));
        }
        if !(self.worker_idle_timeout.is_finite() && self.worker_idle_timeout >= 0.0) {
            return Err(setup_error(
                "--worker-idle-timeout must be a number of seconds >= 0",
            ));
        }
        if self.max_heap_mb == Some(0) || self.cpu_limit_ms == Some(0) || self.max_rss_mb == Some(0)
        {
            return Err(setup_error(
                "--max-heap-mb, --cpu-limit-ms and --max-rss-mb must be > 0",
            ));
        }
        Ok(Some(WarmforkOptions {
            min_workers,
            max_workers,
            idle_timeout: Duration::from_secs_f64(self.worker_idle_timeout),
            grace: GRACE,
            max_rss_bytes: self.max_rss_mb.map(|mb| mb * 1024 * 1024),
        }))
    }
}

impl ScriptArgs {
    fn main_script(&self, path: &Path) -> MainScript {
        let kind = if self.module {
            ScriptKind::Module
        } else {
            ScriptKind::Detect
        };
        MainScript {
            path: path.to_path_buf(),
            kind,
        }
    }

    fn worker_options(&self) -> WorkerOptions {
        WorkerOptions {
            builtins: if self.no_builtin_snapshot {
                Builtins::Source
            } else {
                Builtins::Snapshot
            },
            location: self.location.clone(),
            resolve_to_loopback: self.resolve_to_loopback,
            max_heap_bytes: None,
            record_intrinsics: false,
        }
    }
}

/// A failure that ends the command, with its exit code.
struct Failure {
    code: u8,
    message: String,
}

impl From<crate::error::StartupError> for Failure {
    fn from(error: crate::error::StartupError) -> Self {
        Self {
            code: error.exit_code(),
            message: error.to_string(),
        }
    }
}

impl From<SnapshotError> for Failure {
    fn from(error: SnapshotError) -> Self {
        Self {
            code: error.exit_code(),
            message: error.to_string(),
        }
    }
}

fn setup_error(message: impl std::fmt::Display) -> Failure {
    Failure {
        code: 2,
        message: message.to_string(),
    }
}

pub fn main() -> ExitCode {
    // clap prints usage and exits 2 on a bad flag, 0 for --help and --version.
    let cli = Cli::parse();
    init_logging();
    let result = match cli.command {
        Command::Serve(args) => serve(args),
        Command::Run(args) => run(args),
        Command::Snapshot(SnapshotCommand::Build(args)) => snapshot_build(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("aworker: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

fn init_logging() {
    let filter = match std::env::var("AWORKER_LOG") {
        Ok(spec) => EnvFilter::try_new(&spec).unwrap_or_else(|error| {
            eprintln!("aworker: ignoring AWORKER_LOG={spec:?}: {error}");
            EnvFilter::new("info")
        }),
        Err(_) => EnvFilter::new("info"),
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// Runs `body` on a current-thread runtime: the worker's thread is the process's only one.
fn block_on<T, F: std::future::Future<Output = Result<T, Failure>>>(
    body: impl FnOnce() -> F,
) -> Result<T, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|error| setup_error(format!("cannot start the event loop: {error}")))?;
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, body())
}

/// What a started worker is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// It serves or runs the script itself.
    Worker,
    /// It is a WarmFork seed: clones are forked from it.
    Seed,
}

/// Starts the worker of `serve` and `run`, following the lifecycle table in ARCHITECTURE.md:
/// from a snapshot (restore, `deserialize`) or a script (evaluate), then install, activate.
async fn start_worker(
    args: &ScriptArgs,
    max_heap_mb: Option<usize>,
    role: Role,
) -> Result<Worker, Failure> {
    let mut options = args.worker_options();
    options.max_heap_bytes = max_heap_mb.map(|mb| mb * 1024 * 1024);
    options.record_intrinsics = role == Role::Seed;
    let mut worker = match (&args.snapshot, &args.script) {
        (Some(snapshot), _) => match snapshot::read(snapshot) {
            Ok(blob) => snapshot::restore(options, blob).await?,
            Err(error) => {
                let Some(fallback) = &args.fallback_script else {
                    return Err(error.into());
                };
                eprintln!("aworker: {error}; running {} instead", fallback.display());
                cold_start(options, &args.main_script(fallback)).await?
            }
        },
        (None, Some(script)) => cold_start(options, &args.main_script(script)).await?,
        (None, None) => return Err(setup_error("a script or --snapshot is required")),
    };
    worker.dispatch_lifecycle(Lifecycle::Install).await?;
    worker.dispatch_lifecycle(Lifecycle::Activate).await?;
    Ok(worker)
}

async fn cold_start(options: WorkerOptions, script: &MainScript) -> Result<Worker, Failure> {
    let mut worker = Worker::new(options)?;
    worker.execute_main(script).await?;
    Ok(worker)
}

fn run(args: ScriptArgs) -> Result<(), Failure> {
    block_on(|| async move {
        let mut worker = start_worker(&args, None, Role::Worker).await?;
        worker.run_event_loop(RunUntil::Idle).await;
        // The script ran on after each uncaught error, as a worker does; its exit status
        // still says that something failed, as Deno's and Node's do.
        match worker.uncaught() {
            0 => Ok(()),
            n => Err(Failure {
                code: 1,
                message: format!(
                    "{n} uncaught {} (see above)",
                    if n == 1 { "error" } else { "errors" }
                ),
            }),
        }
    })
}

fn serve(args: ServeArgs) -> Result<(), Failure> {
    let addr = resolve_listen_address(&args.host, args.port)?;
    // Bound before the script runs, so a busy port fails before any user code does.
    let listener = crate::serve::bind(addr).map_err(setup_error)?;
    if let Some(options) = args.warmfork()? {
        return serve_warmfork(&args, listener, &options);
    }
    block_on(|| async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|error| setup_error(format!("cannot listen on {addr}: {error}")))?;
        let mut worker = start_worker(&args.script, None, Role::Worker).await?;

        let bound = listener.local_addr().map_err(setup_error)?;
        eprintln!("Listening on http://{bound}/");
        serve_until_terminated(&mut worker, listener, None, GRACE).await
    })
}

/// How long requests in flight get to finish after SIGTERM.
const GRACE: Duration = Duration::from_secs(10);

/// Serves until SIGTERM, then drains: nothing more is accepted, open connections finish the
/// requests they are serving and close, and the worker's event loop runs meanwhile (their
/// handlers may still need timers and fetches), for at most `grace`.
async fn serve_until_terminated(
    worker: &mut Worker,
    listener: tokio::net::TcpListener,
    slot: Option<&'static warmfork::slots::Slot>,
    grace: Duration,
) -> Result<(), Failure> {
    let terminate = warmfork::terminate_notifier()
        .and_then(tokio::net::UnixStream::from_std)
        .map_err(setup_error)?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let stopped = async {
        let _ = stopped.await;
    };
    let mut server = tokio::task::spawn_local(crate::serve::serve(
        listener,
        worker.task_sender(),
        slot,
        stopped,
    ));
    tokio::select! {
        () = worker.run_event_loop(RunUntil::Forever) => {}
        _ = terminate.readable() => {}
    }
    let _ = stop.send(());
    if worker.limit_hit().is_none() {
        tokio::select! {
            () = worker.run_event_loop(RunUntil::Forever) => {}
            _ = &mut server => {}
            () = tokio::time::sleep(grace) => {}
        }
    }
    // A limit may also trip while draining.
    if let Some(hit) = worker.limit_hit() {
        // JS was terminated mid-task: nothing it had in flight can be trusted to finish.
        server.abort();
        worker.fail_in_flight(hit.describe());
        tokio::time::sleep(Duration::from_millis(100)).await;
        return Err(Failure {
            code: 3,
            message: format!("{}; exiting to be replaced", hit.describe()),
        });
    }
    Ok(())
}

/// `serve --workers`: this process becomes the supervisor; the seed and the clones run the
/// closures below (see `warmfork/mod.rs`).
fn serve_warmfork(
    args: &ServeArgs,
    listener: std::net::TcpListener,
    options: &WarmforkOptions,
) -> Result<(), Failure> {
    let slots = Slots::map().map_err(|e| setup_error(format!("cannot map shared memory: {e}")))?;
    // SAFETY: getpid has no preconditions.
    let supervisor = unsafe { libc::getpid() };
    let shared = Shared {
        listener,
        slots,
        supervisor,
    };
    let grace = options.grace;
    let cpu_limit = args.cpu_limit_ms.map(Duration::from_millis);
    let seed_main = |mut control: UnixStream| -> i32 {
        if !fork::die_with_parent(shared.supervisor) {
            return 0;
        }
        let seed = block_on(|| prepare_seed(&args.script, args.max_heap_mb));
        let seed = match seed {
            Ok(seed) => seed,
            Err(failure) => {
                eprintln!("aworker: {}", failure.message);
                return i32::from(failure.code);
            }
        };
        let shared_code = match warmfork::huge_code::move_code_to_huge_pages() {
            Ok(moved @ HugeCode::Moved(_)) => {
                let bytes = moved.moved_bytes();
                tracing::debug!(mib = bytes >> 20, "the seed's code is in huge pages");
                bytes
            }
            Ok(HugeCode::Kept(why)) => {
                tracing::debug!("the seed's code stays in its file mapping: {why}");
                0
            }
            Err(error) => {
                tracing::warn!("cannot move the seed's code to huge pages: {error}");
                0
            }
        };
        match warmfork::seed_loop(&mut control, shared_code) {
            None => 0,
            Some(birth) => run_clone(seed, control, &shared, birth, grace, cpu_limit),
        }
    };
    match warmfork::supervise(&shared, options, &seed_main) {
        0 => Ok(()),
        // The seed printed its error already.
        code => std::process::exit(code),
    }
}

/// What every clone inherits from the seed.
struct Seed {
    worker: Worker,
    /// Whether the script listens for `deserialize`: if not, clones skip dispatching it.
    /// Known before the first fork: after this check the seed runs no JS.
    deserialize: bool,
}

/// The seed: start the worker, dispatch `serialize`, and make sure nothing is pending that a
/// fork could not carry. Returns with the event loop's runtime gone (one thread left).
async fn prepare_seed(args: &ScriptArgs, max_heap_mb: Option<usize>) -> Result<Seed, Failure> {
    let mut worker = start_worker(args, max_heap_mb, Role::Seed).await?;
    worker.dispatch_lifecycle(Lifecycle::Serialize).await?;
    // A full collection first: its memory-reducing passes would flush the bytecode that the
    // warm-up compiles. The warm-up runs no script code, but if it ever did, what that left
    // pending would be refused by the checks after it.
    worker.collect_garbage();
    worker.warm_up_for_clones();
    let blockers = worker.freeze_blockers();
    if !blockers.is_empty() {
        return Err(Failure {
            code: 1,
            message: snapshot::refusal("cannot fork the seed", &blockers),
        });
    }
    let deserialize = worker.has_lifecycle_listeners(Lifecycle::Deserialize);
    Ok(Seed {
        worker,
        deserialize,
    })
}

/// A clone: a new event loop on the inherited worker, `deserialize`, then serve until
/// SIGTERM, after which in-flight requests get `grace` to finish.
fn run_clone(
    seed: Seed,
    control: UnixStream,
    shared: &Shared,
    birth: warmfork::Birth,
    grace: Duration,
    cpu_limit: Option<Duration>,
) -> i32 {
    if !fork::die_with_parent(shared.supervisor) {
        return 0;
    }
    drop(control);
    let slot = shared.slots.get(birth.slot);
    let listener = match shared.listener.try_clone() {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("aworker: clone {}: {error}", std::process::id());
            return 1;
        }
    };
    let Seed {
        mut worker,
        deserialize,
    } = seed;
    let result = block_on(|| async move {
        let runtime_at = birth.requested.elapsed();
        worker.resume(TimeZone::SameHost);
        let resumed_at = birth.requested.elapsed();
        if deserialize {
            worker.dispatch_lifecycle(Lifecycle::Deserialize).await?;
        }
        if let Some(limit) = cpu_limit {
            // The clone's own thread: started after the fork, the seed stays single-threaded.
            worker.start_cpu_watchdog(limit).map_err(setup_error)?;
        }
        // Measured in the clone from the seed's fork point to here (deserialize done, about
        // to accept): what perf-lab reports as clone latency.
        // The stages in between and the page faults (mostly copy-on-write) so far show where
        // a clone's start-up goes.
        tracing::debug!(
            clone = std::process::id(),
            fork_us = birth.fork.as_micros() as u64,
            runtime_us = runtime_at.as_micros() as u64,
            resumed_us = resumed_at.as_micros() as u64,
            ready_us = birth.requested.elapsed().as_micros() as u64,
            faults = minor_faults(),
            "clone ready"
        );
        let listener = tokio::net::TcpListener::from_std(listener).map_err(setup_error)?;
        serve_until_terminated(&mut worker, listener, Some(slot), grace).await
    });
    match result {
        Ok(()) => 0,
        Err(failure) => {
            eprintln!("aworker: clone {}: {}", std::process::id(), failure.message);
            i32::from(failure.code)
        }
    }
}

/// This process's minor page faults so far.
fn minor_faults() -> i64 {
    // SAFETY: getrusage writes into the zeroed struct it is given.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage.ru_minflt
    }
}

fn snapshot_build(args: SnapshotBuildArgs) -> Result<(), Failure> {
    let kind = if args.module {
        ScriptKind::Module
    } else {
        ScriptKind::Detect
    };
    let script = MainScript {
        path: args.script.clone(),
        kind,
    };
    let options = WorkerOptions {
        location: args.location.clone(),
        // A seed restored from this snapshot needs the intrinsics as they were before the
        // script ran.
        record_intrinsics: true,
        ..WorkerOptions::default()
    };
    let file = block_on(|| async move {
        snapshot::build(&script, options)
            .await
            .map_err(Failure::from)
    })?;
    std::fs::write(&args.output, &file)
        .map_err(|error| setup_error(format!("cannot write {}: {error}", args.output.display())))?;
    eprintln!(
        "wrote {} ({} KiB)",
        args.output.display(),
        file.len() / 1024
    );
    Ok(())
}

/// Resolves `--host` here, once, on the main thread: tokio would resolve a name on a
/// blocking-pool thread, and the process keeps one thread.
fn resolve_listen_address(host: &str, port: u16) -> Result<SocketAddr, Failure> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (host, port)
        .to_socket_addrs()
        .map_err(|error| setup_error(format!("cannot resolve --host {host}: {error}")))?
        .next()
        .ok_or_else(|| setup_error(format!("--host {host} has no address")))
}
