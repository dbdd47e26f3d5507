//! Checks: each turns what a metric has seen into a [`Finding`] through the one rule
//! of [`judge_interval`].
//!
//! | check | observations | interval judged | look | margin's baseline level |
//! |---|---|---|---|---|
//! | [`Check::Rank`] | values, counts (one rate per tick), classic and exponential histograms | Hodges–Lehmann shift, level 1 − α, one-sided for one bad direction (binned data: the test alone, see below) | final | the baseline's median |
//! | [`Check::Percentile`] | values, counts, classic and exponential histograms | percentile delta, joint level 1 − α | final | the baseline's quantile |
//! | [`Check::BurnRate`] | counts | the Workbook's paging tiers on the canary's burn rate | anytime (a rule, not a test) | none |
//! | [`Check::BudgetGate`] | counts | the rest of the rollout's projected budget spend, at the burn rate's lower bound at 1 − α | anytime | none (its own limits) |
//! | [`Check::CountRate`] | counts | confidence sequence of the rate ratio − 1 | anytime | relative only (a fraction of the baseline's rate) |
//! | [`Check::Quantile`] | values, classic histograms | confidence sequence of the quantile difference | anytime | lower end of the baseline's quantile sequence |
//! | [`Check::Mean`] | values, counts | confidence sequence of the mean difference | anytime | the baseline's mean |
//! | [`Check::SignedRank`] | as [`Check::Paired`] | the signed-rank test of the differences shifted by the margin (no interval) | final | the baseline's mean |
//! | [`Check::SignedRankWithTails`] | as [`Check::Paired`] | the signed-rank test of all differences, and of the relative spreads of the 5% of pairs that spread most, each at α/2 (all pairs at α while the top is too small to reject) (no interval) | final | none (zero margin) |
//! | [`Check::Paired`] | values (by position, or the two medians when the counts differ), counts (the two rates) | confidence sequence of the median paired difference | anytime | the baseline's mean |
//! | [`Check::PairedWithTails`] | as [`Check::Paired`] | as [`Check::Paired`]; its e-process also bets on the tails | anytime | the baseline's mean |
//! | [`Check::Exceedance`] | values (batches per tick) | none: the e-process on the share of the tick's canary values above the baseline's p-quantile (no interval) | anytime | none (zero margin) |
//! | [`Check::Threshold`] | values, counts | the canary's level at the latest tick against fixed bounds | final | none (the bounds are absolute) |
//!
//! On binned data the rank test has no shift interval (values inside a bucket are
//! unknown): it fails on significance alone when the margin is zero, and is
//! inconclusive when significant under a non-zero margin (add a percentile check,
//! whose interval uses the bucket edges).
//!
//! *Final* checks are fixed-horizon tests: valid once, at the planned end; a look
//! before it is informative, not a decision rule (see [`crate::sequential`] for why).
//! *Anytime* checks may decide at every look. A rank check fails only when the test
//! is significant (p < α) **and** its interval lies beyond the margin. A sequential
//! check with a zero margin also fails when its one-sided e-value reaches 1/α before
//! its two-sided sequence clears 0 (the e-process is the sharper test there).
//!
//! Costs per look: a rank check computes U's p-value from the incrementally kept rank
//! sums in O(1) (exact p-values, used without ties up to
//! [`AUTO_EXACT_MAX_PAIRS`](crate::compare::AUTO_EXACT_MAX_PAIRS) pairs, cost more),
//! and the Hodges–Lehmann interval, O(m + n), only when an explanation was asked for;
//! deciding without one counts the differences beyond the margin against the
//! interval's rank instead, O(m + n), and only when the test is significant. A
//! percentile check on values costs O(log n).
//!
//! [`kayenta`] is Kayenta's own per-metric classification, for its compatibility
//! mode.

pub mod kayenta;
pub(crate) mod pool;

use std::fmt;

use crate::Error;
use crate::compare::quantile::{PercentileDeltaOutcome, percentile_delta};
use crate::compare::{Alternative, MannWhitney, Method};
use crate::evidence::{
    Evidence, Finding, Interval, Judgement, Lack, Look, Num, SequentialKind, Side, Sides,
    judge_interval,
};
use crate::input::Direction;
use crate::input::histogram::ClassicHistogram;
use crate::params::{Alpha, Margin};
use crate::sequential::counts::CountRateTest;
use crate::sequential::exceedance::TailTest;
use crate::sequential::means::TTest;
use crate::sequential::paired::{Pairs, SignTest};
use crate::sequential::quantiles::QuantileTest;
use crate::sequential::{ConfidenceSequence, Report, SequentialTest, Signal};

use pool::RankPool;

