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
use std::time::Duration;

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
            Self::Cpu => "a task used more CPU time than --cpu-limit-ms",
        }
    }
}

/// Shared between the worker, V8's near-heap-limit callback and the CPU watchdog thread.
pub struct Guard {
    handle: v8::IsolateHandle,
    heap_hit: AtomicBool,
    cpu_hit: AtomicBool,
    /// The number of the running macrotask; 0 while idle. Only the worker's thread writes it.
    running: AtomicU64,
    /// The number the next macrotask gets.
    next: AtomicU64,
}

impl Guard {
    pub fn new(handle: v8::IsolateHandle) -> Arc<Self> {
        Arc::new(Self {
            handle,
            heap_hit: AtomicBool::new(false),
            cpu_hit: AtomicBool::new(false),
            running: AtomicU64::new(0),
            next: AtomicU64::new(1),
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

    /// Marks a macrotask as running until the returned value is dropped: two relaxed atomic
    /// stores, no clock read (the watchdog reads the clock).
    pub fn busy(&self) -> Busy<'_> {
        let task = self.next.fetch_add(1, Ordering::Relaxed);
        self.running.store(task, Ordering::SeqCst);
        Busy(self)
    }

    /// Starts the watchdog thread that terminates a macrotask that has used more than `limit`
    /// of CPU time (the worker thread's own clock: time spent waiting for the CPU while the
    /// machine is busy does not count). Call it on the worker's thread. In a WarmFork clone
    /// this runs after the fork: the seed stays single-threaded.
    ///
    /// The watchdog samples every `limit / 4` (1 to 50 ms) and counts a task's CPU time from
    /// the first sample that sees it, so it stops a task after between `limit` and `limit`
    /// plus one sampling period of CPU time.
    pub fn start_cpu_watchdog(self: &Arc<Self>, limit: Duration) -> std::io::Result<()> {
        let clock = worker_thread_clock()?;
        let guard = Arc::clone(self);
        let tick = (limit / 4).clamp(Duration::from_millis(1), Duration::from_millis(50));
        std::thread::Builder::new()
            .name("cpu-watchdog".into())
            .spawn(move || {
                // The task being watched, and the worker thread's CPU time when first seen.
                let mut watched: Option<(u64, Duration)> = None;
                loop {
                    std::thread::sleep(tick);
                    let task = guard.running.load(Ordering::SeqCst);
                    if task == 0 {
                        watched = None;
                        continue;
                    }
                    let Some(now) = cpu_time(clock) else {
                        continue;
                    };
                    match watched {
                        Some((seen, since)) if seen == task => {
                            if now.saturating_sub(since) > limit {
                                guard.cpu_hit.store(true, Ordering::SeqCst);
                                guard.handle.terminate_execution();
                                return;
                            }
                        }
                        _ => watched = Some((task, now)),
                    }
                }
            })?;
        Ok(())
    }
}

/// The CPU-time clock of the calling thread, readable from other threads.
///
/// Made from the kernel's thread id, as Linux encodes thread CPU clocks (the "scheduler"
/// clock of one thread): `pthread_getcpuclockid` would read glibc's cached thread id, which a
/// WarmFork clone (made by a raw clone(2), not glibc's fork) inherits from the seed.
fn worker_thread_clock() -> std::io::Result<libc::clockid_t> {
    const CPUCLOCK_PERTHREAD: libc::clockid_t = 4;
    const CPUCLOCK_SCHED: libc::clockid_t = 2;
    // SAFETY: gettid has no preconditions.
    let tid = unsafe { libc::gettid() };
    let clock = (!tid << 3) | CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED;
    // The clock must be readable now, or the watchdog could never fire.
    cpu_time(clock).ok_or_else(std::io::Error::last_os_error)?;
    Ok(clock)
}

fn cpu_time(clock: libc::clockid_t) -> Option<Duration> {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and out-pointer.
    if unsafe { libc::clock_gettime(clock, &mut now) } != 0 {
        return None;
    }
    Some(Duration::new(now.tv_sec as u64, now.tv_nsec as u32))
}

pub struct Busy<'a>(&'a Guard);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.running.store(0, Ordering::SeqCst);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_thread_reads_the_worker_thread_s_cpu_time() {
        let clock = worker_thread_clock().unwrap();
        let own = || cpu_time(libc::CLOCK_THREAD_CPUTIME_ID).unwrap();
        // Burn some CPU so the clock is well past zero.
        let target = own() + Duration::from_millis(20);
        while own() < target {
            std::hint::black_box(0);
        }
        let before = own();
        let seen = std::thread::spawn(move || cpu_time(clock).unwrap())
            .join()
            .unwrap();
        let after = own();
        assert!(
            before <= seen && seen <= after,
            "{before:?} <= {seen:?} <= {after:?}"
        );
        // Sleeping uses none.
        std::thread::sleep(Duration::from_millis(50));
        let slept = std::thread::spawn(move || cpu_time(clock).unwrap())
            .join()
            .unwrap();
        assert!(
            slept - seen < Duration::from_millis(20),
            "{:?}",
            slept - seen
        );
    }
}
