//! Exhaustive checks of the exact untied distribution against an independent count.
//!
//! The reference counts arrangements by the plain recursion on the largest pooled
//! value, c(m, n, k) = c(m − 1, n, k − n) + c(m, n − 1, k) (the largest value is a
//! first-sample item beating all n others, or a second-sample item beating none),
//! in fixed 256-bit integers with checked carries. It shares no code with the
//! Gaussian-binomial path under test, and C(200, 100) < 2^197 fits with room.

use super::{untied_cdf, untied_quantile};

/// A 256-bit unsigned integer, least significant limb first.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
struct U256([u64; 4]);

impl U256 {
    const ONE: Self = Self([1, 0, 0, 0]);

    fn add(self, other: Self) -> Self {
        let mut out = [0u64; 4];
        let mut carry = 0u128;
        for (i, o) in out.iter_mut().enumerate() {
            let s = self.0[i] as u128 + other.0[i] as u128 + carry;
            *o = s as u64;
            carry = s >> 64;
        }
        assert_eq!(carry, 0, "reference count overflowed 256 bits");
        Self(out)
    }

    /// The value as f64 (each limb is exact in f64 up to rounding of the sum).
    fn to_f64(self) -> f64 {
        self.0
            .iter()
            .rev()
            .fold(0.0, |acc, &l| acc * 18_446_744_073_709_551_616.0 + l as f64)
    }

    fn bits(self) -> u32 {
        match self.0.iter().rposition(|&l| l != 0) {
            None => 0,
            Some(i) => 64 * i as u32 + 64 - self.0[i].leading_zeros(),
        }
    }
}

/// Rows of the reference table: `row[n]` holds c(m, n, k) for k = 0..=m·n.
type Row = Vec<Vec<U256>>;

fn first_row(nmax: usize) -> Row {
    // m = 0: one arrangement, U = 0.
    (0..=nmax).map(|_| vec![U256::ONE]).collect()
}

fn next_row(prev: &Row, m: usize, nmax: usize) -> Row {
    let mut row: Row = Vec::with_capacity(nmax + 1);
    row.push(vec![U256::ONE]); // n = 0
    for n in 1..=nmax {
        let mut c = vec![U256::default(); m * n + 1];
        for (k, ck) in c.iter_mut().enumerate() {
            let mut v = U256::default();
            if k >= n && k - n < prev[n].len() {
                v = v.add(prev[n][k - n]);
            }
            if k < row[n - 1].len() {
                v = v.add(row[n - 1][k]);
            }
            *ck = v;
        }
        row.push(c);
    }
    row
}

/// The reference CDF: P(U ≤ u) for every u, as f64 ratios of the exact counts,
/// and their logs.
fn reference(counts: &[U256]) -> Vec<(f64, f64)> {
    let mut acc = U256::default();
    let cum: Vec<U256> = counts
        .iter()
        .map(|&c| {
            acc = acc.add(c);
            acc
        })
        .collect();
    let b = acc.to_f64();
    cum.iter()
        .map(|c| {
            let a = c.to_f64();
            (a / b, a.ln() - b.ln())
        })
        .collect()
}

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs() + 1e-300
}

