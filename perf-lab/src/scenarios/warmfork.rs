//! WarmFork: how fast a clone comes up (`warmfork-clone`) and what each clone costs in memory
//! next to as many cold processes (`clone-memory`).
//!
//! Clone latency is what each clone logs at debug level in `clone ready clone=PID fork_us=F
//! ready_us=R`: R is the time from the seed's fork point (thread check, DOFORK pass, clone())
//! to the clone ready to accept, F the fork point alone, both on the monotonic clock the clone
//! inherits. The external figures (first response of a new clone, scale from zero) also hold
//! the supervisor's 5 ms poll and the harness's own connects.

use std::collections::BTreeMap;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::aworker_proc::{self, ms, parse_log, wall_now, LogLine};
use super::{Lab, Scenario};
use crate::http;
use crate::server::loopback;
use crate::smaps::{measure_tree, parse_children, Memory};
use crate::stats::Summary;

const HELLO: &str = "perf-lab/apps/aworker/hello.js";
const DEBUG_LOG: &str = "info,aworker::warmfork=debug,aworker::cli=debug";

pub fn run_clone(lab: &mut Lab) {
    let steps = u64::from(lab.settings.clone_runs) * 2;
    lab.each_runtime(
        Scenario::WarmforkClone,
        steps,
        aworker_only,
        |lab, _, bar| {
            let first = new_clone(lab, bar)?;
            let scale = scale_from_zero(lab, bar)?;
            Ok(format!("{first}; {scale}"))
        },
    );
}

pub fn run_memory(lab: &mut Lab) {
    let steps = lab.settings.clone_counts.len() as u64 * 2;
    lab.each_runtime(Scenario::CloneMemory, steps, aworker_only, clone_memory);
}

pub(super) fn aworker_only(rt: &crate::runtimes::Runtime) -> Result<(), String> {
    if rt.name == "aworker" {
        Ok(())
    } else {
        Err("an aworker feature".into())
    }
}

/// Scale from zero, one request: exec of the request to its response, served by a clone forked
/// for it; plus, from the log, the request to `clone ready`.
fn new_clone(lab: &mut Lab, bar: &indicatif::ProgressBar) -> Result<String> {
    let sc = Scenario::WarmforkClone;
    let args = [
        "serve",
        HELLO,
        "--workers",
        "1",
        "--min-workers",
        "0",
        "--max-workers",
        "1",
    ];
    let mut first = Vec::new();
    for run in 1..=lab.settings.clone_runs {
        let log = format!("warmfork-clone-first-{run}");
        let mut p = aworker_proc::start(lab, sc, "serve, scale from zero", &args, DEBUG_LOG, &log)?;
        aworker_proc::wait_for_log(&mut p, "Listening on", 1, Duration::from_secs(30))?;
        // The seed is ready; give the supervisor a few ticks of an empty queue.
        thread::sleep(Duration::from_millis(50));

        let sent = wall_now();
        let t0 = Instant::now();
        let r = http::first_response(loopback(p.port), "/", Duration::from_secs(10), &mut || {
            Ok(())
        })?;
        let elapsed = ms(t0.elapsed().as_secs_f64());
        if r.status != 200 {
            bail!("the new clone answered status {}", r.status);
        }
        let text = aworker_proc::wait_for_log(&mut p, "clone ready", 1, Duration::from_secs(5))?;
        p.server.stop();

        let lines = parse_log(&text);
        let ready = find(&lines, "clone ready").context("no `clone ready` line")?;
        lab.sample(
            sc,
            "aworker",
            "new clone",
            "first_response_ms",
            "ms",
            run,
            elapsed,
        );
        lab.sample(
            sc,
            "aworker",
            "new clone",
            "request_to_ready_ms",
            "ms",
            run,
            ms(ready.at - sent),
        );
        if let Some(started) = find(&lines, "clone started") {
            let v = ms(ready.at - started.at);
            lab.sample(
                sc,
                "aworker",
                "new clone",
                "started_to_ready_ms",
                "ms",
                run,
                v,
            );
        }
        record_latency(lab, "new clone", run, &lines);
        first.push(elapsed);
        bar.inc(1);
    }
    let s = Summary::of(&first).context("no samples")?;
    Ok(format!(
        "first response of a new clone: median {:.2} ms",
        s.median
    ))
}

