//! Burn rates: SLO error budgets, multi-window multi-burn-rate rules and counters.
//!
//! Definitions (Google SRE Workbook, chapter 5): an objective T (e.g. 0.999) leaves an
//! error budget b = 1 − T over a compliance period P. Over a window w with `bad` of
//! `total` events the error ratio is r = bad/total and the burn rate β = r/b; β = 1
//! spends the budget exactly by the end of P. Every ratio here is a number or
//! [`Ratio::NoData`] (zero traffic), never NaN or infinity — the hole that zero-traffic
//! windows punch into Prometheus-generated rules.
//!
//! - [`Objective`]: ratios, burn rates, budget spent and remaining, time to exhaustion.
//! - [`period`]: rolling periods, and calendar weeks and months in a UTC offset.
//! - [`tiers`]: alerting tiers and the presets of the Workbook, Sloth and Pyrra.
//! - [`aggregate`]: ratio of sums, mean of ratios (Sloth compatibility), time-slice
//!   SLOs, and latency SLIs from histogram buckets.
//! - [`counters`]: cumulative counters to window increases, exactly or as Prometheus
//!   extrapolates them.
//! - [`evaluate`]: multi-window multi-burn-rate rules over a bucketed series, with a
//!   minimum-events guard.
//! - [`safeguards`]: a lower confidence bound on the burn rate and a sequential,
//!   anytime-valid burn test for low-traffic services.
//! - [`canary`]: the budget a canary spends, canary-vs-baseline burn with a test, and
//!   a promotion gate.

//!
//! ## A budget-gated rollout check
//! ```
//! use std::time::Duration;
//! use canary_judge::EventCounts;
//! use canary_judge::burn::{Objective, Ratio, canary, safeguards, tiers};
//! use canary_judge::burn::evaluate::{evaluate, Options, Series, TierState};
//!
//! let slo = Objective::new(0.999)?;
//! let month = tiers::thirty_days();
//! let hour = Duration::from_secs(3600);
//!
//! // 1. Is the service itself healthy? The last day, one-minute buckets.
//! let minutes: Vec<EventCounts> = vec![EventCounts::new(4, 20_000)?; 24 * 60];
//! let series = Series::new(Duration::from_secs(60), &minutes)?;
//! let alerts = evaluate(slo, &tiers::sloth(month)?, &series, &Options { min_events: 1_000, ..Options::default() })?;
//! assert!(alerts.tiers.iter().all(|t| t.state == TierState::Inactive));
//!
//! // 2. How much budget is left this month?
//! let remaining = slo.remaining_budget(EventCounts::new(300_000, 1_000_000_000)?); // 0.7
//!
//! // 3. The canary (5% of traffic for an hour) against the baseline.
//! let (baseline, canary) = (EventCounts::new(19, 95_000)?, EventCounts::new(4, 5_000)?);
//! let burn = slo.burn_rate(canary).value().unwrap_or(0.0); // 0.8
//! let versus = canary::compare_burn(baseline, canary);
//! let harmful = safeguards::SequentialBurnTest::new(slo, 14.4, canary_judge::Alpha::ONE_PERCENT)?.decide(canary);
//! assert!(versus.p_value > 0.01 && harmful == safeguards::BurnDecision::Continue);
//!
//! // 4. Would the rest of the rollout fit the budget?
//! let steps = [(0.25, 2 * hour), (0.5, 4 * hour), (1.0, 24 * hour)];
//! let spend = canary::projected_rollout_spend(burn, &steps, month)?;
//! let decision = canary::gate(remaining, spend, 0.25, 0.05)?;
//! assert_eq!(decision, canary::GateDecision::Allow);
//! # Ok::<(), canary_judge::Error>(())
//! ```

pub mod aggregate;
pub mod canary;
pub mod counters;
pub mod evaluate;
pub mod period;
pub mod safeguards;
pub mod tiers;

use std::time::Duration;

use crate::{Error, EventCounts};

/// A ratio that exists only when there was traffic.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Ratio {
    /// A finite value.
    Value(f64),
    /// No events in the window: no ratio (Prometheus would produce NaN).
    NoData,
}

impl Ratio {
    /// The value, if any.
    pub fn value(self) -> Option<f64> {
        match self {
            Self::Value(v) => Some(v),
            Self::NoData => None,
        }
    }

    /// Whether the ratio exists and is strictly greater than `threshold` (the
    /// comparison both Sloth and Pyrra generate; no data never exceeds). A NaN
    /// threshold or ratio counts as exceeded: an alert condition that cannot be
    /// evaluated fires rather than staying silent.
    pub fn exceeds(self, threshold: f64) -> bool {
        self.value()
            .is_some_and(|v| v.is_nan() || threshold.is_nan() || v > threshold)
    }
}

