//! Control of false alarms across a family of tests (the metrics and checks of one
//! canary): adjusted p-values and rejections for p-values, and the e-value
//! procedures.
//!
//! With p-values sorted ascending, p₍₁₎ ≤ … ≤ p₍ₘ₎ (ties kept in input order):
//!
//! | procedure | adjusted p̃₍ᵢ₎ | controls | valid under |
//! |---|---|---|---|
//! | [`Procedure::Bonferroni`] | min(1, m·p₍ᵢ₎) | family-wise error | any dependence |
//! | [`Procedure::Holm`] | max_{j≤i} min(1, (m − j + 1)·p₍ⱼ₎) | family-wise error | any dependence |
//! | [`Procedure::Hochberg`] | min_{j≥i} min(1, (m − j + 1)·p₍ⱼ₎) | family-wise error | independence or positive dependence (PRDS) |
//! | [`Procedure::BenjaminiHochberg`] | min_{j≥i} min(1, m·p₍ⱼ₎/j) | false discovery rate | independence or PRDS |
//! | [`Procedure::BenjaminiYekutieli`] | min_{j≥i} min(1, c·m·p₍ⱼ₎/j), c = Σ_{k≤m} 1/k | false discovery rate | any dependence |
//!
//! A hypothesis is rejected when its adjusted p-value is at most α, which is the
//! procedure's usual step-down or step-up rule (Holm: reject while
//! p₍ₖ₎ ≤ α/(m − k + 1); Hochberg and BH: reject up to the largest k passing). The
//! adjusted values are those of R's `p.adjust` (the test fixtures come from it).
//!
//! For e-values (E ≥ 0 with E\[E\] ≤ 1 under the null, such as the sequential tests'
//! e-values): [`e_bonferroni`] rejects E_i ≥ m/α (family-wise error, any
//! dependence); [`e_benjamini_hochberg`] (Wang & Ramdas 2022) sorts them descending
//! and rejects the k* largest, k* = max{k : e₍ₖ₎ ≥ m/(α·k)} (false discovery rate
//! ≤ α under any dependence, without BY's correction). [`weighted_bonferroni`] gives
//! metrics unequal shares of α.
//!
//! # Example
//! ```
//! use canary_judge::Alpha;
//! use canary_judge::policy::multiplicity::{adjust, Procedure};
//! let p = [0.001, 0.012, 0.014, 0.030, 0.200];
//! let holm = adjust(&p, Procedure::Holm, Alpha::FIVE_PERCENT)?;
//! assert_eq!(holm.rejected, [true, true, true, false, false]);
//! let bh = adjust(&p, Procedure::BenjaminiHochberg, Alpha::FIVE_PERCENT)?;
//! assert_eq!(bh.rejected.iter().filter(|&&r| r).count(), 4);
//! # Ok::<(), canary_judge::Error>(())
//! ```

use crate::{Alpha, Error};

/// A p-value procedure of [`adjust`]; see the [module docs](self) for each formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Procedure {
    /// m·p: family-wise error rate, any dependence.
    Bonferroni,
    /// Holm's step-down: family-wise error rate, any dependence, never less powerful
    /// than Bonferroni.
    Holm,
    /// Hochberg's step-up: family-wise error rate under independence or PRDS.
    Hochberg,
    /// Benjamini–Hochberg step-up: false discovery rate under independence or PRDS.
    BenjaminiHochberg,
    /// Benjamini–Yekutieli: BH at α / Σ 1/k, false discovery rate under any dependence.
    BenjaminiYekutieli,
}

/// What [`adjust`] returns, in the input's order.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Adjusted {
    /// The adjusted p-values, each in [p_i, 1].
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float::vec"))]
    pub adjusted: Vec<f64>,
    /// Whether each hypothesis is rejected at α (adjusted ≤ α).
    pub rejected: Vec<bool>,
}

fn check_p(p: &[f64]) -> Result<(), Error> {
    match p.iter().position(|v| !(0.0..=1.0).contains(v)) {
        Some(i) => Err(Error::InvalidParameter {
            name: "p-value of the family",
            expected: "in [0, 1], not NaN",
            value: p[i],
        }),
        None => Ok(()),
    }
}

