//! Turns a run's results into `summary.md` (headline and tables), `report.md` and
//! `report.html` (also machine, versions, plots and the exact commands) and `plots/*.svg`.
//!
//! Figures are compared only as ratios of medians measured in the same run.

mod doc;
mod micro;
pub mod plots;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use crate::results::{RunData, SeriesKey, Status};
use crate::scenarios::Scenario;
use crate::stats::{ratio, Summary};
use doc::Doc;
use plots::{Bar, BarSeries, Curve, PALETTE};

/// The runtime the headline is about.
const SUBJECT: &str = "aworker";

type Sums = BTreeMap<SeriesKey, Summary>;

/// Writes summary, report and plots into `dir`.
pub fn write(data: &RunData, dir: &Path) -> Result<()> {
    let plots_dir = dir.join("plots");
    fs::create_dir_all(&plots_dir)
        .with_context(|| format!("cannot create {}", plots_dir.display()))?;
    let plots = draw_plots(data, &plots_dir)?;

    let title = format!(
        "perf-lab report: {} on {}",
        data.meta.date, data.meta.machine.host
    );
    let summary = build(data, &title, &plots, Detail::Summary);
    let report = build(data, &title, &plots, Detail::Report);

    let write = |name: &str, text: String| {
        let path = dir.join(name);
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    write("summary.md", summary.markdown())?;
    write("report.md", report.markdown())?;
    write("report.html", report.html(&title))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    Summary,
    Report,
}

struct View<'a> {
    data: &'a RunData,
    sums: BTreeMap<String, Sums>,
    /// Runtime names in report order.
    runtimes: Vec<&'a str>,
}

