//! The verdict over all metrics, with every reason attached.

use std::fmt;

use crate::classify::{Classification, MetricOutcome};

/// What to do with the canary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Decision {
    /// Promote: no metric failed and every required metric had data.
    Pass,
    /// Roll back: at least one metric failed.
    Fail,
    /// Keep watching: nothing failed, but a required metric had no data.
    Inconclusive,
    /// Nothing could be judged: every metric lacked data.
    NoData,
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Inconclusive => "inconclusive",
            Self::NoData => "no data",
        })
    }
}

/// The decision and the per-metric outcomes that produced it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Verdict {
    /// The decision.
    pub decision: Decision,
    /// Why, one sentence per deciding metric (failures first, then missing data).
    pub reasons: Vec<String>,
    /// Every metric's outcome, in input order.
    pub metrics: Vec<MetricOutcome>,
}

impl Verdict {
    /// The outcomes with a given classification.
    pub fn with_classification(&self, c: Classification) -> impl Iterator<Item = &MetricOutcome> {
        self.metrics.iter().filter(move |m| m.classification == c)
    }
}

impl fmt::Display for Verdict {
    /// A plain-text table: one row per metric, then the decision and its reasons.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .metrics
            .iter()
            .map(|m| m.name.len())
            .max()
            .unwrap_or(6)
            .max(6);
        writeln!(
            f,
            "{:<width$}  {:<12}  {:>12}  {:>27}  {:>10}",
            "metric", "outcome", "shift", "interval", "p-value"
        )?;
        for m in &self.metrics {
            match &m.test {
                Some(t) => {
                    let iv = t.interval.map_or_else(String::new, |i| {
                        format!("[{}, {}]", short(i.lower), short(i.upper))
                    });
                    writeln!(
                        f,
                        "{:<width$}  {:<12}  {:>12}  {:>27}  {:>10.3e}",
                        m.name,
                        m.classification.to_string(),
                        t.shift.map_or_else(String::new, short),
                        iv,
                        t.p_value
                    )?;
                }
                None => writeln!(
                    f,
                    "{:<width$}  {:<12}",
                    m.name,
                    m.classification.to_string()
                )?,
            }
        }
        writeln!(f, "verdict: {}", self.decision)?;
        for r in &self.reasons {
            writeln!(f, "  - {r}")?;
        }
        Ok(())
    }
}

fn short(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 {
            "+inf".into()
        } else {
            "-inf".into()
        };
    }
    if v != 0.0 && (v.abs() >= 1e6 || v.abs() < 1e-3) {
        format!("{v:.4e}")
    } else {
        format!("{v:.4}")
    }
}
