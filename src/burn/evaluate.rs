//! Multi-window multi-burn-rate rules over a bucketed series of counts.

use std::time::Duration;

use super::tiers::Tier;
use super::{Objective, Ratio};
use crate::{Error, EventCounts};

/// Counts in consecutive buckets of equal width, oldest first; the series ends at the
/// evaluation time. Window sums cost O(1) (prefix sums).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    bucket: Duration,
    // prefix[i] = (bad, total) over buckets [0, i)
    prefix: Vec<(u128, u128)>,
}

impl Series {
    /// A series of `counts`, one per bucket of width `bucket`.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if the bucket width is zero.
    pub fn new(bucket: Duration, counts: &[EventCounts]) -> Result<Self, Error> {
        if bucket.is_zero() {
            return Err(Error::InvalidParameter {
                name: "bucket width (seconds)",
                expected: "positive",
                value: 0.0,
            });
        }
        let mut prefix = Vec::with_capacity(counts.len() + 1);
        let (mut bad, mut total) = (0u128, 0u128);
        prefix.push((0, 0));
        for c in counts {
            bad += c.events() as u128;
            total += c.total() as u128;
            prefix.push((bad, total));
        }
        Ok(Self { bucket, prefix })
    }

    /// Number of buckets.
    pub fn len(&self) -> usize {
        self.prefix.len() - 1
    }

    /// Whether the series has no buckets.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bucket width.
    pub fn bucket(&self) -> Duration {
        self.bucket
    }

    /// How many buckets a window spans.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if the window is not a whole number of buckets.
    pub fn buckets_in(&self, window: Duration) -> Result<usize, Error> {
        let (w, b) = (window.as_nanos(), self.bucket.as_nanos());
        if w % b != 0 {
            return Err(Error::InvalidParameter {
                name: "window (seconds)",
                expected: "a whole number of buckets",
                value: window.as_secs_f64(),
            });
        }
        Ok((w / b) as usize)
    }

    /// The error ratio over the `k` buckets ending just before bucket `end` (fewer at
    /// the start of the series); no data without traffic or below `min_events`.
    fn ratio(&self, end: usize, k: usize, min_events: u64) -> Ratio {
        let start = end.saturating_sub(k);
        let (b1, t1) = self.prefix[end];
        let (b0, t0) = self.prefix[start];
        if t1 == t0 || t1 - t0 < min_events as u128 {
            return Ratio::NoData;
        }
        Ratio::Value((b1 - b0) as f64 / (t1 - t0) as f64)
    }
}

/// How a window's ratio is compared with its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Comparator {
    /// Strictly greater (the default, as Sloth and Pyrra generate).
    #[default]
    Greater,
    /// Greater or equal.
    GreaterOrEqual,
}

/// How windows are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Options {
    /// Strict (default) or non-strict comparison with the threshold.
    pub comparator: Comparator,
    /// Windows with fewer events than this count as no data (default 0): a guard
    /// against paging on a handful of failures of a low-volume service.
    pub min_events: u64,
}

/// A tier's state at the evaluation time.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TierState {
    /// Both windows exceed the threshold, and have for at least the tier's hold.
    Firing,
    /// Both windows exceed the threshold, but not yet for the whole hold.
    Pending {
        /// How long the condition has held so far.
        held: Duration,
    },
    /// At least one window is at or below the threshold.
    Inactive,
    /// A window saw no traffic, so there is nothing to compare.
    NoData,
}

/// One tier's evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TierResult {
    /// The tier's state.
    pub state: TierState,
    /// Burn rate over the long window.
    pub long_burn: Ratio,
    /// Burn rate over the short window.
    pub short_burn: Ratio,
    /// Whether the long window is above the tier's threshold now.
    pub long_tripped: bool,
    /// Whether the short window is above the tier's threshold now.
    pub short_tripped: bool,
}

/// The evaluation of a tier set.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Evaluation {
    /// One result per tier, in the tiers' order.
    pub tiers: Vec<TierResult>,
    /// The firing tier with the highest factor (for inhibiting slower alerts).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub highest_firing: Option<usize>,
}

impl Evaluation {
    /// Whether any tier of `severity` fires: Sloth's alerts, where the page alert is
    /// the OR of the page tiers and the ticket alert the OR of the ticket tiers.
    /// `tiers` must be the slice that was evaluated.
    pub fn any_firing(&self, tiers: &[Tier], severity: super::tiers::Severity) -> bool {
        self.tiers
            .iter()
            .zip(tiers)
            .any(|(r, t)| t.severity == severity && r.state == TierState::Firing)
    }
}

