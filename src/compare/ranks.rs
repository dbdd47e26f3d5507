//! The U statistic and the tie structure of two samples.
//!
//! No argsort of the pooled sample is needed: with both samples sorted, walking them
//! together visits each group of equal values once and yields 2·U (an integer, since
//! ties count one half), the pooled tie term Σ(t³ − t), and the within-sample tie term
//! that the shift interval's variance uses ([`summarize`]). When nothing but U is
//! wanted and no value repeats, [`summarize_unsorted`] gets U without sorting at all.

use crate::Error;
use crate::input::{from_key, order_key};

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

/// Most observations binned data may hold per side: with N = m + n ≤ 2^41 the tie
/// term Σ(t³ − t) ≤ N³ and 2·U ≤ 2·m·n stay exact in u128.
pub(crate) const MAX_BINNED_PER_SIDE: u64 = 1 << 40;

/// The rank summary of binned data: `bins` holds (canary count, baseline count) per
/// bin in ascending order of value, each bin a group of ties. O(bins).
///
/// # Errors
/// [`Error::InvalidParameter`] when either side holds more than
/// [`MAX_BINNED_PER_SIDE`] observations (the tie term would not fit in u128).
pub(crate) fn summarize_bins(bins: &[(u64, u64)]) -> Result<RankSummary, Error> {
    for (side, total) in [
        (
            "canary observation count",
            bins.iter().map(|b| b.0 as u128).sum::<u128>(),
        ),
        (
            "baseline observation count",
            bins.iter().map(|b| b.1 as u128).sum::<u128>(),
        ),
    ] {
        if total > MAX_BINNED_PER_SIDE as u128 {
            return Err(Error::InvalidParameter {
                name: side,
                expected: "at most 2^40 (1.1e12) observations for a binned rank test",
                value: total as f64,
            });
        }
    }
    let (mut below_y, mut twice_u, mut pooled) = (0u128, 0u128, 0u128);
    let (mut m, mut n) = (0u128, 0u128);
    let mut groups = Vec::with_capacity(bins.len());
    for &(cx, cy) in bins {
        let (cx, cy) = (cx as u128, cy as u128);
        twice_u += cx * (2 * below_y + cy);
        below_y += cy;
        let t = cx + cy;
        if t > 1 {
            pooled += t * t * t - t;
        }
        if t > 0 {
            groups.push((t as usize, cx as usize));
        }
        m += cx;
        n += cy;
    }
    Ok(RankSummary {
        m: m as usize,
        n: n as usize,
        twice_u,
        pooled_tie_term: pooled,
        within_tie_term: 0,
        groups,
    })
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

/// A value the bucketed path can take: an f64 or its key.
trait Keyed: Copy {
    fn key(self) -> u64;
    fn value(self) -> f64;
}

impl Keyed for f64 {
    fn key(self) -> u64 {
        order_key(self)
    }
    fn value(self) -> f64 {
        self
    }
}

impl Keyed for u64 {
    fn key(self) -> u64 {
        self
    }
    fn value(self) -> f64 {
        from_key(self)
    }
}

/// Counts and distributes one group's values over its buckets, as f64 (whose
/// comparisons vectorise, unlike unsigned 64-bit ones on baseline x86-64); `starts`
/// gets the bucket boundaries within `out`.
fn distribute<T: Keyed>(part: &[T], span: &Span, starts: &mut Vec<usize>, out: &mut Vec<f64>) {
    let len = span.buckets();
    starts.clear();
    starts.resize(len + 1, 0);
    for &v in part {
        starts[span.index(v.key()) + 1] += 1;
    }
    for b in 0..len {
        starts[b + 1] += starts[b];
    }
    let mut next = starts[..len].to_vec();
    out.clear();
    out.resize(part.len(), 0.0);
    for &v in part {
        let b = span.index(v.key());
        out[next[b]] = v.value();
        next[b] += 1;
    }
}

/// Fine buckets of equal width 2^shift in key space from `start` to `start + range`.
#[derive(Clone, Copy)]
struct Span {
    start: u64,
    range: u64,
    shift: u32,
}

impl Span {
    /// About `count / 8` buckets (8 to 16 values each) over `range` keys.
    fn new(start: u64, range: u64, count: usize) -> Self {
        let target = (count / 8).clamp(1, 1 << 31) as u64;
        let shift = (64 - (range / target).leading_zeros()).min(63);
        Self {
            start,
            range,
            shift,
        }
    }

    fn buckets(&self) -> usize {
        (self.range >> self.shift) as usize + 1
    }

    fn index(&self, k: u64) -> usize {
        (k.saturating_sub(self.start).min(self.range) >> self.shift) as usize
    }
}

/// Groups of about equal expected size: keys are cut into 2^16 cells of equal width
/// between the smallest and largest sampled key, and a table maps each cell to the
/// group that the sampled quantiles assign it.
struct Groups {
    lo: u64,
    range: u64,
    cell_shift: u32,
    table: Vec<u16>,
    spans: Vec<Span>,
}

impl Groups {
    fn new(sample: &mut [u64], groups: usize, total: usize) -> Self {
        // One group needs only the extremes; more need the quantiles.
        if groups == 1 {
            let (lo, hi) = sample
                .iter()
                .fold((u64::MAX, 0), |(l, h), &k| (l.min(k), h.max(k)));
            return Self {
                lo,
                range: hi - lo,
                cell_shift: 63,
                table: vec![0; 2], // cell_shift 63 leaves cells 0 and 1
                spans: vec![Span::new(lo, hi - lo, total)],
            };
        }
        sample.sort_unstable();
        let lo = sample[0];
        let range = sample[sample.len() - 1] - lo;
        let cell_shift = (64 - range.leading_zeros()).saturating_sub(16);
        let cells = (range >> cell_shift) as usize + 1;
        let cell = |k: u64| (k.saturating_sub(lo).min(range) >> cell_shift) as usize;
        // Group boundaries at the sample's quantiles, as cells (non-decreasing).
        let bounds: Vec<usize> = (1..groups)
            .map(|j| cell(sample[j * sample.len() / groups]))
            .collect();
        let mut table = vec![0u16; cells];
        let mut g = 0usize;
        for (c, t) in table.iter_mut().enumerate() {
            while g < bounds.len() && bounds[g] <= c {
                g += 1;
            }
            *t = g as u16;
        }
        // Each group covers a run of cells; its buckets split that key range evenly.
        let mut spans = Vec::with_capacity(groups);
        let mut c = 0usize;
        for gi in 0..groups {
            let first = c;
            while c < cells && table[c] as usize == gi {
                c += 1;
            }
            let start = lo + ((first as u64) << cell_shift);
            let end = if c >= cells {
                lo + range
            } else {
                (lo + ((c as u64) << cell_shift)).saturating_sub(1)
            };
            spans.push(Span::new(start, end.saturating_sub(start), total / groups));
        }
        Self {
            lo,
            range,
            cell_shift,
            table,
            spans,
        }
    }

    fn group(&self, k: u64) -> usize {
        self.table[(k.saturating_sub(self.lo).min(self.range) >> self.cell_shift) as usize] as usize
    }
}

/// The rank summary of unsorted `x` against unsorted `y` when no value occurs twice in
/// the pooled sample; `None` as soon as a tie is seen (the caller then sorts).
///
/// No sample is sorted. Values are distributed into buckets that are non-decreasing
/// in the value, each expected to hold 8 to 16 of them: first, in one pass, into up
/// to 256 groups of about equal size (cut at the quantiles of a strided subsample of
/// 2 × 4096 values; each group's region sized from a larger strided subsample, with
/// an overflow list for what does not fit), then, group by group, into buckets of
/// equal key width inside small reused buffers that stay in cache. Pairs in
/// different buckets are ordered by their buckets, so 2·U gains 2·(canary count) ×
/// (baseline values in lower buckets) per bucket; pairs inside a bucket are compared
/// directly without branches. A bucket that receives many values (data far from
/// the subsample's shape) is sorted and merged instead, so the worst case stays
/// O(N log N).
pub(crate) fn summarize_unsorted(x: &[f64], y: &[f64]) -> Option<RankSummary> {
    let (m, n) = (x.len(), y.len());
    if m + n < 64 {
        let (mut xs, mut ys) = (x.to_vec(), y.to_vec());
        crate::input::sort_floats(&mut xs);
        crate::input::sort_floats(&mut ys);
        let s = summarize(&xs, &ys, false);
        return (!s.has_ties()).then_some(s);
    }
    let strided = |v: &[f64]| {
        let step = (v.len() / 4096).max(1);
        v.iter()
            .step_by(step)
            .map(|&f| order_key(f))
            .collect::<Vec<u64>>()
    };
    let mut sample = strided(x);
    sample.extend(strided(y));
    // One group up to about 2^18 values (their buckets fit in cache), else 256.
    let groups = if m + n <= 1 << 18 { 1 } else { 256 };
    let grouping = Groups::new(&mut sample, groups, m + n);
    // Keys ordered by group, in one pass: each group gets a region sized from a
    // strided subsample (with a quarter's slack); the rare values that do not fit
    // go to the group's overflow list. Returns the buffer, each group's region start
    // and fill, and the overflow lists.
    let split = |src: &[f64]| {
        let step = (src.len() / 65_536).max(1);
        let mut expected = vec![0usize; groups];
        for &v in src.iter().step_by(step) {
            expected[grouping.group(order_key(v))] += step;
        }
        let mut region = Vec::with_capacity(groups + 1);
        let mut at = 0usize;
        for &e in &expected {
            region.push(at);
            at += e + e / 4 + 64;
        }
        region.push(at);
        let mut fill = region[..groups].to_vec();
        let mut out = vec![0u64; at];
        let mut overflow: Vec<Vec<u64>> = vec![Vec::new(); groups];
        for &v in src {
            let k = order_key(v);
            let g = grouping.group(k);
            if fill[g] < region[g + 1] {
                out[fill[g]] = k;
                fill[g] += 1;
            } else {
                overflow[g].push(k);
            }
        }
        (out, region, fill, overflow)
    };
    let (mut xl, mut yl, mut sx, mut sy) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut twice_u: u128 = 0;
    // Adds one distributed group's pairs to 2·U; `y_below` baseline values lie in
    // lower groups.
    let mut count_group = |span: &Span,
                           xl: &[f64],
                           sx: &[usize],
                           yl: &[f64],
                           sy: &[usize],
                           y_below: usize|
     -> Option<()> {
        for b in 0..span.buckets() {
            let xb = &xl[sx[b]..sx[b + 1]];
            let yb = &yl[sy[b]..sy[b + 1]];
            // Every baseline value in a lower bucket or group is below every canary
            // value here.
            twice_u += 2 * xb.len() as u128 * (y_below + sy[b]) as u128;
            twice_u += within_bucket(xb, yb)?;
        }
        Some(())
    };
    if groups == 1 {
        // Small inputs: one group, distributed straight from the samples.
        let span = &grouping.spans[0];
        distribute(x, span, &mut sx, &mut xl);
        distribute(y, span, &mut sy, &mut yl);
        count_group(span, &xl, &sx, &yl, &sy, 0)?;
    } else {
        let (kx, rx, fx, ox) = split(x);
        let (ky, ry, fy, oy) = split(y);
        let mut joined = Vec::new();
        let mut y_below = 0usize;
        for (g, span) in grouping.spans.iter().enumerate() {
            // A group's keys: its region, plus its overflow when there is one.
            let gather =
                |joined: &mut Vec<u64>, keys: &[u64], start: usize, end: usize, extra: &[u64]| {
                    joined.clear();
                    joined.extend_from_slice(&keys[start..end]);
                    joined.extend_from_slice(extra);
                };
            if ox[g].is_empty() {
                distribute(&kx[rx[g]..fx[g]], span, &mut sx, &mut xl);
            } else {
                gather(&mut joined, &kx, rx[g], fx[g], &ox[g]);
                distribute(&joined, span, &mut sx, &mut xl);
            }
            if oy[g].is_empty() {
                distribute(&ky[ry[g]..fy[g]], span, &mut sy, &mut yl);
            } else {
                gather(&mut joined, &ky, ry[g], fy[g], &oy[g]);
                distribute(&joined, span, &mut sy, &mut yl);
            }
            let ny = fy[g] - ry[g] + oy[g].len();
            count_group(span, &xl, &sx, &yl, &sy, y_below)?;
            y_below += ny;
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
    let (mut xs, mut ys) = (xb.to_vec(), yb.to_vec());
    crate::input::sort_floats(&mut xs);
    crate::input::sort_floats(&mut ys);
    let s = summarize(&xs, &ys, false);
    (!s.has_ties()).then_some(s.twice_u)
}

/// Whether two entries of a slice are equal: all pairs when short, else by sorting a
/// copy.
fn has_tie(v: &[f64]) -> bool {
    if v.len() <= 32 {
        return has_equal_pair(v);
    }
    let mut s = v.to_vec();
    crate::input::sort_floats(&mut s);
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
    fn grouped_path_matches_sorted_path() {
        // Above 2^18 values the buckets are first split into quantile groups.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let normalish =
            |u: f64, v: f64| (-2.0 * u.max(1e-300).ln()).sqrt() * (std::f64::consts::TAU * v).cos();
        let x: Vec<f64> = (0..150_000)
            .map(|_| (normalish(next(), next()) * 0.5 + 3.0).exp())
            .collect();
        let mut y: Vec<f64> = (0..140_000)
            .map(|_| -(normalish(next(), next()) * 2.0))
            .collect();
        y.push(1e300); // far outside the subsample's range: clamped into the last bucket
        let fast = summarize_unsorted(&x, &y).unwrap();
        let (mut xs, mut ys) = (x.clone(), y.clone());
        xs.sort_by(f64::total_cmp);
        ys.sort_by(f64::total_cmp);
        assert_eq!(fast.twice_u, summarize_groups(&xs, &ys, false).twice_u);
        y.push(x[1234]);
        assert!(summarize_unsorted(&x, &y).is_none());
    }

    #[test]
    fn misleading_subsample_overflows_correctly() {
        // Every value the strided subsamples see (strides 3 and 48 for x, 2 and 36 for
        // y) is small; the rest are large, so the groups and their regions are cut
        // for the wrong data and most values take the overflow lists.
        let x: Vec<f64> = (0..200_000)
            .map(|i| {
                if i % 3 == 0 {
                    i as f64
                } else {
                    1e9 + i as f64 * 3.0
                }
            })
            .collect();
        let y: Vec<f64> = (0..150_000)
            .map(|i| {
                if i % 2 == 0 {
                    i as f64 + 0.5
                } else {
                    1e9 + i as f64 * 3.0 + 1.5
                }
            })
            .collect();
        let fast = summarize_unsorted(&x, &y).unwrap();
        let (mut xs, mut ys) = (x.clone(), y.clone());
        xs.sort_by(f64::total_cmp);
        ys.sort_by(f64::total_cmp);
        assert_eq!(fast.twice_u, summarize_groups(&xs, &ys, false).twice_u);
    }

    #[test]
    fn empty_sides() {
        let s = summarize(&[], &[1.0], false);
        assert_eq!(s.twice_u, 0);
        assert!(!s.has_ties());
    }
}
