//! Per-metric classification: one metric's baseline and canary samples to an outcome.
//!
//! The default classifier asks one question per metric: *is the canary worse than
//! the baseline by more than the tolerated margin, with the requested confidence?*
//! It runs a [`MannWhitney`] test in the bad direction(s) and checks the
//! Hodges–Lehmann shift interval against the margin. [`kayenta`] reproduces
//! Kayenta's judge for users who need its exact behaviour.

pub mod kayenta;

use std::fmt;

use crate::compare::{Alternative, MannWhitney, MannWhitneyResult, Method};
use crate::{Direction, Error, Sample};

/// One metric's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Classification {
    /// No evidence that the canary is worse beyond the margin.
    Pass,
    /// The canary is higher than the baseline, beyond the margin, with confidence.
    FailHigh,
    /// The canary is lower than the baseline, beyond the margin, with confidence.
    FailLow,
    /// Not enough data to judge (a side is empty, or too small for any result to be
    /// significant at the chosen alpha).
    NoData,
}

impl Classification {
    /// Whether this is a failure in either direction.
    pub fn is_fail(self) -> bool {
        matches!(self, Self::FailHigh | Self::FailLow)
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pass => "pass",
            Self::FailHigh => "fail (high)",
            Self::FailLow => "fail (low)",
            Self::NoData => "no data",
        })
    }
}

/// How large a shift in the bad direction is tolerated before a metric fails.
///
/// The classifier fails a metric only when the whole confidence interval of the shift
/// lies beyond the margin, so a margin separates "statistically detectable" from
/// "large enough to matter". Unlike Kayenta's tolerance (a fraction of the estimate
/// itself), it is stated in the metric's units or relative to the baseline's level.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Margin {
    /// A shift in the metric's units (≥ 0).
    Absolute(#[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))] f64),
    /// A fraction (≥ 0) of |median of the baseline|: `Relative(0.1)` tolerates 10%.
    Relative(#[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))] f64),
}

impl Default for Margin {
    fn default() -> Self {
        Self::Absolute(0.0)
    }
}

/// How one metric is judged.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MetricConfig {
    /// Which way is worse (default [`Direction::Either`]).
    pub direction: Direction,
    /// Significance level of the per-metric test (default 0.01).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub alpha: f64,
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
            alpha: 0.01,
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
    pub fn alpha(mut self, alpha: f64) -> Self {
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

    /// Classifies this metric (see [`classify`]).
    ///
    /// # Errors
    /// As [`classify`].
    pub fn classify(&self) -> Result<MetricOutcome, Error> {
        classify(&self.name, &self.baseline, &self.canary, &self.config)
    }
}

/// One metric's classification with its reason and the test behind it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MetricOutcome {
    /// The metric's name.
    pub name: String,
    /// The outcome.
    pub classification: Classification,
    /// A sentence explaining the outcome, with the numbers behind it.
    pub reason: String,
    /// The margin in the metric's units that was applied (may be +∞ when a relative
    /// margin overflows; serialised as `"inf"`).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub margin: f64,
    /// Whether no data on this metric should make the verdict inconclusive.
    pub required: bool,
    /// The test result (absent for no-data outcomes).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub test: Option<MannWhitneyResult>,
}

