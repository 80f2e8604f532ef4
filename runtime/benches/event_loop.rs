//! Criterion benchmarks of the event machinery every request goes through: EventTarget
//! dispatch in JS, and timers through the event loop (JS → Rust timer heap → JS).
//!
//! Each sample runs one script that repeats the operation `iters` times, so the cost of
//! compiling that small script is spread over the whole sample. perf-lab's `micro` scenario
//! runs the same cases in Deno, Node and Bun (perf-lab/micro/events.js) for comparison.

use std::time::{Duration, Instant};

use aworker::worker::RunUntil;
use aworker::{Worker, WorkerOptions};
use criterion::{criterion_group, criterion_main, Criterion};

const SETUP: &str = r#"
  globalThis.target = new EventTarget();
  target.addEventListener("ping", () => {});
  globalThis.target10 = new EventTarget();
  for (let i = 0; i < 10; i++) target10.addEventListener("ping", () => {});
  globalThis.fired = 0;
  globalThis.onTimer = () => { fired++; };
"#;

struct Bench {
    worker: Worker,
    runtime: tokio::runtime::Runtime,
    local: tokio::task::LocalSet,
}

impl Bench {
    fn new() -> Bench {
        let mut worker = Worker::new(WorkerOptions::default()).expect("a worker starts");
        worker
            .evaluate_script("bench:setup", SETUP)
            .expect("the setup runs");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        Bench {
            worker,
            runtime,
            local: tokio::task::LocalSet::new(),
        }
    }

    /// Runs `body` (with `{N}` replaced by the iteration count) and then the event loop until
    /// nothing is left, and returns the time both took.
    fn run(&mut self, body: &str, iters: u64) -> Duration {
        let source = body.replace("{N}", &iters.to_string());
        let start = Instant::now();
        self.worker
            .evaluate_script("bench:case", &source)
            .expect("the case runs");
        let worker = &mut self.worker;
        self.local
            .block_on(&self.runtime, worker.run_event_loop(RunUntil::Idle));
        start.elapsed()
    }
}

/// Each case's loop body; `{N}` is the iteration count.
const EVENTS: &[(&str, &str)] = &[
    (
        "dispatchEvent, 1 listener",
        "for (let i = 0; i < {N}; i++) target.dispatchEvent(new Event('ping'));",
    ),
    (
        "dispatchEvent, 10 listeners",
        "for (let i = 0; i < {N}; i++) target10.dispatchEvent(new Event('ping'));",
    ),
    (
        "AbortController abort, 1 listener",
        "for (let i = 0; i < {N}; i++) { const c = new AbortController(); \
         c.signal.addEventListener('abort', () => {}); c.abort(); }",
    ),
];

const TIMERS: &[(&str, &str)] = &[
    (
        "setTimeout 0, fired",
        "for (let i = 0; i < {N}; i++) setTimeout(onTimer, 0);",
    ),
    (
        "setTimeout then clearTimeout",
        "for (let i = 0; i < {N}; i++) clearTimeout(setTimeout(onTimer, 1000));",
    ),
    (
        "queueMicrotask",
        "for (let i = 0; i < {N}; i++) queueMicrotask(onTimer);",
    ),
];

fn group(c: &mut Criterion, name: &str, cases: &[(&str, &str)]) {
    let mut bench = Bench::new();
    let mut group = c.benchmark_group(name);
    for (case, body) in cases {
        group.bench_function(*case, |b| b.iter_custom(|iters| bench.run(body, iters)));
    }
    group.finish();
}

fn events(c: &mut Criterion) {
    group(c, "events", EVENTS);
}

fn timers(c: &mut Criterion) {
    group(c, "timers", TIMERS);
}

criterion_group!(benches, events, timers);
criterion_main!(benches);
