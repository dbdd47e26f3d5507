//! The Wilcoxon signed-rank test on paired differences (canary − baseline per tick).
//!
//! Zero differences are dropped (Wilcoxon's rule, R's `wilcox.test` and scipy's
//! default `zero_method="wilcox"`); the n non-zero |d| are ranked with mid-ranks for
//! ties, and V is the sum of the ranks of the positive differences (R's statistic
//! `V`). Under the null each difference is symmetric about 0, so every sign pattern
//! of the ranks is equally likely.
//!
//! - **Exact** (no ties, no zeros): P(V ≤ t) from the distribution of the sum of a
//!   random subset of {1, …, n}, by the recursion P_k(v) = ½(P_{k−1}(v) +
//!   P_{k−1}(v − k)) over sums up to t only (the tail is summed directly, never as
//!   1 − cdf; the upper tail is the lower tail of n(n+1)/2 − V by symmetry). All
//!   terms are positive, kept in f64 with a power-of-two rescaling, so the relative
//!   error is about n·2⁻⁵³ and tails far below 1e-300 keep their logarithm. Cost
//!   n·min(t, n(n+1)/2 − t) additions; no limit below n = 2·10⁴ other than that cost
//!   (R's `psignrank` stops at about n = 1,040).
//! - **Asymptotic**: z = (V − n(n+1)/4 − c) / σ with
//!   σ² = n(n+1)(2n+1)/24 − Σ(t³ − t)/48 over groups of tied |d|, and the continuity
//!   correction c = ½ toward the mean (R's `correct = TRUE`), as R computes it.
//! - **Auto** (the default): exact when n < 50 with no ties and no zeros, as R's
//!   `wilcox.test` decides; asymptotic otherwise.
//!
//! The sidedness is the canary's: [`Alternative::Greater`] tests whether canary −
//! baseline tends to be positive.
//!
//! # Example
//! ```
//! use canary_judge::compare::{signed_rank::SignedRank, Alternative};
//! // Per tick: the canary's p99 minus the baseline's, in ms.
//! let d = [1.8, 0.6, 2.9, -0.4, 1.1, 3.5, 0.9, 2.2, -0.2, 1.6];
//! let r = SignedRank::new().alternative(Alternative::Greater).test(&d)?;
//! assert_eq!(r.statistic, 52.0);
//! assert!(r.p_value < 0.01); // R: 0.004883
//! # Ok::<(), canary_judge::Error>(())
//! ```

use super::{Alternative, Method};
use crate::Error;
use crate::num::normal;

/// The largest number of non-zero differences the exact distribution accepts
/// (n·n(n+1)/4 ≈ 2·10¹² additions at the limit would take minutes; 2·10⁴ keeps the
/// worst case near a second per 10⁹).
pub const MAX_EXACT: usize = 20_000;

/// The signed-rank test's configuration: two-sided, [`Method::Auto`], continuity
/// correction on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SignedRank {
    alternative: Alternative,
    method: Method,
    continuity_correction: bool,
}

impl Default for SignedRank {
    fn default() -> Self {
        Self::new()
    }
}

/// The result of [`SignedRank::test`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct SignedRankResult {
    /// V: the sum of the (mid-)ranks of |d| over the positive differences.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub statistic: f64,
    /// The number of non-zero differences ranked.
    pub n: usize,
    /// The number of zero differences dropped.
    pub zeros: usize,
    /// Whether some non-zero |d| were tied.
    pub ties: bool,
    /// The method that produced the p-value (never `Auto`).
    pub method: Method,
    /// The standardised statistic of the asymptotic method (None when exact).
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "crate::serde_float::option"
        )
    )]
    pub z: Option<f64>,
    /// The p-value for the configured alternative (1 when nothing is left to rank).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub p_value: f64,
    /// ln of the p-value, finite where the p-value underflows.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub ln_p_value: f64,
}

validated_serde!(SignedRankResult);

impl crate::validated::Validate for SignedRankResult {
    /// The statistic is ≥ 0; the p-value lies in [0, 1] with its log ≤ 0.
    fn validate(&self) -> Result<(), Error> {
        if self.statistic < 0.0 {
            return Err(Error::InvalidParameter {
                name: "statistic",
                expected: ">= 0 (a sum of ranks)",
                value: self.statistic,
            });
        }
        crate::validated::probability("p_value", self.p_value)?;
        crate::validated::ln_probability("ln_p_value", self.ln_p_value)
    }
}

impl SignedRank {
    /// Two-sided, [`Method::Auto`], continuity correction on.
    pub const fn new() -> Self {
        Self {
            alternative: Alternative::TwoSided,
            method: Method::Auto,
            continuity_correction: true,
        }
    }

    /// The alternative: [`Alternative::Greater`] when the canary − baseline
    /// differences tend to be positive.
    pub const fn alternative(mut self, alternative: Alternative) -> Self {
        self.alternative = alternative;
        self
    }