impl<'a> View<'a> {
    fn new(data: &'a RunData) -> View<'a> {
        let sums = data
            .scenarios
            .iter()
            .map(|s| (s.clone(), data.summarise(s)))
            .collect();
        let runtimes = data.meta.runtimes.iter().map(|r| r.name.as_str()).collect();
        View {
            data,
            sums,
            runtimes,
        }
    }

    fn get(
        &self,
        scenario: Scenario,
        runtime: &str,
        variant: &str,
        metric: &str,
    ) -> Option<Summary> {
        let key = SeriesKey {
            runtime: runtime.into(),
            variant: variant.into(),
            metric: metric.into(),
        };
        self.sums.get(scenario.name())?.get(&key).copied()
    }

    fn reference(&self) -> &str {
        &self.data.meta.settings.reference
    }

    /// `× reference` of a median, as text.
    fn vs_ref(&self, scenario: Scenario, rt: &str, variant: &str, metric: &str) -> String {
        let value = self.get(scenario, rt, variant, metric);
        let reference = self.get(scenario, self.reference(), variant, metric);
        match (value, reference) {
            (Some(v), Some(r)) => times(ratio(v.median, r.median)),
            _ => "–".into(),
        }
    }

    /// The status text of a runtime that has no numbers in `scenario`.
    fn why_none(&self, scenario: Scenario, rt: &str) -> String {
        match self.data.outcome(scenario.name(), rt) {
            Some(Status::Measured) | None => "no data".into(),
            Some(s) => s.describe(),
        }
    }

    fn color(&self, rt: &str) -> plotters::style::RGBColor {
        let i = self.runtimes.iter().position(|r| *r == rt).unwrap_or(0);
        PALETTE[i % PALETTE.len()]
    }
}

fn times(r: Option<f64>) -> String {
    r.map_or("–".into(), |r| format!("{r:.2}×"))
}

fn build(data: &RunData, title: &str, plots: &[(Scenario, String, String)], detail: Detail) -> Doc {
    let v = View::new(data);
    let m = &data.meta;
    let mut d = Doc::default();

    d.h(1, title);
    let kind = if m.settings.quick {
        "A `--quick` smoke run: few and short samples, not meant for comparisons."
    } else {
        "A full run."
    };
    d.p(format!(
        "{kind} {} cores ({}), {:.0} GiB, Linux {}. Started {} {}, took {:.0} s.",
        m.machine.cores,
        m.machine.cpu_model,
        m.machine.memory_gib,
        m.machine.kernel,
        m.date,
        m.started_utc,
        m.elapsed_s
    ));
    if detail == Detail::Summary {
        d.p("Plots, versions and the exact commands are in `report.md`.");
    }

    headline(&mut d, &v);
    if detail == Detail::Report {
        machine(&mut d, &v);
    }

    for name in data.scenarios.iter().map(String::as_str) {
        let Some(scenario) = Scenario::from_name(name) else {
            continue;
        };
        d.h(2, name);
        d.p(scenario.description());
        match scenario {
            Scenario::ColdStart => cold_start_table(&mut d, &v),
            Scenario::Throughput => throughput_table(&mut d, &v),
            Scenario::Memory => memory_table(&mut d, &v),
            Scenario::SnapshotStart | Scenario::WarmforkClone | Scenario::CloneMemory => {
                series_table(&mut d, &v, scenario);
                if scenario == Scenario::SnapshotStart {
                    snapshot_ratios(&mut d, &v);
                }
            }
            Scenario::Micro => micro::table(&mut d, &v),
        }
        if detail == Detail::Report {
            for (_, alt, src) in plots.iter().filter(|(s, _, _)| *s == scenario) {
                d.image(alt.clone(), src.clone());
            }
        }
        let problems: Vec<String> = v
            .runtimes
            .iter()
            .filter_map(|rt| match data.outcome(name, rt) {
                Some(s @ (Status::Missing { .. } | Status::Failed { .. })) => {
                    Some(format!("{rt}: {}", s.describe()))
                }
                _ => None,
            })
            .collect();
        d.list(problems);
    }

    if detail == Detail::Report {
        commands(&mut d, data);
        reproduce(&mut d, &v);
    }
    d
}

fn headline(d: &mut Doc, v: &View) {
    d.h(2, "Headline");
    let subject_measured = v
        .data
        .outcomes
        .iter()
        .any(|o| o.runtime == SUBJECT && o.status == Status::Measured);
    let subject = if subject_measured {
        SUBJECT
    } else {
        v.reference()
    };
    if !subject_measured {
        let why = v
            .data
            .meta
            .runtimes
            .iter()
            .find(|r| r.name == SUBJECT)
            .and_then(|r| r.missing.clone())
            .unwrap_or_else(|| "it produced no numbers".into());
        d.p(format!(
            "**aworker was not measured in this run** ({why}); the table shows {subject} instead."
        ));
    }
    d.p(format!(
        "Median of {subject} divided by the median of each peer, both measured in this run. \
         Below 1× is better for time and memory, above 1× is better for requests/s."
    ));

    let measured = |rt: &str| v.data.samples.iter().any(|s| s.runtime == rt);
    let peers: Vec<&str> = v
        .runtimes
        .iter()
        .copied()
        .filter(|r| *r != subject && measured(r))
        .collect();
    let conns = v.data.meta.settings.connections;
    let rows: [(&str, Scenario, String, &str); 7] = [
        (
            "cold start",
            Scenario::ColdStart,
            "hello".into(),
            "first_response_ms",
        ),
        (
            "hello req/s",
            Scenario::Throughput,
            format!("hello c={conns}"),
            "requests_per_s",
        ),
        (
            "hello p99 latency",
            Scenario::Throughput,
            format!("hello c={conns}"),
            "latency_p99_ms",
        ),
        (
            "64 KiB req/s",
            Scenario::Throughput,
            format!("body64k c={conns}"),
            "requests_per_s",
        ),
        (
            "64 KiB p99 latency",
            Scenario::Throughput,
            format!("body64k c={conns}"),
            "latency_p99_ms",
        ),
        (
            "PSS after 1000 req",
            Scenario::Memory,
            crate::scenarios::AFTER.into(),
            "pss_mib",
        ),
        (
            "USS after 1000 req",
            Scenario::Memory,
            crate::scenarios::AFTER.into(),
            "uss_mib",
        ),
    ];

    let mut table = Vec::new();
    let mut noisy = false;
    for (label, scenario, variant, metric) in rows {
        let Some(mine) = v.get(scenario, subject, &variant, metric) else {
            continue;
        };
        let mut row = vec![label.to_string(), format_value(metric, mine.median)];
        for peer in &peers {
            let theirs = v.get(scenario, peer, &variant, metric);
            let mut cell = times(theirs.and_then(|t| ratio(mine.median, t.median)));
            if theirs.is_some_and(|t| is_noisy(&mine) || is_noisy(&t)) {
                cell.push('†');
                noisy = true;
            }
            row.push(cell);
        }
        table.push(row);
    }
    if table.is_empty() {
        d.p("No figures to compare.");
        return;
    }
    let head: Vec<String> = ["metric".to_string(), subject.to_string()]
        .into_iter()
        .chain(peers.iter().map(|p| format!("vs {p}")))
        .collect();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    d.table(&head, table);
    if noisy {
        d.p(format!(
            "† One of the two medians has an interquartile range above {NOISY_PCT:.0}% of \
             itself: the ratio is uncertain; see the tables below."
        ));
    }
}

/// Above this spread (IQR as a percentage of the median) a headline ratio is marked uncertain.
const NOISY_PCT: f64 = 25.0;

fn is_noisy(s: &Summary) -> bool {
    s.n > 1 && s.spread_pct() > NOISY_PCT
}

fn format_value(metric: &str, v: f64) -> String {
    match metric {
        "requests_per_s" => format!("{v:.0} req/s"),
        m if m.ends_with("_ms") => format!("{v:.2} ms"),
        m if m.ends_with("_mib") => format!("{v:.1} MiB"),
        _ => format!("{v}"),
    }
}

fn machine(d: &mut Doc, v: &View) {
    let m = &v.data.meta;
    let s = &m.settings;
    d.h(2, "Machine and runtimes");
    let pin = match (s.server_cpu, s.load_cpu) {
        (Some(a), Some(b)) => format!(
            "in throughput runs the server is pinned to CPU {a} and wrk to CPU {b} (taskset); \
             cold start and memory runs are not pinned"
        ),
        _ => "no CPU pinning".into(),
    };
    d.list(vec![
        format!("host `{}`: {}", m.machine.host, m.machine.os),
        format!("CPU: {} × {}", m.machine.cores, m.machine.cpu_model),
        format!("memory: {:.1} GiB", m.machine.memory_gib),
        format!("kernel: Linux {}", m.machine.kernel),
        format!("placement: {pin}; loopback (127.0.0.1) only"),
    ]);

    let rows = m
        .runtimes
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                r.version.clone().unwrap_or_else(|| "–".into()),
                r.program.as_ref().map_or("–".into(), |p| format!("`{p}`")),
                r.missing
                    .as_ref()
                    .map_or("found".into(), |why| format!("missing: {why}")),
            ]
        })
        .collect();
    d.table(&["runtime", "version", "executable", "status"], rows);
    let tools: Vec<String> = m.tools.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    d.list(tools);

    d.p(format!(
        "Settings: cold start {} warm-up + {} measured runs; load {} s warm-up + {} runs × {} s, \
         {} connections, 1 wrk thread; memory {} run(s), {} requests, idle measured {} ms after \
         the first response; micro suites limited to {} s each. Reference for ratios: {}.",
        s.cold_start_warmups,
        s.cold_start_runs,
        s.load_warmup_s,
        s.load_runs,
        s.load_duration_s,
        s.connections,
        s.memory_runs,
        s.memory_requests,
        s.idle_settle_ms,
        s.micro_suite_limit_s,
        s.reference
    ));
}