/// A service level objective: the target fraction of good events.
///
/// # Example
/// ```
/// use canary_judge::{burn::{Objective, Ratio}, EventCounts};
/// let slo = Objective::new(0.999)?;
/// // Kayenta-free arithmetic from the Workbook: 120 bad of 10 000 in an hour.
/// let hour = EventCounts::new(120, 10_000)?;
/// let burn = slo.burn_rate(hour).value().unwrap();
/// assert!((burn - 12.0).abs() < 1e-9);
/// assert_eq!(slo.burn_rate(EventCounts::new(0, 0)?), Ratio::NoData);
/// # Ok::<(), canary_judge::Error>(())
/// ```
///
/// Deserialisation applies the same check as [`Objective::new`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct Objective {
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    target: f64,
}

validated_serde!(Objective);

impl crate::validated::Validate for Objective {
    fn validate(&self) -> Result<(), Error> {
        if !(self.target > 0.0 && self.target < 1.0) {
            return Err(Error::InvalidParameter {
                name: "objective",
                expected: "strictly between 0 and 1",
                value: self.target,
            });
        }
        Ok(())
    }
}

impl Objective {
    /// An objective with target T strictly between 0 and 1.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] unless 0 < T < 1 (T = 1 leaves no budget: every
    ///   burn rate would be infinite).
    pub fn new(target: f64) -> Result<Self, Error> {
        let objective = Self { target };
        crate::validated::Validate::validate(&objective)?;
        Ok(objective)
    }

    /// The target T.
    pub fn target(&self) -> f64 {
        self.target
    }

    /// The error budget b = 1 − T.
    pub fn budget(&self) -> f64 {
        1.0 - self.target
    }

    /// The error ratio bad/total of a window.
    pub fn error_ratio(&self, window: EventCounts) -> Ratio {
        window.rate().map_or(Ratio::NoData, Ratio::Value)
    }

    /// The burn rate β = (bad/total)/b of a window.
    pub fn burn_rate(&self, window: EventCounts) -> Ratio {
        match window.rate() {
            Some(r) => Ratio::Value(r / self.budget()),
            None => Ratio::NoData,
        }
    }

    /// The highest burn rate reachable, 1/b (every event bad). A tier whose factor is
    /// at least this can never fire.
    pub fn max_burn_rate(&self) -> f64 {
        1.0 / self.budget()
    }

    /// The fraction of the period's budget spent by a window burning at `burn` for
    /// `window`: β·w/P (constant traffic).
    pub fn budget_spent(&self, burn: f64, window: Duration, period: Duration) -> f64 {
        burn * window.as_secs_f64() / period.as_secs_f64()
    }

    /// The fraction of the budget left after a period whose counts are `period`:
    /// 1 − β_P, unbounded below (−1.5 means 150% overspent); no data when the period
    /// saw no traffic.
    pub fn remaining_budget(&self, period: EventCounts) -> Ratio {
        match self.burn_rate(period) {
            Ratio::Value(b) => Ratio::Value(1.0 - b),
            Ratio::NoData => Ratio::NoData,
        }
    }
}

/// The time until a budget with `remaining` fraction left (1 for a full budget) is
/// spent at burn rate `burn` over a period of `period`: remaining·P/β. `None` when it
/// is never spent (β ≤ 0, or a duration beyond `Duration::MAX`); zero when nothing
/// is left.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use canary_judge::burn::time_to_exhaustion;
/// let p = Duration::from_secs(720 * 3600);
/// assert_eq!(time_to_exhaustion(1000.0, 1.0, p), Some(Duration::from_secs(2592)));
/// ```
pub fn time_to_exhaustion(burn: f64, remaining: f64, period: Duration) -> Option<Duration> {
    if burn.is_nan() || remaining.is_nan() || burn <= 0.0 {
        return None;
    }
    if remaining <= 0.0 {
        return Some(Duration::ZERO);
    }
    Duration::try_from_secs_f64(remaining * period.as_secs_f64() / burn).ok()
}

/// The burn-rate threshold that spends `share` of the budget within `window` of a
/// `period`: β* = share·P/W (the Workbook's 2% in 1 h of 30 days gives 14.4).
///
/// # Errors
/// - [`Error::InvalidParameter`] if `share` is not within (0, 1] or the window is
///   zero or longer than the period.
pub fn threshold(share: f64, period: Duration, window: Duration) -> Result<f64, Error> {
    if !(share > 0.0 && share <= 1.0) {
        return Err(Error::InvalidParameter {
            name: "budget share",
            expected: "within (0, 1]",
            value: share,
        });
    }
    if window.is_zero() || window > period {
        return Err(Error::InvalidParameter {
            name: "window (seconds)",
            expected: "positive and at most the period",
            value: window.as_secs_f64(),
        });
    }
    Ok(share * period.as_secs_f64() / window.as_secs_f64())
}

/// Hours as a `Duration`.
pub(crate) fn hours(h: u64) -> Duration {
    Duration::from_secs(h * 3600)
}