    /// The null distribution: exact, asymptotic, or chosen as R does (`Auto`).
    pub const fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Whether the asymptotic z moves ½ toward the mean (default true, as R).
    pub const fn continuity_correction(mut self, on: bool) -> Self {
        self.continuity_correction = on;
        self
    }

    /// The test on canary − baseline of aligned pairs.
    ///
    /// # Errors
    /// - [`Error::Mismatch`] if the two sides differ in length; otherwise as
    ///   [`SignedRank::test`].
    pub fn test_paired(&self, baseline: &[f64], canary: &[f64]) -> Result<SignedRankResult, Error> {
        self.test(&crate::input::paired_differences(baseline, canary)?)
    }

    /// The test on the differences canary − baseline. O(n log n) plus the exact
    /// distribution's cost when exact.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if a difference is NaN or infinite, or if the
    ///   exact method is asked for with ties or zeros (use the asymptotic one, as R
    ///   does) or beyond [`MAX_EXACT`] differences.
    pub fn test(&self, differences: &[f64]) -> Result<SignedRankResult, Error> {
        if let Some(&bad) = differences.iter().find(|d| !d.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "paired difference",
                expected: "finite",
                value: bad,
            });
        }
        let mut nonzero: Vec<f64> = differences.iter().copied().filter(|&d| d != 0.0).collect();
        let zeros = differences.len() - nonzero.len();
        let n = nonzero.len();
        nonzero.sort_by(|a, b| a.abs().total_cmp(&b.abs()));
        // Mid-ranks of |d| (doubled, so they stay integers), the tie term Σ(t³ − t).
        let (mut twice_v, mut tie_term) = (0u128, 0u128);
        let mut i = 0;
        while i < n {
            let mut j = i + 1;
            while j < n && nonzero[j].abs() == nonzero[i].abs() {
                j += 1;
            }
            let t = (j - i) as u128;
            tie_term += t * t * t - t;
            // Ranks i+1..=j, mid-rank (i + 1 + j)/2, doubled: i + 1 + j.
            let twice_mid = (i + 1 + j) as u128;
            let positives = nonzero[i..j].iter().filter(|&&d| d > 0.0).count() as u128;
            twice_v += positives * twice_mid;
            i = j;
        }
        let statistic = twice_v as f64 / 2.0;
        let ties = tie_term > 0;
        let method = match self.method {
            Method::Auto if n < 50 && !ties && zeros == 0 => Method::Exact,
            Method::Auto => Method::Asymptotic,
            m => m,
        };
        if n == 0 {
            return Ok(SignedRankResult {
                statistic,
                n,
                zeros,
                ties,
                method,
                z: None,
                p_value: 1.0,
                ln_p_value: 0.0,
            });
        }
        let (ln_p, z) = if method == Method::Exact {
            if ties || zeros > 0 {
                return Err(Error::InvalidParameter {
                    name: "exact signed-rank test",
                    expected: "no tied and no zero differences (use the asymptotic method)",
                    value: if ties { tie_term as f64 } else { zeros as f64 },
                });
            }
            if n > MAX_EXACT {
                return Err(Error::InvalidParameter {
                    name: "differences for the exact signed-rank test",
                    expected: "at most 20000 (use the asymptotic method)",
                    value: n as f64,
                });
            }
            (self.exact_ln_p(n, (twice_v / 2) as u64), None)
        } else {
            let (ln_p, z) = self.asymptotic(n, statistic, tie_term);
            (ln_p, Some(z))
        };
        Ok(SignedRankResult {
            statistic,
            n,
            zeros,
            ties,
            method,
            z,
            p_value: ln_p.exp().min(1.0),
            ln_p_value: ln_p.min(0.0),
        })
    }

    /// ln p of the exact test for V = v among n untied, non-zero differences.
    fn exact_ln_p(&self, n: usize, v: u64) -> f64 {
        let total = (n as u64) * (n as u64 + 1) / 2;
        match self.alternative {
            Alternative::Greater => ln_lower_tail(n, total - v),
            Alternative::Less => ln_lower_tail(n, v),
            // The smaller tail is the one whose argument is further from the centre.
            Alternative::TwoSided => {
                (std::f64::consts::LN_2 + ln_lower_tail(n, v.min(total - v))).min(0.0)
            }
        }
    }

    /// ln p and z of the normal approximation, as R's `wilcox.test` computes them.
    fn asymptotic(&self, n: usize, v: f64, tie_term: u128) -> (f64, f64) {
        let nf = n as f64;
        let mean = nf * (nf + 1.0) / 4.0;
        let var = nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term as f64 / 48.0;
        let sigma = var.max(0.0).sqrt();
        let diff = v - mean;
        let c = if !self.continuity_correction {
            0.0
        } else {
            match self.alternative {
                // R's sign(): 0 at the mean (f64::signum would give 1 there).
                Alternative::TwoSided if diff > 0.0 => 0.5,
                Alternative::TwoSided if diff < 0.0 => -0.5,
                Alternative::TwoSided => 0.0,
                Alternative::Greater => 0.5,
                Alternative::Less => -0.5,
            }
        };
        if sigma == 0.0 {
            return (0.0, 0.0);
        }
        let z = (diff - c) / sigma;
        let ln_p = match self.alternative {
            Alternative::Greater => normal::ln_sf(z),
            Alternative::Less => normal::ln_sf(-z),
            Alternative::TwoSided => {
                (std::f64::consts::LN_2 + normal::ln_sf(z).min(normal::ln_sf(-z))).min(0.0)
            }
        };
        (ln_p, z)
    }
}

