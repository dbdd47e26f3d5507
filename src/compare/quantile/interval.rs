//! Distribution-free intervals for one quantile and for the change of a quantile
//! from baseline to canary, from any [`QuantileSource`]: raw samples, Prometheus
//! classic histograms, OpenTelemetry exponential histograms and sketches.
//!
//! The method is the order-statistic interval: with n observations and B ~
//! Binomial(n, p), the true p-quantile ξ lies in [x_(l), x_(u)] with probability at
//! least P(l ≤ B ≤ u − 1), whatever the distribution. Binned data do not know x_(l)
//! and x_(u) exactly, only the bins holding them, so their interval runs from the
//! lower edge of x_(l)'s bin to the upper edge of x_(u)'s bin: it contains the
//! order-statistic interval and so covers at least as often. It is wider by up to a
//! bin on each side, which is the information the binning threw away.

use super::{Convention, QuantileMethod, finish, locate, select_many};
use crate::evidence::{Interval, Judgement, Look, Sides, judge_interval};
use crate::{Direction, Error, Margin, Sample};

/// Data from which a quantile and its distribution-free interval can be computed:
/// [`Sample`], [`ClassicHistogram`](crate::input::histogram::ClassicHistogram),
/// [`ExponentialHistogram`](crate::input::histogram::ExponentialHistogram) and
/// [`Sketch`](crate::input::sketch::Sketch). Sealed: the interval is only as good as
/// the bin edges a source reports, so the implementations live in this crate.
///
/// | source | point estimate | interval ends |
/// |---|---|---|
/// | `Sample` | type 7 (numpy's `linear`) | the order statistics themselves |
/// | `ClassicHistogram` | PromQL's `histogram_quantile` | bucket bounds; the lowest bucket starts at 0 when its bound is positive (observations non-negative, as PromQL assumes), else at −∞; the +Inf bucket ends at +∞ |
/// | `ExponentialHistogram` | bucket representative | bucket edges base^i, ±zero threshold |
/// | `Sketch` | bin representative | bin edges γ^(k−1), γ^k; a folded bin reaches 0 |
pub trait QuantileSource: private::Source {}

pub(crate) mod private {
    use crate::Error;

    /// What a source reports for one probability: its own point estimate (`None` when
    /// it has none) and, when ranks were asked for, bounds enclosing those order
    /// statistics.
    #[derive(Debug, Clone, Copy)]
    pub struct Located {
        pub estimate: Option<f64>,
        pub bounds: Option<(f64, f64)>,
    }

    pub trait Source {
        /// The number of observations n.
        fn observations(&self) -> Result<u64, Error>;
        /// The point estimate of the p-quantile and, for 1-based ranks l ≤ u ≤ n,
        /// (a, b) with a ≤ x_(l) and x_(u) ≤ b.
        fn locate_quantile(&self, p: f64, ranks: Option<(u64, u64)>) -> Result<Located, Error>;
    }
}

use private::{Located, Source};

/// Bounds enclosing the order statistics of 1-based ranks `l ≤ u` for binned data
/// given as `(lower edge, upper edge, count)` in ascending order: the lower edge of
/// the bin holding rank l and the upper edge of the bin holding rank u, each widened
/// by a relative 10⁻¹² against rounding in computed edges. `None` when the counts
/// hold fewer than u observations.
pub(crate) fn enclose_in_bins(
    bins: impl IntoIterator<Item = (f64, f64, u64)>,
    l: u64,
    u: u64,
) -> Option<(f64, f64)> {
    let mut seen = 0u64;
    let mut lower = None;
    for (lo, hi, count) in bins {
        seen = seen.saturating_add(count);
        if lower.is_none() && seen >= l {
            lower = Some(lo);
        }
        if seen >= u {
            let lo = lower.unwrap_or(lo);
            let lo = (lo - lo.abs() * 1e-12).min(f64::MAX);
            let hi = (hi + hi.abs() * 1e-12).max(-f64::MAX);
            return Some((lo, hi));
        }
    }
    None
}

impl QuantileSource for Sample {}

impl Source for Sample {
    fn observations(&self) -> Result<u64, Error> {
        Ok(self.len() as u64)
    }

