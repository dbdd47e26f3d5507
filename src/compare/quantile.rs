//! Sample quantiles by the nine Hyndman–Fan definitions.
//!
//! Hyndman & Fan (1996), "Sample quantiles in statistical packages", define nine
//! estimators; R's `quantile(type = 1..9)` and numpy's `quantile(method = ...)`
//! implement them. This module follows numpy's arithmetic exactly (virtual index,
//! clamping at the ends, and its two-sided linear interpolation), so results equal
//! numpy's bit for bit. With sorted values x₀ ≤ … ≤ x_{n−1} and probability p:
//!
//! - discontinuous: type 1 (`inverted_cdf`) takes x at index ⌈np⌉ − 1; type 2
//!   (`averaged_inverted_cdf`) averages the two neighbours where np is whole; type 3
//!   (`closest_observation`) takes the nearest order statistic, the even one on ties;
//! - continuous: types 4–9 interpolate between x_⌊v⌋ and x_⌊v⌋₊₁ at the virtual index
//!   v = np + α + p(1 − α − β) − 1 with (α, β) = (0, 1), (½, ½), (0, 0), (1, 1),
//!   (⅓, ⅓), (⅜, ⅜); type 7 (numpy's default `linear`, v = (n − 1)p) is the default.
//!   Indices outside [0, n − 1] take the end value.
//!
//! numpy and R disagree in the last bits for a few percent of inputs (different
//! index arithmetic, R's 4·ε fuzz, and R's (1 − h)·a + h·b against numpy's
//! interpolation from the nearer end), so [`Convention::R`] reproduces R's
//! `quantile.default` (R 4.2) exactly as well.
//!
//! One quantile costs one selection, O(n) expected; k quantiles one multi-selection,
//! O(n log k).

use crate::{Error, Sample};

/// A Hyndman–Fan quantile definition (R's type number in brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum QuantileMethod {
    /// Inverse of the empirical CDF (type 1).
    InvertedCdf,
    /// Inverse of the empirical CDF, averaged at discontinuities (type 2).
    AveragedInvertedCdf,
    /// Nearest order statistic, even on ties (type 3, SAS).
    ClosestObservation,
    /// Linear interpolation of the empirical CDF (type 4).
    InterpolatedInvertedCdf,
    /// Hazen's piecewise linear (type 5).
    Hazen,
    /// Weibull's, p(k) = k/(n + 1) (type 6; Minitab, SPSS).
    Weibull,
    /// p(k) = (k − 1)/(n − 1) (type 7; the default of R and numpy).
    #[default]
    Linear,
    /// Approximately median-unbiased (type 8; recommended by Hyndman & Fan).
    MedianUnbiased,
    /// Approximately unbiased for normal data (type 9).
    NormalUnbiased,
}

impl QuantileMethod {
    /// All nine, in R's type order.
    pub const ALL: [QuantileMethod; 9] = [
        Self::InvertedCdf,
        Self::AveragedInvertedCdf,
        Self::ClosestObservation,
        Self::InterpolatedInvertedCdf,
        Self::Hazen,
        Self::Weibull,
        Self::Linear,
        Self::MedianUnbiased,
        Self::NormalUnbiased,
    ];

    /// R's `type` number, 1 to 9.
    pub fn r_type(self) -> u8 {
        Self::ALL
            .iter()
            .position(|&m| m == self)
            .map_or(7, |i| i as u8 + 1)
    }

    /// numpy's `method` name.
    pub fn numpy_name(self) -> &'static str {
        match self {
            Self::InvertedCdf => "inverted_cdf",
            Self::AveragedInvertedCdf => "averaged_inverted_cdf",
            Self::ClosestObservation => "closest_observation",
            Self::InterpolatedInvertedCdf => "interpolated_inverted_cdf",
            Self::Hazen => "hazen",
            Self::Weibull => "weibull",
            Self::Linear => "linear",
            Self::MedianUnbiased => "median_unbiased",
            Self::NormalUnbiased => "normal_unbiased",
        }
    }
}

/// Whose arithmetic to reproduce bit for bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Convention {
    /// numpy's `quantile` (the default).
    #[default]
    Numpy,
    /// R's `quantile(type = …)`.
    R,
}

