//! The values a fixed-horizon check has seen, kept so that a new point costs
//! O(log n) comparisons and a look needs no sort.
//!
//! Each side is a sorted multiset in two sorted runs: a main run and a short tail
//! that takes new points by binary search and insertion (moving at most about 4√n
//! values) and is merged into the main run when it outgrows 4√n, so a point costs
//! O(log n) comparisons plus O(√n) amortised moves, and the i-th smallest value is
//! found in O(log² n) by splitting the two runs. Beside the sides, the rank summary
//! of Mann–Whitney (2U, the pooled and within-sample tie terms) is updated with every
//! point from counts in the other side (two searches per run), so a look computes
//! U's p-value in O(1) and sorts nothing; only the Hodges–Lehmann shift and its
//! interval need the whole sorted sides, merged on demand in O(n).
//! A batch longer than the tail may grow (a controller loading history) goes in as
//! one sorted run instead: O(b log b + n), not O(b √n).
//!
//! Heavily tied data (rates of events over a constant total, integer gauges, values
//! quantised to a resolution) keep their main run as groups: each distinct value
//! once with the number of values up to it, whenever the values average at least
//! four per distinct value at a merge (and back to plain values below two per
//! value, so the form never costs more memory than the plain one).
//!
//! Memory: 8 bytes per point per side (16 per distinct value when grouped), growing
//! without bound; for unbounded streams feed histograms instead (bounded by the
//! number of buckets).

use crate::Error;
use crate::compare::hodges_lehmann::diff;
use crate::compare::quantile::{Convention, QuantileMethod};
use crate::compare::quantile::{Located, Source};
use crate::compare::ranks::RankSummary;

/// A sorted multiset of finite values in a main run and a short tail run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Multiset {
    /// The main run's searchable entries, ascending: every value when `ends` is
    /// empty, else each distinct value once.
    keys: Vec<f64>,
    /// Empty for a plain main run; for a grouped one, per key, the number of the
    /// main run's values at most that key (so `ends[i] − ends[i − 1]` values equal
    /// `keys[i]`, and the last is the run's length).
    ends: Vec<usize>,
    tail: Vec<f64>,
    /// Fence levels over `keys`: level 0 holds the last key of each full block of
    /// [`BLOCK`] keys, level i + 1 the same over level i, up to a level shorter than
    /// a block. A search reads the short top level and then one block per level
    /// (two cache lines each), instead of jumping across the whole run: a static
    /// B-tree, 1/15 of the keys.
    fences: Vec<Vec<f64>>,
}

/// Values per block of the main run behind one fence (two cache lines).
const BLOCK: usize = 16;

/// A main run is grouped at a merge when its values average at least this many per
/// distinct value, and goes back to plain values below half as many.
const GROUP_AT: usize = 4;

/// The numbers of values of a sorted slice below x and at most x, counted with
/// independent comparisons (the compiler vectorises them); meant for a block of
/// at most [`BLOCK`] values.
fn count_block(values: &[f64], x: f64) -> (usize, usize) {
    values.iter().fold((0, 0), |(lt, le), &v| {
        (lt + usize::from(v < x), le + usize::from(v <= x))
    })
}

/// Whether a sorted slice holds at most `limit` distinct values: one pass that
/// stops once the limit is passed (a quarter of the way into nearly distinct
/// values).
fn distinct_at_most(sorted: &[f64], limit: usize) -> bool {
    let mut seen = usize::from(!sorted.is_empty());
    for w in sorted.windows(2) {
        seen += usize::from(w[0] != w[1]);
        if seen > limit {
            return false;
        }
    }
    seen <= limit
}

/// Appends value v to a grouped run under construction, with `total` the number of
/// values up to and including it: a value equal to the last key extends that
/// key's group.
fn push_grouped(keys: &mut Vec<f64>, ends: &mut Vec<usize>, v: f64, total: usize) {
    match ends.last_mut() {
        Some(end) if keys.last() == Some(&v) => *end = total,
        _ => {
            keys.push(v);
            ends.push(total);
        }
    }
}

/// The values of two ascending sequences in one ascending vector, `a` holding
/// `a_len` values.
fn merge_sorted(a: impl Iterator<Item = f64>, a_len: usize, b: &[f64]) -> Vec<f64> {
    let mut a = a.peekable();
    let mut merged = Vec::with_capacity(a_len + b.len());
    let mut rest = b.iter().copied().peekable();
    while let (Some(&x), Some(&y)) = (a.peek(), rest.peek()) {
        if x <= y {
            merged.push(x);
            a.next();
        } else {
            merged.push(y);
            rest.next();
        }
    }
    merged.extend(a);
    merged.extend(rest);
    merged
}