/// `--workers N` from exec: the seed's readiness, then N clones forked and ready.
fn scale_from_zero(lab: &mut Lab, bar: &indicatif::ProgressBar) -> Result<String> {
    let sc = Scenario::WarmforkClone;
    let n = lab.settings.scale_clones;
    let n_s = n.to_string();
    let variant = format!("{n} clones");
    let args = ["serve", HELLO, "--workers", &n_s];
    let mut all = Vec::new();
    for run in 1..=lab.settings.clone_runs {
        let log = format!("warmfork-clone-scale-{run}");
        let exec = wall_now();
        let mut p = aworker_proc::start(
            lab,
            sc,
            &format!("serve, {variant}"),
            &args,
            DEBUG_LOG,
            &log,
        )?;
        aworker_proc::wait_for_log(&mut p, "Listening on", 1, Duration::from_secs(30))?;
        let seed_ready = wall_now();
        let deadline = Instant::now() + Duration::from_secs(30);
        while children(p.server.pid()).len() < n + 1 {
            if Instant::now() > deadline {
                bail!("{n} clones not forked within 30 s");
            }
            thread::sleep(Duration::from_micros(200));
        }
        let forked = wall_now();
        let text = aworker_proc::wait_for_log(&mut p, "clone ready", n, Duration::from_secs(30))?;
        p.server.stop();

        let lines = parse_log(&text);
        let last = lines
            .iter()
            .filter(|l| l.message == "clone ready")
            .map(|l| l.at)
            .fold(f64::MIN, f64::max);
        let seed_ms = ms(seed_ready - exec);
        lab.sample(sc, "aworker", &variant, "seed_ready_ms", "ms", run, seed_ms);
        lab.sample(
            sc,
            "aworker",
            &variant,
            "all_forked_ms",
            "ms",
            run,
            ms(forked - seed_ready),
        );
        lab.sample(
            sc,
            "aworker",
            &variant,
            "all_ready_ms",
            "ms",
            run,
            ms(last - seed_ready),
        );
        all.push(ms(last - seed_ready));
        record_latency(lab, &variant, run, &lines);
        bar.inc(1);
    }
    let s = Summary::of(&all).context("no samples")?;
    Ok(format!("{variant} ready {:.1} ms after the seed", s.median))
}

/// `clone_latency_ms` and `fork_point_ms` of every `clone ready` line that carries them (one
/// sample per clone; `run` numbers them apart across runs).
fn record_latency(lab: &mut Lab, variant: &str, run: u32, lines: &[LogLine]) {
    let sc = Scenario::WarmforkClone;
    let ready = lines.iter().filter(|l| l.message == "clone ready");
    for (i, l) in (0..).zip(ready) {
        let us = |k| l.field(k).and_then(|v| v.parse::<f64>().ok());
        let n = run * 1000 + i;
        if let Some(r) = us("ready_us") {
            lab.sample(
                sc,
                "aworker",
                variant,
                "clone_latency_ms",
                "ms",
                n,
                r / 1000.0,
            );
        }
        if let Some(f) = us("fork_us") {
            lab.sample(sc, "aworker", variant, "fork_point_ms", "ms", n, f / 1000.0);
        }
    }
}

fn find<'a>(lines: &'a [LogLine], message: &str) -> Option<&'a LogLine> {
    lines.iter().find(|l| l.message == message)
}

/// The children of `pid` (all its threads').
fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let text = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        out.extend(parse_children(&text));
    }
    out
}

/// For each clone count: N clones after 100 requests each, then N cold processes likewise.
fn clone_memory(lab: &mut Lab, _: usize, bar: &indicatif::ProgressBar) -> Result<String> {
    let mut summary = Vec::new();
    for n in lab.settings.clone_counts.clone() {
        let clones = clones_memory(lab, n)?;
        bar.inc(1);
        let cold = cold_memory(lab, n)?;
        bar.inc(1);
        summary.push(format!("{n}: USS {:.2} vs {:.1} MiB", clones, cold));
    }
    Ok(format!(
        "USS per clone vs per cold process, {}",
        summary.join(", ")
    ))
}