/// Evaluates every tier at the end of `series`.
///
/// A tier's condition at a time is that its long and its short window both have data
/// (at least `options.min_events` events) and both error ratios exceed factor·b
/// (strictly, unless `options.comparator` says otherwise); windows reaching before the
/// series start use the buckets there are.
/// With a hold, the condition must also have been true at every bucket end over the
/// last `hold`.
///
/// # Errors
/// - [`Error::InvalidParameter`] if a window or hold is not a whole number of buckets,
///   or a tier's factor is not finite and > 0 ([`Tier::validate`]).
///
/// # Example
/// ```
/// use std::time::Duration;
/// use canary_judge::{EventCounts, burn::{Objective, evaluate::{evaluate, Options, Series, TierState}, tiers}};
/// let minute = Duration::from_secs(60);
/// // 3 days of minutes at 0.05% errors, then 90 minutes at 2%.
/// let mut counts = vec![EventCounts::new(5, 10_000)?; 3 * 24 * 60 - 90];
/// counts.extend(vec![EventCounts::new(200, 10_000)?; 90]);
/// let series = Series::new(minute, &counts)?;
/// let slo = Objective::new(0.999)?;
/// let e = evaluate(slo, &tiers::sloth(tiers::thirty_days())?, &series, &Options::default())?;
/// assert_eq!(e.tiers[0].state, TierState::Firing); // page, 14.4 over 1h and 5m
/// assert_eq!(e.highest_firing, Some(0));
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn evaluate(
    objective: Objective,
    tiers: &[Tier],
    series: &Series,
    options: &Options,
) -> Result<Evaluation, Error> {
    evaluate_at(objective, tiers, series, series.len(), options)
}

/// As [`evaluate`], at the end of bucket `end − 1` (so `end = series.len()` is the
/// series end); for replaying a recorded series step by step.
///
/// # Errors
/// As [`evaluate`], and [`Error::InvalidParameter`] if `end` exceeds the series.
pub fn evaluate_at(
    objective: Objective,
    tiers: &[Tier],
    series: &Series,
    end: usize,
    options: &Options,
) -> Result<Evaluation, Error> {
    if end > series.len() {
        return Err(Error::InvalidParameter {
            name: "evaluation bucket",
            expected: "at most the series length",
            value: end as f64,
        });
    }
    let b = objective.budget();
    tiers.iter().try_for_each(Tier::validate)?;
    let mut results = Vec::with_capacity(tiers.len());
    for t in tiers {
        let (kl, ks, kh) = (
            series.buckets_in(t.long)?,
            series.buckets_in(t.short)?,
            series.buckets_in(t.hold)?,
        );
        let limit = t.factor * b;
        let above = |r: Ratio| match (r, options.comparator) {
            (Ratio::Value(v), Comparator::Greater) => v > limit,
            (Ratio::Value(v), Comparator::GreaterOrEqual) => v >= limit,
            (Ratio::NoData, _) => false,
        };
        let window = |at: usize, k: usize| {
            if k == 0 {
                Ratio::NoData
            } else {
                series.ratio(at, k, options.min_events)
            }
        };
        let condition = |at: usize| above(window(at, kl)) && above(window(at, ks));
        let (long, short) = (window(end, kl), window(end, ks));
        let burn = |r: Ratio| match r {
            Ratio::Value(v) => Ratio::Value(v / b),
            Ratio::NoData => Ratio::NoData,
        };
        let state = if long == Ratio::NoData || short == Ratio::NoData {
            TierState::NoData
        } else if !condition(end) {
            TierState::Inactive
        } else {
            // Count back the bucket ends at which the condition held without a break.
            let mut steps = 0usize;
            while steps < kh && end > steps && condition(end - steps - 1) {
                steps += 1;
            }
            if steps >= kh {
                TierState::Firing
            } else {
                TierState::Pending {
                    held: series.bucket * steps as u32,
                }
            }
        };
        results.push(TierResult {
            state,
            long_burn: burn(long),
            short_burn: burn(short),
            long_tripped: above(long),
            short_tripped: above(short),
        });
    }
    let highest_firing = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.state == TierState::Firing)
        .max_by(|a, b| tiers[a.0].factor.total_cmp(&tiers[b.0].factor))
        .map(|(i, _)| i);
    Ok(Evaluation {
        tiers: results,
        highest_firing,
    })
}