    fn locate_quantile(&self, p: f64, ranks: Option<(u64, u64)>) -> Result<Located, Error> {
        if self.is_empty() {
            return Ok(Located {
                estimate: None,
                bounds: None,
            });
        }
        let n = self.len();
        let (lower, upper, weight) = locate(n, p, QuantileMethod::Linear, Convention::Numpy);
        let mut wanted = vec![lower, upper];
        if let Some((l, u)) = ranks {
            wanted.extend([l as usize - 1, u as usize - 1]);
        }
        wanted.sort_unstable();
        wanted.dedup();
        let mut v = self.values().to_vec();
        select_many(&mut v, &wanted, 0);
        Ok(Located {
            estimate: Some(finish(v[lower], v[upper], weight, Convention::Numpy)),
            bounds: ranks.map(|(l, u)| (v[l as usize - 1], v[u as usize - 1])),
        })
    }
}

/// A distribution-free confidence interval for one quantile, or the reason there
/// is none.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum QuantileInterval {
    /// [lower, upper] covers the p-quantile with probability at least
    /// `achieved_level` for any distribution. For raw samples the ends are the order
    /// statistics of ranks `lower_rank` and `upper_rank`; for binned data, the edges
    /// of the bins holding them (possibly infinite).
    Interval {
        /// Lower end.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        lower: f64,
        /// Upper end.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        upper: f64,
        /// 1-based rank of the order statistic behind the lower end.
        lower_rank: u64,
        /// 1-based rank of the order statistic behind the upper end.
        upper_rank: u64,
        /// P(lower_rank ≤ B < upper_rank) for B ~ Binomial(n, p): at least the
        /// requested level.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        achieved_level: f64,
    },
    /// Too few observations: no pair of order statistics reaches the level. `needed`
    /// is the smallest count that can (for example 368 for p = 0.99 at 95%).
    InsufficientData {
        /// The smallest n for which an interval exists at this p and level.
        needed: u64,
    },
}

/// P(B ≤ k) for B ~ Binomial(n, p), through the regularised incomplete beta function
/// P(B ≤ k) = I_{1−p}(n − k, k + 1) (the crate's own: its continued fraction, or
/// Temme's expansion near the mean once both parameters reach 200, O(1) where the
/// fraction needs O(√n) terms).
fn binomial_cdf(k: i64, n: u64, p: f64) -> f64 {
    if k < 0 {
        return 0.0;
    }
    let k = k as u64;
    if k >= n {
        return 1.0;
    }
    if p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return 0.0;
    }
    crate::num::special::ln_beta_inc_reg((n - k) as f64, k as f64 + 1.0, 1.0 - p).exp()
}

/// The ranks of an equal-tailed order-statistic interval, or the n it would need.
enum Ranks {
    Found { l: u64, u: u64, achieved: f64 },
    Insufficient { needed: u64 },
}

fn check_interval_args(p: f64, level: f64) -> Result<(), Error> {
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
    Ok(())
}

/// With B ~ Binomial(n, p) and tail = (1 − level)/2: the largest l with
/// P(B ≤ l − 1) ≤ tail and the smallest u with P(B ≤ u − 1) ≥ 1 − tail.
fn order_ranks(n: u64, p: f64, level: f64) -> Ranks {
    let tail = (1.0 - level) / 2.0;
    // Smallest n with (1 − p)^n ≤ tail and p^n ≤ tail.
    let needed = (tail.ln() / (1.0 - p).ln())
        .max(tail.ln() / p.ln())
        .ceil()
        .max(1.0) as u64;
    if n < needed {
        return Ranks::Insufficient { needed };
    }
    // Both searches start from the normal approximation of the ranks and gallop out
    // from it, so they cost a few evaluations of F instead of log2(n); the result is
    // the same as a binary search over 1..=n since F is non-decreasing.
    // F(x − 1) for 1 ≤ x ≤ n (counts beyond i64 saturate: F is 1 there anyway).
    let f = |x: u64| binomial_cdf(i64::try_from(x.saturating_sub(1)).unwrap_or(i64::MAX), n, p);
    let (mean, sd) = (n as f64 * p, (n as f64 * p * (1.0 - p)).sqrt());
    let z = crate::num::normal::upper_quantile(tail);
    let near = |x: f64| {
        if x.is_finite() {
            x.clamp(1.0, n as f64) as u64
        } else {
            1
        }
    };
    // Largest l in 1..=n with F(l − 1) ≤ tail.
    let l = last_true(1, n, near(mean - z * sd), |x| f(x) <= tail);
    // Smallest u in 1..=n with F(u − 1) ≥ 1 − tail: one past the last u with
    // F(u − 1) < 1 − tail (n when every u has it, as a plain search would give).
    let below = |x: u64| f(x) < 1.0 - tail;
    let u = if below(1) {
        last_true(1, n, near(mean + z * sd + 1.0), below)
            .saturating_add(1)
            .min(n)
    } else {
        1
    };
    let (fl, fu) = (f(l), f(u));
    // The size bound came from logarithms; confirm the tails in the exact arithmetic.
    if fl > tail || fu < 1.0 - tail {
        return Ranks::Insufficient {
            needed: needed.max(n.saturating_add(1)),
        };
    }
    let achieved = (fu - fl).clamp(0.0, 1.0);
    Ranks::Found { l, u, achieved }
}

