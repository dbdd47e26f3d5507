//! Error budgets for canaries: what the canary spends, whether it burns faster than
//! the baseline, and a promotion gate.

use std::time::Duration;

use super::{Objective, Ratio};
use crate::{Error, EventCounts};

/// The fraction of the service's budget for `period` that the canary spent during
/// `window` while serving `share` of the traffic: β_canary · share · w/P (its burn
/// rate weighted by its traffic share). No data when the canary saw no traffic.
///
/// # Errors
/// - [`Error::InvalidParameter`] unless 0 < share ≤ 1 and 0 < window ≤ period.
pub fn canary_budget_spent(
    objective: Objective,
    canary: EventCounts,
    share: f64,
    window: Duration,
    period: Duration,
) -> Result<Ratio, Error> {
    check_share(share)?;
    super::threshold(1.0, period, window)?; // validates the window against the period
    Ok(match objective.burn_rate(canary) {
        Ratio::Value(b) => Ratio::Value(objective.budget_spent(b, window, period) * share),
        Ratio::NoData => Ratio::NoData,
    })
}

fn check_share(share: f64) -> Result<(), Error> {
    if share > 0.0 && share <= 1.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name: "traffic share",
            expected: "within (0, 1]",
            value: share,
        })
    }
}

/// Canary against baseline burn: the ratio of their error rates and a one-sided test
/// of "the canary's error rate is higher".
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BurnComparison {
    /// canary error rate / baseline error rate (no data if either side has no
    /// traffic or the baseline has no errors).
    pub ratio: Ratio,
    /// P-value of the conditional test: given the errors of both sides together,
    /// the canary's count is binomial with its share of the traffic under equal
    /// rates; p = P(X ≥ canary errors). Exact for Poisson counts, conservative-ish
    /// for rare binomial errors. 1 when there are no errors at all.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub p_value: f64,
}

/// Compares the canary's error rate with the baseline's (see [`BurnComparison`]).
///
/// # Example
/// ```
/// use canary_judge::{EventCounts, burn::canary::compare_burn};
/// // Canary: 30 errors in 10 000; baseline: 10 in 10 000.
/// let c = compare_burn(EventCounts::new(10, 10_000)?, EventCounts::new(30, 10_000)?);
/// assert_eq!(c.ratio.value(), Some(3.0));
/// // P(X ≥ 30) for X ~ Bin(40, 1/2) = 0.0011 (scipy.stats.binom.sf(29, 40, 0.5))
/// assert!((c.p_value / 0.0011107168866146822 - 1.0).abs() < 1e-9);
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn compare_burn(baseline: EventCounts, canary: EventCounts) -> BurnComparison {
    let ratio = match (canary.rate(), baseline.rate()) {
        (Some(c), Some(b)) if b > 0.0 => Ratio::Value(c / b),
        _ => Ratio::NoData,
    };
    let (xc, xb) = (canary.events(), baseline.events());
    let (nc, nb) = (canary.total() as f64, baseline.total() as f64);
    let p_value = if xc == 0 || nc + nb == 0.0 {
        1.0
    } else {
        // P(X ≥ xc) for X ~ Bin(xc + xb, q) is I_q(xc, xb + 1).
        let q = nc / (nc + nb);
        crate::num::special::ln_beta_inc_reg(xc as f64, xb as f64 + 1.0, q)
            .exp()
            .clamp(0.0, 1.0)
    };
    BurnComparison { ratio, p_value }
}

/// The budget a rollout is projected to spend: Σ β · share_i · d_i / P over its steps
/// (traffic share and duration of each), at the canary's current burn rate β.
///
/// # Errors
/// - [`Error::InvalidParameter`] for a share outside (0, 1], a negative or
///   non-finite burn, or a zero period.
pub fn projected_rollout_spend(
    burn: f64,
    steps: &[(f64, Duration)],
    period: Duration,
) -> Result<f64, Error> {
    if !(burn.is_finite() && burn >= 0.0) {
        return Err(Error::InvalidParameter {
            name: "burn rate",
            expected: "finite and >= 0",
            value: burn,
        });
    }
    if period.is_zero() {
        return Err(Error::InvalidParameter {
            name: "period (seconds)",
            expected: "positive",
            value: 0.0,
        });
    }
    let mut spend = 0.0;
    for &(share, d) in steps {
        check_share(share)?;
        spend += burn * share * d.as_secs_f64() / period.as_secs_f64();
    }
    Ok(spend)
}

/// The outcome of [`gate`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum GateDecision {
    /// Promotion may go ahead.
    Allow,
    /// Promotion is blocked, with every reason.
    Block(Vec<String>),
    /// The remaining budget is unknown (no traffic in the period).
    NoData,
}

/// A promotion gate: block if the remaining budget is below `min_remaining`, or if
/// the rollout is projected to spend more than `max_spend` of the budget.
///
/// # Errors
/// [`Error::InvalidParameter`], naming the parameter, unless `projected_spend` and
/// `max_spend` are finite and ≥ 0, `min_remaining` lies within [0, 1] and a known
/// remaining budget is finite. A NaN never allows a promotion.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use canary_judge::{EventCounts, burn::{Objective, canary::{gate, projected_rollout_spend, GateDecision}}};
/// let slo = Objective::new(0.999)?;
/// let month = EventCounts::new(400, 1_000_000)?; // 40% of the budget spent: 0.6 left
/// let hour = Duration::from_secs(3600);
/// // The canary burns at 3; the rollout runs 1 h at 10%, 2 h at 50%, then 24 h at 100%.
/// let spend = projected_rollout_spend(3.0, &[(0.1, hour), (0.5, 2 * hour), (1.0, 24 * hour)],
///     Duration::from_secs(30 * 24 * 3600))?;
/// assert_eq!(gate(slo.remaining_budget(month), spend, 0.25, 0.05)?, GateDecision::Block(vec![
///     "the rollout would spend 10.5% of the budget, more than the allowed 5.0%".into()]));
/// assert!(gate(slo.remaining_budget(month), f64::NAN, 0.25, 0.05).is_err());
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn gate(
    remaining: Ratio,
    projected_spend: f64,
    min_remaining: f64,
    max_spend: f64,
) -> Result<GateDecision, Error> {
    let check = |name: &'static str, expected: &'static str, value: f64, ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidParameter {
                name,
                expected,
                value,
            })
        }
    };
    let finite_nonneg = |v: f64| v.is_finite() && v >= 0.0;
    check(
        "projected spend",
        "finite and >= 0",
        projected_spend,
        finite_nonneg(projected_spend),
    )?;
    check(
        "maximum spend",
        "finite and >= 0",
        max_spend,
        finite_nonneg(max_spend),
    )?;
    check(
        "minimum remaining budget",
        "within [0, 1]",
        min_remaining,
        (0.0..=1.0).contains(&min_remaining),
    )?;
    let Ratio::Value(left) = remaining else {
        return Ok(GateDecision::NoData);
    };
    check("remaining budget", "finite", left, left.is_finite())?;
    let mut reasons = Vec::new();
    if left < min_remaining {
        reasons.push(format!(
            "only {:.1}% of the budget remains, less than the required {:.1}%",
            100.0 * left,
            100.0 * min_remaining
        ));
    }
    if projected_spend > max_spend {
        reasons.push(format!(
            "the rollout would spend {:.1}% of the budget, more than the allowed {:.1}%",
            100.0 * projected_spend,
            100.0 * max_spend
        ));
    }
    Ok(if reasons.is_empty() {
        GateDecision::Allow
    } else {
        GateDecision::Block(reasons)
    })
}
