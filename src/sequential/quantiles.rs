//! Latency quantiles and distributions under continuous monitoring (Howard & Ramdas,
//! "Sequential estimation of quantiles with applications to A/B-testing and
//! best-arm identification", Bernoulli 2022; Netflix's canary method for play delay).
//!
//! The primitive is the indicator martingale: for a fixed x, Σ (1{X_i ≤ x} − F(x))
//! has increments in [−F(x), 1 − F(x)], so a beta-binomial mixture boundary bounds it
//! uniformly over time. On that:
//!
//! - a confidence sequence for each arm's p-quantile (with capped boundaries made
//!   unbounded: the published recipe returns the sample extreme there, which at
//!   p = 0.99 and 20 values is wrong 82% of the time),
//! - a band for the difference canary − baseline from the two arms' sequences, each at
//!   α/2,
//! - the two-sample e-value for "same p-quantile" (confseq's `quantile_ab_p_value`
//!   construction), which drives the rejection,
//! - and a time-uniform band over all quantiles at once (the LIL bound) as an
//!   "anything changed" guard ([`QuantileTest::distribution_change`]).
//!
//! Values are kept as an ordered multiset (O(log n) amortised per insert, ties
//! merged; see `Tally`); with
//! Prometheus-style buckets the domain is the bucket bounds, each observation is
//! counted at its bucket's upper bound, and the guarantees hold exactly at bucket
//! resolution (O(buckets) per histogram update).

use super::means::{check_finite, within_margin};
use super::proportions::{beta_binomial_log_mixture, two_sided_rho};
use super::{Monitor, Report, SequentialTest, check_margin, check_unit, merge_mismatch};
use crate::input::{from_key, order_key};
use crate::num::special::{bisect, golden_min};
use crate::{Alpha, Direction, Error, Margin};

/// One arm's observations as a multiset: sorted runs of (order key, count) of distinct
/// values, plus keys appended since the last consolidation. Appending is O(1); a
/// consolidation sorts the pending keys and merges them in, O(d + m log m) for d
/// distinct values and m pending keys, and happens at every check and whenever the
/// pending keys outnumber the runs (so each insert costs O(log m) amortised and memory
/// stays within twice the distinct values plus the last batch).
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Tally {
    runs: Vec<(u64, u64)>,
    pending: Vec<u64>,
}

impl Tally {
    fn push(&mut self, key: u64) {
        self.pending.push(key);
        if self.pending.len() > self.runs.len().max(4096) {
            self.consolidate();
        }
    }

    /// Merges sorted, distinct (key, count) runs in.
    fn merge_runs(&mut self, extra: &[(u64, u64)]) {
        let mut out = Vec::with_capacity(self.runs.len() + extra.len());
        let (mut i, mut j) = (0, 0);
        while i < self.runs.len() || j < extra.len() {
            let next = match (self.runs.get(i), extra.get(j)) {
                (Some(&(ka, ca)), Some(&(kb, cb))) if ka == kb => {
                    i += 1;
                    j += 1;
                    (ka, ca.saturating_add(cb))
                }
                (Some(&a), Some(&b)) if a.0 < b.0 => {
                    i += 1;
                    a
                }
                (Some(&a), None) => {
                    i += 1;
                    a
                }
                (_, Some(&b)) => {
                    j += 1;
                    b
                }
                (None, None) => break,
            };
            out.push(next);
        }
        self.runs = out;
    }

    fn consolidate(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut keys = std::mem::take(&mut self.pending);
        keys.sort_unstable();
        let runs: Vec<(u64, u64)> = keys
            .chunk_by(|a, b| a == b)
            .map(|run| (run[0], run.len() as u64))
            .collect();
        self.merge_runs(&runs);
    }

