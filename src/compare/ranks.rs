//! One merge pass over two sorted samples: the U statistic and the tie structure.
//!
//! No argsort of the pooled sample is needed: with both samples sorted, walking them
//! together visits each group of equal values once and yields 2·U (an integer, since
//! ties count one half), the pooled tie term Σ(t³ − t), and the within-sample tie term
//! that the shift interval's variance uses.

/// The rank summary of canary `x` against baseline `y`.
#[derive(Debug, Clone)]
pub(crate) struct RankSummary {
    /// Canary size.
    pub(crate) m: usize,
    /// Baseline size.
    pub n: usize,
    /// 2·U for the canary: Σ over pairs of 2 if x > y, 1 if equal, 0 otherwise.
    pub twice_u: u128,
    /// Σ (t³ − t) over groups of equal values in the pooled sample.
    pub pooled_tie_term: u128,
    /// Σ (t³ − t) over groups of equal values within each sample separately.
    pub within_tie_term: u128,
    /// Sizes of the pooled groups of equal values, ascending by value, with how many
    /// of each group came from the canary (kept only on request).
    pub groups: Vec<(usize, usize)>,
}

impl RankSummary {
    /// Whether any value occurs more than once in the pooled sample.
    pub(crate) fn has_ties(&self) -> bool {
        self.pooled_tie_term > 0
    }

    /// Whether either sample repeats a value within itself.
    pub(crate) fn has_within_ties(&self) -> bool {
        self.within_tie_term > 0
    }
}

fn tie(t: usize) -> u128 {
    let t = t as u128;
    t * t * t - t
}

/// Σ_i #{j : y_j < x_i} (or ≤ with `or_equal`) for sorted `x` and `y`, by a
/// branch-free merge: each step consumes one element, chosen by a data-dependent
/// select rather than a jump, so unpredictable orderings cost no mispredictions.
fn count_below(x: &[f64], y: &[f64], or_equal: bool) -> u128 {
    let (m, n) = (x.len(), y.len());
    let (mut i, mut j) = (0usize, 0usize);
    let mut total: u128 = 0;
    while i < m && j < n {
        let take_y = if or_equal { y[j] <= x[i] } else { y[j] < x[i] };
        j += usize::from(take_y);
        i += usize::from(!take_y);
        total += if take_y { 0 } else { j as u128 };
    }
    total + (m - i) as u128 * n as u128
}

fn has_adjacent_equal(v: &[f64]) -> bool {
    v.windows(2).fold(false, |acc, w| acc | (w[0] == w[1]))
}

/// Summarises sorted `x` (canary) against sorted `y` (baseline).
///
/// Without ties (the common case for continuous metrics) two branch-free merges give
/// 2·U; with ties, or when the groups are wanted, one pass over the groups of equal
/// values gives U and the tie terms together.
pub(crate) fn summarize(x: &[f64], y: &[f64], keep_groups: bool) -> RankSummary {
    if !keep_groups && !has_adjacent_equal(x) && !has_adjacent_equal(y) {
        let lt = count_below(x, y, false);
        let le = count_below(x, y, true);
        if lt == le {
            return RankSummary {
                m: x.len(),
                n: y.len(),
                twice_u: 2 * lt,
                pooled_tie_term: 0,
                within_tie_term: 0,
                groups: Vec::new(),
            };
        }
    }
    summarize_groups(x, y, keep_groups)
}

/// Pools per bucket at most this many pairwise comparisons before sorting instead.
const NAIVE_BUCKET_WORK: usize = 1024;

