//! A worker: one isolate holding the global scope, the user's script, and its event loop.
//!
//! The loop is the only place JS runs from once start-up is over. Each macrotask (a request,
//! a due timer, a settled async op) is one call into JS followed by a microtask checkpoint
//! and the unhandled-rejection step, as HTML's event loop does. Between tasks the loop pumps
//! V8's foreground task queue, where the single-threaded platform puts GC and WebAssembly
//! work, and wakes up for it on a bounded interval while the worker is busy.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::bindings::{dispatch_callback, external_references, op_names};
pub use crate::bootstrap::script_origin;
use crate::bootstrap::{evaluate_builtins, INTERNALS_INDEX};
use crate::error::{describe_exception, syntax_error, uncaught, Inspect, StartupError};
use crate::fetch_event::{BodyEntry, IncomingRequest};
use crate::limits::{Guard, LimitHit};
use crate::modules::{self, SharedModuleMap};
use crate::state::{state, PendingRejection, SharedState, Task, WorkerState};

include!(concat!(env!("OUT_DIR"), "/builtins.rs"));
include!(concat!(env!("OUT_DIR"), "/snapshot.rs"));

/// How many rounds of `unhandledrejection` one macrotask runs before deferring the rest.
const MAX_REJECTION_ROUNDS: usize = 8;

/// How often the loop wakes up to run V8's foreground tasks while the worker is active.
const PUMP_INTERVAL: Duration = Duration::from_millis(50);
/// How long after the last macrotask the loop keeps waking up for V8's tasks.
const ACTIVE_WINDOW: Duration = Duration::from_secs(2);

/// How the main script is to be evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScriptKind {
    /// A module if it is `.mjs` or uses module syntax (import/export, top-level await),
    /// a classic script otherwise.
    #[default]
    Detect,
    Classic,
    Module,
}

/// Where the global scope of a new worker comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Builtins {
    /// Restored from the startup snapshot embedded in the binary.
    #[default]
    Snapshot,
    /// Evaluated from the built-in JS (what the snapshot saves; kept for measuring it).
    Source,
}

/// Settings of a worker that hold for its whole life.
#[derive(Debug, Clone, Default)]
pub struct WorkerOptions {
    pub builtins: Builtins,
    /// `self.location`: the URL the worker pretends to be loaded from.
    pub location: Option<url::Url>,
    /// Test mode: every host name `fetch()` meets resolves to 127.0.0.1.
    pub resolve_to_loopback: bool,
    /// The V8 heap ceiling (`--max-heap-mb`); near it JS is stopped (see `limits.rs`).
    pub max_heap_bytes: Option<usize>,
    /// Record the JS intrinsics before any script runs, so that a WarmFork seed can tell
    /// whether the script changed them (see `js/95_intrinsics.js`): for seeds and snapshot
    /// builds. A restored snapshot keeps the record of its build.
    pub record_intrinsics: bool,
}

#[derive(Debug, Clone)]
pub struct MainScript {
    pub path: PathBuf,
    pub kind: ScriptKind,
}

/// When [`Worker::run_event_loop`] returns.
pub enum RunUntil<'a> {
    /// When nothing is left that could run JS: no timer, no async op.
    Idle,
    /// Never (a server keeps the loop alive).
    Forever,
    /// When the promise settles, or when nothing is left that could settle it.
    Settled(&'a v8::Global<v8::Promise>),
}

/// Whether a resuming worker may be on another host than the one that froze it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeZone {
    Redetect,
    SameHost,
}

/// How long a lifecycle event's listeners (and their waitUntil promises) may take.
const LIFECYCLE_TIMEOUT: Duration = Duration::from_secs(10);

/// The lifecycle events of a worker; ARCHITECTURE.md has the table of which start mode
/// dispatches which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Install,
    Activate,
    /// The last chance to fix state before it is frozen (snapshot or fork point).
    Serialize,
    /// The first thing a process does when it resumes frozen state.
    Deserialize,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Install => "install",
            Self::Activate => "activate",
            Self::Serialize => "serialize",
            Self::Deserialize => "deserialize",
        }
    }
}

/// How [`Worker::create`] sets up the isolate.
enum Start {
    Builtins,
    UserSnapshot(Vec<u8>),
    SnapshotCreator,
}

/// The functions of the built-in JS that the runtime calls.
struct Hooks {
    dispatch_fetch: v8::Global<v8::Function>,
    fire_timer: v8::Global<v8::Function>,
    dispatch_unhandled_rejection: v8::Global<v8::Function>,
    set_module_handler: v8::Global<v8::Function>,
}

pub struct Worker {
    // Handles are declared before the isolate: fields drop in order, and a handle must not
    // outlive its isolate.
    hooks: Hooks,
    internals: v8::Global<v8::Object>,
    context: v8::Global<v8::Context>,
    state: SharedState,
    tasks: mpsc::UnboundedReceiver<Task>,
    last_activity: Instant,
    isolate: v8::OwnedIsolate,
    // After the isolate: V8's near-heap-limit callback points at it.
    limits: Arc<Guard>,
}

