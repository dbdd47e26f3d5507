//! The crate's one error type.

impl Error {
    /// [`Error::InvalidParameter`]: `name` should have been `expected`, was `value`.
    pub(crate) fn invalid(name: &'static str, expected: &'static str, value: f64) -> Self {
        Self::InvalidParameter {
            name,
            expected,
            value,
        }
    }

    /// `error` as having happened in `metric`.
    pub(crate) fn in_metric(metric: &str, error: Error) -> Self {
        Self::InMetric {
            metric: metric.to_owned(),
            source: Box::new(error),
        }
    }
}

/// Everything that can go wrong when building inputs or running a comparison.
///
/// Errors are reported only for input that cannot be given a meaning; "not enough
/// data" is never an error but a [`Judgement::NoData`](crate::Judgement::NoData)
/// outcome. Messages are lowercase and say what was expected and what came.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A sample held NaN or ±infinity under [`NonFinite::Reject`](crate::NonFinite).
    ///
    /// Fix: clean the input, or choose [`NonFinite::Drop`](crate::NonFinite) or
    /// [`NonFinite::Replace`](crate::NonFinite).
    #[error("sample values must be finite, got {value} at index {index}")]
    NonFinite {
        /// Position of the first offending value in the input.
        index: usize,
        /// The offending value (NaN, inf or -inf).
        value: f64,
    },
    /// [`NonFinite::Replace`](crate::NonFinite) was given a replacement that is itself not finite.
    #[error("the replacement for non-finite values must be finite, got {value}")]
    NonFiniteReplacement {
        /// The replacement that was given.
        value: f64,
    },
    /// An event count exceeded its total.
    #[error("events must not exceed the total, got {events} events out of {total}")]
    EventsExceedTotal {
        /// Number of events given.
        events: u64,
        /// Total given.
        total: u64,
    },
    /// A confidence level was not strictly between 0 and 1.
    #[error("confidence level must be within (0, 1), got {value}")]
    InvalidConfidenceLevel {
        /// The level that was given.
        value: f64,
    },
    /// A significance level (alpha) was not strictly between 0 and 1.
    #[error("alpha must be within (0, 1), got {value}")]
    InvalidAlpha {
        /// The alpha that was given.
        value: f64,
    },
    /// A tolerance, margin or other parameter had a value outside its documented range.
    #[error("{name} must be {expected}, got {value}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// What was expected, e.g. "finite and >= 0".
        expected: &'static str,
        /// The value that was given.
        value: f64,
    },
    /// A comparison needs at least one value on each side.
    #[error("{side} sample must not be empty for {what}")]
    EmptySample {
        /// "baseline" or "canary".
        side: &'static str,
        /// The operation that needed data.
        what: &'static str,
    },
    /// Two things that must match do not, or a call does not fit the object's mode
    /// (for example raw values given to a test built for bucket counts).
    #[error("{name} must be {expected}, got {got}")]
    Mismatch {
        /// What was checked.
        name: &'static str,
        /// What was expected.
        expected: &'static str,
        /// What came, in words.
        got: String,
    },
    /// The exact null distribution was requested for samples too large to compute it
    /// within the documented budget.
    #[error(
        "exact distribution for sizes {m} and {n} needs about {work:.1e} operations, more than the limit {limit:.1e}; use the asymptotic method"
    )]
    ExactTooLarge {
        /// Size of the canary sample.
        m: usize,
        /// Size of the baseline sample.
        n: usize,
        /// Estimated work in elementary operations.
        work: u128,
        /// The limit.
        limit: u128,
    },
    /// An observation named a metric the plan does not have.
    #[error("metric must be one of the plan's, got {name:?}")]
    UnknownMetric {
        /// The name that was given.
        name: String,
    },
    /// Time went backwards: an observation or a look came with a time before the
    /// latest one seen.
    #[error("time must not go back, got {got} after {last}")]
    TimeWentBack {
        /// The latest time seen.
        last: u64,
        /// The time that was given.
        got: u64,
    },
    /// Something about one metric was wrong: its configuration or an observation.
    #[error("metric {metric:?}: {source}")]
    InMetric {
        /// The metric's name.
        metric: String,
        /// What was wrong.
        source: Box<Error>,
    },
    /// Two metrics in one verdict request shared a name.
    #[error("metric names must be unique, got {name:?} twice")]
    DuplicateMetric {
        /// The repeated name.
        name: String,
    },
}
