//! Sequential, anytime-valid tests: look after every new point, as often as you
//! like, without inflating false alarms.
//!
//! # Why peeking at a fixed-horizon test fails
//! A p-value from a fixed-sample test (Mann–Whitney, t, z) is valid once, at a sample
//! size fixed in advance. A canary controller re-runs it every minute and stops at the
//! first p < α, so it gets many chances to cross by luck: Netflix re-ran Mann–Whitney
//! on A/A data up to 10 000 observations per arm and 66 of 100 simulations falsely
//! rejected at α = 0.05. `cargo run --release --example peeking` repeats the
//! experiment (a look every 100 points up to 10 000 per arm): Mann–Whitney re-run at
//! each look fails 40 of 100 identical canaries, the sequential t and p50 tests 4 and
//! 0. The tests/sequential.rs simulations show the same for a z-test re-run after
//! every event.
//!
//! The tests here are built on *e-processes*: non-negative numbers E_n with E_0 = 1
//! whose expectation stays ≤ 1 under the null at any stopping time (likelihood ratios
//! mixed over a prior on the alternative). By Ville's inequality
//! P(E_n ≥ 1/α for some n) ≤ α, so the rule "reject when E ≥ 1/α" can be checked
//! after every point. The always-valid p-value is min(1, min over checks of 1/E), and
//! a confidence sequence (CS) is the set of parameter values whose e-process has not
//! crossed 1/α: it covers the truth at every time simultaneously with probability
//! ≥ 1 − α, so its running intersection is valid too (an empty intersection means the
//! model is wrong — bursts, a drifting traffic split — and is reported as such).
//!
//! # One shape for all tests
//! Each test is plain data (serde): feed it batches with `update` (O(1) per point, no
//! special functions), then [`SequentialTest::check`] computes the e-value, folds it
//! into the running p-value and confidence sequence, and returns a [`Report`] with a
//! [`Signal`]: reject (the canary is worse), accept (the confidence sequence lies
//! inside the tolerated margin), or continue. Checks may be as frequent as wanted; the
//! running minimum and intersection are taken over checks. A controller can persist the
//! state between reconciliations and resume bit for bit. Every test also has `merge`:
//! the statistics are sufficient (counts, moments, multisets), so a shard's new
//! observations can be folded in as if they had arrived here; the running p-value and
//! intersection continue from the receiving test's checks (valid because merged data
//! only ever add observations).
//!
//! # Choosing the parameters
//! - **α** bounds the probability of ever rejecting a canary that is no worse, over
//!   the whole monitoring, however often it looks. With m metrics, use α/m per metric
//!   (Bonferroni on e-values stays valid under continuous monitoring).
//! - **The margin** is the regression you tolerate. "Accept" means the confidence
//!   sequence shows, at the same α, that the canary is worse by less than the margin.
//!   Failing to reject is not evidence of no regression; without a margin a test can
//!   only reject or continue, and promotion must come from the caller's time or
//!   traffic budget.
//! - **Mixing parameters** (the prior spread of the alternative: `k` for counts, the
//!   effect size for means, `t_opt` for boundaries) choose which effects are found
//!   fastest; validity never depends on them. Set them to the smallest regression
//!   worth catching quickly.
//! - **Setting them**: `new(...)` takes what a test cannot do without and leaves the
//!   rest at its defaults; `builder(...)` (for example
//!   [`CountRateTest::builder`](counts::CountRateTest::builder)) names every setting,
//!   with setters that cannot fail and one `build()` that checks them all, by the
//!   rules a saved state is loaded with, and names the field it refuses. Each
//!   builder's documentation lists its defaults.
//!
//! # Tests
//! - [`counts::CountRateTest`]: error or crash counts per arm with known traffic
//!   shares, exact under any shared time-varying load (Lindon & Malek 2022; Netflix's
//!   production canary test for counts).
//! - [`quantiles::QuantileTest`]: a latency quantile (p50/p90/p99) canary against
//!   baseline from raw values or histogram buckets — per-arm confidence sequences, a
//!   band for the difference, a two-sample e-value — and a time-uniform band over all
//!   quantiles as an "anything changed" guard (Howard & Ramdas 2022).
//! - [`means::TTest`]: the sequential t-test with unknown variance (Lindon, Ham,
//!   Tingley & Bojinov 2022); [`means::NormalMsprt`]: the mixture SPRT for normal
//!   means (Johari, Pekelis & Walsh 2022).
//! - [`proportions::ProportionTest`]: the Bernoulli mSPRT; [`proportions::BernoulliCs`]:
//!   an exact confidence sequence for one proportion (Howard et al. 2021).
//! - [`sprt::Sprt`]: Wald's SPRT with stated effect sizes (opt-in); [`sprt::GammaPoisson`]:
//!   a count against a known expected count (Lindon & Kallus 2025).

