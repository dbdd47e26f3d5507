//! The Wilcoxon signed-rank test on paired differences (canary − baseline per tick).
//!
//! Zero differences are dropped (Wilcoxon's rule, R's `wilcox.test` and scipy's
//! default `zero_method="wilcox"`); the n non-zero |d| are ranked with mid-ranks for
//! ties, and V is the sum of the ranks of the positive differences (R's statistic
//! `V`). Under the null each difference is symmetric about 0, so every sign pattern
//! of the ranks is equally likely.
//!
//! - **Exact**: P(V ≤ t) from the distribution of the sum of a random subset of
//!   {1, …, n}, by the recursion P_k(v) = ½(P_{k−1}(v) + P_{k−1}(v − k)) over sums
//!   up to t only (the tail is summed directly, never as 1 − cdf; the upper tail is
//!   the lower tail of n(n+1)/2 − V by symmetry). All terms are positive, kept in
//!   f64 with a power-of-two rescaling, so the relative error is about n·2⁻⁵³ and
//!   tails far below 1e-300 keep their logarithm. Cost n·min(t, n(n+1)/2 − t)
//!   additions; no limit below n = 2·10⁴ other than that cost (R's `psignrank`
//!   stops at about n = 1,040). With ties, the exact distribution given the observed
//!   mid-ranks (every sign pattern of the non-zero differences equally likely, as
//!   under the null): the same recursion over the doubled mid-ranks, divided by
//!   their common divisor, in place of 1..n (the permutation distribution that R's
//!   `coin::wilcoxsign_test(distribution = "exact")` computes; R's `wilcox.test`
//!   and scipy fall back to the normal approximation). Zeros are dropped first, so
//!   they change n and nothing else.
//! - **Asymptotic**: z = (V − n(n+1)/4 − c) / σ with
//!   σ² = n(n+1)(2n+1)/24 − Σ(t³ − t)/48 over groups of tied |d|, and the continuity
//!   correction c = ½ toward the mean (R's `correct = TRUE`), as R computes it.
//! - **Auto** (the default): exact when n < 50 with no ties and no zeros, as R's
//!   `wilcox.test` decides; asymptotic otherwise, unless
//!   [`SignedRank::exact_budget`] allows the exact tail.
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
    #[cfg_attr(feature = "serde", serde(default))]
    exact_budget: u64,
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
            exact_budget: 0,
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

    /// Under [`Method::Auto`], the exact distribution also wherever it costs at most
    /// `additions` (n·min(t, W − t) for the tail's argument t, W the sum of the
    /// ranks), ties and zeros included; beyond, the asymptotic one. Default 0: R's
    /// rule alone. A decision at a small α is made in the far tail, where the exact
    /// tail is cheap, so a budget of a few million additions (about a millisecond)
    /// makes the p-values that decide exact at any n.
    ///
    /// # Example
    /// ```
    /// use canary_judge::compare::{signed_rank::SignedRank, Alternative, Method};
    /// // Tied differences: R's rule goes asymptotic; with a budget the p-value is the
    /// // exact one given the ties (here P(all 8 signs positive) = 1/256).
    /// let d = [1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0];
    /// let t = SignedRank::new().alternative(Alternative::Greater);
    /// assert_eq!(t.test(&d)?.method, Method::Asymptotic);
    /// let exact = t.exact_budget(1_000_000).test(&d)?;
    /// assert_eq!(exact.method, Method::Exact);
    /// assert!((exact.p_value - 1.0 / 256.0).abs() < 1e-15);
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub const fn exact_budget(mut self, additions: u64) -> Self {
        self.exact_budget = additions;
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
    ///   exact method is asked for beyond [`MAX_EXACT`] non-zero differences (or,
    ///   with ties, for a table of sums longer than that many untied differences
    ///   need).
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
        let mut twice_mids: Vec<u64> = Vec::with_capacity(n);
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
            twice_mids.extend(std::iter::repeat_n((i + 1 + j) as u64, j - i));
            let positives = nonzero[i..j].iter().filter(|&&d| d > 0.0).count() as u128;
            twice_v += positives * twice_mid;
            i = j;
        }
        let statistic = twice_v as f64 / 2.0;
        let ties = tie_term > 0;
        // The exact distribution's weights and V in their units: the ranks 1..n
        // without ties; with ties the doubled mid-ranks over their common divisor.
        let (weights, v) = if ties {
            let g = twice_mids.iter().fold(0u64, |g, &w| gcd(g, w)).max(1);
            twice_mids.iter_mut().for_each(|w| *w /= g);
            (twice_mids, (twice_v / u128::from(g)) as u64)
        } else {
            ((1..=n as u64).collect(), (twice_v / 2) as u64)
        };
        let method = match self.method {
            Method::Auto if n < 50 && !ties && zeros == 0 => Method::Exact,
            Method::Auto
                if self.exact_budget > 0
                    && (n as u64).saturating_mul(exact_table(&weights, v, self.alternative))
                        <= self.exact_budget =>
            {
                Method::Exact
            }
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
            // Ties can double the weights (odd and even mid-ranks mixed): the table
            // of sums is kept no longer than untied differences at the limit need.
            let longest = (MAX_EXACT as u64) * (MAX_EXACT as u64 + 1) / 4;
            if n > MAX_EXACT || exact_table(&weights, v, self.alternative) > longest {
                return Err(Error::InvalidParameter {
                    name: "differences for the exact signed-rank test",
                    expected: "at most 20000, and with ties a table of sums no longer than \
                               without (use the asymptotic method)",
                    value: n as f64,
                });
            }
            (self.exact_ln_p(&weights, v), None)
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

    /// ln p of the exact test for V = v (in the weights' units) among non-zero
    /// differences whose ranks are `weights`.
    fn exact_ln_p(&self, weights: &[u64], v: u64) -> f64 {
        let total: u64 = weights.iter().sum();
        match self.alternative {
            Alternative::Greater => ln_lower_tail_of(weights, total - v),
            Alternative::Less => ln_lower_tail_of(weights, v),
            // The smaller tail is the one whose argument is further from the centre.
            Alternative::TwoSided => {
                (std::f64::consts::LN_2 + ln_lower_tail_of(weights, v.min(total - v))).min(0.0)
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

/// The length of the table of sums the exact tail of V = v fills over these
/// weights: min(t, W − t) for the tail's argument t (W the sum of the weights).
fn exact_table(weights: &[u64], v: u64, alternative: Alternative) -> u64 {
    let total: u64 = weights.iter().sum();
    let t = match alternative {
        Alternative::Greater => total - v,
        Alternative::Less => v,
        Alternative::TwoSided => v.min(total - v),
    };
    t.min(total - t)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// ln P(V ≤ t) for the signed-rank statistic of n untied, non-zero differences: the
/// probability that a uniformly random subset of {1, …, n} sums to at most t.
#[cfg(test)]
fn ln_lower_tail(n: usize, t: u64) -> f64 {
    let ranks: Vec<u64> = (1..=n as u64).collect();
    ln_lower_tail_of(&ranks, t)
}

/// ln P(S ≤ t), S the sum of a uniformly random subset of `weights` (positive
/// integers in ascending order: the ranks, or the doubled mid-ranks under ties).
/// Past the centre it is 1 − P(S ≤ W − t − 1) (W the sum of all weights; S and
/// W − S have one distribution), a complement of at most ½ (no cancellation), so
/// the cost is n·min(t, W − t).
fn ln_lower_tail_of(weights: &[u64], t: u64) -> f64 {
    let total: u64 = weights.iter().sum();
    if t >= total {
        return 0.0;
    }
    if 2 * t >= total {
        return crate::num::special::ln_one_minus_exp(direct_ln_lower_tail(weights, total - t - 1));
    }
    direct_ln_lower_tail(weights, t)
}

/// ln P(S ≤ t) summed directly over the sums 0..=t.
fn direct_ln_lower_tail(weights: &[u64], t: u64) -> f64 {
    let t = t as usize;
    // w[v] · 2^(scale − k) = P_k(S = v) after the first k weights, for v ≤ t only
    // (sums above t never come back down). Unnormalised counts, rescaled by 2^−600
    // when they grow large.
    let mut w = vec![0.0f64; t + 1];
    w[0] = 1.0;
    let mut scale = 0i64; // ln-2 exponent carried out of w
    let mut reach = 0usize; // the largest sum reachable so far, capped at t
    for (step, &weight) in weights.iter().enumerate() {
        let k = usize::try_from(weight).unwrap_or(usize::MAX);
        reach = reach.saturating_add(k).min(t);
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
        if (step + 1) % 16 == 0 && w[..=reach].iter().any(|&x| x > 1e250) {
            let f = 2f64.powi(-600);
            w[..=reach].iter_mut().for_each(|x| *x *= f);
            scale += 600;
        }
    }
    let sum: f64 = w.iter().sum();
    sum.ln() + (scale - weights.len() as i64) as f64 * std::f64::consts::LN_2
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
