//! The Mann–Whitney test between two histograms of the same layout: every bucket is
//! a group of tied values, so U, its tie-corrected p-value and the effect sizes are
//! exact, but no shift interval exists (the values inside a bucket are unknown).

use super::{MannWhitney, MannWhitneyResult};
use crate::Error;
use crate::input::histogram::{ClassicHistogram, ExponentialHistogram};

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
///   whole number (rates or extrapolated increases must be turned back into counts),
///   or if either histogram holds more than 2^40 (about 1.1·10¹²) observations, past
///   which the tie term Σ(t³ − t) would no longer be exact (take the delta of two
///   snapshots, or merge into a coarser window).
/// - [`Error::EmptySample`] if either histogram has no observations.
/// - As [`MannWhitney::compare`] otherwise.
///
/// # Example
/// ```
/// use canary_judge::compare::{histogram::mann_whitney, Alternative, MannWhitney};
/// use canary_judge::input::histogram::ClassicHistogram;
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
    if baseline.bounds() != canary.bounds() {
        return Err(Error::Mismatch {
            name: "bucket bounds of the two histograms",
            expected: "identical",
            got: format!(
                "{:?} (baseline) and {:?} (canary)",
                baseline.bounds(),
                canary.bounds()
            ),
        });
    }
    let (c, b) = (canary.own_counts()?, baseline.own_counts()?);
    let bins: Vec<(u64, u64)> = c.into_iter().zip(b).collect();
    super::mann_whitney_bins(&test.test_only(), &bins)
}

/// The Mann–Whitney test on two OpenTelemetry exponential histograms' bucket counts
/// (values within one bucket count as tied), after bringing both to the coarser
/// scale; like [`mann_whitney`] it gives U, the p-value and the effect sizes but no
/// shift (the values inside a bucket are unknown).
///
/// # Errors
/// - [`Error::Mismatch`] if the zero thresholds differ; [`Error::EmptySample`] if
///   a side holds no observations; [`Error::InvalidParameter`] for counts beyond the
///   binned test's limit.
///
/// # Example
/// ```
/// use canary_judge::compare::histogram::mann_whitney_exponential;
/// use canary_judge::input::histogram::ExponentialHistogram;
/// use canary_judge::compare::{Alternative, MannWhitney};
/// // Scale 0: bucket i holds (2^i, 2^(i+1)]. The canary sits one bucket higher.
/// let base = ExponentialHistogram::new(0, 0, 3, vec![50, 300, 50], 0, vec![])?;
/// let canary = ExponentialHistogram::new(0, 0, 4, vec![50, 300, 50], 0, vec![])?;
/// let r = mann_whitney_exponential(&base, &canary, &MannWhitney::new().alternative(Alternative::Greater))?;
/// assert!(r.p_value < 1e-10);
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn mann_whitney_exponential(
    baseline: &ExponentialHistogram,
    canary: &ExponentialHistogram,
    test: &MannWhitney,
) -> Result<MannWhitneyResult, Error> {
    let bins = ExponentialHistogram::common_bins(baseline, canary)?;
    super::mann_whitney_bins(&test.test_only(), &bins)
}
