//! Order statistics of the m·n pairwise differences canary − baseline, without
//! materialising them.
//!
//! With canary `x` ascending and baseline `y` ascending, the matrix
//! A[i][c] = x[i] − y[n−1−c] is sorted along rows and columns (floating-point
//! subtraction is monotone in each argument, so this holds for the rounded values
//! too). The k-th smallest entry is found by repeated narrowing of a per-row
//! candidate window [lo_i, hi_i): each round draws a deterministic pseudo-random
//! sample of candidates, takes two sample quantiles that bracket the target rank
//! (the Floyd–Rivest idea), counts the entries below each pivot with staircase walks
//! (O(m + n) each), and keeps only the candidates between them. Once few candidates
//! remain they are gathered and selected directly. Expected time
//! O((m + n) · log(m·n) / log(s)) for s samples a round; memory O(m).
//!
//! The estimate and its interval need three or four order statistics (the middle
//! one or two and the interval's ranks), which lie close together: one selection
//! narrows toward all of them while a pair of pivots can bracket them all, then
//! finishes each alone from there, and the two middle entries come from the same
//! final gather. For 1,000 values per side that is 12–20 staircase walks instead
//! of 26–32.
//!
//! Differences that overflow f64 saturate at ±`f64::MAX`, so no entry is infinite.

use crate::num::rng::SplitMix64;

/// Saturating difference.
#[inline]
pub(crate) fn diff(a: f64, b: f64) -> f64 {
    let d = a - b;
    if d.is_finite() {
        d
    } else if d > 0.0 {
        f64::MAX
    } else {
        f64::MIN
    }
}

/// Σ lo (the entries left of every window, all below the candidates) and the
/// prefix sums of the windows' widths into `prefix`, whose last is the number of
/// candidates: (below, total).
fn window_sums(lo: &[usize], hi: &[usize], prefix: &mut Vec<u128>) -> (u128, u128) {
    prefix.clear();
    let mut total = 0u128;
    for (&l, &h) in lo.iter().zip(hi) {
        total += (h - l) as u128;
        prefix.push(total);
    }
    (lo.iter().map(|&v| v as u128).sum(), total)
}

/// Where the candidate of rank `want` (1-based, of `total`) is expected among
/// `samples` sorted sample values.
fn at_sample(want: u128, total: u128, samples: usize) -> isize {
    (want as f64 / total as f64 * samples as f64) as isize
}

/// The i1-th and i2-th smallest of the sample (i1 ≤ i2), 0-based.
fn pivots(sample: &mut [f64], i1: usize, i2: usize) -> (f64, f64) {
    let (_, &mut p1, upper) = sample.select_nth_unstable_by(i1, |a, b| a.total_cmp(b));
    let p2 = if i2 == i1 {
        p1
    } else {
        *upper
            .select_nth_unstable_by(i2 - i1 - 1, |a, b| a.total_cmp(b))
            .1
    };
    (p1, p2)
}

/// The implicit sorted matrix of differences.
pub(crate) struct Differences<'a> {
    x: &'a [f64],
    y: &'a [f64],
}

/// Candidates sampled per round: enough that the bracket shrinks ~20-fold, few
/// enough that sampling costs less than the O(m + n) walks.
fn samples_for(m: usize, n: usize) -> usize {
    ((m + n) / 4).clamp(256, 16_384)
}

impl<'a> Differences<'a> {
    /// `x` (canary) and `y` (baseline) must be sorted ascending and non-empty.
    pub(crate) fn new(x: &'a [f64], y: &'a [f64]) -> Self {
        Self { x, y }
    }

    /// Number of entries, m·n.
    pub(crate) fn len(&self) -> u128 {
        self.x.len() as u128 * self.y.len() as u128
    }

    #[inline]
    fn at(&self, i: usize, c: usize) -> f64 {
        diff(self.x[i], self.y[self.y.len() - 1 - c])
    }

    /// Every candidate (row i's columns `lo[i]..hi[i]`), `total` of them.
    fn gather(&self, lo: &[usize], hi: &[usize], total: u128) -> Vec<f64> {
        let mut cand = Vec::with_capacity(total as usize);
        for (i, (&l, &h)) in lo.iter().zip(hi).enumerate() {
            cand.extend((l..h).map(|c| self.at(i, c)));
        }
        cand
    }

