//! SVG plots of a run: grouped bars with whiskers (start-up, throughput, memory) and latency
//! percentile curves. SVG only: the files are small, diff well and render on any forge.

use std::path::Path;

use anyhow::{Context, Result};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const SIZE: (u32, u32) = (860, 460);

/// Series colours, in order; a runtime keeps its colour across plots by its index.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0x6b, 0xae, 0xd6),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
];

/// One bar: the median, and the whisker's low and high ends.
#[derive(Clone, Copy, Debug)]
pub struct Bar {
    pub median: f64,
    pub lo: f64,
    pub hi: f64,
}

pub struct BarSeries {
    pub name: String,
    pub color: RGBColor,
    /// One entry per category; `None` draws nothing (not measured).
    pub bars: Vec<Option<Bar>>,
}

/// Grouped bars: one group per category, one bar per series, each labelled with its median.
pub fn bars(
    path: &Path,
    title: &str,
    y_desc: &str,
    categories: &[String],
    series: &[BarSeries],
) -> Result<()> {
    let n = categories.len().max(1);
    let top = series
        .iter()
        .flat_map(|s| s.bars.iter().flatten())
        .map(|b| b.hi.max(b.median))
        .fold(0.0, f64::max);
    // Headroom for the value labels, and for the legend when there is one.
    let headroom = if series.len() > 1 { 1.45 } else { 1.15 };
    let top = if top > 0.0 { top * headroom } else { 1.0 };

    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..n as f64, 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_desc(y_desc)
        .y_label_formatter(&|y| short_number(*y))
        .draw()?;

    // Category names under the centre of each group (plotters places axis labels only at
    // round values of a numeric axis).
    let font = ("sans-serif", 14).into_font().color(&BLACK);
    let centred = font.pos(Pos::new(HPos::Center, VPos::Top));
    for (i, name) in categories.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        root.draw(&Text::new(name.clone(), (x, y + 8), centred.clone()))?;
    }

    let width = 0.8 / series.len().max(1) as f64;
    for (j, s) in series.iter().enumerate() {
        let color = s.color;
        let at = |i: usize| i as f64 + 0.1 + j as f64 * width;
        let rects = s.bars.iter().enumerate().filter_map(|(i, b)| {
            let b = (*b)?;
            Some(Rectangle::new(
                [(at(i), 0.0), (at(i) + width * 0.92, b.median)],
                color.filled(),
            ))
        });
        chart
            .draw_series(rects)?
            .label(s.name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));

        for (i, b) in s.bars.iter().enumerate() {
            let Some(b) = b else { continue };
            let xc = at(i) + width * 0.46;
            let cap = width * 0.15;
            let whisker = [(xc, b.lo), (xc, b.hi)];
            chart.draw_series([
                PathElement::new(whisker.to_vec(), BLACK.stroke_width(1)),
                PathElement::new(
                    vec![(xc - cap, b.lo), (xc + cap, b.lo)],
                    BLACK.stroke_width(1),
                ),
                PathElement::new(
                    vec![(xc - cap, b.hi), (xc + cap, b.hi)],
                    BLACK.stroke_width(1),
                ),
            ])?;
            let above = ("sans-serif", 11).into_font().color(&BLACK);
            let above = above.pos(Pos::new(HPos::Center, VPos::Bottom));
            let at_top = (xc, b.hi.max(b.median));
            chart.draw_series([Text::new(short_number(b.median), at_top, above)])?;
        }
    }

    if series.len() > 1 {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
    }
    root.present()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

pub struct Curve {
    pub name: String,
    pub color: RGBColor,
    /// (percentile, latency in ms), ascending percentiles.
    pub points: Vec<(f64, f64)>,
}

/// Latency against percentile, the percentile axis spread by "nines" (50, 90, 99, 99.9, ...)
/// and the latency axis logarithmic, so that tails and medians are both readable.
pub fn latency_curves(path: &Path, title: &str, curves: &[Curve]) -> Result<()> {
    let all = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|&(_, ms)| ms.max(0.001)));
    let (lo, hi) = all.fold((f64::MAX, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = if hi > 0.0 {
        (lo / 1.5, hi * 1.5)
    } else {
        (0.01, 1.0)
    };
    let max_nines = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|&(p, _)| nines(p)))
        .fold(3.0, f64::max)
        .ceil();

    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .margin_right(36)
        .build_cartesian_2d(0.0..max_nines, (lo..hi).log_scale())?;
    chart
        .configure_mesh()
        .x_labels(max_nines as usize + 1)
        .x_desc("percentile")
        .x_label_formatter(&|x| format!("p{}", percentile_label(*x)))
        .y_desc("latency (ms)")
        .y_label_formatter(&|y| short_number(*y))
        .draw()?;

    for c in curves {
        let color = c.color;
        let points = c.points.iter().map(|&(p, ms)| (nines(p), ms.max(0.001)));
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))?
            .label(c.name.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    root.present()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Percentile `p` (0..100) as a count of nines: 90 -> 1, 99 -> 2, 99.9 -> 3.
pub fn nines(p: f64) -> f64 {
    -(1.0 - p.min(99.9999) / 100.0).log10()
}

fn percentile_label(x: f64) -> String {
    let p = 100.0 * (1.0 - 10f64.powf(-x));
    let s = format!("{p:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A compact number for labels: 1234567 -> 1.23M, 45678 -> 45.7k, 0.4321 -> 0.432.
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1e6 {
        format!("{:.3}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nines_axis() {
        assert!((nines(90.0) - 1.0).abs() < 1e-9);
        assert!((nines(99.9) - 3.0).abs() < 1e-9);
        assert_eq!(percentile_label(2.0), "99");
        assert_eq!(percentile_label(nines(50.0)), "50");
        assert_eq!(percentile_label(0.0), "0");
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short_number(1_234_567.0), "1.235M");
        assert_eq!(short_number(45_678.0), "45.7k");
        assert_eq!(short_number(512.4), "512");
        assert_eq!(short_number(42.25), "42.2");
        assert_eq!(short_number(0.4321), "0.432");
    }

    #[test]
    fn writes_svg_files() {
        let dir = std::env::temp_dir().join(format!("perf-lab-plots-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bar = |m| {
            Some(Bar {
                median: m,
                lo: m * 0.9,
                hi: m * 1.1,
            })
        };
        let series = [BarSeries {
            name: "ms".into(),
            color: PALETTE[0],
            bars: vec![bar(40.0), None],
        }];
        let categories = ["node".to_string(), "deno".to_string()];
        bars(&dir.join("b.svg"), "Cold start", "ms", &categories, &series).unwrap();
        let curve = Curve {
            name: "node".into(),
            color: PALETTE[1],
            points: vec![(50.0, 0.4), (99.0, 2.0), (99.9, 9.0)],
        };
        latency_curves(&dir.join("l.svg"), "Latency", &[curve]).unwrap();

        let svg = std::fs::read_to_string(dir.join("b.svg")).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("Cold start") && svg.contains("node"));
        assert!(std::fs::read_to_string(dir.join("l.svg"))
            .unwrap()
            .contains("p99"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
