//! Exact null distributions of the Mann–Whitney statistic.
//!
//! **Without ties** the number of arrangements with U = k is the coefficient of q^k in
//! the Gaussian binomial coefficient [m+n choose m]_q = ∏_{i=1}^{m} (1 − q^{n+i}) / (1 − q^i)
//! (with m the smaller size). We build it one factor at a time in exact multi-limb
//! integer arithmetic, truncated at the largest k needed, so the probabilities are
//! correctly rounded ratios of exact integers even for tails far below 1e-300.
//! Cost: m · K · L limb operations and (K + 1) · L limbs of memory, where K is the
//! largest U needed (at most m·n/2, by symmetry) and L = ⌈log₂ C(m+n, m) / 64⌉.
//!
//! **With ties** the exact conditional (permutation) distribution of 2·U given the
//! observed groups of equal values (mid-ranks) is built by dynamic programming over
//! the groups: choosing j of a group of size t contributes j·(doubled mid-rank) to the
//! doubled rank sum, in C(t, j) ways. All terms are positive, so the f64 counts carry a
//! relative error of at most a few N·ε.

use crate::Error;

/// Most limb operations the exact untied path may spend (about a second on one core).
pub(crate) const UNTIED_WORK_LIMIT: u128 = 2_000_000_000;
/// Most limbs the exact untied path may hold (256 MiB).
pub(crate) const UNTIED_MEMORY_LIMIT: u128 = 1 << 25;
/// Most multiply-adds the exact tied path may spend.
pub(crate) const TIED_WORK_LIMIT: u128 = 400_000_000;
/// Most cells the exact tied path may hold (256 MiB of f64).
pub(crate) const TIED_MEMORY_LIMIT: u128 = 1 << 25;

fn ln_choose(n: f64, k: f64) -> f64 {
    libm::lgamma(n + 1.0) - libm::lgamma(k + 1.0) - libm::lgamma(n - k + 1.0)
}

fn limbs_for(m: usize, n: usize) -> usize {
    let bits = ln_choose((m + n) as f64, m.min(n) as f64) / std::f64::consts::LN_2;
    ((bits * (1.0 + 1e-9) + 3.0) / 64.0).ceil().max(1.0) as usize
}

/// Estimated (work, memory in limbs) of the untied counts up to `kmax`.
pub(crate) fn untied_cost(m: usize, n: usize, kmax: u128) -> (u128, u128) {
    let small = m.min(n) as u128;
    let l = limbs_for(m, n) as u128;
    (2 * small * (kmax + 1) * l, (kmax + 1) * l)
}

/// Refuses, from the sizes alone and before any sorting, an exact test that
/// neither exact path could afford: the untied counts up to `kmin` (a lower bound
/// on how far they must go: 0 for a p-value alone, below the interval's order
/// statistic when one is wanted) and the tied distribution (whose cost depends
/// only on the sizes) both beyond their budgets. The work reported is the untied
/// estimate at `kmin`, so at most the true cost.
pub(crate) fn precheck(m: usize, n: usize, kmin: u128) -> Result<(), Error> {
    let (work, mem) = untied_cost(m, n, kmin);
    let untied_fits = work <= UNTIED_WORK_LIMIT && mem <= UNTIED_MEMORY_LIMIT;
    let (tied_work, cells) = tied_cost(m, n);
    let tied_fits = tied_work <= TIED_WORK_LIMIT && cells <= TIED_MEMORY_LIMIT;
    if untied_fits || tied_fits {
        Ok(())
    } else {
        Err(Error::ExactTooLarge {
            m,
            n,
            work,
            limit: UNTIED_WORK_LIMIT,
        })
    }
}

/// (work, cells) of the tied distribution for sizes m and n, at least: the groups
/// add work, never remove it.
fn tied_cost(m: usize, n: usize) -> (u128, u128) {
    let k = m.min(n) as u128;
    let big_n = (m + n) as u128;
    let cells = (k + 1) * (2 * k * big_n + 1);
    (big_n.saturating_mul(cells), cells)
}

