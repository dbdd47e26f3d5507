//! How per-bucket counts become one ratio, and SLIs from other shapes of data.
//!
//! - [`ratio_of_sums`]: every event weighs the same (the default, and what
//!   [`super::evaluate::Series`] computes).
//! - [`mean_of_ratios`]: every bucket weighs the same (Sloth's "optimized" period
//!   ratio); with uneven traffic it lets quiet hours count as much as busy ones.
//! - [`time_slices`]: time-slice SLOs, counting good and bad slices instead of events.
//! - [`latency_sli`]: "requests faster than a threshold" from histogram buckets.

use super::Ratio;
use crate::{Error, EventCounts};

/// Σ bad / Σ total over the buckets; no data without traffic.
pub fn ratio_of_sums(buckets: &[EventCounts]) -> Ratio {
    let (bad, total) = buckets.iter().fold((0u128, 0u128), |(b, t), c| {
        (b + c.events() as u128, t + c.total() as u128)
    });
    if total == 0 {
        Ratio::NoData
    } else {
        Ratio::Value(bad as f64 / total as f64)
    }
}

/// The unweighted mean of the buckets' ratios (Sloth's optimized period ratio).
/// Buckets without traffic are left out rather than poisoning the mean with NaN, as
/// one empty bucket does in Prometheus for up to a whole period; no data if every
/// bucket is empty.
///
/// # Example
/// ```
/// use canary_judge::{EventCounts, burn::{Ratio, aggregate::{mean_of_ratios, ratio_of_sums}}};
/// // A busy hour at 0.1% errors and a quiet one at 10%.
/// let hours = [EventCounts::new(100, 100_000)?, EventCounts::new(10, 100)?];
/// assert_eq!(mean_of_ratios(&hours), Ratio::Value(0.0505));
/// assert!((ratio_of_sums(&hours).value().unwrap() - 110.0 / 100_100.0).abs() < 1e-15);
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn mean_of_ratios(buckets: &[EventCounts]) -> Ratio {
    let (sum, n) = buckets
        .iter()
        .filter_map(|c| c.rate())
        .fold((0.0, 0usize), |(s, n), r| (s + r, n + 1));
    if n == 0 {
        Ratio::NoData
    } else {
        Ratio::Value(sum / n as f64)
    }
}

/// What a time slice without traffic counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum EmptySlice {
    /// Left out of both counts (the default).
    #[default]
    Skip,
    /// A good slice.
    Good,
    /// A bad slice.
    Bad,
}

/// A time-slice SLI: each bucket is one slice, bad when its error ratio exceeds
/// `max_error_ratio`; the result counts bad slices out of all counted slices, ready
/// for the same budget arithmetic as events.
///
/// # Errors
/// - [`Error::InvalidParameter`] unless 0 ≤ `max_error_ratio` < 1.
pub fn time_slices(
    buckets: &[EventCounts],
    max_error_ratio: f64,
    empty: EmptySlice,
) -> Result<EventCounts, Error> {
    if !(0.0..1.0).contains(&max_error_ratio) {
        return Err(Error::InvalidParameter {
            name: "maximum error ratio of a good slice",
            expected: "within [0, 1)",
            value: max_error_ratio,
        });
    }
    let (mut bad, mut total) = (0u64, 0u64);
    for c in buckets {
        match (c.rate(), empty) {
            (Some(r), _) => {
                total += 1;
                bad += u64::from(r > max_error_ratio);
            }
            (None, EmptySlice::Skip) => {}
            (None, EmptySlice::Good) => total += 1,
            (None, EmptySlice::Bad) => {
                total += 1;
                bad += 1;
            }
        }
    }
    EventCounts::new(bad, total)
}

/// A latency SLI from cumulative histogram buckets (Prometheus `le` upper bounds with
/// cumulative counts, ending at +Inf): requests in the bucket whose bound equals
/// `threshold` are good, the rest of the +Inf count is bad.
///
/// # Errors
/// - [`Error::InvalidParameter`] if the bounds are not strictly increasing, a bound is
///   NaN, the last bound is not +Inf, a count decreases, or `threshold` is not one of
///   the finite bounds (a histogram cannot tell which side of a non-bound a request
///   fell).
///
/// # Example
/// ```
/// use canary_judge::burn::aggregate::latency_sli;
/// let buckets = [(0.1, 900), (0.3, 980), (1.0, 995), (f64::INFINITY, 1000)];
/// let sli = latency_sli(&buckets, 0.3)?; // requests under 300 ms are good
/// assert_eq!((sli.events(), sli.total()), (20, 1000));
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn latency_sli(buckets: &[(f64, u64)], threshold: f64) -> Result<EventCounts, Error> {
    let bad_input = |name, expected, value| {
        Err(Error::InvalidParameter {
            name,
            expected,
            value,
        })
    };
    for (i, &(le, count)) in buckets.iter().enumerate() {
        if le.is_nan() {
            return bad_input("bucket bound", "a number", le);
        }
        if i > 0 {
            let (prev_le, prev_count) = buckets[i - 1];
            if le <= prev_le {
                return bad_input("bucket bound", "strictly increasing", le);
            }
            if count < prev_count {
                return bad_input("cumulative bucket count", "non-decreasing", count as f64);
            }
        }
    }
    let Some(&(last_le, total)) = buckets.last() else {
        return bad_input("number of buckets", "at least one (+Inf)", 0.0);
    };
    if last_le != f64::INFINITY {
        return bad_input("last bucket bound", "+Inf", last_le);
    }
    match buckets
        .iter()
        .find(|&&(le, _)| le == threshold && le.is_finite())
    {
        Some(&(_, good)) => EventCounts::new(total - good, total),
        None => bad_input(
            "latency threshold",
            "one of the finite bucket bounds",
            threshold,
        ),
    }
}