/// A sorted run of values with multiplicities, as [`Multiset`] keeps them: `keys`
/// ascending and, when `ends` is not empty, the cumulative counts of a grouped run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run<'a> {
    keys: &'a [f64],
    ends: &'a [usize],
}

impl Run<'_> {
    /// The number of values in the run.
    fn len(&self) -> usize {
        self.ends.last().copied().unwrap_or(self.keys.len())
    }

    /// The number of values held by the first `i` keys.
    fn before(&self, i: usize) -> usize {
        if self.ends.is_empty() {
            i
        } else {
            i.checked_sub(1).map_or(0, |i| self.ends[i])
        }
    }

    /// The number of values equal to key i.
    fn count(&self, i: usize) -> usize {
        self.before(i + 1) - self.before(i)
    }

    /// Every value of the run, ascending (each key as often as it counts).
    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        (0..self.keys.len()).flat_map(|i| std::iter::repeat_n(self.keys[i], self.count(i)))
    }

    /// The value of 0-based rank k in the run (k < len).
    fn value(&self, k: usize) -> f64 {
        if self.ends.is_empty() {
            self.keys[k]
        } else {
            self.keys[self.ends.partition_point(|&e| e <= k)]
        }
    }
}

impl PartialEq for Multiset {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && (0..self.len()).all(|i| self.kth(i) == other.kth(i))
    }
}

impl Multiset {
    /// From values already sorted ascending (checked by the caller).
    pub(crate) fn from_sorted(values: Vec<f64>) -> Self {
        let mut set = Self {
            keys: values,
            ..Self::default()
        };
        set.choose_form();
        set.rebuild_fences();
        set
    }