/// Adjusted p-values and rejections at `alpha` by `procedure`. O(m log m).
///
/// # Errors
/// - [`Error::InvalidParameter`] if a p-value is NaN or outside [0, 1].
///
/// # Example
/// ```
/// use canary_judge::Alpha;
/// use canary_judge::policy::multiplicity::{adjust, Procedure};
/// let r = adjust(&[0.01, 0.04], Procedure::Bonferroni, Alpha::FIVE_PERCENT)?;
/// assert_eq!(r.adjusted, [0.02, 0.08]);
/// assert_eq!(r.rejected, [true, false]);
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn adjust(p: &[f64], procedure: Procedure, alpha: Alpha) -> Result<Adjusted, Error> {
    check_p(p)?;
    let m = p.len();
    let mf = m as f64;
    // Ascending by p; equal p-values keep their input order.
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut sorted_adj = vec![0.0; m];
    match procedure {
        Procedure::Bonferroni => {
            for (k, &i) in order.iter().enumerate() {
                sorted_adj[k] = (mf * p[i]).min(1.0);
            }
        }
        Procedure::Holm => {
            let mut running = 0.0f64;
            for (k, &i) in order.iter().enumerate() {
                running = running.max(((mf - k as f64) * p[i]).min(1.0));
                sorted_adj[k] = running;
            }
        }
        Procedure::Hochberg => {
            let mut running = 1.0f64;
            for (k, &i) in order.iter().enumerate().rev() {
                running = running.min(((mf - k as f64) * p[i]).min(1.0));
                sorted_adj[k] = running;
            }
        }
        Procedure::BenjaminiHochberg | Procedure::BenjaminiYekutieli => {
            let c = if procedure == Procedure::BenjaminiYekutieli {
                (1..=m).map(|k| 1.0 / k as f64).sum::<f64>()
            } else {
                1.0
            };
            let mut running = 1.0f64;
            for (k, &i) in order.iter().enumerate().rev() {
                running = running.min((c * mf / (k + 1) as f64 * p[i]).min(1.0));
                sorted_adj[k] = running;
            }
        }
    }
    let mut adjusted = vec![0.0; m];
    for (k, &i) in order.iter().enumerate() {
        // Never below the raw p-value (rounding of m·p/j could otherwise dip).
        adjusted[i] = sorted_adj[k].max(p[i]);
    }
    let a = alpha.get();
    let rejected = adjusted.iter().map(|&q| q <= a).collect();
    Ok(Adjusted { adjusted, rejected })
}

/// Weighted Bonferroni: reject H_i when p_i ≤ w_i·α. With Σ w_i ≤ 1 the family-wise
/// error rate stays at most α under any dependence; a critical metric can get a
/// larger share than the others.
///
/// # Errors
/// - [`Error::Mismatch`] if there are not as many weights as p-values.
/// - [`Error::InvalidParameter`] if a p-value is outside [0, 1], a weight is
///   negative or not finite, or the weights sum above 1 (beyond 1e-12 of rounding).
///
/// # Example
/// ```
/// use canary_judge::Alpha;
/// use canary_judge::policy::multiplicity::weighted_bonferroni;
/// // Latency gets half of α, the three other metrics a sixth each.
/// let w = [0.5, 1.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0];
/// let r = weighted_bonferroni(&[0.02, 0.02, 0.001, 0.5], &w, Alpha::FIVE_PERCENT)?;
/// assert_eq!(r, [true, false, true, false]);
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn weighted_bonferroni(p: &[f64], weights: &[f64], alpha: Alpha) -> Result<Vec<bool>, Error> {
    check_p(p)?;
    if weights.len() != p.len() {
        return Err(Error::Mismatch {
            name: "weights of the family",
            expected: "one per p-value",
            got: format!("{} weights for {} p-values", weights.len(), p.len()),
        });
    }
    if let Some(&w) = weights.iter().find(|w| !(w.is_finite() && **w >= 0.0)) {
        return Err(Error::InvalidParameter {
            name: "weight of a hypothesis",
            expected: "finite and >= 0",
            value: w,
        });
    }
    let total: f64 = weights.iter().sum();
    if total > 1.0 + 1e-12 {
        return Err(Error::InvalidParameter {
            name: "sum of the weights",
            expected: "at most 1 (else the family-wise error exceeds alpha)",
            value: total,
        });
    }
    let a = alpha.get();
    Ok(p.iter().zip(weights).map(|(&p, &w)| p <= w * a).collect())
}

fn check_e(e: &[f64]) -> Result<(), Error> {
    match e.iter().find(|v| v.is_nan() || **v < 0.0) {
        Some(&v) => Err(Error::InvalidParameter {
            name: "e-value of the family",
            expected: ">= 0 (+inf allowed), not NaN",
            value: v,
        }),
        None => Ok(()),
    }
}

/// e-Bonferroni: reject H_i when E_i ≥ m/α (family-wise error ≤ α under any
/// dependence, by Markov's inequality and a union bound).
///
/// # Errors
/// - [`Error::InvalidParameter`] if an e-value is NaN or negative.
///
/// # Example
/// ```
/// use canary_judge::Alpha;
/// use canary_judge::policy::multiplicity::e_bonferroni;
/// // m = 2 at α = 5%: an e-value must reach 40.
/// assert_eq!(e_bonferroni(&[41.0, 39.0], Alpha::FIVE_PERCENT)?, [true, false]);
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn e_bonferroni(e: &[f64], alpha: Alpha) -> Result<Vec<bool>, Error> {
    check_e(e)?;
    let bar = e.len() as f64 / alpha.get();
    Ok(e.iter().map(|&v| v >= bar).collect())
}