pub mod counts;
pub mod exceedance;
pub mod means;
pub mod paired;
pub mod proportions;
pub mod quantiles;
pub mod sprt;

use crate::{Error, Margin};

/// What a sequential test says at a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Signal {
    /// The canary is worse: the e-value reached 1/α (at this or an earlier check).
    /// Takes precedence over `Accept` when both hold (a proven regression that is
    /// inside the margin is still reported).
    Reject,
    /// The confidence sequence lies inside the tolerated margin: any regression is
    /// smaller than tolerated, with confidence 1 − α.
    Accept,
    /// Not enough evidence either way yet.
    Continue,
}

/// A confidence sequence at one check: the running intersection of the intervals so
/// far.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ConfidenceSequence {
    /// [lower, upper] (ends may be infinite early on).
    Bounds {
        /// Lower end.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        lower: f64,
        /// Upper end.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        upper: f64,
    },
    /// The intervals of two checks did not overlap: the data contradict the model
    /// (bursty events, a traffic split that is not what was declared). Treat it as
    /// a failed check of the test's assumptions, not as a point estimate.
    Violated,
}

impl ConfidenceSequence {
    /// The whole real line: before any data.
    pub const UNBOUNDED: Self = Self::Bounds {
        lower: f64::NEG_INFINITY,
        upper: f64::INFINITY,
    };

    fn intersect(self, lower: f64, upper: f64) -> Self {
        match self {
            Self::Bounds { lower: l, upper: u } => {
                let (lo, hi) = (l.max(lower), u.min(upper));
                if lo <= hi {
                    Self::Bounds {
                        lower: lo,
                        upper: hi,
                    }
                } else {
                    Self::Violated
                }
            }
            Self::Violated => Self::Violated,
        }
    }
}

/// The state of a sequential test at one check. Loading checks that ln E is not
/// NaN, the p-value lies in [0, 1] and the sequence's ends are ordered.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct Report {
    /// ln E at this check (may be −∞ when the data point the other way).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub log_e_value: f64,
    /// The always-valid p-value: min(1, min over checks of 1/E).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub p_value: f64,
    /// The running intersection of the confidence intervals, in the test's effect
    /// scale (documented per test).
    pub confidence_sequence: ConfidenceSequence,
    /// Reject, accept or continue.
    pub decision: Signal,
}

validated_serde!(Report);

impl crate::validated::Validate for Report {
    fn validate(&self) -> Result<(), Error> {
        check_report(self)?;
        check_sequence(self.confidence_sequence)
    }
}

impl Report {
    /// E = exp(ln E), saturating at +∞.
    pub fn e_value(&self) -> f64 {
        self.log_e_value.exp()
    }
}

/// The shared read side of every sequential test.
pub trait SequentialTest {
    /// Computes the e-value and confidence interval from the data so far, folds them
    /// into the running p-value and intersection, and reports the decision.
    fn check(&mut self) -> Report;

    /// The report of the latest check (the initial report before any).
    fn last_report(&self) -> Report;
}

/// Which effects count as "the canary is worse" for tests of a signed effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Sidedness {
    /// Only an increase is tested (the canary's rate is higher): a one-sided mixture,
    /// which detects increases faster.
    #[default]
    Greater,
    /// Any change is tested; "reject" still needs the confidence sequence to lie
    /// above the null value, i.e. the canary to be worse.
    TwoSided,
}

/// The running part every test shares: α, the largest ln E over checks, the running
/// intersection, and the latest report.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub(crate) struct Monitor {
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    alpha: f64,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    max_log_e: f64,
    sequence: ConfidenceSequence,
    last: Report,
}

validated_serde!(Monitor);

impl crate::validated::Validate for Monitor {
    /// α in (0, 1); the running maximum of ln E is ≥ 0 and not NaN; the running
    /// intersection and the last report hold no NaN, the report's p-value lies in
    /// [0, 1] and is no smaller than 1/E at the running maximum allows.
    fn validate(&self) -> Result<(), Error> {
        use crate::validated::not_nan;
        check_alpha(self.alpha)?;
        not_nan("running maximum of ln E", self.max_log_e)?;
        if self.max_log_e < 0.0 {
            return Err(Error::InvalidParameter {
                name: "running maximum of ln E",
                expected: ">= 0 (it starts at 0)",
                value: self.max_log_e,
            });
        }
        check_sequence(self.sequence)?;
        check_sequence(self.last.confidence_sequence)?;
        check_report(&self.last)
    }
}

