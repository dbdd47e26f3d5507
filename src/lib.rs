//! # canary-judge
//!
//! Statistical canary analysis: decide from metrics whether a new version (the
//! *canary*) is worse than the version it replaces (the *baseline*).
//!
//! The crate is a pipeline of pure functions over plain data, with no I/O, clocks,
//! threads or unseeded randomness:
//!
//! 1. [`sample`]: validated inputs ([`Sample`], [`EventCounts`], [`Direction`]), with an
//!    explicit [`NonFinite`] policy for NaN and infinities.
//! 2. [`compare`]: two-sample tests; [`compare::MannWhitney`] gives U, exact or
//!    asymptotic p-values, effect sizes and the Hodges–Lehmann shift with an exact or
//!    asymptotic confidence interval. [`compare::quantile`] gives quantiles (the nine
//!    Hyndman–Fan definitions) and percentile deltas ("p99 grew 12%, 95% interval
//!    [7%, 18%]") from raw samples, Prometheus and OpenTelemetry histograms
//!    ([`compare::histogram`]) and mergeable sketches ([`compare::sketch`]).
//!    [`sequential`]: anytime-valid tests (count rates, means, proportions, SPRT)
//!    that may be checked after every new point without inflating false alarms.
//!    [`burn`]: SLO error budgets and multi-window multi-burn-rate rules over counts.
//! 3. [`classify`]: one metric's outcome ([`Classification`]: pass, fail-high, fail-low,
//!    no data) with its reason; [`classify::kayenta`] reproduces Kayenta's judge.
//! 4. [`policy`]: many metrics' outcomes to one [`Verdict`](verdict::Verdict);
//!    [`policy::kayenta`] reproduces Kayenta's weighted group score.
//! 5. [`verdict`]: the decision (pass, fail, inconclusive, no data) with every reason.
//!
//! ## Example: samples to a verdict
//! ```
//! use canary_judge::{Direction, Metric, Policy, Sample, verdict::Decision};
//!
//! let metrics = [
//!     Metric::new(
//!         "latency_ms",
//!         Sample::new([101.0, 99.0, 103.0, 98.0, 100.0, 102.0, 97.0, 104.0])?,
//!         Sample::new([131.0, 128.0, 135.0, 127.0, 130.0, 133.0, 129.0, 134.0])?,
//!     )
//!     .direction(Direction::HigherIsWorse),
//!     Metric::new(
//!         "cpu",
//!         Sample::new([0.41, 0.39, 0.40, 0.42, 0.38, 0.40])?,
//!         Sample::new([0.40, 0.41, 0.39, 0.42, 0.40, 0.38])?,
//!     ),
//! ];
//! let verdict = Policy::default().judge(&metrics)?;
//! assert_eq!(verdict.decision, Decision::Fail);
//! println!("{verdict}");
//! # Ok::<(), canary_judge::Error>(())
//! ```
//!
//! ## Watching a canary continuously
//! A fixed-horizon p-value re-computed at every look fails far more than α of good
//! canaries (see [`sequential`] and `cargo run --release --example peeking`: 45 of 100
//! identical canaries fail a Mann–Whitney test re-run every 100 points). The
//! [`sequential`] tests may be checked after every point:
//! ```
//! use canary_judge::sequential::{counts::CountRateTest, Decision, SequentialTest};
//! // 5% of traffic on the canary; errors per scrape interval, checked every time.
//! let mut errors = CountRateTest::new(0.95, 0.05, 0.01)?.margin(0.5)?;
//! for (baseline, canary) in [(120, 9), (131, 14), (118, 12), (125, 15)] {
//!     errors.update(baseline, canary)?;
//!     if errors.check().decision == Decision::Reject {
//!         println!("roll back: the canary's error rate is higher");
//!         break;
//!     }
//! }
//! # Ok::<(), canary_judge::Error>(())
//! ```
//!
//! ## Errors and panics
//! Invalid input is rejected once, at construction, with an [`Error`] saying what was
//! expected and what came; "not enough data" is an outcome, not an error. No public
//! function panics on any input.
//!
//! ## Numerical accuracy
//! U and its tie terms are exact integers. Exact p-values are correctly rounded
//! ratios of exact big integers (no ties) or sums of positive terms (ties).
//! Normal tails use an erfc accurate to a few ulps, and log p-values stay finite
//! far below 1e-300. Shift estimates and interval ends are exact order statistics of
//! the pairwise differences (saturating at ±`f64::MAX` on overflow).

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations, unreachable_pub)]

#[macro_use]
mod validated;

/// The README's code blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub mod burn;
pub mod classify;
pub mod compare;
mod error;
#[cfg(any(test, fuzzing))]
#[doc(hidden)]
pub mod fuzzing;
pub mod policy;
mod rng;
pub mod sample;
pub mod sequential;
#[cfg(feature = "serde")]
mod serde_float;
pub mod verdict;

pub use classify::{Classification, Margin, Metric, MetricConfig, MetricOutcome};
pub use error::Error;
pub use policy::Policy;
pub use sample::{Direction, EventCounts, NonFinite, Sample};
