//! Sequential tests for a difference of means, canary − baseline, on O(1) state
//! per arm (count, mean and sum of squared deviations, updated by Welford's method
//! and merged by Chan et al.'s formula).
//!
//! - [`TTest`]: the sequential t-test with unknown variance (Lindon, Ham, Tingley &
//!   Bojinov 2022; savvi's `LinearRegression`): exact under normal errors with a
//!   common variance.
//! - [`NormalMsprt`]: the mixture SPRT for normal means (Johari, Pekelis & Walsh
//!   2022) with a known variance, or with plug-in sample variances (then valid only
//!   asymptotically).

use super::{Monitor, Report, SequentialTest, check_margin, check_positive, merge_mismatch};
use crate::{Alpha, Direction, Error, Margin};

/// Count, mean and sum of squared deviations of one arm.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct Moments {
    n: u64,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    mean: f64,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    m2: f64,
}

validated_serde!(Moments);

impl crate::validated::Validate for Moments {
    /// Finite mean and sum of squared deviations m2 ≥ 0; both 0 with no data.
    fn validate(&self) -> Result<(), Error> {
        let bad = |name: &'static str, expected: &'static str, value: f64| {
            Err(Error::InvalidParameter {
                name,
                expected,
                value,
            })
        };
        if !self.mean.is_finite() {
            return bad("running mean", "finite", self.mean);
        }
        if !(self.m2.is_finite() && self.m2 >= 0.0) {
            return bad(
                "running sum of squared deviations",
                "finite and >= 0",
                self.m2,
            );
        }
        if self.n == 0 && (self.mean != 0.0 || self.m2 != 0.0) {
            return bad("running mean of no observations", "0", self.mean);
        }
        Ok(())
    }
}

impl Moments {
    /// Number of observations.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Their mean (0 when empty).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Σ (x − mean)².
    pub fn sum_of_squares(&self) -> f64 {
        self.m2
    }

    /// Adds one value (Welford's update).
    ///
    /// # Errors
    /// - [`Error::NonFinite`] for a NaN or infinite value, and
    ///   [`Error::InvalidParameter`] when the running mean or sum of squares would
    ///   overflow f64 (values near ±1.8e308 of both signs); the moments are unchanged.
    pub fn push(&mut self, x: f64) -> Result<(), Error> {
        if !x.is_finite() {
            return Err(Error::NonFinite { index: 0, value: x });
        }
        let n = self.n.saturating_add(1);
        let d = x - self.mean;
        let mean = self.mean + d / n as f64;
        let m2 = self.m2 + d * (x - mean);
        if !(mean.is_finite() && m2.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "running sum of squared deviations",
                expected: "finite (values this far apart overflow f64)",
                value: m2,
            });
        }
        (self.n, self.mean, self.m2) = (n, mean, m2);
        Ok(())
    }

    /// Combines the moments of two disjoint sets of values (Chan, Golub & LeVeque).
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] when the combined sum of squares would overflow
    ///   f64 (means near ±1e154 or beyond, far apart).
    pub fn merge(&self, other: &Self) -> Result<Self, Error> {
        if other.n == 0 {
            return Ok(*self);
        }
        if self.n == 0 {
            return Ok(*other);
        }
        let n = self.n.saturating_add(other.n);
        let d = other.mean - self.mean;
        let w = other.n as f64 / n as f64;
        let merged = Self {
            n,
            mean: self.mean + d * w,
            m2: self.m2 + other.m2 + d * d * self.n as f64 * w,
        };
        if !(merged.mean.is_finite() && merged.m2.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "merged sum of squared deviations",
                expected: "finite (means this far apart overflow f64)",
                value: merged.m2,
            });
        }
        Ok(merged)
    }

    /// The unbiased sample variance (None below two values).
    pub fn variance(&self) -> Option<f64> {
        (self.n >= 2).then(|| self.m2 / (self.n - 1) as f64)
    }
}