    /// The invariants of a loaded tally: runs strictly ascending with counts > 0; raw
    /// keys finite values, bucket keys bucket bounds (and nothing pending).
    fn check(&self, bounds: Option<&[f64]>) -> Result<(), Error> {
        let bad = |expected: &'static str, value: f64| {
            Err(Error::InvalidParameter {
                name: "tally of a loaded quantile test",
                expected,
                value,
            })
        };
        for w in self.runs.windows(2) {
            if w[0].0 >= w[1].0 {
                return bad(
                    "runs in strictly ascending order of value",
                    from_key(w[1].0),
                );
            }
        }
        if let Some(&(k, _)) = self.runs.iter().find(|r| r.1 == 0) {
            return bad("runs with counts > 0", from_key(k));
        }
        let keys = self
            .runs
            .iter()
            .map(|r| r.0)
            .chain(self.pending.iter().copied());
        match bounds {
            None => {
                for k in keys {
                    if !from_key(k).is_finite() {
                        return bad("finite values", from_key(k));
                    }
                }
            }
            Some(bounds) => {
                if let Some(&k) = self.pending.first() {
                    return bad("nothing pending in bucket mode", from_key(k));
                }
                for k in keys {
                    if !bounds.iter().any(|&b| order_key(b) == k) {
                        return bad("bucket bounds as values in bucket mode", from_key(k));
                    }
                }
            }
        }
        Ok(())
    }

    /// A consolidated copy when keys are pending, else a borrow.
    fn view(&self) -> std::borrow::Cow<'_, Self> {
        if self.pending.is_empty() {
            std::borrow::Cow::Borrowed(self)
        } else {
            let mut copy = self.clone();
            copy.consolidate();
            std::borrow::Cow::Owned(copy)
        }
    }
}

/// Two tallies are equal when they hold the same multiset.
impl PartialEq for Tally {
    fn eq(&self, other: &Self) -> bool {
        self.view().runs == other.view().runs
    }
}

/// The boundary u(v; α) of the two-sided beta-binomial mixture for increments in
/// [−g, h] (g + h = 1) at intrinsic time v: the s ∈ [0, v/g] where the mixture reaches
/// ln(1/α); `None` when even s = v/g stays below it (the cap: this side cannot be
/// crossed yet).
fn mixture_boundary(v: f64, g: f64, h: f64, rho: f64, alpha: f64) -> Option<f64> {
    let threshold = -alpha.ln();
    let cap = v / g;
    let at = |s: f64| beta_binomial_log_mixture(s, v, g, h, rho) - threshold;
    if v.is_nan() || v <= 0.0 || at(cap) < 0.0 {
        return None;
    }
    if at(0.0) >= 0.0 {
        return Some(0.0);
    }
    Some(bisect(0.0, cap, at, false))
}

/// A per-arm snapshot for a check: distinct values ascending with cumulative counts.
struct Ecdf {
    values: Vec<f64>,
    cumulative: Vec<u64>,
}

impl Ecdf {
    fn new(tally: &Tally) -> Self {
        let tally = tally.view();
        let mut total = 0u64;
        let (values, cumulative) = tally
            .runs
            .iter()
            .map(|&(k, c)| {
                total = total.saturating_add(c);
                (from_key(k), total)
            })
            .unzip();
        Self { values, cumulative }
    }