    /// A sample of `samples` candidates into `out`: one rank drawn uniformly in each
    /// of `samples` equal strata of [0, total) (so they come out sorted, with no
    /// sort, and cover the range more evenly than independent draws), mapped to
    /// (row, column) in one sequential pass over the prefix sums (cheaper than a
    /// binary search each). Stratum j is [⌊j·total/s⌋, ⌊(j + 1)·total/s⌋), its ends
    /// stepped without a division per stratum: each is q or q + 1 long (Bresenham).
    fn sample_candidates(
        &self,
        lo: &[usize],
        prefix: &[u128],
        samples: usize,
        rng: &mut SplitMix64,
        out: &mut Vec<f64>,
    ) {
        out.clear();
        let total = prefix.last().copied().unwrap_or(0);
        let strata = samples as u128;
        let (q, r) = (total / strata, total % strata);
        let (mut start, mut carry, mut row) = (0u128, 0u128, 0usize);
        for _ in 0..samples {
            carry += r;
            let width = q + u128::from(carry >= strata);
            if carry >= strata {
                carry -= strata;
            }
            let draw = start + rng.below_wide(width.max(1));
            start += width;
            while prefix[row] <= draw {
                row += 1;
            }
            let row_start = if row == 0 { 0 } else { prefix[row - 1] };
            out.push(self.at(row, lo[row] + (draw - row_start) as usize));
        }
    }

    /// Per row, the number of entries < p (strict) or ≤ p; returns the total.
    fn positions(&self, p: f64, strict: bool, out: &mut [usize]) -> u128 {
        let n = self.y.len();
        let mut c = n;
        let mut total = 0u128;
        for (i, o) in out.iter_mut().enumerate() {
            if strict {
                while c > 0 && self.at(i, c - 1) >= p {
                    c -= 1;
                }
            } else {
                while c > 0 && self.at(i, c - 1) > p {
                    c -= 1;
                }
            }
            *o = c;
            total += c as u128;
        }
        total
    }

    /// Number of entries ≤ p.
    #[cfg(test)]
    pub(crate) fn count_le(&self, p: f64) -> u128 {
        let mut out = vec![0usize; self.x.len()];
        self.positions(p, false, &mut out)
    }

    /// The k-th smallest difference, 1-based; k is clamped to [1, m·n].
    #[cfg(test)]
    pub(crate) fn kth(&self, k: u128) -> f64 {
        self.kth_with(k, self.gather_limit())
    }

    /// As [`Differences::kth`], gathering the candidates once at most `gather_limit` remain.
    #[cfg(test)]
    fn kth_with(&self, k: u128, gather_limit: u128) -> f64 {
        let (m, n) = (self.x.len(), self.y.len());
        self.kth_within(
            k.clamp(1, self.len()),
            vec![0; m],
            vec![n; m],
            gather_limit,
            false,
        )
        .0
    }