/// Validates a batch: every value finite.
pub(crate) fn check_finite(values: &[f64]) -> Result<(), Error> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(Error::NonFinite {
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

/// Does [lower, upper] on the effect canary − baseline (null 0) show the canary worse?
pub(crate) fn shows_worse(direction: Direction, lower: f64, upper: f64) -> bool {
    match direction {
        Direction::HigherIsWorse => lower > 0.0,
        Direction::LowerIsWorse => upper < 0.0,
        Direction::Either => lower > 0.0 || upper < 0.0,
    }
}

/// Does [lower, upper] lie inside the tolerated margin m in the bad direction?
pub(crate) fn within_margin(direction: Direction, margin: f64, lower: f64, upper: f64) -> bool {
    match direction {
        Direction::HigherIsWorse => upper < margin,
        Direction::LowerIsWorse => lower > -margin,
        Direction::Either => -margin < lower && upper < margin,
    }
}

/// An evaluation without evidence: E = 1 and an unbounded interval.
pub(crate) const NO_EVIDENCE: (f64, (f64, f64)) = (0.0, (f64::NEG_INFINITY, f64::INFINITY));

/// A means test's margin in the data's units: absolute as given, relative to the
/// baseline's running mean (0 before any baseline observation).
fn resolve_margin(margin: Margin, baseline: &Moments) -> f64 {
    margin.resolve((baseline.n() > 0).then(|| baseline.mean()))
}

/// Folds a check of a signed effect (canary − baseline, null 0) into `monitor`:
/// reject when E ≥ 1/α with the interval on the bad side of 0, accept when the
/// running interval lies within the margin.
pub(crate) fn fold_signed(
    monitor: &mut Monitor,
    (log_e, interval): (f64, (f64, f64)),
    direction: Direction,
    margin: f64,
) -> Report {
    monitor.fold(
        log_e,
        interval,
        |lo, hi| shows_worse(direction, lo, hi),
        |lo, hi| within_margin(direction, margin, lo, hi),
    )
}

/// Validates two batches, then pushes them into the arms' moments.
fn push_batches(
    arms: (&mut Moments, &mut Moments),
    baseline: &[f64],
    canary: &[f64],
) -> Result<(), Error> {
    check_finite(baseline)?;
    check_finite(canary)?;
    // On copies, so that an overflow part-way leaves both arms unchanged.
    let (mut b, mut c) = (*arms.0, *arms.1);
    for &x in baseline {
        b.push(x)?;
    }
    for &x in canary {
        c.push(x)?;
    }
    (*arms.0, *arms.1) = (b, c);
    Ok(())
}

/// The normal-mixture e-value and confidence interval for an estimate `delta` with
/// variance `var` against 0, mixing N(0, τ²) over the alternative:
/// ln Λ = ½ ln(var/(var + τ²)) + τ²δ²/(2 var (var + τ²)), and
/// δ ± √(var (var + τ²)/τ² · ln((var + τ²)/(var α²))). With var = 0 (no spread yet)
/// the e-value is 1 and the interval unbounded.
pub(crate) fn normal_mixture(delta: f64, var: f64, tau2: f64, alpha: f64) -> (f64, (f64, f64)) {
    if !(var > 0.0 && var.is_finite()) {
        return NO_EVIDENCE;
    }
    let total = var + tau2;
    let log_e = 0.5 * (var / total).ln() + tau2 * delta * delta / (2.0 * var * total);
    let radius = (var * total / tau2 * ((total / var).ln() - 2.0 * alpha.ln())).sqrt();
    (log_e, (delta - radius, delta + radius))
}

/// The sequential t-test for canary − baseline means with unknown common variance.
///
/// With n_b, n_c observations, δ̂ = ȳ_c − ȳ_b, ν = n_b + n_c − 2, s² = (SS_b + SS_c)/ν,
/// se² = s²(1/n_b + 1/n_c), t² = δ̂²/se², z² = n_b n_c/(n_b + n_c) and the prior
/// δ ~ N(0, σ²/φ) under the alternative (right-Haar on σ):
///
/// ln E = ½ ln r + (ν + 1)/2 · [ln(1 + t²/ν) − ln(1 + r t²/ν)], r = φ/(φ + z²),
///
/// and the confidence sequence δ̂ ± se·√(ν(1 − w)/(w − r)) with w = (rα²)^{1/(ν+1)},
/// unbounded while w ≤ r. φ = 1/d² for a standardised effect size d (default
/// d = 0.1: shifts of a tenth of a standard deviation are found fastest; savvi's φ = 1
/// tunes for whole standard deviations). The effect scale is the data's units.
///
/// # Example
/// ```
/// use canary_judge::Alpha;
/// use canary_judge::sequential::{means::TTest, Signal, SequentialTest};
/// use canary_judge::Direction;
/// let mut test = TTest::new(Alpha::FIVE_PERCENT, Direction::HigherIsWorse)?;
/// let baseline: Vec<f64> = (0..400).map(|i| 100.0 + ((i * 37) % 21) as f64 - 10.0).collect();
/// let canary: Vec<f64> = (0..400).map(|i| 104.0 + ((i * 53) % 21) as f64 - 10.0).collect();
/// for (b, c) in baseline.chunks(50).zip(canary.chunks(50)) {
///     test.update(b, c)?;
///     test.check();
/// }
/// assert_eq!(test.last_report().decision, Signal::Reject); // +4 ms on a spread of ±10
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct TTest {
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    phi: f64,
    direction: Direction,
    margin: Margin,
    baseline: Moments,
    canary: Moments,
    monitor: Monitor,
}

validated_serde!(TTest);

impl crate::validated::Validate for TTest {
    /// φ finite and > 0 (the effect size's check), the margin's check, the moments'
    /// and the monitor's (the moments and monitor validate as they load).
    fn validate(&self) -> Result<(), Error> {
        check_positive("mixing parameter phi", self.phi)?;
        check_margin(self.margin)
    }
}

/// The settings of a [`TTest`], each set by name and none checked until
/// [`build`](Self::build), which checks them all at once; a `Copy` template.
///
/// Defaults: α = 5%, standardised effect size 0.1 (φ = 100), margin 0.
///
/// # Example
/// ```
/// use canary_judge::sequential::means::TTest;
/// use canary_judge::{Alpha, Direction, Margin};
/// let test = TTest::builder(Direction::HigherIsWorse)
///     .alpha(Alpha::ONE_PERCENT)
///     .effect_size(0.25)
///     .margin(Margin::Relative(0.05))
///     .build()?;
/// let err = TTest::builder(Direction::HigherIsWorse).effect_size(0.0).build().unwrap_err();
/// assert!(err.to_string().contains("standardised effect size"));
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct TTestBuilder {
    direction: Direction,
    alpha: Alpha,
    effect_size: f64,
    margin: Margin,
}

impl TTestBuilder {
    /// The level α (default 5%).
    pub fn alpha(mut self, alpha: Alpha) -> Self {
        self.alpha = alpha;
        self
    }

    /// The standardised effect size d the mixture is tuned for (φ = 1/d²;
    /// default 0.1).
    pub fn effect_size(mut self, d: f64) -> Self {
        self.effect_size = d;
        self
    }

    /// The tolerated regression of the mean: accept once the confidence sequence
    /// lies within it. [`Margin::Absolute`] is in the data's units;
    /// [`Margin::Relative`] is a fraction of |the baseline's running mean| at each
    /// check (0 before the baseline has data).
    pub fn margin(mut self, margin: Margin) -> Self {
        self.margin = margin;
        self
    }

    /// The test, with no data.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`], naming the field, unless the effect size is
    /// finite and > 0 and the margin's value is finite and ≥ 0.
    pub fn build(self) -> Result<TTest, Error> {
        check_positive("standardised effect size", self.effect_size)?;
        let test = TTest {
            phi: 1.0 / (self.effect_size * self.effect_size),
            direction: self.direction,
            margin: self.margin,
            baseline: Moments::default(),
            canary: Moments::default(),
            monitor: Monitor::new(self.alpha)?,
        };
        crate::validated::Validate::validated(test)
    }
}

impl TTest {
    /// A test at level `alpha` for the given bad direction, with effect size 0.1 and
    /// margin 0: `TTest::builder(direction).alpha(alpha).build()`.
    ///
    /// # Errors
    /// None for a validated [`Alpha`]; fallible like every builder's `build`.
    pub fn new(alpha: Alpha, direction: Direction) -> Result<Self, Error> {
        Self::builder(direction).alpha(alpha).build()
    }

    /// The settings of a test in `direction`, at their defaults, to be changed by
    /// name and checked once by [`TTestBuilder::build`].
    pub fn builder(direction: Direction) -> TTestBuilder {
        TTestBuilder {
            direction,
            alpha: Alpha::FIVE_PERCENT,
            effect_size: 0.1,
            margin: Margin::default(),
        }
    }

    /// Adds observations of each arm. O(1) per value.
    ///
    /// # Errors
    /// - [`Error::NonFinite`] for a NaN or infinite value (index within its batch);
    ///   the state is unchanged.
    pub fn update(&mut self, baseline: &[f64], canary: &[f64]) -> Result<(), Error> {
        push_batches((&mut self.baseline, &mut self.canary), baseline, canary)
    }

    /// Adds the observations of a test with the same configuration run on other data
    /// (a shard), by their moments.
    ///
    /// # Errors
    /// - [`Error::Mismatch`] if the configurations differ, and
    ///   [`Error::InvalidParameter`] if the merged moments would overflow f64; the
    ///   state is unchanged.
    pub fn merge(&mut self, other: &Self) -> Result<(), Error> {
        if (self.phi, self.direction, self.margin, self.monitor.alpha())
            != (
                other.phi,
                other.direction,
                other.margin,
                other.monitor.alpha(),
            )
        {
            return Err(merge_mismatch(
                "identical (effect size, direction, margin, alpha)",
            ));
        }
        let (baseline, canary) = (
            self.baseline.merge(&other.baseline)?,
            self.canary.merge(&other.canary)?,
        );
        (self.baseline, self.canary) = (baseline, canary);
        Ok(())
    }

    /// Per-arm moments (baseline, canary).
    pub fn moments(&self) -> (Moments, Moments) {
        (self.baseline, self.canary)
    }

    /// ln E and the interval at this check alone.
    pub fn evaluate(&self) -> (f64, (f64, f64)) {
        let (b, c) = (self.baseline, self.canary);
        if b.n == 0 || c.n == 0 || b.n.saturating_add(c.n) < 3 {
            return NO_EVIDENCE;
        }
        let (nb, nc) = (b.n as f64, c.n as f64);
        let nu = nb + nc - 2.0;
        let s2 = (b.m2 + c.m2) / nu;
        let se2 = s2 * (1.0 / nb + 1.0 / nc);
        if !(se2 > 0.0 && se2.is_finite()) {
            return NO_EVIDENCE;
        }
        let delta = c.mean - b.mean;
        let t2 = delta * delta / se2;
        let z2 = nb * nc / (nb + nc);
        let r = self.phi / (self.phi + z2);
        let log_e = 0.5 * r.ln() + 0.5 * (nu + 1.0) * ((t2 / nu).ln_1p() - (r * t2 / nu).ln_1p());
        let alpha = self.monitor.alpha();
        let w = ((r.ln() + 2.0 * alpha.ln()) / (nu + 1.0)).exp();
        let interval = if w <= r {
            (f64::NEG_INFINITY, f64::INFINITY)
        } else {
            let half = (se2 * nu * (1.0 - w) / (w - r)).sqrt();
            (delta - half, delta + half)
        };
        (log_e, interval)
    }
}

impl SequentialTest for TTest {
    fn check(&mut self) -> Report {
        let evaluation = self.evaluate();
        let margin = resolve_margin(self.margin, &self.baseline);
        fold_signed(&mut self.monitor, evaluation, self.direction, margin)
    }

    fn last_report(&self) -> Report {
        self.monitor.last()
    }
}

/// How [`NormalMsprt`] knows the variance of an observation.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Variance {
    /// Known per-observation variances σ_b², σ_c²: exact.
    Known {
        /// The baseline's σ².
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        baseline: f64,
        /// The canary's σ².
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        canary: f64,
    },
    /// Each arm's sample variance plugged in: valid only asymptotically (prefer
    /// [`TTest`] for unknown variances).
    PlugIn,
}

/// The mixture SPRT for canary − baseline means: with σ_Δ² = σ_b²/n_b + σ_c²/n_c
/// and the mixing distribution N(0, τ²) on the difference,
/// ln Λ = ½ ln(σ_Δ²/(σ_Δ² + τ²)) + τ²Δ̂²/(2σ_Δ²(σ_Δ² + τ²)) and the confidence
/// sequence Δ̂ ± √(σ_Δ²(σ_Δ² + τ²)/τ² · ln((σ_Δ² + τ²)/(σ_Δ² α²))) (Johari, Pekelis &
/// Walsh 2022; equal to confseq's two-sided normal mixture). Choose τ as a plausible
/// regression size.
///
/// # Example
/// ```
/// use canary_judge::{Alpha, Direction, Margin};
/// use canary_judge::sequential::{means::{NormalMsprt, Variance}, Signal, SequentialTest};
/// let known = Variance::Known { baseline: 1.0, canary: 1.0 };
/// let mut test = NormalMsprt::builder(0.5, known, Direction::HigherIsWorse)
///     .alpha(Alpha::FIVE_PERCENT)
///     .margin(Margin::Absolute(0.5))
///     .build()?;
/// let same: Vec<f64> = (0..2000).map(|i| ((i * 7919) % 1000) as f64 / 500.0 - 1.0).collect();
/// test.update(&same, &same)?;
/// // Identical arms: the interval on the difference is inside ±0.5, so accept.
/// assert_eq!(test.check().decision, Signal::Accept);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct NormalMsprt {
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    tau2: f64,
    variance: Variance,
    direction: Direction,
    margin: Margin,
    baseline: Moments,
    canary: Moments,
    monitor: Monitor,
}

