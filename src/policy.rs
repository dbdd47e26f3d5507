//! Policies: from the findings of every metric and check to one verdict.
//!
//! [`Policy`] applies one rule per metric then across metrics. Without a [`Family`]
//! each check runs at its metric's own α (the minimal policy); with one
//! ([`Policy::guarded`]) the family's α is split over every metric, check and look so
//! that the whole canary, checked after every tick, fails a good canary with
//! probability at most α. [`kayenta`] reproduces Kayenta's weighted group
//! scoring; [`multiplicity`] holds the procedures that control false alarms across
//! the metrics of a canary (Bonferroni, Holm, Hochberg, Benjamini–Hochberg and
//! –Yekutieli for p-values; e-Bonferroni and e-BH for e-values).

pub mod kayenta;
mod metric;
pub mod multiplicity;

use std::collections::HashSet;

use crate::Error;
use crate::check::pool::RankPool;
use crate::check::{self, Check, Context, Data};
use crate::evidence::{Finding, Judgement, Look};
use crate::params::Alpha;
use crate::verdict::{Decision, Verdict};
pub use metric::{Metric, MetricConfig};

/// How findings become one decision, and how α is spent.
///
/// Per metric, its checks combine as: any check failed → the metric failed; else
/// any measurement error → error; else every check without data → no data; else
/// any check inconclusive → inconclusive; else pass. Then:
///
/// - any metric failed → [`Decision::Fail`];
/// - otherwise no metric had data (or there are none) → [`Decision::NoData`];
/// - otherwise a required metric without data or with an error →
///   [`Decision::Inconclusive`];
/// - otherwise a metric inconclusive (an anytime check still open) →
///   [`Decision::Inconclusive`];
/// - otherwise → [`Decision::Pass`]. Metrics that are not required and have no data
///   or an error are listed in the reasons but do not block.
///
/// With a [`Family`] (see its documentation) each check's α is derived from the
/// family's, and the fixed-horizon checks decide only at the planned end.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Policy {
    /// False-alarm control over the whole canary; `None` (the default): each check
    /// at its metric's own α, the minimal policy.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub family: Option<Family>,
}

