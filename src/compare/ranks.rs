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

/// Summarises sorted `x` (canary) against sorted `y` (baseline).
pub(crate) fn summarize(x: &[f64], y: &[f64], keep_groups: bool) -> RankSummary {
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
    fn empty_sides() {
        let s = summarize(&[], &[1.0], false);
        assert_eq!(s.twice_u, 0);
        assert!(!s.has_ties());
    }
}