validated_serde!(NormalMsprt);

impl crate::validated::Validate for NormalMsprt {
    /// The constructor's checks on τ² and known variances, the margin's check; the
    /// moments and monitor validate as they load.
    fn validate(&self) -> Result<(), Error> {
        check_positive("mixing scale tau squared", self.tau2)?;
        if let Variance::Known { baseline, canary } = self.variance {
            check_positive("baseline variance", baseline)?;
            check_positive("canary variance", canary)?;
        }
        check_margin(self.margin)
    }
}

/// The settings of a [`NormalMsprt`], each set by name and none checked until
/// [`build`](Self::build), which checks them all at once; a `Copy` template.
///
/// Defaults: α = 5%, margin 0. The mixing scale τ has no default: it is in the
/// data's units (the sd of the prior on the difference of means), so it is the
/// builder's argument; the size of change worth detecting is a good choice.
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct NormalMsprtBuilder {
    tau: f64,
    variance: Variance,
    direction: Direction,
    alpha: Alpha,
    margin: Margin,
}

impl NormalMsprtBuilder {
    /// The level α (default 5%).
    pub fn alpha(mut self, alpha: Alpha) -> Self {
        self.alpha = alpha;
        self
    }

    /// The tolerated regression of the mean: [`Margin::Absolute`] in the data's
    /// units, [`Margin::Relative`] a fraction of |the baseline's running mean| at
    /// each check (0 before the baseline has data).
    pub fn margin(mut self, margin: Margin) -> Self {
        self.margin = margin;
        self
    }