    fn main(&self) -> Run<'_> {
        Run {
            keys: &self.keys,
            ends: &self.ends,
        }
    }

    fn tail(&self) -> Run<'_> {
        Run {
            keys: &self.tail,
            ends: &[],
        }
    }

    /// Groups a plain main run whose values average at least [`GROUP_AT`] per
    /// distinct value, and spreads a grouped one that averages fewer than half as
    /// many: O(n).
    fn choose_form(&mut self) {
        if self.ends.is_empty() {
            let n = self.keys.len();
            if n == 0 || !distinct_at_most(&self.keys, n / GROUP_AT) {
                return;
            }
            let (mut keys, mut ends) = (Vec::new(), Vec::new());
            for (i, &v) in self.keys.iter().enumerate() {
                push_grouped(&mut keys, &mut ends, v, i + 1);
            }
            (self.keys, self.ends) = (keys, ends);
        } else if self.keys.len().saturating_mul(GROUP_AT / 2) > self.main().len() {
            self.keys = self.main().values().collect();
            self.ends = Vec::new();
        }
    }

    fn rebuild_fences(&mut self) {
        let mut levels = std::mem::take(&mut self.fences);
        levels.iter_mut().for_each(Vec::clear);
        let mut used = 0;
        loop {
            let below = if used == 0 {
                &self.keys
            } else {
                &levels[used - 1]
            };
            if below.len() < BLOCK {
                break;
            }
            let next: Vec<f64> = below
                .iter()
                .skip(BLOCK - 1)
                .step_by(BLOCK)
                .copied()
                .collect();
            if used < levels.len() {
                levels[used] = next;
            } else {
                levels.push(next);
            }
            used += 1;
        }
        levels.truncate(used);
        self.fences = levels;
    }

    /// The numbers of values of the main run below x and at most x, in one descent
    /// of the fence levels: each level's block is counted, not searched (sixteen
    /// independent comparisons per predicate instead of a chain of dependent
    /// halvings), and both counts come from the same block unless a run of keys
    /// equal to x crosses a block's end. A grouped run turns the keys counted into
    /// the values they hold.
    fn main_counts(&self, x: f64) -> (usize, usize) {
        let mut out = [(0, 0)];
        self.main_counts_many(&[x], &mut out);
        out[0]
    }

    /// [`Multiset::main_counts`] of several values at once, level by level: the
    /// searches' loads at one level do not wait on each other, so their cache misses
    /// overlap instead of queueing one search after another.
    fn main_counts_many(&self, xs: &[f64], out: &mut [(usize, usize)]) {
        let out = &mut out[..xs.len()];
        match self.fences.split_last() {
            None => {
                for (o, &x) in out.iter_mut().zip(xs) {
                    *o = count_block(&self.keys, x);
                }
            }
            Some((top, lower)) => {
                // `lt` entries of a level are below x: so is every key of the first
                // `lt` blocks of the level beneath, and past the next block none is
                // (its last key is the first entry that is not below); likewise `le`
                // for "at most".
                for (o, &x) in out.iter_mut().zip(xs) {
                    *o = count_block(top, x);
                }
                for level in lower.iter().rev().chain(std::iter::once(&self.keys)) {
                    let block = |full: usize| {
                        let start = full * BLOCK;
                        (start, &level[start..(start + BLOCK).min(level.len())])
                    };
                    for (o, &x) in out.iter_mut().zip(xs) {
                        let (lt, le) = *o;
                        *o = if lt == le {
                            let (start, values) = block(lt);
                            let (below, at_most) = count_block(values, x);
                            (start + below, start + at_most)
                        } else {
                            let ((s1, v1), (s2, v2)) = (block(lt), block(le));
                            (s1 + count_block(v1, x).0, s2 + count_block(v2, x).1)
                        };
                    }
                }
            }
        }
        let main = self.main();
        for o in out.iter_mut() {
            *o = (main.before(o.0), main.before(o.1));
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.main().len() + self.tail.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of values < x and number equal to x.
    pub(crate) fn below_and_equal(&self, x: f64) -> (usize, usize) {
        let (counts, _) = self.locate(x);
        counts
    }

    /// (number of values < x, number equal to x) and the position in the tail
    /// where x goes to keep it sorted.
    fn locate(&self, x: f64) -> ((usize, usize), usize) {
        self.add_tail(x, self.main_counts(x))
    }

    /// The counts of x in the whole set from the main run's (values below x, at
    /// most x), and x's position in the tail.
    fn add_tail(&self, x: f64, (lt, le): (usize, usize)) -> ((usize, usize), usize) {
        let tail = &self.tail;
        let tail_lt = tail.partition_point(|&v| v < x);
        // Usually no value equals x: one comparison instead of a second search.
        let tail_le = if tail.get(tail_lt) == Some(&x) {
            tail_lt + tail[tail_lt..].partition_point(|&v| v <= x)
        } else {
            tail_lt
        };
        ((lt + tail_lt, le - lt + tail_le - tail_lt), tail_lt)
    }

    /// Adds x: O(log n) comparisons and O(√n) amortised moves.
    pub(crate) fn insert(&mut self, x: f64) {
        let (_, at) = self.locate(x);
        self.tail.insert(at, x);
        self.merge_if_due();
    }

    /// Merges the tail into the main run once it has grown long enough.
    fn merge_if_due(&mut self) {
        let t = self.tail.len();
        // The tail grows to about 4√k for k keys in the main run: an insertion moves
        // up to t values with one memmove (a fraction of a nanosecond each), a merge
        // costs a few nanoseconds per key, so a tail longer than √k balances the two.
        if t >= 64 && t.saturating_mul(t) > self.keys.len().saturating_mul(16) {
            self.merge_tail();
        }
    }

    /// Merges the tail into the main run, then chooses the run's form
    /// ([`Multiset::choose_form`]) and rebuilds the fences.
    fn merge_tail(&mut self) {
        if self.tail.is_empty() {
            return;
        }
        if self.ends.is_empty() {
            self.merge_tail_plain();
        } else {
            self.merge_tail_grouped();
        }
        self.tail.clear();
        self.choose_form();
        self.rebuild_fences();
    }

    /// A plain main run takes the tail in place, from the back (no new buffer: the
    /// run grows by the tail's length, amortised by `Vec`'s doubling). The tail is
    /// short beside the main run (about 4√n values into n), so each tail value,
    /// largest first, finds its place by a backward scan of the main values above
    /// it (a predictable loop, each main value passed once) and those values move as
    /// one block: O(n) comparisons and one `memmove` per tail value, instead of an
    /// element-by-element merge whose every step waits on the previous one.
    fn merge_tail_plain(&mut self) {
        let (n, t) = (self.keys.len(), self.tail.len());
        self.keys.resize(n + t, 0.0);
        // keys[..end] holds the values not yet moved; keys[write..] is final.
        let (mut end, mut write) = (n, n + t);
        for &v in self.tail.iter().rev() {
            let mut pos = end;
            // Equal values stay before v: any order of equal values is the same
            // multiset (−0 is folded on input).
            while pos > 0 && self.keys[pos - 1] > v {
                pos -= 1;
            }
            let moved = end - pos;
            self.keys.copy_within(pos..end, write - moved);
            write -= moved + 1;
            self.keys[write] = v;
            end = pos;
        }
        debug_assert_eq!(end, write);
    }

    /// A grouped main run takes the tail by one merge of the keys with the tail's
    /// values into new groups: O(k + t).
    fn merge_tail_grouped(&mut self) {
        let (mut keys, mut ends) = (
            Vec::with_capacity(self.keys.len() + self.tail.len()),
            Vec::with_capacity(self.keys.len() + self.tail.len()),
        );
        let main = self.main();
        let (mut i, mut j, mut total) = (0, 0, 0);
        while i < self.keys.len() || j < self.tail.len() {
            let take_key =
                j == self.tail.len() || (i < self.keys.len() && self.keys[i] <= self.tail[j]);
            let (v, count) = if take_key {
                i += 1;
                (self.keys[i - 1], main.count(i - 1))
            } else {
                j += 1;
                (self.tail[j - 1], 1)
            };
            total += count;
            push_grouped(&mut keys, &mut ends, v, total);
        }
        (self.keys, self.ends) = (keys, ends);
    }

    /// Adds values sorted ascending as one run: merged with the tail, then into the
    /// main run, O(n + b).
    fn extend_sorted(&mut self, run: &[f64]) {
        self.tail = merge_sorted(self.tail.iter().copied(), self.tail.len(), run);
        self.merge_tail();
    }

    /// A sorted copy of every value, without changing the runs: one merge of the
    /// main run's values with the tail, O(n).
    pub(crate) fn to_sorted(&self) -> Vec<f64> {
        merge_sorted(self.main().values(), self.main().len(), &self.tail)
    }

    /// The two sorted runs (main, tail); together they hold every value once.
    pub(crate) fn runs(&self) -> [Run<'_>; 2] {
        [self.main(), self.tail()]
    }

    /// The value of 0-based rank k (k < len): the k-th smallest, by splitting the
    /// two runs so that exactly k + 1 values lie at or left of the cut.
    pub(crate) fn kth(&self, k: usize) -> f64 {
        let (a, b) = (self.main(), &self.tail);
        let want = k + 1;
        let (mut lo, mut hi) = (want.saturating_sub(b.len()), want.min(a.len()));
        while lo < hi {
            let i = lo + (hi - lo) / 2;
            let j = want - i;
            if j > 0 && a.value(i) < b[j - 1] {
                lo = i + 1;
            } else {
                hi = i;
            }
        }
        let (i, j) = (lo, want - lo);
        match (
            i.checked_sub(1).map(|i| a.value(i)),
            j.checked_sub(1).map(|j| b[j]),
        ) {
            (Some(x), Some(y)) => x.max(y),
            (Some(x), None) => x,
            (None, Some(y)) => y,
            (None, None) => f64::NAN, // unreachable for k < len
        }
    }

    /// The median, or `None` when empty.
    pub(crate) fn median(&self) -> Option<f64> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        let hi = self.kth(n / 2);
        Some(if n % 2 == 1 {
            hi
        } else {
            let lo = self.kth(n / 2 - 1);
            lo + (hi - lo) / 2.0
        })
    }
}