fn check_untied(m: usize, n: usize, kmax: u128) -> Result<(), Error> {
    let (work, mem) = untied_cost(m, n, kmax);
    if work > UNTIED_WORK_LIMIT || mem > UNTIED_MEMORY_LIMIT {
        return Err(Error::ExactTooLarge {
            m,
            n,
            work,
            limit: UNTIED_WORK_LIMIT,
        });
    }
    Ok(())
}

fn add_limbs(dst: &mut [u64], src: &[u64]) {
    let mut carry = false;
    for (d, &s) in dst.iter_mut().zip(src) {
        let (a, c1) = d.overflowing_add(s);
        let (b, c2) = a.overflowing_add(carry as u64);
        *d = b;
        carry = c1 || c2;
    }
}

fn sub_limbs(dst: &mut [u64], src: &[u64]) {
    let mut borrow = false;
    for (d, &s) in dst.iter_mut().zip(src) {
        let (a, b1) = d.overflowing_sub(s);
        let (b, b2) = a.overflowing_sub(borrow as u64);
        *d = b;
        borrow = b1 || b2;
    }
}

fn mul_small(a: &mut [u64], k: u64) {
    let mut carry: u128 = 0;
    for d in a.iter_mut() {
        let v = *d as u128 * k as u128 + carry;
        *d = v as u64;
        carry = v >> 64;
    }
}

fn div_small(a: &mut [u64], k: u64) {
    let mut rem: u128 = 0;
    for d in a.iter_mut().rev() {
        let v = (rem << 64) | *d as u128;
        *d = (v / k as u128) as u64;
        rem = v % k as u128;
    }
}

/// A big integer as (mantissa, binary exponent): value ≈ mantissa · 2^exp.
fn to_scaled(a: &[u64]) -> (f64, i64) {
    match a.iter().rposition(|&d| d != 0) {
        None => (0.0, 0),
        Some(0) => (a[0] as f64, 0),
        Some(t) => {
            let mant = a[t] as f64 * 18_446_744_073_709_551_616.0 + a[t - 1] as f64;
            (mant, 64 * (t as i64 - 1))
        }
    }
}

/// `num / den` as (value, ln value); the value may underflow to 0 but the log stays finite.
fn ratio(num: &[u64], den: &[u64]) -> (f64, f64) {
    let (a, ea) = to_scaled(num);
    let (b, eb) = to_scaled(den);
    if a == 0.0 {
        return (0.0, f64::NEG_INFINITY);
    }
    let e = ea - eb;
    let q = a / b;
    let ln = q.ln() + e as f64 * std::f64::consts::LN_2;
    let v = if e > 2000 {
        f64::INFINITY
    } else if e < -2000 {
        0.0
    } else {
        libm::ldexp(q, e as i32)
    };
    (v.min(1.0), ln.min(0.0))
}

/// One factor of the Gaussian binomial on counts stored `l` limbs apart, of which the
/// low `W` may be non-zero: c[k] += c[k − i] ascending (division by 1 − q^i), then
/// c[k] −= c[k − s] descending (multiplication by 1 − q^s). Wrapping arithmetic
/// modulo 2^(64·W) is exact because every true value fits in W limbs.
fn step<const W: usize>(c: &mut [u64], l: usize, i: usize, s: usize, kmax: usize) {
    let load = |c: &[u64], k: usize| -> [u64; W] {
        let mut v = [0u64; W];
        v.copy_from_slice(&c[k * l..k * l + W]);
        v
    };
    let store = |c: &mut [u64], k: usize, v: [u64; W]| c[k * l..k * l + W].copy_from_slice(&v);
    for k in i..=kmax {
        let (mut d, a) = (load(c, k), load(c, k - i));
        let mut carry = 0u128;
        for j in 0..W {
            let t = d[j] as u128 + a[j] as u128 + carry;
            d[j] = t as u64;
            carry = t >> 64;
        }
        store(c, k, d);
    }
    for k in (s..=kmax).rev() {
        let (mut d, a) = (load(c, k), load(c, k - s));
        let mut borrow = 0u64;
        for j in 0..W {
            let (x, b1) = d[j].overflowing_sub(a[j]);
            let (y, b2) = x.overflowing_sub(borrow);
            d[j] = y;
            borrow = u64::from(b1 || b2);
        }
        store(c, k, d);
    }
}