/// Where a quantile lies among the sorted values: read `values[lower]` and
/// `values[upper]` and interpolate with weight `gamma` (numpy's order of operations).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Position {
    lower: usize,
    upper: usize,
    gamma: f64,
}

fn position(n: usize, p: f64, method: QuantileMethod) -> Position {
    let nf = n as f64;
    let last = n - 1;
    let pick = |i: f64| Position {
        lower: (i.max(0.0) as usize).min(last),
        upper: (i.max(0.0) as usize).min(last),
        gamma: 0.0,
    };
    // Continuous and averaged methods: floor/next around a virtual index, clamped.
    let around = |v: f64, fix: &dyn Fn(f64) -> f64| {
        if v >= (n - 1) as f64 {
            Position {
                lower: last,
                upper: last,
                gamma: 0.0,
            }
        } else if v < 0.0 {
            Position {
                lower: 0,
                upper: 0,
                gamma: 0.0,
            }
        } else {
            let prev = v.floor();
            Position {
                lower: prev as usize,
                upper: prev as usize + 1,
                gamma: fix(v - prev),
            }
        }
    };
    let virtual_index = |alpha: f64, beta: f64| nf * p + (alpha + p * (1.0 - alpha - beta)) - 1.0;
    match method {
        QuantileMethod::InvertedCdf => {
            let index = nf * p - 1.0;
            let prev = index.floor();
            pick(if index - prev == 0.0 {
                prev
            } else {
                prev + 1.0
            })
        }
        QuantileMethod::ClosestObservation => {
            let index = nf * p - 1.0 - 0.5;
            let prev = index.floor();
            let odd = prev.rem_euclid(2.0) == 1.0;
            pick(if index - prev == 0.0 && odd {
                prev
            } else {
                prev + 1.0
            })
        }
        QuantileMethod::AveragedInvertedCdf => {
            around(nf * p - 1.0, &|g| if g == 0.0 { 0.5 } else { 1.0 })
        }
        QuantileMethod::Linear => around((nf - 1.0) * p, &|g| g),
        QuantileMethod::InterpolatedInvertedCdf => around(virtual_index(0.0, 1.0), &|g| g),
        QuantileMethod::Hazen => around(virtual_index(0.5, 0.5), &|g| g),
        QuantileMethod::Weibull => around(virtual_index(0.0, 0.0), &|g| g),
        QuantileMethod::MedianUnbiased => around(virtual_index(1.0 / 3.0, 1.0 / 3.0), &|g| g),
        QuantileMethod::NormalUnbiased => around(virtual_index(3.0 / 8.0, 3.0 / 8.0), &|g| g),
    }
}

/// R's `quantile.default`: returns (lower, upper, h) with 0-based indices into the
/// sorted values; the result is x_lower when h = 0, x_upper when h = 1, else
/// (1 − h)·x_lower + h·x_upper unless the two are equal.
fn position_r(n: usize, p: f64, method: QuantileMethod) -> (usize, usize, f64) {
    let nf = n as f64;
    // R pads the sorted values as x₁, x₁, x₁…xₙ, xₙ, xₙ: order statistic k (1-based)
    // is clamped into 1..=n.
    let at = |k: f64| (k.clamp(1.0, nf) as usize) - 1;
    match method {
        QuantileMethod::Linear => {
            let index = 1.0 + (nf - 1.0).max(0.0) * p;
            let (lo, hi) = (index.floor(), index.ceil());
            let h = if index > lo { index - lo } else { 0.0 };
            (at(lo), at(hi), h)
        }
        QuantileMethod::InvertedCdf
        | QuantileMethod::AveragedInvertedCdf
        | QuantileMethod::ClosestObservation => {
            let nppm = if method == QuantileMethod::ClosestObservation {
                nf * p - 0.5
            } else {
                nf * p
            };
            let j = nppm.floor();
            let h = match method {
                QuantileMethod::InvertedCdf => f64::from(u8::from(nppm > j)),
                QuantileMethod::AveragedInvertedCdf => (f64::from(u8::from(nppm > j)) + 1.0) / 2.0,
                _ => f64::from(u8::from(nppm != j || j.rem_euclid(2.0) == 1.0)),
            };
            (at(j), at(j + 1.0), h)
        }
        _ => {
            let (a, b) = match method {
                QuantileMethod::InterpolatedInvertedCdf => (0.0, 1.0),
                QuantileMethod::Hazen => (0.5, 0.5),
                QuantileMethod::Weibull => (0.0, 0.0),
                QuantileMethod::MedianUnbiased => (1.0 / 3.0, 1.0 / 3.0),
                _ => (3.0 / 8.0, 3.0 / 8.0),
            };
            let fuzz = 4.0 * f64::EPSILON;
            let nppm = a + p * (nf + 1.0 - a - b);
            let j = (nppm + fuzz).floor();
            let mut h = nppm - j;
            if h.abs() < fuzz {
                h = 0.0;
            }
            (at(j), at(j + 1.0), h)
        }
    }
}