impl Worker {
    /// Creates an isolate with the whole global scope set up by the built-in JS.
    pub fn new(options: WorkerOptions) -> Result<Self, StartupError> {
        Self::create(options, Start::Builtins)
    }

    /// Restores a worker from a user snapshot's V8 blob (see `snapshot.rs`).
    pub fn from_snapshot(options: WorkerOptions, blob: Vec<u8>) -> Result<Self, StartupError> {
        Self::create(options, Start::UserSnapshot(blob))
    }

    /// Creates a worker whose state can be written as a user snapshot afterwards.
    pub fn for_snapshot(options: WorkerOptions) -> Result<Self, StartupError> {
        let mut worker = Self::create(options, Start::SnapshotCreator)?;
        worker.set_snapshot_building(true);
        Ok(worker)
    }

    fn set_snapshot_building(&mut self, building: bool) {
        v8::scope!(let scope, &mut self.isolate);
        let context = v8::Local::new(scope, &self.context);
        let scope = &mut v8::ContextScope::new(scope, context);
        let internals = v8::Local::new(scope, &self.internals);
        let building = v8::Boolean::new(scope, building).into();
        call_internal(scope, internals, "setSnapshotBuilding", &[building]);
    }

    fn create(options: WorkerOptions, start: Start) -> Result<Self, StartupError> {
        crate::platform::platform();
        debug_assert_eq!(SNAPSHOT_OP_NAMES, op_names().as_slice());
        let from_source = matches!(start, Start::Builtins) && options.builtins == Builtins::Source;
        let restored = matches!(start, Start::UserSnapshot(_));
        let mut params =
            v8::CreateParams::default().external_references(external_references().into());
        if let Some(max) = options.max_heap_bytes {
            params = params.heap_limits(0, max);
        }
        let mut isolate = match start {
            Start::SnapshotCreator => v8::Isolate::snapshot_creator_from_existing_snapshot(
                BUILTIN_SNAPSHOT.into(),
                Some(external_references().into()),
                None,
            ),
            Start::UserSnapshot(blob) => v8::Isolate::new(params.snapshot_blob(blob.into())),
            Start::Builtins if from_source => v8::Isolate::new(params),
            Start::Builtins => v8::Isolate::new(params.snapshot_blob(BUILTIN_SNAPSHOT.into())),
        };
        let limits = Guard::new(isolate.thread_safe_handle());
        if options.max_heap_bytes.is_some() {
            let data = Arc::as_ptr(&limits).cast_mut().cast();
            isolate.add_near_heap_limit_callback(crate::limits::near_heap_limit, data);
        }
        isolate.set_microtasks_policy(v8::MicrotasksPolicy::Explicit);
        // A service worker's agent cannot block ([[CanBlock]] is false): Atomics.wait would
        // stall every request of the one thread, so it throws instead.
        // https://html.spec.whatwg.org/multipage/workers.html#the-worker's-lifetime
        isolate.set_allow_atomics_wait(false);
        isolate.set_capture_stack_trace_for_uncaught_exceptions(true, 16);
        isolate.set_promise_reject_callback(promise_reject_callback);
        isolate.set_host_initialize_import_meta_object_callback(modules::import_meta_callback);

        let (sender, receiver) = mpsc::unbounded_channel();
        let mut state = WorkerState::new(sender);
        state.location = options.location.map(String::from);
        state.resolve_to_loopback = options.resolve_to_loopback;
        let state = Rc::new(RefCell::new(state));
        isolate.set_slot(state.clone());
        isolate.set_slot(SharedModuleMap::default());

        let (context, internals, hooks) = {
            v8::scope!(let scope, &mut isolate);
            let context = v8::Context::new(scope, Default::default());
            let scope = &mut v8::ContextScope::new(scope, context);
            let internals = if from_source {
                evaluate_builtins(scope, &op_names(), dispatch_callback(), BUILTINS)
                    .map_err(StartupError::Internal)?
            } else {
                scope
                    .get_context_data_from_snapshot_once::<v8::Object>(INTERNALS_INDEX)
                    .map_err(|e| {
                        StartupError::Internal(format!("snapshot has no internals: {e}"))
                    })?
            };
            let hooks = Hooks::new(scope, internals)?;
            // V8 gives every new context its own WebAssembly namespace.
            call_internal(scope, internals, "correctWebAssembly", &[]);
            if options.record_intrinsics && !restored {
                call_internal(scope, internals, "recordIntrinsics", &[]);
            }
            let inspect = Hooks::lookup(scope, internals, "inspect")?;
            scope.set_slot(Inspect(inspect));
            (
                v8::Global::new(scope, context),
                v8::Global::new(scope, internals),
                hooks,
            )
        };
        Ok(Self {
            hooks,
            internals,
            context,
            state,
            tasks: receiver,
            last_activity: Instant::now(),
            isolate,
            limits,
        })
    }

