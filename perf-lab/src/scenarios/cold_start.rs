//! Cold start: exec to the first complete response of the hello-world app.
//!
//! Each run is a fresh process on a fresh port; warm-up runs fill the page cache and are not
//! recorded. The clock starts just before spawn and stops when the whole response was read, so
//! it includes process start-up, script load, listen and the first request.

use std::thread;
use std::time::Duration;

use anyhow::{bail, Result};

use super::{Lab, Scenario};
use crate::runtimes::{build_node_snapshot, App, Kind};
use crate::stats::Summary;

pub(super) fn run(lab: &mut Lab) {
    prepare_node_snapshot(lab);

    let s = &lab.settings;
    let steps = u64::from(s.cold_start_warmups + s.cold_start_runs);
    lab.each_runtime(Scenario::ColdStart, steps, |_| Ok(()), measure);
}

fn measure(lab: &mut Lab, i: usize, bar: &indicatif::ProgressBar) -> Result<String> {
    let name = lab.runtimes[i].name;
    let (warmups, runs) = (
        lab.settings.cold_start_warmups,
        lab.settings.cold_start_runs,
    );
    let mut times = Vec::new();

    for n in 0..warmups + runs {
        let log = format!("cold-start-{name}-{n}");
        let (server, _port, elapsed) =
            lab.start_server(Scenario::ColdStart, i, App::Hello, &log)?;
        server.stop();
        bar.inc(1);

        if n >= warmups {
            let ms = elapsed.as_secs_f64() * 1000.0;
            let run = n - warmups + 1;
            lab.sample(
                Scenario::ColdStart,
                name,
                "hello",
                "first_response_ms",
                "ms",
                run,
                ms,
            );
            times.push(ms);
        }
        // Let the exited process's pages and sockets go before the next start.
        thread::sleep(Duration::from_millis(50));
    }

    let Some(s) = Summary::of(&times) else {
        bail!("no cold-start samples");
    };
    Ok(format!(
        "median {:.1} ms (min {:.1}, max {:.1}, n={})",
        s.median, s.min, s.max, s.n
    ))
}

/// Builds the Node snapshot blob once, or marks `node-snapshot` missing with the reason.
pub(super) fn prepare_node_snapshot(lab: &mut Lab) {
    if lab.snapshot_blob.exists() {
        return;
    }
    let Some(rt) = lab
        .runtimes
        .iter_mut()
        .find(|r| r.kind == Kind::NodeSnapshot)
    else {
        return;
    };
    let Some(node) = rt.program.clone() else {
        return;
    };
    if let Some(dir) = lab.snapshot_blob.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    match build_node_snapshot(&node, &lab.root, &lab.snapshot_blob) {
        Ok(command) => {
            lab.command(
                Scenario::ColdStart,
                "node-snapshot",
                "build snapshot",
                command,
            );
        }
        Err(e) => {
            rt.program = None;
            rt.missing = Some(format!("cannot build the snapshot: {e:#}"));
        }
    }
}
