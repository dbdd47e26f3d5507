//! The Analysis: a sans-I/O state machine that a controller drives tick by tick.
//!
//! The caller builds it from a [`Plan`] (plain serde data: each metric's name,
//! direction, margin, α, NaN policy, required flag and checks), then passes time and
//! data in with [`Analysis::observe`] and asks for a [`Verdict`] whenever it wants
//! with [`Analysis::verdict`] (every finding explained) or [`Analysis::decide`] (the
//! same decision, computing only what the decision needs). Nothing reads a clock:
//! `now` is the caller's monotone time in any unit (seconds, ticks), and replaying a
//! recording runs the same code as running live. The whole state serialises (feature
//! `serde`) and resumes bit for bit; a loaded state is validated like a new one.
//!
//! # Example: a controller loop
//! ```
//! use canary_judge::analysis::{Analysis, MetricSpec, Observation, Plan};
//! use canary_judge::{Check, Decision, Direction, EventCounts, Margin};
//!
//! let plan = Plan::new(vec![
//!     MetricSpec::new("latency_ms", [Check::Rank, Check::Percentile { p: 0.9 }])
//!         .direction(Direction::HigherIsWorse)
//!         .margin(Margin::Relative(0.05)),
//!     MetricSpec::new("errors", [Check::CountRate { canary_share: 0.5 }])
//!         .direction(Direction::HigherIsWorse)
//!         .required(true),
//! ])
//! .planned_ticks(30);
//! let mut analysis = Analysis::new(plan)?;
//! for tick in 0..30u64 {
//!     let base: Vec<f64> = (0..20).map(|i| 100.0 + ((i * 7 + tick) % 13) as f64).collect();
//!     let canary: Vec<f64> = base.iter().map(|v| v + 30.0).collect(); // 30 ms slower
//!     analysis.observe(tick, "latency_ms", &Observation::Values { baseline: base, canary })?;
//!     let counts = Observation::Counts {
//!         baseline: EventCounts::new(3, 1000)?,
//!         canary: EventCounts::new(2, 1000)?,
//!     };
//!     analysis.observe(tick, "errors", &counts)?;
//! }
//! let verdict = analysis.verdict(30)?;
//! assert_eq!(verdict.decision, Decision::Fail);
//! println!("{verdict}");
//! # Ok::<(), canary_judge::Error>(())
//! ```
//!
//! # Checked after every tick: the default policy
//! A controller that decides after every tick should build its plan with
//! [`Policy::guarded`] and [`MetricSpec::default_for`]: the family's α bounds the
//! chance that a good canary fails anywhere, across metrics and ticks (see
//! [`crate::policy::Family`] for the rule), the fixed-horizon checks decide once at
//! the planned end, and the tick-paired checks need no model of the data. Under the
//! minimal policy ([`Policy::default`]) each check runs at its metric's own α and a
//! fixed-horizon check re-run every tick fails good canaries far more often than α.
//!
//! # Observations and checks
//! An observation is what one tick brought for one metric: a batch of values per
//! side, event counts with totals per side, a Prometheus classic histogram per side
//! holding the tick's increase (as PromQL's `increase()` gives it), an OpenTelemetry
//! exponential histogram per side (a delta point; ticks are merged onto the
//! coarsest scale), or a failed measurement. A metric keeps the kind of its first observation. Which checks take
//! which kinds, and how each judges, is listed in [`crate::check`]. Counts feed
//! fixed-horizon and mean checks as one rate per side per tick, and thresholds as the
//! canary's rate; a side with a zero total adds no rate.
//!
//! # Bad input
//! An unknown metric, a kind the metric's checks do not take, a kind other than the
//! metric's first, time going backwards, NaN or ±∞ under the metric's
//! [`NonFinite`] policy, or histograms whose bounds change: an error naming the
//! metric and the field ([`Error::InMetric`] around the cause), and the state
//! unchanged. A failed measurement ([`Observation::Failed`]) is not an error: every
//! check of the metric reports [`Judgement::Error`] with its message until the next
//! good observation.
//!
//! # Memory
//! Values are kept (8 bytes per point per side) for the fixed-horizon checks, and
//! the quantile test keeps its own ordered multiset; heavily tied values (at least
//! four per distinct value: rates over a constant total, integer gauges) are kept
//! as groups, 16 bytes per distinct value. Counts and means take O(1); histograms
//! take O(buckets). Feed histograms for unbounded streams.
//!
//! [`Judgement::Error`]: crate::Judgement::Error

use crate::Error;
use crate::check::pool::RankPool;
use crate::check::{self, Check, Context, Data, Kind, State};
use crate::evidence::Finding;
use crate::input::histogram::{ClassicHistogram, ExponentialHistogram};
use crate::input::{Direction, EventCounts, NonFinite, Sample};
use crate::params::{Alpha, Margin};
use crate::policy::Policy;
use crate::verdict::{Decision, Verdict};

/// How one metric is judged: its name, direction, margin, α, NaN policy, whether
/// it is required, and its checks.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MetricSpec {
    /// The metric's name, unique within the plan.
    pub name: String,
    /// Which way is worse (default [`Direction::Either`]).
    #[cfg_attr(feature = "serde", serde(default))]
    pub direction: Direction,
    /// The tolerated change in the bad direction (default none).
    #[cfg_attr(feature = "serde", serde(default))]
    pub margin: Margin,
    /// Each check's significance level under the minimal policy (default 0.01 when
    /// unset). Under a [`Family`](crate::policy::Family) policy each check's α is
    /// derived from the family's, and setting one here is an error.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub alpha: Option<Alpha>,
    /// Whether no data (or a failed measurement) on this metric keeps the verdict
    /// inconclusive (default false: it is reported but does not block).
    #[cfg_attr(feature = "serde", serde(default))]
    pub required: bool,
    /// What to do with NaN and ±∞ in observed values (default
    /// [`NonFinite::Reject`]: the observation is refused).
    #[cfg_attr(feature = "serde", serde(default))]
    pub non_finite: NonFinite,
    /// The checks, at least one.
    pub checks: Vec<Check>,
}