/// Classifies one metric with the default method.
///
/// # Method
/// - Either side empty → [`Classification::NoData`].
/// - If the sizes are too small for the exact test ever to reach p < alpha
///   ([`MannWhitney::smallest_p_value`]) → [`Classification::NoData`], with the reason
///   saying so: a verdict that could never fail is no evidence of safety.
/// - Otherwise a Mann–Whitney test: one-sided `Greater` for
///   [`Direction::HigherIsWorse`], `Less` for [`Direction::LowerIsWorse`], two-sided for
///   [`Direction::Either`], with a shift interval at level 1 − alpha of the same
///   sidedness. The metric fails when p < alpha **and** the interval lies entirely
///   beyond the margin in the bad direction (lower end > margin for high, upper end
///   < −margin for low). Otherwise it passes.
///
/// # Errors
/// - [`Error::InvalidAlpha`] if alpha is not within (0, 1).
/// - [`Error::InvalidParameter`] if the margin is negative or not finite.
/// - [`Error::ExactTooLarge`] if [`Method::Exact`] was configured beyond its budget.
///
/// # Example
/// ```
/// use canary_judge::{classify::classify, Classification, Direction, MetricConfig, Sample};
/// let baseline = Sample::new((0..40).map(|i| 100.0 + (i % 7) as f64))?;
/// let canary = Sample::new((0..40).map(|i| 120.0 + (i % 5) as f64))?;
/// let cfg = MetricConfig { direction: Direction::HigherIsWorse, ..Default::default() };
/// let out = classify("latency", &baseline, &canary, &cfg)?;
/// assert_eq!(out.classification, Classification::FailHigh);
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn classify(
    name: &str,
    baseline: &Sample,
    canary: &Sample,
    config: &MetricConfig,
) -> Result<MetricOutcome, Error> {
    let alpha = config.alpha;
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(Error::InvalidAlpha { value: alpha });
    }
    let margin = match config.margin {
        Margin::Absolute(v) | Margin::Relative(v) if !(v.is_finite() && v >= 0.0) => {
            return Err(Error::InvalidParameter {
                name: "margin",
                expected: "finite and >= 0",
                value: v,
            });
        }
        Margin::Absolute(v) => v,
        Margin::Relative(r) => r * baseline.median().map_or(0.0, f64::abs),
    };
    let alternative = match config.direction {
        Direction::HigherIsWorse => Alternative::Greater,
        Direction::LowerIsWorse => Alternative::Less,
        Direction::Either => Alternative::TwoSided,
    };
    let outcome = |classification, reason: String, test| MetricOutcome {
        name: name.to_owned(),
        classification,
        reason,
        margin,
        required: config.required,
        test,
    };
    if baseline.is_empty() || canary.is_empty() {
        let side = match (baseline.is_empty(), canary.is_empty()) {
            (true, true) => "baseline and canary have",
            (true, false) => "baseline has",
            _ => "canary has",
        };
        return Ok(outcome(
            Classification::NoData,
            format!("{side} no values"),
            None,
        ));
    }
    let test = MannWhitney::new()
        .alternative(alternative)
        .method(config.method)
        .confidence_level(1.0 - alpha);
    let floor = test.smallest_p_value(baseline.len(), canary.len());
    if floor >= alpha {
        return Ok(outcome(
            Classification::NoData,
            format!(
                "too few values ({} baseline, {} canary): the smallest attainable p-value is {:.3e}, not below alpha {}",
                baseline.len(),
                canary.len(),
                floor,
                alpha
            ),
            None,
        ));
    }
    let r = test.compare(baseline, canary)?;
    // The test was configured with a shift estimate and an interval, so both are present.
    let (lo, hi) = r
        .interval
        .map_or((f64::NEG_INFINITY, f64::INFINITY), |i| (i.lower, i.upper));
    let shift = r.shift.unwrap_or(0.0);
    let significant = r.p_value < alpha;
    let class = if significant && lo > margin {
        Classification::FailHigh
    } else if significant && hi < -margin {
        Classification::FailLow
    } else {
        Classification::Pass
    };
    let level = 100.0 * (1.0 - alpha);
    let reason = match class {
        Classification::FailHigh => format!(
            "canary higher: shift {:+.4} with {level}% interval [{lo:.4}, {hi:.4}] above margin {margin:.4}, p = {:.3e}",
            shift, r.p_value
        ),
        Classification::FailLow => format!(
            "canary lower: shift {:+.4} with {level}% interval [{lo:.4}, {hi:.4}] below margin -{margin:.4}, p = {:.3e}",
            shift, r.p_value
        ),
        _ if significant => format!(
            "shift {:+.4} is significant (p = {:.3e}) but its {level}% interval [{lo:.4}, {hi:.4}] is within margin {margin:.4}",
            shift, r.p_value
        ),
        _ => format!(
            "no significant shift: {:+.4}, {level}% interval [{lo:.4}, {hi:.4}], p = {:.3e}",
            shift, r.p_value
        ),
    };
    Ok(outcome(class, reason, Some(r)))
}