    /// The k-th smallest entry (1 ≤ k ≤ m·n) where, per row i, the entries left of
    /// `lo[i]` are all smaller than every candidate (columns `lo[i]..hi[i]`) and
    /// those from `hi[i]` on all larger, and the k-th lies among the candidates.
    /// With `with_next`, also the (k + 1)-th when the final gather holds it (the
    /// smallest candidate above the selected one), so the two middle entries of an
    /// even m·n cost one selection.
    fn kth_within(
        &self,
        k: u128,
        mut lo: Vec<usize>,
        mut hi: Vec<usize>,
        gather_limit: u128,
        with_next: bool,
    ) -> (f64, Option<f64>) {
        let m = self.x.len();
        let n = self.y.len();
        let mut pos_a = vec![0usize; m];
        let mut pos_b = vec![0usize; m];
        let mut rng =
            SplitMix64::new(0x5EED ^ (k as u64).rotate_left(17) ^ (m as u64) ^ ((n as u64) << 32));
        let mut prefix: Vec<u128> = Vec::with_capacity(m);
        let samples = samples_for(m, n);
        let mut sample = Vec::with_capacity(samples);
        loop {
            let (below, total) = window_sums(&lo, &hi, &mut prefix);
            let want = k - below; // 1-based rank among candidates
            if total <= gather_limit {
                let mut cand = self.gather(&lo, &hi, total);
                let idx = (want - 1) as usize;
                let (_, v, above) = cand.select_nth_unstable_by(idx, |a, b| a.total_cmp(b));
                let next = with_next
                    .then(|| above.iter().copied().min_by(f64::total_cmp))
                    .flatten();
                return (*v, next);
            }
            self.sample_candidates(&lo, &prefix, samples, &mut rng, &mut sample);
            // Pivots: sample quantiles about four standard deviations of the sample
            // rank either side of the target's expected position.
            let centre = at_sample(want, total, samples);
            let spread = (2.0 * (samples as f64).sqrt()) as isize;
            let last = samples as isize - 1;
            let i1 = (centre - spread).clamp(0, last) as usize;
            let i2 = (centre + spread).clamp(0, last) as usize;
            let (p1, p2) = pivots(&mut sample, i1, i2);

            // Usual case: the target lies between the pivots; two walks narrow to [p1, p2].
            let lt1 = self.positions(p1, true, &mut pos_a);
            if k <= lt1 {
                for i in 0..m {
                    hi[i] = hi[i].min(pos_a[i]);
                }
                continue;
            }
            let le2 = self.positions(p2, false, &mut pos_b);
            if k > le2 {
                for i in 0..m {
                    lo[i] = lo[i].max(pos_b[i]);
                }
                continue;
            }
            let mut narrowed = 0u128;
            for i in 0..m {
                let (l, h) = (lo[i].max(pos_a[i]), hi[i].min(pos_b[i]));
                narrowed += (h - l) as u128;
            }
            if narrowed < total {
                for i in 0..m {
                    lo[i] = lo[i].max(pos_a[i]);
                    hi[i] = hi[i].min(pos_b[i]);
                }
                continue;
            }
            // No progress (every candidate lies in [p1, p2], e.g. heavy ties): settle
            // the pivots themselves, then keep only what lies strictly between them.
            let le1 = self.positions(p1, false, &mut pos_a);
            if k <= le1 {
                return (p1, None);
            }
            let lt2 = self.positions(p2, true, &mut pos_b);
            if k > lt2 {
                return (p2, None);
            }
            for i in 0..m {
                lo[i] = lo[i].max(pos_a[i]);
                hi[i] = hi[i].min(pos_b[i]);
            }
        }
    }

    /// The entries of several ranks (1-based, each clamped to [1, m·n]), in the
    /// order asked. Rounds that bracket every rank at once are shared (the
    /// Hodges–Lehmann estimate and the two ends of its interval lie close together
    /// among the m·n entries, so the first rounds narrow toward all of them alike);
    /// once one bracket would hold most of the sample, or the ranks fall on both
    /// sides of a pivot, each rank is finished alone from the shared windows. The
    /// values are those of [`Differences::kth`]: exact order statistics.
    pub(crate) fn select(&self, ranks: &[u128]) -> Vec<f64> {
        self.select_with(ranks, self.gather_limit())
    }

    fn gather_limit(&self) -> u128 {
        ((self.x.len() + self.y.len()) as u128 * 2).max(4096)
    }