    /// Writes the worker's heap as a V8 startup blob. The worker must have been created with
    /// [`Worker::for_snapshot`], and nothing may be pending (checked by the caller).
    pub fn into_snapshot_blob(mut self) -> Result<Vec<u8>, StartupError> {
        self.set_snapshot_building(false);
        let Self {
            hooks,
            internals,
            context,
            state,
            tasks,
            mut isolate,
            limits,
            ..
        } = self;
        {
            v8::scope!(let scope, &mut isolate);
            let context = v8::Local::new(scope, &context);
            let internals = v8::Local::new(scope, &internals);
            scope.set_default_context(context);
            let index = scope.add_context_data(context, internals);
            debug_assert_eq!(index, INTERNALS_INDEX);
        }
        // V8 serialises the heap without our handles: every Global must be gone first,
        // including those of the module map and of pending rejections.
        drop((hooks, internals, context, state, tasks, limits));
        isolate.remove_slot::<SharedModuleMap>();
        isolate.remove_slot::<SharedState>();
        isolate.remove_slot::<Inspect>();
        isolate.low_memory_notification();
        let blob = isolate
            .create_blob(v8::FunctionCodeHandling::Keep)
            .ok_or_else(|| StartupError::Internal("V8 could not create the snapshot".into()))?;
        Ok(blob.to_vec())
    }

    /// Which limit stopped this worker's JS, if one did; the event loop returns then.
    pub fn limit_hit(&self) -> Option<LimitHit> {
        self.limits.hit()
    }

    /// Starts the CPU watchdog thread (see `limits.rs`).
    pub fn start_cpu_watchdog(&self, limit: Duration) -> std::io::Result<()> {
        self.limits.start_cpu_watchdog(limit)
    }

    /// Answers every request still in flight with 503 (the worker stopped: a limit) and
    /// cuts streamed responses short.
    pub fn fail_in_flight(&mut self, why: &str) {
        self.isolate.cancel_terminate_execution();
        let mut state = self.state.borrow_mut();
        for (_, responder) in state.responders.drain() {
            let mut response = http::Response::new(crate::fetch_event::ResponseBody::text(
                format!("Service Unavailable: {why}\n"),
            ));
            *response.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
            let _ = responder.send(response);
        }
        // Dropping a sink without its end marker aborts that body (see `BodyChunk`).
        state.body_sinks.clear();
    }

    /// Whether a listener for `event` is registered now: a WarmFork seed asks before its first
    /// fork, so its clones skip dispatching a `deserialize` nobody listens to.
    pub fn has_lifecycle_listeners(&mut self, event: Lifecycle) -> bool {
        v8::scope!(let scope, &mut self.isolate);
        let context = v8::Local::new(scope, &self.context);
        let scope = &mut v8::ContextScope::new(scope, context);
        let internals = v8::Local::new(scope, &self.internals);
        let name = v8::String::new(scope, event.as_str())
            .expect("short string")
            .into();
        call_internal(scope, internals, "hasLifecycleListeners", &[name])
            .is_none_or(|value| value.is_true())
    }

    /// Dispatches a lifecycle event and waits, on the event loop and at most
    /// [`LIFECYCLE_TIMEOUT`], until its listeners and their waitUntil() promises are done.
    pub async fn dispatch_lifecycle(&mut self, event: Lifecycle) -> Result<(), StartupError> {
        let failed = |reason: String| StartupError::Lifecycle {
            event: event.as_str(),
            reason,
        };
        let promise = {
            v8::scope!(let scope, &mut self.isolate);
            let context = v8::Local::new(scope, &self.context);
            let scope = &mut v8::ContextScope::new(scope, context);
            let internals = v8::Local::new(scope, &self.internals);
            let name = v8::String::new(scope, event.as_str())
                .expect("short string")
                .into();
            let result = call_internal(scope, internals, "dispatchLifecycleEvent", &[name])
                .and_then(|value| v8::Local::<v8::Promise>::try_from(value).ok())
                .ok_or_else(|| failed("the built-ins cannot dispatch it".into()))?;
            result.mark_as_handled();
            v8::Global::new(scope, result)
        };
        self.end_of_macrotask();
        let waited = tokio::time::timeout(
            LIFECYCLE_TIMEOUT,
            self.run_event_loop(RunUntil::Settled(&promise)),
        );
        if waited.await.is_err() {
            let seconds = LIFECYCLE_TIMEOUT.as_secs();
            return Err(failed(format!(
                "its listeners did not finish within {seconds} s"
            )));
        }
        v8::scope!(let scope, &mut self.isolate);
        let context = v8::Local::new(scope, &self.context);
        let scope = &mut v8::ContextScope::new(scope, context);
        let promise = v8::Local::new(scope, &promise);
        match promise.state() {
            v8::PromiseState::Fulfilled => Ok(()),
            v8::PromiseState::Rejected => {
                let reason = promise.result(scope);
                Err(failed(describe_exception(scope, reason, None)))
            }
            v8::PromiseState::Pending => Err(failed(
                "a waitUntil() promise waits for something that can no longer happen".into(),
            )),
        }
    }