/// Exact counts of U = 0..=kmax for sizes (m, n) without ties, plus C(m+n, m).
struct UntiedCounts {
    limbs: usize,
    counts: Vec<u64>,
    total: Vec<u64>,
}

impl UntiedCounts {
    fn new(m: usize, n: usize, kmax: u128) -> Result<Self, Error> {
        check_untied(m, n, kmax)?;
        let (small, large) = (m.min(n), m.max(n));
        let kmax = kmax as usize;
        let l = limbs_for(m, n);
        let mut c = vec![0u64; (kmax + 1) * l];
        c[0] = 1;
        for i in 1..=small {
            // After this step every coefficient is at most C(large + i, i) (the
            // coefficients of [large+i choose i]_q, and before the multiplication
            // partial sums of those of step i − 1), so only the low `w` limbs can be
            // non-zero: the rest are skipped.
            let w = limbs_for(large, i).min(l);
            // Divide by (1 − q^i): c[k] += c[k − i], ascending; then multiply by
            // (1 − q^{large+i}): c[k] −= c[k − large − i], descending.
            let s = large + i;
            match w {
                1 => step::<1>(&mut c, l, i, s, kmax),
                2 => step::<2>(&mut c, l, i, s, kmax),
                3 => step::<3>(&mut c, l, i, s, kmax),
                4 => step::<4>(&mut c, l, i, s, kmax),
                _ => {
                    for k in i..=kmax {
                        let (lo, hi) = c.split_at_mut(k * l);
                        add_limbs(&mut hi[..w], &lo[(k - i) * l..(k - i) * l + w]);
                    }
                    for k in (s..=kmax).rev() {
                        let (lo, hi) = c.split_at_mut(k * l);
                        sub_limbs(&mut hi[..w], &lo[(k - s) * l..(k - s) * l + w]);
                    }
                }
            }
        }
        // C(large + i, i) is built as C(large + i − 1, i − 1) · (large + i) / i, and the
        // product before the division is i times the binomial: it needs up to 64 more
        // bits than the result, so it gets one more limb (without it the product
        // wrapped whenever C(m+n, m) came within log₂(small) bits of a limb boundary).
        let mut total = vec![0u64; l + 1];
        total[0] = 1;
        for i in 1..=small as u64 {
            mul_small(&mut total, large as u64 + i);
            div_small(&mut total, i);
        }
        debug_assert_eq!(total[l], 0, "C(m+n, m) exceeds its limb estimate");
        total.truncate(l);
        Ok(Self {
            limbs: l,
            counts: c,
            total,
        })
    }

    fn count(&self, k: usize) -> &[u64] {
        &self.counts[k * self.limbs..(k + 1) * self.limbs]
    }
}

/// P(U ≤ u) without ties, as (p, ln p). Uses the shorter tail internally.
pub(crate) fn untied_cdf(m: usize, n: usize, u: u128) -> Result<(f64, f64), Error> {
    let mn = m as u128 * n as u128;
    if u >= mn {
        return Ok((1.0, 0.0));
    }
    if 2 * u > mn {
        // P(U ≤ u) = 1 − P(U ≥ u + 1) = 1 − P(U ≤ mn − u − 1).
        let (q, _) = untied_cdf(m, n, mn - u - 1)?;
        let p = 1.0 - q;
        return Ok((p, p.ln()));
    }
    let c = UntiedCounts::new(m, n, u)?;
    let mut acc = vec![0u64; c.limbs];
    for k in 0..=u as usize {
        add_limbs(&mut acc, c.count(k));
    }
    Ok(ratio(&acc, &c.total))
}