/// Family-wise false-alarm control over a whole canary: its metrics, their checks and
/// every look, for a controller that asks for a decision after every tick.
///
/// # The rule
/// Let α be the family's level, M the number of metrics with a check that spends α
/// ([`Check::spends_alpha`]) and s the anytime share (default 0.3).
///
/// 1. **Across metrics** (Bonferroni): each such metric gets α / M.
/// 2. **Within a metric, across time**: its anytime checks (sequential tests, valid
///    at every look) share s · α / M equally and its fixed-horizon checks share
///    (1 − s) · α / M equally; a metric with checks of one look only gives them all
///    of α / M.
/// 3. **Fixed-horizon checks look once**: before the metric has seen the plan's
///    planned ticks their pass or fail is reported as inconclusive ("decides at the
///    planned end"); from the planned end on they decide. A tick is a distinct time
///    at which the metric got data, so a metric that missed ticks reaches its final
///    look later (until then it keeps the verdict inconclusive).
/// 4. **Early stop**: an anytime check may fail at any tick. A metric whose anytime
///    checks all pass (every confidence sequence inside its margin) passes early,
///    without waiting for its fixed-horizon checks, once it has seen
///    [`Family::earliest_pass`] of the planned ticks (default 0).
/// 5. **At the planned end** an anytime check that is still open did not reject: it
///    counts as a pass, and the fixed-horizon checks decide.
///
/// By the union bound a good canary (no metric changed beyond its margin) fails with
/// probability at most the sum of the checks' α, which is α, however many ticks are
/// looked at before the planned end (the anytime checks are valid at every look and
/// each fixed-horizon check is used once). Looking again after the planned end with
/// more data is a second fixed-horizon look and is not covered: stop at the planned
/// end. Rules without α (burn-rate tiers, thresholds) add their own alarms.
///
/// # Example
/// ```
/// use canary_judge::policy::{Family, Policy};
/// use canary_judge::{Alpha, Check};
/// let family = Family::new(Alpha::FIVE_PERCENT);
/// let plan = [vec![Check::Paired, Check::SignedRank], vec![Check::Rank]];
/// let alphas = family.split(plan.iter().map(Vec::as_slice));
/// // two metrics at 2.5% each; the first splits its share between time's two looks,
/// // 30% for the anytime check and 70% for the final one
/// assert!((alphas[0][0].unwrap().get() - 0.0075).abs() < 1e-15);
/// assert!((alphas[0][1].unwrap().get() - 0.0175).abs() < 1e-15);
/// assert!((alphas[1][0].unwrap().get() - 0.025).abs() < 1e-15);
/// let policy = Policy::guarded(Alpha::FIVE_PERCENT);
/// assert_eq!(policy.family, Some(family));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct Family {
    /// The probability, over the whole canary, of failing a good one.
    pub alpha: Alpha,
    /// The share of α spent by the anytime checks, in (0, 1) (default
    /// [`Family::DEFAULT_ANYTIME_SHARE`], 0.3).
    #[cfg_attr(
        feature = "serde",
        serde(default = "default_anytime_share", with = "crate::serde_float")
    )]
    pub anytime_share: f64,
    /// The share of the planned ticks, in [0, 1], before which no metric passes
    /// early (rule 4; default 0: from the first tick). Passing later never adds a
    /// false fail: α is unchanged, a regression that starts mid-canary is still
    /// watched, and a canary that would have passed early passes later. Measured on
    /// the recorded NAB series (`cargo run --release --example evaluate 100`), the
    /// paired checks with a 0.5% margin detected 75.9% of regressions passing from
    /// 80% of the planned ticks against 74.8% from the first; but windows that are
    /// not exchangeable (adjacent stretches) then fail 16.5% instead of 12.6%. Held
    /// to the planned end (1.0), a 0.1% margin detected 80.0% with 19.0% false fails
    /// on adjacent windows (no margin: 80.7% and 26.0%).
    #[cfg_attr(feature = "serde", serde(default, with = "crate::serde_float"))]
    pub earliest_pass: f64,
}

#[cfg(feature = "serde")]
fn default_anytime_share() -> f64 {
    Family::DEFAULT_ANYTIME_SHARE
}

validated_serde!(Family);

impl crate::validated::Validate for Family {
    fn validate(&self) -> Result<(), Error> {
        Family::validate(self)
    }
}

impl Family {
    /// The anytime checks' default share of α: 0.3, the rest (0.7) for the
    /// fixed-horizon look at the planned end.
    ///
    /// The anytime checks buy an early fail; the final look, with every pair in
    /// hand, has the power. Ville's bound, which the anytime share pays for, is not
    /// tight for a mixture e-process (on the NAB A/A splits the anytime checks at
    /// share 0.3 failed 7 of 860 canaries, 0.8% against the 1.5% they may spend), and
    /// the e-process's threshold grows only with ln(1/s), so a smaller share costs
    /// little delay. Measured on the recorded NAB series (`cargo run --release
    /// --example evaluate 20 SEED`, six corpus seeds pooled, the default checks with
    /// the tail test's Tarone rule):
    /// share ½ detected 79.5% of regressions and 57.9% of heavier tails at 300 ticks
    /// or more, median delay 19 ticks; share 0.3 detected 80.3% and 60.0%, median
    /// delay 20-22 (Kayenta's growing window: 30); false fails on A/A splits 3.3%
    /// and 3.6%, both within α = 5% as they must be.
    pub const DEFAULT_ANYTIME_SHARE: f64 = 0.3;

    /// Control at `alpha`, [`Family::DEFAULT_ANYTIME_SHARE`] of it for the anytime
    /// checks.
    pub fn new(alpha: Alpha) -> Self {
        Self {
            alpha,
            anytime_share: Self::DEFAULT_ANYTIME_SHARE,
            earliest_pass: 0.0,
        }
    }

    /// Sets the anytime checks' share of α (validated by [`Family::validate`]).
    pub fn anytime_share(mut self, share: f64) -> Self {
        self.anytime_share = share;
        self
    }

