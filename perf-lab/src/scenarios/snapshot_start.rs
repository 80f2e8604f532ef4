//! Start-up from a snapshot versus from source, exec to first response as in `cold-start`:
//! aworker's built-ins (embedded snapshot versus `--no-builtin-snapshot`), and an app with
//! about 1 MB of real dependencies (`apps/aworker/bundle-entry.js`, bundled by esbuild from
//! packages npm installs into `perf-lab/.bundle/`) from source versus from its user snapshot.

use std::path::PathBuf;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::aworker_proc::{self, ms, shown};
use super::warmfork::aworker_only;
use super::{run_bounded, Lab, Scenario};
use crate::runtimes::find_on_path;
use crate::stats::Summary;

/// The npm packages of the bundle, pinned by major version.
pub const PACKAGES: [&str; 6] = [
    "lodash-es@4",
    "date-fns@3",
    "zod@3",
    "marked@12",
    "yaml@2",
    "esbuild@0.24",
];

pub fn run(lab: &mut Lab) {
    let steps = u64::from(lab.settings.cold_start_warmups + lab.settings.cold_start_runs) * 4;
    lab.each_runtime(Scenario::SnapshotStart, steps, aworker_only, measure);
}

fn measure(lab: &mut Lab, _: usize, bar: &indicatif::ProgressBar) -> Result<String> {
    let hello = "perf-lab/apps/aworker/hello.js";
    let builtin = series(lab, "hello, built-in snapshot", &["serve", hello], bar)?;
    let source = series(
        lab,
        "hello, built-ins from source",
        &["serve", "--no-builtin-snapshot", hello],
        bar,
    )?;
    let mut text = format!(
        "built-ins: {:.1}× faster from the snapshot",
        source / builtin
    );

    match prepare_bundle(lab) {
        Ok((bundle, snap)) => {
            let (bundle, snap) = (bundle.to_string_lossy(), snap.to_string_lossy());
            let from_source = series(lab, "bundle, from source", &["serve", &bundle], bar)?;
            let args = ["serve", "--snapshot", &snap];
            let from_snap = series(lab, "bundle, from its snapshot", &args, bar)?;
            text.push_str(&format!(
                "; bundle: {:.1}× faster from its snapshot",
                from_source / from_snap
            ));
        }
        Err(e) => {
            let why = format!("{e:#}");
            lab.ui.line(&format!("  bundle skipped: {why}"));
            lab.command(Scenario::SnapshotStart, "aworker", "bundle skipped", why);
        }
    }
    Ok(text)
}

/// Exec to first response of `aworker <args>`, warm-ups first; returns the median in ms.
fn series(
    lab: &mut Lab,
    variant: &str,
    args: &[&str],
    bar: &indicatif::ProgressBar,
) -> Result<f64> {
    let (warmups, runs) = (
        lab.settings.cold_start_warmups,
        lab.settings.cold_start_runs,
    );
    let mut times = Vec::new();
    for n in 0..warmups + runs {
        let log = format!("snapshot-start-{}-{n}", variant.replace([' ', ','], "-"));
        let t0 = Instant::now();
        let mut p = aworker_proc::start(lab, Scenario::SnapshotStart, variant, args, "warn", &log)?;
        let elapsed = aworker_proc::first_response(&mut p, t0)?;
        p.server.stop();
        bar.inc(1);
        if n >= warmups {
            let v = ms(elapsed.as_secs_f64());
            let run = n - warmups + 1;
            lab.sample(
                Scenario::SnapshotStart,
                "aworker",
                variant,
                "first_response_ms",
                "ms",
                run,
                v,
            );
            times.push(v);
        }
        thread::sleep(Duration::from_millis(50));
    }
    Ok(Summary::of(&times).context("no samples")?.median)
}

/// Installs the packages (once), bundles the entry and builds its snapshot into the run's
/// `raw/`. A quick run uses the packages only when already installed.
fn prepare_bundle(lab: &mut Lab) -> Result<(PathBuf, PathBuf)> {
    let sc = Scenario::SnapshotStart;
    let dir = lab.root.join("perf-lab/.bundle");
    let esbuild = dir.join("node_modules/.bin/esbuild");
    let installed = PACKAGES.iter().all(|p| {
        dir.join("node_modules")
            .join(p.rsplit_once('@').map_or(*p, |x| x.0))
            .exists()
    });
    if !installed {
        if lab.settings.quick {
            bail!(
                "the npm packages are not installed in perf-lab/.bundle (a full run installs them)"
            );
        }
        let Some(npm) = find_on_path("npm") else {
            bail!("npm not found on PATH: cannot install the bundle's packages");
        };
        std::fs::create_dir_all(&dir)?;
        let mut cmd = Command::new(npm);
        cmd.args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .args(PACKAGES);
        lab.command(
            sc,
            "aworker",
            "install packages",
            format!(
                "npm install --no-audit --no-fund --prefix perf-lab/.bundle {}",
                PACKAGES.join(" ")
            ),
        );
        run_bounded(
            cmd,
            &lab.raw().join("logs/npm-install.log"),
            Duration::from_secs(300),
        )?;
    }

    let entry = lab.root.join("perf-lab/apps/aworker/bundle-entry.js");
    // esbuild resolves packages from the entry's folder upwards: bundle a copy inside .bundle.
    let copy = dir.join("entry.js");
    std::fs::copy(&entry, &copy).with_context(|| format!("cannot copy {}", entry.display()))?;
    let bundle = lab.raw().join("bundle.js");
    let snap = lab.raw().join("bundle.snap");
    let mut cmd = Command::new(&esbuild);
    cmd.arg(&copy)
        .args([
            "--bundle",
            "--format=esm",
            "--platform=browser",
            "--log-level=warning",
        ])
        .arg(format!("--outfile={}", bundle.display()));
    run_bounded(
        cmd,
        &lab.raw().join("logs/esbuild.log"),
        Duration::from_secs(60),
    )?;
    let size = std::fs::metadata(&bundle)?.len();
    lab.command(
        sc,
        "aworker",
        &format!("bundle ({} KiB)", size / 1024),
        format!(
            "cp perf-lab/apps/aworker/bundle-entry.js perf-lab/.bundle/entry.js && \
             perf-lab/.bundle/node_modules/.bin/esbuild perf-lab/.bundle/entry.js --bundle \
             --format=esm --platform=browser --outfile={}",
            shown(&bundle, &lab.root)
        ),
    );

    let aworker = aworker_path(lab)?;
    let mut cmd = Command::new(&aworker);
    cmd.args(["snapshot", "build"])
        .arg(&bundle)
        .arg("-o")
        .arg(&snap);
    run_bounded(
        cmd,
        &lab.raw().join("logs/snapshot-build.log"),
        Duration::from_secs(60),
    )?;
    lab.command(
        sc,
        "aworker",
        "build snapshot",
        format!(
            "{} snapshot build {} -o {}",
            shown(&aworker, &lab.root),
            shown(&bundle, &lab.root),
            shown(&snap, &lab.root)
        ),
    );
    Ok((bundle, snap))
}

fn aworker_path(lab: &Lab) -> Result<PathBuf> {
    lab.runtimes
        .iter()
        .find(|r| r.name == "aworker")
        .and_then(|r| r.program.clone())
        .context("aworker is missing")
}
