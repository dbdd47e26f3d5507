//! Wald's sequential probability ratio test with stated effect sizes, and the
//! Gamma–Poisson mixture test of a count against a known expected count.

use super::{ConfidenceSequence, Monitor, Report, SequentialTest, Signal, check_alpha, check_unit};
use crate::num::special::{bisect, ln_gamma};
use crate::{Alpha, Error, Margin};

/// The simple hypotheses an [`Sprt`] compares.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Hypotheses {
    /// Bernoulli(p0) against Bernoulli(p1); batches are (events, trials).
    Bernoulli {
        /// Null proportion.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        p0: f64,
        /// Alternative proportion.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        p1: f64,
    },
    /// Poisson rate λ0 against λ1 per unit exposure; batches are (count, exposure).
    Poisson {
        /// Null rate.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        lambda0: f64,
        /// Alternative rate.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        lambda1: f64,
    },
    /// Canary against baseline event counts with traffic shares: the canary's share of
    /// events θ0 = ρ_c against θ1 = ρ_c·r/(ρ_b + ρ_c·r) for a rate ratio r; batches are
    /// (baseline events, canary events).
    RateRatio {
        /// The canary's traffic share ρ_c (the baseline's is 1 − ρ_c).
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        canary_share: f64,
        /// The rate ratio r > 0 under the alternative.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        ratio: f64,
    },
}

/// Wald's SPRT, an explicit opt-in for effect-size-specified checks: the
/// log-likelihood ratio of H1 to H0 is summed; reject H0 at LLR ≥ ln((1 − β)/α),
/// accept H0 at LLR ≤ ln(β/(1 − α)), after which the test stays decided. Error
/// rates are at most α/(1 − β) and β/(1 − α) (Wald's bounds); the rejection alone is
/// anytime-valid at α (E = e^LLR is a likelihood ratio). "Accept" is only as good as
/// the chosen alternative: when the true effect lies between the two hypotheses the
/// test tends to accept; prefer the mixture tests when the effect size is unknown.
///
/// # Example
/// ```
/// use canary_judge::Alpha;
/// use canary_judge::sequential::{sprt::{Hypotheses, Sprt}, Signal, SequentialTest};
/// let mut sprt = Sprt::new(Hypotheses::Bernoulli { p0: 0.01, p1: 0.02 }, Alpha::FIVE_PERCENT, 0.1)?;
/// sprt.update_bernoulli(3, 1000)?; // 0.3% errors: far below p0
/// assert_eq!(sprt.check().decision, Signal::Accept);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct Sprt {
    hypotheses: Hypotheses,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    alpha: f64,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    beta: f64,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    llr: f64,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    decided: Option<Signal>,
    last: Report,
}

impl Sprt {
    /// An SPRT for `hypotheses` with error rates α (false rejection) and β (false
    /// acceptance).
    ///
    /// # Errors
    /// - [`Error::InvalidAlpha`] unless 0 < α < 1; [`Error::InvalidParameter`] unless
    ///   0 < β < 1 and the hypotheses are valid and different (proportions and shares
    ///   in (0, 1), rates and ratios finite and > 0).
    pub fn new(hypotheses: Hypotheses, alpha: Alpha, beta: f64) -> Result<Self, Error> {
        check_config(hypotheses, alpha.get(), beta)?;
        Ok(Self {
            hypotheses,
            alpha: alpha.get(),
            beta,
            llr: 0.0,
            decided: None,
            last: Report {
                log_e_value: 0.0,
                p_value: 1.0,
                confidence_sequence: ConfidenceSequence::UNBOUNDED,
                decision: Signal::Continue,
            },
        })
    }

    /// Adds `events` out of `trials` for [`Hypotheses::Bernoulli`]. After a decision
    /// the data are still accepted but change nothing.
    ///
    /// # Errors
    /// - [`Error::EventsExceedTotal`] if events exceed trials;
    ///   [`Error::Mismatch`] for other hypotheses; [`Error::InvalidParameter`] if the
    ///   log-likelihood ratio would overflow f64. The state is unchanged.
    pub fn update_bernoulli(&mut self, events: u64, trials: u64) -> Result<(), Error> {
        let Hypotheses::Bernoulli { p0, p1 } = self.hypotheses else {
            return Err(self.wrong_update("update_bernoulli"));
        };
        if events > trials {
            return Err(Error::EventsExceedTotal {
                events,
                total: trials,
            });
        }
        let (per_event, per_non_event) = bernoulli_steps(p0, p1);
        let (x, n) = (events as f64, trials as f64);
        self.add(x * per_event + (n - x) * per_non_event)
    }

