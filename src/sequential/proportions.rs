//! Proportions: the Bernoulli mixture SPRT for canary − baseline, and an exact
//! confidence sequence for one proportion against an SLO target.

use super::means::{NO_EVIDENCE, fold_signed, normal_mixture, shows_worse, within_margin};
use super::{
    Monitor, Report, SequentialTest, check_margin, check_positive, check_unit, merge_mismatch,
};
use crate::num::special::{bisect, ln_beta};
use crate::{Alpha, Direction, Error, EventCounts, Margin};

/// The Bernoulli mSPRT (Optimizely's): the normal mixture of
/// [`NormalMsprt`](super::means::NormalMsprt) applied to Δ̂ = p̂_c − p̂_b with the
/// plug-in variance p̂_b(1 − p̂_b)/n_b + p̂_c(1 − p̂_c)/n_c, and E = 1 while that
/// variance is 0. Valid only asymptotically: anti-conservative for very rare events
/// at small n; for rare errors with a known traffic split prefer
/// [`CountRateTest`](super::counts::CountRateTest), which is exact.
///
/// # Example
/// ```
/// use canary_judge::Alpha;
/// use canary_judge::sequential::{proportions::ProportionTest, Signal, SequentialTest};
/// use canary_judge::{Direction, EventCounts};
/// let mut test = ProportionTest::new(Alpha::FIVE_PERCENT, 0.02, Direction::HigherIsWorse)?;
/// test.update(EventCounts::new(50, 10_000)?, EventCounts::new(110, 10_000)?)?;
/// assert_eq!(test.check().decision, Signal::Reject); // 1.1% against 0.5% errors
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct ProportionTest {
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    tau2: f64,
    direction: Direction,
    margin: Margin,
    baseline: EventCounts,
    canary: EventCounts,
    monitor: Monitor,
}

validated_serde!(ProportionTest);

impl crate::validated::Validate for ProportionTest {
    /// The constructor's check on τ², the margin's; counts and monitor validate as
    /// they load.
    fn validate(&self) -> Result<(), Error> {
        check_positive("mixing scale tau squared", self.tau2)?;
        check_margin(self.margin)
    }
}

/// The settings of a [`ProportionTest`], each set by name and none checked until
/// [`build`](Self::build), which checks them all at once; a `Copy` template.
///
/// Defaults: α = 5%, margin 0. The mixing scale τ (the sd of the prior on the
/// difference of proportions) is the builder's argument: the change worth
/// detecting (0.005 for half a percentage point) depends on the metric's level.
///
/// # Example
/// ```
/// use canary_judge::sequential::proportions::ProportionTest;
/// use canary_judge::{Alpha, Direction, Margin};
/// let test = ProportionTest::builder(0.005, Direction::HigherIsWorse)
///     .alpha(Alpha::ONE_PERCENT)
///     .margin(Margin::Absolute(0.001))
///     .build()?;
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ProportionTestBuilder {
    tau: f64,
    direction: Direction,
    alpha: Alpha,
    margin: Margin,
}

impl ProportionTestBuilder {
    /// The level α (default 5%).
    pub fn alpha(mut self, alpha: Alpha) -> Self {
        self.alpha = alpha;
        self
    }

    /// The tolerated increase (or decrease, per direction) of the proportion:
    /// [`Margin::Absolute`] in proportion units (0.01 = one percentage point),
    /// [`Margin::Relative`] a fraction of the baseline's running proportion at each
    /// check (0 before the baseline has trials).
    pub fn margin(mut self, margin: Margin) -> Self {
        self.margin = margin;
        self
    }

    /// The test, with no trials.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`], naming the field, unless τ is finite and > 0
    /// and the margin's value is finite and ≥ 0.
    pub fn build(self) -> Result<ProportionTest, Error> {
        check_positive("mixing scale tau", self.tau)?;
        let test = ProportionTest {
            tau2: self.tau * self.tau,
            direction: self.direction,
            margin: self.margin,
            baseline: EventCounts::default(),
            canary: EventCounts::default(),
            monitor: Monitor::new(self.alpha)?,
        };
        crate::validated::Validate::validated(test)
    }
}

impl ProportionTest {
    /// A test at level `alpha` with mixing scale τ on the difference of proportions:
    /// `ProportionTest::builder(tau, direction).alpha(alpha).build()`.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] unless τ is finite and > 0.
    pub fn new(alpha: Alpha, tau: f64, direction: Direction) -> Result<Self, Error> {
        Self::builder(tau, direction).alpha(alpha).build()
    }

