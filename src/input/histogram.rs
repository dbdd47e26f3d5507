//! Histograms as services export them: Prometheus classic histograms (cumulative
//! counts per upper bound `le`, ending in +Inf) with quantiles exactly as PromQL's
//! `histogram_quantile` computes them, and OpenTelemetry exponential histograms with
//! quantiles inside the format's relative-error bound. The rank test between two of
//! them is [`crate::compare::histogram`].

use crate::Error;
use crate::compare::quantile::{Located, QuantileSource, Source, enclose_in_bins};

/// A classic histogram: strictly increasing upper bounds ending at +Inf, with
/// non-decreasing cumulative counts (observations ≤ each bound).
///
/// Serialised as `{"bounds": [...], "counts": [...]}` with the +Inf bound (and any
/// infinite bound) written as the string `"inf"` / `"-inf"`; deserialisation applies
/// the checks of [`ClassicHistogram::new`] and fails with its error.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "StoredHistogram")
)]
pub struct ClassicHistogram {
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float::vec"))]
    bounds: Vec<f64>,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float::vec"))]
    counts: Vec<f64>,
}

/// The serialised form of a [`ClassicHistogram`], before validation.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct StoredHistogram {
    #[serde(with = "crate::serde_float::vec")]
    bounds: Vec<f64>,
    #[serde(with = "crate::serde_float::vec")]
    counts: Vec<f64>,
}

#[cfg(feature = "serde")]
impl TryFrom<StoredHistogram> for ClassicHistogram {
    type Error = Error;

