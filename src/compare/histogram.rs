//! Prometheus classic histograms: cumulative counts per upper bound (`le`), ending in
//! +Inf, and quantiles exactly as PromQL's `histogram_quantile` computes them.

use super::{MannWhitney, MannWhitneyResult};
use crate::Error;

/// A classic histogram: strictly increasing upper bounds ending at +Inf, with
/// non-decreasing cumulative counts (observations ≤ each bound).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ClassicHistogram {
    bounds: Vec<f64>,
    counts: Vec<f64>,
}

fn invalid(name: &'static str, expected: &'static str, value: f64) -> Error {
    Error::InvalidParameter {
        name,
        expected,
        value,
    }
}

impl ClassicHistogram {
    /// A histogram from `(le, cumulative count)` pairs, validated strictly.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if there is no bucket, a bound is NaN, the bounds
    ///   are not strictly increasing, the last bound is not +Inf, a count is negative or
    ///   not finite, or the counts decrease (use [`ClassicHistogram::from_prometheus`]
    ///   for Prometheus's lenient handling of such data).
    ///
    /// # Example
    /// ```
    /// use canary_judge::compare::histogram::ClassicHistogram;
    /// let h = ClassicHistogram::new(&[(0.25, 50.0), (0.75, 90.0), (f64::INFINITY, 100.0)])?;
    /// assert_eq!(h.quantile(0.5)?, Some(0.25));
    /// assert_eq!(h.quantile(0.7)?, Some(0.5));   // halfway through (0.25, 0.75]
    /// assert_eq!(h.quantile(0.99)?, Some(0.75)); // in the +Inf bucket: the last finite bound
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn new(buckets: &[(f64, f64)]) -> Result<Self, Error> {
        if buckets.is_empty() {
            return Err(invalid("number of buckets", "at least one (+Inf)", 0.0));
        }
        for (i, &(le, c)) in buckets.iter().enumerate() {
            if le.is_nan() {
                return Err(invalid("bucket bound", "a number", le));
            }
            if !(c.is_finite() && c >= 0.0) {
                return Err(invalid("bucket count", "finite and >= 0", c));
            }
            if i > 0 {
                let (prev_le, prev_c) = buckets[i - 1];
                if le <= prev_le {
                    return Err(invalid("bucket bound", "strictly increasing", le));
                }
                if c < prev_c {
                    return Err(invalid("cumulative bucket count", "non-decreasing", c));
                }
            }
        }
        let last = buckets[buckets.len() - 1].0;
        if last != f64::INFINITY {
            return Err(invalid("last bucket bound", "+Inf", last));
        }
        Ok(Self {
            bounds: buckets.iter().map(|b| b.0).collect(),
            counts: buckets.iter().map(|b| b.1).collect(),
        })
    }

    /// A histogram from buckets as Prometheus would read them: sorted by bound,
    /// buckets with equal bounds merged (counts added), counts whose relative change
    /// from the previous bucket is at most 1e-12 treated as equal, and decreasing counts
    /// raised to the running maximum. Returns whether monotonicity had to be forced.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] for no bucket, a NaN bound, a negative or non-finite
    ///   count, or a missing +Inf bucket.
    pub fn from_prometheus(buckets: &[(f64, f64)]) -> Result<(Self, bool), Error> {
        if buckets.iter().any(|b| b.0.is_nan()) {
            return Err(invalid("bucket bound", "a number", f64::NAN));
        }
        if let Some(&(_, c)) = buckets.iter().find(|b| !(b.1.is_finite() && b.1 >= 0.0)) {
            return Err(invalid("bucket count", "finite and >= 0", c));
        }
        let mut sorted = buckets.to_vec();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut merged: Vec<(f64, f64)> = Vec::with_capacity(sorted.len());
        for (le, c) in sorted {
            match merged.last_mut() {
                Some(last) if last.0 == le => last.1 += c,
                _ => merged.push((le, c)),
            }
        }
        if merged.is_empty() || merged[merged.len() - 1].0 != f64::INFINITY {
            return Err(invalid(
                "last bucket bound",
                "+Inf",
                merged.last().map_or(f64::NAN, |b| b.0),
            ));
        }
        // Tiny relative deltas are float noise from aggregation: treat them as equal.
        let mut prev = merged[0].1;
        for b in merged.iter_mut().skip(1) {
            let delta = (b.1 - prev).abs();
            if delta == 0.0 {
                continue;
            }
            if delta / b.1 <= 1e-12 {
                b.1 = prev;
            } else {
                prev = b.1;
            }
        }
        let mut forced = false;
        let mut max = merged[0].1;
        for b in merged.iter_mut().skip(1) {
            if b.1 > max {
                max = b.1;
            } else if b.1 < max {
                b.1 = max;
                forced = true;
            }
        }
        Ok((
            Self {
                bounds: merged.iter().map(|b| b.0).collect(),
                counts: merged.iter().map(|b| b.1).collect(),
            },
            forced,
        ))
    }

    /// The total number of observations (the +Inf bucket's count).
    pub fn total(&self) -> f64 {
        self.counts[self.counts.len() - 1]
    }

    /// The `(le, cumulative count)` pairs.
    pub fn buckets(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.bounds.iter().copied().zip(self.counts.iter().copied())
    }