    /// Sets the share of the planned ticks before which no metric passes early
    /// (validated by [`Family::validate`]).
    ///
    /// # Example
    /// ```
    /// use canary_judge::policy::Family;
    /// use canary_judge::Alpha;
    /// // Nothing passes before half of the planned ticks.
    /// let family = Family::new(Alpha::FIVE_PERCENT).earliest_pass(0.5);
    /// assert!(family.validate().is_ok());
    /// assert!(family.earliest_pass(1.5).validate().is_err());
    /// ```
    pub fn earliest_pass(mut self, share: f64) -> Self {
        self.earliest_pass = share;
        self
    }

    /// Checks the anytime share and the earliest pass.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] naming `anytime_share` unless it lies in (0, 1),
    ///   or `earliest_pass` unless it lies in [0, 1].
    pub fn validate(&self) -> Result<(), Error> {
        if !(self.anytime_share > 0.0 && self.anytime_share < 1.0) {
            return Err(Error::InvalidParameter {
                name: "anytime_share",
                expected: "in (0, 1)",
                value: self.anytime_share,
            });
        }
        if !(0.0..=1.0).contains(&self.earliest_pass) {
            return Err(Error::InvalidParameter {
                name: "earliest_pass",
                expected: "in [0, 1]",
                value: self.earliest_pass,
            });
        }
        Ok(())
    }

    /// Each check's α under the rule above, per metric (given as its checks) and
    /// check, in order; `None` for a check that spends no α.
    pub fn split<'a>(
        &self,
        metrics: impl IntoIterator<Item = &'a [Check]>,
    ) -> Vec<Vec<Option<Alpha>>> {
        let metrics: Vec<&[Check]> = metrics.into_iter().collect();
        let count = |checks: &[Check], look: Look| {
            checks
                .iter()
                .filter(|c| c.spends_alpha() == Some(look))
                .count()
        };
        let spending = metrics
            .iter()
            .filter(|m| m.iter().any(|c| c.spends_alpha().is_some()))
            .count()
            .max(1);
        let per_metric = self.alpha.get() / spending as f64;
        metrics
            .iter()
            .map(|checks| {
                let (anytime, fixed) = (count(checks, Look::Anytime), count(checks, Look::Final));
                let share = |look: Look| match (anytime > 0, fixed > 0, look) {
                    (true, true, Look::Anytime) => self.anytime_share / anytime as f64,
                    (true, true, Look::Final) => (1.0 - self.anytime_share) / fixed as f64,
                    (_, _, Look::Anytime) => 1.0 / anytime.max(1) as f64,
                    (_, _, Look::Final) => 1.0 / fixed.max(1) as f64,
                };
                checks
                    .iter()
                    .map(|c| {
                        c.spends_alpha()
                            .and_then(|look| Alpha::new(per_metric * share(look)).ok())
                    })
                    .collect()
            })
            .collect()
    }

    /// Applies rules 3–5 to one metric's findings (one per check, in order) after
    /// `ticks` of `planned` ticks; reasons are rewritten only when `explain`.
    pub(crate) fn gate(
        &self,
        checks: &[Check],
        findings: &mut [Finding],
        (ticks, planned): (u64, u64),
        explain: bool,
    ) {
        let at_end = ticks >= planned;
        let anytime = |c: &Check| c.spends_alpha() == Some(Look::Anytime);
        let early_pass = !at_end
            && ticks as f64 >= self.earliest_pass * planned as f64
            && checks.iter().any(anytime)
            && checks
                .iter()
                .zip(findings.iter())
                .filter(|(c, _)| anytime(c))
                .all(|(_, f)| f.judgement == Judgement::Pass);
        for (check, f) in checks.iter().zip(findings.iter_mut()) {
            let look = check.spends_alpha();
            let fixed_decided = matches!(f.judgement, Judgement::Pass | Judgement::Fail(_));
            let rewrite = match look {
                Some(Look::Final) if fixed_decided && !at_end && early_pass => Some((
                    Judgement::Pass,
                    "passed early with the metric's anytime checks",
                )),
                Some(Look::Final) if fixed_decided && !at_end => {
                    Some((Judgement::Inconclusive, "decides at the planned end"))
                }
                Some(Look::Anytime) if f.judgement == Judgement::Inconclusive && at_end => {
                    Some((Judgement::Pass, "did not reject by the planned end"))
                }
                _ => None,
            };
            if let Some((judgement, why)) = rewrite {
                f.judgement = judgement;
                if explain {
                    f.reason = format!(
                        "{why} (tick {ticks} of {planned}); at this look: {}",
                        f.reason
                    );
                }
            }
        }
    }
}

