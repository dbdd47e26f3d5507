//! The count-rate e-process: are the canary's errors per unit of traffic more
//! frequent than the baseline's?
//!
//! # Model (Lindon & Malek 2022; Netflix, "Sequential testing, part 2", 2024)
//! Each arm's events (errors, crashes) form a Poisson process with intensity
//! ρ_i·e^{δ_i}·λ(t): ρ_i is the arm's known share of traffic and λ(t) an unknown,
//! arbitrary load curve shared by both arms. Given that an event happens, it is the
//! canary's with probability θ = ρ_c e^{δ_c} / (ρ_b e^{δ_b} + ρ_c e^{δ_c}), whatever
//! λ(t) does, so the arm labels of successive events are independent Bernoulli(θ)
//! draws and the null "same rate per unit traffic" is θ = ρ_c. The rate ratio
//! (canary over baseline, per unit traffic) is r = θ/(1 − θ) · ρ_b/ρ_c.
//!
//! # E-values
//! With a Beta(a, b) prior on θ, a = k·ρ_c, b = k·ρ_b (k = 100 by default, as savvi),
//! and n_c, n_b events so far:
//!
//! - two-sided: ln E₂ = ln B(a + n_c, b + n_b) − ln B(a, b) − n_c ln ρ_c − n_b ln ρ_b
//!   (savvi's `Multinomial` odds for two categories);
//! - one-sided (default, H0: θ ≤ ρ_c): the prior truncated to θ > ρ_c,
//!   ln E₁ = ln E₂ + ln(1 − I_{ρ_c}(a + n_c, b + n_b)) − ln(1 − I_{ρ_c}(a, b)),
//!   a supermartingale under every θ ≤ ρ_c (the per-event likelihood ratio of a
//!   θ > ρ_c has expectation ≤ 1 there).
//!
//! The confidence sequence for r inverts the two-sided e-value: the θ with
//! n_c ln θ + n_b ln(1 − θ) > ln B(a + n_c, b + n_b) − ln B(a, b) + ln α, two roots
//! found by Newton's method on ln θ (from outside, so the ends stay conservative),
//! mapped to r. A check keeps only the running intersection, so an end of it that
//! lies inside the new interval (one evaluation of the likelihood tells) is kept
//! without solving for the new end, and an end outside is the start of Newton's
//! method, a hair from the root: most checks solve for one end or none. Everything
//! is in log space (ln Γ, a log-space incomplete beta), finite after 10^12 events.
//!
//! # Assumptions
//! Proportional intensities, a known and stable split, independent events. A burst
//! (one broken host emitting many errors) breaks independence; count distinct users
//! or cap each unit's contribution. An empty running intersection reports such a
//! violation.

use super::{
    ConfidenceSequence, Monitor, Report, SequentialTest, Sidedness, check_positive,
    check_relative_margin, check_unit,
};
use crate::num::special::{ln_beta, ln_beta_inc_reg};
use crate::{Alpha, Error, Margin};

/// The two-arm count-rate test (see the module documentation).
///
/// The confidence sequence is on the rate ratio r (canary/baseline errors per unit
/// traffic); [`Signal::Accept`](super::Signal::Accept) when its upper end is
/// below 1 + margin.
///
/// # Example
/// ```
/// use canary_judge::Alpha;
/// use canary_judge::sequential::{counts::CountRateTest, Signal, SequentialTest};
/// // 10% of traffic on the canary; one check per minute of (baseline, canary) errors.
/// let mut test = CountRateTest::new(0.1, Alpha::FIVE_PERCENT)?;
/// let minutes = [(45, 9), (51, 12), (38, 14), (60, 17), (47, 15)];
/// let mut decision = Signal::Continue;
/// for (baseline, canary) in minutes {
///     test.update(baseline, canary)?;
///     decision = test.check().decision;
///     if decision != Signal::Continue {
///         break;
///     }
/// }
/// // The canary's share of errors (67/308 = 22%) is twice its traffic share.
/// assert_eq!(decision, Signal::Reject);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct CountRateTest {
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    baseline_share: f64,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    canary_share: f64,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    k: f64,
    alternative: Sidedness,
    margin: Margin,
    baseline: u64,
    canary: u64,
    monitor: Monitor,
    /// ln B(a, b) and ln(1 − I_ρ(a, b)), the prior's normalisers: they depend on
    /// the configuration alone, so they are computed at the first look and kept
    /// (derived, never saved).
    #[cfg_attr(feature = "serde", serde(skip))]
    prior_terms: Derived,
}

