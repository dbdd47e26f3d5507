//! Cumulative counters to increases over a window, with counter resets.
//!
//! A sample is (time in seconds, counter value). Counters only go up, except when the
//! process restarts and the counter resets toward zero; a drop is therefore taken as
//! a reset, and the value before it is added back (as Prometheus does).

use crate::Error;

/// Validates samples: at least nothing non-finite, negative, or out of order.
fn check(samples: &[(f64, f64)]) -> Result<(), Error> {
    for (i, &(t, v)) in samples.iter().enumerate() {
        if !t.is_finite() {
            return Err(Error::InvalidParameter {
                name: "sample time",
                expected: "finite",
                value: t,
            });
        }
        if !(v.is_finite() && v >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "counter value",
                expected: "finite and >= 0",
                value: v,
            });
        }
        if i > 0 && t <= samples[i - 1].0 {
            return Err(Error::InvalidParameter {
                name: "sample time",
                expected: "strictly increasing",
                value: t,
            });
        }
    }
    Ok(())
}

/// The exact increase between the first and the last sample: last − first plus the
/// value before every reset. `None` with fewer than two samples (no increase can be
/// observed).
///
/// # Errors
/// - [`Error::InvalidParameter`] for a non-finite time, a negative or non-finite value,
///   or times that do not strictly increase.
///
/// # Example
/// ```
/// use canary_judge::burn::counters::increase;
/// // A reset between 110 and 5: 20 − 100 + 110 = 30.
/// let s = [(5.0, 100.0), (20.0, 110.0), (35.0, 5.0), (50.0, 20.0)];
/// assert_eq!(increase(&s)?, Some(30.0));
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn increase(samples: &[(f64, f64)]) -> Result<Option<f64>, Error> {
    check(samples)?;
    if samples.len() < 2 {
        return Ok(None);
    }
    let resets: f64 = samples
        .windows(2)
        .filter(|w| w[1].1 < w[0].1)
        .map(|w| w[0].1)
        .sum();
    Ok(Some(samples[samples.len() - 1].1 - samples[0].1 + resets))
}

/// The increase over the window [start, end] as Prometheus's `increase()` computes it:
/// the exact increase between the first and last samples in the window, extrapolated
/// toward the window's edges. Each side extends by its gap to the edge when that is
/// below 1.1 × the average sample spacing, else by half the spacing; the start side
/// never extends past the point where the counter would have been zero. Samples
/// outside the window are ignored. `None` with fewer than two samples in the window.
///
/// # Errors
/// As [`increase`], and [`Error::InvalidParameter`] if `end` is not after `start`.
///
/// # Example
/// ```
/// use canary_judge::burn::counters::increase_extrapolated;
/// let s = [(5.0, 100.0), (20.0, 110.0), (35.0, 5.0), (50.0, 20.0)];
/// let inc = increase_extrapolated(&s, 0.0, 60.0)?.unwrap();
/// assert!((inc - 40.0).abs() < 1e-12); // 30 over 45 s, stretched to 60 s
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn increase_extrapolated(
    samples: &[(f64, f64)],
    start: f64,
    end: f64,
) -> Result<Option<f64>, Error> {
    check(samples)?;
    if !(start.is_finite() && end.is_finite() && end > start) {
        return Err(Error::InvalidParameter {
            name: "window end",
            expected: "finite and after the start",
            value: end,
        });
    }
    let inside: Vec<(f64, f64)> = samples
        .iter()
        .copied()
        .filter(|&(t, _)| t >= start && t <= end)
        .collect();
    let Some(raw) = increase(&inside)? else {
        return Ok(None);
    };
    let (first, last) = (inside[0], inside[inside.len() - 1]);
    let span = last.0 - first.0;
    let average = span / (inside.len() - 1) as f64;
    let mut to_start = first.0 - start;
    let to_end = end - last.0;
    if raw > 0.0 {
        to_start = to_start.min(span * first.1 / raw);
    }
    let limit = 1.1 * average;
    let extend = |gap: f64| if gap < limit { gap } else { average / 2.0 };
    Ok(Some(
        raw * (span + extend(to_start) + extend(to_end)) / span,
    ))
}

/// Per-interval event counts from two cumulative counters sampled at the same times
/// (bad events and all events): one [`EventCounts`](crate::EventCounts) per pair of consecutive samples,
/// reset-aware as in [`increase`], values rounded to whole events. This turns scraped
/// counters into the buckets [`super::evaluate::Series`] takes (exact mode).
///
/// # Errors
/// - As [`increase`] for either counter.
/// - [`Error::InvalidParameter`] if the two counters' sample times differ, or an
///   interval has more bad events than events.
///
/// # Example
/// ```
/// use canary_judge::burn::counters::interval_counts;
/// let bad = [(0.0, 10.0), (60.0, 12.0), (120.0, 1.0)]; // reset in the second minute
/// let all = [(0.0, 5_000.0), (60.0, 6_000.0), (120.0, 900.0)];
/// let c = interval_counts(&bad, &all)?;
/// assert_eq!((c[0].events(), c[0].total()), (2, 1_000));
/// assert_eq!((c[1].events(), c[1].total()), (1, 900));
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn interval_counts(
    bad: &[(f64, f64)],
    total: &[(f64, f64)],
) -> Result<Vec<crate::EventCounts>, Error> {
    check(bad)?;
    check(total)?;
    if bad.len() != total.len() || bad.iter().zip(total).any(|(a, b)| a.0 != b.0) {
        return Err(Error::Mismatch {
            name: "sample times of the two counters",
            expected: "identical",
            got: format!(
                "{} samples of the bad-event counter and {} of the total counter, times differing",
                bad.len(),
                total.len()
            ),
        });
    }
    let delta = |w: &[(f64, f64)]| {
        if w[1].1 < w[0].1 {
            w[1].1
        } else {
            w[1].1 - w[0].1
        }
    };
    bad.windows(2)
        .zip(total.windows(2))
        .map(|(b, t)| {
            let (nb, nt) = (delta(b).round(), delta(t).round());
            crate::EventCounts::new(nb as u64, nt as u64)
        })
        .collect()
}