/// The largest x in lo..=hi with `pred(x)`, for `pred` true up to some point and
/// false after it; `lo` when it holds nowhere. Gallops from `guess` (doubling steps)
/// to bracket the change, then bisects: O(log |answer − guess|) evaluations.
fn last_true(lo: u64, hi: u64, guess: u64, pred: impl Fn(u64) -> bool) -> u64 {
    let g = guess.clamp(lo, hi);
    // Invariant: the answer lies in a..=b, and pred(a) holds unless a == lo.
    let (mut a, mut b);
    if pred(g) {
        a = g;
        b = hi;
        let mut step = 1u64;
        while a < hi {
            let next = a.saturating_add(step).min(hi);
            if pred(next) {
                a = next;
                step = step.saturating_mul(2);
            } else {
                b = next - 1;
                break;
            }
        }
    } else {
        a = lo;
        b = g.saturating_sub(1).max(lo);
        let mut step = 1u64;
        while b > lo {
            let next = g.saturating_sub(step).max(lo);
            if pred(next) {
                a = next;
                break;
            }
            b = next.saturating_sub(1).max(lo);
            if next == lo {
                break;
            }
            step = step.saturating_mul(2);
        }
    }
    while a < b {
        let mid = a + (b - a).div_ceil(2);
        if pred(mid) {
            a = mid;
        } else {
            b = mid - 1;
        }
    }
    a
}

/// A two-sided, equal-tailed, distribution-free confidence interval for the
/// p-quantile from order statistics: with B ~ Binomial(n, p), the lower rank l is the
/// largest with P(B ≤ l − 1) ≤ α/2 and the upper rank u the smallest with
/// P(B ≤ u − 1) ≥ 1 − α/2, so [x_(l), x_(u)] covers the quantile with probability
/// P(l ≤ B ≤ u − 1) ≥ 1 − α (α = 1 − level), for continuous and discrete
/// distributions alike. For binned sources the ends are the edges of the bins holding
/// x_(l) and x_(u) (see [`QuantileSource`]), which can only cover more often. When
/// n is too small for such ranks to exist (including n = 0) the outcome says so and
/// names the smallest n that would do, rather than returning an interval that does
/// not hold its level.
///
/// # Errors
/// - [`Error::InvalidParameter`] unless 0 < p < 1, or for a classic histogram whose
///   counts are not whole numbers of observations.
/// - [`Error::InvalidConfidenceLevel`] unless 0 < level < 1.
///
/// # Example
/// ```
/// use canary_judge::{compare::quantile::{quantile_interval, QuantileInterval}, Sample};
/// use canary_judge::input::histogram::ClassicHistogram;
/// let fifty = Sample::new((1..=50).map(f64::from))?;
/// // 0.99^367 = 0.0251 > 0.025 but 0.99^368 = 0.0248: p99 at 95% needs 368 values.
/// assert_eq!(quantile_interval(&fifty, 0.99, 0.95)?, QuantileInterval::InsufficientData { needed: 368 });
/// match quantile_interval(&fifty, 0.5, 0.95)? {
///     QuantileInterval::Interval { lower, upper, .. } => assert_eq!((lower, upper), (18.0, 33.0)),
///     other => panic!("{other:?}"),
/// }
/// // The same fifty values in buckets of ten: ranks 18 and 33 fall in (10, 20] and (30, 40].
/// let h = ClassicHistogram::new(&[(10.0, 10.0), (20.0, 20.0), (30.0, 30.0), (40.0, 40.0), (f64::INFINITY, 50.0)])?;
/// match quantile_interval(&h, 0.5, 0.95)? {
///     QuantileInterval::Interval { lower, upper, .. } => {
///         assert!((lower - 10.0).abs() < 1e-9 && (upper - 40.0).abs() < 1e-9)
///     }
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn quantile_interval<S: QuantileSource + ?Sized>(
    source: &S,
    p: f64,
    level: f64,
) -> Result<QuantileInterval, Error> {
    check_interval_args(p, level)?;
    let n = source.observations()?;
    match order_ranks(n, p, level) {
        Ranks::Insufficient { needed } => Ok(QuantileInterval::InsufficientData { needed }),
        Ranks::Found { l, u, achieved } => {
            let located = source.locate_quantile(p, Some((l, u)))?;
            Ok(match located.bounds {
                Some((lower, upper)) => QuantileInterval::Interval {
                    lower,
                    upper,
                    lower_rank: l,
                    upper_rank: u,
                    achieved_level: achieved,
                },
                // Only if a source's counts disagree with its total.
                None => QuantileInterval::InsufficientData {
                    needed: n.saturating_add(1),
                },
            })
        }
    }
}

