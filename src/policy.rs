//! Policies: from the findings of every metric and check to one verdict.
//!
//! [`Policy`] is the minimal rule, applied per metric then across metrics. The
//! default policy with false-alarm control across metrics and looks replaces it in
//! one place: [`Policy::decide`]. [`kayenta`] reproduces Kayenta's weighted group
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
use crate::evidence::{Finding, Judgement};
use crate::verdict::{Decision, Verdict};
pub use metric::{Metric, MetricConfig};

/// The minimal verdict policy.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Policy {}

/// One metric's findings combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Fail,
    Error,
    NoData,
    Open,
    Pass,
}

impl Policy {
    /// Judges samples already collected (one fixed-horizon look): every metric's
    /// rank check ([`Check::Rank`]) with its configuration, then [`Policy::decide`].
    ///
    /// # Errors
    /// - [`Error::DuplicateMetric`] if two metrics share a name.
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
        let findings = metrics
            .iter()
            .map(|m| m.judge().map_err(|e| Error::in_metric(&m.name, e)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.decide(findings))
    }

    /// The decision alone from findings (of any checks), grouped by metric in order
    /// of first appearance: what [`Policy::decide`] decides, without writing reasons.
    pub fn decision(&self, findings: &[Finding]) -> Decision {
        let mut metrics: Vec<(&str, bool, Status)> = Vec::new();
        for f in findings {
            let status = match f.judgement {
                Judgement::Fail(_) => Status::Fail,
                Judgement::Error => Status::Error,
                Judgement::NoData(_) => Status::NoData,
                Judgement::Inconclusive => Status::Open,
                Judgement::Pass => Status::Pass,
            };
            match metrics.iter_mut().rev().find(|m| m.0 == f.metric) {
                Some(m) => {
                    m.1 |= f.required;
                    m.2 = combine(m.2, status);
                }
                None => metrics.push((&f.metric, f.required, status)),
            }
        }
        let has = |s: Status| metrics.iter().any(|m| m.2 == s);
        if has(Status::Fail) {
            Decision::Fail
        } else if metrics.iter().all(|m| m.2 == Status::NoData) {
            Decision::NoData
        } else if metrics
            .iter()
            .any(|m| m.1 && matches!(m.2, Status::NoData | Status::Error))
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
pub(crate) fn judge_metric(m: &Metric) -> Result<Finding, Error> {
    let margin = m.config.margin.validate()?;
    let ctx = Context {
        metric: &m.name,
        direction: m.config.direction,
        margin,
        alpha: m.config.alpha,
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