/// The smallest q with P(U ≤ q) ≥ p (R's `qwilcox`), for p ≤ 1/2, together with
/// P(U ≤ q − 1) (0 when q = 0). Without ties.
pub(crate) fn untied_quantile(m: usize, n: usize, p: f64) -> Result<(u128, f64), Error> {
    let mn = m as u128 * n as u128;
    let kmax = mn / 2;
    let c = UntiedCounts::new(m, n, kmax)?;
    let mut acc = vec![0u64; c.limbs];
    let mut prev = 0.0;
    for k in 0..=kmax as usize {
        add_limbs(&mut acc, c.count(k));
        let (f, _) = ratio(&acc, &c.total);
        if f >= p {
            return Ok((k as u128, prev));
        }
        prev = f;
    }
    Ok((kmax, prev))
}

/// The exact permutation distribution of 2·U for the canary given pooled groups
/// `(size, canary count)` in ascending order of value.
pub(crate) struct TiedDistribution {
    /// counts[v] = number of arrangements with 2·U_canary = v, v = 0..=2mn.
    counts: Vec<f64>,
    total: f64,
}

impl TiedDistribution {
    pub(crate) fn new(groups: &[(usize, usize)], m: usize, n: usize) -> Result<Self, Error> {
        // Build over the smaller side's rank sum, then map to the canary's 2U.
        let canary_small = m <= n;
        let k = m.min(n);
        let big_n: usize = m + n;
        let smax = 2 * k * big_n; // bound on the doubled rank sum of k items
        let (base, cells) = tied_cost(m, n);
        let work = base.saturating_add(groups.len() as u128 * cells);
        if work > TIED_WORK_LIMIT || cells > TIED_MEMORY_LIMIT {
            return Err(Error::ExactTooLarge {
                m,
                n,
                work,
                limit: TIED_WORK_LIMIT,
            });
        }
        let width = smax + 1;
        let mut cur = vec![0f64; (k + 1) * width];
        let mut next = vec![0f64; (k + 1) * width];
        cur[0] = 1.0;
        let mut before = 0usize; // values below the current group
        let mut seen = 0usize; // how many items placed so far can be at most
        for &(t, _) in groups {
            let r2 = 2 * before + t + 1; // doubled mid-rank
            next.iter_mut().for_each(|v| *v = 0.0);
            let mut binom = vec![1f64; t + 1];
            for j in 1..=t {
                binom[j] = binom[j - 1] * (t + 1 - j) as f64 / j as f64;
            }
            let imax = seen.min(k);
            for i in 0..=imax {
                let row = &cur[i * width..(i + 1) * width];
                for (j, &bj) in binom.iter().enumerate().take(k - i + 1) {
                    let add = j * r2;
                    let dst = &mut next[(i + j) * width..(i + j + 1) * width];
                    for s in 0..width - add {
                        let v = row[s];
                        if v != 0.0 {
                            dst[s + add] += v * bj;
                        }
                    }
                }
            }
            std::mem::swap(&mut cur, &mut next);
            before += t;
            seen += t;
        }
        // Map doubled rank sums of the k-side to 2·U of the canary.
        let row = &cur[k * width..(k + 1) * width];
        let mn2 = 2 * m * n;
        let mut counts = vec![0f64; mn2 + 1];
        let offset = k * (k + 1);
        for (s, &v) in row.iter().enumerate() {
            if v == 0.0 {
                continue;
            }
            let u2_small = s - offset; // ≥ 0 whenever v > 0
            let u2 = if canary_small {
                u2_small
            } else {
                mn2 - u2_small
            };
            counts[u2] += v;
        }
        let total = counts.iter().sum();
        Ok(Self { counts, total })
    }