/// ln P(V ≤ t) for the signed-rank statistic of n untied, non-zero differences: the
/// probability that a uniformly random subset of {1, …, n} sums to at most t. Past
/// the centre it is 1 − P(V ≤ n(n+1)/2 − t − 1), a complement of at most ½ (no
/// cancellation), so the cost is n·min(t, n(n+1)/2 − t).
fn ln_lower_tail(n: usize, t: u64) -> f64 {
    let total = (n as u64) * (n as u64 + 1) / 2;
    if t >= total {
        return 0.0;
    }
    if 2 * t >= total {
        return crate::num::special::ln_one_minus_exp(direct_ln_lower_tail(n, total - t - 1));
    }
    direct_ln_lower_tail(n, t)
}

/// ln P(V ≤ t) summed directly over the sums 0..=t.
fn direct_ln_lower_tail(n: usize, t: u64) -> f64 {
    let t = t as usize;
    // w[v] · 2^(scale − k) = P_k(V = v), for v ≤ t only (sums above t never come
    // back down). Unnormalised counts, rescaled by 2^−600 when they grow large.
    let mut w = vec![0.0f64; t + 1];
    w[0] = 1.0;
    let mut scale = 0i64; // ln-2 exponent carried out of w
    let mut reach = 0usize; // the largest sum reachable so far, capped at t
    for k in 1..=n {
        reach = (reach + k).min(t);
        // w[v] += w[v − k] for v = reach down to k, in blocks of at most k so that
        // each block's sources (below it, not yet updated) and targets are disjoint
        // slices the compiler can vectorise.
        let mut end = reach + 1;
        while end > k {
            let start = end.saturating_sub(k).max(k);
            let (below, above) = w.split_at_mut(start);
            let len = end - start;
            for (dst, src) in above[..len]
                .iter_mut()
                .zip(&below[start - k..start - k + len])
            {
                *dst += *src;
            }
            end = start;
        }
        // A step at most doubles the largest weight: looking every 16 steps for one
        // above 1e250 leaves room below f64::MAX (1e250 · 2^16 < 1e256).
        if k % 16 == 0 && w[..=reach].iter().any(|&x| x > 1e250) {
            let f = 2f64.powi(-600);
            w[..=reach].iter_mut().for_each(|x| *x *= f);
            scale += 600;
        }
    }
    let sum: f64 = w.iter().sum();
    sum.ln() + (scale - n as i64) as f64 * std::f64::consts::LN_2
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every n ≤ 16 and every t: the tail equals the count of subsets of {1..n} with
    /// sum ≤ t over 2^n, enumerated directly.
    #[test]
    fn exact_tail_equals_enumeration() {
        for n in 1..=16usize {
            let total = n * (n + 1) / 2;
            let mut counts = vec![0u64; total + 1];
            for mask in 0u32..(1 << n) {
                let s: usize = (0..n).filter(|i| mask >> i & 1 == 1).map(|i| i + 1).sum();
                counts[s] += 1;
            }
            let mut below = 0u64;
            for (t, &count) in counts.iter().enumerate() {
                below += count;
                let want = below as f64 / (1u64 << n) as f64;
                let got = ln_lower_tail(n, t as u64).exp();
                assert!(
                    (got - want).abs() <= 1e-14 * want,
                    "n {n} t {t}: {got} vs {want}"
                );
            }
        }
    }

    /// Large n: a deep tail (n = 2000, beyond R's limit) stays finite in logs
    /// (P(V ≤ 10) = 43 / 2^2000: the 43 sets of distinct
    /// parts summing to at most 10, the empty one included); at n = 300 the two tails sum to one across the
    /// centre and agree with the normal approximation there.
    #[test]
    fn large_n_is_finite_and_consistent() {
        let deep = ln_lower_tail(2000, 10);
        let want = 43f64.ln() - 2000.0 * std::f64::consts::LN_2;
        assert!((deep - want).abs() < 1e-12 * want.abs(), "{deep} vs {want}");
        let n = 300usize;
        let total = (n * (n + 1) / 2) as u64;
        let t = total / 2 - 500;
        let (lo, hi) = (
            ln_lower_tail(n, t).exp(),
            ln_lower_tail(n, total - t - 1).exp(),
        );
        assert!((lo + hi - 1.0).abs() < 1e-12, "{lo} + {hi}");
        let sd = ((n * (n + 1) * (2 * n + 1)) as f64 / 24.0).sqrt();
        let z = (t as f64 + 0.5 - total as f64 / 2.0) / sd;
        assert!(
            (lo - normal::cdf(z)).abs() < 1e-3,
            "{lo} vs {}",
            normal::cdf(z)
        );
    }
}