    fn total(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// The order statistic of 1-based rank k (1 ≤ k ≤ total).
    fn order_statistic(&self, k: u64) -> f64 {
        let i = self.cumulative.partition_point(|&c| c < k);
        self.values[i.min(self.values.len() - 1)]
    }

    /// (#values < x, #values ≤ x).
    fn counts_at(&self, x: f64) -> (u64, u64) {
        let below = self.values.partition_point(|&v| v < x);
        let upto = self.values.partition_point(|&v| v <= x);
        let at = |i: usize| if i == 0 { 0 } else { self.cumulative[i - 1] };
        (at(below), at(upto))
    }

    /// The empirical p-quantile (order statistic of rank ⌈tp⌉).
    fn quantile(&self, p: f64) -> Option<f64> {
        let t = self.total();
        (t > 0).then(|| self.order_statistic(((t as f64 * p).ceil() as u64).clamp(1, t)))
    }
}

/// A sequential test of one quantile (p90 latency, say), canary against baseline.
///
/// - [`SequentialTest::check`] reports the e-value of "both arms have the same
///   p-quantile" (the minimum over candidate common values x of the product of each
///   arm's mixture e-value at its empirical F(x), each arm's mixture held at its
///   minimum where x brackets it), its running-minimum p-value, and the running band
///   for the difference canary − baseline of the p-quantiles, built from each arm's
///   confidence sequence at α/2.
/// - "Reject" when the e-value reaches 1/α and the canary's empirical quantile is the
///   worse one; "accept" when the band lies within the margin (data units).
///
/// Mixtures are two-sided beta-binomial with g = p, h = 1 − p, tuned to be tightest at
/// `t_opt` observations per arm (v_opt = p(1 − p)·t_opt, α_opt = 0.05).
///
/// # Memory
/// On raw values ([`QuantileTest::new`]) each arm keeps every *distinct* value it has
/// seen with its count: 16 bytes per distinct value in memory (plus a pending batch of
/// at most as many keys), about 25 bytes each in JSON. Continuous values are all
/// distinct, so the state grows linearly without bound: 2·10⁷ values take about
/// 0.3 GB in memory and 0.5 GB as JSON. For a long or unbounded stream use the
/// bounded form, [`QuantileTest::with_buckets`] (one count per bucket per arm,
/// whatever the volume; interval ends at bucket edges), or round the values to the
/// resolution that matters before [`QuantileTest::update`] (ties merge into one
/// run). [`QuantileTest::distinct_values`] reports the current size.
///
/// # Example
/// ```
/// use canary_judge::Alpha;
/// use canary_judge::sequential::{quantiles::QuantileTest, Signal, SequentialTest};
/// use canary_judge::Direction;
/// let mut test = QuantileTest::new(0.9, Alpha::FIVE_PERCENT, 500.0, Direction::HigherIsWorse)?;
/// // Latencies of 100..200 ms; the canary's are 30% slower.
/// for round in 0..20u64 {
///     let base: Vec<f64> = (0..100).map(|i| 100.0 + ((i * 37 + round * 11) % 100) as f64).collect();
///     let slow: Vec<f64> = base.iter().map(|v| v * 1.3).collect();
///     test.update(&base, &slow)?;
///     if test.check().decision == Signal::Reject {
///         break;
///     }
/// }
/// assert_eq!(test.last_report().decision, Signal::Reject);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct QuantileTest {
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    p: f64,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    t_opt: f64,
    direction: Direction,
    margin: Margin,
    /// Bucket upper bounds (ascending, ending in +∞) in bucket mode.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "crate::serde_float::option_vec"
        )
    )]
    bounds: Option<Vec<f64>>,
    baseline: Tally,
    canary: Tally,
    monitor: Monitor,
}

/// The "anything changed" guard: the two empirical distribution functions compared
/// with a time-uniform band.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DistributionChange {
    /// sup over x of |F̂_b(x) − F̂_c(x)|.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub statistic: f64,
    /// sup over x of F̂_b(x) − F̂_c(x): positive when the canary is stochastically larger.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub canary_larger_by: f64,
    /// ε_b + ε_c, the sum of the two arms' LIL radii at α/2 each.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub threshold: f64,
    /// The distributions differ somewhere (statistic > threshold).
    pub changed: bool,
    /// The canary is stochastically larger somewhere (canary_larger_by > threshold).
    pub canary_larger: bool,
}

validated_serde!(QuantileTest);

impl crate::validated::Validate for QuantileTest {
    /// The constructors' checks (p in (0, 1), t_opt finite and ≥ 1, margin finite and
    /// ≥ 0, bounds strictly increasing and ending at +∞), each tally's invariants
    /// ([`Tally::check`]) and the monitor's.
    fn validate(&self) -> Result<(), Error> {
        check_parameters(self.p, self.t_opt)?;
        check_margin(self.margin)?;
        if let Some(bounds) = &self.bounds {
            check_bounds(bounds)?;
        }
        self.baseline.check(self.bounds.as_deref())?;
        self.canary.check(self.bounds.as_deref())?;
        crate::validated::Validate::validate(&self.monitor)
    }
}