/// What a metric measures: picks its checks and direction in
/// [`MetricSpec::default_for`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MetricKind {
    /// A latency or duration per tick (a tick's median or mean per side, or one value
    /// per request paired by position): higher is worse.
    Latency,
    /// A level sampled per tick (CPU, memory, bytes, throughput): either direction is
    /// worse until the caller says which.
    Level,
    /// Events out of a total per tick ([`Observation::Counts`]: errors out of
    /// requests): judged as the two sides' rates, higher is worse.
    Count,
}

impl MetricSpec {
    /// The default checks for a kind of metric, meant for [`Policy::guarded`]
    /// (checked after every tick):
    ///
    /// - [`Check::PairedWithTails`] at every tick: the sign of each tick's canary −
    ///   baseline difference, plus bets on the largest relative spreads for heavier
    ///   tails. It assumes no model (bursts, drift and heavy tails shared by the two
    ///   sides of a tick leave it valid, counts included) and needs no tuning.
    /// - [`Check::SignedRankWithTails`] at the planned end: the full-power
    ///   fixed-horizon signed-rank test on the same pairs, and the same test on the
    ///   5% of pairs with the largest relative spreads, for heavier tails, each at
    ///   half the check's α (all of it to every pair while the top pairs are too few
    ///   ever to reject at half).
    ///
    /// On the recorded NAB series (`cargo run --release --example evaluate 100`) the
    /// default detects as much as Mann–Whitney at the end from 100 ticks on (at 20
    /// draws: 80.4% against 79.5% at 100 ticks, 90.4% against 89.2% at 1,000); at 30
    /// ticks it detects less (63.6% against 72.3%), mostly on series quantised more
    /// coarsely than the change (CPU on a 0.066 grid scaled by 1.05): the pair's
    /// partner is usually a grid step away, while Mann–Whitney compares each canary
    /// value with every baseline value of its level. That is the price of pairing,
    /// which keeps the check valid under load shared within a tick. A percentile check
    /// ([`Check::Percentile`]) can be added where each side holds enough values (86
    /// per side for a p95 delta at 95%, 435 for p99); on the NAB series adding a p95
    /// delta at the final look lowered detection (it halves the final look's α), so
    /// the default leaves it out.
    ///
    /// Direction: higher is worse for latency and counts, either for levels. Margin 0
    /// (the tail bets need it; for a tolerated change use [`Check::Paired`] with a
    /// margin). Every other parameter follows from the plan: each check's α from the
    /// family's ([`crate::policy::Family`]), and the planned ticks fix when the final
    /// look is. A tick whose sides bring different numbers of values pairs the two
    /// medians; a tick where one side brought nothing adds no pair.
    ///
    /// # Example
    /// ```
    /// use canary_judge::analysis::{MetricKind, MetricSpec};
    /// use canary_judge::{Check, Direction};
    /// let cpu = MetricSpec::default_for("cpu", MetricKind::Level).direction(Direction::HigherIsWorse);
    /// assert_eq!(cpu.checks, [Check::PairedWithTails, Check::SignedRankWithTails]);
    /// ```
    pub fn default_for(name: impl Into<String>, kind: MetricKind) -> Self {
        let direction = match kind {
            MetricKind::Latency | MetricKind::Count => Direction::HigherIsWorse,
            MetricKind::Level => Direction::Either,
        };
        Self::new(name, [Check::PairedWithTails, Check::SignedRankWithTails]).direction(direction)
    }

    /// A metric with these checks and the defaults above.
    pub fn new(name: impl Into<String>, checks: impl IntoIterator<Item = Check>) -> Self {
        Self {
            name: name.into(),
            direction: Direction::Either,
            margin: Margin::default(),
            alpha: None,
            required: false,
            non_finite: NonFinite::Reject,
            checks: checks.into_iter().collect(),
        }
    }

    /// Sets which way is worse.
    pub fn direction(mut self, direction: Direction) -> Self {
        self.direction = direction;
        self
    }

    /// Sets the tolerated change (validated by [`Analysis::new`]).
    pub fn margin(mut self, margin: Margin) -> Self {
        self.margin = margin;
        self
    }

    /// Sets each check's significance level (minimal policy only; see
    /// [`MetricSpec::alpha`](struct@MetricSpec#structfield.alpha)).
    pub fn alpha(mut self, alpha: Alpha) -> Self {
        self.alpha = Some(alpha);
        self
    }

    /// Marks missing data on this metric as keeping the verdict inconclusive.
    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    /// Sets the NaN and infinity policy for observed values.
    pub fn non_finite(mut self, policy: NonFinite) -> Self {
        self.non_finite = policy;
        self
    }

    /// What this metric's checks need to judge (the Analysis's rank test uses
    /// `Method::Auto`).
    fn context(&self, explain: bool) -> Context<'_> {
        Context {
            metric: &self.name,
            direction: self.direction,
            margin: self.margin,
            alpha: self.alpha.unwrap_or_default(),
            method: crate::compare::Method::Auto,
            required: self.required,
            explain,
        }
    }

    fn validate(&self) -> Result<(), Error> {
        let inner = || -> Result<(), Error> {
            self.margin.validate()?;
            if let NonFinite::Replace(r) = self.non_finite
                && !r.is_finite()
            {
                return Err(Error::NonFiniteReplacement { value: r });
            }
            if self.checks.is_empty() {
                return Err(Error::Mismatch {
                    name: "checks",
                    expected: "at least one",
                    got: "none".into(),
                });
            }
            self.checks
                .iter()
                .try_for_each(|c| c.validate(self.direction, self.margin))
        };
        inner().map_err(|e| Error::in_metric(&self.name, e))
    }
}

