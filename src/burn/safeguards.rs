//! Low-traffic safeguards that none of the rule generators has: a lower confidence
//! bound on the burn rate, and a sequential test of "burning faster than β*" that may
//! be checked after every request without inflating false alarms.

use super::{Objective, Ratio};
use crate::{Alpha, Error, EventCounts};

/// A one-sided lower confidence bound on a window's burn rate: the exact
/// (Clopper–Pearson) lower bound of the error ratio at `level`, divided by the
/// budget. It is the rate p at which P(X ≥ errors | p) = 1 − level, so it never
/// overstates the evidence, however few the events: "alert only if the lower bound
/// exceeds β*" does not page on one failure among ten requests.
///
/// Accuracy: within 1e-10 relative of R's `qbeta(1 − level, x, n − x + 1)` for
/// counts up to 2^32 (tests/burn.rs), and never above the exact bound. Cost: a
/// handful of incomplete-beta evaluations of O(√x) each, about 1 µs at 10^4 events
/// and 0.5 ms at 2^32.
///
/// # Errors
/// - [`Error::InvalidConfidenceLevel`] unless 0 < level < 1.
///
/// # Example
/// ```
/// use canary_judge::{EventCounts, burn::{Objective, safeguards::burn_lower_bound}};
/// let slo = Objective::new(0.999)?;
/// let one_in_ten = EventCounts::new(1, 10)?; // point burn rate 100
/// let lower = burn_lower_bound(slo, one_in_ten, 0.95)?.value().unwrap();
/// assert!((lower - 5.116).abs() < 1e-3); // 1 − 0.95^(1/10) = 0.5116%
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn burn_lower_bound(
    objective: Objective,
    window: EventCounts,
    level: f64,
) -> Result<Ratio, Error> {
    if !(level > 0.0 && level < 1.0) {
        return Err(Error::InvalidConfidenceLevel { value: level });
    }
    if window.total() == 0 {
        return Ok(Ratio::NoData);
    }
    Ok(Ratio::Value(
        clopper_pearson_lower(window.events(), window.total(), 1.0 - level) / objective.budget(),
    ))
}

/// The p with P(X ≥ x | n, p) = alpha (0 for x = 0): the root of
/// g(p) = ln I_p(x, n − x + 1) − ln alpha, which increases with p.
///
/// Newton's method on g, g'(p) = p^(a−1) (1 − p)^(b−1) / (B(a, b) I_p(a, b)), from
/// the normal approximation, kept inside a bracket [lo, hi] with g(lo) < 0 ≤ g(hi)
/// (a step leaving it bisects instead): a handful of evaluations of the incomplete
/// beta function instead of bisection's ~45, each of which costs O(√x) at large
/// counts. The result is a point with g < 0 within about 1e-13 of the root, so the
/// bound stays conservative (never above the exact Clopper–Pearson bound).
fn clopper_pearson_lower(x: u64, n: u64, alpha: f64) -> f64 {
    use crate::num::special::{ln_beta, ln_beta_inc_reg};
    if x == 0 {
        return 0.0;
    }
    let (a, b) = (x as f64, (n - x) as f64 + 1.0);
    let target = alpha.ln();
    let g = |p: f64| ln_beta_inc_reg(a, b, p) - target;
    let ln_b = ln_beta(a, b);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let phat = x as f64 / n as f64;
    let z = crate::num::normal::upper_quantile(alpha);
    let mut p = (phat - z * (phat * (1.0 - phat) / n as f64).sqrt()).clamp(0.0, 1.0);
    if !(p > 0.0 && p < 1.0) {
        p = 0.5 * phat;
    }
    for _ in 0..200 {
        let ln_i = ln_beta_inc_reg(a, b, p);
        let v = ln_i - target;
        if v < 0.0 {
            lo = p;
        } else {
            hi = p;
        }
        if hi - lo <= 1e-13 * hi {
            break;
        }
        let ln_pdf = (a - 1.0) * p.ln() + (b - 1.0) * (-p).ln_1p() - ln_b;
        let step = -v / (ln_pdf - ln_i).exp();
        let next = p + step;
        p = if next > lo && next < hi && step.is_finite() {
            // Converged from one side: test a point just below; if it is below the
            // root the bracket closes on the next round.
            if step.abs() <= 1e-14 * p {
                let below = p - 2.0 * step.abs() - 1e-14 * p;
                if g(below) < 0.0 {
                    return below.max(lo);
                }
                0.5 * (lo + hi)
            } else {
                next
            }
        } else {
            0.5 * (lo + hi)
        };
    }
    lo
}