    /// Prepares a process that resumes frozen state (a restored snapshot, a forked clone):
    /// a fresh time origin, fresh Math.random state, and V8's date caches refreshed. A
    /// snapshot may be restored on another host, so it re-detects the time zone; a clone runs
    /// on its seed's host and only drops the caches (re-detection costs ICU a reload).
    pub fn resume(&mut self, time_zone: TimeZone) {
        {
            let mut state = self.state.borrow_mut();
            state.time_origin = crate::state::TimeOrigin::now();
            state.started = true;
        }
        let detection = match time_zone {
            TimeZone::Redetect => v8::TimeZoneDetection::Redetect,
            TimeZone::SameHost => v8::TimeZoneDetection::Skip,
        };
        self.isolate
            .date_time_configuration_change_notification(detection);
        v8::scope!(let scope, &mut self.isolate);
        let context = v8::Local::new(scope, &self.context);
        let scope = &mut v8::ContextScope::new(scope, context);
        let internals = v8::Local::new(scope, &self.internals);
        call_internal(scope, internals, "resume", &[]);
    }

    /// Runs, in a seed about to fork, what every clone runs first: `resume()` and the
    /// built-ins' part of answering a request (never the script's). Clones then find that code
    /// compiled and its feedback allocated in the memory they share, instead of each paying
    /// for it in page faults: 0.5 ms of a clone's start for `resume()` alone. (The seed serves
    /// nothing, so its own time origin and random state do not matter.)
    pub fn warm_up_for_clones(&mut self) {
        self.resume(TimeZone::SameHost);
        v8::scope!(let scope, &mut self.isolate);
        let context = v8::Local::new(scope, &self.context);
        let scope = &mut v8::ContextScope::new(scope, context);
        let internals = v8::Local::new(scope, &self.internals);
        let change = call_internal(scope, internals, "warmUpRequestPath", &[]);
        if let Some(change) = change.filter(|change| change.is_string()) {
            let change = change.to_rust_string_lossy(scope);
            // Mostly the script's doing; V8 also re-creates a few on restoring a snapshot.
            tracing::debug!("no warm-up of the request path: {change} differs from its record");
        }
        scope.perform_microtask_checkpoint();
    }

    /// A full, compacting garbage collection: a seed runs it before it forks, so its clones
    /// share a heap with no garbage in it (fewer pages, and fewer to copy on write).
    pub fn collect_garbage(&mut self) {
        self.isolate.low_memory_notification();
    }

    /// What keeps this worker's state from being frozen: pending timers, I/O in flight, open
    /// connections and bodies. Empty when a snapshot (or fork) can be taken.
    pub fn freeze_blockers(&mut self) -> Vec<String> {
        let mut blockers = Vec::new();
        {
            let state = self.state.borrow();
            if state.pending_ops() > 0 {
                blockers.push(format!(
                    "{} asynchronous operation(s) still in flight (a fetch() or a body read)",
                    state.pending_ops()
                ));
            }
            if !state.responders.is_empty() || !state.body_sinks.is_empty() {
                blockers.push("a request is still being answered (an open connection)".into());
            }
            if !state.body_sources.is_empty() {
                blockers.push(
                    "a stream with a native source is still open (a request or fetch() body)"
                        .into(),
                );
            }
        }
        v8::scope!(let scope, &mut self.isolate);
        let context = v8::Local::new(scope, &self.context);
        let scope = &mut v8::ContextScope::new(scope, context);
        let internals = v8::Local::new(scope, &self.internals);
        let key = v8::String::new(scope, "timers").expect("short string");
        let timers = internals
            .get(scope, key.into())
            .and_then(|value| v8::Local::<v8::Object>::try_from(value).ok());
        let pending = timers
            .and_then(|timers| call_internal(scope, timers, "pending", &[]))
            .and_then(|value| v8::Local::<v8::Array>::try_from(value).ok());
        let Some(pending) = pending else {
            return blockers;
        };
        for index in 0..pending.length() {
            let timer = pending
                .get_index(scope, index)
                .and_then(|timer| v8::Local::<v8::Array>::try_from(timer).ok());
            if let Some(timer) = timer {
                let timer = describe_timer(scope, timer);
                blockers.push(format!("a pending timer the script did not clear: {timer}"));
            }
        }
        blockers
    }