/// The policy document an [`Analysis`] is built from.
///
/// Loading validates as [`Plan::validate`] does, so a plan read from a file is
/// checked before any [`Analysis`] is built from it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct Plan {
    /// The metrics, in the order findings are reported.
    pub metrics: Vec<MetricSpec>,
    /// How many ticks the canary is planned to run (default 60): the default of
    /// every mixing parameter that depends on the horizon.
    #[cfg_attr(feature = "serde", serde(default = "default_ticks"))]
    pub planned_ticks: u64,
    /// How findings become one decision (default: [`Policy`]).
    #[cfg_attr(feature = "serde", serde(default))]
    pub policy: Policy,
}

fn default_ticks() -> u64 {
    60
}

validated_serde!(Plan);

impl crate::validated::Validate for Plan {
    fn validate(&self) -> Result<(), Error> {
        Plan::validate(self)
    }
}

impl Plan {
    /// A plan over these metrics, 60 planned ticks, the default policy.
    pub fn new(metrics: Vec<MetricSpec>) -> Self {
        Self {
            metrics,
            planned_ticks: default_ticks(),
            policy: Policy::default(),
        }
    }

    /// Sets the planned number of ticks.
    pub fn planned_ticks(mut self, ticks: u64) -> Self {
        self.planned_ticks = ticks;
        self
    }

    /// Sets how findings become one decision and how α is spent (e.g.
    /// [`Policy::guarded`]).
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Checks every metric and check, once.
    ///
    /// # Errors
    /// - [`Error::DuplicateMetric`] for a repeated name.
    /// - [`Error::InvalidParameter`] for zero planned ticks or a family's anytime share
    ///   outside (0, 1).
    /// - [`Error::InMetric`] around [`Error::Mismatch`] for a metric's own `alpha`
    ///   under a family policy.
    /// - [`Error::InMetric`] around a metric's invalid margin, NaN policy or check.
    pub fn validate(&self) -> Result<(), Error> {
        if self.planned_ticks == 0 {
            return Err(Error::InvalidParameter {
                name: "planned_ticks",
                expected: ">= 1",
                value: 0.0,
            });
        }
        if let Some(family) = &self.policy.family {
            family.validate()?;
            if let Some(m) = self.metrics.iter().find(|m| m.alpha.is_some()) {
                return Err(Error::in_metric(
                    &m.name,
                    Error::Mismatch {
                        name: "alpha",
                        expected: "none under a family policy (each check's alpha is derived from the family's)",
                        got: format!("{}", m.alpha.unwrap_or_default()),
                    },
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for m in &self.metrics {
            if !seen.insert(m.name.as_str()) {
                return Err(Error::DuplicateMetric {
                    name: m.name.clone(),
                });
            }
            m.validate()?;
        }
        Ok(())
    }
}

/// What one tick brought for one metric.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Observation {
    /// Raw values per side (latencies, CPU samples). NaN and ±∞ follow the metric's
    /// [`NonFinite`] policy.
    Values {
        /// The baseline's new values.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float::vec_nan"))]
        baseline: Vec<f64>,
        /// The canary's new values.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float::vec_nan"))]
        canary: Vec<f64>,
    },
    /// Events out of a total per side during the tick (errors out of requests).
    Counts {
        /// The baseline's events and total.
        baseline: EventCounts,
        /// The canary's events and total.
        canary: EventCounts,
    },
    /// Each side's Prometheus classic histogram increase during the tick; bounds
    /// equal on both sides and across ticks.
    Histograms {
        /// The baseline's histogram.
        baseline: ClassicHistogram,
        /// The canary's histogram.
        canary: ClassicHistogram,
    },
    /// Each side's OpenTelemetry exponential histogram for the tick (a delta
    /// temporality point). Successive ticks are merged onto the coarsest scale seen;
    /// zero thresholds must stay equal.
    ExponentialHistograms {
        /// The baseline's histogram.
        baseline: ExponentialHistogram,
        /// The canary's histogram.
        canary: ExponentialHistogram,
    },
    /// The measurement failed (a query error, a scrape timeout).
    Failed {
        /// What went wrong, reported in the metric's findings.
        message: String,
    },
}

impl Observation {
    fn kind(&self) -> Option<Kind> {
        match self {
            Self::Values { .. } => Some(Kind::Values),
            Self::Counts { .. } => Some(Kind::Counts),
            Self::Histograms { .. } => Some(Kind::Histograms),
            Self::ExponentialHistograms { .. } => Some(Kind::Exponential),
            Self::Failed { .. } => None,
        }
    }
}

/// One metric's running state.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct MetricState {
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    kind: Option<Kind>,
    #[cfg_attr(feature = "serde", serde(default))]
    data: StoredData,
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "crate::serde_float::option"
        )
    )]
    latest: Option<f64>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    failure: Option<String>,
    /// How many distinct times brought data (a failed measurement counts none).
    #[cfg_attr(feature = "serde", serde(default))]
    ticks: u64,
    /// The latest time that brought data.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    last_time: Option<u64>,
    checks: Vec<State>,
}

/// A metric's shared data; values serialise as the two sorted sides and the rank
/// sums are rebuilt (and so always consistent) on loading.
#[derive(Debug, Clone, PartialEq, Default)]
struct StoredData(Data);

#[cfg(feature = "serde")]
mod stored {
    use super::*;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Form {
        Empty,
        Values {
            #[serde(with = "crate::serde_float::vec")]
            baseline: Vec<f64>,
            #[serde(with = "crate::serde_float::vec")]
            canary: Vec<f64>,
        },
        Histograms {
            baseline: ClassicHistogram,
            canary: ClassicHistogram,
        },
        ExponentialHistograms {
            baseline: ExponentialHistogram,
            canary: ExponentialHistogram,
        },
    }

