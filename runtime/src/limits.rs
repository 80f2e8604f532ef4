//! Per-worker limits: a V8 heap ceiling and a CPU time limit per macrotask.
//!
//! Either limit stops JS with `terminate_execution`. A worker whose JS was terminated cannot
//! be trusted afterwards (a request's stream may be half-written, a microtask queue dropped),
//! so it stops: every request still in flight gets 503 and a WarmFork clone exits to be
//! replaced. That is the documented cost of a runaway request: it takes its clone's other
//! in-flight requests with it.

use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Why a worker stopped serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitHit {
    Heap,
    Cpu,
}

impl LimitHit {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Heap => "the V8 heap reached --max-heap-mb",
            Self::Cpu => "a task ran longer than --cpu-limit-ms",
        }
    }
}

/// Shared between the worker, V8's near-heap-limit callback and the CPU watchdog thread.
pub struct Guard {
    handle: v8::IsolateHandle,
    heap_hit: AtomicBool,
    cpu_hit: AtomicBool,
    /// When the running macrotask started, in µs since `epoch`; 0 while idle.
    busy_since: AtomicU64,
    epoch: Instant,
}

impl Guard {
    pub fn new(handle: v8::IsolateHandle) -> Arc<Self> {
        Arc::new(Self {
            handle,
            heap_hit: AtomicBool::new(false),
            cpu_hit: AtomicBool::new(false),
            busy_since: AtomicU64::new(0),
            epoch: Instant::now(),
        })
    }

    pub fn hit(&self) -> Option<LimitHit> {
        if self.heap_hit.load(Ordering::SeqCst) {
            Some(LimitHit::Heap)
        } else if self.cpu_hit.load(Ordering::SeqCst) {
            Some(LimitHit::Cpu)
        } else {
            None
        }
    }

    fn now_us(&self) -> u64 {
        (self.epoch.elapsed().as_micros() as u64).max(1)
    }

    /// Marks a macrotask as running until the returned value is dropped.
    pub fn busy(&self) -> Busy<'_> {
        self.busy_since.store(self.now_us(), Ordering::SeqCst);
        Busy(self)
    }

    /// Starts the watchdog thread that terminates a macrotask running longer than `limit`.
    /// In a WarmFork clone this runs after the fork: the seed stays single-threaded.
    pub fn start_cpu_watchdog(self: &Arc<Self>, limit: Duration) -> std::io::Result<()> {
        let guard = Arc::clone(self);
        let tick = (limit / 4).clamp(Duration::from_millis(1), Duration::from_millis(50));
        let limit_us = limit.as_micros() as u64;
        std::thread::Builder::new()
            .name("cpu-watchdog".into())
            .spawn(move || loop {
                std::thread::sleep(tick);
                let since = guard.busy_since.load(Ordering::SeqCst);
                if since != 0 && guard.now_us().saturating_sub(since) > limit_us {
                    guard.cpu_hit.store(true, Ordering::SeqCst);
                    guard.handle.terminate_execution();
                    return;
                }
            })?;
        Ok(())
    }
}

pub struct Busy<'a>(&'a Guard);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.busy_since.store(0, Ordering::SeqCst);
    }
}

/// V8's near-heap-limit callback: note the hit, stop JS, and give V8 room to unwind.
///
/// # Safety
///
/// `data` is the `Guard` registered with it, alive as long as the isolate.
pub unsafe extern "C" fn near_heap_limit(
    data: *mut c_void,
    current_heap_limit: usize,
    _initial_heap_limit: usize,
) -> usize {
    // SAFETY: registered with a pointer to a Guard that the worker keeps alive.
    let guard = unsafe { &*data.cast::<Guard>() };
    guard.heap_hit.store(true, Ordering::SeqCst);
    guard.handle.terminate_execution();
    current_heap_limit.saturating_mul(2)
}