/// How a percentile moved from baseline to canary, with intervals holding jointly.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PercentileDelta {
    /// The probability p.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub p: f64,
    /// The baseline's point estimate of the p-quantile (the source's own estimator).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub baseline: f64,
    /// The canary's point estimate of the p-quantile.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub canary: f64,
    /// Interval for the change canary − baseline (ends may be infinite for binned
    /// data with open-ended bins).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float::pair"))]
    pub absolute: (f64, f64),
    /// Interval for canary/baseline − 1, when both quantiles are certainly
    /// non-negative and the baseline's can be positive (its upper end is +∞ when the
    /// baseline's could be 0).
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "crate::serde_float::option_pair"
        )
    )]
    pub relative: Option<(f64, f64)>,
    /// The level both intervals hold jointly at least.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub level: f64,
}

/// The outcome of [`percentile_delta`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PercentileDeltaOutcome {
    /// The delta with its intervals.
    Delta(PercentileDelta),
    /// One side has too few observations (possibly none) for a distribution-free
    /// interval at this p and level.
    InsufficientData {
        /// The smallest number of observations per side that would do.
        needed: u64,
    },
    /// One side cannot place the quantile at all: a classic histogram whose only
    /// bucket is +Inf (PromQL's `histogram_quantile` returns NaN there).
    NoEstimate,
}

impl PercentileDelta {
    /// Judges the change against a margin in the bad direction through the crate's
    /// one rule ([`judge_interval`](crate::evidence::judge_interval)), read three
    /// ways: [`Margin::Relative`] judges the interval of canary/baseline − 1 against
    /// the fraction, [`Margin::Absolute`] the interval of canary − baseline against
    /// the value:
    ///
    /// | direction | fail when | pass when |
    /// |---|---|---|
    /// | `HigherIsWorse` | lo > m | hi < m |
    /// | `LowerIsWorse` | hi < −m | lo > −m |
    /// | `Either` | lo > m or hi < −m | −m < lo and hi < m |
    ///
    /// and [`Judgement::Inconclusive`] otherwise, including when a relative interval
    /// does not exist. Both arms are judged at the delta's joint level.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if the margin is negative or not finite (a
    ///   margin of the wrong sign would pass a regression).
    ///
    /// # Example
    /// ```
    /// use canary_judge::compare::quantile::{percentile_delta, PercentileDeltaOutcome};
    /// use canary_judge::{Direction, Judgement, Margin, Sample, Side};
    /// // Throughput per pod: lower is worse. The canary's p10 fell by about 30%.
    /// let base = Sample::new((0..2000).map(|i| 1000.0 + (i % 100) as f64))?;
    /// let canary = Sample::new((0..2000).map(|i| 700.0 + (i % 100) as f64))?;
    /// let PercentileDeltaOutcome::Delta(d) = percentile_delta(&base, &canary, 0.1, 0.95)? else { panic!() };
    /// assert_eq!(d.judge(Direction::LowerIsWorse, Margin::Relative(0.10))?, Judgement::Fail(Side::Low));
    /// assert_eq!(d.judge(Direction::HigherIsWorse, Margin::Absolute(5.0))?, Judgement::Pass);
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn judge(&self, direction: Direction, margin: Margin) -> Result<Judgement, Error> {
        let margin = margin.validate()?;
        let (interval, m) = match margin {
            Margin::Relative(m) => (self.relative, m),
            Margin::Absolute(m) => (Some(self.absolute), m),
        };
        let Some((lower, upper)) = interval else {
            return Ok(Judgement::Inconclusive);
        };
        let iv = Interval {
            lower,
            upper,
            level: self.level,
            sides: Sides::Two,
        };
        Ok(judge_interval(&iv, m, direction, Look::Anytime))
    }
}

