//! Metrics as collected samples: one metric's baseline and canary values with how
//! to judge them at one fixed-horizon look ([`crate::Policy::judge`]).
//!
//! The question per metric: *is the canary worse than the baseline by more than the
//! tolerated margin, with the requested confidence?* It is the rank check of
//! [`crate::check`]: a Mann–Whitney test in the bad direction(s) and the
//! Hodges–Lehmann shift interval against the margin. [`crate::check::kayenta`] reproduces
//! Kayenta's judge for users who need its exact behaviour.

use crate::compare::Method;
use crate::evidence::Finding;
use crate::params::{Alpha, Margin};
use crate::{Direction, Error, Sample};

/// How one metric is judged.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MetricConfig {
    /// Which way is worse (default [`Direction::Either`]).
    pub direction: Direction,
    /// Significance level of the per-metric test (default 0.01).
    pub alpha: Alpha,
    /// Tolerated shift in the bad direction (default none: `Absolute(0.0)`).
    pub margin: Margin,
    /// Null-distribution method (default [`Method::Auto`]).
    pub method: Method,
    /// Whether missing data on this metric makes the verdict inconclusive rather than
    /// being ignored (default false).
    pub required: bool,
}

impl Default for MetricConfig {
    fn default() -> Self {
        Self {
            direction: Direction::Either,
            alpha: Alpha::ONE_PERCENT,
            margin: Margin::default(),
            method: Method::Auto,
            required: false,
        }
    }
}

/// A named metric: baseline and canary samples and how to judge them.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Metric {
    /// The metric's name, unique within one verdict.
    pub name: String,
    /// Baseline values.
    pub baseline: Sample,
    /// Canary values.
    pub canary: Sample,
    /// How it is judged.
    pub config: MetricConfig,
}

impl Metric {
    /// A metric with the default [`MetricConfig`].
    pub fn new(name: impl Into<String>, baseline: Sample, canary: Sample) -> Self {
        Self {
            name: name.into(),
            baseline,
            canary,
            config: MetricConfig::default(),
        }
    }

    /// Sets which way is worse.
    pub fn direction(mut self, direction: Direction) -> Self {
        self.config.direction = direction;
        self
    }

    /// Sets the per-metric significance level.
    pub fn alpha(mut self, alpha: Alpha) -> Self {
        self.config.alpha = alpha;
        self
    }

    /// Sets the tolerated margin.
    pub fn margin(mut self, margin: Margin) -> Self {
        self.config.margin = margin;
        self
    }

    /// Marks missing data on this metric as making the verdict inconclusive.
    pub fn required(mut self, required: bool) -> Self {
        self.config.required = required;
        self
    }

    /// Sets the whole configuration.
    pub fn config(mut self, config: MetricConfig) -> Self {
        self.config = config;
        self
    }

    /// This metric's rank check at one fixed-horizon look (what
    /// [`crate::Policy::judge`] does per metric).
    ///
    /// # Method
    /// - Either side empty → [`Judgement::NoData`](crate::Judgement::NoData).
    /// - Sizes too small for the exact test ever to reach p < alpha
    ///   ([`MannWhitney::smallest_p_value`](crate::compare::MannWhitney::smallest_p_value))
    ///   → no data, with the reason saying so: a verdict that could never fail is no
    ///   evidence of safety.
    /// - Otherwise a Mann–Whitney test: one-sided `Greater` for
    ///   [`Direction::HigherIsWorse`], `Less` for [`Direction::LowerIsWorse`],
    ///   two-sided for [`Direction::Either`], with a Hodges–Lehmann shift interval at
    ///   level 1 − alpha of the same sidedness. The metric fails when p < alpha **and**
    ///   the interval lies entirely beyond the margin in the bad direction
    ///   ([`crate::evidence::judge_interval`]); otherwise it passes. A relative margin
    ///   is a fraction of the baseline's median.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if the margin is negative or not finite.
    /// - [`Error::ExactTooLarge`] if [`Method::Exact`] was configured beyond its budget.
    ///
    /// # Example
    /// ```
    /// use canary_judge::{Direction, Judgement, Metric, Sample, Side};
    /// let baseline = Sample::new((0..40).map(|i| 100.0 + (i % 7) as f64))?;
    /// let canary = Sample::new((0..40).map(|i| 120.0 + (i % 5) as f64))?;
    /// let m = Metric::new("latency", baseline, canary).direction(Direction::HigherIsWorse);
    /// assert_eq!(m.judge()?.judgement, Judgement::Fail(Side::High));
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn judge(&self) -> Result<Finding, Error> {
        crate::policy::judge_metric(self, None)
    }
}