fn check_parameters(p: f64, t_opt: f64) -> Result<(), Error> {
    check_unit("quantile probability", p)?;
    super::check_horizon(t_opt)
}

fn check_bounds(bounds: &[f64]) -> Result<(), Error> {
    let increasing = bounds.windows(2).all(|w| w[0] < w[1]);
    if bounds.is_empty() || bounds.iter().any(|b| b.is_nan()) || !increasing {
        return Err(Error::Mismatch {
            name: "bucket bounds",
            expected: "strictly increasing numbers",
            got: format!("{bounds:?}"),
        });
    }
    if bounds[bounds.len() - 1] != f64::INFINITY {
        return Err(Error::InvalidParameter {
            name: "last bucket bound",
            expected: "+Inf",
            value: bounds[bounds.len() - 1],
        });
    }
    Ok(())
}

/// The settings of a [`QuantileTest`], each set by name and none checked until
/// [`build`](Self::build), which checks them all at once; cloned, one builder is
/// the template of many metrics' tests.
///
/// Defaults: α = 5%, t_opt = 1,000 observations per arm, margin 0, raw values (no
/// buckets). Set t_opt to the number of observations per arm expected by the
/// planned end: the sequence is tightest there (the Analysis uses the planned
/// ticks × the first observation's size).
///
/// # Example
/// ```
/// use canary_judge::sequential::quantiles::QuantileTest;
/// use canary_judge::{Alpha, Direction, Margin};
/// // p99 latency from Prometheus buckets, 60 ticks × ~500 requests per arm planned.
/// let bounds = [0.05, 0.1, 0.25, 0.5, 1.0, f64::INFINITY];
/// let test = QuantileTest::builder(0.99, Direction::HigherIsWorse)
///     .alpha(Alpha::ONE_PERCENT)
///     .t_opt(30_000.0)
///     .buckets(&bounds)
///     .margin(Margin::Relative(0.1))
///     .build()?;
/// let err = QuantileTest::builder(0.99, Direction::HigherIsWorse)
///     .buckets(&[0.1, 0.05, f64::INFINITY])
///     .build()
///     .unwrap_err();
/// assert!(err.to_string().contains("bucket bounds"));
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct QuantileTestBuilder {
    p: f64,
    direction: Direction,
    alpha: Alpha,
    t_opt: f64,
    margin: Margin,
    bounds: Option<Vec<f64>>,
}

impl QuantileTestBuilder {
    /// The level α (default 5%).
    pub fn alpha(mut self, alpha: Alpha) -> Self {
        self.alpha = alpha;
        self
    }

    /// The number of observations per arm at which the sequence is tightest
    /// (default 1,000).
    pub fn t_opt(mut self, t_opt: f64) -> Self {
        self.t_opt = t_opt;
        self
    }

    /// The tolerated regression of the quantile: [`Margin::Absolute`] in the data's
    /// units, [`Margin::Relative`] a fraction of |the baseline's quantile estimate|
    /// at each check (0 before the baseline has data).
    pub fn margin(mut self, margin: Margin) -> Self {
        self.margin = margin;
        self
    }

    /// Histogram buckets with these upper bounds (strictly increasing, ending at
    /// +∞), fed per-bucket counts with [`QuantileTest::update_buckets`]. Interval
    /// ends are bucket edges; the lowest bucket starts at 0 when its bound is
    /// positive (non-negative observations, as PromQL assumes), else at −∞.
    pub fn buckets(mut self, bounds: &[f64]) -> Self {
        self.bounds = Some(bounds.to_vec());
        self
    }