/// What a sequential burn test concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum BurnDecision {
    /// The error rate exceeds the budget's rate: the e-value reached 1/alpha.
    Reject,
    /// Not enough evidence yet; keep watching.
    Continue,
}

/// A sequential, anytime-valid test of H₀: error rate ≤ b (burning at most 1) against
/// a burn of `factor` (error rate factor·b), by the likelihood ratio of the two
/// Bernoulli rates:
/// ln E = errors·ln(factor) + successes·ln((1 − factor·b)/(1 − b)).
///
/// E is a test supermartingale under every rate ≤ b (its expected increment is at
/// most 1 there), so by Ville's inequality P(E ever reaches 1/alpha) ≤ alpha: it may be
/// checked after every request. Counts are cumulative since the test started.
///
/// # Example
/// ```
/// use canary_judge::{Alpha, EventCounts, burn::{Objective, safeguards::{BurnDecision, SequentialBurnTest}}};
/// let test = SequentialBurnTest::new(Objective::new(0.999)?, 14.4, Alpha::ONE_PERCENT)?;
/// // 7 errors in 1000 requests: E ≈ 193 ≥ 100, reject.
/// assert_eq!(test.decide(EventCounts::new(7, 1000)?), BurnDecision::Reject);
/// // 1 error in 70 requests: E ≈ 5.7; a plain 14.4 threshold would page here.
/// assert_eq!(test.decide(EventCounts::new(1, 70)?), BurnDecision::Continue);
/// # Ok::<(), canary_judge::Error>(())
/// ```
///
/// Loading checks the invariants the constructor guarantees (a positive step per
/// error, a negative one per success, a positive threshold, all finite).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct SequentialBurnTest {
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    ln_per_error: f64,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    ln_per_success: f64,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    ln_threshold: f64,
}

validated_serde!(SequentialBurnTest);

impl crate::validated::Validate for SequentialBurnTest {
    fn validate(&self) -> Result<(), Error> {
        let checks = [
            (
                "ln likelihood ratio per error",
                self.ln_per_error > 0.0,
                "finite and > 0",
                self.ln_per_error,
            ),
            (
                "ln likelihood ratio per success",
                self.ln_per_success < 0.0,
                "finite and < 0",
                self.ln_per_success,
            ),
            (
                "ln threshold 1/alpha",
                self.ln_threshold > 0.0,
                "finite and > 0",
                self.ln_threshold,
            ),
        ];
        for (name, ok, expected, value) in checks {
            if !(ok && value.is_finite()) {
                return Err(Error::InvalidParameter {
                    name,
                    expected,
                    value,
                });
            }
        }
        Ok(())
    }
}

impl SequentialBurnTest {
    /// A test of burning faster than 1 against the alternative `factor`, at level `alpha`.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] unless 1 < factor < 1/b (the alternative rate must
    ///   be a rate above the budget's).
    pub fn new(objective: Objective, factor: f64, alpha: Alpha) -> Result<Self, Error> {
        let alpha = alpha.get();
        let b = objective.budget();
        if !(factor > 1.0 && factor * b < 1.0) {
            return Err(Error::InvalidParameter {
                name: "alternative burn factor",
                expected: "above 1 and below 1/budget",
                value: factor,
            });
        }
        // Wald's Bernoulli likelihood ratio of an error rate factor·b against b
        // (the SPRT's), with Ville's threshold 1/α instead of Wald's two.
        let (ln_per_error, ln_per_success) =
            crate::sequential::sprt::bernoulli_steps(b, factor * b);
        Ok(Self {
            ln_per_error,
            ln_per_success,
            ln_threshold: -alpha.ln(),
        })
    }

    /// ln E for cumulative counts (finite for any counts).
    pub fn ln_e_value(&self, counts: EventCounts) -> f64 {
        let errors = counts.events() as f64;
        let successes = (counts.total() - counts.events()) as f64;
        errors * self.ln_per_error + successes * self.ln_per_success
    }

    /// The decision for cumulative counts.
    pub fn decide(&self, counts: EventCounts) -> BurnDecision {
        if self.ln_e_value(counts) >= self.ln_threshold {
            BurnDecision::Reject
        } else {
            BurnDecision::Continue
        }
    }
}