/// A check of one metric, as written in a policy document.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
pub enum Check {
    /// Mann–Whitney U with the Hodges–Lehmann shift interval ([`MannWhitney`],
    /// [`crate::compare::Method::Auto`]), one-sided toward the bad
    /// direction (two-sided for `Either`). Fixed horizon.
    Rank,
    /// The change of the p-quantile with a distribution-free interval
    /// ([`percentile_delta`]) at level 1 − α. Fixed horizon.
    Percentile {
        /// The probability, in (0, 1): 0.99 for p99.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        p: f64,
    },
    /// The anytime-valid count-rate test ([`CountRateTest`]) on event counts, for
    /// metrics where higher is worse (or either). Valid for Poisson event streams
    /// with a known, stable traffic split (requests routed one by one); see its
    /// documentation. Not for bursty per-bucket counts: on real load-balancer
    /// request counts split A/A it failed 38 of 80 canaries checked every tick
    /// (`cargo run --release --example evaluate`), where the tick-paired checks
    /// ([`Check::PairedWithTails`], [`Check::SignedRank`]) failed 1.
    CountRate {
        /// The canary's share of the traffic the two arms receive together, in
        /// (0, 1): 0.5 (the default) when baseline and canary are equally sized, as
        /// in Kayenta-style canaries; 0.05 when a canary takes 5% and the baseline
        /// the other 95%.
        #[cfg_attr(
            feature = "serde",
            serde(default = "half", with = "crate::serde_float")
        )]
        canary_share: f64,
    },
    /// The anytime-valid quantile test ([`QuantileTest`]).
    Quantile {
        /// The probability, in (0, 1).
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        p: f64,
        /// Observations per side at which the boundary is tightest. Default: the
        /// plan's planned ticks × the number of baseline points in the metric's
        /// first observation (a choice fixed before any value is used, so validity
        /// does not depend on it).
        #[cfg_attr(
            feature = "serde",
            serde(
                default,
                skip_serializing_if = "Option::is_none",
                with = "crate::serde_float::option"
            )
        )]
        t_opt: Option<f64>,
    },
    /// The anytime-valid t-test of means ([`TTest`], effect size 0.1 by default).
    Mean,
    /// The anytime-valid sign test on tick-aligned pairs ([`SignTest`]): values
    /// pair by position within a tick (`baseline[i]` with `canary[i]`) when both
    /// sides bring as many, and as the two sides' medians when they do not; counts
    /// pair as the two rates; a side with nothing in a tick gives no pair. Valid
    /// without any Poisson or independence model when each tick's pair shares its
    /// load.
    Paired,
    /// [`Check::Paired`] with its tail bets on ([`SignTestBuilder::with_tails`](crate::sequential::paired::SignTestBuilder::with_tails)): the sign
    /// e-process averaged with bets on the signs of the pairs whose relative spread
    /// is largest, so that a heavier tail (a few much worse values) is caught while
    /// the median stays put. Same data, same validity; with a zero margin.
    PairedWithTails,
    /// The anytime-valid within-tick exceedance test ([`TailTest`]): in each tick,
    /// the share of the canary's values above the baseline's p-quantile order
    /// statistic of the same tick, bet against its exact null share
    /// (n + 1 − r)/(n + 1), r = ⌈p(n + 1)⌉. It catches a heavier upper tail while the
    /// median stays put, with no model: valid whenever a tick's values are
    /// exchangeable between the two sides (raw per-request values of traffic split
    /// request by request), whatever their distribution and however it drifts from
    /// tick to tick. It needs batches: a tick with fewer than ⌈1/(1 − p)⌉ − 1
    /// baseline values (19 for p95, 99 for p99) or no canary value carries no
    /// evidence, so with one value per side per tick use the tail bets of
    /// [`Check::PairedWithTails`] instead. Higher is worse only, with a zero margin;
    /// it fails when its e-value reaches 1/α and never passes early (at the planned
    /// end a family policy counts it as a pass if it did not reject).
    Exceedance {
        /// The baseline's tail quantile, in (0, 1): 0.95 or 0.99.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        p: f64,
    },
    /// The Wilcoxon signed-rank test on the same tick-aligned pairs as
    /// [`Check::Paired`], at the final look ([`crate::compare::signed_rank`]): with a
    /// margin m it tests the differences shifted by m (H₀: the median difference is
    /// at most m in the bad direction). Fails when p < α; the estimate is the median
    /// difference.
    SignedRank,
    /// [`Check::SignedRank`] that also looks at the tail: the signed-rank test of
    /// every pair's difference, and the same test of the signed relative spreads
    /// (c − b)/(|c| + |b|) of the pairs whose spread is among the largest
    /// [`TAIL_SHARE`] (5%; every pair tied with the cutoff included), each at α/2
    /// (Bonferroni: the check's p-value is min(1, 2·min(p_all, p_tail))). Relative
    /// spreads, so that a busy tick's larger differences do not crowd out a quiet
    /// tick's much worse one. A heavier tail, a few ticks much worse while the median
    /// stays put, gives the top pairs one sign: on the recorded NAB series
    /// (`cargo run --release --example evaluate`) it moved the default's detection
    /// of heavier tails at 300 or more ticks from 40.7% to 56.9%, for 1.5
    /// points of detection on shifts and scalings (at an anytime share of ½).
    ///
    /// A tail test that cannot reject spends nothing (Tarone's modified Bonferroni,
    /// Biometrics 46, 1990): while the top pairs' non-zero spreads are too few for
    /// their smallest attainable p-value (½^m one-sided) to fall below α/2, which
    /// at the default's α means fewer than 100 to 200 pairs, the tail test is left
    /// out and all pairs are tested at the whole α. Whether it can reject depends on
    /// the magnitudes alone, so the level holds given them; on the NAB series this
    /// added about one point of detection (79.5% against 78.5%, five corpus seeds).
    ///
    /// Valid under the same null as the signed-rank test: swapping a pair's two
    /// values flips its spread's sign and keeps its magnitude, and which pairs are
    /// on top depends on the magnitudes alone; so with each pair's sign a fair coin
    /// given the magnitudes, the top pairs' signs are fair coins too, and the test on
    /// them is the exact signed-rank test of a smaller sample. Memory: 8 more bytes
    /// a pair (the spreads). With a zero margin (the tail test has none).
    SignedRankWithTails,
    /// The canary's error budget burn against an SLO: the SRE Workbook's paging
    /// tiers (burn rate above 14.4 over both 1 h and 5 min, or above 6 over both 6 h
    /// and 30 min; [`crate::burn::tiers::workbook`]) evaluated on the canary's event
    /// counts, one bucket of `tick_seconds` per observation (windows longer than the
    /// canary so far use the buckets there are). Fails when a tier fires; passes
    /// while none does. Not a statistical test: no α, no margin.
    BurnRate {
        /// The SLO target, in (0, 1): 0.999 for "99.9% of events good".
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        objective: f64,
        /// The time one observation covers, in seconds; it must divide 5 minutes.
        tick_seconds: u64,
    },
    /// The error-budget gate on promotion ([`crate::burn::canary::gate`]): the rest
    /// of the rollout, at the canary's burn rate, must not spend more than
    /// `max_spend` of the period's budget, and the budget left must stay above
    /// `min_remaining`. The burn rate used is the lower confidence bound at 1 − α
    /// of the canary's cumulative counts ([`crate::burn::safeguards::burn_lower_bound`]),
    /// so a handful of early errors does not block a rollout by chance. Fails
    /// (blocks) or passes; no data before the canary has traffic.
    BudgetGate {
        /// The SLO target, in (0, 1).
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        objective: f64,
        /// The fraction of the period's error budget left when the canary started
        /// (from the service's own SLO tracking; may be negative when overspent).
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        remaining_budget: f64,
        /// The SLO period in seconds (e.g. 2,592,000 for 30 days).
        period_seconds: u64,
        /// The rest of the rollout as full-traffic seconds: Σ share × duration over
        /// its steps (1 h at 10% then 24 h at 100% is 0.1 × 3,600 + 86,400).
        rollout_seconds: u64,
        /// Block when less than this fraction of the budget is left, in [0, 1].
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        min_remaining: f64,
        /// Block when the rollout would spend more than this fraction of the budget.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        max_spend: f64,
    },
    /// The canary's level at the latest tick (mean of its values, or its event rate)
    /// against fixed bounds: fails above `max` or below `min`, whatever the baseline
    /// did (Argo's and Flagger's threshold analyses).
    Threshold {
        /// Lowest acceptable level.
        #[cfg_attr(
            feature = "serde",
            serde(
                default,
                skip_serializing_if = "Option::is_none",
                with = "crate::serde_float::option"
            )
        )]
        min: Option<f64>,
        /// Highest acceptable level.
        #[cfg_attr(
            feature = "serde",
            serde(
                default,
                skip_serializing_if = "Option::is_none",
                with = "crate::serde_float::option"
            )
        )]
        max: Option<f64>,
    },
}

impl fmt::Display for Check {
    /// The check's name in findings: `rank`, `percentile p99`, `count rate`,
    /// `quantile p50`, `mean`, `threshold`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rank => f.write_str("rank"),
            Self::Percentile { p } => write!(f, "percentile p{}", Num(100.0 * p)),
            Self::CountRate { .. } => f.write_str("count rate"),
            Self::Quantile { p, .. } => write!(f, "quantile p{}", Num(100.0 * p)),
            Self::Mean => f.write_str("mean"),
            Self::Paired => f.write_str("paired sign"),
            Self::PairedWithTails => f.write_str("paired sign with tails"),
            Self::Exceedance { p } => write!(f, "exceedance above p{}", Num(100.0 * p)),
            Self::SignedRank => f.write_str("signed rank"),
            Self::SignedRankWithTails => f.write_str("signed rank with tails"),
            Self::Threshold { .. } => f.write_str("threshold"),
            Self::BurnRate { .. } => f.write_str("burn rate"),
            Self::BudgetGate { .. } => f.write_str("budget gate"),
        }
    }
}