    fn try_from(stored: StoredHistogram) -> Result<Self, Error> {
        if stored.bounds.len() != stored.counts.len() {
            return Err(Error::Mismatch {
                name: "bucket counts of a stored histogram",
                expected: "one per bound",
                got: format!(
                    "{} bounds and {} counts",
                    stored.bounds.len(),
                    stored.counts.len()
                ),
            });
        }
        let buckets: Vec<(f64, f64)> = stored.bounds.into_iter().zip(stored.counts).collect();
        Self::new(&buckets)
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
    /// use canary_judge::input::histogram::ClassicHistogram;
    /// let h = ClassicHistogram::new(&[(0.25, 50.0), (0.75, 90.0), (f64::INFINITY, 100.0)])?;
    /// assert_eq!(h.quantile(0.5)?, Some(0.25));
    /// assert_eq!(h.quantile(0.7)?, Some(0.5));   // halfway through (0.25, 0.75]
    /// assert_eq!(h.quantile(0.99)?, Some(0.75)); // in the +Inf bucket: the last finite bound
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn new(buckets: &[(f64, f64)]) -> Result<Self, Error> {
        if buckets.is_empty() {
            return Err(Error::invalid(
                "number of buckets",
                "at least one (+Inf)",
                0.0,
            ));
        }
        for (i, &(le, c)) in buckets.iter().enumerate() {
            if le.is_nan() {
                return Err(Error::invalid("bucket bound", "a number", le));
            }
            if !(c.is_finite() && c >= 0.0) {
                return Err(Error::invalid("bucket count", "finite and >= 0", c));
            }
            if i > 0 {
                let (prev_le, prev_c) = buckets[i - 1];
                if le <= prev_le {
                    return Err(Error::invalid("bucket bound", "strictly increasing", le));
                }
                if c < prev_c {
                    return Err(Error::invalid(
                        "cumulative bucket count",
                        "non-decreasing",
                        c,
                    ));
                }
            }
        }
        let last = buckets[buckets.len() - 1].0;
        if last != f64::INFINITY {
            return Err(Error::invalid("last bucket bound", "+Inf", last));
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
            return Err(Error::invalid("bucket bound", "a number", f64::NAN));
        }
        if let Some(&(_, c)) = buckets.iter().find(|b| !(b.1.is_finite() && b.1 >= 0.0)) {
            return Err(Error::invalid("bucket count", "finite and >= 0", c));
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
            return Err(Error::invalid(
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
    /// zero-count bucket at rank 0) this returns the bucket's start instead of NaN;
    /// where it would compute −∞ + ∞ (a bucket just above `le = -Inf`) this returns
    /// the bucket's upper bound; and bounds of opposite signs near ±`f64::MAX`
    /// interpolate without overflowing. Never NaN.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if q is NaN or outside [0, 1] (Prometheus returns
    ///   ±Inf or NaN there).
    pub fn quantile(&self, q: f64) -> Result<Option<f64>, Error> {
        if !(0.0..=1.0).contains(&q) {
            return Err(Error::invalid("quantile", "within [0, 1]", q));
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
        if start == f64::NEG_INFINITY {
            // A bucket above `le = -Inf` has no finite lower end to interpolate
            // from: its upper bound, as the +Inf bucket gives its lower one.
            return Ok(Some(end));
        }
        let fraction = rank / count;
        let width = end - start;
        Ok(Some(if width.is_finite() {
            start + width * fraction
        } else {
            // Ends of opposite signs near ±f64::MAX: the same point, without the
            // overflowing width.
            start * (1.0 - fraction) + end * fraction
        }))
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
            return Err(Error::Mismatch {
                name: "bucket bounds of the two snapshots",
                expected: "identical",
                got: format!("{:?} then {:?}", earlier.bounds, later.bounds),
            });
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

impl ClassicHistogram {
    /// Each bucket's own count (the difference of cumulative counts), which must be a
    /// whole number of observations.
    /// The upper bounds, ascending, ending at +Inf.
    pub(crate) fn bounds(&self) -> &[f64] {
        &self.bounds
    }

    /// The sum of two histograms over the same bounds (bucket by bucket).
    ///
    /// # Errors
    /// - [`Error::Mismatch`] if the bounds differ; [`Error::InvalidParameter`] if a
    ///   sum is not finite.
    pub(crate) fn add(&self, other: &Self) -> Result<Self, Error> {
        if self.bounds != other.bounds {
            return Err(Error::Mismatch {
                name: "bucket bounds of successive histograms",
                expected: "the same as the first observation's",
                got: format!("{:?} after {:?}", other.bounds, self.bounds),
            });
        }
        let counts: Vec<f64> = self
            .counts
            .iter()
            .zip(&other.counts)
            .map(|(a, b)| a + b)
            .collect();
        if let Some(&c) = counts.iter().find(|c| !c.is_finite()) {
            return Err(Error::invalid("summed bucket count", "finite", c));
        }
        Ok(Self {
            bounds: self.bounds.clone(),
            counts,
        })
    }

    /// The per-bucket (not cumulative) counts as whole numbers.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] for a fractional or huge count.
    pub(crate) fn own_counts(&self) -> Result<Vec<u64>, Error> {
        let mut previous = 0.0;
        self.counts
            .iter()
            .map(|&cumulative| {
                let c = cumulative - previous;
                previous = cumulative;
                if c.fract() != 0.0 || c > u64::MAX as f64 {
                    return Err(Error::invalid(
                        "bucket count",
                        "a whole number of observations",
                        c,
                    ));
                }
                Ok(c as u64)
            })
            .collect()
    }

    /// The buckets as (lower edge, upper edge, own count), lowest first; the lowest
    /// starts at 0 when its bound is positive (as PromQL assumes), else at −∞.
    fn edges(&self) -> Result<impl Iterator<Item = (f64, f64, u64)> + '_, Error> {
        let own = self.own_counts()?;
        let first = if self.bounds[0] > 0.0 {
            0.0
        } else {
            f64::NEG_INFINITY
        };
        let lowers = std::iter::once(first).chain(self.bounds.iter().copied());
        Ok(lowers
            .zip(self.bounds.iter().copied())
            .zip(own)
            .map(|((lo, hi), c)| (lo, hi, c)))
    }
}

impl QuantileSource for ClassicHistogram {}

impl Source for ClassicHistogram {
    fn observations(&self) -> Result<u64, Error> {
        Ok(self
            .own_counts()?
            .iter()
            .fold(0u64, |a, &c| a.saturating_add(c)))
    }

    fn locate_quantile(&self, p: f64, ranks: Option<(u64, u64)>) -> Result<Located, Error> {
        let estimate = self.quantile(p)?;
        let bounds = match ranks {
            Some((l, u)) => enclose_in_bins(self.edges()?, l, u),
            None => None,
        };
        Ok(Located { estimate, bounds })
    }
}

/// An OpenTelemetry exponential histogram: bucket i of scale s holds values in
/// (base^i, base^(i+1)] with base = 2^(2^−s); positive and negative buckets are dense
/// runs starting at an offset; values of magnitude at most the zero threshold count
/// as zero (0 unless set by [`ExponentialHistogram::with_zero_threshold`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct ExponentialHistogram {
    scale: i32,
    zero_count: u64,
    positive_offset: i32,
    positive: Vec<u64>,
    negative_offset: i32,
    negative: Vec<u64>,
    #[cfg_attr(feature = "serde", serde(default, with = "crate::serde_float"))]
    zero_threshold: f64,
}

validated_serde!(ExponentialHistogram);

impl crate::validated::Validate for ExponentialHistogram {
    /// The checks of [`ExponentialHistogram::new`] and
    /// [`ExponentialHistogram::with_zero_threshold`] (which call this), with their
    /// errors.
    fn validate(&self) -> Result<(), Error> {
        if !(-10..=20).contains(&self.scale) {
            return Err(Error::invalid(
                "exponential histogram scale",
                "within [-10, 20]",
                f64::from(self.scale),
            ));
        }
        for (offset, run) in [
            (self.positive_offset, &self.positive),
            (self.negative_offset, &self.negative),
        ] {
            if i64::from(offset) + run.len() as i64 > i64::from(i32::MAX) {
                return Err(Error::invalid(
                    "bucket offset plus count",
                    "within the i32 index range",
                    f64::from(offset),
                ));
            }
        }
        if !(self.zero_threshold.is_finite() && self.zero_threshold >= 0.0) {
            return Err(Error::invalid(
                "zero threshold",
                "finite and >= 0",
                self.zero_threshold,
            ));
        }
        Ok(())
    }
}

impl ExponentialHistogram {
    /// A histogram from the OTLP fields.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if the scale is outside OpenTelemetry's [−10, 20],
    ///   or a bucket run would reach beyond the index range of i32.
    pub fn new(
        scale: i32,
        zero_count: u64,
        positive_offset: i32,
        positive: Vec<u64>,
        negative_offset: i32,
        negative: Vec<u64>,
    ) -> Result<Self, Error> {
        let histogram = Self {
            scale,
            zero_count,
            positive_offset,
            positive,
            negative_offset,
            negative,
            zero_threshold: 0.0,
        };
        crate::validated::Validate::validate(&histogram)?;
        Ok(histogram)
    }

    /// Sets OTLP's `zero_threshold`: the zero bucket holds values of magnitude at most
    /// this. It only widens the intervals of [`quantile_interval`](crate::compare::quantile::quantile_interval)
    /// whose ranks fall in the zero bucket; quantiles there are reported as 0.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] unless the threshold is finite and ≥ 0.
    pub fn with_zero_threshold(mut self, threshold: f64) -> Result<Self, Error> {
        self.zero_threshold = threshold;
        crate::validated::Validate::validate(&self)?;
        Ok(self)
    }

    /// base^index: the lower edge of positive bucket `index` (saturating to 0 and ∞).
    fn edge(&self, index: i64) -> f64 {
        2f64.powf(index as f64 * 2f64.powi(-self.scale))
    }

    /// Every bucket as (lower edge, upper edge, count), lowest values first.
    fn edges(&self) -> impl Iterator<Item = (f64, f64, u64)> + '_ {
        let negative = self.negative.iter().enumerate().rev().map(|(i, &c)| {
            let index = i64::from(self.negative_offset) + i as i64;
            (-self.edge(index + 1), -self.edge(index), c)
        });
        let zero = std::iter::once((-self.zero_threshold, self.zero_threshold, self.zero_count));
        let positive = self.positive.iter().enumerate().map(|(i, &c)| {
            let index = i64::from(self.positive_offset) + i as i64;
            (self.edge(index), self.edge(index + 1), c)
        });
        negative.chain(zero).chain(positive)
    }

    fn base(&self) -> f64 {
        2f64.powf(2f64.powi(-self.scale))
    }

    /// A run's buckets as (bucket index, count), lowest index first.
    fn indexed(offset: i32, run: &[u64]) -> impl Iterator<Item = (i64, u64)> + '_ {
        run.iter()
            .enumerate()
            .map(move |(i, &c)| (i64::from(offset) + i as i64, c))
    }

    /// The sum of two histograms (OpenTelemetry's merge): both are brought to the
    /// coarser scale (bucket index i at scale s is index i >> (s − s') at scale
    /// s' < s, which is exact: every finer bucket lies inside one coarser one), then
    /// counts are added bucket by bucket.
    ///
    /// # Errors
    /// - [`Error::Mismatch`] if the zero thresholds differ (values inside one
    ///   threshold but outside the other cannot be placed).
    /// - [`Error::InvalidParameter`] if a count overflows u64 or the merged buckets
    ///   would span beyond the i32 index range.
    pub(crate) fn merge(&self, other: &Self) -> Result<Self, Error> {
        if self.zero_threshold.to_bits() != other.zero_threshold.to_bits() {
            return Err(Error::Mismatch {
                name: "zero thresholds of merged exponential histograms",
                expected: "equal",
                got: format!("{} and {}", self.zero_threshold, other.zero_threshold),
            });
        }
        let scale = self.scale.min(other.scale);
        let merge_run = |a: (i32, &[u64], i32),
                         b: (i32, &[u64], i32)|
         -> Result<(i32, Vec<u64>), Error> {
            let mut buckets: std::collections::BTreeMap<i64, u64> =
                std::collections::BTreeMap::new();
            for (offset, run, from) in [a, b] {
                let shift = (from - scale) as u32;
                for (index, c) in Self::indexed(offset, run).filter(|&(_, c)| c > 0) {
                    let slot = buckets.entry(index >> shift).or_insert(0);
                    *slot = slot.checked_add(c).ok_or_else(|| {
                        Error::invalid("merged bucket count", "below 2^64", c as f64)
                    })?;
                }
            }
            let (Some((&first, _)), Some((&last, _))) =
                (buckets.first_key_value(), buckets.last_key_value())
            else {
                return Ok((0, Vec::new()));
            };
            if last - first >= 1 << 24 {
                return Err(Error::invalid(
                    "merged bucket span",
                    "below 2^24 buckets",
                    (last - first) as f64,
                ));
            }
            let mut dense = vec![0u64; (last - first + 1) as usize];
            for (k, c) in buckets {
                dense[(k - first) as usize] = c;
            }
            let offset = i32::try_from(first)
                .map_err(|_| Error::invalid("merged bucket offset", "within i32", first as f64))?;
            Ok((offset, dense))
        };
        let (positive_offset, positive) = merge_run(
            (self.positive_offset, &self.positive, self.scale),
            (other.positive_offset, &other.positive, other.scale),
        )?;
        let (negative_offset, negative) = merge_run(
            (self.negative_offset, &self.negative, self.scale),
            (other.negative_offset, &other.negative, other.scale),
        )?;
        let zero_count = self
            .zero_count
            .checked_add(other.zero_count)
            .ok_or_else(|| {
                Error::invalid("merged zero count", "below 2^64", self.zero_count as f64)
            })?;
        let merged = Self {
            scale,
            zero_count,
            positive_offset,
            positive,
            negative_offset,
            negative,
            zero_threshold: self.zero_threshold,
        };
        crate::validated::Validate::validate(&merged)?;
        Ok(merged)
    }

    /// The two histograms' counts over common bins in ascending order of value (the
    /// negative buckets from the largest magnitude down, the zero bucket, the positive
    /// buckets up), as (canary, baseline) pairs for the binned rank test: both are
    /// first merged onto the coarser scale.
    pub(crate) fn common_bins(baseline: &Self, canary: &Self) -> Result<Vec<(u64, u64)>, Error> {
        let empty = |h: &Self| Self {
            zero_count: 0,
            positive: Vec::new(),
            negative: Vec::new(),
            ..h.clone()
        };
        // Bring both to the common scale (merging with an empty copy of the other).
        let b = baseline.merge(&empty(canary))?;
        let c = canary.merge(&empty(baseline))?;
        // (canary, baseline) counts per bucket index of one sign.
        let join = |(co, cr): (i32, &[u64]), (bo, br): (i32, &[u64])| {
            let mut all: std::collections::BTreeMap<i64, (u64, u64)> =
                std::collections::BTreeMap::new();
            for (k, n) in Self::indexed(co, cr) {
                all.entry(k).or_default().0 = n;
            }
            for (k, n) in Self::indexed(bo, br) {
                all.entry(k).or_default().1 = n;
            }
            all
        };
        let mut bins: Vec<(u64, u64)> = Vec::new();
        // Negative values: a higher index is a larger magnitude, so a smaller value.
        let negative = join(
            (c.negative_offset, &c.negative),
            (b.negative_offset, &b.negative),
        );
        bins.extend(negative.into_values().rev());
        bins.push((c.zero_count, b.zero_count));
        let positive = join(
            (c.positive_offset, &c.positive),
            (b.positive_offset, &b.positive),
        );
        bins.extend(positive.into_values());
        bins.retain(|&(x, y)| x > 0 || y > 0);
        Ok(bins)
    }

    /// The largest relative error of a bucket's representative against any value in
    /// the bucket: (base − 1)/(base + 1) (about 2^−s·ln2/2 for large scales).
    pub fn relative_error_bound(&self) -> f64 {
        // Written so that base = 2^1024 (scale −10, beyond f64) gives the limit 1.
        1.0 - 2.0 / (self.base() + 1.0)
    }

    /// Total number of observations.
    pub fn total(&self) -> u64 {
        self.positive
            .iter()
            .chain(&self.negative)
            .fold(self.zero_count, |a, &c| a.saturating_add(c))
    }

    /// Representative of positive bucket `index` = (L, U]: 2LU/(L + U), which is within
    /// relative error (U − L)/(U + L) of every value in the bucket (the arithmetic
    /// midpoint is not: it is 50% off the lower end at scale 0). Saturating.
    fn representative(&self, index: i64) -> f64 {
        // 2L·base/(1 + base), written to reach its limit 2L when base overflows.
        let lower = self.edge(index);
        (2.0 * lower / (1.0 + 1.0 / self.base())).min(f64::MAX)
    }

    /// The q-quantile: the representative of the bucket holding the order statistic of rank
    /// ⌊q·(n − 1)⌋, so within [`ExponentialHistogram::relative_error_bound`] of it
    /// (0 for the zero bucket). `None` without observations.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if q is NaN or outside [0, 1].
    ///
    /// # Example
    /// ```
    /// use canary_judge::input::histogram::ExponentialHistogram;
    /// // Scale 0: buckets (1, 2], (2, 4], (4, 8] with 1, 2 and 1 observations.
    /// let h = ExponentialHistogram::new(0, 0, 0, vec![1, 2, 1], 0, vec![])?;
    /// // The median lies in (2, 4]; its representative is 2·2·4/(2 + 4) = 8/3.
    /// assert!((h.quantile(0.5)?.unwrap() - 8.0 / 3.0).abs() < 1e-12);
    /// assert!((h.relative_error_bound() - 1.0 / 3.0).abs() < 1e-15);
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn quantile(&self, q: f64) -> Result<Option<f64>, Error> {
        if !(0.0..=1.0).contains(&q) {
            return Err(Error::invalid("quantile", "within [0, 1]", q));
        }
        let total = self.total();
        if total == 0 {
            return Ok(None);
        }
        let rank = (q * (total - 1) as f64).floor() as u64;
        let mut seen = 0u64;
        // Most negative first: negative buckets from the highest index down.
        for (i, &c) in self.negative.iter().enumerate().rev() {
            seen = seen.saturating_add(c);
            if seen > rank {
                return Ok(Some(
                    -self.representative(i64::from(self.negative_offset) + i as i64),
                ));
            }
        }
        seen = seen.saturating_add(self.zero_count);
        if seen > rank {
            return Ok(Some(0.0));
        }
        for (i, &c) in self.positive.iter().enumerate() {
            seen = seen.saturating_add(c);
            if seen > rank {
                return Ok(Some(
                    self.representative(i64::from(self.positive_offset) + i as i64),
                ));
            }
        }
        Ok(None)
    }
}

impl QuantileSource for ExponentialHistogram {}

impl Source for ExponentialHistogram {
    fn observations(&self) -> Result<u64, Error> {
        Ok(self.total())
    }

    fn locate_quantile(&self, p: f64, ranks: Option<(u64, u64)>) -> Result<Located, Error> {
        Ok(Located {
            estimate: self.quantile(p)?,
            bounds: ranks.and_then(|(l, u)| enclose_in_bins(self.edges(), l, u)),
        })
    }
}

#[cfg(test)]
mod merge_tests {
    use super::*;
    use crate::compare::histogram::mann_whitney_exponential;
    use crate::compare::{Alternative, MannWhitney};
    use crate::num::rng::SplitMix64;

    /// Values into an exponential histogram at `scale`: index ⌈log_base(|v|)⌉ − 1.
    fn histogram(values: &[f64], scale: i32) -> ExponentialHistogram {
        let base = 2f64.powf(2f64.powi(-scale));
        let mut pos = std::collections::BTreeMap::<i64, u64>::new();
        let mut neg = std::collections::BTreeMap::<i64, u64>::new();
        let mut zero = 0;
        for &v in values {
            if v == 0.0 {
                zero += 1;
                continue;
            }
            let i = ((v.abs().ln() / base.ln()).ceil() as i64) - 1;
            *if v > 0.0 { &mut pos } else { &mut neg }
                .entry(i)
                .or_default() += 1;
        }
        let dense = |m: &std::collections::BTreeMap<i64, u64>| {
            let Some((&lo, _)) = m.first_key_value() else {
                return (0, Vec::new());
            };
            let hi = *m.last_key_value().unwrap().0;
            let mut v = vec![0; (hi - lo + 1) as usize];
            m.iter().for_each(|(&k, &c)| v[(k - lo) as usize] = c);
            (lo as i32, v)
        };
        let ((po, p), (no, n)) = (dense(&pos), dense(&neg));
        ExponentialHistogram::new(scale, zero, po, p, no, n).unwrap()
    }

    fn draws(seed: u64, n: usize) -> Vec<f64> {
        let mut g = SplitMix64::new(seed);
        // Powers of two only, so every scale places them without rounding doubt.
        (0..n)
            .map(|_| {
                let e = g.below(12) as i32 - 4;
                let sign = if g.below(5) == 0 { -1.0 } else { 1.0 };
                if g.below(20) == 0 {
                    0.0
                } else {
                    sign * 2f64.powi(e) * 1.5
                }
            })
            .collect()
    }

    /// Merging at different scales equals building the coarser histogram from all
    /// the values; the result does not depend on the order.
    #[test]
    fn merge_is_the_union_at_the_coarser_scale() {
        for seed in 0..20 {
            let (a, b) = (draws(seed, 200), draws(seed + 100, 150));
            for (sa, sb) in [(3, 1), (1, 3), (2, 2), (0, 4)] {
                let merged = histogram(&a, sa).merge(&histogram(&b, sb)).unwrap();
                let all: Vec<f64> = a.iter().chain(&b).copied().collect();
                let want = histogram(&all, sa.min(sb));
                assert_eq!(merged.total(), want.total());
                assert_eq!(
                    (merged.scale, merged.zero_count),
                    (want.scale, want.zero_count)
                );
                let trim = |h: &ExponentialHistogram| {
                    let nonzero = |offset, run| {
                        ExponentialHistogram::indexed(offset, run)
                            .filter(|&(_, c)| c > 0)
                            .collect::<Vec<_>>()
                    };
                    (
                        nonzero(h.positive_offset, &h.positive),
                        nonzero(h.negative_offset, &h.negative),
                    )
                };
                assert_eq!(trim(&merged), trim(&want), "seed {seed} scales {sa} {sb}");
                let other = histogram(&b, sb).merge(&histogram(&a, sa)).unwrap();
                assert_eq!(trim(&other), trim(&merged));
            }
        }
        let a = histogram(&[1.0], 0).with_zero_threshold(0.5).unwrap();
        assert!(a.merge(&histogram(&[1.0], 0)).is_err());
    }

    /// The binned rank test on two exponential histograms equals the rank test on
    /// the bucket representatives of the coarser scale (ranks depend only on order).
    #[test]
    fn rank_test_equals_the_test_on_representatives() {
        for seed in 0..20 {
            let (a, b) = (draws(seed, 60), draws(seed + 7, 45));
            let (ha, hb) = (histogram(&a, 2), histogram(&b, 1));
            let test = MannWhitney::new().alternative(Alternative::TwoSided);
            let got = mann_whitney_exponential(&ha, &hb, &test).unwrap();
            // Representatives at scale 1: bucket index of each value there.
            let coarse = |v: &[f64]| -> Vec<f64> {
                let h = histogram(v, 1);
                let mut out = Vec::new();
                for (i, &c) in h.negative.iter().enumerate().rev() {
                    out.extend(std::iter::repeat_n(
                        -h.representative(i64::from(h.negative_offset) + i as i64),
                        c as usize,
                    ));
                }
                out.extend(std::iter::repeat_n(0.0, h.zero_count as usize));
                for (i, &c) in h.positive.iter().enumerate() {
                    out.extend(std::iter::repeat_n(
                        h.representative(i64::from(h.positive_offset) + i as i64),
                        c as usize,
                    ));
                }
                out
            };
            let want = test
                .test_only()
                .compare(
                    &crate::Sample::new(coarse(&a)).unwrap(),
                    &crate::Sample::new(coarse(&b)).unwrap(),
                )
                .unwrap();
            assert_eq!(
                (got.u_canary, got.p_value.to_bits()),
                (want.u_canary, want.p_value.to_bits()),
                "seed {seed}"
            );
        }
    }
}