fn combine_r(a: f64, b: f64, h: f64) -> f64 {
    if h == 1.0 {
        b
    } else if h > 0.0 && h < 1.0 && a != b {
        let v = (1.0 - h) * a + h * b;
        if v.is_finite() { v } else { lerp(a, b, h) }
    } else {
        a
    }
}

/// numpy's linear interpolation: from the nearer end, so that gamma = 1 gives `b`
/// exactly and the result stays within [a, b].
fn lerp(a: f64, b: f64, gamma: f64) -> f64 {
    let d = b - a;
    if !d.is_finite() {
        // b − a overflowed (values near ±f64::MAX, where numpy returns ±inf or NaN):
        // weight the ends separately instead, which cannot overflow.
        return a * (1.0 - gamma) + b * gamma;
    }
    if gamma >= 0.5 {
        b - d * (1.0 - gamma)
    } else {
        a + d * gamma
    }
}

fn check_probability(p: f64) -> Result<(), Error> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name: "quantile probability",
            expected: "within [0, 1]",
            value: p,
        })
    }
}

/// The `p`-quantile of a sample by `method`, with numpy's arithmetic; `None` for an
/// empty sample. One selection (O(n) expected) on a copy of the values.
///
/// # Errors
/// - [`Error::InvalidParameter`] if `p` is NaN or outside [0, 1].
///
/// # Example
/// ```
/// use canary_judge::{compare::quantile::{quantile, QuantileMethod}, Sample};
/// let s = Sample::new([1.0, 2.0, 3.0, 4.0])?;
/// assert_eq!(quantile(&s, 0.5, QuantileMethod::Linear)?, Some(2.5));
/// assert_eq!(quantile(&s, 0.5, QuantileMethod::InvertedCdf)?, Some(2.0));
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn quantile(sample: &Sample, p: f64, method: QuantileMethod) -> Result<Option<f64>, Error> {
    quantile_with(sample, p, method, Convention::Numpy)
}

/// As [`quantile`], reproducing numpy's or R's arithmetic.
///
/// # Errors
/// As [`quantile`].
pub fn quantile_with(
    sample: &Sample,
    p: f64,
    method: QuantileMethod,
    convention: Convention,
) -> Result<Option<f64>, Error> {
    check_probability(p)?;
    if sample.is_empty() {
        return Ok(None);
    }
    let mut v = sample.values().to_vec();
    let (lower, upper, weight) = locate(v.len(), p, method, convention);
    let (_, &mut a, right) = v.select_nth_unstable_by(lower, |x, y| x.total_cmp(y));
    let b = if upper == lower {
        a
    } else {
        right.iter().copied().fold(f64::INFINITY, f64::min)
    };
    Ok(Some(finish(a, b, weight, convention)))
}

fn locate(n: usize, p: f64, method: QuantileMethod, convention: Convention) -> (usize, usize, f64) {
    match convention {
        Convention::Numpy => {
            let pos = position(n, p, method);
            (pos.lower, pos.upper, pos.gamma)
        }
        Convention::R => position_r(n, p, method),
    }
}

fn finish(a: f64, b: f64, weight: f64, convention: Convention) -> f64 {
    match convention {
        Convention::Numpy if weight == 0.0 => a,
        Convention::Numpy => lerp(a, b, weight),
        Convention::R => combine_r(a, b, weight),
    }
}