/// R's `qwilcox(p, m, n)` for p = 0.005, 0.025, 0.05 and every m, n in 1..=100,
/// flattened in the order (m, n, p), from `scripts/gen_exact_sweep_fixtures.py`.
fn r_qwilcox() -> Vec<usize> {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/fixtures/exact_sweep.json")).unwrap();
    assert_eq!(doc["max"], 100);
    doc["qwilcox"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect()
}

/// Every pair of sizes up to `max` × `max`, at lower-tail, middle and upper-tail U,
/// and the exact-interval indices at three levels: the independent count's against
/// R's `qwilcox` for all three, ours against both for one level per pair in turn.
fn sweep(max: usize, quantiles: bool) -> Vec<String> {
    let r = r_qwilcox();
    let mut bad = Vec::new();
    let mut row = first_row(max);
    for m in 1..=max {
        row = next_row(&row, m, max);
        for n in 1..=max {
            let cdf = reference(&row[n]);
            let mn = m * n;
            // Lower tail, quartiles, the middle (the two-sided case) and just above it
            // (the complement path), upper tail.
            let mut us = vec![0, 1, 2, mn / 4, mn / 2, mn / 2 + 1, 3 * mn / 4];
            us.extend([mn.saturating_sub(2), mn.saturating_sub(1), mn]);
            us.retain(|&u| u <= mn);
            us.sort_unstable();
            us.dedup();
            for u in us {
                let (want, want_ln) = cdf[u];
                match untied_cdf(m, n, u as u128) {
                    Ok((p, lp)) => {
                        let ok = !p.is_nan()
                            && !lp.is_nan()
                            && close(p, want, 1e-12)
                            && (lp - want_ln).abs() <= 1e-12 * want_ln.abs().max(1.0);
                        if !ok {
                            bad.push(format!(
                                "{m}x{n} u={u}: p={p:e} ln p={lp} want {want:e} / {want_ln}"
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{m}x{n} u={u}: {e}")),
                }
            }
            if !quantiles {
                continue;
            }
            for (t, tail) in [0.005, 0.025, 0.05].into_iter().enumerate() {
                // qwilcox: the smallest q with P(U ≤ q) ≥ tail; and P(U ≤ q − 1).
                let (mut q, mut below) = (0usize, 0.0);
                loop {
                    let (f, _) = cdf[q];
                    if f >= tail || q >= mn / 2 {
                        break;
                    }
                    below = f;
                    q += 1;
                }
                let from_r = r[((m - 1) * 100 + (n - 1)) * 3 + t];
                if max <= 100 && q != from_r {
                    bad.push(format!("{m}x{n} tail {tail}: reference {q}, R {from_r}"));
                }
                // Ours at one tail per pair, in turn (each call builds the counts to m·n/2).
                if t != (m + n) % 3 {
                    continue;
                }
                match untied_quantile(m, n, tail) {
                    Ok((gq, gb)) if gq == q as u128 && close(gb, below, 1e-12) => {}
                    Ok((gq, gb)) => bad.push(format!(
                        "{m}x{n} tail {tail}: q={gq} below={gb:e}, want {q} / {below:e}"
                    )),
                    Err(e) => bad.push(format!("{m}x{n} tail {tail}: {e}")),
                }
            }
        }
    }
    bad
}

#[test]
fn reference_counts_are_binomials() {
    // The reference itself: totals are C(m+n, m), checked at known values.
    let mut row = first_row(30);
    for m in 1..=30 {
        row = next_row(&row, m, 30);
    }
    let total = row[30].iter().fold(U256::default(), |a, &b| a.add(b));
    // C(60, 30) = 118264581564861424
    assert_eq!(total, U256([118_264_581_564_861_424, 0, 0, 0]));
    assert_eq!(total.bits(), 57);
}

/// Every size pair up to 100 × 100 (10,000 pairs; C(m+n, m) up to 2^196, crossing the
/// one-, two- and three-limb boundaries), P(U ≤ u) at ten U each and the exact
/// interval's order-statistic index at one of α/2 = 0.005, 0.025, 0.05 in turn.
/// Before the fix of the total's limb count this found 3,003 wrong values.
#[test]
fn every_size_pair_up_to_100() {
    let bad = sweep(100, true);
    assert!(
        bad.is_empty(),
        "{} wrong values, first: {:#?}",
        bad.len(),
        &bad[..bad.len().min(12)]
    );
}

impl U256 {
    fn mul_small(self, k: u64) -> Self {
        let mut out = [0u64; 4];
        let mut carry = 0u128;
        for (i, o) in out.iter_mut().enumerate() {
            let v = self.0[i] as u128 * k as u128 + carry;
            *o = v as u64;
            carry = v >> 64;
        }
        assert_eq!(carry, 0, "reference product overflowed 256 bits");
        Self(out)
    }
}

/// C(m+n, m) from its prime factorisation (Legendre's formula): a different route
/// from the multiply-then-divide product under test.
fn binomial_by_primes(m: usize, n: usize) -> U256 {
    let big = m + n;
    let mut sieve = vec![true; big + 1];
    let mut out = U256::ONE;
    for p in 2..=big {
        if !sieve[p] {
            continue;
        }
        for q in (2 * p..=big).step_by(p) {
            sieve[q] = false;
        }
        let power = |x: usize| {
            let (mut e, mut pk) = (0, p);
            while pk <= x {
                e += x / pk;
                pk = match pk.checked_mul(p) {
                    Some(v) => v,
                    None => break,
                };
            }
            e
        };
        for _ in 0..power(big) - power(m) - power(n) {
            out = out.mul_small(p as u64);
        }
    }
    out
}

/// The number of arrangements with U = k for k ≤ n: partitions of k into at most m
/// parts (each part is automatically ≤ k ≤ n), i.e. into parts of size at most m.
fn partitions_into_parts_up_to(m: usize, kmax: usize) -> Vec<U256> {
    let mut ways = vec![U256::default(); kmax + 1];
    ways[0] = U256::ONE;
    for part in 1..=m {
        for k in part..=kmax {
            ways[k] = ways[k].add(ways[k - part]);
        }
    }
    ways
}

fn log2_choose(m: usize, n: usize) -> f64 {
    super::ln_choose((m + n) as f64, m as f64) / std::f64::consts::LN_2
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]

    /// Sizes beyond the sweep whose C(m+n, m) lies within a few bits of 64, 128 and
    /// 192 bits (one, two and three limbs), with the small side from 1 to 60: lower
    /// tails against partition counts over C(m+n, m) by prime factorisation, and the
    /// middle against the tie-aware f64 dynamic programme where it is affordable.
    #[test]
    fn limb_boundaries(target in proptest::sample::select(vec![64.0, 128.0, 192.0]),
                       below in -6.0f64..1.0, m in 1usize..=60, pick in 0.0f64..1.0) {
        let want_bits = target + below;
        // m is the smaller side: C(2m, m) must not already exceed the target.
        proptest::prop_assume!(log2_choose(m, m) <= want_bits);
        let mut n = m;
        while log2_choose(m, n) < want_bits {
            n = (n + 1).max(n + n / 64);
        }
        proptest::prop_assume!(n <= 2_000_000);
        let total = binomial_by_primes(m, n);
        proptest::prop_assert!((total.bits() as f64 - want_bits).abs() < 8.0);
        let kmax = n.min(400);
        let ways = partitions_into_parts_up_to(m, kmax);
        let u = ((pick * kmax as f64) as usize).min(kmax);
        for u in [0, 1.min(kmax), u] {
            let below = ways[..=u].iter().fold(U256::default(), |a, &b| a.add(b));
            let (want, want_ln) = (
                below.to_f64() / total.to_f64(),
                below.to_f64().ln() - total.to_f64().ln(),
            );
            let (p, lp) = untied_cdf(m, n, u as u128).unwrap();
            proptest::prop_assert!(close(p, want, 1e-12), "{}x{} u={}: {:e} vs {:e}", m, n, u, p, want);
            proptest::prop_assert!((lp - want_ln).abs() <= 1e-12 * want_ln.abs().max(1.0));
        }
        // The middle, against the f64 permutation DP (all groups of size one).
        let groups: Vec<(usize, usize)> = (0..m + n).map(|i| (1, usize::from(i < m))).collect();
        if let Ok(d) = super::TiedDistribution::new(&groups, m, n) {
            let mid = (m * n / 2) as u128;
            let (p, lp) = untied_cdf(m, n, mid).unwrap();
            let (q, lq) = d.cdf(2 * mid);
            proptest::prop_assert!(!p.is_nan() && !lp.is_nan());
            proptest::prop_assert!(close(p, q, 1e-10), "{}x{} middle: {} vs {}", m, n, p, q);
            proptest::prop_assert!((lp - lq).abs() < 1e-10);
        }
    }
}