/// e-BH (Wang & Ramdas, "False discovery rate control with e-values", JRSS B 2022):
/// with e-values sorted descending, k* = max{k : e₍ₖ₎ ≥ m/(α·k)}, and the k*
/// largest are rejected (all of them, even if a smaller k failed). False discovery
/// rate ≤ α under any dependence. Equal e-values at the cut are all rejected or
/// none, as the rule only looks at values.
///
/// # Errors
/// - [`Error::InvalidParameter`] if an e-value is NaN or negative.
///
/// # Example
/// ```
/// use canary_judge::Alpha;
/// use canary_judge::policy::multiplicity::e_benjamini_hochberg;
/// let e = [120.0, 45.0, 36.0, 26.0, 1.0];
/// let r = e_benjamini_hochberg(&e, Alpha::FIVE_PERCENT)?;
/// assert_eq!(r, [true, true, true, true, false]);
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn e_benjamini_hochberg(e: &[f64], alpha: Alpha) -> Result<Vec<bool>, Error> {
    check_e(e)?;
    let m = e.len();
    let mut sorted: Vec<f64> = e.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let a = alpha.get();
    let k_star = (1..=m)
        .rev()
        .find(|&k| sorted[k - 1] >= m as f64 / (a * k as f64))
        .unwrap_or(0);
    if k_star == 0 {
        return Ok(vec![false; m]);
    }
    // The k* largest: everything at or above the k*-th largest value.
    let cut = sorted[k_star - 1];
    Ok(e.iter().map(|&v| v >= cut).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The known-answer vectors of the design notes (policy-burnrate.md §D).
    #[test]
    fn design_note_vectors() {
        let p = [0.001, 0.012, 0.014, 0.030, 0.200];
        let a = Alpha::FIVE_PERCENT;
        let count = |r: &[bool]| r.iter().filter(|&&x| x).count();
        let close = |got: &[f64], want: &[f64]| {
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 5e-5, "{got:?} vs {want:?}");
            }
        };
        let r = adjust(&p, Procedure::Bonferroni, a).unwrap();
        close(&r.adjusted, &[0.005, 0.06, 0.07, 0.15, 1.0]);
        assert_eq!(count(&r.rejected), 1);
        let r = adjust(&p, Procedure::Holm, a).unwrap();
        close(&r.adjusted, &[0.005, 0.048, 0.048, 0.06, 0.2]);
        assert_eq!(count(&r.rejected), 3);
        let r = adjust(&p, Procedure::Hochberg, a).unwrap();
        close(&r.adjusted, &[0.005, 0.042, 0.042, 0.06, 0.2]);
        assert_eq!(count(&r.rejected), 3);
        let r = adjust(&p, Procedure::BenjaminiHochberg, a).unwrap();
        close(&r.adjusted, &[0.005, 0.0233, 0.0233, 0.0375, 0.2]);
        assert_eq!(count(&r.rejected), 4);
        let r = adjust(&p, Procedure::BenjaminiYekutieli, a).unwrap();
        assert_eq!(count(&r.rejected), 1);
        let e = [120.0, 45.0, 36.0, 26.0, 1.0];
        assert_eq!(count(&e_benjamini_hochberg(&e, a).unwrap()), 4);
        assert_eq!(count(&e_bonferroni(&e, a).unwrap()), 1);
    }

    #[test]
    fn bad_values_are_errors_and_empty_families_reject_nothing() {
        let a = Alpha::FIVE_PERCENT;
        assert!(adjust(&[0.1, f64::NAN], Procedure::Holm, a).is_err());
        assert!(adjust(&[1.5], Procedure::Holm, a).is_err());
        assert!(e_bonferroni(&[-1.0], a).is_err());
        assert!(e_benjamini_hochberg(&[f64::NAN], a).is_err());
        assert!(weighted_bonferroni(&[0.1], &[0.6, 0.6], a).is_err());
        assert!(weighted_bonferroni(&[0.1, 0.1], &[0.6, 0.6], a).is_err());
        assert!(weighted_bonferroni(&[0.1], &[-0.1], a).is_err());
        let none = adjust(&[], Procedure::BenjaminiYekutieli, a).unwrap();
        assert!(none.adjusted.is_empty() && none.rejected.is_empty());
        assert!(e_benjamini_hochberg(&[], a).unwrap().is_empty());
        assert_eq!(e_bonferroni(&[f64::INFINITY], a).unwrap(), [true]);
    }
}