/// The two sides and their Mann–Whitney rank summary, maintained point by point.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RankPool {
    pub(crate) baseline: Multiset,
    pub(crate) canary: Multiset,
    twice_u: u128,
    pooled_tie_term: u128,
    within_tie_term: u128,
    /// The number of (canary, baseline) pairs of equal values.
    cross_equal: u128,
}

/// (t+k)³ − (t+k) − (t³ − t): the tie term's growth when a group of t equal values
/// gains k.
fn tie_growth(t: usize, k: usize) -> u128 {
    let cube = |t: usize| {
        let t = t as u128;
        t * t * t - t
    };
    cube(t + k) - cube(t)
}

/// Whether a batch of `batch` points into a side holding `held` is added as one
/// sorted run rather than point by point: when it is longer than the tail may grow
/// (about 4√held, see [`Multiset::insert_at`]), where placing each point would cost
/// more moves than one merge.
fn as_run(batch: usize, held: usize) -> bool {
    batch >= 64 && batch.saturating_mul(batch) > held.saturating_mul(16)
}

/// The largest number of points a side may hold: keeps 2U, m·n and the tie terms
/// (≤ (m + n)³) far inside u128 and the rank sums exact in the normal approximation.
pub(crate) const MAX_POINTS: usize = 1 << 32;