/// The change of the p-quantile from baseline to canary, with intervals that hold at
/// least `level` jointly. Each side gets a distribution-free interval
/// ([`quantile_interval`], on raw samples or binned data) at level √level, so by
/// independence both cover with probability ≥ level; then [L_c − U_b, U_c − L_b]
/// covers the absolute change and, when L_b, L_c ≥ 0 and U_b > 0,
/// [L_c/U_b − 1, U_c/L_b − 1] the relative one (+∞ above when L_b = 0). Valid for
/// any distributions, continuous, discrete or tied, with no resampling; the seeded
/// coverage simulations in the tests show it at or above nominal for normal,
/// log-normal, Pareto and heavily tied data with n from 20 to 10^5. The two sides may
/// be different kinds of source (a histogram baseline against a sketch canary).
/// Point estimates are each source's own (type 7 for samples). An empty or too small
/// side gives [`PercentileDeltaOutcome::InsufficientData`], not an error.
///
/// Cost: one multi-selection per raw sample (O(n)), one pass over the bins otherwise.
///
/// # Errors
/// As [`quantile_interval`].
///
/// # Example
/// ```
/// use canary_judge::{compare::quantile::{percentile_delta, PercentileDeltaOutcome}, Sample};
/// use canary_judge::{Direction::HigherIsWorse, Judgement, Margin, Side};
/// use canary_judge::input::sketch::Sketch;
/// let base = Sample::new((0..2000).map(|i| 100.0 + (i % 100) as f64))?;
/// let canary = Sample::new((0..2000).map(|i| 130.0 + (i % 100) as f64))?;
/// match percentile_delta(&base, &canary, 0.9, 0.95)? {
///     PercentileDeltaOutcome::Delta(d) => {
///         assert_eq!(d.judge(HigherIsWorse, Margin::Relative(0.10))?, Judgement::Fail(Side::High))
///     }
///     other => panic!("{other:?}"),
/// }
/// // The canary's values summarised in a 1% sketch instead: the same verdict.
/// let mut sketch = Sketch::new(0.01)?;
/// (0..2000).for_each(|i| sketch.insert(130.0 + (i % 100) as f64));
/// let PercentileDeltaOutcome::Delta(d) = percentile_delta(&base, &sketch, 0.9, 0.95)? else { panic!() };
/// assert_eq!(d.judge(HigherIsWorse, Margin::Relative(0.10))?, Judgement::Fail(Side::High));
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn percentile_delta<B, C>(
    baseline: &B,
    canary: &C,
    p: f64,
    level: f64,
) -> Result<PercentileDeltaOutcome, Error>
where
    B: QuantileSource + ?Sized,
    C: QuantileSource + ?Sized,
{
    check_interval_args(p, level)?;
    let per_side = level.sqrt();
    let (nb, nc) = (baseline.observations()?, canary.observations()?);
    let (rb, rc) = (order_ranks(nb, p, per_side), order_ranks(nc, p, per_side));
    let (Ranks::Found { l: lb, u: ub, .. }, Ranks::Found { l: lc, u: uc, .. }) = (&rb, &rc) else {
        let needed = [&rb, &rc]
            .iter()
            .map(|r| match r {
                Ranks::Insufficient { needed } => *needed,
                Ranks::Found { .. } => 0,
            })
            .max()
            .unwrap_or(0);
        return Ok(PercentileDeltaOutcome::InsufficientData { needed });
    };
    let b = baseline.locate_quantile(p, Some((*lb, *ub)))?;
    let c = canary.locate_quantile(p, Some((*lc, *uc)))?;
    let (Some(eb), Some((bl, bu)), Some(ec), Some((cl, cu))) =
        (b.estimate, b.bounds, c.estimate, c.bounds)
    else {
        return Ok(PercentileDeltaOutcome::NoEstimate);
    };
    // Lower ends are in [−∞, f64::MAX] and upper ends in [−f64::MAX, +∞], so neither
    // difference can be ∞ − ∞; an overflow gives an honest infinite end.
    let absolute = (cl - bu, cu - bl);
    let relative = (bl >= 0.0 && cl >= 0.0 && bu > 0.0).then(|| {
        let upper = if bl > 0.0 {
            cu / bl - 1.0
        } else {
            f64::INFINITY
        };
        (cl / bu - 1.0, upper)
    });
    Ok(PercentileDeltaOutcome::Delta(PercentileDelta {
        p,
        baseline: eb,
        canary: ec,
        absolute,
        relative,
        level,
    }))
}

