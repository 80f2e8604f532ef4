//! The `micro` section: per case, every runtime's median ns per operation and aworker's ratio
//! to each peer, with the cases in the order the suites ran them.

use super::doc::Doc;
use super::{is_noisy, times, View, NOISY_PCT, SUBJECT};
use crate::results::Status;
use crate::scenarios::{Scenario, MICRO_METRIC};
use crate::stats::ratio;

pub(super) fn table(d: &mut Doc, v: &View) {
    let sc = Scenario::Micro;
    let samples: Vec<_> = v
        .data
        .samples
        .iter()
        .filter(|s| s.scenario == sc.name() && s.metric == MICRO_METRIC)
        .collect();
    let mut cases: Vec<&str> = Vec::new();
    for s in &samples {
        if !cases.contains(&s.variant.as_str()) {
            cases.push(&s.variant);
        }
    }
    let measured: Vec<&str> = v
        .runtimes
        .iter()
        .copied()
        .filter(|rt| samples.iter().any(|s| s.runtime == *rt))
        .collect();
    let peers: Vec<&str> = measured
        .iter()
        .copied()
        .filter(|rt| *rt != SUBJECT)
        .collect();
    let has_subject = measured.contains(&SUBJECT);

    let mut noisy = false;
    let rows: Vec<Vec<String>> = cases
        .iter()
        .map(|case| {
            let get = |rt: &str| v.get(sc, rt, case, MICRO_METRIC);
            let mut row = vec![case.to_string()];
            row.extend(
                measured
                    .iter()
                    .map(|rt| get(rt).map_or("–".into(), |s| ns(s.median))),
            );
            if let Some(mine) = get(SUBJECT) {
                for peer in &peers {
                    let theirs = get(peer);
                    let mut cell = times(theirs.and_then(|t| ratio(mine.median, t.median)));
                    if theirs.is_some_and(|t| is_noisy(&mine) || is_noisy(&t)) {
                        cell.push('†');
                        noisy = true;
                    }
                    row.push(cell);
                }
            } else if has_subject {
                row.extend(peers.iter().map(|_| "–".to_string()));
            }
            row
        })
        .collect();

    if rows.is_empty() {
        d.p("**No case was measured in any runtime.**");
    } else {
        let mut head: Vec<String> = vec!["case".into()];
        head.extend(measured.iter().map(|rt| format!("{rt} ns/op")));
        if has_subject {
            head.extend(peers.iter().map(|p| format!("{SUBJECT} × {p}")));
        }
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        d.table(&head, rows);
        let rounds = samples.iter().map(|s| s.run).max().unwrap_or(0);
        let batch = if v.data.meta.settings.quick {
            "2"
        } else {
            "10"
        };
        d.p(format!(
            "Nanoseconds per operation, lower is better: the median of {rounds} rounds, each a \
             batch of operations calibrated to about {batch} ms. `{SUBJECT} × peer` is \
             {SUBJECT}'s median over the peer's: below 1× {SUBJECT} is faster. Every round is \
             in `samples.csv`."
        ));
        if noisy {
            d.p(format!(
                "† One of the two medians has an interquartile range above {NOISY_PCT:.0}% of \
                 itself: the ratio is uncertain."
            ));
        }
        if cases.iter().any(|c| c.contains("setTimeout")) {
            d.p(
                "Node clamps `setTimeout(cb, 0)` to 1 ms, so each of its timer batches waits at \
                 least 1 ms: spread over the batch, that still inflates node's setTimeout \
                 figure.",
            );
        }
    }

    let not_applicable: Vec<String> = v
        .runtimes
        .iter()
        .filter_map(|rt| match v.data.outcome(sc.name(), rt) {
            Some(s @ Status::NotApplicable { .. }) => Some(format!("{rt}: {}", s.describe())),
            _ => None,
        })
        .collect();
    d.list(not_applicable);
}

fn ns(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::results::{Meta, Outcome, RunData, RuntimeInfo, Sample};

    fn rt(name: &str) -> RuntimeInfo {
        RuntimeInfo {
            name: name.into(),
            version: None,
            program: None,
            missing: None,
        }
    }

    fn rounds(runtime: &str, variant: &str, values: &[f64]) -> Vec<Sample> {
        (1..)
            .zip(values)
            .map(|(run, &value)| Sample {
                scenario: "micro".into(),
                runtime: runtime.into(),
                variant: variant.into(),
                metric: MICRO_METRIC.into(),
                unit: "ns".into(),
                run,
                value,
            })
            .collect()
    }

    #[test]
    fn table_has_medians_ratios_and_inapplicable_runtimes() {
        let samples = [
            rounds("aworker", "events: a", &[10.0, 11.0, 9.0]),
            rounds("node", "events: a", &[20.0, 21.0, 19.0]),
            rounds(
                "node",
                "timers: setTimeout(cb, 0), n at once",
                &[1000.0, 1000.0, 1000.0],
            ),
        ]
        .concat();
        let data = RunData {
            meta: Meta {
                date: String::new(),
                started_utc: String::new(),
                elapsed_s: 0.0,
                machine: Default::default(),
                settings: crate::scenarios::settings(false, 32, None, "node"),
                runtimes: vec![rt("aworker"), rt("node"), rt("workerd")],
                tools: BTreeMap::new(),
            },
            scenarios: vec!["micro".into()],
            outcomes: vec![Outcome {
                scenario: "micro".into(),
                runtime: "workerd".into(),
                status: Status::NotApplicable { why: "no".into() },
            }],
            samples,
            distributions: vec![],
            commands: vec![],
        };
        let mut d = Doc::default();
        table(&mut d, &View::new(&data));
        let md = d.markdown();
        assert!(
            md.contains("| case | aworker ns/op | node ns/op | aworker × node |"),
            "{md}"
        );
        assert!(md.contains("| events: a | 10.0 | 20.0 | 0.50× |"), "{md}");
        // aworker has no figure for the timer case: no ratio either.
        assert!(
            md.contains("| timers: setTimeout(cb, 0), n at once | – | 1000 | – |"),
            "{md}"
        );
        assert!(md.contains("median of 3 rounds"), "{md}");
        assert!(md.contains("Node clamps"), "{md}");
        assert!(md.contains("- workerd: n/a: no"), "{md}");
    }
}