    /// The q-quantile as PromQL's `histogram_quantile` computes it: rank = q·total;
    /// the first bucket whose cumulative count reaches the rank holds the quantile,
    /// interpolated linearly within it; the lowest bucket starts at 0 when its bound
    /// is positive, and returns its bound when that is ≤ 0; a quantile in the +Inf
    /// bucket returns the highest finite bound. `None` (Prometheus: NaN) when there
    /// are no observations or no finite bucket. Where Prometheus divides 0 by 0 (a
    /// zero-count bucket at rank 0) this returns the bucket's start instead of NaN.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if q is NaN or outside [0, 1] (Prometheus returns
    ///   ±Inf or NaN there).
    pub fn quantile(&self, q: f64) -> Result<Option<f64>, Error> {
        if !(0.0..=1.0).contains(&q) {
            return Err(invalid("quantile", "within [0, 1]", q));
        }
        let n = self.bounds.len();
        let total = self.total();
        if n < 2 || total == 0.0 {
            return Ok(None);
        }
        let mut rank = q * total;
        let b = self.counts[..n - 1].partition_point(|&c| c < rank);
        if b == n - 1 {
            return Ok(Some(self.bounds[n - 2]));
        }
        if b == 0 && self.bounds[0] <= 0.0 {
            return Ok(Some(self.bounds[0]));
        }
        let end = self.bounds[b];
        let mut count = self.counts[b];
        let mut start = 0.0;
        if b > 0 {
            start = self.bounds[b - 1];
            count -= self.counts[b - 1];
            rank -= self.counts[b - 1];
        }
        if count == 0.0 {
            return Ok(Some(start));
        }
        Ok(Some(start + (end - start) * (rank / count)))
    }

    /// The histogram of observations between two cumulative snapshots of the same
    /// buckets: each bucket is its own counter, so a bucket whose count went down was
    /// reset and contributes its later count (as Prometheus's `increase` treats a
    /// reset). Returns the difference (made monotonic as Prometheus would) and whether
    /// any bucket was reset.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if the two snapshots' bounds differ.
    pub fn delta(earlier: &Self, later: &Self) -> Result<(Self, bool), Error> {
        if earlier.bounds != later.bounds {
            return Err(invalid(
                "bucket bounds of the two snapshots",
                "identical",
                later.bounds.len() as f64,
            ));
        }
        let mut reset = false;
        let diff: Vec<(f64, f64)> = later
            .buckets()
            .zip(earlier.counts.iter())
            .map(|((le, c1), &c0)| {
                if c1 < c0 {
                    reset = true;
                    (le, c1)
                } else {
                    (le, c1 - c0)
                }
            })
            .collect();
        let (h, _) = Self::from_prometheus(&diff)?;
        Ok((h, reset))
    }
}

/// The Mann–Whitney test between the observations of two histograms with the same
/// bounds, each bucket treated as one group of tied values (all its observations
/// share a rank): U and the tie correction are exact from the bucket counts, in
/// O(buckets). The p-value follows `test`'s method and alternative (with ties, Auto
/// means the tie-corrected normal approximation; Exact the permutation distribution
/// within its budget). No shift estimate or interval is given: values inside a
/// bucket are unknown.
///
/// # Errors
/// - [`Error::InvalidParameter`] if the bounds differ or a bucket's own count is not a
///   whole number (rates or extrapolated increases must be turned back into counts).
/// - [`Error::EmptySample`] if either histogram has no observations.
/// - As [`MannWhitney::compare`] otherwise.
///
/// # Example
/// ```
/// use canary_judge::compare::{histogram::{mann_whitney, ClassicHistogram}, Alternative, MannWhitney};
/// let base = ClassicHistogram::new(&[(0.1, 800.0), (0.5, 950.0), (f64::INFINITY, 1000.0)])?;
/// let canary = ClassicHistogram::new(&[(0.1, 700.0), (0.5, 900.0), (f64::INFINITY, 1000.0)])?;
/// let r = mann_whitney(&base, &canary, &MannWhitney::new().alternative(Alternative::Greater))?;
/// assert!(r.p_value < 1e-6); // the canary is slower
/// assert_eq!(r.shift, None);
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn mann_whitney(
    baseline: &ClassicHistogram,
    canary: &ClassicHistogram,
    test: &MannWhitney,
) -> Result<MannWhitneyResult, Error> {
    if baseline.bounds != canary.bounds {
        return Err(invalid(
            "bucket bounds of the two histograms",
            "identical",
            canary.bounds.len() as f64,
        ));
    }
    let own = |h: &ClassicHistogram, i: usize| -> Result<u64, Error> {
        let c = h.counts[i] - if i == 0 { 0.0 } else { h.counts[i - 1] };
        if c.fract() != 0.0 || c > u64::MAX as f64 {
            return Err(invalid("bucket count", "a whole number of observations", c));
        }
        Ok(c as u64)
    };
    let bins = (0..canary.bounds.len())
        .map(|i| Ok((own(canary, i)?, own(baseline, i)?)))
        .collect::<Result<Vec<_>, Error>>()?;
    super::mann_whitney_bins(&test.test_only(), &bins)
}
