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
//!
//! [`quantile_interval`] and [`percentile_delta`] add distribution-free intervals for
//! one quantile and for the change of a quantile from baseline to canary, from raw
//! samples and from binned data alike (any [`QuantileSource`]).

use crate::{Error, Sample};

mod interval;

pub(crate) use interval::enclose_in_bins;
pub(crate) use interval::private::{Located, Source};
pub use interval::{
    PercentileDelta, PercentileDeltaOutcome, QuantileInterval, QuantileSource, percentile_delta,
    quantile_interval,
};

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

/// The quantile estimate of `n` sorted values reached through `kth` (0-based order
/// statistics), by `method` and `convention`: two order statistics and the weight.
pub(crate) fn estimate_from(
    n: usize,
    p: f64,
    method: QuantileMethod,
    convention: Convention,
    kth: impl Fn(usize) -> f64,
) -> f64 {
    let (lower, upper, weight) = locate(n, p, method, convention);
    finish(kth(lower), kth(upper), weight, convention)
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