/// Numbers derived from a test's configuration, computed once on first use; not
/// saved, and equal whatever they hold (a function of the compared fields).
#[derive(Debug, Clone, Default)]
struct Derived(std::sync::OnceLock<(f64, f64)>);

impl PartialEq for Derived {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

validated_serde!(CountRateTest);

impl crate::validated::Validate for CountRateTest {
    /// The constructor's and setters' checks (shares in (0, 1) summing to 1, k finite
    /// and > 0, margin finite and ≥ 0), counts at most [`MAX_EVENTS`], and the
    /// monitor's.
    fn validate(&self) -> Result<(), Error> {
        check_shares(self.baseline_share, self.canary_share)?;
        check_events(self.baseline, self.canary)?;
        check_positive("prior concentration k", self.k)?;
        check_relative_margin("margin of a count rate test", self.margin)?;
        crate::validated::Validate::validate(&self.monitor)
    }
}

fn check_shares(baseline_share: f64, canary_share: f64) -> Result<(), Error> {
    check_unit("traffic share", baseline_share)?;
    check_unit("traffic share", canary_share)?;
    if ((baseline_share + canary_share) - 1.0).abs() > 1e-9 {
        return Err(Error::InvalidParameter {
            name: "sum of the traffic shares",
            expected: "1",
            value: baseline_share + canary_share,
        });
    }
    Ok(())
}

/// The settings of a [`CountRateTest`], each set by name and none checked until
/// [`build`](Self::build), which checks them all at once: a `Copy` value, so one
/// builder can serve as the template of many metrics' tests.
///
/// Defaults: α = 5%, k = 100 (savvi's), one-sided ([`Sidedness::Greater`]),
/// margin 0.
///
/// # Example
/// ```
/// use canary_judge::sequential::{counts::CountRateTest, Sidedness};
/// use canary_judge::{Alpha, Margin};
/// let template = CountRateTest::builder(0.1).alpha(Alpha::ONE_PERCENT);
/// let strict = template.build()?;
/// let tolerant = template.margin(Margin::Relative(0.2)).build()?;
/// assert_ne!(strict, tolerant);
/// // Every setting is checked by `build`, whose error names the field.
/// let err = template.concentration(-1.0).build().unwrap_err();
/// assert!(err.to_string().contains("prior concentration k"));
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct CountRateBuilder {
    canary_share: f64,
    alpha: Alpha,
    k: f64,
    alternative: Sidedness,
    margin: Margin,
}

impl CountRateBuilder {
    /// The level α of the test and of its confidence sequence (default 5%).
    pub fn alpha(mut self, alpha: Alpha) -> Self {
        self.alpha = alpha;
        self
    }

    /// The prior concentration k (default 100): the prior sd of θ is about
    /// √(ρ_c(1 − ρ_c)/(k + 1)); small k finds large regressions sooner, large k
    /// small ones. [`build`](Self::build) refuses a k that is not finite and > 0.
    pub fn concentration(mut self, k: f64) -> Self {
        self.k = k;
        self
    }

    /// The one-sided (default) or two-sided e-value.
    pub fn alternative(mut self, alternative: Sidedness) -> Self {
        self.alternative = alternative;
        self
    }

    /// The tolerated increase of the rate, relative to the baseline's rate: with
    /// `Margin::Relative(m)`, accept once the confidence sequence shows r < 1 + m
    /// (`Margin::Relative(0.2)` tolerates 20% more errors per request). The test
    /// sees event counts, not rates, so [`build`](Self::build) refuses a non-zero
    /// [`Margin::Absolute`].
    pub fn margin(mut self, margin: Margin) -> Self {
        self.margin = margin;
        self
    }