    /// The test, with no data.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] or [`Error::Mismatch`], naming the field, unless
    /// 0 < p < 1, t_opt is finite and ≥ 1, the margin's value is finite and ≥ 0,
    /// and bucket bounds (if any) are numbers, strictly increasing and end at +∞.
    pub fn build(self) -> Result<QuantileTest, Error> {
        let test = QuantileTest {
            p: self.p,
            t_opt: self.t_opt,
            direction: self.direction,
            margin: self.margin,
            bounds: self.bounds,
            baseline: Tally::default(),
            canary: Tally::default(),
            monitor: Monitor::new(self.alpha)?,
        };
        crate::validated::Validate::validated(test)
    }
}

impl QuantileTest {
    /// A test of the p-quantile at level `alpha`, tuned for `t_opt` observations per
    /// arm, on raw values:
    /// `QuantileTest::builder(p, direction).alpha(alpha).t_opt(t_opt).build()`.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] unless 0 < p < 1 and t_opt is finite and ≥ 1.
    pub fn new(p: f64, alpha: Alpha, t_opt: f64, direction: Direction) -> Result<Self, Error> {
        Self::builder(p, direction)
            .alpha(alpha)
            .t_opt(t_opt)
            .build()
    }

    /// The same test on histogram buckets with these upper bounds (see
    /// [`QuantileTestBuilder::buckets`]).
    ///
    /// # Errors
    /// As [`QuantileTest::new`], and [`Error::InvalidParameter`] or
    /// [`Error::Mismatch`] for bounds that are NaN, not strictly increasing or not
    /// ending at +∞.
    pub fn with_buckets(
        p: f64,
        alpha: Alpha,
        t_opt: f64,
        direction: Direction,
        bounds: &[f64],
    ) -> Result<Self, Error> {
        Self::builder(p, direction)
            .alpha(alpha)
            .t_opt(t_opt)
            .buckets(bounds)
            .build()
    }

    /// The settings of a test of the p-quantile in `direction`, at their defaults,
    /// to be changed by name and checked once by [`QuantileTestBuilder::build`].
    pub fn builder(p: f64, direction: Direction) -> QuantileTestBuilder {
        QuantileTestBuilder {
            p,
            direction,
            alpha: Alpha::FIVE_PERCENT,
            t_opt: 1000.0,
            margin: Margin::default(),
            bounds: None,
        }
    }

    /// How many distinct values (runs, plus pending keys not yet merged) the two arms
    /// hold: the size of the state (see "Memory" above).
    ///
    /// # Example
    /// ```
    /// use canary_judge::Alpha;
    /// use canary_judge::{Direction, sequential::quantiles::QuantileTest};
    /// let mut t = QuantileTest::new(0.9, Alpha::FIVE_PERCENT, 100.0, Direction::HigherIsWorse)?;
    /// t.update(&[1.0, 2.0, 2.0], &[3.0])?;
    /// assert!(t.distinct_values() >= 3);
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn distinct_values(&self) -> usize {
        [&self.baseline, &self.canary]
            .iter()
            .map(|t| t.runs.len() + t.pending.len())
            .sum()
    }

    /// Adds raw observations of each arm: O(log m) amortised per value (they are
    /// sorted into the multiset in batches).
    ///
    /// # Errors
    /// - [`Error::NonFinite`] for a NaN or infinite value, [`Error::InvalidParameter`]
    ///   in bucket mode; the state is unchanged.
    pub fn update(&mut self, baseline: &[f64], canary: &[f64]) -> Result<(), Error> {
        if self.bounds.is_some() {
            return Err(Error::Mismatch {
                name: "the update of a test built with bucket bounds",
                expected: "update_buckets with bucket counts",
                got: format!(
                    "update with {} raw values",
                    baseline.len().saturating_add(canary.len())
                ),
            });
        }
        check_finite(baseline)?;
        check_finite(canary)?;
        for (tally, values) in [(&mut self.baseline, baseline), (&mut self.canary, canary)] {
            values.iter().for_each(|&v| tally.push(order_key(v + 0.0)));
        }
        Ok(())
    }

