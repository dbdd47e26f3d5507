//! Policies: from per-metric outcomes to one verdict.
//!
//! This module holds the minimal policy; the types are the ones richer policies
//! (weights, critical metrics, false-alarm control across metrics) extend.
//! [`kayenta`] reproduces Kayenta's weighted group scoring.

pub mod kayenta;

use std::collections::HashSet;

use crate::Error;
use crate::classify::{Classification, Metric, MetricOutcome};
use crate::verdict::{Decision, Verdict};

/// The minimal verdict policy.
///
/// - Any metric [`Classification::FailHigh`] or [`Classification::FailLow`] → [`Decision::Fail`].
/// - Otherwise, every metric [`Classification::NoData`] (or no metrics) → [`Decision::NoData`].
/// - Otherwise, a metric marked `required` without data → [`Decision::Inconclusive`].
/// - Otherwise → [`Decision::Pass`]; metrics without data that are not required are
///   listed in the reasons but do not block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Policy {}

impl Policy {
    /// Classifies every metric, then decides.
    ///
    /// # Errors
    /// - [`Error::DuplicateMetric`] if two metrics share a name.
    /// - Any error of [`crate::classify::classify`] for a metric's configuration.
    pub fn judge(&self, metrics: &[Metric]) -> Result<Verdict, Error> {
        let mut seen = HashSet::new();
        for m in metrics {
            if !seen.insert(m.name.as_str()) {
                return Err(Error::DuplicateMetric {
                    name: m.name.clone(),
                });
            }
        }
        let outcomes = metrics
            .iter()
            .map(Metric::classify)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.decide(outcomes))
    }

    /// Decides from outcomes already classified (by any classifier).
    pub fn decide(&self, outcomes: Vec<MetricOutcome>) -> Verdict {
        let failed: Vec<&MetricOutcome> = outcomes
            .iter()
            .filter(|o| o.classification.is_fail())
            .collect();
        let missing: Vec<&MetricOutcome> = outcomes
            .iter()
            .filter(|o| o.classification == Classification::NoData)
            .collect();
        let mut reasons: Vec<String> = failed
            .iter()
            .map(|o| format!("{}: {}", o.name, o.reason))
            .collect();
        reasons.extend(missing.iter().map(|o| {
            let tag = if o.required { "required, " } else { "" };
            format!("{} ({tag}no data): {}", o.name, o.reason)
        }));
        let decision = if !failed.is_empty() {
            Decision::Fail
        } else if missing.len() == outcomes.len() {
            Decision::NoData
        } else if missing.iter().any(|o| o.required) {
            Decision::Inconclusive
        } else {
            Decision::Pass
        };
        if decision == Decision::Pass && reasons.is_empty() {
            reasons.push(format!("all {} metrics passed", outcomes.len()));
        }
        Verdict {
            decision,
            reasons,
            metrics: outcomes,
        }
    }
}