    /// How many exceptions and promise rejections were reported uncaught so far.
    pub fn uncaught(&self) -> usize {
        self.state.borrow().uncaught
    }

    /// A handle for the server to queue requests on this worker's loop.
    pub fn task_sender(&self) -> mpsc::UnboundedSender<Task> {
        self.state.borrow().tasks.clone()
    }

    /// Evaluates the main script; a module's top-level await is awaited on the event loop.
    pub async fn execute_main(&mut self, script: &MainScript) -> Result<(), StartupError> {
        let url = modules::path_to_url(&script.path)?;
        let source =
            std::fs::read_to_string(&script.path).map_err(|source| StartupError::Read {
                path: script.path.clone(),
                source,
            })?;
        {
            let mut state = self.state.borrow_mut();
            state.main_url = Some(url.clone());
            state.script_root = modules::script_root(&script.path);
        }
        let result = self.evaluate_main(script, url, source).await;
        self.state.borrow_mut().started = true;
        result
    }

    /// Runs a classic script as one macrotask (then a microtask checkpoint), as an embedder
    /// would after start-up; `name` is the script's URL in stacks. Benchmarks drive JS this way.
    pub fn evaluate_script(&mut self, name: &str, source: &str) -> Result<(), StartupError> {
        let result = self.run_classic(name, source);
        self.end_of_macrotask();
        result
    }

    async fn evaluate_main(
        &mut self,
        script: &MainScript,
        url: url::Url,
        source: String,
    ) -> Result<(), StartupError> {
        let is_mjs = script.path.extension().is_some_and(|ext| ext == "mjs");
        let kind = match script.kind {
            ScriptKind::Detect if is_mjs => ScriptKind::Module,
            kind => kind,
        };

        if kind != ScriptKind::Module {
            match self.run_classic(url.as_str(), &source) {
                Err(StartupError::Syntax { message, .. })
                    if kind == ScriptKind::Detect && uses_module_syntax(&message) => {}
                result => {
                    self.end_of_macrotask();
                    return result;
                }
            }
        }

        let (module, evaluation) = self.evaluate_module(&url, source)?;
        self.end_of_macrotask();
        self.run_event_loop(RunUntil::Settled(&evaluation)).await;
        self.finish_module(&module, &evaluation)
    }

    fn run_classic(&mut self, name: &str, source: &str) -> Result<(), StartupError> {
        v8::scope!(let scope, &mut self.isolate);
        let context = v8::Local::new(scope, &self.context);
        let scope = &mut v8::ContextScope::new(scope, context);
        v8::tc_scope!(let scope, scope);

        let code = v8::String::new(scope, source).ok_or_else(|| StartupError::TooLarge {
            path: modules::display_name(name),
        })?;
        let origin = script_origin(scope, name, false);
        let Some(script) = v8::Script::compile(scope, code, Some(&origin)) else {
            return Err(syntax_error(scope));
        };
        match script.run(scope) {
            Some(_) => Ok(()),
            None => Err(uncaught(scope)),
        }
    }

    fn evaluate_module(
        &mut self,
        url: &url::Url,
        source: String,
    ) -> Result<(v8::Global<v8::Module>, v8::Global<v8::Promise>), StartupError> {
        let modules = self
            .isolate
            .get_slot::<SharedModuleMap>()
            .cloned()
            .expect("module map");
        v8::scope!(let scope, &mut self.isolate);
        let context = v8::Local::new(scope, &self.context);
        let scope = &mut v8::ContextScope::new(scope, context);

        let module = modules::load_graph(scope, &modules, url, Some(source))?;
        modules::instantiate(scope, module)?;
        v8::tc_scope!(let scope, scope);
        let Some(result) = module.evaluate(scope) else {
            return Err(uncaught(scope));
        };
        let promise = v8::Local::<v8::Promise>::try_from(result)
            .map_err(|_| StartupError::Internal("module evaluation gave no promise".into()))?;
        // Its rejection is reported as a start-up failure, not as an unhandled rejection.
        promise.mark_as_handled();
        Ok((
            v8::Global::new(scope, module),
            v8::Global::new(scope, promise),
        ))
    }