/// The kinds of observation a metric can receive (see
/// [`Observation`](crate::analysis::Observation)); saved with the metric's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub(crate) enum Kind {
    Values,
    Counts,
    Histograms,
    #[cfg_attr(feature = "serde", serde(rename = "exponential_histograms"))]
    Exponential,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Values => "values",
            Self::Counts => "counts with totals",
            Self::Histograms => "histograms",
            Self::Exponential => "exponential histograms",
        }
    }
}

#[cfg(feature = "serde")]
fn half() -> f64 {
    0.5
}

/// Refuses a non-zero margin for a check that has none, saying why.
fn zero_margin(margin: Margin, expected: &'static str) -> Result<(), Error> {
    match margin {
        Margin::Absolute(m) | Margin::Relative(m) if m != 0.0 => Err(Error::InvalidParameter {
            name: "margin",
            expected,
            value: m,
        }),
        _ => Ok(()),
    }
}

fn probability(name: &'static str, p: f64) -> Result<(), Error> {
    if p > 0.0 && p < 1.0 {
        Ok(())
    } else {
        Err(Error::invalid(name, "within (0, 1)", p))
    }
}

impl Check {
    /// Whether the check takes this kind of observation.
    pub(crate) fn accepts(&self, kind: Kind) -> bool {
        match self {
            Self::Rank | Self::Percentile { .. } => true,
            Self::CountRate { .. } | Self::BurnRate { .. } | Self::BudgetGate { .. } => {
                kind == Kind::Counts
            }
            Self::Quantile { .. } => matches!(kind, Kind::Values | Kind::Histograms),
            Self::Exceedance { .. } => kind == Kind::Values,
            Self::Mean
            | Self::Paired
            | Self::PairedWithTails
            | Self::SignedRank
            | Self::SignedRankWithTails
            | Self::Threshold { .. } => {
                matches!(kind, Kind::Values | Kind::Counts)
            }
        }
    }

    /// The check's own parameters, and how they fit the metric's direction and margin.
    pub(crate) fn validate(&self, direction: Direction, margin: Margin) -> Result<(), Error> {
        match *self {
            Self::Rank | Self::Mean | Self::Paired | Self::SignedRank => Ok(()),
            Self::PairedWithTails | Self::SignedRankWithTails => zero_margin(
                margin,
                "0 for the checks with tails (their tail tests look at the signs themselves; use the paired or signed-rank check for a margin)",
            ),
            Self::BudgetGate {
                objective,
                remaining_budget,
                period_seconds,
                rollout_seconds: _,
                min_remaining,
                max_spend,
            } => {
                crate::burn::Objective::new(objective)?;
                if !remaining_budget.is_finite() {
                    return Err(Error::invalid(
                        "budget gate's remaining_budget",
                        "finite",
                        remaining_budget,
                    ));
                }
                if period_seconds == 0 {
                    return Err(Error::invalid("budget gate's period_seconds", ">= 1", 0.0));
                }
                if !(0.0..=1.0).contains(&min_remaining) {
                    return Err(Error::invalid(
                        "budget gate's min_remaining",
                        "within [0, 1]",
                        min_remaining,
                    ));
                }
                if !(max_spend.is_finite() && max_spend >= 0.0) {
                    return Err(Error::invalid(
                        "budget gate's max_spend",
                        "finite and >= 0",
                        max_spend,
                    ));
                }
                Ok(())
            }
            Self::BurnRate {
                objective,
                tick_seconds,
            } => {
                crate::burn::Objective::new(objective)?;
                if tick_seconds == 0
                    || burn_tiers()
                        .iter()
                        .any(|t| t.short.as_secs() % tick_seconds != 0)
                {
                    return Err(Error::invalid(
                        "burn rate check's tick_seconds",
                        "a divisor of 300 (every window a whole number of ticks)",
                        tick_seconds as f64,
                    ));
                }
                Ok(())
            }
            Self::Percentile { p } => probability("percentile check's p", p),
            Self::Exceedance { p } => {
                probability("exceedance check's p", p)?;
                if direction != Direction::HigherIsWorse {
                    return Err(Error::Mismatch {
                        name: "direction of a metric with an exceedance check",
                        expected: "higher_is_worse (it tests the upper tail)",
                        got: format!("{direction:?}"),
                    });
                }
                zero_margin(
                    margin,
                    "0 for the exceedance check (it bets on a share of values, not on a change)",
                )
            }
            Self::Quantile { p, t_opt } => {
                probability("quantile check's p", p)?;
                match t_opt {
                    Some(t) if !(t.is_finite() && t >= 1.0) => Err(Error::invalid(
                        "quantile check's t_opt",
                        "finite and >= 1",
                        t,
                    )),
                    _ => Ok(()),
                }
            }
            Self::CountRate { canary_share } => {
                probability("count rate check's canary_share", canary_share)?;
                if direction == Direction::LowerIsWorse {
                    return Err(Error::Mismatch {
                        name: "direction of a metric with a count rate check",
                        expected: "higher_is_worse or either (it counts bad events)",
                        got: "lower_is_worse".into(),
                    });
                }
                if let Margin::Absolute(v) = margin
                    && v != 0.0
                {
                    return Err(Error::Mismatch {
                        name: "margin of a metric with a count rate check",
                        expected: "relative (a fraction of the baseline's rate) or zero",
                        got: format!("absolute {v}"),
                    });
                }
                Ok(())
            }
            Self::Threshold { min, max } => {
                for (name, bound) in [("threshold's min", min), ("threshold's max", max)] {
                    if let Some(b) = bound
                        && !b.is_finite()
                    {
                        return Err(Error::invalid(name, "finite", b));
                    }
                }
                match (min, max) {
                    (None, None) => Err(Error::Mismatch {
                        name: "threshold check",
                        expected: "a min, a max or both",
                        got: "neither".into(),
                    }),
                    (Some(lo), Some(hi)) if lo > hi => {
                        Err(Error::invalid("threshold's min", "at most its max", lo))
                    }
                    _ => Ok(()),
                }
            }
        }
    }

    /// The check's running state before any observation.
    pub(crate) fn initial_state(&self) -> State {
        match self {
            Self::CountRate { .. }
            | Self::Quantile { .. }
            | Self::Mean
            | Self::Paired
            | Self::PairedWithTails
            | Self::Exceedance { .. } => State::Pending,
            Self::Rank | Self::Percentile { .. } | Self::Threshold { .. } => State::Shared,
            Self::BurnRate { .. } => State::Burn(Vec::new()),
            Self::BudgetGate { .. } => State::Spent(crate::EventCounts::default()),
            Self::SignedRank | Self::SignedRankWithTails => State::Pairs(self.new_pairs()),
        }
    }

    /// The empty pairs of a signed-rank check: with the relative spreads kept when
    /// it has tails.
    pub(crate) fn new_pairs(&self) -> Pairs {
        if *self == Self::SignedRankWithTails {
            Pairs::with_spreads()
        } else {
            Pairs::default()
        }
    }

