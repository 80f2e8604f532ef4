//! Throughput and latency under wrk: hello world and a 64 KiB body.
//!
//! One server process per (runtime, app): a warm-up load whose figures are kept only in the
//! raw logs, then several measured loads of the same length. Every wrk run is time-limited by
//! wrk itself and, should it hang, killed by perf-lab.

use std::time::Duration;

use anyhow::{bail, Context, Result};

use super::{run_bounded, Lab, Scenario};
use crate::results::Distribution;
use crate::runtimes::{shown_path, App, Role};
use crate::stats::Summary;
use crate::wrk::{self, Load};

const APPS: [App; 2] = [App::Hello, App::Body64k];

pub(super) fn run(lab: &mut Lab) {
    let s = &lab.settings;
    let steps = APPS.len() as u64 * (1 + u64::from(s.load_runs));
    let applies = |rt: &crate::runtimes::Runtime| match rt.role {
        Role::Server => Ok(()),
        Role::StartupVariant => Err("a start-up variant; serves like its base runtime".into()),
    };
    lab.each_runtime(Scenario::Throughput, steps, applies, measure);
}

/// The variant label of an app under the run's load, e.g. `body64k c=32`.
pub fn variant(app: App, connections: u32) -> String {
    format!("{} c={connections}", app.name())
}

fn measure(lab: &mut Lab, i: usize, bar: &indicatif::ProgressBar) -> Result<String> {
    let Some(wrk_path) = lab.wrk.clone() else {
        bail!("wrk not found on PATH; run ci/install-peers");
    };
    let name = lab.runtimes[i].name;
    let s = lab.settings.clone();
    let (raw, root, script) = (lab.raw(), lab.root.clone(), lab.wrk_script.clone());
    let mut parts = Vec::new();

    for app in APPS {
        let variant = variant(app, s.connections);
        let log = format!("throughput-{name}-{}", app.name());
        let (mut server, port, _) = lab.start_server(Scenario::Throughput, i, app, &log)?;
        let url = format!("http://127.0.0.1:{port}/");

        let load = |secs| Load {
            connections: s.connections,
            duration: Duration::from_secs(secs),
        };
        let warmup = wrk::command(&wrk_path, &script, load(s.load_warmup_s), &url, s.load_cpu);
        let wrk_log = |run: &str| raw.join(format!("wrk/{name}-{}-{run}.txt", app.name()));
        run_bounded(warmup, &wrk_log("warmup"), limit(s.load_warmup_s))?;
        bar.inc(1);

        let mut rps = Vec::new();
        for run in 1..=s.load_runs {
            let cmd = wrk::command(
                &wrk_path,
                &script,
                load(s.load_duration_s),
                &url,
                s.load_cpu,
            );
            let shown = format!("{} {}", cmd.get_program().to_string_lossy(), {
                let args = cmd.get_args().map(|a| shown_path(a.as_ref(), &root));
                args.collect::<Vec<_>>().join(" ")
            });
            let out = run_bounded(cmd, &wrk_log(&run.to_string()), limit(s.load_duration_s))?;
            let r = wrk::parse_output(&out).with_context(|| format!("{variant} run {run}"))?;
            server
                .check_alive()
                .with_context(|| format!("during {variant} run {run}"))?;
            if r.requests == 0 {
                bail!("{variant} run {run}: no request completed");
            }

            let shown = shown.replace(&url, "http://127.0.0.1:$PORT/");
            lab.command(
                Scenario::Throughput,
                name,
                &format!("load {}", app.name()),
                shown,
            );
            let sc = Scenario::Throughput;
            lab.sample(
                sc,
                name,
                &variant,
                "requests_per_s",
                "req/s",
                run,
                r.requests_per_s,
            );
            lab.sample(
                sc,
                name,
                &variant,
                "latency_p50_ms",
                "ms",
                run,
                r.latency_p50_ms,
            );
            lab.sample(
                sc,
                name,
                &variant,
                "latency_p99_ms",
                "ms",
                run,
                r.latency_p99_ms,
            );
            lab.sample(sc, name, &variant, "errors", "count", run, r.errors as f64);
            lab.distributions.push(Distribution {
                scenario: sc.name().into(),
                runtime: name.into(),
                variant: variant.clone(),
                run,
                percentiles: r.percentiles,
            });
            rps.push(r.requests_per_s);
            bar.inc(1);
        }
        server.stop();

        let median = Summary::of(&rps).map_or(0.0, |s| s.median);
        parts.push(format!("{} {:.0} req/s", app.name(), median));
    }
    Ok(parts.join(", "))
}

/// How long a wrk run of `secs` may take before perf-lab kills it.
fn limit(secs: u64) -> Duration {
    Duration::from_secs(secs + 15)
}