    /// Adds per-bucket counts (not cumulative) of each arm, one per bound.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] without buckets or when a slice's length differs
    ///   from the number of bounds; the state is unchanged.
    pub fn update_buckets(&mut self, baseline: &[u64], canary: &[u64]) -> Result<(), Error> {
        let Some(bounds) = &self.bounds else {
            return Err(Error::Mismatch {
                name: "the update of a test built for raw values",
                expected: "update with raw values",
                got: "update_buckets with bucket counts".into(),
            });
        };
        for counts in [baseline, canary] {
            if counts.len() != bounds.len() {
                return Err(Error::InvalidParameter {
                    name: "number of bucket counts",
                    expected: "one per bound",
                    value: counts.len() as f64,
                });
            }
        }
        for (tally, counts) in [(&mut self.baseline, baseline), (&mut self.canary, canary)] {
            let runs: Vec<(u64, u64)> = bounds
                .iter()
                .zip(counts)
                .filter(|&(_, &c)| c > 0)
                .map(|(&le, &c)| (order_key(le), c))
                .collect();
            tally.consolidate();
            tally.merge_runs(&runs);
        }
        Ok(())
    }

    /// Adds the observations of a test with the same configuration (and buckets) run
    /// on other data: the multisets add, O(m log n) for m distinct values.
    ///
    /// # Errors
    /// - [`Error::Mismatch`] if the configurations differ; the state is
    ///   unchanged.
    pub fn merge(&mut self, other: &Self) -> Result<(), Error> {
        if (
            self.p,
            self.t_opt,
            self.direction,
            self.margin,
            self.monitor.alpha(),
        ) != (
            other.p,
            other.t_opt,
            other.direction,
            other.margin,
            other.monitor.alpha(),
        ) || self.bounds != other.bounds
        {
            return Err(merge_mismatch(
                "identical (p, t_opt, direction, margin, alpha, buckets)",
            ));
        }
        for (mine, theirs) in [
            (&mut self.baseline, &other.baseline),
            (&mut self.canary, &other.canary),
        ] {
            mine.consolidate();
            mine.merge_runs(&theirs.view().runs);
        }
        Ok(())
    }

    /// The lower edge of the value `x`'s bin: x itself for raw values, the previous
    /// bound in bucket mode.
    fn lower_edge(&self, x: f64) -> f64 {
        match &self.bounds {
            None => x,
            Some(bounds) => {
                let i = bounds.partition_point(|&b| b < x);
                match i {
                    0 if bounds[0] > 0.0 => 0.0,
                    0 => f64::NEG_INFINITY,
                    _ => bounds[i - 1],
                }
            }
        }
    }

    /// Each arm's confidence interval for its p-quantile at this check, at α/2 (so the
    /// two hold jointly at α): (baseline, canary).
    pub fn arm_intervals(&self) -> ((f64, f64), (f64, f64)) {
        let a = Ecdf::new(&self.baseline);
        let b = Ecdf::new(&self.canary);
        (self.arm_interval(&a), self.arm_interval(&b))
    }

    /// [X_(⌊tp − u⁻⌋ + 1), X_(⌈tp + u⁺⌉)], a side unbounded when its boundary is
    /// capped or its rank falls outside 1..=t.
    fn arm_interval(&self, e: &Ecdf) -> (f64, f64) {
        let t = e.total();
        if t == 0 {
            return (f64::NEG_INFINITY, f64::INFINITY);
        }
        let (p, tf) = (self.p, t as f64);
        let alpha = self.monitor.alpha() / 2.0;
        let rho = two_sided_rho(p * (1.0 - p) * self.t_opt, 0.05);
        let v = p * (1.0 - p) * tf;
        let lower = mixture_boundary(v, 1.0 - p, p, rho, alpha)
            .map(|u| (tf * p - u).floor() + 1.0)
            .filter(|&k| k >= 1.0)
            .map_or(f64::NEG_INFINITY, |k| {
                self.lower_edge(e.order_statistic(k as u64))
            });
        let upper = mixture_boundary(v, p, 1.0 - p, rho, alpha)
            .map(|u| (tf * p + u).ceil())
            .filter(|&k| k <= tf)
            .map_or(f64::INFINITY, |k| e.order_statistic(k.max(1.0) as u64));
        (lower, upper)
    }