    /// Adds `count` events over `exposure` units for [`Hypotheses::Poisson`].
    ///
    /// # Errors
    /// - [`Error::Mismatch`] for other hypotheses; [`Error::InvalidParameter`] for a
    ///   negative or non-finite exposure or if the log-likelihood ratio would overflow
    ///   f64 (rates many orders of magnitude apart). The state is unchanged.
    pub fn update_poisson(&mut self, count: u64, exposure: f64) -> Result<(), Error> {
        let Hypotheses::Poisson { lambda0, lambda1 } = self.hypotheses else {
            return Err(self.wrong_update("update_poisson"));
        };
        if !(exposure.is_finite() && exposure >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "exposure",
                expected: "finite and >= 0",
                value: exposure,
            });
        }
        // ln λ1 − ln λ0 rather than ln(λ1/λ0): the quotient overflows for rates far apart.
        self.add(count as f64 * (lambda1.ln() - lambda0.ln()) - (lambda1 - lambda0) * exposure)
    }

    /// Adds events counted in each arm for [`Hypotheses::RateRatio`].
    ///
    /// # Errors
    /// - [`Error::Mismatch`] for other hypotheses; [`Error::InvalidParameter`] if the
    ///   log-likelihood ratio would overflow f64. The state is unchanged.
    pub fn update_counts(&mut self, baseline_events: u64, canary_events: u64) -> Result<(), Error> {
        let Hypotheses::RateRatio {
            canary_share,
            ratio,
        } = self.hypotheses
        else {
            return Err(self.wrong_update("update_counts"));
        };
        let t0 = canary_share;
        let t1 = shifted_share(canary_share, ratio);
        let (nb, nc) = (baseline_events as f64, canary_events as f64);
        self.add(nc * (t1 / t0).ln() + nb * ((1.0 - t1) / (1.0 - t0)).ln())
    }

    /// Adds one batch's log-likelihood ratio; a step or sum that is not finite (the
    /// hypotheses so far apart that f64 overflows) is an error and changes nothing,
    /// so a NaN can never freeze the test at Continue.
    fn add(&mut self, step: f64) -> Result<(), Error> {
        if self.decided.is_some() {
            return Ok(());
        }
        let sum = self.llr + step;
        if !sum.is_finite() {
            return Err(Error::InvalidParameter {
                name: "log-likelihood ratio after this batch",
                expected: "finite (hypotheses this far apart overflow f64)",
                value: sum,
            });
        }
        self.llr = sum;
        Ok(())
    }

    fn wrong_update(&self, got: &str) -> Error {
        let expected = match self.hypotheses {
            Hypotheses::Bernoulli { .. } => "update_bernoulli, for Bernoulli hypotheses",
            Hypotheses::Poisson { .. } => "update_poisson, for Poisson hypotheses",
            Hypotheses::RateRatio { .. } => "update_counts, for rate-ratio hypotheses",
        };
        Error::Mismatch {
            name: "the update of this SPRT",
            expected,
            got: got.into(),
        }
    }

    /// The log-likelihood ratio so far (frozen at the decision).
    pub fn log_likelihood_ratio(&self) -> f64 {
        self.llr
    }
}

/// The Bernoulli log-likelihood ratio of p1 against p0 per event and per non-event:
/// (ln(p1/p0), ln((1 − p1)/(1 − p0))). Shared with the burn module's sequential
/// test ([`crate::burn::safeguards::SequentialBurnTest`]).
pub(crate) fn bernoulli_steps(p0: f64, p1: f64) -> (f64, f64) {
    ((p1 / p0).ln(), ((1.0 - p1) / (1.0 - p0)).ln())
}

/// The constructor's checks, shared with validation on deserialisation.
fn check_config(hypotheses: Hypotheses, alpha: f64, beta: f64) -> Result<(), Error> {
    check_alpha(alpha)?;
    let bad = |name: &'static str, expected: &'static str, value: f64| {
        Err(Error::InvalidParameter {
            name,
            expected,
            value,
        })
    };
    check_unit("beta", beta)?;
    let unit = |v: f64| v > 0.0 && v < 1.0;
    let positive = |v: f64| v.is_finite() && v > 0.0;
    match hypotheses {
        Hypotheses::Bernoulli { p0, p1 } if !(unit(p0) && unit(p1) && p0 != p1) => {
            return bad("Bernoulli hypotheses", "two different values in (0, 1)", p1);
        }
        Hypotheses::Poisson { lambda0, lambda1 }
            if !(positive(lambda0) && positive(lambda1) && lambda0 != lambda1) =>
        {
            return bad("Poisson rates", "two different finite rates > 0", lambda1);
        }
        Hypotheses::RateRatio {
            canary_share,
            ratio,
        } if !(unit(canary_share)
            && positive(ratio)
            && ratio != 1.0
            && unit(shifted_share(canary_share, ratio))) =>
        {
            return bad(
                "canary share and rate ratio",
                "a share in (0, 1) and a ratio > 0, not 1, whose share of events under the alternative is within (0, 1) in f64",
                ratio,
            );
        }
        _ => {}
    }
    Ok(())
}