impl RankPool {
    /// A pool holding these sides, each sorted ascending, finite, with −0 folded
    /// (checked by the caller); the rank summary comes from one merge pass.
    pub(crate) fn from_sorted(baseline: Vec<f64>, canary: Vec<f64>) -> Self {
        let s = crate::compare::ranks::summarize(&canary, &baseline, false);
        let cross_equal = equal_pairs(&canary, &baseline);
        Self {
            baseline: Multiset::from_sorted(baseline),
            canary: Multiset::from_sorted(canary),
            twice_u: s.twice_u,
            pooled_tie_term: s.pooled_tie_term,
            within_tie_term: s.within_tie_term,
            cross_equal,
        }
    }

    /// Checks that a batch fits (before any point is added, so a refused batch
    /// changes nothing).
    pub(crate) fn check_room(&self, baseline: usize, canary: usize) -> Result<(), Error> {
        let b = self.baseline.len().saturating_add(baseline);
        let c = self.canary.len().saturating_add(canary);
        if b > MAX_POINTS || c > MAX_POINTS {
            return Err(Error::Mismatch {
                name: "points per side kept for a fixed-horizon check",
                expected: "at most 2^32 (feed histograms for longer streams)",
                got: format!("{b} baseline and {c} canary"),
            });
        }
        Ok(())
    }

    /// Adds a batch per side (baseline first): short batches point by point, long
    /// ones sorted and merged as one run ([`as_run`]), so loading n points costs
    /// O(n log n), not O(n^1.5). The rank summary is the same either way: it depends
    /// on the final sides alone.
    pub(crate) fn extend(&mut self, baseline: &[f64], canary: &[f64]) {
        for (points, canary) in [(baseline, false), (canary, true)] {
            if as_run(points.len(), own_side(self, canary).len()) {
                self.add_run(points, canary);
            } else {
                self.push_points(points, canary);
            }
        }
    }

    /// The summary's growth when a side gains k points equal to a value that
    /// `below` and `equal` values of the other side lie under and at, and `own` of
    /// its own side equals: each point counts its pairs with the other side, 2 per
    /// pair on the worse side (canary above baseline) and 1 per tie, and grows the
    /// value's tie groups.
    fn count_points(&mut self, canary: bool, k: usize, (below, equal): (usize, usize), own: usize) {
        let beyond = if canary {
            below
        } else {
            self.canary.len() - below - equal
        };
        let k128 = k as u128;
        self.twice_u += k128 * (2 * beyond as u128 + equal as u128);
        self.cross_equal += k128 * equal as u128;
        self.pooled_tie_term += tie_growth(equal + own, k);
        self.within_tie_term += tie_growth(own, k);
    }

    /// Adds points to one side one by one, [`CHUNK`] at a time: the other side's
    /// counts and the own main run's for the whole chunk first, in one interleaved
    /// descent each ([`Multiset::main_counts_many`]; neither changes within the
    /// chunk, since the tail is merged only after it), then each point's tail
    /// position and own ties as it goes in.
    fn push_points(&mut self, points: &[f64], canary: bool) {
        for chunk in points.chunks(CHUNK) {
            let (mut other_main, mut own_main) = ([(0, 0); CHUNK], [(0, 0); CHUNK]);
            other_side(self, canary).main_counts_many(chunk, &mut other_main);
            own_side(self, canary).main_counts_many(chunk, &mut own_main);
            for (i, &v) in chunk.iter().enumerate() {
                let (other_counts, _) = other_side(self, canary).add_tail(v, other_main[i]);
                let ((_, own_equal), at) = own_side(self, canary).add_tail(v, own_main[i]);
                self.count_points(canary, 1, other_counts, own_equal);
                own_side_mut(self, canary).tail.insert(at, v);
            }
            own_side_mut(self, canary).merge_if_due();
        }
    }

    /// Adds a batch to one side as a sorted run: each distinct value of the batch,
    /// with its count k, updates the summary as k single points would (one search
    /// per side for the value), then the run is merged in: O(b log b + b log n + n).
    fn add_run(&mut self, batch: &[f64], canary: bool) {
        let run = crate::input::sorted_copy(batch);
        for group in run.chunk_by(|a, b| a == b) {
            let (v, k) = (group[0], group.len());
            let other_counts = other_side(self, canary).below_and_equal(v);
            let (_, own_equal) = own_side(self, canary).below_and_equal(v);
            self.count_points(canary, k, other_counts, own_equal);
        }
        own_side_mut(self, canary).extend_sorted(&run);
    }

    #[cfg(test)]
    pub(crate) fn push_canary(&mut self, x: f64) {
        self.push_points(&[x], true);
    }