    /// The test, with no events counted.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`], naming the field, unless 0 < canary share < 1
    /// (and 1 − share < 1 in floating point, i.e. share ≥ about 1.1e-16), k is
    /// finite and > 0, and the margin is finite, ≥ 0 and relative (or zero).
    ///
    /// # Example
    /// ```
    /// use canary_judge::sequential::counts::CountRateTest;
    /// use canary_judge::Margin;
    /// let b = CountRateTest::builder(0.5);
    /// assert!(b.margin(Margin::Absolute(0.01)).build().is_err());
    /// assert!(b.margin(Margin::Relative(0.2)).build().is_ok());
    /// ```
    pub fn build(self) -> Result<CountRateTest, Error> {
        check_unit("canary's traffic share", self.canary_share)?;
        let test = CountRateTest {
            baseline_share: 1.0 - self.canary_share,
            canary_share: self.canary_share,
            k: self.k,
            alternative: self.alternative,
            margin: self.margin,
            baseline: 0,
            canary: 0,
            monitor: Monitor::new(self.alpha)?,
            prior_terms: Derived::default(),
        };
        crate::validated::Validate::validated(test)
    }
}

impl CountRateTest {
    /// A one-sided test at level `alpha` for a canary that receives `canary_share` of
    /// the traffic (the baseline receives the rest), with k = 100 and margin 0:
    /// `CountRateTest::builder(canary_share).alpha(alpha).build()`. One share, not
    /// two: two numbers that must sum to 1 could be swapped silently.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] unless 0 < canary_share < 1 (and 1 − share < 1
    ///   in floating point, i.e. share ≥ about 1.1e-16).
    pub fn new(canary_share: f64, alpha: Alpha) -> Result<Self, Error> {
        Self::builder(canary_share).alpha(alpha).build()
    }

    /// The settings of a test for a canary that receives `canary_share` of the
    /// traffic, at their defaults, to be changed by name and checked once by
    /// [`CountRateBuilder::build`].
    pub fn builder(canary_share: f64) -> CountRateBuilder {
        CountRateBuilder {
            canary_share,
            alpha: Alpha::FIVE_PERCENT,
            k: 100.0,
            alternative: Sidedness::Greater,
            margin: Margin::default(),
        }
    }

    /// Adds the events counted since the last update in each arm. O(1).
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if a running total would exceed
    ///   [`MAX_EVENTS`]; the state is unchanged.
    pub fn update(&mut self, baseline_events: u64, canary_events: u64) -> Result<(), Error> {
        let totals = self.totals_after(baseline_events, canary_events)?;
        self.set_totals(totals);
        Ok(())
    }

    /// The running totals (baseline, canary) after adding these events, checked,
    /// without changing anything.
    ///
    /// # Errors
    /// As [`CountRateTest::update`].
    pub(crate) fn totals_after(
        &self,
        baseline_events: u64,
        canary_events: u64,
    ) -> Result<(u64, u64), Error> {
        let (Some(b), Some(c)) = (
            self.baseline.checked_add(baseline_events),
            self.canary.checked_add(canary_events),
        ) else {
            return Err(too_many(u64::MAX));
        };
        check_events(b, c)?;
        Ok((b, c))
    }

    /// Sets totals from [`CountRateTest::totals_after`] on this same state.
    pub(crate) fn set_totals(&mut self, (baseline, canary): (u64, u64)) {
        self.baseline = baseline;
        self.canary = canary;
    }

    /// Sets the running totals from cumulative counters (as scraped), which must not
    /// decrease; handle counter resets first (see [`crate::burn::counters`]).
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if either total is below the current one or
    ///   above [`MAX_EVENTS`]; the state is unchanged.
    pub fn update_cumulative(
        &mut self,
        baseline_total: u64,
        canary_total: u64,
    ) -> Result<(), Error> {
        check_events(baseline_total, canary_total)?;
        for (total, current) in [(baseline_total, self.baseline), (canary_total, self.canary)] {
            if total < current {
                return Err(Error::InvalidParameter {
                    name: "cumulative event count",
                    expected: "non-decreasing",
                    value: total as f64,
                });
            }
        }
        self.set_totals((baseline_total, canary_total));
        Ok(())
    }