validated_serde!(Sprt);

impl crate::validated::Validate for Sprt {
    /// The constructor's checks; a finite log-likelihood ratio; a last report with a
    /// p-value in [0, 1] and no NaN.
    fn validate(&self) -> Result<(), Error> {
        check_config(self.hypotheses, self.alpha, self.beta)?;
        if !self.llr.is_finite() {
            return Err(Error::InvalidParameter {
                name: "log-likelihood ratio",
                expected: "finite",
                value: self.llr,
            });
        }
        super::check_report(&self.last)
    }
}

/// The canary's share of events under the alternative rate ratio r:
/// ρ_c·r / (1 − ρ_c + ρ_c·r).
fn shifted_share(canary_share: f64, ratio: f64) -> f64 {
    canary_share * ratio / (1.0 - canary_share + canary_share * ratio)
}

impl SequentialTest for Sprt {
    fn check(&mut self) -> Report {
        if self.decided.is_none() {
            if self.llr >= ((1.0 - self.beta) / self.alpha).ln() {
                self.decided = Some(Signal::Reject);
            } else if self.llr <= (self.beta / (1.0 - self.alpha)).ln() {
                self.decided = Some(Signal::Accept);
            }
        }
        self.last = Report {
            log_e_value: self.llr,
            p_value: self.last.p_value.min((-self.llr).exp().min(1.0)),
            confidence_sequence: ConfidenceSequence::UNBOUNDED,
            decision: self.decided.unwrap_or(Signal::Continue),
        };
        self.last
    }

    fn last_report(&self) -> Report {
        self.last
    }
}

/// A count against a known expected count (Lindon & Kallus 2025): with N events
/// observed where Λ0 were expected under H0, and the rate multiplier mixed as
/// θ ~ Gamma(φ, rate φ) (mean 1, variance 1/φ),
/// ln BF = φ ln φ − (φ + N) ln(φ + Λ0) + ln Γ(φ + N) − ln Γ(φ) + Λ0.
/// "Reject" needs BF ≥ 1/α and more events than expected; the confidence sequence is
/// on the multiplier θ (observed rate over expected), inverting BF at θΛ0; "accept"
/// when it lies below 1 + margin. Use it for "canary errors against an SLO-derived
/// expected count"; for two arms prefer [`CountRateTest`](super::counts::CountRateTest).
///
/// # Example
/// ```
/// use canary_judge::Alpha;
/// use canary_judge::sequential::{sprt::GammaPoisson, Signal, SequentialTest};
/// // The SLO allows 0.1% errors: 20 requests-worth of errors expected per 20 000.
/// let mut test = GammaPoisson::new(1.0, Alpha::FIVE_PERCENT)?;
/// test.update(61, 20.0)?;
/// assert_eq!(test.check().decision, Signal::Reject);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct GammaPoisson {
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    phi: f64,
    margin: Margin,
    count: u64,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    expected: f64,
    monitor: Monitor,
}

validated_serde!(GammaPoisson);

impl crate::validated::Validate for GammaPoisson {
    /// The constructor's check on φ, the margin's, and a finite expected count ≥ 0;
    /// the monitor validates as it loads.
    fn validate(&self) -> Result<(), Error> {
        super::check_positive("prior shape phi", self.phi)?;
        super::check_relative_margin("margin of a gamma-Poisson test", self.margin)?;
        if !(self.expected.is_finite() && self.expected >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "expected count so far",
                expected: "finite and >= 0",
                value: self.expected,
            });
        }
        Ok(())
    }
}

/// The settings of a [`GammaPoisson`] test, each set by name and none checked
/// until [`build`](Self::build), which checks them all at once; a `Copy` template.
///
/// Defaults: α = 5%, margin 0. The prior's shape and rate φ is the builder's
/// argument.
///
/// # Example
/// ```
/// use canary_judge::sequential::sprt::GammaPoisson;
/// use canary_judge::{Alpha, Margin};
/// let test = GammaPoisson::builder(1.0)
///     .alpha(Alpha::ONE_PERCENT)
///     .margin(Margin::Relative(0.1))
///     .build()?;
/// // The multiplier has no unit: an absolute margin is refused, by name.
/// let err = GammaPoisson::builder(1.0).margin(Margin::Absolute(2.0)).build().unwrap_err();
/// assert!(err.to_string().contains("margin of a gamma-Poisson test"));
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct GammaPoissonBuilder {
    phi: f64,
    alpha: Alpha,
    margin: Margin,
}