    #[cfg(test)]
    pub(crate) fn push_baseline(&mut self, y: f64) {
        self.push_points(&[y], false);
    }

    /// The rank summary (without tie groups: the exact tied distribution is not
    /// used here, see [`crate::check`]).
    pub(crate) fn summary(&self) -> RankSummary {
        RankSummary {
            m: self.canary.len(),
            n: self.baseline.len(),
            twice_u: self.twice_u,
            pooled_tie_term: self.pooled_tie_term,
            within_tie_term: self.within_tie_term,
            groups: Vec::new(),
        }
    }
}

impl RankPool {
    /// The number of differences canary − baseline at most `c` (below `c` when
    /// `strict`), from the sides' runs without merging them: O(m + n); at c = 0 (a
    /// zero margin) O(1) from the rank summary: 2U counts each pair x > y twice and
    /// each equal pair once, so #(x > y) = (2U − #(x = y))/2.
    pub(crate) fn differences_below(&self, c: f64, strict: bool) -> u128 {
        if c == 0.0 {
            let pairs = self.canary.len() as u128 * self.baseline.len() as u128;
            let above = (self.twice_u - self.cross_equal) / 2;
            return if strict {
                pairs - above - self.cross_equal
            } else {
                pairs - above
            };
        }
        let mut total = 0;
        for x in self.canary.runs() {
            for y in self.baseline.runs() {
                total += count_pairs_below(x, y, c, strict);
            }
        }
        total
    }
}

/// Points placed per interleaved descent in [`RankPool::push_points`].
const CHUNK: usize = 16;

fn own_side(pool: &RankPool, canary: bool) -> &Multiset {
    if canary { &pool.canary } else { &pool.baseline }
}

fn own_side_mut(pool: &mut RankPool, canary: bool) -> &mut Multiset {
    if canary {
        &mut pool.canary
    } else {
        &mut pool.baseline
    }
}

fn other_side(pool: &RankPool, canary: bool) -> &Multiset {
    own_side(pool, !canary)
}

/// The number of pairs with `diff(x_i, y_j) ≤ c` (or `< c` when `strict`), over the
/// values of two runs (each value of a group counted), by one staircase walk over
/// their keys: O(k_x + k_y). The same saturating difference as the Hodges–Lehmann
/// differences, so a count against an interval's rank agrees with the selected
/// order statistic exactly.
fn count_pairs_below(x: Run<'_>, y: Run<'_>, c: f64, strict: bool) -> u128 {
    // For ascending x the differences against y grow, so the y_j that keep
    // x_i − y_j within c form a suffix of y that shrinks as i grows.
    let (mut j, mut total) = (0, 0u128);
    let y_len = y.len();
    for (i, &xi) in x.keys.iter().enumerate() {
        while j < y.keys.len() && {
            let d = diff(xi, y.keys[j]);
            if strict { d >= c } else { d > c }
        } {
            j += 1;
        }
        let weight = x.count(i);
        total += weight as u128 * (y_len - y.before(j)) as u128;
    }
    total
}

/// The number of pairs (x, y), x from `a` and y from `b` (both sorted ascending),
/// with x = y: one merge pass.
fn equal_pairs(a: &[f64], b: &[f64]) -> u128 {
    let (mut i, mut j, mut total) = (0, 0, 0u128);
    while i < a.len() && j < b.len() {
        if a[i] < b[j] {
            i += 1;
        } else if b[j] < a[i] {
            j += 1;
        } else {
            let v = a[i];
            let run = |s: &[f64], k: usize| s[k..].iter().take_while(|&&w| w == v).count();
            let (ra, rb) = (run(a, i), run(b, j));
            total += ra as u128 * rb as u128;
            (i, j) = (i + ra, j + rb);
        }
    }
    total
}

/// One side of a pool as a quantile source: type 7 estimates and order statistics
/// from the two runs, without copying or sorting.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Side<'a>(pub(crate) &'a Multiset);

impl crate::compare::quantile::QuantileSource for Side<'_> {}