    /// After the module settled: report a failure, or install `export default { fetch }`.
    fn finish_module(
        &mut self,
        module: &v8::Global<v8::Module>,
        evaluation: &v8::Global<v8::Promise>,
    ) -> Result<(), StartupError> {
        let result = {
            v8::scope!(let scope, &mut self.isolate);
            let context = v8::Local::new(scope, &self.context);
            let scope = &mut v8::ContextScope::new(scope, context);
            let evaluation = v8::Local::new(scope, evaluation);
            match evaluation.state() {
                v8::PromiseState::Pending => return Err(StartupError::StalledTopLevelAwait),
                v8::PromiseState::Rejected => {
                    let reason = evaluation.result(scope);
                    return Err(StartupError::Uncaught(describe_exception(
                        scope, reason, None,
                    )));
                }
                v8::PromiseState::Fulfilled => {}
            }
            let module = v8::Local::new(scope, module);
            let namespace = module.get_module_namespace();
            let namespace = v8::Local::<v8::Object>::try_from(namespace)
                .map_err(|_| StartupError::Internal("module namespace is not an object".into()))?;
            let key = v8::String::new(scope, "default").expect("short string");
            match namespace.get(scope, key.into()) {
                Some(handler) if !handler.is_undefined() => {
                    let hook = v8::Local::new(scope, &self.hooks.set_module_handler);
                    let undefined = v8::undefined(scope).into();
                    v8::tc_scope!(let scope, scope);
                    match hook.call(scope, undefined, &[handler]) {
                        Some(_) => Ok(()),
                        None => Err(uncaught(scope)),
                    }
                }
                _ => Ok(()),
            }
        };
        self.end_of_macrotask();
        result
    }

    /// Runs the event loop: macrotasks one at a time, each followed by a microtask checkpoint.
    pub async fn run_event_loop(&mut self, until: RunUntil<'_>) {
        loop {
            if self.limit_hit().is_some() {
                return;
            }
            let limits = Arc::clone(&self.limits);
            let busy = limits.busy();
            if crate::platform::pump(&self.isolate) {
                self.end_of_macrotask();
                drop(busy);
                // V8 may post a task from a task; yield so I/O and the caller's other
                // futures (a shutdown signal) are polled in between.
                tokio::task::yield_now().await;
                continue;
            }
            drop(busy);
            let idle = !self.state.borrow().has_pending_work();
            match until {
                RunUntil::Idle if idle => return,
                RunUntil::Settled(promise) if idle || !self.is_pending(promise) => return,
                _ => {}
            }

            let next_timer = self.state.borrow().timers.next_deadline();
            let pump_at = (self.last_activity.elapsed() < ACTIVE_WINDOW)
                .then(|| Instant::now() + PUMP_INTERVAL);
            let wake = tokio::select! {
                task = self.tasks.recv() => task.map(Wake::Task),
                () = sleep_until(next_timer) => Some(Wake::Timers),
                () = sleep_until(pump_at) => Some(Wake::Pump),
            };
            let _busy = limits.busy();
            match wake {
                Some(Wake::Task(task)) => self.run_task(task),
                Some(Wake::Timers) => self.run_due_timers(),
                Some(Wake::Pump) | None => {}
            }
        }
    }

    fn is_pending(&mut self, promise: &v8::Global<v8::Promise>) -> bool {
        v8::scope!(let scope, &mut self.isolate);
        v8::Local::new(scope, promise).state() == v8::PromiseState::Pending
    }

    fn run_task(&mut self, task: Task) {
        match task {
            Task::Fetch(request) => self.dispatch_fetch(request),
            Task::OpDone { promise, result } => self.settle_op(promise, result),
        }
        self.end_of_macrotask();
    }

    fn run_due_timers(&mut self) {
        // Timers armed while these run wait for the next turn, so a zero-delay timer that
        // re-arms itself cannot starve requests.
        let now = Instant::now();
        loop {
            let Some(id) = self.state.borrow_mut().timers.pop_due(now) else {
                break;
            };
            {
                v8::scope!(let scope, &mut self.isolate);
                let context = v8::Local::new(scope, &self.context);
                let scope = &mut v8::ContextScope::new(scope, context);
                let id = v8::Integer::new_from_unsigned(scope, id).into();
                call_hook(scope, &self.hooks.fire_timer, &[id]);
            }
            self.end_of_macrotask();
        }
    }

