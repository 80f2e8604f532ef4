//! Memory of one hello-world server: idle, then after 1,000 sequential keep-alive requests.
//!
//! "Idle" is measured a settle time after the first response (the readiness check), so lazy
//! start-up work has had its chance to finish. Requests come one at a time over one
//! connection: the figure is what serving costs, not what a burst of connections costs.

use std::thread;
use std::time::Duration;

use anyhow::{bail, Result};

use super::cold_start::prepare_node_snapshot;
use super::{Lab, Scenario};
use crate::http::Client;
use crate::runtimes::App;
use crate::server::loopback;
use crate::smaps::{measure_tree, Memory};
use crate::stats::Summary;

pub const IDLE: &str = "idle";
pub const AFTER: &str = "after 1000 requests";

pub(super) fn run(lab: &mut Lab) {
    prepare_node_snapshot(lab);
    let steps = u64::from(lab.settings.memory_runs);
    lab.each_runtime(Scenario::Memory, steps, |_| Ok(()), measure);
}

fn measure(lab: &mut Lab, i: usize, bar: &indicatif::ProgressBar) -> Result<String> {
    let name = lab.runtimes[i].name;
    let s = lab.settings.clone();
    let mut after_pss = Vec::new();

    for run in 1..=s.memory_runs {
        let log = format!("memory-{name}-{run}");
        let (mut server, port, _) = lab.start_server(Scenario::Memory, i, App::Hello, &log)?;

        thread::sleep(Duration::from_millis(s.idle_settle_ms));
        server.check_alive()?;
        let idle = measure_tree(server.pid())?;

        let mut client = Client::connect(loopback(port))?;
        for n in 0..s.memory_requests {
            let r = client.get("/")?;
            if r.status != 200 {
                bail!("request {n} answered status {}", r.status);
            }
        }
        drop(client);
        thread::sleep(Duration::from_millis(200));
        server.check_alive()?;
        let after = measure_tree(server.pid())?;
        server.stop();

        record(lab, name, IDLE, run, idle);
        record(lab, name, AFTER, run, after);
        after_pss.push(mib(after.pss_kib));
        bar.inc(1);
    }

    let Some(pss) = Summary::of(&after_pss) else {
        bail!("no memory samples");
    };
    Ok(format!(
        "PSS after {} requests: median {:.1} MiB",
        s.memory_requests, pss.median
    ))
}

fn record(lab: &mut Lab, name: &str, phase: &str, run: u32, m: Memory) {
    let sc = Scenario::Memory;
    lab.sample(sc, name, phase, "rss_mib", "MiB", run, mib(m.rss_kib));
    lab.sample(sc, name, phase, "pss_mib", "MiB", run, mib(m.pss_kib));
    lab.sample(sc, name, phase, "uss_mib", "MiB", run, mib(m.uss_kib));
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