fn cold_start_table(d: &mut Doc, v: &View) {
    let sc = Scenario::ColdStart;
    let rows = v
        .runtimes
        .iter()
        .map(|rt| match v.get(sc, rt, "hello", "first_response_ms") {
            Some(s) => vec![
                rt.to_string(),
                format!("{:.1}", s.median),
                format!("{:.1}–{:.1}", s.p25, s.p75),
                format!("{:.1}–{:.1}", s.min, s.max),
                s.n.to_string(),
                v.vs_ref(sc, rt, "hello", "first_response_ms"),
            ],
            None => vec![rt.to_string(), v.why_none(sc, rt)],
        })
        .collect();
    let vs = format!("× {}", v.reference());
    d.table(
        &["runtime", "median ms", "p25–p75", "min–max", "n", &vs],
        rows,
    );
}

fn throughput_table(d: &mut Doc, v: &View) {
    let sc = Scenario::Throughput;
    let conns = v.data.meta.settings.connections;
    let mut rows = Vec::new();
    for rt in &v.runtimes {
        let mut any = false;
        for app in ["hello", "body64k"] {
            let variant = format!("{app} c={conns}");
            let Some(rps) = v.get(sc, rt, &variant, "requests_per_s") else {
                continue;
            };
            any = true;
            let p = |metric| v.get(sc, rt, &variant, metric).map_or(0.0, |s| s.median);
            let errors = v.get(sc, rt, &variant, "errors").map_or(0.0, |s| s.max);
            rows.push(vec![
                rt.to_string(),
                variant.clone(),
                format!("{:.0}", rps.median),
                format!("{:.1}%", rps.spread_pct()),
                v.vs_ref(sc, rt, &variant, "requests_per_s"),
                format!("{:.2}", p("latency_p50_ms")),
                format!("{:.2}", p("latency_p99_ms")),
                format!("{errors:.0}"),
                rps.n.to_string(),
            ]);
        }
        if !any {
            rows.push(vec![rt.to_string(), v.why_none(sc, rt)]);
        }
    }
    let vs = format!("× {}", v.reference());
    let head = [
        "runtime", "load", "req/s", "IQR", &vs, "p50 ms", "p99 ms", "errors", "n",
    ];
    d.table(&head, rows);
    d.p(
        "req/s, p50 and p99 are medians over the runs; IQR is the interquartile range of req/s \
         over its median; errors is the most in any run (socket errors and non-2xx).",
    );
}