    /// The settings of a test with mixing scale τ, at their defaults, to be changed
    /// by name and checked once by [`ProportionTestBuilder::build`].
    pub fn builder(tau: f64, direction: Direction) -> ProportionTestBuilder {
        ProportionTestBuilder {
            tau,
            direction,
            alpha: Alpha::FIVE_PERCENT,
            margin: Margin::default(),
        }
    }

    /// Adds events out of trials for each arm. O(1).
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if a running total would overflow; the state is
    ///   unchanged.
    pub fn update(&mut self, baseline: EventCounts, canary: EventCounts) -> Result<(), Error> {
        let add = |a: EventCounts, b: EventCounts| -> Result<EventCounts, Error> {
            match (
                a.events().checked_add(b.events()),
                a.total().checked_add(b.total()),
            ) {
                (Some(e), Some(t)) => EventCounts::new(e, t),
                _ => Err(Error::InvalidParameter {
                    name: "running trial count",
                    expected: "below 2^64",
                    value: u64::MAX as f64,
                }),
            }
        };
        let (b, c) = (add(self.baseline, baseline)?, add(self.canary, canary)?);
        self.baseline = b;
        self.canary = c;
        Ok(())
    }

    /// Adds the counts of a test with the same configuration run on other data.
    ///
    /// # Errors
    /// - [`Error::Mismatch`] if the configurations differ, [`Error::InvalidParameter`] if
    ///   the counts overflow; the state is unchanged.
    pub fn merge(&mut self, other: &Self) -> Result<(), Error> {
        if (self.tau2, self.direction, self.margin, self.monitor.alpha())
            != (
                other.tau2,
                other.direction,
                other.margin,
                other.monitor.alpha(),
            )
        {
            return Err(merge_mismatch("identical (tau, direction, margin, alpha)"));
        }
        self.update(other.baseline, other.canary)
    }

    /// ln E and the interval for p_c − p_b at this check alone.
    pub fn evaluate(&self) -> (f64, (f64, f64)) {
        let (b, c) = (self.baseline, self.canary);
        let (Some(pb), Some(pc)) = (b.rate(), c.rate()) else {
            return NO_EVIDENCE;
        };
        let var = pb * (1.0 - pb) / b.total() as f64 + pc * (1.0 - pc) / c.total() as f64;
        normal_mixture(pc - pb, var, self.tau2, self.monitor.alpha())
    }
}

impl SequentialTest for ProportionTest {
    fn check(&mut self) -> Report {
        let evaluation = self.evaluate();
        let margin = self.margin.resolve(self.baseline.rate());
        fold_signed(&mut self.monitor, evaluation, self.direction, margin)
    }

    fn last_report(&self) -> Report {
        self.monitor.last()
    }
}

/// ρ for a two-sided mixture tuned to be tightest at intrinsic time `v_opt` at level
/// `alpha_opt` (confseq's tuning): v_opt / (2 ln(1/α) + ln(1 + 2 ln(1/α))).
pub(crate) fn two_sided_rho(v_opt: f64, alpha_opt: f64) -> f64 {
    let l = -alpha_opt.ln();
    v_opt / (2.0 * l + (1.0 + 2.0 * l).ln())
}

/// ln of the two-sided beta-binomial mixture for increments in [−g, h] (g + h = 1)
/// at martingale value s and intrinsic time v, with tuning ρ (Howard et al. 2021,
/// confseq's `beta_binomial_log_mixture` with the complete beta):
/// − (v + hs)/h · ln g − (v − gs)/g · ln h + ln B((r + v − gs)/g, (r + v + hs)/h)
/// − ln B(r/g, r/h), with r = max(ρ − gh, 10⁻³gh).
pub(crate) fn beta_binomial_log_mixture(s: f64, v: f64, g: f64, h: f64, rho: f64) -> f64 {
    let r = (rho - g * h).max(1e-3 * g * h);
    let a = (r + v - g * s) / g;
    let b = (r + v + h * s) / h;
    if !(a > 0.0 && b > 0.0) {
        return f64::INFINITY;
    }
    -(v + h * s) / h * g.ln() - (v - g * s) / g * h.ln() + ln_beta(a, b) - ln_beta(r / g, r / h)
}