    /// When the check may decide, if it is a statistical test that spends α:
    /// [`Look::Final`] for the fixed-horizon tests, [`Look::Anytime`] for the
    /// sequential tests and the budget gate (whose α sets its burn rate's lower
    /// bound); `None` for the rules without α (burn-rate tiers, thresholds).
    ///
    /// # Example
    /// ```
    /// use canary_judge::Check;
    /// use canary_judge::evidence::Look;
    /// assert_eq!(Check::SignedRank.spends_alpha(), Some(Look::Final));
    /// assert_eq!(Check::PairedWithTails.spends_alpha(), Some(Look::Anytime));
    /// assert_eq!(Check::Threshold { min: None, max: Some(1.0) }.spends_alpha(), None);
    /// ```
    pub fn spends_alpha(&self) -> Option<Look> {
        match self {
            Self::Rank | Self::Percentile { .. } | Self::SignedRank | Self::SignedRankWithTails => {
                Some(Look::Final)
            }
            Self::CountRate { .. }
            | Self::Quantile { .. }
            | Self::Mean
            | Self::Paired
            | Self::PairedWithTails
            | Self::Exceedance { .. }
            | Self::BudgetGate { .. } => Some(Look::Anytime),
            Self::BurnRate { .. } | Self::Threshold { .. } => None,
        }
    }
}

/// A check's own running state: sequential tests carry theirs; fixed-horizon checks
/// read the metric's shared data.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub(crate) enum State {
    /// A fixed-horizon check: nothing of its own.
    Shared,
    /// A sequential check before its first observation (its test is built then, when
    /// the observation's kind and size fix the mixing parameters).
    Pending,
    CountRate(CountRateTest),
    Quantile(QuantileTest),
    Mean(TTest),
    Paired(SignTest),
    Exceedance(TailTest),
    /// The tick-paired differences (the signed-rank check).
    Pairs(Pairs),
    /// The canary's counts per tick, the latest `burn_buckets` of them.
    Burn(Vec<crate::EventCounts>),
    /// The canary's cumulative counts (the budget gate).
    Spent(crate::EventCounts),
}

impl Check {
    /// Whether the check reads the metric's pooled observations (values, rates or
    /// histograms) rather than a state of its own.
    pub(crate) fn reads_pool(&self) -> bool {
        matches!(self, Self::Rank | Self::Percentile { .. })
    }
}

impl State {
    /// Whether this state can belong to `check`.
    pub(crate) fn fits(&self, check: &Check) -> bool {
        matches!(
            (self, check),
            (
                Self::Shared,
                Check::Rank | Check::Percentile { .. } | Check::Threshold { .. }
            ) | (
                Self::Pending,
                Check::CountRate { .. }
                    | Check::Quantile { .. }
                    | Check::Mean
                    | Check::Paired
                    | Check::PairedWithTails
                    | Check::Exceedance { .. }
            ) | (Self::CountRate(_), Check::CountRate { .. })
                | (Self::Quantile(_), Check::Quantile { .. })
                | (Self::Mean(_), Check::Mean)
                | (Self::Spent(_), Check::BudgetGate { .. })
        ) || matches!((self, check), (Self::Burn(v), Check::BurnRate { tick_seconds, .. })
                if *tick_seconds > 0 && v.len() <= burn_buckets(*tick_seconds))
            || matches!((self, check), (Self::Pairs(p), Check::SignedRank) if !p.has_spreads())
            || matches!((self, check), (Self::Pairs(p), Check::SignedRankWithTails) if p.has_spreads())
            || matches!((self, check), (Self::Paired(t), Check::Paired) if !t.has_tails())
            || matches!((self, check), (Self::Paired(t), Check::PairedWithTails) if t.has_tails())
            || matches!((self, check), (Self::Exceedance(t), Check::Exceedance { p }) if t.p() == *p)
    }
}

/// What a metric has seen, shared by its fixed-horizon checks.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Data {
    #[default]
    Empty,
    /// Raw values (or one rate per tick from counts), kept sorted with rank sums.
    Values(RankPool),
    /// The sum of the histograms observed, per side.
    Histograms {
        baseline: ClassicHistogram,
        canary: ClassicHistogram,
    },
    /// The merge of the exponential histograms observed, per side.
    Exponential {
        baseline: crate::input::histogram::ExponentialHistogram,
        canary: crate::input::histogram::ExponentialHistogram,
    },
}

/// Everything a check needs to know about its metric to judge.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'a> {
    pub(crate) metric: &'a str,
    pub(crate) direction: Direction,
    pub(crate) margin: Margin,
    pub(crate) alpha: Alpha,
    /// The rank test's null distribution (the Analysis uses `Auto`).
    pub(crate) method: Method,
    pub(crate) required: bool,
    /// Compute every interval even when the judgement does not need it.
    pub(crate) explain: bool,
}

impl Context<'_> {
    /// A finding without numbers; the reason is only written when explaining (a
    /// decision needs judgements alone).
    fn finding(
        &self,
        check: &Check,
        judgement: Judgement,
        reason: impl FnOnce() -> String,
    ) -> Finding {
        // A decision reads judgements alone (grouped by position, not by name): no
        // metric or check name or reason is written.
        let (metric, name, reason) = if self.explain {
            (self.metric, check.to_string(), reason())
        } else {
            ("", String::new(), String::new())
        };
        let mut f = Finding::bare(metric, "", judgement, self.required, reason);
        f.check = name;
        f
    }

    fn alternative(&self) -> Alternative {
        match self.direction {
            Direction::HigherIsWorse => Alternative::Greater,
            Direction::LowerIsWorse => Alternative::Less,
            Direction::Either => Alternative::TwoSided,
        }
    }

    fn sides(&self) -> Sides {
        if self.direction == Direction::Either {
            Sides::Two
        } else {
            Sides::One
        }
    }
}

fn explain(judgement: Judgement, what: &str, interval: Option<&Interval>, margin: f64) -> String {
    let iv = interval.map_or_else(String::new, |i| format!(" (interval {i})"));
    let m = Num(margin);
    match judgement {
        Judgement::Fail(Side::High) => {
            format!("{what}{iv} lies above the margin {m}: the canary is worse")
        }
        Judgement::Fail(Side::Low) => {
            format!(
                "{what}{iv} lies below the margin {}: the canary is worse",
                Num(-margin)
            )
        }
        Judgement::Pass => format!("{what}{iv} does not go beyond the margin {m}"),
        Judgement::Inconclusive => format!("{what}{iv} still straddles the margin {m}"),
        Judgement::NoData(lack) => format!("{what}: {lack}"),
        Judgement::Error => format!("{what}: error"),
    }
}