/// Several quantiles of a sample by `method` with numpy's arithmetic; `None` for an
/// empty sample. The needed order statistics are selected together (O(n log k) for
/// k quantiles), without sorting the whole sample.
///
/// # Errors
/// - [`Error::InvalidParameter`] if any probability is NaN or outside [0, 1].
pub fn quantiles(
    sample: &Sample,
    ps: &[f64],
    method: QuantileMethod,
) -> Result<Option<Vec<f64>>, Error> {
    quantiles_with(sample, ps, method, Convention::Numpy)
}

/// As [`quantiles`], reproducing numpy's or R's arithmetic.
///
/// # Errors
/// As [`quantiles`].
pub fn quantiles_with(
    sample: &Sample,
    ps: &[f64],
    method: QuantileMethod,
    convention: Convention,
) -> Result<Option<Vec<f64>>, Error> {
    for &p in ps {
        check_probability(p)?;
    }
    if sample.is_empty() {
        return Ok(None);
    }
    let n = sample.len();
    let spots: Vec<(usize, usize, f64)> = ps
        .iter()
        .map(|&p| locate(n, p, method, convention))
        .collect();
    let mut wanted: Vec<usize> = spots.iter().flat_map(|&(l, u, _)| [l, u]).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut v = sample.values().to_vec();
    select_many(&mut v, &wanted, 0);
    Ok(Some(
        spots
            .iter()
            .map(|&(lower, upper, weight)| finish(v[lower], v[upper], weight, convention))
            .collect(),
    ))
}

/// Puts the order statistics at the (sorted, distinct) positions `wanted` of `v`
/// in place (`offset` is `v`'s start in the whole array): select the middle wanted
/// position, then recurse on each side with the positions that fall there. O(n log k)
/// for k positions, instead of a full sort.
fn select_many(v: &mut [f64], wanted: &[usize], offset: usize) {
    if wanted.is_empty() || v.len() <= 1 {
        return;
    }
    if wanted.len() * 8 >= v.len() {
        v.sort_unstable_by(|a, b| a.total_cmp(b));
        return;
    }
    let mid = wanted.len() / 2;
    let k = wanted[mid] - offset;
    let (left, _, right) = v.select_nth_unstable_by(k, |a, b| a.total_cmp(b));
    select_many(left, &wanted[..mid], offset);
    select_many(right, &wanted[mid + 1..], offset + k + 1);
}

/// A distribution-free confidence interval for one quantile, or the reason there
/// is none.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum QuantileInterval {
    /// [x_(lower_rank), x_(upper_rank)] covers the p-quantile with probability at least
    /// `achieved_level` for any continuous distribution (and at least that for
    /// discrete ones).
    Interval {
        /// Lower end, the order statistic of rank `lower_rank`.
        lower: f64,
        /// Upper end, the order statistic of rank `upper_rank`.
        upper: f64,
        /// 1-based rank of the lower end.
        lower_rank: usize,
        /// 1-based rank of the upper end.
        upper_rank: usize,
        /// P(lower_rank ≤ B < upper_rank) for B ~ Binomial(n, p): at least the
        /// requested level.
        achieved_level: f64,
    },
    /// Too few values: no pair of order statistics reaches the level. `needed` is the
    /// smallest sample size that can (for example 368 for p = 0.99 at 95%).
    InsufficientData {
        /// The smallest n for which an interval exists at this p and level.
        needed: usize,
    },
}

/// P(B ≤ k) for B ~ Binomial(n, p), through the regularised incomplete beta function.
fn binomial_cdf(k: i64, n: usize, p: f64) -> f64 {
    if k < 0 {
        return 0.0;
    }
    let k = k as usize;
    if k >= n {
        return 1.0;
    }
    if p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return 0.0;
    }
    // P(B ≤ k) = I_{1−p}(n − k, k + 1)
    statrs::function::beta::checked_beta_reg((n - k) as f64, k as f64 + 1.0, 1.0 - p).unwrap_or(0.0)
}