fn memory_table(d: &mut Doc, v: &View) {
    let sc = Scenario::Memory;
    let mut rows = Vec::new();
    for rt in &v.runtimes {
        let mut any = false;
        for phase in [crate::scenarios::IDLE, crate::scenarios::AFTER] {
            let Some(pss) = v.get(sc, rt, phase, "pss_mib") else {
                continue;
            };
            any = true;
            let m = |metric| v.get(sc, rt, phase, metric).map_or(0.0, |s| s.median);
            rows.push(vec![
                rt.to_string(),
                phase.to_string(),
                format!("{:.1}", m("rss_mib")),
                format!("{:.1}", pss.median),
                format!("{:.1}", m("uss_mib")),
                v.vs_ref(sc, rt, phase, "pss_mib"),
                pss.n.to_string(),
            ]);
        }
        if !any {
            rows.push(vec![rt.to_string(), v.why_none(sc, rt)]);
        }
    }
    let vs = format!("PSS × {}", v.reference());
    d.table(
        &[
            "runtime", "phase", "RSS MiB", "PSS MiB", "USS MiB", &vs, "n",
        ],
        rows,
    );
}

/// Every (variant, metric) series of aworker in `scenario`: median, spread, p99 and n.
fn series_table(d: &mut Doc, v: &View, scenario: Scenario) {
    let Some(sums) = v.sums.get(scenario.name()) else {
        return;
    };
    let mut keys: Vec<&SeriesKey> = sums.keys().filter(|k| k.runtime == SUBJECT).collect();
    // Variants in the order they were measured.
    let order = |k: &SeriesKey| {
        v.data
            .samples
            .iter()
            .position(|s| s.scenario == scenario.name() && s.variant == k.variant)
    };
    keys.sort_by_key(|k| (order(k), k.metric.clone()));
    let rows: Vec<Vec<String>> = keys
        .into_iter()
        .map(|k| {
            let s = sums[k];
            let mut values: Vec<f64> = v
                .data
                .samples
                .iter()
                .filter(|x| {
                    x.scenario == scenario.name()
                        && x.runtime == k.runtime
                        && x.variant == k.variant
                        && x.metric == k.metric
                })
                .map(|x| x.value)
                .collect();
            values.sort_by(f64::total_cmp);
            let p99 = crate::stats::quantile(&values, 0.99);
            let f = |x: f64| format!("{x:.2}");
            vec![
                k.variant.clone(),
                k.metric.clone(),
                f(s.median),
                format!("{}–{}", f(s.p25), f(s.p75)),
                f(p99),
                format!("{}–{}", f(s.min), f(s.max)),
                s.n.to_string(),
            ]
        })
        .collect();
    if rows.is_empty() {
        let status = v
            .data
            .outcome(scenario.name(), SUBJECT)
            .map(Status::describe);
        d.p(format!(
            "**{}**",
            status.unwrap_or_else(|| "not run".into())
        ));
        return;
    }
    d.table(
        &[
            "variant",
            "metric",
            "median",
            "p25–p75",
            "p99",
            "min–max",
            "n",
        ],
        rows,
    );
    if scenario == Scenario::CloneMemory {
        d.p(
            "Memory rows are per process (one sample per clone or cold process); \
             seed, supervisor and tree PSS are of the whole WarmFork server. requests_served \
             is the per-clone count from the request log. USS also counts code pages that only \
             one process maps (a lone clone's request path, which its seed never ran); \
             private_dirty is what a process alone keeps alive.",
        );
    }
}

