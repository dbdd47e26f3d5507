//! Kayenta's descriptive statistics, effect sizes and outlier detectors
//! (`judge/stats`, `judge/detectors`), with Kayenta's exact definitions.

use crate::Sample;

/// Kayenta's per-side summary: min, max, mean, sample standard deviation (n − 1)
/// and count; all zeros for an empty sample, as Kayenta reports.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Summary {
    /// Smallest value.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub min: f64,
    /// Largest value.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub max: f64,
    /// Arithmetic mean.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub mean: f64,
    /// Sample standard deviation (0 for one value).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub std: f64,
    /// Number of values.
    pub count: usize,
}

/// Summarises a sample as Kayenta's `DescriptiveStatistics` does.
///
/// # Example
/// ```
/// use canary_judge::{check::kayenta::summary, Sample};
/// let s = summary(&Sample::new([1.0, 1.0, 1.0, 10.0, 10.0, 10.0])?);
/// assert_eq!(s.mean, 5.5);
/// assert!((s.std - 4.929503).abs() < 1e-6);
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn summary(sample: &Sample) -> Summary {
    let v = sample.values();
    if v.is_empty() {
        return Summary::default();
    }
    let mean = mean(v);
    let n = v.len();
    let std = if n > 1 {
        (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    Summary {
        min: v.iter().copied().fold(f64::INFINITY, f64::min),
        max: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        mean,
        std,
        count: n,
    }
}

pub(super) fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Kayenta's mean ratio mean(canary) / mean(baseline); `None` where Kayenta gets NaN
/// or infinity (either mean zero, or an empty side).
pub fn mean_ratio(baseline: &Sample, canary: &Sample) -> Option<f64> {
    mean_ratio_of(canary.values(), baseline.values())
}

pub(super) fn mean_ratio_of(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.is_empty() || y.is_empty() {
        return None;
    }
    let (mx, my) = (mean(x), mean(y));
    if mx == 0.0 || my == 0.0 {
        return None;
    }
    let r = mx / my;
    r.is_finite().then_some(r)
}

/// Cohen's d of canary against baseline with the pooled standard deviation
/// ((n₁ − 1)s₁² + (n₂ − 1)s₂²) / (n₁ + n₂ − 2); `None` when it is undefined (fewer
/// than three values in all, or zero pooled spread). Kayenta computes it but its
/// judge does not use it.
pub fn cohens_d(baseline: &Sample, canary: &Sample) -> Option<f64> {
    let (a, b) = (summary(canary), summary(baseline));
    let dof = (a.count + b.count).checked_sub(2).filter(|&d| d > 0)? as f64;
    let pooled = (((a.count as f64 - 1.0).max(0.0) * a.std * a.std
        + (b.count as f64 - 1.0).max(0.0) * b.std * b.std)
        / dof)
        .sqrt();
    let d = (a.mean - b.mean) / pooled;
    d.is_finite().then_some(d)
}

/// R-7 (linear interpolation) percentile of sorted values, `p` in [0, 100].
/// Callers pass a non-empty slice.
pub(crate) fn percentile_r7(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p / 100.0;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Kayenta's IQR detector: flags values strictly outside [Q1 − k·IQR, Q3 + k·IQR]
/// (R-7 quartiles). With `reduced_sensitivity` (as the judge uses it) the fences
/// widen to at least [P1, P99]. Returns one flag per value, in input order.
///
/// # Example
/// ```
/// use canary_judge::{check::kayenta::iqr_outliers, Sample};
/// let s = Sample::new([21.0, 23.0, 24.0, 25.0, 50.0, 29.0, 23.0, 21.0])?;
/// let flags = iqr_outliers(&s, 1.5, false);
/// assert_eq!(flags.iter().filter(|&&f| f).count(), 1);
/// assert!(flags[4]);
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn iqr_outliers(sample: &Sample, factor: f64, reduced_sensitivity: bool) -> Vec<bool> {
    let sorted = sample.sorted();
    if sorted.is_empty() {
        return Vec::new();
    }
    let (lo, hi) = iqr_fences(&sorted, factor, reduced_sensitivity);
    sample.values().iter().map(|&v| v < lo || v > hi).collect()
}

pub(super) fn iqr_fences(sorted: &[f64], factor: f64, reduced_sensitivity: bool) -> (f64, f64) {
    let q1 = percentile_r7(sorted, 25.0);
    let q3 = percentile_r7(sorted, 75.0);
    let iqr = q3 - q1;
    let (mut lo, mut hi) = (q1 - factor * iqr, q3 + factor * iqr);
    if reduced_sensitivity {
        lo = lo.min(percentile_r7(sorted, 1.0));
        hi = hi.max(percentile_r7(sorted, 99.0));
    }
    (lo, hi)
}

/// Kayenta's k-sigma detector: flags values farther than k population standard
/// deviations from the mean. Returns one flag per value, in input order.
pub fn ksigma_outliers(sample: &Sample, k: f64) -> Vec<bool> {
    let v = sample.values();
    if v.is_empty() {
        return Vec::new();
    }
    let m = mean(v);
    let sd = (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64).sqrt();
    v.iter().map(|&x| (x - m).abs() > k * sd).collect()
}
