//! Summary statistics of repeated samples: median and spread, never a lone mean.
//!
//! Runs on a shared 2-core machine are noisy, so every figure perf-lab prints is a median with
//! its quartiles and range, and comparisons are ratios of medians measured in the same run.

use serde::{Deserialize, Serialize};

/// The summary of one series of samples.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub n: usize,
    pub median: f64,
    pub p25: f64,
    pub p75: f64,
    pub min: f64,
    pub max: f64,
}

impl Summary {
    /// Summarises `samples`; `None` when there are none (or any is not a number).
    pub fn of(samples: &[f64]) -> Option<Summary> {
        if samples.is_empty() || samples.iter().any(|v| v.is_nan()) {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);

        Some(Summary {
            n: sorted.len(),
            median: quantile(&sorted, 0.5),
            p25: quantile(&sorted, 0.25),
            p75: quantile(&sorted, 0.75),
            min: sorted[0],
            max: sorted[sorted.len() - 1],
        })
    }

    /// The interquartile range relative to the median, as a percentage: the spread figure in
    /// the reports. Zero when the median is zero.
    pub fn spread_pct(&self) -> f64 {
        if self.median == 0.0 {
            return 0.0;
        }
        (self.p75 - self.p25) / self.median.abs() * 100.0
    }
}

/// The `q` quantile (0..=1) of sorted samples, interpolating linearly between the two nearest
/// ranks (the "type 7" definition of R and NumPy).
///
/// # Panics
///
/// If `sorted` is empty.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    assert!(!sorted.is_empty(), "quantile of no samples");
    let q = q.clamp(0.0, 1.0);
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    sorted[lo] + (sorted[hi] - sorted[lo]) * frac
}

/// `value / reference`, or `None` when the reference is zero or either is not finite.
pub fn ratio(value: f64, reference: f64) -> Option<f64> {
    let r = value / reference;
    (reference != 0.0 && r.is_finite()).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_count_median_is_middle_sample() {
        let s = Summary::of(&[5.0, 1.0, 3.0]).unwrap();
        assert_eq!(s.median, 3.0);
        assert_eq!(s.min, 1.0);
        assert_eq!(s.max, 5.0);
        assert_eq!(s.n, 3);
    }

    #[test]
    fn even_count_median_interpolates() {
        let s = Summary::of(&[4.0, 1.0, 2.0, 3.0]).unwrap();
        assert_eq!(s.median, 2.5);
        assert_eq!(s.p25, 1.75);
        assert_eq!(s.p75, 3.25);
    }

    #[test]
    fn single_sample_has_no_spread() {
        let s = Summary::of(&[7.0]).unwrap();
        assert_eq!((s.median, s.p25, s.p75), (7.0, 7.0, 7.0));
        assert_eq!(s.spread_pct(), 0.0);
    }

    #[test]
    fn empty_or_nan_has_no_summary() {
        assert_eq!(Summary::of(&[]), None);
        assert_eq!(Summary::of(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn spread_is_iqr_over_median() {
        let s = Summary::of(&[8.0, 9.0, 10.0, 11.0, 12.0]).unwrap();
        assert_eq!(s.spread_pct(), 20.0);
    }

    #[test]
    fn quantile_endpoints() {
        let v = [1.0, 2.0, 10.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 10.0);
        assert_eq!(quantile(&v, 0.75), 6.0);
    }

    #[test]
    fn ratio_guards_zero_reference() {
        assert_eq!(ratio(3.0, 2.0), Some(1.5));
        assert_eq!(ratio(3.0, 0.0), None);
    }
}