/// An exact confidence sequence for one Bernoulli proportion (confseq's
/// `bernoulli_confidence_interval`): the set of p at which the two-sided
/// beta-binomial mixture with g = p, h = 1 − p, s = x − np, v = p(1 − p)n and
/// v_opt = p(1 − p)·t_opt stays below ln(1/α), found by bisection either side of p̂.
/// Valid for any [0, 1]-bounded mean. Judged against a target p₀ (an SLO's error
/// rate): reject when the sequence lies above p₀ (for `HigherIsWorse`), accept when
/// it lies below p₀ + margin; the e-value is the mixture at p₀.
///
/// # Example
/// ```
/// use canary_judge::Alpha;
/// use canary_judge::sequential::{proportions::BernoulliCs, ConfidenceSequence, SequentialTest};
/// use canary_judge::Direction;
/// // 12 errors in 5000 requests, tuned for 1000 (confseq's documented case).
/// let mut cs = BernoulliCs::new(Alpha::FIVE_PERCENT, 1000.0, 0.01, Direction::HigherIsWorse)?;
/// cs.update(12, 5000)?;
/// let ConfidenceSequence::Bounds { lower, upper } = cs.check().confidence_sequence else { panic!() };
/// assert!((lower - 0.000717).abs() < 1e-6 && (upper - 0.005201).abs() < 1e-6);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct BernoulliCs {
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    t_opt: f64,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    target: f64,
    direction: Direction,
    margin: Margin,
    counts: EventCounts,
    monitor: Monitor,
}

validated_serde!(BernoulliCs);

impl crate::validated::Validate for BernoulliCs {
    /// The constructor's checks on t_opt and the target, the margin's; counts and
    /// monitor validate as they load.
    fn validate(&self) -> Result<(), Error> {
        super::check_horizon(self.t_opt)?;
        check_unit("target proportion", self.target)?;
        check_margin(self.margin)
    }
}

/// The settings of a [`BernoulliCs`], each set by name and none checked until
/// [`build`](Self::build), which checks them all at once; a `Copy` template.
///
/// Defaults: α = 5%, t_opt = 1,000 trials, margin 0. Set t_opt to the number of
/// trials expected by the planned end (the sequence is tightest there; confseq
/// uses the same parameter).
///
/// # Example
/// ```
/// use canary_judge::sequential::proportions::BernoulliCs;
/// use canary_judge::{Direction, Margin};
/// // A 1% error SLO, 20,000 requests planned, 0.2 points of slack.
/// let cs = BernoulliCs::builder(0.01, Direction::HigherIsWorse)
///     .t_opt(20_000.0)
///     .margin(Margin::Absolute(0.002))
///     .build()?;
/// let err = BernoulliCs::builder(0.01, Direction::HigherIsWorse).t_opt(0.5).build().unwrap_err();
/// assert!(err.to_string().contains("t_opt"));
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct BernoulliCsBuilder {
    target: f64,
    direction: Direction,
    alpha: Alpha,
    t_opt: f64,
    margin: Margin,
}

impl BernoulliCsBuilder {
    /// The level 1 − α of the sequence (default α = 5%).
    pub fn alpha(mut self, alpha: Alpha) -> Self {
        self.alpha = alpha;
        self
    }

    /// The number of trials at which the sequence is tightest (default 1,000).
    pub fn t_opt(mut self, t_opt: f64) -> Self {
        self.t_opt = t_opt;
        self
    }

    /// The tolerated excess over the target: [`Margin::Absolute`] in proportion
    /// units, [`Margin::Relative`] a fraction of the target.
    pub fn margin(mut self, margin: Margin) -> Self {
        self.margin = margin;
        self
    }

    /// The sequence, with no trials.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`], naming the field, unless t_opt is finite and
    /// ≥ 1 (a number of trials), 0 < target < 1, and the margin's value is finite
    /// and ≥ 0.
    pub fn build(self) -> Result<BernoulliCs, Error> {
        let cs = BernoulliCs {
            t_opt: self.t_opt,
            target: self.target,
            direction: self.direction,
            margin: self.margin,
            counts: EventCounts::default(),
            monitor: Monitor::new(self.alpha)?,
        };
        crate::validated::Validate::validated(cs)
    }
}

