//! # canary-judge
//!
//! Statistical canary analysis: decide from metrics whether a new version (the
//! *canary*) is worse than the version it replaces (the *baseline*).
//!
//! The crate is a road from numbers to one decision, with no I/O, clocks, threads
//! or unseeded randomness; time and data are always arguments:
//!
//! 1. **Inputs** ([`input`]): validated samples ([`Sample`], with an explicit
//!    [`NonFinite`] policy), event counts ([`EventCounts`]), Prometheus and
//!    OpenTelemetry histograms ([`input::histogram`]), mergeable sketches
//!    ([`input::sketch`]).
//! 2. **Tests** ([`compare`], [`sequential`], [`burn`]): Mann–Whitney U with exact
//!    p-values and Hodges–Lehmann intervals, quantiles and distribution-free
//!    percentile deltas, anytime-valid sequential tests that may be checked after
//!    every point, SLO burn rates.
//! 3. **Checks** ([`check`]): each [`Check`] turns a test's result into a
//!    [`Finding`] through one rule, [`evidence::judge_interval`]: an interval for the
//!    change against a [`Margin`] in the metric's bad [`Direction`], at an
//!    [`Alpha`].
//! 4. **Evidence** ([`evidence`]): the one [`Judgement`] (pass, fail with its side,
//!    inconclusive, no data with its reason, error) and the [`Evidence`] behind it.
//! 5. **Policy** ([`policy`]): findings to one [`Decision`]; [`Policy::guarded`]
//!    bounds false fails across metrics and ticks for a canary checked after every
//!    tick; [`policy::kayenta`] reproduces Kayenta's weighted group score and
//!    [`check::kayenta`] its judge.
//! 6. **Analysis** ([`analysis`]): the tick-by-tick state machine a controller
//!    drives: [`Analysis::observe`] with the time and what the tick brought,
//!    [`Analysis::verdict`] whenever it wants; the whole state serialises and
//!    resumes bit for bit.
//! 7. **Verdict** ([`verdict`]): the decision with every finding, explained.
//!
//! ## Example: a controller drives an analysis
//! ```
//! use canary_judge::{Analysis, Check, Decision, Direction, Margin, MetricSpec, Observation, Plan};
//!
//! let plan = Plan::new(vec![
//!     MetricSpec::new("latency_ms", [Check::Rank])
//!         .direction(Direction::HigherIsWorse)
//!         .margin(Margin::Relative(0.05)),
//! ]);
//! let mut analysis = Analysis::new(plan)?;
//! for tick in 0..10u64 {
//!     let baseline: Vec<f64> = (0..8).map(|i| 100.0 + ((i + tick) % 5) as f64).collect();
//!     let canary: Vec<f64> = baseline.iter().map(|v| v * 1.3).collect();
//!     analysis.observe(tick, "latency_ms", &Observation::Values { baseline, canary })?;
//! }
//! let verdict = analysis.verdict(10)?;
//! assert_eq!(verdict.decision, Decision::Fail);
//! println!("{verdict}"); // per check: estimate, interval, margin, alpha, p; then why
//! # Ok::<(), canary_judge::Error>(())
//! ```
//!
//! ## Example: samples already collected, one look
//! ```
//! use canary_judge::{Decision, Direction, Metric, Policy, Sample};
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
//! # Ok::<(), canary_judge::Error>(())
//! ```
//!
//! ## Watching a canary continuously
//! A fixed-horizon p-value re-computed at every look fails far more than α of good
//! canaries (see [`sequential`] and `cargo run --release --example peeking`: 40 of 100
//! identical canaries fail a Mann–Whitney test re-run every 100 points). The
//! [`sequential`] tests may be checked after every point:
//! ```
//! use canary_judge::{Alpha, Margin};
//! use canary_judge::sequential::{counts::CountRateTest, SequentialTest, Signal};
//! // 5% of traffic on the canary; errors per scrape interval, checked every time;
//! // up to 50% more errors per request are tolerated.
//! let mut errors = CountRateTest::builder(0.05)
//!     .alpha(Alpha::ONE_PERCENT)
//!     .margin(Margin::Relative(0.5))
//!     .build()?;
//! for (baseline, canary) in [(120, 9), (131, 14), (118, 12), (125, 15)] {
//!     errors.update(baseline, canary)?;
//!     if errors.check().decision == Signal::Reject {
//!         println!("roll back: the canary's error rate is higher");
//!         break;
//!     }
//! }
//! # Ok::<(), canary_judge::Error>(())
//! ```
//!
//! ## Errors and panics
//! Invalid input is rejected once, at construction, with an [`Error`] saying what was
//! expected and what came, naming the field. Every test with optional settings has
//! a builder (`CountRateTest::builder(0.05).alpha(…).margin(…)`) whose setters
//! cannot fail and whose `build` checks everything at once, by the same rules as
//! loading a saved state; "not enough data" is a judgement, not an error. No public
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

// Public modules (listed alphabetically; the crate docs above walk them in the order
// of the road: input, params, compare/sequential/burn, check, evidence, policy,
// analysis, verdict).
pub mod analysis;
pub mod burn;
pub mod check;
pub mod compare;
pub mod evidence;
pub mod input;
pub mod params;
pub mod policy;
/// The crate's one seeded pseudo-random generator, shared by its own kernels, the
/// tests' simulations, the benches and the examples (no unseeded randomness
/// anywhere).
pub mod rng {
    pub use crate::num::rng::SplitMix64;
}
pub mod sequential;
pub mod verdict;

// Private: the numeric kernels, the error type, output and serialisation helpers.
mod display;
mod error;
#[cfg(any(test, fuzzing))]
#[doc(hidden)]
pub mod fuzzing;
mod num;
#[cfg(feature = "serde")]
mod serde_float;

#[cfg(feature = "ndarray")]
pub use analysis::Replay;
pub use analysis::{Analysis, MetricKind, MetricSpec, Observation, Plan};
pub use check::Check;
pub use error::Error;
pub use evidence::{Evidence, Finding, Judgement, Side};
pub use input::{Direction, EventCounts, NonFinite, Sample};
pub use params::{Alpha, Margin};
pub use policy::{Metric, MetricConfig, Policy};
pub use verdict::{Decision, Verdict};