    /// ln of one arm's mixture at empirical CDF value f.
    fn arm_log_mixture(&self, t: u64, f: f64) -> f64 {
        let (p, tf) = (self.p, t as f64);
        let rho = two_sided_rho(p * (1.0 - p) * self.t_opt, 0.05);
        beta_binomial_log_mixture((f - p) * tf, p * (1.0 - p) * tf, p, 1.0 - p, rho)
    }

    /// The f in [0, 1] minimising an arm's mixture (golden-section search).
    fn arm_minimiser(&self, t: u64) -> f64 {
        golden_min(|f| self.arm_log_mixture(t, f), 0.0, 1.0, 90)
    }

    /// G(x) for one arm: its mixture at the point of [F̂(x⁻), F̂(x)] nearest its
    /// minimiser (0 without data).
    fn arm_evidence(&self, e: &Ecdf, minimiser: f64, x: f64) -> f64 {
        let t = e.total();
        if t == 0 {
            return 0.0;
        }
        let (below, upto) = e.counts_at(x);
        let tf = t as f64;
        let f = minimiser.clamp(below as f64 / tf, upto as f64 / tf);
        self.arm_log_mixture(t, f)
    }

    /// ln E for "same p-quantile": the minimum over candidate common values x of
    /// G_b(x) + G_c(x). The sum is smallest between the two arms' minimising points,
    /// so only the distinct values there are candidates.
    fn log_e(&self, b: &Ecdf, c: &Ecdf) -> f64 {
        if b.total() == 0 || c.total() == 0 {
            return 0.0;
        }
        let (mb, mc) = (self.arm_minimiser(b.total()), self.arm_minimiser(c.total()));
        let point = |e: &Ecdf, m: f64| {
            let k = ((m * e.total() as f64).ceil() as u64).clamp(1, e.total());
            e.order_statistic(k)
        };
        let (xb, xc) = (point(b, mb), point(c, mc));
        let (lo, hi) = if xb <= xc { (xb, xc) } else { (xc, xb) };
        let in_range = |e: &Ecdf| {
            let start = e.values.partition_point(|&v| v < lo);
            let end = e.values.partition_point(|&v| v <= hi);
            e.values[start..end].to_vec()
        };
        let mut candidates = in_range(b);
        candidates.extend(in_range(c));
        candidates.push(lo);
        candidates.push(hi);
        candidates
            .iter()
            .map(|&x| self.arm_evidence(b, mb, x) + self.arm_evidence(c, mc, x))
            .fold(f64::INFINITY, f64::min)
            .max(f64::MIN)
    }

    /// The LIL-band comparison of the two whole distributions at this check (at α/2
    /// per arm): Howard & Ramdas's time-uniform DKW band,
    /// ε_t = A·√((ln(1 + ln t) + C)/t) with A = 0.85 and C solved for the level.
    /// Conservative; use it to catch a change anywhere, not as the main test. Costs
    /// O(n log n) plus about 0.2 ms to solve for C.
    pub fn distribution_change(&self) -> DistributionChange {
        let (b, c) = (Ecdf::new(&self.baseline), Ecdf::new(&self.canary));
        let constant = lil_constant(self.monitor.alpha() / 2.0, LIL_A);
        let eps = |t: u64| lil_radius(t, constant, LIL_A);
        let threshold = eps(b.total()) + eps(c.total());
        let (mut two, mut one) = (0.0f64, 0.0f64);
        if b.total() > 0 && c.total() > 0 {
            let (tb, tc) = (b.total() as f64, c.total() as f64);
            for &x in b.values.iter().chain(&c.values) {
                let d = b.counts_at(x).1 as f64 / tb - c.counts_at(x).1 as f64 / tc;
                two = two.max(d.abs());
                one = one.max(d);
            }
        }
        DistributionChange {
            statistic: two,
            canary_larger_by: one,
            threshold,
            changed: two > threshold,
            canary_larger: one > threshold,
        }
    }
}