    /// The test, with no data.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`], naming the field, unless τ and known variances
    /// are finite and > 0 and the margin's value is finite and ≥ 0.
    pub fn build(self) -> Result<NormalMsprt, Error> {
        check_positive("mixing scale tau", self.tau)?;
        let test = NormalMsprt {
            tau2: self.tau * self.tau,
            variance: self.variance,
            direction: self.direction,
            margin: self.margin,
            baseline: Moments::default(),
            canary: Moments::default(),
            monitor: Monitor::new(self.alpha)?,
        };
        crate::validated::Validate::validated(test)
    }
}

impl NormalMsprt {
    /// A test at level `alpha` with mixing scale τ (the sd of the effect prior):
    /// `NormalMsprt::builder(tau, variance, direction).alpha(alpha).build()`.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] unless τ and known variances are finite and > 0.
    pub fn new(
        alpha: Alpha,
        tau: f64,
        variance: Variance,
        direction: Direction,
    ) -> Result<Self, Error> {
        Self::builder(tau, variance, direction).alpha(alpha).build()
    }

    /// The settings of a test with mixing scale τ, at their defaults, to be changed
    /// by name and checked once by [`NormalMsprtBuilder::build`].
    pub fn builder(tau: f64, variance: Variance, direction: Direction) -> NormalMsprtBuilder {
        NormalMsprtBuilder {
            tau,
            variance,
            direction,
            alpha: Alpha::FIVE_PERCENT,
            margin: Margin::default(),
        }
    }