/// Source over snapshot start-up, for the built-ins and for the bundle.
fn snapshot_ratios(d: &mut Doc, v: &View) {
    let sc = Scenario::SnapshotStart;
    let metric = "first_response_ms";
    let mut lines = Vec::new();
    for (what, source, snap) in [
        (
            "built-ins (hello world)",
            "hello, built-ins from source",
            "hello, built-in snapshot",
        ),
        ("bundle", "bundle, from source", "bundle, from its snapshot"),
    ] {
        let (Some(a), Some(b)) = (
            v.get(sc, SUBJECT, source, metric),
            v.get(sc, SUBJECT, snap, metric),
        ) else {
            continue;
        };
        lines.push(format!(
            "{what}: from source {:.1} ms, from the snapshot {:.1} ms: {} faster",
            a.median,
            b.median,
            times(ratio(a.median, b.median))
        ));
    }
    let skipped: Vec<String> = v
        .data
        .commands
        .iter()
        .filter(|c| c.scenario == sc.name() && c.what == "bundle skipped")
        .map(|c| format!("bundle skipped: {}", c.command))
        .collect();
    d.list(lines.into_iter().chain(skipped).collect());
}

fn commands(d: &mut Doc, data: &RunData) {
    d.h(2, "Exact commands");
    d.p(
        "Run from the workspace root. `$PORT` is a free loopback port picked per run; every \
         server gets the same wrk command.",
    );
    for name in &data.scenarios {
        let lines: Vec<String> = data
            .commands
            .iter()
            .filter(|c| &c.scenario == name)
            .map(|c| format!("# {} {}\n{}", c.runtime, c.what, c.command))
            .collect();
        if !lines.is_empty() {
            d.h(3, name.clone());
            d.code(lines.join("\n"));
        }
    }
}

fn reproduce(d: &mut Doc, v: &View) {
    d.h(2, "Reproduce");
    let quick = if v.data.meta.settings.quick {
        " --quick"
    } else {
        ""
    };
    d.code(format!(
        "ci/install-peers                      # deno, bun, workerd from npm; wrk from apt\n\
         cargo build --release -p aworker\n\
         cargo run --release -p perf-lab -- run{quick} --connections {}",
        v.data.meta.settings.connections
    ));
    d.p("Compare ratios within one run, never absolute figures across machines.");
}