    /// P(2U ≤ v) as (p, ln p).
    pub(crate) fn cdf(&self, v: u128) -> (f64, f64) {
        let end = (v as usize).min(self.counts.len() - 1);
        let s: f64 = self.counts[..=end].iter().sum();
        (
            (s / self.total).min(1.0),
            (s.ln() - self.total.ln()).min(0.0),
        )
    }

    /// P(2U ≥ v) as (p, ln p).
    pub(crate) fn sf(&self, v: u128) -> (f64, f64) {
        let start = (v as usize).min(self.counts.len());
        let s: f64 = self.counts[start..].iter().sum();
        (
            (s / self.total).min(1.0),
            (s.ln() - self.total.ln()).min(0.0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // R: pwilcox(3, 4, 5) = 0.0555555555555556 (= 7/126)
    #[test]
    fn small_cdf_matches_r() {
        let (p, _) = untied_cdf(4, 5, 3).unwrap();
        assert!((p - 7.0 / 126.0).abs() < 1e-16);
        let (p, _) = untied_cdf(5, 4, 3).unwrap();
        assert!((p - 7.0 / 126.0).abs() < 1e-16);
        assert_eq!(untied_cdf(4, 5, 20).unwrap().0, 1.0);
    }

    #[test]
    fn far_tail_has_log() {
        // P(U = 0) = 1 / C(1000, 500) ≈ 10^-299.4
        let (p, lp) = untied_cdf(500, 500, 0).unwrap();
        let want = -ln_choose(1000.0, 500.0);
        assert!((lp - want).abs() < 1e-9 * want.abs(), "{lp} vs {want}");
        assert!(p >= 0.0);
        let (_, lp) = untied_cdf(2000, 2000, 0).unwrap();
        let want = -ln_choose(4000.0, 2000.0);
        assert!((lp - want).abs() < 1e-9 * want.abs());
    }

    #[test]
    fn quantile_matches_r() {
        // R: qwilcox(0.025, 10, 12) = 30 ; pwilcox(29, 10, 12) = 0.0235...
        let (q, below) = untied_quantile(10, 12, 0.025).unwrap();
        assert_eq!(q, 30);
        assert!(below < 0.025);
        assert!(untied_cdf(10, 12, 30).unwrap().0 >= 0.025);
    }

    #[test]
    fn tied_without_ties_equals_untied() {
        let groups: Vec<(usize, usize)> = (0..9).map(|i| (1, usize::from(i % 2 == 0))).collect();
        let d = TiedDistribution::new(&groups, 5, 4).unwrap();
        for u in 0..=20u128 {
            let (a, _) = d.cdf(2 * u);
            let (b, _) = untied_cdf(5, 4, u).unwrap();
            assert!((a - b).abs() < 1e-14, "u={u}: {a} vs {b}");
        }
    }

    #[test]
    fn sizes_no_path_can_afford_are_refused_before_sorting() {
        assert!(precheck(100, 100, 5000).is_ok());
        assert!(precheck(3000, 3000, 0).is_ok()); // the untied path may still fit
        let e = precheck(10_000_000, 10_000_000, 0).unwrap_err();
        assert!(
            matches!(
                e,
                Error::ExactTooLarge {
                    m: 10_000_000,
                    n: 10_000_000,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("e12"), "{e}");
    }

    #[test]
    fn too_large_is_an_error() {
        let e = untied_quantile(1 << 20, 1 << 20, 0.025).unwrap_err();
        assert!(matches!(e, Error::ExactTooLarge { .. }));
        let e = untied_cdf(u32::MAX as usize, u32::MAX as usize, 1u128 << 60).unwrap_err();
        assert!(matches!(e, Error::ExactTooLarge { .. }));
    }
}

#[cfg(test)]
#[path = "exact_sweep.rs"]
mod sweep;