/// One metric's findings combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Fail,
    Error,
    NoData,
    Open,
    Pass,
}

impl Status {
    fn of(judgement: Judgement) -> Self {
        match judgement {
            Judgement::Fail(_) => Self::Fail,
            Judgement::Error => Self::Error,
            Judgement::NoData(_) => Self::NoData,
            Judgement::Inconclusive => Self::Open,
            Judgement::Pass => Self::Pass,
        }
    }
}

impl Policy {
    /// The policy with family-wise control at `alpha` ([`Family::new`]).
    pub fn guarded(alpha: Alpha) -> Self {
        Self {
            family: Some(Family::new(alpha)),
        }
    }

    /// Judges samples already collected (one fixed-horizon look): every metric's
    /// rank check ([`Check::Rank`]) with its configuration, then [`Policy::decide`].
    /// Under a [`Family`] each metric is tested at the family's α / M instead of its
    /// own.
    ///
    /// # Errors
    /// - [`Error::DuplicateMetric`] if two metrics share a name.
    /// - [`Error::InvalidParameter`] for a family's anytime share outside (0, 1).
    /// - [`Error::InMetric`] around an invalid margin ([`Error::InvalidParameter`]) or
    ///   an exact test beyond its budget ([`Error::ExactTooLarge`]).
    ///
    /// # Example
    /// ```
    /// use canary_judge::{Decision, Direction, Metric, Policy, Sample};
    /// let base = Sample::new((0..40).map(|i| 100.0 + (i % 7) as f64))?;
    /// let canary = Sample::new((0..40).map(|i| 120.0 + (i % 5) as f64))?;
    /// let m = Metric::new("latency", base, canary).direction(Direction::HigherIsWorse);
    /// let verdict = Policy::default().judge(&[m])?;
    /// assert_eq!(verdict.decision, Decision::Fail);
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn judge(&self, metrics: &[Metric]) -> Result<Verdict, Error> {
        let mut seen = HashSet::new();
        for m in metrics {
            if !seen.insert(m.name.as_str()) {
                return Err(Error::DuplicateMetric {
                    name: m.name.clone(),
                });
            }
        }
        // Under a family policy each metric's one rank check gets α / M (this is the
        // one, final, look).
        let alpha = match &self.family {
            Some(f) => {
                f.validate()?;
                Some(Alpha::new(f.alpha.get() / metrics.len().max(1) as f64)?)
            }
            None => None,
        };
        let findings = metrics
            .iter()
            .map(|m| judge_metric(m, alpha).map_err(|e| Error::in_metric(&m.name, e)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.decide(findings))
    }

    /// The decision alone from findings (of any checks), grouped by metric in order
    /// of first appearance: what [`Policy::decide`] decides, without writing reasons.
    ///
    /// O(F log M) for F findings of M metrics: the last metric is tried first
    /// (findings usually come grouped), then an ordered index by name.
    pub fn decision(&self, findings: &[Finding]) -> Decision {
        let mut metrics: Vec<(bool, Status)> = Vec::new();
        let mut by_name: std::collections::BTreeMap<&str, usize> = Default::default();
        let mut last: Option<(&str, usize)> = None;
        for f in findings {
            let status = Status::of(f.judgement);
            let name = f.metric.as_str();
            let at = match last {
                Some((n, i)) if n == name => Some(i),
                _ => by_name.get(name).copied(),
            };
            let i = match at {
                Some(i) => {
                    let m = &mut metrics[i];
                    m.0 |= f.required;
                    m.1 = combine(m.1, status);
                    i
                }
                None => {
                    by_name.insert(name, metrics.len());
                    metrics.push((f.required, status));
                    metrics.len() - 1
                }
            };
            last = Some((name, i));
        }
        Self::rule(metrics.iter().copied())
    }

    /// [`Policy::decision`] for findings already grouped by metric: metric i's are
    /// `findings[ends[i - 1]..ends[i]]` (from 0 for the first). O(findings), no
    /// comparison of names.
    pub(crate) fn decision_grouped(&self, findings: &[Finding], ends: &[usize]) -> Decision {
        let metric = |i: usize| {
            let start = if i == 0 { 0 } else { ends[i - 1] };
            findings[start..ends[i]].iter().fold(
                (false, None::<Status>),
                |(required, status), f| {
                    let s = Status::of(f.judgement);
                    (
                        required | f.required,
                        Some(status.map_or(s, |t| combine(t, s))),
                    )
                },
            )
        };
        Self::rule(
            (0..ends.len())
                .map(metric)
                .filter_map(|(required, status)| status.map(|s| (required, s))),
        )
    }

    /// The multi-metric rule over each metric's (required, combined status).
    fn rule(metrics: impl Iterator<Item = (bool, Status)> + Clone) -> Decision {
        let has = |s: Status| metrics.clone().any(|m| m.1 == s);
        if has(Status::Fail) {
            Decision::Fail
        } else if metrics.clone().all(|m| m.1 == Status::NoData) {
            Decision::NoData
        } else if metrics
            .clone()
            .any(|m| m.0 && matches!(m.1, Status::NoData | Status::Error))
            || has(Status::Open)
        {
            Decision::Inconclusive
        } else {
            Decision::Pass
        }
    }

    /// Decides from findings (of any checks), grouped by metric in order of first
    /// appearance, with the reasons: every failure, then every open, missing or
    /// failed measurement.
    pub fn decide(&self, findings: Vec<Finding>) -> Verdict {
        let decision = self.decision(&findings);
        let line = |f: &Finding| format!("{} / {}: {}", f.metric, f.check, f.reason);
        let mut reasons: Vec<String> = findings
            .iter()
            .filter(|f| f.judgement.is_fail())
            .map(line)
            .collect();
        for f in &findings {
            let tag = if f.required { "required, " } else { "" };
            match f.judgement {
                Judgement::Inconclusive => reasons.push(format!("{} (open)", line(f))),
                Judgement::NoData(_) => reasons.push(format!("{} ({tag}no data)", line(f))),
                Judgement::Error => reasons.push(format!("{} ({tag}error)", line(f))),
                _ => {}
            }
        }
        if decision == Decision::Pass && reasons.is_empty() {
            let mut names: Vec<&str> = findings.iter().map(|f| f.metric.as_str()).collect();
            names.dedup();
            reasons.push(format!("all {} metrics passed", names.len()));
        }
        Verdict {
            decision,
            reasons,
            findings,
            kayenta: None,
        }
    }
}

/// Per-metric combination: fail > error > open > pass > no data, except that no
/// data only wins when every check lacks data.
fn combine(a: Status, b: Status) -> Status {
    use Status::*;
    let rank = |s: Status| match s {
        Fail => 4,
        Error => 3,
        Open => 2,
        Pass => 1,
        NoData => 0,
    };
    if rank(a) >= rank(b) { a } else { b }
}

/// One metric's rank check on its samples.
pub(crate) fn judge_metric(m: &Metric, alpha: Option<Alpha>) -> Result<Finding, Error> {
    let margin = m.config.margin.validate()?;
    let ctx = Context {
        metric: &m.name,
        direction: m.config.direction,
        margin,
        alpha: alpha.unwrap_or(m.config.alpha),
        method: m.config.method,
        required: m.config.required,
        explain: true,
    };
    let mut data = Data::Values(RankPool::from_sorted(
        m.baseline.sorted(),
        m.canary.sorted(),
    ));
    check::rank(&ctx, &Check::Rank, &mut data)
}