/// A loaded report: ln E not NaN, p-value within [0, 1].
/// A loaded confidence sequence: no NaN end, the ends ordered.
fn check_sequence(cs: ConfidenceSequence) -> Result<(), Error> {
    if let ConfidenceSequence::Bounds { lower, upper } = cs {
        crate::validated::not_nan("confidence sequence lower end", lower)?;
        crate::validated::not_nan("confidence sequence upper end", upper)?;
        crate::validated::ordered("confidence sequence lower end", lower, upper)?;
    }
    Ok(())
}

pub(crate) fn check_report(report: &Report) -> Result<(), Error> {
    crate::validated::not_nan("last report's ln E", report.log_e_value)?;
    if !(0.0..=1.0).contains(&report.p_value) {
        return Err(Error::InvalidParameter {
            name: "last report's p-value",
            expected: "within [0, 1]",
            value: report.p_value,
        });
    }
    Ok(())
}

impl Monitor {
    pub(crate) fn new(alpha: crate::Alpha) -> Result<Self, Error> {
        Ok(Self {
            alpha: alpha.get(),
            max_log_e: 0.0,
            sequence: ConfidenceSequence::UNBOUNDED,
            last: Report {
                log_e_value: 0.0,
                p_value: 1.0,
                confidence_sequence: ConfidenceSequence::UNBOUNDED,
                decision: Signal::Continue,
            },
        })
    }

    pub(crate) fn alpha(&self) -> f64 {
        self.alpha
    }

    pub(crate) fn last(&self) -> Report {
        self.last
    }

    /// Folds one check in. `worse` says from this check's interval whether a rejection
    /// is in the canary-worse direction (two-sided tests reject only then); `accept`
    /// decides from the running intersection.
    pub(crate) fn fold(
        &mut self,
        log_e: f64,
        interval: (f64, f64),
        worse: impl Fn(f64, f64) -> bool,
        accept: impl Fn(f64, f64) -> bool,
    ) -> Report {
        let log_e = if log_e.is_nan() { 0.0 } else { log_e };
        self.sequence = self.sequence.intersect(interval.0, interval.1);
        let crossed = log_e >= -self.alpha.ln();
        let was_rejected = self.last.decision == Signal::Reject;
        self.max_log_e = self.max_log_e.max(log_e);
        let p_value = (-self.max_log_e).exp().min(1.0);
        // The direction of a rejection comes from this check's interval (the null value
        // lies outside it exactly when E ≥ 1/α); acceptance needs the running one.
        let decision = match self.sequence {
            _ if was_rejected || (crossed && worse(interval.0, interval.1)) => Signal::Reject,
            ConfidenceSequence::Bounds { lower, upper } if accept(lower, upper) => Signal::Accept,
            _ => Signal::Continue,
        };
        self.last = Report {
            log_e_value: log_e,
            p_value,
            confidence_sequence: self.sequence,
            decision,
        };
        self.last
    }
}

/// The error for merging tests whose configurations differ.
pub(crate) fn merge_mismatch(expected: &'static str) -> Error {
    Error::Mismatch {
        name: "configuration of the merged test",
        expected,
        got: "a different configuration".into(),
    }
}

/// Checks a parameter that must be finite and > 0.
pub(crate) fn check_positive(name: &'static str, value: f64) -> Result<(), Error> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            expected: "finite and > 0",
            value,
        })
    }
}

/// Checks a tuning horizon (`t_opt`, observations or trials): finite and ≥ 1. Being
/// at least 1 also makes it impossible to swap silently with a probability or share
/// in (0, 1) in a constructor that takes both.
pub(crate) fn check_horizon(value: f64) -> Result<(), Error> {
    if value.is_finite() && value >= 1.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name: "t_opt",
            expected: "finite and >= 1",
            value,
        })
    }
}

/// Checks a parameter that must lie strictly between 0 and 1.
pub(crate) fn check_unit(name: &'static str, value: f64) -> Result<(), Error> {
    if value > 0.0 && value < 1.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            expected: "strictly between 0 and 1",
            value,
        })
    }
}

pub(crate) fn check_alpha(alpha: f64) -> Result<(), Error> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(Error::InvalidAlpha { value: alpha })
    }
}

/// Checks a tolerated margin: its value finite and ≥ 0 ([`Margin::validate`]).
pub(crate) fn check_margin(margin: Margin) -> Result<(), Error> {
    margin.validate().map(|_| ())
}

/// Checks the margin of a test on a rate multiplier (counts, not rates): validated,
/// and relative (or zero), since an absolute margin has no unit there.
pub(crate) fn check_relative_margin(name: &'static str, margin: Margin) -> Result<(), Error> {
    check_margin(margin)?;
    match margin {
        Margin::Absolute(v) if v != 0.0 => Err(Error::InvalidParameter {
            name,
            expected: "relative (a fraction of the reference rate): the test sees counts, not rates",
            value: v,
        }),
        _ => Ok(()),
    }
}