#[cfg(test)]
mod search_tests {
    use super::*;

    /// The galloping search against a linear scan, for every change point, guess
    /// and range edge on small ranges, including "true nowhere" and "true everywhere".
    #[test]
    fn last_true_matches_a_scan() {
        for lo in [0u64, 1, 5] {
            for hi in lo..lo + 40 {
                for change in lo..=hi + 1 {
                    // pred true for x < change
                    let pred = |x: u64| x < change;
                    let want = (lo..=hi).filter(|&x| pred(x)).max().unwrap_or(lo);
                    for guess in 0..hi + 3 {
                        assert_eq!(
                            last_true(lo, hi, guess, pred),
                            want,
                            "{lo} {hi} {change} {guess}"
                        );
                    }
                }
            }
        }
        assert_eq!(
            last_true(1, u64::MAX, 3, |x| x < u64::MAX / 3),
            u64::MAX / 3 - 1
        );
    }

    /// Counts near u64::MAX (a histogram's total; found by fuzzing): ranks or
    /// "insufficient", never an overflow.
    #[test]
    fn order_ranks_at_the_largest_counts() {
        for n in [u64::MAX, u64::MAX - 1, 1 << 63, (1 << 63) + 5] {
            for p in [0.01, 0.5, 0.99] {
                match order_ranks(n, p, 0.95) {
                    Ranks::Found { l, u, .. } => assert!(1 <= l && l <= u && u <= n),
                    Ranks::Insufficient { needed } => assert!(needed >= 1),
                }
            }
        }
    }

    /// The ranks against the plain binary search over 1..=n they replace.
    #[test]
    fn order_ranks_match_plain_binary_search() {
        for &n in &[1u64, 2, 7, 30, 59, 60, 100, 459, 1000, 12345, 200_000] {
            for &p in &[0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999] {
                for &level in &[0.9, 0.95, 0.99] {
                    let tail = (1.0 - level) / 2.0;
                    // F(x − 1) for 1 ≤ x ≤ n (counts beyond i64 saturate: F is 1 there anyway).
                    let f = |x: u64| {
                        binomial_cdf(i64::try_from(x.saturating_sub(1)).unwrap_or(i64::MAX), n, p)
                    };
                    let (mut lo, mut hi) = (1u64, n);
                    while lo < hi {
                        let mid = lo + (hi - lo).div_ceil(2);
                        if f(mid) <= tail {
                            lo = mid
                        } else {
                            hi = mid - 1
                        }
                    }
                    let (mut a, mut b) = (1u64, n);
                    while a < b {
                        let mid = a + (b - a) / 2;
                        if f(mid) >= 1.0 - tail {
                            b = mid
                        } else {
                            a = mid + 1
                        }
                    }
                    match order_ranks(n, p, level) {
                        Ranks::Found { l, u, .. } => assert_eq!((l, u), (lo, a), "{n} {p} {level}"),
                        Ranks::Insufficient { .. } => {
                            assert!(
                                f(lo) > tail || f(a) < 1.0 - tail || n < 3,
                                "{n} {p} {level}"
                            )
                        }
                    }
                }
            }
        }
    }
}