impl GammaPoissonBuilder {
    /// The level α (default 5%).
    pub fn alpha(mut self, alpha: Alpha) -> Self {
        self.alpha = alpha;
        self
    }

    /// The tolerated excess of the rate over the expected one, relative to it:
    /// `Margin::Relative(m)` accepts once the multiplier's sequence lies below
    /// 1 + m. [`build`](Self::build) refuses a non-zero [`Margin::Absolute`] (the
    /// multiplier has no unit).
    pub fn margin(mut self, margin: Margin) -> Self {
        self.margin = margin;
        self
    }

    /// The test, with no counts.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`], naming the field, unless φ is finite and > 0
    /// and the margin is finite, ≥ 0 and relative (or zero).
    pub fn build(self) -> Result<GammaPoisson, Error> {
        let test = GammaPoisson {
            phi: self.phi,
            margin: self.margin,
            count: 0,
            expected: 0.0,
            monitor: Monitor::new(self.alpha)?,
        };
        crate::validated::Validate::validated(test)
    }
}

impl GammaPoisson {
    /// A test with prior shape and rate φ at level `alpha`:
    /// `GammaPoisson::builder(phi).alpha(alpha).build()`.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] unless φ is finite and > 0.
    pub fn new(phi: f64, alpha: Alpha) -> Result<Self, Error> {
        Self::builder(phi).alpha(alpha).build()
    }

    /// The settings of a test with prior shape and rate φ, at their defaults, to be
    /// changed by name and checked once by [`GammaPoissonBuilder::build`].
    pub fn builder(phi: f64) -> GammaPoissonBuilder {
        GammaPoissonBuilder {
            phi,
            alpha: Alpha::FIVE_PERCENT,
            margin: Margin::default(),
        }
    }

    /// Adds `count` events observed where `expected` were expected under H0.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] for a negative or non-finite expected count or an
    ///   overflowing total; the state is unchanged.
    pub fn update(&mut self, count: u64, expected: f64) -> Result<(), Error> {
        if !(expected.is_finite() && expected >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "expected count",
                expected: "finite and >= 0",
                value: expected,
            });
        }
        let Some(total) = self.count.checked_add(count) else {
            return Err(Error::InvalidParameter {
                name: "running event count",
                expected: "below 2^64",
                value: u64::MAX as f64,
            });
        };
        let expected_total = self.expected + expected;
        if !expected_total.is_finite() {
            return Err(Error::InvalidParameter {
                name: "running expected count",
                expected: "finite",
                value: expected_total,
            });
        }
        self.count = total;
        self.expected = expected_total;
        Ok(())
    }

    /// ln BF for N events against the expected count `lambda0`.
    fn log_bf(&self, lambda0: f64) -> f64 {
        let (phi, n) = (self.phi, self.count as f64);
        phi * phi.ln() - (phi + n) * (phi + lambda0).ln() + ln_gamma(phi + n) - ln_gamma(phi)
            + lambda0
    }

    /// ln BF against the expected count, and the interval for θ at this check alone.
    pub fn evaluate(&self) -> (f64, (f64, f64)) {
        if self.expected <= 0.0 {
            return (0.0, (0.0, f64::INFINITY));
        }
        let threshold = -self.monitor.alpha().ln();
        let outside = |ln_theta: f64| self.log_bf(ln_theta.exp() * self.expected) - threshold;
        let hat = (self.count.max(1) as f64 / self.expected).ln();
        let span = 60.0;
        let lower = if self.count == 0 || outside(hat - span) < 0.0 {
            0.0
        } else {
            bisect(hat - span, hat, outside, true).exp()
        };
        let upper = if outside(hat + span) < 0.0 {
            f64::INFINITY
        } else {
            bisect(hat, hat + span, outside, false).exp()
        };
        (self.log_bf(self.expected), (lower, upper))
    }
}

impl SequentialTest for GammaPoisson {
    fn check(&mut self) -> Report {
        let (log_e, interval) = self.evaluate();
        let limit = 1.0 + self.margin.resolve(Some(1.0));
        self.monitor
            .fold(log_e, interval, |lo, _| lo > 1.0, |_, hi| hi < limit)
    }

    fn last_report(&self) -> Report {
        self.monitor.last()
    }
}