    /// Adds the counts of another test over other events (a shard) with the same
    /// configuration. Counts are sufficient, so the merged e-value equals that of one
    /// test fed everything; the running p-value and intersection continue from this
    /// test's checks.
    ///
    /// # Errors
    /// - [`Error::Mismatch`] if the configurations differ, [`Error::InvalidParameter`] if
    ///   the counts overflow; the state is unchanged.
    pub fn merge(&mut self, other: &Self) -> Result<(), Error> {
        if (
            self.baseline_share,
            self.canary_share,
            self.k,
            self.alternative,
            self.margin,
            self.monitor.alpha(),
        ) != (
            other.baseline_share,
            other.canary_share,
            other.k,
            other.alternative,
            other.margin,
            other.monitor.alpha(),
        ) {
            return Err(Error::InvalidParameter {
                name: "configuration of the merged test",
                expected: "identical (shares, k, alternative, margin, alpha)",
                value: other.canary_share,
            });
        }
        self.update(other.baseline, other.canary)
    }

    /// Events so far: (baseline, canary).
    pub fn counts(&self) -> (u64, u64) {
        (self.baseline, self.canary)
    }

    /// Prior parameters (a, b) = (k ρ_c, k ρ_b).
    fn prior(&self) -> (f64, f64) {
        (self.k * self.canary_share, self.k * self.baseline_share)
    }

    /// (ln B(a, b), ln(1 − I_ρ(a, b))), computed once.
    fn prior_terms(&self) -> (f64, f64) {
        *self.prior_terms.0.get_or_init(|| {
            let (a, b) = self.prior();
            // 1 − I_ρ(p, q) = I_{1−ρ}(q, p), in logs.
            (ln_beta(a, b), ln_beta_inc_reg(b, a, self.baseline_share))
        })
    }

    /// ln of the marginal likelihood ratio's normaliser: ln B(a + n_c, b + n_b) − ln B(a, b).
    fn ln_marginal(&self) -> f64 {
        let (a, b) = self.prior();
        let (nc, nb) = (self.canary as f64, self.baseline as f64);
        ln_beta(a + nc, b + nb) - self.prior_terms().0
    }

    /// n ln p, with 0 ln 0 = 0.
    fn n_ln(n: u64, p: f64) -> f64 {
        if n == 0 { 0.0 } else { n as f64 * p.ln() }
    }

    /// The two-sided ln E₂ against θ = ρ_c.
    pub fn log_e_two_sided(&self) -> f64 {
        self.log_e_two_sided_from(self.ln_marginal())
    }

    fn log_e_two_sided_from(&self, ln_marginal: f64) -> f64 {
        ln_marginal
            - Self::n_ln(self.canary, self.canary_share)
            - Self::n_ln(self.baseline, self.baseline_share)
    }

    /// The one-sided ln E₁ against θ ≤ ρ_c (prior truncated to θ > ρ_c).
    pub fn log_e_one_sided(&self) -> f64 {
        self.log_e_one_sided_from(self.ln_marginal())
    }

    fn log_e_one_sided_from(&self, ln_marginal: f64) -> f64 {
        let (a, b) = self.prior();
        let (nc, nb) = (self.canary as f64, self.baseline as f64);
        // 1 − I_ρ(p, q) = I_{1−ρ}(q, p), in logs.
        let tail = ln_beta_inc_reg(b + nb, a + nc, self.baseline_share);
        self.log_e_two_sided_from(ln_marginal) + tail - self.prior_terms().1
    }

    /// The confidence interval for the rate ratio r at this check alone (not the
    /// running intersection), at level 1 − α.
    pub fn rate_ratio_interval(&self) -> (f64, f64) {
        self.interval_within(self.ln_marginal(), None)
    }