/// The rank summary of unsorted `x` against unsorted `y` when no value occurs twice in
/// the pooled sample; `None` as soon as a tie is seen (the caller then sorts).
///
/// No sample is sorted. Both are distributed into at most about (m + n)/16 buckets
/// of equal width in the order-preserving integer key, spanning the smallest to the
/// largest value of a strided subsample (values outside are clamped into the end
/// buckets). Pairs in
/// different buckets are ordered by their buckets, so 2·U gains 2·(canary count) ×
/// (baseline values in lower buckets) per bucket; pairs inside a bucket (about 8 × 8)
/// are compared directly without branches. Values are distributed in two levels
/// (about 256 groups of buckets, then the buckets of one group in a cache-resident
/// buffer), which keeps every pass's writes local. A bucket that receives many values
/// (skewed data) is sorted and merged instead, so the worst case stays
/// O(N log N). The cost is about that of two radix-sort passes.
pub(crate) fn summarize_unsorted(x: &[f64], y: &[f64]) -> Option<RankSummary> {
    let (m, n) = (x.len(), y.len());
    if m + n < 64 {
        let (mut xs, mut ys) = (x.to_vec(), y.to_vec());
        crate::sample::sort_floats(&mut xs);
        crate::sample::sort_floats(&mut ys);
        let s = summarize(&xs, &ys, false);
        return (!s.has_ties()).then_some(s);
    }
    let key = |v: f64| {
        let b = v.to_bits();
        if b >> 63 == 1 { !b } else { b | (1 << 63) }
    };
    // The bucket of a value only has to be non-decreasing in the value, so the range
    // is estimated from a strided subsample (no extra pass over the data); values
    // outside it are clamped into the first or last bucket.
    let (lx, hx) = strided_range(x);
    let (ly, hy) = strided_range(y);
    let lo = key(lx.min(ly));
    let hi = key(hx.max(hy));
    // Buckets of equal width 2^s in key space: bucket = (key − lo) >> s, with s the
    // smallest shift that leaves at most (m + n)/8 buckets: 8 to 16 values each.
    let target = ((m + n) / 8).clamp(1, 1 << 31) as u64;
    let range = hi.saturating_sub(lo);
    let s = (64 - (range / target).leading_zeros()).min(63);
    let buckets = (range >> s) as usize + 1;
    let index = |v: f64| (key(v).saturating_sub(lo).min(range) >> s) as usize;
    let count = |src: &[f64]| {
        let mut c = vec![0usize; buckets + 1];
        for &v in src {
            c[index(v) + 1] += 1;
        }
        for b in 0..buckets {
            c[b + 1] += c[b];
        }
        c
    };
    let cx = count(x);
    let cy = count(y);
    // Two-level distribution, so that no pass writes to more than a few hundred
    // places at once: first into about 256 groups of consecutive buckets (one fresh
    // buffer per sample), then, group by group, into the buckets inside a small
    // reused buffer that stays in cache.
    // Few buckets (under 2^15, a few 10^5 values) fit in cache anyway: one group.
    let bits = usize::BITS - buckets.leading_zeros();
    let shift = if bits <= 15 { bits } else { bits - 8 };
    let groups = ((buckets - 1) >> shift) + 1;
    let first = |g: usize| (g << shift).min(buckets);
    let coarse = |src: &[f64], starts: &[usize]| {
        let mut next: Vec<usize> = (0..groups).map(|g| starts[first(g)]).collect();
        let mut out = vec![0f64; src.len()];
        for &v in src {
            let g = index(v) >> shift;
            out[next[g]] = v;
            next[g] += 1;
        }
        out
    };
    let (xs, ys) = if groups == 1 {
        (std::borrow::Cow::Borrowed(x), std::borrow::Cow::Borrowed(y))
    } else {
        (coarse(x, &cx).into(), coarse(y, &cy).into())
    };
    let fine = |part: &[f64], starts: &[usize], lo: usize, hi: usize, out: &mut Vec<f64>| {
        let base = starts[lo];
        let mut next: Vec<usize> = starts[lo..hi].iter().map(|&s| s - base).collect();
        out.clear();
        out.resize(part.len(), 0.0);
        for &v in part {
            let b = index(v) - lo;
            out[next[b]] = v;
            next[b] += 1;
        }
    };
    let (mut xl, mut yl) = (Vec::new(), Vec::new());
    let mut twice_u: u128 = 0;
    for g in 0..groups {
        let (lo, hi) = (first(g), first(g + 1));
        fine(&xs[cx[lo]..cx[hi]], &cx, lo, hi, &mut xl);
        fine(&ys[cy[lo]..cy[hi]], &cy, lo, hi, &mut yl);
        for b in lo..hi {
            let xb = &xl[cx[b] - cx[lo]..cx[b + 1] - cx[lo]];
            let yb = &yl[cy[b] - cy[lo]..cy[b + 1] - cy[lo]];
            twice_u += 2 * xb.len() as u128 * cy[b] as u128;
            match within_bucket(xb, yb) {
                Some(t) => twice_u += t,
                None => return None,
            }
        }
    }
    Some(RankSummary {
        m,
        n,
        twice_u,
        pooled_tie_term: 0,
        within_tie_term: 0,
        groups: Vec::new(),
    })
}