/// Judges a fixed-horizon rank check.
pub(crate) fn rank(ctx: &Context<'_>, check: &Check, data: &mut Data) -> Result<Finding, Error> {
    let test = MannWhitney::new()
        .alternative(ctx.alternative())
        .method(ctx.method)
        .confidence_level(ctx.alpha.confidence_level());
    let alpha = ctx.alpha.get();
    match data {
        Data::Empty => Ok(
            ctx.finding(check, Judgement::NoData(Lack::NotObserved), || {
                "nothing observed yet".into()
            }),
        ),
        Data::Histograms { .. } | Data::Exponential { .. } => {
            use crate::compare::histogram::{mann_whitney, mann_whitney_exponential};
            // Both sides must hold observations (binned data is never values here).
            let result = match &*data {
                Data::Histograms { baseline, canary }
                    if baseline.total() > 0.0 && canary.total() > 0.0 =>
                {
                    Some(mann_whitney(baseline, canary, &test)?)
                }
                Data::Exponential { baseline, canary }
                    if baseline.total() > 0 && canary.total() > 0 =>
                {
                    Some(mann_whitney_exponential(baseline, canary, &test)?)
                }
                _ => None,
            };
            let Some(r) = result else {
                return Ok(ctx.finding(check, Judgement::NoData(Lack::Empty), || {
                    "a side's histogram holds no observations".into()
                }));
            };
            let significant = r.p_value < alpha;
            let (judgement, reason) = if !significant {
                (
                    Judgement::Pass,
                    format!(
                        "no significant shift (p = {}, binned data: no shift interval)",
                        Num(r.p_value)
                    ),
                )
            } else if ctx.margin.is_zero() {
                let side = if r.u_canary * 2.0 > (r.n_baseline as f64) * (r.n_canary as f64) {
                    Side::High
                } else {
                    Side::Low
                };
                (
                    Judgement::Fail(side),
                    format!(
                        "significant shift on binned data, p = {} < alpha",
                        Num(r.p_value)
                    ),
                )
            } else {
                (Judgement::Inconclusive, "significant on binned data, whose shift interval is unknown, so the margin cannot be checked; add a percentile check".into())
            };
            let mut f = ctx.finding(check, judgement, || reason);
            f.alpha = Some(ctx.alpha);
            f.p_value = Some(r.p_value);
            f.evidence = Some(Evidence::Rank(r));
            Ok(f)
        }
        Data::Values(pool) => {
            let (n, m) = (pool.baseline.len(), pool.canary.len());
            if n == 0 || m == 0 {
                return Ok(ctx.finding(check, Judgement::NoData(Lack::Empty), || {
                    format!("{n} baseline and {m} canary values")
                }));
            }
            // C(n + m, m) ≥ 2^min(n, m), so the smallest p-value is at most
            // 2^(1 − min(n, m)): below α, the three log-gammas are not needed.
            let surely_below = (1.0 - n.min(m) as f64).exp2() < alpha;
            let floor = if surely_below {
                0.0
            } else {
                test.smallest_p_value(n, m)
            };
            if floor >= alpha {
                return Ok(ctx.finding(
                    check,
                    Judgement::NoData(Lack::TooFew), || format!("{n} baseline and {m} canary values: the smallest attainable p-value {} is not below alpha {}", Num(floor), ctx.alpha),
                ));
            }
            let quick = if ctx.method == Method::Exact {
                None
            } else {
                Some(test.test_only().compare_summary(pool.summary())?)
            };
            // A zero margin needs no baseline level (two order statistics a look).
            let margin_units = if ctx.margin.is_zero() {
                ctx.margin.resolve(None)
            } else {
                ctx.margin.resolve(pool.baseline.median())
            };
            if let Some(quick) = quick
                .as_ref()
                .filter(|q| q.p_value >= alpha && !ctx.explain)
            {
                let mut f = ctx.finding(check, Judgement::Pass, || {
                    format!("no significant shift, p = {}", Num(quick.p_value))
                });
                f.alpha = Some(ctx.alpha);
                f.p_value = Some(quick.p_value);
                f.margin = margin_units;
                return Ok(f);
            }
            if let Some(quick) = quick.filter(|_| !ctx.explain) {
                // Significant, and nothing to explain: whether the interval lies beyond
                // the margin follows from counting the differences on either side of
                // it against the ends' rank k (the lower end is the k-th smallest of
                // the m·n differences, the upper the k-th largest), O(m + n) without
                // merging or selecting; the same judgement as the explained path.
                let summary = pool.summary();
                let level = ctx.alpha.confidence_level();
                let (k, _, _) = test.interval_rank(&summary, quick.method, level)?;
                let pairs = m as u128 * n as u128;
                let bound = crate::evidence::margin_bound(margin_units);
                let judgement = if ctx.direction != Direction::LowerIsWorse
                    && pool.differences_below(bound, false) < k
                {
                    Judgement::Fail(Side::High)
                } else if ctx.direction != Direction::HigherIsWorse
                    && pool.differences_below(-bound, true) > pairs - k
                {
                    Judgement::Fail(Side::Low)
                } else {
                    Judgement::Pass
                };
                let mut f = ctx.finding(check, judgement, String::new);
                f.alpha = Some(ctx.alpha);
                f.p_value = Some(quick.p_value);
                f.margin = margin_units;
                f.evidence = Some(Evidence::Rank(quick));
                return Ok(f);
            }
            let incremental = pool.summary();
            let y = pool.baseline.to_sorted();
            let x = &pool.canary.to_sorted();
            // The exact tied distribution needs the groups of equal values, which the
            // incremental summary does not keep.
            let summary = if ctx.method == Method::Exact {
                crate::compare::ranks::summarize(x, &y, true)
            } else {
                incremental
            };
            let r = test.compare_presorted(summary, x, &y)?;
            let iv = r.interval.map(|i| Interval {
                lower: i.lower,
                upper: i.upper,
                level: i.level,
                sides: ctx.sides(),
            });
            let mut judgement = iv.as_ref().map_or(Judgement::Pass, |iv| {
                judge_interval(iv, margin_units, ctx.direction, Look::Final)
            });
            let significant = r.p_value < alpha;
            let reason = if judgement.is_fail() && !significant {
                judgement = Judgement::Pass;
                format!(
                    "the interval lies beyond the margin but p = {} is not below alpha",
                    Num(r.p_value)
                )
            } else if significant && !judgement.is_fail() {
                format!(
                    "significant (p = {}), but the shift{} does not go beyond the margin {}",
                    Num(r.p_value),
                    iv.as_ref()
                        .map_or_else(String::new, |i| format!(" (interval {i})")),
                    Num(margin_units)
                )
            } else {
                explain(judgement, "the shift", iv.as_ref(), margin_units)
            };
            let mut f = ctx.finding(check, judgement, || reason);
            f.estimate = r.shift;
            f.interval = iv;
            f.margin = margin_units;
            f.alpha = Some(ctx.alpha);
            f.p_value = Some(r.p_value);
            f.evidence = Some(Evidence::Rank(r));
            Ok(f)
        }
    }
}