    impl Serialize for StoredData {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match &self.0 {
                Data::Empty => Form::Empty.serialize(s),
                Data::Values(pool) => Form::Values {
                    baseline: pool.baseline.to_sorted(),
                    canary: pool.canary.to_sorted(),
                }
                .serialize(s),
                Data::Histograms { baseline, canary } => Form::Histograms {
                    baseline: baseline.clone(),
                    canary: canary.clone(),
                }
                .serialize(s),
                Data::Exponential { baseline, canary } => Form::ExponentialHistograms {
                    baseline: baseline.clone(),
                    canary: canary.clone(),
                }
                .serialize(s),
            }
        }
    }

    impl<'de> Deserialize<'de> for StoredData {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            use serde::de::Error as _;
            Ok(Self(match Form::deserialize(d)? {
                Form::Empty => Data::Empty,
                Form::Values { baseline, canary } => {
                    for (side, v) in [("baseline", &baseline), ("canary", &canary)] {
                        if v.len() > crate::check::pool::MAX_POINTS {
                            return Err(D::Error::custom(format!(
                                "stored {side} values must number at most 2^32, got {}",
                                v.len()
                            )));
                        }
                        if let Some(bad) = v.iter().find(|x| !x.is_finite()) {
                            return Err(D::Error::custom(format!(
                                "stored {side} values must be finite, got {bad}"
                            )));
                        }
                        if v.windows(2).any(|w| w[0] > w[1]) {
                            return Err(D::Error::custom(format!(
                                "stored {side} values must be sorted ascending, got them out of order"
                            )));
                        }
                    }
                    let fold = |v: Vec<f64>| v.into_iter().map(|x| x + 0.0).collect();
                    Data::Values(RankPool::from_sorted(fold(baseline), fold(canary)))
                }
                Form::Histograms { baseline, canary } => {
                    if baseline.bounds() != canary.bounds() {
                        return Err(D::Error::custom(
                            "stored histograms' bounds must be equal on both sides, got different bounds",
                        ));
                    }
                    Data::Histograms { baseline, canary }
                }
                Form::ExponentialHistograms { baseline, canary } => {
                    Data::Exponential { baseline, canary }
                }
            }))
        }
    }
}

/// The tick-by-tick state machine over a [`Plan`]: see the [module docs](self).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct Analysis {
    plan: Plan,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    now: Option<u64>,
    metrics: Vec<MetricState>,
    /// The metrics' positions sorted by name, built on first use (derived from the
    /// plan, so never saved).
    #[cfg_attr(feature = "serde", serde(skip))]
    by_name: ByName,
    /// Each check's α under a family policy, built on first use (derived from the
    /// plan, so never saved).
    #[cfg_attr(feature = "serde", serde(skip))]
    alphas: Alphas,
}

/// Each check's α derived from a family policy ([`crate::policy::Family::split`]);
/// empty under the minimal policy. Derived data: always equal, never saved.
#[derive(Debug, Clone, Default)]
struct Alphas(Vec<Vec<Option<Alpha>>>);

impl PartialEq for Alphas {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Alphas {
    /// Metric `i`'s row: one entry per check, `None` for a check that spends no α
    /// (empty under the minimal policy). The split is built on first use.
    fn row(&mut self, plan: &Plan, i: usize) -> &[Option<Alpha>] {
        let Some(family) = &plan.policy.family else {
            return &[];
        };
        if self.0.len() != plan.metrics.len() {
            self.0 = family.split(plan.metrics.iter().map(|m| m.checks.as_slice()));
        }
        self.0.get(i).map_or(&[], Vec::as_slice)
    }
}

/// A metric's context for its check `j`: the family's α for it when there is one.
fn for_check<'a>(ctx: &Context<'a>, row: &[Option<Alpha>], j: usize) -> Context<'a> {
    Context {
        alpha: row.get(j).copied().flatten().unwrap_or(ctx.alpha),
        ..*ctx
    }
}

validated_serde!(Analysis);

/// Positions of a plan's metrics sorted by name: finds a metric in O(log M) string
/// comparisons instead of a scan, and in one when metrics come in the plan's order
/// (the metric after the last one found is tried first). Derived data: always
/// equal, never saved.
#[derive(Debug, Clone, Default)]
struct ByName(Vec<usize>, usize);