/// A two-sided, equal-tailed, distribution-free confidence interval for the
/// p-quantile from order statistics: with B ~ Binomial(n, p), the lower rank l is the
/// largest with P(B ≤ l − 1) ≤ α/2 and the upper rank u the smallest with
/// P(B ≤ u − 1) ≥ 1 − α/2, so [x_(l), x_(u)] covers the quantile with probability
/// P(l ≤ B ≤ u − 1) ≥ 1 − α (α = 1 − level). When n is too small for such ranks
/// to exist the outcome says so and names the smallest n that would do, rather than
/// returning an interval that does not hold its level.
///
/// # Errors
/// - [`Error::InvalidParameter`] unless 0 < p < 1.
/// - [`Error::InvalidConfidenceLevel`] unless 0 < level < 1.
///
/// # Example
/// ```
/// use canary_judge::{compare::quantile::{quantile_interval, QuantileInterval}, Sample};
/// let fifty = Sample::new((1..=50).map(f64::from))?;
/// // 0.99^367 = 0.0251 > 0.025 but 0.99^368 = 0.0248: p99 at 95% needs 368 values.
/// assert_eq!(quantile_interval(&fifty, 0.99, 0.95)?, QuantileInterval::InsufficientData { needed: 368 });
/// match quantile_interval(&fifty, 0.5, 0.95)? {
///     QuantileInterval::Interval { lower, upper, .. } => assert_eq!((lower, upper), (18.0, 33.0)),
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn quantile_interval(sample: &Sample, p: f64, level: f64) -> Result<QuantileInterval, Error> {
    interval_of_sorted(sample.len(), || sample.sorted(), p, level)
}

/// [`quantile_interval`] for `n` values whose sorted copy `sorted` yields; it is only
/// asked for once the ranks exist.
fn interval_of_sorted<S: AsRef<[f64]>>(
    n: usize,
    sorted: impl FnOnce() -> S,
    p: f64,
    level: f64,
) -> Result<QuantileInterval, Error> {
    if !(p > 0.0 && p < 1.0) {
        return Err(Error::InvalidParameter {
            name: "quantile probability",
            expected: "strictly between 0 and 1",
            value: p,
        });
    }
    if !(level > 0.0 && level < 1.0) {
        return Err(Error::InvalidConfidenceLevel { value: level });
    }
    let tail = (1.0 - level) / 2.0;
    // Smallest n with (1 − p)^n ≤ tail and p^n ≤ tail.
    let needed = (tail.ln() / (1.0 - p).ln())
        .max(tail.ln() / p.ln())
        .ceil()
        .max(1.0) as usize;
    if n < needed {
        return Ok(QuantileInterval::InsufficientData { needed });
    }
    // Largest l in 1..=n with F(l − 1) ≤ tail (F non-decreasing: binary search).
    let (mut lo, mut hi) = (1usize, n);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if binomial_cdf(mid as i64 - 1, n, p) <= tail {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let l = lo;
    // Smallest u in 1..=n with F(u − 1) ≥ 1 − tail.
    let (mut a, mut b) = (1usize, n);
    while a < b {
        let mid = (a + b) / 2;
        if binomial_cdf(mid as i64 - 1, n, p) >= 1.0 - tail {
            b = mid;
        } else {
            a = mid + 1;
        }
    }
    let u = a;
    // The size bound came from logarithms; confirm the tails in the exact arithmetic.
    if binomial_cdf(l as i64 - 1, n, p) > tail || binomial_cdf(u as i64 - 1, n, p) < 1.0 - tail {
        return Ok(QuantileInterval::InsufficientData {
            needed: needed.max(n + 1),
        });
    }
    let sorted = sorted();
    let sorted = sorted.as_ref();
    Ok(QuantileInterval::Interval {
        lower: sorted[l - 1],
        upper: sorted[u - 1],
        lower_rank: l,
        upper_rank: u,
        achieved_level: (binomial_cdf(u as i64 - 1, n, p) - binomial_cdf(l as i64 - 1, n, p))
            .clamp(0.0, 1.0),
    })
}

/// How a percentile moved from baseline to canary, with conservative intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PercentileDelta {
    /// The probability p.
    pub p: f64,
    /// The baseline's p-quantile (type 7).
    pub baseline: f64,
    /// The canary's p-quantile (type 7).
    pub canary: f64,
    /// Interval for canary − baseline quantiles.
    pub absolute: (f64, f64),
    /// Interval for canary/baseline − 1, when every value involved is positive.
    pub relative: Option<(f64, f64)>,
    /// The level both intervals hold jointly at least.
    pub level: f64,
}

/// What a percentile delta says against a tolerated relative increase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum DeltaClass {
    /// The whole interval of the relative change lies above the margin: it grew by
    /// more than tolerated, with confidence.
    Fail,
    /// The whole interval lies below the margin: it certainly grew less than tolerated.
    Pass,
    /// The interval straddles the margin.
    Inconclusive,
}