/// Judges a fixed-horizon percentile check.
pub(crate) fn percentile(
    ctx: &Context<'_>,
    check: &Check,
    p: f64,
    data: &Data,
) -> Result<Finding, Error> {
    let level = ctx.alpha.confidence_level();
    let outcome = match data {
        Data::Empty => {
            return Ok(
                ctx.finding(check, Judgement::NoData(Lack::NotObserved), || {
                    "nothing observed yet".into()
                }),
            );
        }
        Data::Values(pool) => percentile_delta(
            &pool::Side(&pool.baseline),
            &pool::Side(&pool.canary),
            p,
            level,
        )?,
        Data::Histograms { baseline, canary } => percentile_delta(baseline, canary, p, level)?,
        Data::Exponential { baseline, canary } => percentile_delta(baseline, canary, p, level)?,
    };
    match outcome {
        PercentileDeltaOutcome::InsufficientData { needed } => {
            Ok(ctx.finding(check, Judgement::NoData(Lack::TooFew), || {
                format!("a distribution-free interval at this level needs {needed} points per side")
            }))
        }
        PercentileDeltaOutcome::NoEstimate => {
            Ok(ctx.finding(check, Judgement::NoData(Lack::Empty), || {
                "a side cannot place the quantile (only the +Inf bucket)".into()
            }))
        }
        PercentileDeltaOutcome::Delta(d) => {
            let iv = Interval {
                lower: d.absolute.0,
                upper: d.absolute.1,
                level: d.level,
                sides: Sides::Two,
            };
            let margin_units = ctx.margin.resolve(Some(d.baseline));
            let judgement = judge_interval(&iv, margin_units, ctx.direction, Look::Final);
            let mut f = ctx.finding(check, judgement, || {
                explain(
                    judgement,
                    &format!(
                        "the change of the p{} ({} → {})",
                        Num(100.0 * p),
                        Num(d.baseline),
                        Num(d.canary)
                    ),
                    Some(&iv),
                    margin_units,
                )
            });
            f.estimate = Some(d.canary - d.baseline);
            f.interval = Some(iv);
            f.margin = margin_units;
            f.alpha = Some(ctx.alpha);
            f.evidence = Some(Evidence::Percentile(d));
            Ok(f)
        }
    }
}

/// Judges a threshold check on the canary's latest level.
pub(crate) fn threshold(
    ctx: &Context<'_>,
    check: &Check,
    min: Option<f64>,
    max: Option<f64>,
    latest: Option<f64>,
) -> Finding {
    let Some(v) = latest else {
        return ctx.finding(check, Judgement::NoData(Lack::NotObserved), || {
            "no canary level observed yet".into()
        });
    };
    // The canary's level against each bound, through the one rule: a point interval
    // for (level − bound) judged with a zero margin.
    let point = |d: f64| Interval {
        lower: d,
        upper: d,
        level: 1.0,
        sides: Sides::Two,
    };
    let high = max.map_or(Judgement::Pass, |hi| {
        judge_interval(&point(v - hi), 0.0, Direction::HigherIsWorse, Look::Final)
    });
    let low = min.map_or(Judgement::Pass, |lo| {
        judge_interval(&point(v - lo), 0.0, Direction::LowerIsWorse, Look::Final)
    });
    let judgement = if high.is_fail() { high } else { low };
    let bounds = format!(
        "[{}, {}]",
        min.map_or("-inf".into(), |x| Num(x).to_string()),
        max.map_or("+inf".into(), |x| Num(x).to_string())
    );
    let reason = match judgement {
        Judgement::Fail(Side::High) => format!("the canary's level {} is above {bounds}", Num(v)),
        Judgement::Fail(Side::Low) => format!("the canary's level {} is below {bounds}", Num(v)),
        _ => format!("the canary's level {} is within {bounds}", Num(v)),
    };
    let mut f = ctx.finding(check, judgement, || reason);
    f.estimate = Some(v);
    f.evidence = Some(Evidence::Threshold { value: v });
    f
}

/// Judges a sequential check from its test's report; `level` is the baseline's
/// level for a relative margin. The count test's sequence is on the rate ratio r,
/// judged as the relative change r − 1 against a relative margin; the others are on
/// the difference in the metric's units.
fn sequential(
    ctx: &Context<'_>,
    check: &Check,
    kind: SequentialKind,
    report: Report,
    level: Option<f64>,
    estimate: Option<f64>,
) -> Finding {
    let relative_only = kind == SequentialKind::CountRate;
    let shift = if relative_only { 1.0 } else { 0.0 };
    let margin_units = match (relative_only, ctx.margin) {
        (true, Margin::Relative(r)) => r,
        (true, Margin::Absolute(_)) => 0.0, // validated: zero
        (false, m) => m.resolve(level),
    };
    let (judgement, interval, reason) = match report.confidence_sequence {
        ConfidenceSequence::Violated => (
            Judgement::Inconclusive,
            None,
            "the confidence sequence is empty: the data contradict the test's model (bursts, a drifting split)".to_string(),
        ),
        ConfidenceSequence::Bounds { lower, upper } => {
            let iv = Interval {
                lower: lower - shift,
                upper: upper - shift,
                level: ctx.alpha.confidence_level(),
                sides: Sides::Two,
            };
            let mut j = judge_interval(&iv, margin_units, ctx.direction, Look::Anytime);
            let say = |text: &dyn Fn() -> String| if ctx.explain { text() } else { String::new() };
            let mut why = say(&|| explain(j, "the change's confidence sequence", Some(&iv), margin_units));
            if !j.is_fail() && report.decision == Signal::Reject && margin_units == 0.0 {
                let side = if ctx.direction == Direction::LowerIsWorse { Side::Low } else { Side::High };
                j = Judgement::Fail(side);
                why = say(&|| format!("the e-value reached 1/alpha: the canary is worse (e = {})", Num(report.e_value())));
            }
            (j, Some(iv), why)
        }
    };
    let mut f = ctx.finding(check, judgement, || reason);
    f.estimate = estimate;
    f.interval = interval;
    f.margin = margin_units;
    f.alpha = Some(ctx.alpha);
    f.p_value = Some(report.p_value);
    f.e_value = Some(report.e_value());
    f.evidence = Some(Evidence::Sequential { test: kind, report });
    f
}

/// Looks at a check that keeps its own state: the sequential tests, the burn-rate
/// window and the budget gate's counts.
pub(crate) fn look_own_state(
    ctx: &Context<'_>,
    check: &Check,
    state: &mut State,
) -> Result<Finding, Error> {
    Ok(match state {
        State::Shared | State::Pending => {
            ctx.finding(check, Judgement::NoData(Lack::NotObserved), || {
                "nothing observed yet".into()
            })
        }
        State::Burn(counts) => return burn(ctx, check, counts),
        State::Pairs(pairs) => return signed_rank(ctx, check, pairs),
        State::Spent(spent) => return budget_gate(ctx, check, *spent),
        State::CountRate(t) => {
            let report = t.check();
            let (b, c) = t.counts();
            let estimate = match check {
                Check::CountRate { canary_share } if b > 0 => {
                    Some((c as f64 / canary_share) / (b as f64 / (1.0 - canary_share)) - 1.0)
                }
                _ => None,
            };
            sequential(
                ctx,
                check,
                SequentialKind::CountRate,
                report,
                None,
                estimate,
            )
        }
        State::Quantile(t) => {
            let report = t.check();
            let ((bl, _), _) = t.arm_intervals();
            let level = bl.is_finite().then_some(bl);
            sequential(ctx, check, SequentialKind::Quantile, report, level, None)
        }
        State::Mean(t) => {
            let report = t.check();
            let (b, c) = t.moments();
            let level = (b.n() > 0).then(|| b.mean());
            let estimate = (b.n() > 0 && c.n() > 0).then(|| c.mean() - b.mean());
            sequential(ctx, check, SequentialKind::Mean, report, level, estimate)
        }
        State::Exceedance(t) => {
            let report = t.check();
            sequential(ctx, check, SequentialKind::Exceedance, report, None, None)
        }
        State::Paired(t) => {
            let report = t.check();
            let level = t.baseline_mean();
            let estimate = t.median_difference();
            let mut f = sequential(ctx, check, SequentialKind::Paired, report, level, estimate);
            // A rejection by the tail bets has the side of the bets that won.
            if t.has_tails()
                && ctx.direction == Direction::Either
                && f.judgement == Judgement::Fail(Side::High)
                && !t.rejects_up()
            {
                f.judgement = Judgement::Fail(Side::Low);
            }
            f
        }
    })
}