impl PartialEq for ByName {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl ByName {
    /// The position of `name` in `metrics` (rebuilding the index if stale).
    fn find(&mut self, metrics: &[MetricSpec], name: &str) -> Option<usize> {
        if self.0.len() != metrics.len() {
            self.0 = (0..metrics.len()).collect();
            self.0
                .sort_by(|&a, &b| metrics[a].name.cmp(&metrics[b].name));
        }
        let next = self.1;
        let found = if metrics.get(next).is_some_and(|m| m.name == name) {
            Some(next)
        } else {
            self.0
                .binary_search_by(|&i| metrics[i].name.as_str().cmp(name))
                .ok()
                .map(|k| self.0[k])
        };
        if let Some(i) = found {
            self.1 = if i + 1 < metrics.len() { i + 1 } else { 0 };
        }
        found
    }
}

impl crate::validated::Validate for Analysis {
    /// The plan validates; one state per metric and per check, each of the check's
    /// own kind; the data agree with the metric's observation kind; the latest level
    /// is finite; the tick count fits the times seen.
    fn validate(&self) -> Result<(), Error> {
        self.plan.validate()?;
        if self.metrics.len() != self.plan.metrics.len() {
            return Err(Error::Mismatch {
                name: "stored metric states",
                expected: "one per metric of the plan",
                got: format!(
                    "{} for {} metrics",
                    self.metrics.len(),
                    self.plan.metrics.len()
                ),
            });
        }
        for (spec, state) in self.plan.metrics.iter().zip(&self.metrics) {
            let fits = |e: Error| Error::in_metric(&spec.name, e);
            if state.checks.len() != spec.checks.len() {
                return Err(fits(Error::Mismatch {
                    name: "stored check states",
                    expected: "one per check",
                    got: format!("{} for {} checks", state.checks.len(), spec.checks.len()),
                }));
            }
            for (check, s) in spec.checks.iter().zip(&state.checks) {
                if !s.fits(check) {
                    return Err(fits(Error::Mismatch {
                        name: "stored check state",
                        expected: "the state of its check's kind",
                        got: format!("another kind's state for {check}"),
                    }));
                }
            }
            let kind = state.kind;
            let data_ok = matches!(
                (&state.data.0, kind),
                (Data::Empty, _)
                    | (Data::Values(_), Some(Kind::Values | Kind::Counts))
                    | (Data::Histograms { .. }, Some(Kind::Histograms))
                    | (Data::Exponential { .. }, Some(Kind::Exponential))
            );
            if !data_ok {
                return Err(fits(Error::Mismatch {
                    name: "stored data",
                    expected: "of the metric's observation kind",
                    got: format!("data for another kind (kind {:?})", kind.map(Kind::name)),
                }));
            }
            if let Some(k) = kind
                && let Some(c) = spec.checks.iter().find(|c| !c.accepts(k))
            {
                return Err(fits(Error::Mismatch {
                    name: "stored observation kind",
                    expected: "one every check takes",
                    got: format!("{} for {c}", k.name()),
                }));
            }
            if let Some(v) = state.latest
                && !v.is_finite()
            {
                return Err(fits(Error::InvalidParameter {
                    name: "latest canary level",
                    expected: "finite",
                    value: v,
                }));
            }
            // The tick count decides when fixed-horizon checks may decide under a
            // family policy: it must fit the times seen (distinct times up to the
            // latest, which is at most the analysis's now).
            let ticks_fit = match (state.last_time, self.now) {
                (None, _) => state.ticks == 0,
                (Some(last), Some(now)) => {
                    last <= now && state.ticks >= 1 && state.ticks - 1 <= last
                }
                (Some(_), None) => false,
            };
            if !ticks_fit {
                return Err(fits(Error::Mismatch {
                    name: "stored tick count",
                    expected: "at least 1 and at most the latest time + 1 once data came (0 before), the latest time at most now",
                    got: format!(
                        "{} ticks, latest time {:?}, now {:?}",
                        state.ticks, state.last_time, self.now
                    ),
                }));
            }
        }
        Ok(())
    }
}

impl Analysis {
    /// An analysis of `plan` before any observation.
    ///
    /// # Errors
    /// As [`Plan::validate`].
    pub fn new(plan: Plan) -> Result<Self, Error> {
        plan.validate()?;
        let metrics = plan
            .metrics
            .iter()
            .map(|m| MetricState {
                checks: m.checks.iter().map(Check::initial_state).collect(),
                ..MetricState::default()
            })
            .collect();
        Ok(Self {
            plan,
            now: None,
            metrics,
            by_name: ByName::default(),
            alphas: Alphas::default(),
        })
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The latest time passed in, if any.
    pub fn now(&self) -> Option<u64> {
        self.now
    }

    fn check_time(&self, now: u64) -> Result<(), Error> {
        match self.now {
            Some(last) if now < last => Err(Error::TimeWentBack { last, got: now }),
            _ => Ok(()),
        }
    }

    /// Feeds what one tick brought for one metric. Several metrics (and several
    /// observations of one metric) may share a time; time never goes back.
    ///
    /// Cost: O(log n) comparisons per value for the fixed-horizon checks (plus
    /// O(√n) amortised moves), O(log n) amortised per value for a quantile test,
    /// O(1) for counts and means, O(buckets) per histogram.
    ///
    /// # Errors
    /// - [`Error::TimeWentBack`] if `now` is before the latest time seen.
    /// - [`Error::UnknownMetric`] if the plan has no such metric.
    /// - [`Error::InMetric`] around the cause: a kind a check does not take or other
    ///   than the metric's first ([`Error::Mismatch`]), a non-finite value under
    ///   [`NonFinite::Reject`] ([`Error::NonFinite`]), changed histogram bounds, a
    ///   count overflow.
    ///
    /// On error the state is unchanged.
    pub fn observe(
        &mut self,
        now: u64,
        metric: &str,
        observation: &Observation,
    ) -> Result<(), Error> {
        self.check_time(now)?;
        let index = self
            .by_name
            .find(&self.plan.metrics, metric)
            .ok_or_else(|| Error::UnknownMetric {
                name: metric.to_owned(),
            })?;
        let spec = &self.plan.metrics[index];
        let alphas = self.alphas.row(&self.plan, index);
        apply(
            spec,
            alphas,
            (now, self.plan.planned_ticks),
            &mut self.metrics[index],
            observation,
        )
        .map_err(|e| Error::in_metric(metric, e))?;
        self.now = Some(now);
        Ok(())
    }

    /// The verdict at `now` with every finding explained: each check's estimate,
    /// interval, margin, α and p- or e-value, for passes too.
    ///
    /// Looking updates the sequential tests' running p-values and confidence
    /// sequences (a look folds the data so far in; looking twice at the same data
    /// changes nothing).
    ///
    /// # Errors
    /// - [`Error::TimeWentBack`] if `now` is before the latest time seen.
    pub fn verdict(&mut self, now: u64) -> Result<Verdict, Error> {
        let (findings, _) = self.look(now, true)?;
        Ok(self.plan.policy.decide(findings))
    }

    /// The decision at `now`: the same as [`Analysis::verdict`]'s, computing only
    /// what it needs (a rank check skips the Hodges–Lehmann interval while the test
    /// is not significant).
    ///
    /// # Errors
    /// As [`Analysis::verdict`].
    pub fn decide(&mut self, now: u64) -> Result<Decision, Error> {
        let (findings, ends) = self.look(now, false)?;
        Ok(self.plan.policy.decision_grouped(&findings, &ends))
    }

    /// Every check's finding, metric by metric, and where each metric's findings
    /// end.
    fn look(&mut self, now: u64, explain: bool) -> Result<(Vec<Finding>, Vec<usize>), Error> {
        self.check_time(now)?;
        self.now = Some(now);
        // One finding per check: allocated once (a growing vector would move every
        // finding written so far at each doubling).
        let checks = self.plan.metrics.iter().map(|m| m.checks.len()).sum();
        let mut findings = Vec::with_capacity(checks);
        let mut ends = Vec::with_capacity(self.metrics.len());
        let family = self.plan.policy.family;
        for (index, (spec, state)) in self.plan.metrics.iter().zip(&mut self.metrics).enumerate() {
            let metric_ctx = spec.context(explain);
            let alphas = self.alphas.row(&self.plan, index);
            let first = findings.len();
            for (j, (c, s)) in spec.checks.iter().zip(&mut state.checks).enumerate() {
                let ctx = for_check(&metric_ctx, alphas, j);
                if let Some(message) = &state.failure {
                    findings.push(crate::evidence::Finding::bare(
                        &spec.name,
                        &c.to_string(),
                        crate::Judgement::Error,
                        spec.required,
                        format!("the measurement failed: {message}"),
                    ));
                    continue;
                }
                // Before the planned end a family policy reports a fixed-horizon pass
                // or fail as "decides at the planned end": a decision (no
                // explanation) skips the signed-rank test's O(n log n) when it would
                // reach one (a pass stands in; the gate below rewrites it).
                if !explain
                    && family.is_some()
                    && state.ticks < self.plan.planned_ticks
                    && let State::Pairs(pairs) = s
                    && check::signed_rank_decides(&ctx, pairs)
                {
                    findings.push(crate::evidence::Finding::bare(
                        "",
                        "",
                        crate::Judgement::Pass,
                        spec.required,
                        String::new(),
                    ));
                    continue;
                }
                let finding = match *c {
                    Check::Rank => check::rank(&ctx, c, &mut state.data.0),
                    Check::Percentile { p } => check::percentile(&ctx, c, p, &state.data.0),
                    Check::Threshold { min, max } => {
                        Ok(check::threshold(&ctx, c, min, max, state.latest))
                    }
                    _ => check::look_own_state(&ctx, c, s),
                };
                findings.push(finding.unwrap_or_else(|e| {
                    crate::evidence::Finding::bare(
                        &spec.name,
                        &c.to_string(),
                        crate::Judgement::Error,
                        spec.required,
                        format!("the check could not be computed: {e}"),
                    )
                }));
            }
            if let Some(family) = &family {
                family.gate(
                    &spec.checks,
                    &mut findings[first..],
                    (state.ticks, self.plan.planned_ticks),
                    explain,
                );
            }
            ends.push(findings.len());
        }
        Ok((findings, ends))
    }
}

/// An update checked against a check's state, applied once the whole observation
/// is accepted.
enum Pending {
    /// A tick's pairs for the signed-rank pairs or the sign test.
    Pairs(crate::sequential::paired::PendingPairs),
    /// The count test's running totals after the observation.
    Counts((u64, u64)),
}

/// Applies one observation to a metric's state, all or nothing.
fn apply(
    spec: &MetricSpec,
    alphas: &[Option<Alpha>],
    (now, planned_ticks): (u64, u64),
    state: &mut MetricState,
    observation: &Observation,
) -> Result<(), Error> {
    let Some(kind) = observation.kind() else {
        if let Observation::Failed { message } = observation {
            state.failure = Some(message.clone());
        }
        return Ok(());
    };
    if let Some(c) = spec.checks.iter().find(|c| !c.accepts(kind)) {
        return Err(Error::Mismatch {
            name: "observation",
            expected: "a kind every check of the metric takes",
            got: format!("{} for the {c} check", kind.name()),
        });
    }
    if let Some(first) = state.kind
        && first != kind
    {
        return Err(Error::Mismatch {
            name: "observation",
            expected: "the kind of the metric's first observation",
            got: format!("{} after {}", kind.name(), first.name()),
        });
    }
    // Everything fallible first, on new values; the state changes only at the end.
    let ctx = spec.context(false);
    // The observation's values per side: samples own theirs; a count observation's
    // one rate per side stays on the stack (no allocation on the hot path).
    let mut samples: (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    let rates = match observation {
        Observation::Counts { baseline, canary } => (baseline.rate(), canary.rate()),
        _ => (None, None),
    };
    let mut latest = state.latest;
    let mut new_data: Option<Data> = None;
    let mut buckets: Option<(Vec<u64>, Vec<u64>, Vec<f64>)> = None;
    match observation {
        Observation::Values { baseline, canary } => {
            let b = Sample::with_policy(baseline.iter().copied(), spec.non_finite)?;
            let c = Sample::with_policy(canary.iter().copied(), spec.non_finite)?;
            if let Some(m) = c.mean() {
                latest = Some(m);
            }
            samples = (b.values().to_vec(), c.values().to_vec());
        }
        Observation::Counts { .. } => {
            if let Some(r) = rates.1 {
                latest = Some(r);
            }
        }
        Observation::Histograms { baseline, canary } => {
            if baseline.bounds() != canary.bounds() {
                return Err(Error::Mismatch {
                    name: "bucket bounds of the two sides",
                    expected: "identical",
                    got: format!(
                        "{:?} (baseline) and {:?} (canary)",
                        baseline.bounds(),
                        canary.bounds()
                    ),
                });
            }
            new_data = Some(match &state.data.0 {
                Data::Histograms {
                    baseline: b,
                    canary: c,
                } => Data::Histograms {
                    baseline: b.add(baseline)?,
                    canary: c.add(canary)?,
                },
                _ => Data::Histograms {
                    baseline: baseline.clone(),
                    canary: canary.clone(),
                },
            });
            if spec
                .checks
                .iter()
                .any(|c| matches!(c, Check::Quantile { .. }))
            {
                buckets = Some((
                    baseline.own_counts()?,
                    canary.own_counts()?,
                    baseline.bounds().to_vec(),
                ));
            }
        }
        Observation::ExponentialHistograms { baseline, canary } => {
            new_data = Some(match &state.data.0 {
                Data::Exponential {
                    baseline: b,
                    canary: c,
                } => Data::Exponential {
                    baseline: b.merge(baseline)?,
                    canary: c.merge(canary)?,
                },
                _ => Data::Exponential {
                    baseline: baseline.clone(),
                    canary: canary.clone(),
                },
            });
        }
        Observation::Failed { .. } => {}
    }
    let points: (&[f64], &[f64]) = match (observation, &rates) {
        (Observation::Counts { .. }, (b, c)) => (b.as_slice(), c.as_slice()),
        _ => (&samples.0, &samples.1),
    };
    // Only the rank and percentile checks read the pooled values; a metric without
    // them keeps none (its other checks hold their own summaries).
    let pooled = spec.checks.iter().any(Check::reads_pool);
    if pooled && matches!(kind, Kind::Values | Kind::Counts) {
        let pool = match &state.data.0 {
            Data::Values(pool) => pool,
            _ => &RankPool::default(),
        };
        pool.check_room(points.0.len(), points.1.len())?;
    }
    // Fresh states and the small t-test and budget states are built or updated on
    // copies, the growing ones checked now and updated in place at the end, the
    // quantile tests in place last (their updates cannot fail once the values are
    // finite and the mode fits).
    let first_batch = match observation {
        Observation::Values { baseline, .. } => baseline.len(),
        _ => 1,
    };
    // Replaced states, and updates checked here and applied in place once every
    // check has accepted the observation (no copy of a growing state). Empty vectors
    // do not allocate.
    let mut updated: Vec<(usize, State)> = Vec::new();
    let mut pending: Vec<(usize, Pending)> = Vec::new();
    for (i, (c, s)) in spec.checks.iter().zip(&state.checks).enumerate() {
        match (c, s) {
            (Check::CountRate { .. }, State::CountRate(test)) => {
                if let Observation::Counts { baseline, canary } = observation {
                    let totals = test.totals_after(baseline.events(), canary.events())?;
                    pending.push((i, Pending::Counts(totals)));
                }
            }
            (Check::CountRate { .. }, _) => {
                let (Observation::Counts { baseline, canary }, mut test) = (
                    observation,
                    check::new_count_test(c, &for_check(&ctx, alphas, i))?,
                ) else {
                    continue; // unreachable: the kind was checked above
                };
                test.update(baseline.events(), canary.events())?;
                updated.push((i, State::CountRate(test)));
            }
            (Check::BudgetGate { .. }, State::Spent(spent)) => {
                if let Observation::Counts { canary, .. } = observation {
                    let sum = |a: u64, b: u64, what: &'static str| {
                        a.checked_add(b).ok_or(Error::InvalidParameter {
                            name: what,
                            expected: "below 2^64",
                            value: a as f64,
                        })
                    };
                    let spent = EventCounts::new(
                        sum(
                            spent.events(),
                            canary.events(),
                            "budget gate's cumulative events",
                        )?,
                        sum(
                            spent.total(),
                            canary.total(),
                            "budget gate's cumulative total",
                        )?,
                    )?;
                    updated.push((i, State::Spent(spent)));
                }
            }
            // The paired states grow with every tick: checked here, added in place
            // below once every check has accepted the observation (no copy).
            (Check::SignedRank | Check::SignedRankWithTails, State::Pairs(pairs)) => {
                pending.push((i, Pending::Pairs(pairs.prepare(points.0, points.1)?)));
            }
            (Check::Paired | Check::PairedWithTails, State::Paired(test)) => {
                pending.push((i, Pending::Pairs(test.prepare(points.0, points.1)?)));
            }
            (Check::SignedRank | Check::SignedRankWithTails, _) => {
                let mut pairs = c.new_pairs();
                pairs.push(points.0, points.1)?;
                updated.push((i, State::Pairs(pairs)));
            }
            (Check::Paired | Check::PairedWithTails, _) => {
                let mut test = check::new_paired_test(c, &for_check(&ctx, alphas, i))?;
                test.update(points.0, points.1)?;
                updated.push((i, State::Paired(test)));
            }
            (Check::Exceedance { p }, _) => {
                let mut test = match s {
                    State::Exceedance(t) => t.clone(),
                    _ => crate::sequential::exceedance::TailTest::new(
                        for_check(&ctx, alphas, i).alpha,
                        *p,
                    )?,
                };
                test.update(points.0, points.1)?;
                updated.push((i, State::Exceedance(test)));
            }
            (Check::Mean, _) => {
                let mut test = match s {
                    State::Mean(t) => t.clone(),
                    _ => check::new_mean_test(&for_check(&ctx, alphas, i))?,
                };
                test.update(points.0, points.1)?;
                updated.push((i, State::Mean(test)));
            }
            _ => {}
        }
    }
    for (i, (c, s)) in spec.checks.iter().zip(&mut state.checks).enumerate() {
        if !matches!(c, Check::Quantile { .. }) {
            continue;
        }
        let feed = |test: &mut crate::sequential::quantiles::QuantileTest| match &buckets {
            Some((b, c, _)) => test.update_buckets(b, c),
            None => test.update(points.0, points.1),
        };
        match s {
            State::Quantile(test) => feed(test)?,
            _ => {
                let bounds = buckets.as_ref().map(|b| b.2.as_slice());
                let ctx = for_check(&ctx, alphas, i);
                let mut test =
                    check::new_quantile_test(c, &ctx, planned_ticks, first_batch, bounds)?;
                feed(&mut test)?;
                *s = State::Quantile(test);
            }
        }
    }
    for (i, u) in updated {
        state.checks[i] = u;
    }
    for (i, p) in &pending {
        match (&mut state.checks[*i], p) {
            (State::Pairs(pairs), Pending::Pairs(p)) => pairs.commit(p),
            (State::Paired(test), Pending::Pairs(p)) => test.commit(p),
            (State::CountRate(test), Pending::Counts(totals)) => test.set_totals(*totals),
            _ => {} // unreachable: each was checked against this state above
        }
    }
    // The burn check's window: push the canary's counts, keep the longest window.
    if let Observation::Counts { canary, .. } = observation {
        for (c, s) in spec.checks.iter().zip(&mut state.checks) {
            if let (Check::BurnRate { tick_seconds, .. }, State::Burn(counts)) = (c, s) {
                counts.push(*canary);
                let keep = check::burn_buckets(*tick_seconds);
                if counts.len() > keep {
                    counts.drain(..counts.len() - keep);
                }
            }
        }
    }
    match new_data {
        Some(d) => state.data.0 = d,
        None if !pooled => {}
        None => {
            if matches!(state.data.0, Data::Empty) {
                state.data.0 = Data::Values(RankPool::default());
            }
            if let Data::Values(pool) = &mut state.data.0 {
                pool.extend(points.0, points.1);
            }
        }
    }
    state.latest = latest;
    state.kind = Some(kind);
    state.failure = None;
    if state.last_time != Some(now) {
        state.ticks = state.ticks.saturating_add(1);
        state.last_time = Some(now);
    }
    Ok(())
}

/// What [`Analysis::replay_matrix`] returns: the decision after every tick, as a
/// controller deciding each tick would have seen it, and the verdict at the end.
#[cfg(feature = "ndarray")]
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    /// The decision after each tick (row), in order.
    pub decisions: Vec<Decision>,
    /// The verdict with every finding explained, at the last tick's time.
    pub verdict: Verdict,
}

#[cfg(feature = "ndarray")]
impl Analysis {
    /// Replays a recording held as two ticks × metrics matrices (feature `ndarray`):
    /// row i is tick `times[i]`, column j is the plan's metric j, one value per side
    /// per metric per tick (missing scrapes as NaN, handled by each metric's
    /// [`NonFinite`] policy; use [`NonFinite::Drop`] to skip them). Every metric must
    /// take values. The decision is taken after every row, as a controller would.
    ///
    /// Cost: one [`Analysis::observe`] per cell and one [`Analysis::decide`] per row.
    ///
    /// # Errors
    /// - [`Error::Mismatch`] if the matrices differ in shape, their rows differ from
    ///   `times`, or their columns from the plan's metrics.
    /// - Any error of [`Analysis::observe`] (a metric whose checks do not take
    ///   values, NaN under [`NonFinite::Reject`], time going back).
    ///
    /// On error the analysis is unchanged.
    ///
    /// # Example
    /// ```
    /// use canary_judge::{Analysis, Check, Decision, Direction, MetricSpec, NonFinite, Plan};
    /// use ndarray::Array2;
    /// let plan = Plan::new(vec![
    ///     MetricSpec::new("latency", [Check::Rank]).direction(Direction::HigherIsWorse),
    ///     MetricSpec::new("cpu", [Check::Rank]).non_finite(NonFinite::Drop),
    /// ]);
    /// // 40 ticks × 2 metrics; the canary's latency is 20% higher, its cpu the same.
    /// let baseline = Array2::from_shape_fn((40, 2), |(t, m)| [100.0, 0.5][m] + ((t * 7) % 11) as f64 * 0.01);
    /// let mut canary = baseline.clone();
    /// canary.column_mut(0).mapv_inplace(|v| v * 1.2);
    /// canary[[3, 1]] = f64::NAN; // a missed scrape
    /// let times: Vec<u64> = (0..40).map(|t| 10 * t).collect();
    /// let replay = Analysis::new(plan)?.replay_matrix(&times, baseline.view(), canary.view())?;
    /// assert_eq!(replay.verdict.decision, Decision::Fail);
    /// assert_eq!(replay.decisions.len(), 40);
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn replay_matrix(
        &mut self,
        times: &[u64],
        baseline: ndarray::ArrayView2<'_, f64>,
        canary: ndarray::ArrayView2<'_, f64>,
    ) -> Result<Replay, Error> {
        let shape = |a: &ndarray::ArrayView2<'_, f64>| format!("{} × {}", a.nrows(), a.ncols());
        if baseline.dim() != canary.dim() {
            return Err(Error::Mismatch {
                name: "shapes of the baseline and canary matrices",
                expected: "equal",
                got: format!("{} and {}", shape(&baseline), shape(&canary)),
            });
        }
        if baseline.nrows() != times.len() || baseline.ncols() != self.plan.metrics.len() {
            return Err(Error::Mismatch {
                name: "shape of the matrices (ticks × metrics)",
                expected: "one row per time and one column per metric of the plan",
                got: format!(
                    "{} for {} times and {} metrics",
                    shape(&baseline),
                    times.len(),
                    self.plan.metrics.len()
                ),
            });
        }
        let mut run = self.clone();
        let names: Vec<String> = run.plan.metrics.iter().map(|m| m.name.clone()).collect();
        let mut decisions = Vec::with_capacity(times.len());
        for ((&t, b), c) in times.iter().zip(baseline.rows()).zip(canary.rows()) {
            for ((name, &bv), &cv) in names.iter().zip(b.iter()).zip(c.iter()) {
                let obs = Observation::Values {
                    baseline: vec![bv],
                    canary: vec![cv],
                };
                run.observe(t, name, &obs)?;
            }
            decisions.push(run.decide(t)?);
        }
        let end = times.last().copied().or(run.now).unwrap_or(0);
        let verdict = run.verdict(end)?;
        *self = run;
        Ok(Replay { decisions, verdict })
    }
}