/// The outcome of [`percentile_delta`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PercentileDeltaOutcome {
    /// The delta with its intervals.
    Delta(PercentileDelta),
    /// One side is too small for a distribution-free interval at this p and level.
    InsufficientData {
        /// The smallest sample size per side that would do.
        needed: usize,
    },
}

impl PercentileDelta {
    /// Classifies the relative change against `margin` (e.g. 0.10 for "fail if the
    /// quantile grew by more than 10%"): fail when the interval's lower end exceeds
    /// the margin, pass when its upper end is below it, else inconclusive. Without a
    /// relative interval (non-positive values) it is inconclusive.
    pub fn classify(&self, margin: f64) -> DeltaClass {
        match self.relative {
            Some((lo, _)) if lo > margin => DeltaClass::Fail,
            Some((_, hi)) if hi < margin => DeltaClass::Pass,
            _ => DeltaClass::Inconclusive,
        }
    }
}

/// The change of the p-quantile from baseline to canary, with intervals that hold at
/// least `level` jointly: each side gets a distribution-free order-statistic interval
/// ([`quantile_interval`]) at level √level, so by independence both cover with
/// probability ≥ level, and then [L_c − U_b, U_c − L_b] covers the absolute change
/// and, for positive values, [L_c/U_b − 1, U_c/L_b − 1] the relative one. Simple and
/// valid for any continuous distributions (conservative for discrete ones); the
/// point estimates are type-7 quantiles.
///
/// # Errors
/// As [`quantile_interval`], and [`Error::EmptySample`] for an empty side.
///
/// # Example
/// ```
/// use canary_judge::{compare::quantile::{percentile_delta, DeltaClass, PercentileDeltaOutcome}, Sample};
/// let base = Sample::new((0..2000).map(|i| 100.0 + (i % 100) as f64))?;
/// let canary = Sample::new((0..2000).map(|i| 130.0 + (i % 100) as f64))?;
/// match percentile_delta(&base, &canary, 0.9, 0.95)? {
///     PercentileDeltaOutcome::Delta(d) => assert_eq!(d.classify(0.10), DeltaClass::Fail),
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn percentile_delta(
    baseline: &Sample,
    canary: &Sample,
    p: f64,
    level: f64,
) -> Result<PercentileDeltaOutcome, Error> {
    crate::sample::require_values(baseline, canary, "a percentile delta")?;
    if !(level > 0.0 && level < 1.0) {
        return Err(Error::InvalidConfidenceLevel { value: level });
    }
    let per_side = level.sqrt();
    // Each side is sorted once, for both its interval and its point estimate.
    let (sorted_b, sorted_c) = (baseline.sorted(), canary.sorted());
    let b = interval_of_sorted(sorted_b.len(), || &sorted_b, p, per_side)?;
    let c = interval_of_sorted(sorted_c.len(), || &sorted_c, p, per_side)?;
    let linear = |sorted: &[f64]| {
        let (lower, upper, weight) =
            locate(sorted.len(), p, QuantileMethod::Linear, Convention::Numpy);
        finish(sorted[lower], sorted[upper], weight, Convention::Numpy)
    };
    let (
        QuantileInterval::Interval {
            lower: bl,
            upper: bu,
            ..
        },
        QuantileInterval::Interval {
            lower: cl,
            upper: cu,
            ..
        },
    ) = (b, c)
    else {
        let needed = [b, c]
            .iter()
            .map(|i| match i {
                QuantileInterval::InsufficientData { needed } => *needed,
                QuantileInterval::Interval { .. } => 0,
            })
            .max()
            .unwrap_or(0);
        return Ok(PercentileDeltaOutcome::InsufficientData { needed });
    };
    let sat = crate::compare::saturating_diff;
    let relative = (bl > 0.0 && cl > 0.0).then(|| (cl / bu - 1.0, cu / bl - 1.0));
    Ok(PercentileDeltaOutcome::Delta(PercentileDelta {
        p,
        baseline: linear(&sorted_b),
        canary: linear(&sorted_c),
        absolute: (sat(cl, bu), sat(cu, bl)),
        relative,
        level,
    }))
}