/// The count-rate test of a check, at the metric's α and direction.
pub(crate) fn new_count_test(check: &Check, ctx: &Context<'_>) -> Result<CountRateTest, Error> {
    let share = match *check {
        Check::CountRate { canary_share } => canary_share,
        _ => 0.5,
    };
    let sides = if ctx.direction == Direction::Either {
        crate::sequential::Sidedness::TwoSided
    } else {
        crate::sequential::Sidedness::Greater
    };
    CountRateTest::builder(share)
        .alpha(ctx.alpha)
        .alternative(sides)
        .build()
}

/// The quantile test of a check: raw values, or the buckets of `bounds`; `t_opt`
/// defaults to the planned ticks × the first observation's baseline size.
pub(crate) fn new_quantile_test(
    check: &Check,
    ctx: &Context<'_>,
    planned_ticks: u64,
    first_batch: usize,
    bounds: Option<&[f64]>,
) -> Result<QuantileTest, Error> {
    let (p, t_opt) = match *check {
        Check::Quantile { p, t_opt } => (p, t_opt),
        _ => (0.5, None),
    };
    let t = t_opt.unwrap_or_else(|| (planned_ticks as f64 * first_batch.max(1) as f64).max(1.0));
    let alpha = ctx.alpha;
    match bounds {
        Some(b) => QuantileTest::with_buckets(p, alpha, t, ctx.direction, b),
        None => QuantileTest::new(p, alpha, t, ctx.direction),
    }
}

/// The t-test of a mean check.
pub(crate) fn new_mean_test(ctx: &Context<'_>) -> Result<TTest, Error> {
    TTest::new(ctx.alpha, ctx.direction)
}

/// Whether [`signed_rank`] on these pairs would reach a pass or a fail (not no data,
/// not an error), in O(log n): at least one pair, an attainable p-value below α,
/// and differences that stay finite once shifted by the margin. A family policy's
/// decision before the planned end needs nothing more, since it reports either as
/// "decides at the planned end".
pub(crate) fn signed_rank_decides(ctx: &Context<'_>, pairs: &Pairs) -> bool {
    let Some((lo, hi)) = pairs.extremes() else {
        return false;
    };
    let margin = ctx.margin.resolve(pairs.baseline_mean()).abs();
    smallest_signed_rank_p(ctx, pairs.len()) < ctx.alpha.get()
        && [lo - margin, hi - margin, lo + margin, hi + margin]
            .iter()
            .all(|v| v.is_finite())
}

/// The share of the pairs, those whose relative spread is largest, that the tail
/// test of [`Check::SignedRankWithTails`] looks at.
pub const TAIL_SHARE: f64 = 0.05;

/// The smallest p-value the signed-rank test can give on `n` pairs in the metric's
/// direction: ½^n one-sided, twice that for either. With tails the check's floor is
/// the same: the tail test runs only when its own floor is below α/2, and then so
/// is the all-pairs test's (there are at least as many pairs).
fn smallest_signed_rank_p(ctx: &Context<'_>, n: usize) -> f64 {
    let sides = if ctx.direction == Direction::Either {
        2.0
    } else {
        1.0
    };
    sides * 0.5f64.powi(n.min(2000) as i32)
}

/// The signed-rank checks' budget for the exact p-value (additions; a few ms at
/// most): exact, given the ties and zeros, wherever it costs no more: every p-value
/// of the tail test, and near a decision (p of a few percent) up to about 200 pairs;
/// the normal approximation beyond, where its error has shrunk with n. Exact
/// matters with ties: when many pairs share one |difference| (counts, zeros on one
/// side), the approximation's continuity correction is a fraction of V's step and
/// its tail too light (20 pairs all tied, 15 positive: 0.013 against the exact
/// 0.021).
const SIGNED_RANK_EXACT_BUDGET: u64 = 4_000_000;

/// The result with its p-value doubled (the smaller of two, by Bonferroni), capped
/// at 1, and its logarithm alike.
fn doubled(
    mut r: crate::compare::signed_rank::SignedRankResult,
) -> crate::compare::signed_rank::SignedRankResult {
    r.p_value = (2.0 * r.p_value).min(1.0);
    r.ln_p_value = (std::f64::consts::LN_2 + r.ln_p_value).min(0.0);
    r
}

/// Judges a signed-rank check: the test on the differences shifted by the margin,
/// one-sided toward the bad direction (two-sided: twice the smaller side); with
/// tails, also on the spreads of the pairs that spread most (see
/// [`Check::SignedRankWithTails`]).
fn signed_rank(ctx: &Context<'_>, check: &Check, pairs: &Pairs) -> Result<Finding, Error> {
    use crate::compare::signed_rank::{SignedRank, SignedRankResult};
    let (n, Some(median)) = (pairs.len(), pairs.median()) else {
        return Ok(
            ctx.finding(check, Judgement::NoData(Lack::NotObserved), || {
                "no pairs yet".into()
            }),
        );
    };
    let floor = smallest_signed_rank_p(ctx, n);
    if floor >= ctx.alpha.get() {
        return Ok(ctx.finding(check, Judgement::NoData(Lack::TooFew), || {
            format!(
                "{n} pairs: the smallest attainable p-value {} is not below alpha {}",
                Num(floor),
                ctx.alpha
            )
        }));
    }
    let margin = ctx.margin.resolve(pairs.baseline_mean()).abs();
    let differences = pairs.sorted();
    // The test of these differences toward the bad direction (both, doubled, for
    // `Either`).
    let test = |differences: &[f64]| -> Result<(SignedRankResult, Side), Error> {
        let shifted = |by: f64| -> Vec<f64> { differences.iter().map(|d| d - by).collect() };
        let up = || {
            SignedRank::new()
                .alternative(Alternative::Greater)
                .exact_budget(SIGNED_RANK_EXACT_BUDGET)
                .test(&shifted(margin))
        };
        let down = || {
            SignedRank::new()
                .alternative(Alternative::Less)
                .exact_budget(SIGNED_RANK_EXACT_BUDGET)
                .test(&shifted(-margin))
        };
        Ok(match ctx.direction {
            Direction::HigherIsWorse => (up()?, Side::High),
            Direction::LowerIsWorse => (down()?, Side::Low),
            Direction::Either => {
                let (u, d) = (up()?, down()?);
                let (r, side) = if u.p_value <= d.p_value {
                    (u, Side::High)
                } else {
                    (d, Side::Low)
                };
                (doubled(r), side)
            }
        })
    };
    let (mut result, mut side) = test(&differences)?;
    // With tails: the test of the most spread pairs too, each at α/2 (the evidence
    // is the one with the smaller p-value, reported doubled); unless the top pairs
    // are too few for their test ever to reach α/2, and then all pairs at α alone.
    let mut tail_note = String::new();
    if *check == Check::SignedRankWithTails {
        let top = pairs.largest_spreads(TAIL_SHARE);
        let signed = top.iter().filter(|&&v| v != 0.0).count();
        let tail_floor = smallest_signed_rank_p(ctx, signed);
        if tail_floor >= ctx.alpha.get() / 2.0 {
            tail_note = format!(
                "; the {} most spread pairs cannot reach alpha/2 (smallest p {}): all pairs against alpha",
                top.len(),
                Num(tail_floor)
            );
        } else {
            let (tail, tail_side) = test(&top)?;
            tail_note = format!(
                "; all pairs p = {}, the {} most spread p = {}, each against alpha/2",
                Num(result.p_value),
                top.len(),
                Num(tail.p_value)
            );
            if tail.p_value < result.p_value {
                (result, side) = (tail, tail_side);
            }
            result = doubled(result);
        }
    }
    let significant = result.p_value < ctx.alpha.get();
    let judgement = if significant {
        Judgement::Fail(side)
    } else {
        Judgement::Pass
    };
    let p = result.p_value;
    let mut f = ctx.finding(check, judgement, || {
        if significant {
            format!(
                "the paired differences lie beyond the margin {}: p = {} < alpha (median difference {}{tail_note})",
                Num(margin),
                Num(p),
                Num(median)
            )
        } else {
            format!(
                "no significant paired change beyond the margin {}: p = {} (median difference {}{tail_note})",
                Num(margin),
                Num(p),
                Num(median)
            )
        }
    });
    f.estimate = Some(median);
    f.margin = margin;
    f.alpha = Some(ctx.alpha);
    f.p_value = Some(p);
    f.evidence = Some(Evidence::SignedRank(result));
    Ok(f)
}