fn clones_memory(lab: &mut Lab, n: usize) -> Result<f64> {
    let sc = Scenario::CloneMemory;
    let n_s = n.to_string();
    let args = ["serve", HELLO, "--workers", &n_s];
    let mut p = aworker_proc::start(
        lab,
        sc,
        "serve, N clones",
        &args,
        DEBUG_LOG,
        &format!("clone-memory-{n}"),
    )?;
    aworker_proc::wait_for_log(&mut p, "clone ready", n, Duration::from_secs(60))?;
    let requests = lab.settings.clone_requests * n;
    fresh_requests(p.port, requests)?;
    thread::sleep(Duration::from_millis(300));
    p.server.check_alive()?;

    let text = std::fs::read_to_string(&p.log)?;
    let lines = parse_log(&text);
    let seed: Option<u32> = find(&lines, "seed started")
        .and_then(|l| l.field("seed"))
        .and_then(|s| s.parse().ok());
    let mut served: BTreeMap<u32, usize> = BTreeMap::new();
    for l in lines.iter().filter(|l| l.message == "clone ready") {
        if let Some(pid) = l.field("clone").and_then(|s| s.parse().ok()) {
            served.insert(pid, 0);
        }
    }
    for l in lines.iter().filter(|l| l.message.starts_with("GET /")) {
        if let Some(pid) = l.field("pid").and_then(|s| s.parse().ok()) {
            *served.entry(pid).or_default() += 1;
        }
    }

    let variant = format!("warmfork {n}");
    let mut uss = Vec::new();
    for (run, (&pid, _)) in (1..).zip(&served) {
        let m = read(pid)?;
        record(lab, &variant, run, m);
        uss.push(mib(m.uss_kib));
    }
    if let Some(seed) = seed {
        let m = read(seed)?;
        lab.sample(
            sc,
            "aworker",
            &variant,
            "seed_pss_mib",
            "MiB",
            1,
            mib(m.pss_kib),
        );
    }
    let sup = read(p.server.pid())?;
    lab.sample(
        sc,
        "aworker",
        &variant,
        "supervisor_pss_mib",
        "MiB",
        1,
        mib(sup.pss_kib),
    );
    let total = measure_tree(p.server.pid())?;
    lab.sample(
        sc,
        "aworker",
        &variant,
        "tree_pss_mib",
        "MiB",
        1,
        mib(total.pss_kib),
    );
    let counts: Vec<f64> = served.values().map(|&c| c as f64).collect();
    for (run, c) in (1..).zip(&counts) {
        lab.sample(
            sc,
            "aworker",
            &variant,
            "requests_served",
            "requests",
            run,
            *c,
        );
    }
    p.server.stop();
    if served.len() != n {
        bail!("expected {n} clones, the log names {}", served.len());
    }
    Ok(Summary::of(&uss).context("no clones")?.median)
}

fn cold_memory(lab: &mut Lab, n: usize) -> Result<f64> {
    let sc = Scenario::CloneMemory;
    let mut procs = Vec::new();
    for i in 0..n {
        let log = format!("clone-memory-cold-{n}-{i}");
        let args = ["serve", HELLO];
        procs.push(aworker_proc::start(
            lab,
            sc,
            "serve, one cold process each",
            &args,
            "warn",
            &log,
        )?);
    }
    for p in &mut procs {
        aworker_proc::first_response(p, Instant::now())?;
        fresh_requests(p.port, lab.settings.clone_requests - 1)?;
    }
    thread::sleep(Duration::from_millis(300));
    let variant = format!("cold {n}");
    let mut uss = Vec::new();
    let mut measured = Vec::new();
    for p in &mut procs {
        p.server.check_alive()?;
        measured.push(read(p.server.pid())?);
    }
    for (run, m) in (1..).zip(measured) {
        record(lab, &variant, run, m);
        uss.push(mib(m.uss_kib));
    }
    for p in procs {
        p.server.stop();
    }
    Ok(Summary::of(&uss).context("no processes")?.median)
}

/// `count` GETs, each on a fresh connection, one after another.
fn fresh_requests(port: u16, count: usize) -> Result<()> {
    for i in 0..count {
        let r = http::first_response(loopback(port), "/", Duration::from_secs(10), &mut || Ok(()))?;
        if r.status != 200 {
            bail!("request {i} answered status {}", r.status);
        }
    }
    Ok(())
}

fn read(pid: u32) -> Result<Memory> {
    let path = format!("/proc/{pid}/smaps_rollup");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
    crate::smaps::parse_smaps_rollup(&text)
}

fn record(lab: &mut Lab, variant: &str, run: u32, m: Memory) {
    let sc = Scenario::CloneMemory;
    lab.sample(
        sc,
        "aworker",
        variant,
        "rss_mib",
        "MiB",
        run,
        mib(m.rss_kib),
    );
    lab.sample(
        sc,
        "aworker",
        variant,
        "pss_mib",
        "MiB",
        run,
        mib(m.pss_kib),
    );
    lab.sample(
        sc,
        "aworker",
        variant,
        "uss_mib",
        "MiB",
        run,
        mib(m.uss_kib),
    );
    lab.sample(
        sc,
        "aworker",
        variant,
        "private_dirty_mib",
        "MiB",
        run,
        mib(m.private_dirty_kib),
    );
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
