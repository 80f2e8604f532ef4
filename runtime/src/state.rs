//! The per-isolate state that ops share with the event loop.
//!
//! It lives in an isolate slot as `Rc<RefCell<WorkerState>>`: ops run on the isolate's one
//! thread, borrow it briefly and never across a call into JS (JS may call another op).
//! Anything asynchronous an op starts reports back as a [`Task`] on the loop's queue, so JS
//! only ever runs from the event loop, one macrotask at a time.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::bindings::{ByteBuf, OpError};
use crate::fetch_event::{BodyEntry, BodySink, IncomingRequest, Responder};

/// A macrotask for the event loop.
pub enum Task {
    /// An HTTP request to dispatch as a FetchEvent.
    Fetch(IncomingRequest),
    /// An async op finished; settle its promise.
    OpDone {
        promise: u32,
        result: Result<OpValue, OpError>,
    },
}

/// What an async op resolves its promise with.
#[derive(Debug)]
pub enum OpValue {
    Undefined,
    Null,
    Bytes(Bytes),
    Fetched(Box<crate::fetch::FetchedResponse>),
}

impl OpValue {
    pub fn to_v8<'s>(self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        use crate::bindings::ToV8;
        match self {
            Self::Undefined => v8::undefined(scope).into(),
            Self::Null => v8::null(scope).into(),
            Self::Bytes(bytes) => ByteBuf(bytes.into()).to_v8(scope),
            Self::Fetched(response) => response.to_v8(scope),
        }
    }
}

/// The time origin of `performance.now()`: a monotonic instant and the wall-clock time it
/// stands for. A restored snapshot or a forked clone gets a fresh one.
#[derive(Debug, Clone, Copy)]
pub struct TimeOrigin {
    pub instant: Instant,
    pub unix_ms: f64,
}

impl TimeOrigin {
    pub fn now() -> Self {
        let unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0);
        Self {
            instant: Instant::now(),
            unix_ms,
        }
    }
}

/// Armed timers, ordered by deadline and then by arming order (HTML runs timers with equal
/// deadlines in the order they were set).
#[derive(Default)]
pub struct Timers {
    queue: BTreeMap<(Instant, u64), u32>,
    by_id: HashMap<u32, (Instant, u64)>,
    sequence: u64,
}

impl Timers {
    pub fn start(&mut self, id: u32, delay: Duration) {
        self.cancel(id);
        let key = (Instant::now() + delay, self.sequence);
        self.sequence += 1;
        self.queue.insert(key, id);
        self.by_id.insert(id, key);
    }

    pub fn cancel(&mut self, id: u32) {
        if let Some(key) = self.by_id.remove(&id) {
            self.queue.remove(&key);
        }
    }

    pub fn next_deadline(&self) -> Option<Instant> {
        self.queue.keys().next().map(|(deadline, _)| *deadline)
    }