    fn dispatch_fetch(&mut self, request: IncomingRequest) {
        let (rid, body_rid) = {
            let mut state = self.state.borrow_mut();
            // Requests whose client went away before the worker answered (a handler that
            // never settles) would otherwise stay here for the life of the process.
            state
                .responders
                .retain(|_, responder| !responder.is_closed());
            let rid = state.next_rid();
            state.responders.insert(rid, request.responder);
            let body_rid = (!hyper::body::Body::is_end_stream(&request.body)).then(|| {
                let body_rid = state.next_rid();
                let source = Rc::new(tokio::sync::Mutex::new(request.body));
                let entry = BodyEntry {
                    source,
                    upload: true,
                };
                state.body_sources.insert(body_rid, entry);
                body_rid
            });
            (rid, body_rid)
        };

        v8::scope!(let scope, &mut self.isolate);
        let context = v8::Local::new(scope, &self.context);
        let scope = &mut v8::ContextScope::new(scope, context);
        let mut headers = Vec::with_capacity(request.headers.len() * 2);
        for (name, value) in &request.headers {
            let name = v8::String::new(scope, name.as_str()).expect("header names are short");
            let value =
                v8::String::new_from_one_byte(scope, value.as_bytes(), v8::NewStringType::Normal)
                    .expect("header values are bounded by hyper");
            headers.push(name.into());
            headers.push(value.into());
        }
        let args = [
            v8::Integer::new_from_unsigned(scope, rid).into(),
            v8::String::new(scope, request.method.as_str())
                .expect("short string")
                .into(),
            v8::String::new(scope, &request.url)
                .expect("bounded URL")
                .into(),
            v8::Array::new_with_elements(scope, &headers).into(),
            match body_rid {
                Some(body_rid) => v8::Integer::new_from_unsigned(scope, body_rid).into(),
                None => v8::null(scope).into(),
            },
        ];
        // Terminated JS (a limit) is answered with 503 by `fail_in_flight`, not here.
        if call_hook(scope, &self.hooks.dispatch_fetch, &args).is_none()
            && self.limits.hit().is_none()
        {
            // The hook catches everything itself; failing here is a bug in the built-ins. Do
            // not leave the client waiting.
            let responder = state(scope).borrow_mut().responders.remove(&rid);
            if let Some(responder) = responder {
                let mut response = http::Response::new(crate::fetch_event::ResponseBody::empty());
                *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
                let _ = responder.send(response);
            }
        }
    }

    fn settle_op(
        &mut self,
        id: u32,
        result: Result<crate::state::OpValue, crate::bindings::OpError>,
    ) {
        let Some(resolver) = self.state.borrow_mut().take_promise(id) else {
            return;
        };
        v8::scope!(let scope, &mut self.isolate);
        let context = v8::Local::new(scope, &self.context);
        let scope = &mut v8::ContextScope::new(scope, context);
        let resolver = v8::Local::new(scope, resolver);
        match result {
            Ok(value) => {
                let value = value.to_v8(scope);
                resolver.resolve(scope, value);
            }
            Err(error) => {
                let exception = error.to_exception(scope);
                resolver.reject(scope, exception);
            }
        }
    }

    /// The end of every macrotask: perform a microtask checkpoint, then notify about promises
    /// rejected without a handler (https://html.spec.whatwg.org/#notify-about-rejected-promises).
    fn end_of_macrotask(&mut self) {
        self.last_activity = Instant::now();
        v8::scope!(let scope, &mut self.isolate);
        let context = v8::Local::new(scope, &self.context);
        let scope = &mut v8::ContextScope::new(scope, context);
        scope.perform_microtask_checkpoint();
        // Listeners may reject promises again; those wait for the next macrotask rather than
        // keeping this one (and every request) busy forever.
        for _ in 0..MAX_REJECTION_ROUNDS {
            let rejections = std::mem::take(&mut self.state.borrow_mut().rejections);
            if rejections.is_empty() {
                break;
            }
            for PendingRejection { promise, reason } in rejections {
                let promise = v8::Local::new(scope, promise);
                let reason = v8::Local::new(scope, reason);
                let prevented = call_hook(
                    scope,
                    &self.hooks.dispatch_unhandled_rejection,
                    &[promise.into(), reason],
                );
                if prevented != Some(true) {
                    let text = describe_exception(scope, reason, None);
                    crate::console::print_error(&format!("Uncaught (in promise) {text}"));
                    self.state.borrow_mut().uncaught += 1;
                }
            }
            scope.perform_microtask_checkpoint();
        }
    }
}

enum Wake {
    Task(Task),
    Timers,
    Pump,
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}

/// V8's messages for module syntax in a classic script: the cue to retry as a module.
fn uses_module_syntax(message: &str) -> bool {
    [
        "Cannot use import statement outside a module",
        "Unexpected token 'export'",
        "Cannot use 'import.meta' outside a module",
        "await is only valid in async functions and the top level bodies of modules",
    ]
    .iter()
    .any(|cue| message.contains(cue))
}

/// A timer as `setInterval(tick, 1000), callback at file:///app.js:3:16`, from the
/// `[kind, handler, timeout]` the built-ins list. (A stack trace at setTimeout() would say
/// where it was called, but V8 records none while it can still make a snapshot.)
fn describe_timer(scope: &mut v8::PinScope<'_, '_>, timer: v8::Local<v8::Array>) -> String {
    let item = |index| {
        timer
            .get_index(scope, index)
            .unwrap_or_else(|| v8::undefined(scope).into())
    };
    let (kind, handler, timeout) = (item(0), item(1), item(2));
    let kind = kind.to_rust_string_lossy(scope);
    let timeout = timeout.to_rust_string_lossy(scope);
    let Ok(function) = v8::Local::<v8::Function>::try_from(handler) else {
        return format!("{kind}(<code>, {timeout})");
    };
    let name = function.get_name(scope).to_rust_string_lossy(scope);
    let name = if name.is_empty() {
        "<anonymous>".to_string()
    } else {
        name
    };
    let resource = function
        .get_script_origin(scope)
        .resource_name()
        .map(|name| name.to_rust_string_lossy(scope))
        .unwrap_or_default();
    match (
        function.get_script_line_number(),
        function.get_script_column_number(),
    ) {
        (Some(line), Some(column)) => {
            format!(
                "{kind}({name}, {timeout}), callback at {resource}:{}:{}",
                line + 1,
                column + 1
            )
        }
        _ => format!("{kind}({name}, {timeout})"),
    }
}