/// The paired sign test of a check, at the metric's α and direction (its margin is
/// judged by the check, against the baseline's mean).
pub(crate) fn new_paired_test(check: &Check, ctx: &Context<'_>) -> Result<SignTest, Error> {
    let test = SignTest::builder(ctx.direction).alpha(ctx.alpha);
    if *check == Check::PairedWithTails {
        test.with_tails().build()
    } else {
        test.build()
    }
}

/// The tiers of the burn-rate check: the SRE Workbook's paging tiers.
pub(crate) fn burn_tiers() -> Vec<crate::burn::tiers::Tier> {
    crate::burn::tiers::workbook()
        .into_iter()
        .filter(|t| t.severity == crate::burn::tiers::Severity::Page)
        .collect()
}

/// How many ticks the burn-rate check keeps: the longest window's.
pub(crate) fn burn_buckets(tick_seconds: u64) -> usize {
    let longest = burn_tiers()
        .iter()
        .map(|t| (t.long + t.hold).as_secs())
        .max()
        .unwrap_or(0);
    longest.div_ceil(tick_seconds.max(1)) as usize
}

/// A state that does not belong to its check (loading validates against this, so
/// only a bug can reach it): an error finding, never a decision.
fn wrong_state(check: &Check) -> Error {
    Error::Mismatch {
        name: "state of a check",
        expected: "the state of the check's own kind",
        got: format!("another kind's state for {check}"),
    }
}

/// Judges the burn-rate check on the canary's counts per tick.
fn burn(ctx: &Context<'_>, check: &Check, counts: &[crate::EventCounts]) -> Result<Finding, Error> {
    use crate::burn::evaluate::{Options, Series, TierState, evaluate};
    let Check::BurnRate {
        objective,
        tick_seconds,
    } = *check
    else {
        return Err(wrong_state(check));
    };
    if counts.is_empty() {
        return Ok(
            ctx.finding(check, Judgement::NoData(Lack::NotObserved), || {
                "nothing observed yet".into()
            }),
        );
    }
    let slo = crate::burn::Objective::new(objective)?;
    let tiers = burn_tiers();
    let series = Series::new(std::time::Duration::from_secs(tick_seconds), counts)?;
    let e = evaluate(slo, &tiers, &series, &Options::default())?;
    let states: Vec<TierState> = e.tiers.iter().map(|t| t.state).collect();
    let judgement = if states.contains(&TierState::Firing) {
        Judgement::Fail(Side::High)
    } else if states.iter().all(|s| *s == TierState::NoData) {
        Judgement::NoData(Lack::Empty)
    } else if states
        .iter()
        .any(|s| matches!(s, TierState::Pending { .. }))
    {
        Judgement::Inconclusive
    } else {
        Judgement::Pass
    };
    let mut f = ctx.finding(check, judgement, || {
        let fired: Vec<String> = tiers
            .iter()
            .zip(&e.tiers)
            .filter(|(_, r)| r.state == TierState::Firing)
            .map(|(t, _)| {
                format!(
                    "burn above {} over {} min and {} min",
                    Num(t.factor),
                    t.long.as_secs() / 60,
                    t.short.as_secs() / 60
                )
            })
            .collect();
        if fired.is_empty() {
            format!(
                "no paging tier fires for the {} objective ({e})",
                Num(objective)
            )
        } else {
            format!("{} ({e})", fired.join("; "))
        }
    });
    f.estimate = e.tiers.first().and_then(|t| t.long_burn.value());
    f.evidence = Some(Evidence::BurnTiers(e));
    Ok(f)
}

/// Judges the budget gate on the canary's cumulative counts.
fn budget_gate(
    ctx: &Context<'_>,
    check: &Check,
    spent: crate::EventCounts,
) -> Result<Finding, Error> {
    use crate::burn::canary::{GateDecision, gate, projected_rollout_spend};
    use crate::burn::{Objective, Ratio};
    let Check::BudgetGate {
        objective,
        remaining_budget,
        period_seconds,
        rollout_seconds,
        min_remaining,
        max_spend,
    } = *check
    else {
        return Err(wrong_state(check));
    };
    let slo = Objective::new(objective)?;
    let level = ctx.alpha.confidence_level();
    let Ratio::Value(burn) = crate::burn::safeguards::burn_lower_bound(slo, spent, level)? else {
        return Ok(ctx.finding(check, Judgement::NoData(Lack::Empty), || {
            "the canary has served no traffic yet".into()
        }));
    };
    let period = std::time::Duration::from_secs(period_seconds);
    let rollout = [(1.0, std::time::Duration::from_secs(rollout_seconds))];
    let spend = projected_rollout_spend(burn, &rollout, period)?;
    let decision = gate(
        Ratio::Value(remaining_budget),
        spend,
        min_remaining,
        max_spend,
    )?;
    let judgement = match &decision {
        GateDecision::Allow => Judgement::Pass,
        GateDecision::Block(_) => Judgement::Fail(Side::High),
        GateDecision::NoData => Judgement::NoData(Lack::Empty),
    };
    let mut f = ctx.finding(check, judgement, || {
        format!(
            "{decision}: the rest of the rollout would spend {}% of the budget at the burn rate's {}% lower bound {} ({}% left)",
            Num(100.0 * spend),
            Num(100.0 * level),
            Num(burn),
            Num(100.0 * remaining_budget)
        )
    });
    f.estimate = slo.burn_rate(spent).value();
    f.alpha = Some(ctx.alpha);
    f.evidence = Some(Evidence::BudgetGate {
        decision,
        projected_spend: spend,
        burn_lower_bound: burn,
    });
    Ok(f)
}