    /// Removes and returns the first timer due at `now`.
    pub fn pop_due(&mut self, now: Instant) -> Option<u32> {
        let (&key, &id) = self.queue.iter().next()?;
        if key.0 > now {
            return None;
        }
        self.queue.remove(&key);
        self.by_id.remove(&id);
        Some(id)
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

/// A promise rejected with no handler, waiting for the end of the microtask checkpoint.
pub struct PendingRejection {
    pub promise: v8::Global<v8::Promise>,
    pub reason: v8::Global<v8::Value>,
}

pub struct WorkerState {
    pub tasks: mpsc::UnboundedSender<Task>,
    /// The main script's URL: `importScripts()` resolves against it.
    pub main_url: Option<url::Url>,
    /// The main script's directory: the only place imports and importScripts() read from.
    pub script_root: Option<std::path::PathBuf>,
    /// Start-up is over: `importScripts()` refuses new scripts from now on.
    pub started: bool,
    /// Test mode: every host name resolves to 127.0.0.1 (WPT's other-origin hosts).
    pub resolve_to_loopback: bool,
    /// `self.location`, when the worker was given one (`--location`).
    pub location: Option<String>,
    pub time_origin: TimeOrigin,
    /// Exceptions and rejections reported with no listener handling them ("Uncaught ...").
    pub uncaught: usize,
    pub timers: Timers,
    pub rejections: Vec<PendingRejection>,
    promises: HashMap<u32, v8::Global<v8::PromiseResolver>>,
    next_promise: u32,
    pub responders: HashMap<u32, Responder>,
    pub body_sources: HashMap<u32, BodyEntry>,
    pub body_sinks: HashMap<u32, BodySink>,
    next_rid: u32,
    /// Native decoders of `TextDecoder` streams in progress.
    pub decoders: crate::encoding::StreamDecoders,
}

pub type SharedState = Rc<RefCell<WorkerState>>;

impl WorkerState {
    pub fn new(tasks: mpsc::UnboundedSender<Task>) -> Self {
        Self {
            tasks,
            main_url: None,
            script_root: None,
            started: false,
            resolve_to_loopback: false,
            location: None,
            time_origin: TimeOrigin::now(),
            uncaught: 0,
            timers: Timers::default(),
            rejections: Vec::new(),
            promises: HashMap::new(),
            next_promise: 1,
            responders: HashMap::new(),
            body_sources: HashMap::new(),
            body_sinks: HashMap::new(),
            next_rid: 1,
            decoders: Default::default(),
        }
    }

    /// A fresh resource id, shared by requests, body sources and sinks.
    pub fn next_rid(&mut self) -> u32 {
        let rid = self.next_rid;
        self.next_rid = self.next_rid.wrapping_add(1).max(1);
        rid
    }

    /// Whether anything can still produce a macrotask on its own (the server aside).
    pub fn has_pending_work(&self) -> bool {
        !self.timers.is_empty() || !self.promises.is_empty()
    }

    /// Async ops whose promise is not settled yet.
    pub fn pending_ops(&self) -> usize {
        self.promises.len()
    }

    pub fn take_promise(&mut self, id: u32) -> Option<v8::Global<v8::PromiseResolver>> {
        self.promises.remove(&id)
    }
}

/// The state of the isolate `scope` belongs to.
pub fn state(scope: &v8::Isolate) -> SharedState {
    scope
        .get_slot::<SharedState>()
        .expect("every worker isolate carries its state")
        .clone()
}

/// Starts `future` on the event loop's thread and returns a promise that the loop settles
/// with its result, as a macrotask of its own.
pub fn spawn_op<'s, F>(scope: &mut v8::PinScope<'s, '_>, future: F) -> v8::Local<'s, v8::Promise>
where
    F: Future<Output = Result<OpValue, OpError>> + 'static,
{
    let resolver = v8::PromiseResolver::new(scope).expect("creating a promise cannot fail");
    let promise = resolver.get_promise(scope);
    let global = v8::Global::new(scope, resolver);

    let state = state(scope);
    let mut state = state.borrow_mut();
    let id = state.next_promise;
    state.next_promise = state.next_promise.wrapping_add(1).max(1);
    state.promises.insert(id, global);
    let tasks = state.tasks.clone();
    tokio::task::spawn_local(async move {
        let result = future.await;
        // The loop outlives every op it started; if it is gone, nobody waits for the answer.
        let _ = tasks.send(Task::OpDone {
            promise: id,
            result,
        });
    });
    promise
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_with_equal_deadlines_fire_in_arming_order() {
        let mut timers = Timers::default();
        timers.start(7, Duration::ZERO);
        timers.start(3, Duration::ZERO);
        timers.start(5, Duration::ZERO);
        let later = Instant::now() + Duration::from_millis(1);
        let order: Vec<u32> = std::iter::from_fn(|| timers.pop_due(later)).collect();
        assert_eq!(order, [7, 3, 5]);
    }

    #[test]
    fn a_cancelled_timer_never_fires_and_a_future_one_waits() {
        let mut timers = Timers::default();
        timers.start(1, Duration::ZERO);
        timers.start(2, Duration::from_secs(60));
        timers.cancel(1);
        assert_eq!(
            timers.pop_due(Instant::now() + Duration::from_millis(1)),
            None
        );
        assert!(timers.next_deadline().is_some());
    }
}