/// Calls the function `name` of `object` (a part of the built-ins' internals); `None`, after
/// logging it, if it is missing or threw.
fn call_internal<'s>(
    scope: &mut v8::PinScope<'s, '_>,
    object: v8::Local<'s, v8::Object>,
    name: &str,
    args: &[v8::Local<v8::Value>],
) -> Option<v8::Local<'s, v8::Value>> {
    let key = v8::String::new(scope, name).expect("short string");
    let function = object
        .get(scope, key.into())
        .and_then(|value| v8::Local::<v8::Function>::try_from(value).ok());
    let Some(function) = function else {
        tracing::error!("internal error: the built-ins define no {name}()");
        return None;
    };
    v8::tc_scope!(let scope, scope);
    let result = function.call(scope, object.into(), args);
    if result.is_none() {
        if let Some(exception) = scope.exception() {
            let message = scope.message();
            let text = describe_exception(scope, exception, message);
            tracing::error!("internal error in {name}(): {text}");
        }
        return None;
    }
    result.map(|value| v8::Local::new(scope, value))
}

/// Calls a hook of the built-ins; returns whether its result was `true`, or `None` (after
/// logging it) if it threw, which only a bug in the built-ins can cause.
fn call_hook(
    scope: &mut v8::PinScope<'_, '_>,
    hook: &v8::Global<v8::Function>,
    args: &[v8::Local<v8::Value>],
) -> Option<bool> {
    let function = v8::Local::new(scope, hook);
    let undefined = v8::undefined(scope).into();
    v8::tc_scope!(let scope, scope);
    match function.call(scope, undefined, args) {
        Some(result) => Some(result.is_true()),
        None => {
            if let Some(exception) = scope.exception() {
                let message = scope.message();
                let text = describe_exception(scope, exception, message);
                tracing::error!("internal error in a built-in hook: {text}");
            }
            None
        }
    }
}

impl Hooks {
    /// Looks up the hooks the built-ins define on `internals`.
    fn new(
        scope: &mut v8::PinScope<'_, '_>,
        internals: v8::Local<v8::Object>,
    ) -> Result<Self, StartupError> {
        Ok(Self {
            dispatch_fetch: Self::lookup(scope, internals, "dispatchFetch")?,
            fire_timer: Self::lookup(scope, internals, "fireTimer")?,
            dispatch_unhandled_rejection: Self::lookup(
                scope,
                internals,
                "dispatchUnhandledRejection",
            )?,
            set_module_handler: Self::lookup(scope, internals, "setModuleHandler")?,
        })
    }

    /// The function `name` of `internals`.
    fn lookup(
        scope: &mut v8::PinScope<'_, '_>,
        internals: v8::Local<v8::Object>,
        name: &str,
    ) -> Result<v8::Global<v8::Function>, StartupError> {
        let key = v8::String::new(scope, name).expect("short string");
        internals
            .get(scope, key.into())
            .and_then(|value| v8::Local::<v8::Function>::try_from(value).ok())
            .map(|function| v8::Global::new(scope, function))
            .ok_or_else(|| StartupError::Internal(format!("the built-ins define no {name}()")))
    }
}

/// Records promises rejected without a handler; the end of the macrotask reports those that
/// still have none (https://html.spec.whatwg.org/#the-hostpromiserejectiontracker-implementation).
extern "C" fn promise_reject_callback(message: v8::PromiseRejectMessage) {
    // SAFETY: V8 calls this on the isolate's thread with its context entered.
    v8::callback_scope!(unsafe scope, &message);
    let promise = message.get_promise();
    let state = state(scope);
    match message.get_event() {
        v8::PromiseRejectEvent::PromiseRejectWithNoHandler => {
            let reason = message
                .get_value()
                .unwrap_or_else(|| v8::undefined(scope).into());
            let rejection = PendingRejection {
                promise: v8::Global::new(scope, promise),
                reason: v8::Global::new(scope, reason),
            };
            state.borrow_mut().rejections.push(rejection);
        }
        v8::PromiseRejectEvent::PromiseHandlerAddedAfterReject => {
            // TODO(conform): a promise already reported gets a `rejectionhandled` event.
            state
                .borrow_mut()
                .rejections
                .retain(|pending| pending.promise != promise);
        }
        _ => {}
    }
}