    fn select_with(&self, ranks: &[u128], gather_limit: u128) -> Vec<f64> {
        let (m, n) = (self.x.len(), self.y.len());
        let len = self.len();
        let mut targets: Vec<u128> = ranks.iter().map(|&k| k.clamp(1, len)).collect();
        targets.sort_unstable();
        targets.dedup();
        let (Some(&first), Some(&last)) = (targets.first(), targets.last()) else {
            return Vec::new();
        };
        let (mut lo, mut hi) = (vec![0usize; m], vec![n; m]);
        let (mut pos_a, mut pos_b) = (vec![0usize; m], vec![0usize; m]);
        let mut rng = SplitMix64::new(0x5EED ^ (first as u64).rotate_left(17) ^ (last as u64));
        let samples = samples_for(m, n);
        let mut sample = Vec::with_capacity(samples);
        let mut prefix: Vec<u128> = Vec::with_capacity(m);
        let values: Vec<f64> = loop {
            let (below, total) = window_sums(&lo, &hi, &mut prefix);
            if total <= gather_limit {
                // Few enough candidates for every rank: gather them once.
                let mut cand = self.gather(&lo, &hi, total);
                break targets
                    .iter()
                    .map(|&k| {
                        let idx = (k - below - 1) as usize;
                        *cand.select_nth_unstable_by(idx, |a, b| a.total_cmp(b)).1
                    })
                    .collect();
            }
            if targets.len() == 1 {
                break vec![self.kth_within(first, lo, hi, gather_limit, false).0];
            }
            // Pivots about four sample standard deviations below the first rank's
            // expected sample position and above the last's.
            self.sample_candidates(&lo, &prefix, samples, &mut rng, &mut sample);
            let spread = (2.0 * (samples as f64).sqrt()) as isize;
            let end = samples as isize - 1;
            let i1 = (at_sample(first - below, total, samples) - spread).clamp(0, end) as usize;
            let i2 = (at_sample(last - below, total, samples) + spread).clamp(0, end) as usize;
            let shared = 2 * (i2 - i1) < samples;
            let mut narrowed = false;
            if shared {
                let (p1, p2) = pivots(&mut sample, i1, i2);
                let lt1 = self.positions(p1, true, &mut pos_a);
                if last <= lt1 {
                    // Every rank lies below p1.
                    for i in 0..m {
                        hi[i] = hi[i].min(pos_a[i]);
                    }
                    continue;
                }
                if first > lt1 {
                    let le2 = self.positions(p2, false, &mut pos_b);
                    if first > le2 {
                        for i in 0..m {
                            lo[i] = lo[i].max(pos_b[i]);
                        }
                        continue;
                    }
                    if last <= le2 {
                        // Every rank lies in (lt1, le2]: keep [p1, p2].
                        let mut kept = 0u128;
                        for i in 0..m {
                            lo[i] = lo[i].max(pos_a[i]);
                            hi[i] = hi[i].min(pos_b[i]);
                            kept += (hi[i] - lo[i]) as u128;
                        }
                        narrowed = kept < total;
                    }
                }
            }
            if !narrowed {
                // The ranks part ways (or a round made no progress, as with heavy
                // ties): each finishes alone from the shared windows.
                let mut values = Vec::with_capacity(targets.len());
                while values.len() < targets.len() {
                    let k = targets[values.len()];
                    let pair = targets.get(values.len() + 1) == Some(&(k + 1));
                    let (v, next) = self.kth_within(k, lo.clone(), hi.clone(), gather_limit, pair);
                    values.push(v);
                    if let Some(next) = next {
                        values.push(next);
                    }
                }
                break values;
            }
        };
        ranks
            .iter()
            .map(|&k| {
                let at = targets.binary_search(&k.clamp(1, len)).unwrap_or(0);
                values[at]
            })
            .collect()
    }