impl Source for Side<'_> {
    fn observations(&self) -> Result<u64, Error> {
        Ok(self.0.len() as u64)
    }

    fn locate_quantile(&self, p: f64, ranks: Option<(u64, u64)>) -> Result<Located, Error> {
        let set = self.0;
        if set.is_empty() {
            return Ok(Located {
                estimate: None,
                bounds: None,
            });
        }
        let estimate = crate::compare::quantile::estimate_from(
            set.len(),
            p,
            QuantileMethod::Linear,
            Convention::Numpy,
            |k| set.kth(k),
        );
        Ok(Located {
            estimate: Some(estimate),
            bounds: ranks.map(|(l, u)| (set.kth(l as usize - 1), set.kth(u as usize - 1))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::ranks::summarize;
    use crate::num::rng::SplitMix64;

    /// Checks every order statistic and the counts below and at each probe against
    /// a sorted copy.
    fn assert_matches(set: &Multiset, all: &[f64], probes: &[f64], what: &str) {
        let mut all = all.to_vec();
        all.sort_by(f64::total_cmp);
        assert_eq!(set.len(), all.len(), "{what}");
        for (k, &want) in all.iter().enumerate() {
            assert_eq!(set.kth(k), want, "{what}: k {k}");
        }
        for &probe in probes {
            let below = all.iter().filter(|&&v| v < probe).count();
            let equal = all.iter().filter(|&&v| v == probe).count();
            assert_eq!(
                set.below_and_equal(probe),
                (below, equal),
                "{what}: {probe}"
            );
        }
        assert_eq!(set.to_sorted(), all, "{what}");
    }

    #[test]
    fn kth_and_counts_match_a_sorted_copy() {
        let mut rng = SplitMix64::new(7);
        let probes: Vec<f64> = (-4..=52).map(|i| f64::from(i) / 4.0).collect();
        // Fifty distinct values (grouped once they repeat) and nearly all distinct.
        for spread in [50u128, 1 << 40] {
            for n in [0usize, 1, 2, 5, 33, 100, 1000, 5000] {
                let mut set = Multiset::default();
                let mut all = Vec::new();
                for _ in 0..n {
                    let v = (rng.below_wide(spread) as f64) / 4.0;
                    set.insert(v);
                    all.push(v);
                }
                assert_matches(&set, &all, &probes, &format!("spread {spread} n {n}"));
                if n >= 1000 {
                    assert_eq!(!set.ends.is_empty(), spread == 50, "spread {spread} n {n}");
                }
            }
        }
    }

    /// A run that turns tied (grouped) and back to nearly distinct values (plain)
    /// keeps every value through each change of form, and so does one loaded sorted.
    #[test]
    fn forms_change_without_losing_values() {
        let mut rng = SplitMix64::new(5);
        let mut set = Multiset::default();
        let mut all = Vec::new();
        let mut forms = Vec::new();
        let probes = [-1.0, 0.0, 1.0, 2.0, 3.0, 0.5, 9.0];
        for (phase, spread, count) in [(0, 1u128 << 40, 2000), (1, 4, 10_000), (2, 1 << 40, 12_000)]
        {
            for _ in 0..count {
                let v = if spread == 4 {
                    rng.below_wide(spread) as f64
                } else {
                    rng.uniform() * 4.0
                };
                set.insert(v);
                all.push(v);
            }
            set.merge_tail();
            forms.push(!set.ends.is_empty());
            assert_matches(&set, &all, &probes, &format!("phase {phase}"));
            let mut sorted = all.clone();
            sorted.sort_by(f64::total_cmp);
            assert_matches(&Multiset::from_sorted(sorted), &all, &probes, "loaded");
        }
        // Plain, then grouped (12,000 values on 2,004 keys), then plain again
        // (14,004 keys for 24,000 values).
        assert_eq!(forms, [false, true, false]);
    }

    /// Merges where every tail value goes past the whole main run, none of it, or
    /// among equal values: points arriving ascending, descending, constant and
    /// alternating between extremes, through many merges.
    #[test]
    fn merges_keep_every_value_in_order() {
        let orders: [fn(usize) -> f64; 4] = [
            |i| i as f64,
            |i| -(i as f64),
            |_| 3.5,
            |i| if i % 2 == 0 { -1e300 } else { (i % 7) as f64 },
        ];
        for (o, value) in orders.iter().enumerate() {
            let mut set = Multiset::default();
            let mut all = Vec::new();
            for i in 0..3000 {
                set.insert(value(i));
                all.push(value(i));
                if i % 997 == 0 {
                    let mut sorted = all.clone();
                    sorted.sort_by(f64::total_cmp);
                    assert_eq!(set.to_sorted(), sorted, "order {o} after {i}");
                }
            }
            all.sort_by(f64::total_cmp);
            set.merge_tail();
            assert!(set.tail.is_empty());
            assert_eq!(set.to_sorted(), all, "order {o}");
            for (k, &want) in all.iter().enumerate().step_by(97) {
                assert_eq!(set.kth(k), want, "order {o} k {k}");
            }
        }
    }

    /// Batches long enough to go in as sorted runs leave the same sides and rank
    /// summary as the same points pushed one by one, on tied and distinct values,
    /// into empty and filled sides, in plain and grouped main runs.
    #[test]
    fn runs_added_at_once_equal_points_pushed_one_by_one() {
        let mut rng = SplitMix64::new(13);
        for round in 0..40 {
            let spread = [3u128, 40, 1 << 40][round % 3];
            let mut draw = |k: usize| -> Vec<f64> {
                (0..k)
                    .map(|_| rng.below_wide(spread) as f64 * 0.25)
                    .collect()
            };
            let (mut batched, mut pushed) = (RankPool::default(), RankPool::default());
            let mut ran = 0;
            for size in [5usize, 300, 7, 64, 1000, 2, 5000, 70] {
                let (b, c) = (draw(size), draw(size / 2 + 1));
                ran += usize::from(as_run(b.len(), batched.baseline.len()))
                    + usize::from(as_run(c.len(), batched.canary.len()));
                batched.extend(&b, &c);
                b.iter().for_each(|&y| pushed.push_baseline(y));
                c.iter().for_each(|&x| pushed.push_canary(x));
                assert_eq!(batched, pushed, "round {round} size {size}");
            }
            assert!(ran >= 4, "round {round}: {ran} batches went in as runs");
        }
    }

    #[test]
    fn incremental_summary_matches_a_merge_pass() {
        let mut rng = SplitMix64::new(11);
        for round in 0..200 {
            let mut pool = RankPool::default();
            let (mut xs, mut ys) = (Vec::new(), Vec::new());
            let spread = 1 + rng.below_wide(40) as u64;
            for _ in 0..rng.below_wide(120) {
                let v = (rng.below_wide(spread as u128) as f64) * 0.5;
                if rng.below_wide(2) == 0 {
                    pool.push_canary(v);
                    xs.push(v);
                } else {
                    pool.push_baseline(v);
                    ys.push(v);
                }
            }
            xs.sort_by(f64::total_cmp);
            ys.sort_by(f64::total_cmp);
            // Loading the sorted sides gives the same pool, counts included.
            assert_eq!(
                RankPool::from_sorted(ys.clone(), xs.clone()),
                pool,
                "round {round}"
            );
            for c in [-3.0, -0.5, 0.0, -0.0, 0.25, 2.0] {
                for strict in [false, true] {
                    let naive = xs
                        .iter()
                        .flat_map(|x| ys.iter().map(move |y| x - y))
                        .filter(|&d| if strict { d < c } else { d <= c })
                        .count() as u128;
                    assert_eq!(pool.differences_below(c, strict), naive, "round {round}");
                }
            }
            let want = summarize(&xs, &ys, false);
            let got = pool.summary();
            assert_eq!(
                (
                    got.m,
                    got.n,
                    got.twice_u,
                    got.pooled_tie_term,
                    got.within_tie_term
                ),
                (
                    want.m,
                    want.n,
                    want.twice_u,
                    want.pooled_tie_term,
                    want.within_tie_term
                ),
                "round {round}"
            );
        }
    }

    proptest::proptest! {
        /// The staircase count over runs, plain or grouped, main or tail, equals
        /// the count over every pair.
        #[test]
        fn pair_counts_equal_naive(
            x in proptest::collection::vec(-5i32..5, 0..60),
            y in proptest::collection::vec(-5i32..5, 0..60),
            split in 0usize..60,
            c in -12i32..12,
        ) {
            let values = |v: Vec<i32>| -> Vec<f64> { v.into_iter().map(f64::from).collect() };
            let (x, y) = (values(x), values(y));
            // Part of x loaded as one sorted run (grouped when tied enough), the rest
            // inserted into the tail.
            let (first, rest) = x.split_at(split.min(x.len()));
            let mut first = first.to_vec();
            first.sort_by(f64::total_cmp);
            let mut xs = Multiset::from_sorted(first);
            rest.iter().for_each(|&v| xs.insert(v));
            let mut ys = y.clone();
            ys.sort_by(f64::total_cmp);
            let ys = Multiset::from_sorted(ys);
            let c = f64::from(c) / 2.0;
            for strict in [false, true] {
                let naive = x.iter().flat_map(|a| y.iter().map(move |b| a - b))
                    .filter(|&d| if strict { d < c } else { d <= c })
                    .count() as u128;
                let counted: u128 = xs.runs().into_iter()
                    .flat_map(|a| ys.runs().map(|b| count_pairs_below(a, b, c, strict)))
                    .sum();
                proptest::prop_assert_eq!(counted, naive);
            }
        }
    }
}