/// Draws every plot; returns (scenario, alt text, path relative to the run dir).
fn draw_plots(data: &RunData, dir: &Path) -> Result<Vec<(Scenario, String, String)>> {
    let v = View::new(data);
    let mut out = Vec::new();
    let conns = data.meta.settings.connections;
    let bar = |s: Summary| {
        Some(Bar {
            median: s.median,
            lo: s.p25,
            hi: s.p75,
        })
    };

    let ran = |s: Scenario| data.scenarios.iter().any(|n| n == s.name());
    if ran(Scenario::ColdStart) {
        let (cats, bars) = categories(&v, |rt| {
            v.get(Scenario::ColdStart, rt, "hello", "first_response_ms")
        });
        if !cats.is_empty() {
            let series = [BarSeries {
                name: "exec to first response".into(),
                color: PALETTE[1],
                bars: bars.into_iter().map(|s| s.and_then(bar)).collect(),
            }];
            let title = "Cold start: exec to first response (median, whiskers p25–p75)";
            plots::bars(&dir.join("cold-start.svg"), title, "ms", &cats, &series)?;
            out.push((
                Scenario::ColdStart,
                "cold start per runtime".into(),
                "plots/cold-start.svg".into(),
            ));
        }
    }

    if ran(Scenario::Throughput) {
        let hello = format!("hello c={conns}");
        let big = format!("body64k c={conns}");
        let (cats, _) = categories(&v, |rt| {
            v.get(Scenario::Throughput, rt, &hello, "requests_per_s")
        });
        if !cats.is_empty() {
            let series: Vec<BarSeries> = [(&hello, PALETTE[1]), (&big, PALETTE[4])]
                .into_iter()
                .map(|(variant, color)| BarSeries {
                    name: variant.clone(),
                    color,
                    bars: cats
                        .iter()
                        .map(|rt| {
                            v.get(Scenario::Throughput, rt, variant, "requests_per_s")
                                .and_then(bar)
                        })
                        .collect(),
                })
                .collect();
            let title = format!("Throughput, {conns} connections (median, whiskers p25–p75)");
            plots::bars(
                &dir.join("throughput.svg"),
                &title,
                "requests/s",
                &cats,
                &series,
            )?;
            out.push((
                Scenario::Throughput,
                "throughput per runtime".into(),
                "plots/throughput.svg".into(),
            ));
        }
        for (variant, file, label) in [
            (&hello, "latency-hello.svg", "hello world"),
            (&big, "latency-body64k.svg", "64 KiB body"),
        ] {
            let curves: Vec<Curve> = v
                .runtimes
                .iter()
                .filter_map(|rt| {
                    let points = median_distribution(data, rt, variant)?;
                    Some(Curve {
                        name: rt.to_string(),
                        color: v.color(rt),
                        points,
                    })
                })
                .collect();
            if !curves.is_empty() {
                let title = format!("Latency, {label}, {conns} connections (median over runs)");
                plots::latency_curves(&dir.join(file), &title, &curves)?;
                out.push((
                    Scenario::Throughput,
                    format!("latency distribution, {label}"),
                    format!("plots/{file}"),
                ));
            }
        }
    }

    if ran(Scenario::Memory) {
        use crate::scenarios::{AFTER, IDLE};
        let (cats, _) = categories(&v, |rt| v.get(Scenario::Memory, rt, AFTER, "pss_mib"));
        if !cats.is_empty() {
            let series: Vec<BarSeries> = [
                ("PSS idle", IDLE, "pss_mib", PALETTE[2]),
                ("PSS after 1000 req", AFTER, "pss_mib", PALETTE[1]),
                ("USS idle", IDLE, "uss_mib", PALETTE[3]),
                ("USS after 1000 req", AFTER, "uss_mib", PALETTE[5]),
            ]
            .into_iter()
            .map(|(name, phase, metric, color)| BarSeries {
                name: name.into(),
                color,
                bars: cats
                    .iter()
                    .map(|rt| v.get(Scenario::Memory, rt, phase, metric).and_then(bar))
                    .collect(),
            })
            .collect();
            let title = "Memory per server process (median, whiskers p25–p75)";
            plots::bars(&dir.join("memory.svg"), title, "MiB", &cats, &series)?;
            out.push((
                Scenario::Memory,
                "memory per runtime".into(),
                "plots/memory.svg".into(),
            ));
        }
    }
    if ran(Scenario::CloneMemory) {
        let sc = Scenario::CloneMemory;
        let counts: Vec<usize> = data.meta.settings.clone_counts.clone();
        let cats: Vec<String> = counts
            .iter()
            .filter(|n| {
                v.get(sc, SUBJECT, &format!("warmfork {n}"), "uss_mib")
                    .is_some()
            })
            .map(|n| format!("{n} processes"))
            .collect();
        if !cats.is_empty() {
            let series: Vec<BarSeries> = [
                ("clone USS", "warmfork", "uss_mib", PALETTE[0]),
                ("clone PSS", "warmfork", "pss_mib", PALETTE[4]),
                ("cold USS", "cold", "uss_mib", PALETTE[1]),
                ("cold PSS", "cold", "pss_mib", PALETTE[2]),
            ]
            .into_iter()
            .map(|(name, kind, metric, color)| BarSeries {
                name: name.into(),
                color,
                bars: counts
                    .iter()
                    .take(cats.len())
                    .map(|n| {
                        v.get(sc, SUBJECT, &format!("{kind} {n}"), metric)
                            .and_then(bar)
                    })
                    .collect(),
            })
            .collect();
            let title = "Memory per process: WarmFork clones vs cold processes (median, p25–p75)";
            plots::bars(&dir.join("clone-memory.svg"), title, "MiB", &cats, &series)?;
            out.push((
                sc,
                "memory per clone and per cold process".into(),
                "plots/clone-memory.svg".into(),
            ));
        }
    }
    Ok(out)
}

/// The runtimes that have a value, in report order, with their values.
fn categories(
    v: &View,
    value: impl Fn(&str) -> Option<Summary>,
) -> (Vec<String>, Vec<Option<Summary>>) {
    v.runtimes
        .iter()
        .filter_map(|rt| value(rt).map(|s| (rt.to_string(), Some(s))))
        .unzip()
}

/// The per-percentile median over the runs of one runtime and load.
fn median_distribution(data: &RunData, runtime: &str, variant: &str) -> Option<Vec<(f64, f64)>> {
    let runs: Vec<&Vec<(f64, f64)>> = data
        .distributions
        .iter()
        .filter(|d| d.runtime == runtime && d.variant == variant && !d.percentiles.is_empty())
        .map(|d| &d.percentiles)
        .collect();
    let first = runs.first()?;
    let points = first
        .iter()
        .filter_map(|&(p, _)| {
            let values: Vec<f64> = runs
                .iter()
                .filter_map(|r| r.iter().find(|(q, _)| *q == p).map(|&(_, ms)| ms))
                .collect();
            Summary::of(&values).map(|s| (p, s.median))
        })
        .collect();
    Some(points)
}