impl BernoulliCs {
    /// A confidence sequence at level 1 − `alpha`, tightest near `t_opt` trials,
    /// judged against the proportion `target`:
    /// `BernoulliCs::builder(target, direction).alpha(alpha).t_opt(t_opt).build()`.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] unless t_opt is finite and ≥ 1 (a number of
    ///   trials) and 0 < target < 1; so the two can never be swapped silently.
    ///
    /// # Example
    /// ```
    /// use canary_judge::{Alpha, Direction, sequential::proportions::BernoulliCs};
    /// let up = Direction::HigherIsWorse;
    /// assert!(BernoulliCs::new(Alpha::FIVE_PERCENT, 1000.0, 0.01, up).is_ok());
    /// // Swapped: a target of 1000 and a horizon of 0.01 trials are both refused.
    /// assert!(BernoulliCs::new(Alpha::FIVE_PERCENT, 0.01, 1000.0, up).is_err());
    /// assert!(BernoulliCs::new(Alpha::FIVE_PERCENT, 0.5, 0.01, up).is_err());
    /// ```
    pub fn new(alpha: Alpha, t_opt: f64, target: f64, direction: Direction) -> Result<Self, Error> {
        Self::builder(target, direction)
            .alpha(alpha)
            .t_opt(t_opt)
            .build()
    }

    /// The settings of a sequence judged against the proportion `target`, at their
    /// defaults, to be changed by name and checked once by
    /// [`BernoulliCsBuilder::build`].
    pub fn builder(target: f64, direction: Direction) -> BernoulliCsBuilder {
        BernoulliCsBuilder {
            target,
            direction,
            alpha: Alpha::FIVE_PERCENT,
            t_opt: 1000.0,
            margin: Margin::default(),
        }
    }

    /// Adds `events` out of `trials`.
    ///
    /// # Errors
    /// - [`Error::EventsExceedTotal`] if events > trials, [`Error::InvalidParameter`]
    ///   on overflow; the state is unchanged.
    pub fn update(&mut self, events: u64, trials: u64) -> Result<(), Error> {
        let batch = EventCounts::new(events, trials)?;
        match (
            self.counts.events().checked_add(batch.events()),
            self.counts.total().checked_add(batch.total()),
        ) {
            (Some(e), Some(t)) => {
                self.counts = EventCounts::new(e, t)?;
                Ok(())
            }
            _ => Err(Error::InvalidParameter {
                name: "running trial count",
                expected: "below 2^64",
                value: u64::MAX as f64,
            }),
        }
    }

    /// Adds the counts of a test with the same configuration run on other data.
    ///
    /// # Errors
    /// - [`Error::Mismatch`] if the configurations differ, [`Error::InvalidParameter`] if
    ///   the counts overflow; the state is unchanged.
    pub fn merge(&mut self, other: &Self) -> Result<(), Error> {
        if (
            self.t_opt,
            self.target,
            self.direction,
            self.margin,
            self.monitor.alpha(),
        ) != (
            other.t_opt,
            other.target,
            other.direction,
            other.margin,
            other.monitor.alpha(),
        ) {
            return Err(merge_mismatch(
                "identical (t_opt, target, direction, margin, alpha)",
            ));
        }
        self.update(other.counts.events(), other.counts.total())
    }

    /// ln of the mixture at proportion p for the counts so far.
    fn log_mixture(&self, p: f64) -> f64 {
        let n = self.counts.total() as f64;
        let x = self.counts.events() as f64;
        let (g, h) = (p, 1.0 - p);
        let rho = two_sided_rho(g * h * self.t_opt, 0.05);
        beta_binomial_log_mixture(x - n * p, g * h * n, g, h, rho)
    }

    /// ln E against the target and the interval at this check alone.
    pub fn evaluate(&self) -> (f64, (f64, f64)) {
        let n = self.counts.total();
        if n == 0 {
            return (0.0, (0.0, 1.0));
        }
        let threshold = -self.monitor.alpha().ln();
        let hat = self.counts.events() as f64 / n as f64;
        let outside = |p: f64| self.log_mixture(p) - threshold;
        let tiny = 1e-15;
        let lower = if hat <= tiny || outside(tiny) < 0.0 {
            0.0
        } else {
            bisect(tiny, hat.min(1.0 - tiny), outside, true)
        };
        let upper = if hat >= 1.0 - tiny || outside(1.0 - tiny) < 0.0 {
            1.0
        } else {
            bisect(hat.max(tiny), 1.0 - tiny, outside, false)
        };
        (self.log_mixture(self.target), (lower, upper))
    }
}

impl SequentialTest for BernoulliCs {
    fn check(&mut self) -> Report {
        let (log_e, interval) = self.evaluate();
        let (direction, target) = (self.direction, self.target);
        let margin = self.margin.resolve(Some(target));
        self.monitor.fold(
            log_e,
            interval,
            |lo, hi| shows_worse(direction, lo - target, hi - target),
            |lo, hi| within_margin(direction, margin, lo - target, hi - target),
        )
    }

    fn last_report(&self) -> Report {
        self.monitor.last()
    }
}