impl SequentialTest for QuantileTest {
    fn check(&mut self) -> Report {
        self.baseline.consolidate();
        self.canary.consolidate();
        let (b, c) = (Ecdf::new(&self.baseline), Ecdf::new(&self.canary));
        let log_e = self.log_e(&b, &c);
        let ((bl, bu), (cl, cu)) = (self.arm_interval(&b), self.arm_interval(&c));
        let band = (cl - bu, cu - bl);
        let band = (
            if band.0.is_nan() {
                f64::NEG_INFINITY
            } else {
                band.0
            },
            if band.1.is_nan() {
                f64::INFINITY
            } else {
                band.1
            },
        );
        let direction = self.direction;
        let margin = self.margin.resolve(b.quantile(self.p));
        let worse = match (b.quantile(self.p), c.quantile(self.p)) {
            (Some(qb), Some(qc)) => match direction {
                Direction::HigherIsWorse => qc > qb,
                Direction::LowerIsWorse => qc < qb,
                Direction::Either => qc != qb,
            },
            _ => false,
        };
        self.monitor.fold(
            log_e,
            band,
            |_, _| worse,
            |lo, hi| within_margin(direction, margin, lo, hi),
        )
    }

    fn last_report(&self) -> Report {
        self.monitor.last()
    }
}

/// A in the LIL band (confseq's default).
const LIL_A: f64 = 0.85;

/// ε_t = A·√((ln(1 + ln t) + C)/t) for t ≥ 1 (t_min = 1); 1 without data.
fn lil_radius(t: u64, c: f64, a: f64) -> f64 {
    if t == 0 {
        return 1.0;
    }
    let t = t as f64;
    (a * (((1.0 + t.ln()).ln() + c) / t).sqrt()).min(1.0)
}

/// The C of the LIL band at level `alpha`: err(C) = α with
/// err(C) = min over η ∈ (1, η_max) of 4e^{−γ²C}(1 + 1/((γ² − 1) ln η)),
/// γ² = (2/η)(A − √(2(η − 1)/C))², η_max where γ² = 1 (Howard & Ramdas 2022,
/// Theorem 2; confseq's `empirical_process_lil_bound`).
pub(crate) fn lil_constant(alpha: f64, a: f64) -> f64 {
    let err = |c: f64| {
        let gamma2 = |eta: f64| (2.0 / eta) * (a - (2.0 * (eta - 1.0) / c).sqrt()).powi(2);
        // η_max: γ² falls from 2A² through 1 as η grows, before √(2(η − 1)/C)
        // reaches A (where γ² would turn back up).
        let top = (2.0 * a * a).min(1.0 + a * a * c / 2.0);
        let eta_max = bisect(1.0, top, |eta| gamma2(eta) - 1.0, true);
        let bound = |eta: f64| {
            let g2 = gamma2(eta);
            if g2 <= 1.0 || eta <= 1.0 {
                return f64::INFINITY;
            }
            let v = 4.0 * (-g2 * c).exp() * (1.0 + 1.0 / ((g2 - 1.0) * eta.ln()));
            if v.is_nan() { f64::INFINITY } else { v }
        };
        // Golden-section minimum over (1, η_max).
        bound(golden_min(bound, 1.0, eta_max, 100))
    };
    // err decreases in C, and C lies near ln(4/α)/γ² with γ² < 2A²: bracket it.
    let scale = (4.0 / alpha).ln();
    bisect(0.25 * scale, 3.0 * scale + 20.0, |c| alpha - err(c), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lil_band_matches_the_published_radii() {
        // sequential.md 3.3 (confseq, t_min = 1, α = 0.05).
        let c = lil_constant(0.05, LIL_A);
        for (t, eps) in [
            (10, 0.82048),
            (100, 0.26672),
            (1000, 0.085806),
            (10_000, 0.027472),
        ] {
            let ours = lil_radius(t, c, LIL_A);
            assert!(
                (ours - eps).abs() < 2e-5 * eps.max(0.1),
                "t={t}: {ours} vs {eps}"
            );
        }
    }
}