    /// The interval of this check, or, for an end of `running` (the running
    /// intersection's ends) that lies inside it, that end itself: the intersection
    /// is the same either way, and an end inside needs one evaluation of the
    /// likelihood instead of a root. An end outside starts Newton's method there
    /// (outside, so the iterates still rise to the root without crossing it).
    fn interval_within(&self, ln_marginal: f64, running: Option<(f64, f64)>) -> (f64, f64) {
        let (nc, nb) = (self.canary, self.baseline);
        if nc == 0 && nb == 0 {
            return (0.0, f64::INFINITY);
        }
        let c = ln_marginal + self.monitor.alpha().ln();
        let (n1, n2) = (nc as f64, nb as f64);
        let hat = n1 / (n1 + n2);
        let odds = self.baseline_share / self.canary_share;
        // θ and 1 − θ of a rate ratio r, each without cancellation.
        let split = |r: f64| (r / (r + odds), odds / (r + odds));
        let inside =
            |theta: f64, rest: f64| Self::n_ln(nc, theta) + Self::n_ln(nb, rest) - c >= 0.0;
        let ratio = |theta: f64| {
            if theta >= 1.0 {
                f64::INFINITY
            } else {
                theta / (1.0 - theta) * odds
            }
        };
        // A running end (finite and > 0) inside this check's interval is the end
        // itself; one outside on its own side of the estimate starts Newton's method.
        let usable = |r: f64| r.is_finite() && r > 0.0;
        let (run_lower, run_upper) = running.unwrap_or((0.0, f64::INFINITY));
        let lower = if nc == 0 {
            0.0
        } else {
            match usable(run_lower).then(|| split(run_lower)) {
                Some((theta, rest)) if inside(theta, rest) => run_lower,
                end => {
                    let start = end.filter(|e| e.0 < hat).map(|e| e.0.ln());
                    ratio(outer_root(n1, n2, c, hat, start))
                }
            }
        };
        let upper = if nb == 0 {
            f64::INFINITY
        } else {
            match usable(run_upper).then(|| split(run_upper)) {
                Some((theta, rest)) if inside(theta, rest) => run_upper,
                end => {
                    let start = end.filter(|e| e.1 < 1.0 - hat).map(|e| e.1.ln());
                    ratio(1.0 - outer_root(n2, n1, c, 1.0 - hat, start))
                }
            }
        };
        (lower, upper)
    }
}

/// The most events either arm may count: 2^40 (about 1.1·10^12). The one-sided
/// e-value's incomplete beta function is O(1) near the null (Temme's expansion) and
/// a continued fraction of O(√n) terms further out, where it converges quickly;
/// both are checked against mpmath up to 10^6 and stay finite to 2^40; beyond,
/// split the analysis.
pub const MAX_EVENTS: u64 = 1 << 40;

fn too_many(value: u64) -> Error {
    Error::InvalidParameter {
        name: "running event count of an arm",
        expected: "at most 2^40 (split the analysis beyond)",
        value: value as f64,
    }
}

fn check_events(baseline: u64, canary: u64) -> Result<(), Error> {
    match baseline.max(canary) {
        n if n > MAX_EVENTS => Err(too_many(n)),
        _ => Ok(()),
    }
}

/// The root below `hat` of f(θ) = n₁ ln θ + n₂ ln(1 − θ) − c (n₁ > 0, f(hat) > 0),
/// by Newton's method on s = ln θ: g(s) = n₁ s + n₂ ln(1 − eˢ) − c is concave, so
/// Newton's iterates started where g < 0 rise monotonically to the root without
/// crossing it, and the interval end stays on the wide (valid) side. Quadratic
/// convergence: a handful of steps instead of bisection's ~45, each one exponential
/// and one logarithm.
fn outer_root(n1: f64, n2: f64, c: f64, hat: f64, from: Option<f64>) -> f64 {
    // g(s) and g'(s) = n₁ − n₂ eˢ/(1 − eˢ) from one exponential: expm1 near 0
    // (where 1 − eˢ cancels), exp further out (where ln(1 − eˢ) = ln1p(−eˢ) keeps
    // the tiny eˢ's relative accuracy, which n₂ up to 10^12 would magnify).
    let eval = |s: f64| -> (f64, f64) {
        if n2 <= 0.0 {
            return (n1 * s - c, n1);
        }
        let (ln_rest, odds) = if s > -std::f64::consts::LN_2 {
            let em1 = s.exp_m1();
            ((-em1).ln(), (em1 + 1.0) / -em1)
        } else {
            let e = s.exp();
            ((-e).ln_1p(), e / (1.0 - e))
        };
        (n1 * s + n2 * ln_rest - c, n1 - n2 * odds)
    };
    let top = hat.ln();
    // A caller's point outside (the last check's end, usually within a hair of
    // the root) is the start; without one, a start from the quadratic model at the
    // maximum (g'' = −n₂ eˢ/(1 − eˢ)² there), usually within a few percent of the
    // root's distance. Started inside (g > 0), one Newton step lands outside, since
    // the tangent of a concave function lies above it; otherwise (or if that fails)
    // doubling away until g < 0 (g → −∞ linearly as s → −∞ since n₁ > 0). From
    // outside the iterates rise monotonically to the root without crossing it.
    let caller = from
        .filter(|&v| v < top)
        .map(|v| (v, eval(v)))
        .filter(|&(_, (g0, _))| g0 < 0.0);
    let mut d = 1.0;
    let (mut s, (mut g, mut slope)) = caller.unwrap_or_else(|| {
        let curvature = if n2 > 0.0 && hat < 1.0 {
            n2 * hat / ((1.0 - hat) * (1.0 - hat))
        } else {
            0.0
        };
        let guess = (2.0 * eval(top).0.max(0.0) / curvature).sqrt();
        if guess.is_finite() && guess > 0.0 {
            d = guess.min(1.0);
        }
        (top - d, eval(top - d))
    });
    if g >= 0.0 && slope > 0.0 {
        s = (s - g / slope).min(top);
        (g, slope) = eval(s);
    }
    while g >= 0.0 && d < 1e300 {
        d *= 2.0;
        s = top - d;
        (g, slope) = eval(s);
    }
    for _ in 0..100 {
        let step = -g / slope;
        if step.is_nan() || step <= 1e-15 * s.abs().max(1.0) {
            break;
        }
        s = (s + step).min(top);
        (g, slope) = eval(s);
    }
    s.exp()
}

impl SequentialTest for CountRateTest {
    fn check(&mut self) -> Report {
        let ln_marginal = self.ln_marginal();
        let log_e = match self.alternative {
            Sidedness::Greater => self.log_e_one_sided_from(ln_marginal),
            Sidedness::TwoSided => self.log_e_two_sided_from(ln_marginal),
        };
        // Only the running intersection is kept, so an end of it that lies inside
        // this check's interval stands in for this check's end; except where the
        // two-sided test's direction is read from this check's own interval.
        let running = match self.monitor.last().confidence_sequence {
            ConfidenceSequence::Bounds { lower, upper }
                if self.alternative == Sidedness::Greater || log_e < -self.monitor.alpha().ln() =>
            {
                Some((lower, upper))
            }
            _ => None,
        };
        let interval = self.interval_within(ln_marginal, running);
        // Relative(m) → 1 + m; Absolute(0) (the only absolute margin allowed) → 1.
        let limit = 1.0 + self.margin.resolve(Some(1.0));
        let alternative = self.alternative;
        self.monitor.fold(
            log_e,
            interval,
            |lower, _| alternative == Sidedness::Greater || lower > 1.0,
            |_, upper| upper < limit,
        )
    }