    /// Adds observations of each arm. O(1) per value.
    ///
    /// # Errors
    /// - [`Error::NonFinite`] for a NaN or infinite value; the state is unchanged.
    pub fn update(&mut self, baseline: &[f64], canary: &[f64]) -> Result<(), Error> {
        push_batches((&mut self.baseline, &mut self.canary), baseline, canary)
    }

    /// Adds the observations of a test with the same configuration run on other data
    /// (a shard), by their moments.
    ///
    /// # Errors
    /// - [`Error::Mismatch`] if the configurations differ, and
    ///   [`Error::InvalidParameter`] if the merged moments would overflow f64; the
    ///   state is unchanged.
    pub fn merge(&mut self, other: &Self) -> Result<(), Error> {
        if (
            self.tau2,
            self.variance,
            self.direction,
            self.margin,
            self.monitor.alpha(),
        ) != (
            other.tau2,
            other.variance,
            other.direction,
            other.margin,
            other.monitor.alpha(),
        ) {
            return Err(merge_mismatch(
                "identical (tau, variance, direction, margin, alpha)",
            ));
        }
        let (baseline, canary) = (
            self.baseline.merge(&other.baseline)?,
            self.canary.merge(&other.canary)?,
        );
        (self.baseline, self.canary) = (baseline, canary);
        Ok(())
    }

    /// ln Λ and the interval at this check alone.
    pub fn evaluate(&self) -> (f64, (f64, f64)) {
        let (b, c) = (self.baseline, self.canary);
        if b.n == 0 || c.n == 0 {
            return NO_EVIDENCE;
        }
        let (vb, vc) = match self.variance {
            Variance::Known { baseline, canary } => (baseline, canary),
            Variance::PlugIn => match (b.variance(), c.variance()) {
                (Some(vb), Some(vc)) => (vb, vc),
                _ => return NO_EVIDENCE,
            },
        };
        let var = vb / b.n as f64 + vc / c.n as f64;
        normal_mixture(c.mean - b.mean, var, self.tau2, self.monitor.alpha())
    }
}

impl SequentialTest for NormalMsprt {
    fn check(&mut self) -> Report {
        let evaluation = self.evaluate();
        let margin = resolve_margin(self.margin, &self.baseline);
        fold_signed(&mut self.monitor, evaluation, self.direction, margin)
    }

    fn last_report(&self) -> Report {
        self.monitor.last()
    }
}