    /// The median of the differences (the Hodges–Lehmann estimate): the middle
    /// order statistic, or the average of the two middle ones when m·n is even.
    #[cfg(test)]
    pub(crate) fn median(&self) -> f64 {
        let len = self.len();
        let middle = self.select(&[len.div_ceil(2), len / 2 + 1]);
        middle[0].midpoint(middle[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(x: &[f64], y: &[f64]) -> Vec<f64> {
        let mut d: Vec<f64> = x
            .iter()
            .flat_map(|&a| y.iter().map(move |&b| diff(a, b)))
            .collect();
        d.sort_unstable_by(|a, b| a.total_cmp(b));
        d
    }

    fn sorted(mut v: Vec<f64>) -> Vec<f64> {
        v.sort_unstable_by(|a, b| a.total_cmp(b));
        v
    }

    #[test]
    fn large_matrix_goes_through_sampling_rounds() {
        // 600 x 500 = 300 000 entries, above the gather limit, with ties.
        let x: Vec<f64> = sorted(
            (0..600)
                .map(|i| ((i * 7919) % 1000) as f64 / 10.0)
                .collect(),
        );
        let y: Vec<f64> = sorted(
            (0..500)
                .map(|i| ((i * 104_729) % 997) as f64 / 7.0)
                .collect(),
        );
        let d = Differences::new(&x, &y);
        let all = naive(&x, &y);
        for k in [1u128, 2, 1000, 150_000, 150_001, 299_999, 300_000] {
            assert_eq!(d.kth(k), all[(k - 1) as usize], "k={k}");
        }
        assert_eq!(
            d.count_le(0.0),
            all.iter().filter(|&&v| v <= 0.0).count() as u128
        );
    }

    #[test]
    fn overflow_saturates() {
        let x = [f64::MAX, -f64::MAX];
        let y = [-f64::MAX, f64::MAX];
        let d = Differences::new(&x, &y);
        assert_eq!(d.kth(1), f64::MIN);
        assert_eq!(d.kth(4), f64::MAX);
        assert_eq!(d.median(), 0.0);
    }

    proptest! {
        #[test]
        fn kth_equals_naive(
            x in prop::collection::vec(-50i32..50, 1..40),
            y in prop::collection::vec(-50i32..50, 1..40),
            frac in 0.0f64..1.0,
        ) {
            let x = sorted(x.into_iter().map(|v| v as f64 / 4.0).collect());
            let y = sorted(y.into_iter().map(|v| v as f64 / 4.0).collect());
            let all = naive(&x, &y);
            let d = Differences::new(&x, &y);
            let k = ((frac * all.len() as f64) as u128).min(all.len() as u128 - 1) + 1;
            prop_assert_eq!(d.kth(k), all[(k - 1) as usize]);
            // Force the sampling rounds on these small inputs too.
            prop_assert_eq!(d.kth_with(k, 1), all[(k - 1) as usize]);
            let n = all.len();
            let med = if n % 2 == 1 { all[n / 2] } else { all[n / 2 - 1].midpoint(all[n / 2]) };
            prop_assert_eq!(d.median(), med);
        }

        /// Several ranks at once, in any order, repeated or out of range (clamped),
        /// through shared rounds (a gather limit of 1 forces them on small inputs)
        /// or one gather: each the naive sorted entry.
        #[test]
        fn select_equals_naive(
            x in prop::collection::vec(-50i32..50, 1..40),
            y in prop::collection::vec(-50i32..50, 1..40),
            fracs in prop::collection::vec(0.0f64..1.0, 1..5),
            spread in 0u32..3,
        ) {
            let x = sorted(x.into_iter().map(|v| v as f64 / f64::from(1 + spread)).collect());
            let y = sorted(y.into_iter().map(|v| v as f64 / 4.0).collect());
            let all = naive(&x, &y);
            let d = Differences::new(&x, &y);
            let len = all.len() as u128;
            let mut ranks: Vec<u128> = fracs.iter().map(|f| (f * len as f64) as u128 + 1).collect();
            ranks.push(ranks[0]);
            ranks.push(ranks[0] + 1); // a pair, as the two middle entries
            ranks.push(0);
            ranks.push(len + 3);
            let want: Vec<f64> = ranks.iter().map(|&k| all[(k.clamp(1, len) - 1) as usize]).collect();
            prop_assert_eq!(d.select_with(&ranks, 1), want.clone());
            prop_assert_eq!(d.select(&ranks), want);
        }
    }

    /// The Hodges–Lehmann triple on a large matrix (1,000 × 1,000, ties included):
    /// the median pair and the interval's ends, through shared rounds, equal the
    /// ranks of a full sort.
    #[test]
    fn select_shares_rounds_on_a_large_matrix() {
        let mut rng = SplitMix64::new(3);
        let x = sorted(
            (0..1000)
                .map(|_| (rng.below_wide(5000) as f64) / 8.0)
                .collect(),
        );
        let y = sorted((0..1000).map(|_| 1.0 + rng.uniform()).collect());
        let all = naive(&x, &y);
        let d = Differences::new(&x, &y);
        let ranks = [480_000u128, 500_000, 500_001, 520_001, 1, 1_000_000];
        let want: Vec<f64> = ranks.iter().map(|&k| all[(k - 1) as usize]).collect();
        assert_eq!(d.select(&ranks), want);
    }
}