/// 2·(pairs x > y) inside one bucket, or `None` if the bucket holds a tie.
fn within_bucket(xb: &[f64], yb: &[f64]) -> Option<u128> {
    if xb.is_empty() || yb.is_empty() {
        return (!has_tie(xb) && !has_tie(yb)).then_some(0);
    }
    let (a, c) = (xb.len(), yb.len());
    if a * c + (a * a + c * c) / 2 <= NAIVE_BUCKET_WORK {
        let mut below = 0usize;
        let mut equal = false;
        for &u in xb {
            for &v in yb {
                below += usize::from(v < u);
                equal |= v == u;
            }
        }
        if equal || has_equal_pair(xb) || has_equal_pair(yb) {
            return None;
        }
        return Some(2 * below as u128);
    }
    let (mut xb, mut yb) = (xb.to_vec(), yb.to_vec());
    crate::sample::sort_floats(&mut xb);
    crate::sample::sort_floats(&mut yb);
    let s = summarize(&xb, &yb, false);
    (!s.has_ties()).then_some(s.twice_u)
}

/// Smallest and largest of about 4096 evenly strided values (all when fewer).
fn strided_range(v: &[f64]) -> (f64, f64) {
    let step = (v.len() / 4096).max(1);
    v.iter()
        .step_by(step)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

/// Whether two entries of a slice are equal: all pairs when short, else by sorting.
fn has_tie(v: &[f64]) -> bool {
    if v.len() <= 32 {
        return has_equal_pair(v);
    }
    let mut s = v.to_vec();
    crate::sample::sort_floats(&mut s);
    has_adjacent_equal(&s)
}

/// Whether two entries of a short slice are equal (branch-free all-pairs check).
fn has_equal_pair(v: &[f64]) -> bool {
    let mut equal = false;
    for (i, &a) in v.iter().enumerate() {
        for &b in &v[i + 1..] {
            equal |= a == b;
        }
    }
    equal
}

fn summarize_groups(x: &[f64], y: &[f64], keep_groups: bool) -> RankSummary {
    let (m, n) = (x.len(), y.len());
    let (mut i, mut j) = (0usize, 0usize);
    let mut below_y: u128 = 0;
    let mut twice_u: u128 = 0;
    let mut pooled: u128 = 0;
    let mut within: u128 = 0;
    let mut groups = Vec::new();
    while i < m || j < n {
        let v = if j >= n || (i < m && x[i] <= y[j]) {
            x[i]
        } else {
            y[j]
        };
        let si = i;
        while i < m && x[i] == v {
            i += 1;
        }
        let sj = j;
        while j < n && y[j] == v {
            j += 1;
        }
        let (cx, cy) = (i - si, j - sj);
        twice_u += cx as u128 * (2 * below_y + cy as u128);
        below_y += cy as u128;
        if cx + cy > 1 {
            pooled += tie(cx + cy);
            if cx > 1 {
                within += tie(cx);
            }
            if cy > 1 {
                within += tie(cy);
            }
        }
        if keep_groups {
            groups.push((cx + cy, cx));
        }
    }
    RankSummary {
        m,
        n,
        twice_u,
        pooled_tie_term: pooled,
        within_tie_term: within,
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_twice_u(x: &[f64], y: &[f64]) -> u128 {
        let mut s = 0;
        for &a in x {
            for &b in y {
                s += if a > b {
                    2
                } else if a == b {
                    1
                } else {
                    0
                };
            }
        }
        s
    }

    #[test]
    fn matches_pair_count_with_ties() {
        let x = [1.0, 2.0, 2.0, 3.0, 7.0];
        let y = [0.0, 2.0, 3.0, 3.0, 3.0, 9.0];
        let s = summarize(&x, &y, true);
        assert_eq!(s.twice_u, naive_twice_u(&x, &y));
        // pooled groups: 2 (x2,y1) -> t=3 ; 3 (x1,y3) -> t=4
        assert_eq!(s.pooled_tie_term, (27 - 3) + (64 - 4));
        // within: x has 2,2 ; y has 3,3,3
        assert_eq!(s.within_tie_term, 6 + 24);
        assert_eq!(s.groups.iter().map(|g| g.0).sum::<usize>(), 11);
    }

    #[test]
    fn fast_path_agrees_with_group_pass() {
        let x: Vec<f64> = (0..500)
            .map(|i| (i * 37 % 1009) as f64 + 0.5)
            .collect::<Vec<_>>();
        let y: Vec<f64> = (0..700).map(|i| (i * 53 % 1013) as f64).collect::<Vec<_>>();
        let (mut x, mut y) = (x, y);
        x.sort_by(f64::total_cmp);
        y.sort_by(f64::total_cmp);
        let fast = summarize(&x, &y, false);
        let slow = summarize_groups(&x, &y, false);
        assert_eq!(fast.twice_u, slow.twice_u);
        assert_eq!(fast.twice_u, naive_twice_u(&x, &y));
        assert_eq!(slow.pooled_tie_term, 0);
        // A cross tie takes the group pass.
        y[0] = x[3];
        y.sort_by(f64::total_cmp);
        assert_eq!(summarize(&x, &y, false).twice_u, naive_twice_u(&x, &y));
    }

    #[test]
    fn unsorted_path_matches_naive_count() {
        // Spread, clustered (one bucket gets most values) and tiny inputs.
        let spread: Vec<f64> = (0..3000)
            .map(|i| ((i * 7919) % 100_003) as f64 * 1.37)
            .collect();
        let other: Vec<f64> = (0..2000)
            .map(|i| ((i * 104_729) % 99_991) as f64 * 1.37 + 0.5)
            .collect();
        let s = summarize_unsorted(&spread, &other).unwrap();
        assert_eq!(s.twice_u, naive_twice_u(&spread, &other));
        let mut clustered: Vec<f64> = (0..3000).map(|i| 1.0 + i as f64 * 1e-9).collect();
        clustered.push(1e300);
        let s = summarize_unsorted(&clustered, &other).unwrap();
        assert_eq!(s.twice_u, naive_twice_u(&clustered, &other));
        assert!(summarize_unsorted(&[1.0, 2.0], &[3.0]).is_some());
        // Any tie, within or across samples, sends the caller to the sorting path.
        let mut tied = other.clone();
        tied.push(spread[17]);
        assert!(summarize_unsorted(&spread, &tied).is_none());
        let mut tied = spread.clone();
        tied.push(spread[5]);
        assert!(summarize_unsorted(&tied, &other).is_none());
    }

    #[test]
    fn empty_sides() {
        let s = summarize(&[], &[1.0], false);
        assert_eq!(s.twice_u, 0);
        assert!(!s.has_ties());
    }
}