    fn last_report(&self) -> Report {
        self.monitor.last()
    }
}

impl CountRateTest {
    /// The running confidence sequence for the rate ratio as of the last check.
    pub fn confidence_sequence(&self) -> ConfidenceSequence {
        self.monitor.last().confidence_sequence
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::special::bisect;

    /// Newton's root against bisection of the same function, from 1 to 10^12
    /// events: equal to 1e-12 relative, and never inside the interval (the Newton
    /// end is at or beyond the bisection's conservative end, up to rounding).
    #[test]
    fn newton_root_matches_bisection() {
        for &(nc, nb) in &[
            (1u64, 0u64),
            (1, 1),
            (3, 40),
            (40, 3),
            (500, 500),
            (7, 100_000),
            (1_000_000, 999_000),
            (1_000_000_000_000, 3),
        ] {
            for alpha in [0.05, 1e-6] {
                let mut t = CountRateTest::new(0.5, crate::Alpha::new(alpha).unwrap()).unwrap();
                t.update(nb, nc).unwrap();
                let c = t.ln_marginal() + alpha.ln();
                let f = |theta: f64| {
                    CountRateTest::n_ln(nc, theta) + CountRateTest::n_ln(nb, 1.0 - theta) - c
                };
                let hat = nc as f64 / (nc + nb) as f64;
                let want = bisect(0.0, hat, f, true);
                let got = outer_root(nc as f64, nb as f64, c, hat, None);
                assert!(
                    (got - want).abs() <= 1e-12 * want.max(1e-300),
                    "{nc} {nb} {alpha}: {got} vs {want}"
                );
                let scale = (nc + nb) as f64 * f64::EPSILON * 64.0;
                assert!(f(got) <= scale.max(1e-9), "{nc} {nb}: inside");
            }
        }
    }
}
