//! The verdict over all metrics: one decision with every finding and reason.

use std::fmt;

use crate::evidence::{Finding, Judgement, Num};

/// What to do with the canary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Decision {
    /// Promote: nothing failed, nothing is still open, every required metric had data.
    Pass,
    /// Roll back: at least one check failed.
    Fail,
    /// Keep watching: nothing failed, but a check is still open or a required metric
    /// had no data (or a failed measurement).
    Inconclusive,
    /// Nothing could be judged: no check of any metric had data.
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

/// The decision and the findings that produced it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Verdict {
    /// The decision.
    pub decision: Decision,
    /// Why, one sentence per deciding finding (failures first, then what is open or
    /// missing).
    pub reasons: Vec<String>,
    /// Every check's finding, metric by metric in the plan's order.
    pub findings: Vec<Finding>,
    /// Kayenta's score, when the verdict came from its scorer
    /// ([`crate::policy::kayenta::judge`]).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub kayenta: Option<crate::policy::kayenta::KayentaScore>,
}

impl Verdict {
    /// The findings with a given judgement.
    pub fn with_judgement(&self, judgement: Judgement) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |f| f.judgement == judgement)
    }

    /// The findings of one metric.
    pub fn metric<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| f.metric == name)
    }
}

/// A column of the verdict table: its heading and how a finding fills it.
type Column<'a> = (&'a str, &'a dyn Fn(&Finding) -> String);

fn cell(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| Num(v).to_string())
}

impl fmt::Display for Verdict {
    /// A plain-text table, one row per metric and check: judgement, estimate (the
    /// change canary − baseline, or the canary's level for a threshold), interval
    /// (`1s`: one-sided, `2s`: two-sided, with its level), margin in the metric's
    /// units, alpha, p-value, e-value; then the decision, its reasons, and every
    /// finding's reason.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = |head: &str, get: &dyn Fn(&Finding) -> String| {
            self.findings
                .iter()
                .map(|x| get(x).chars().count())
                .chain([head.len()])
                .max()
                .unwrap_or(0)
        };
        let metric = |x: &Finding| x.metric.clone();
        let check = |x: &Finding| x.check.clone();
        let judgement = |x: &Finding| x.judgement.to_string();
        let estimate = |x: &Finding| cell(x.estimate);
        let interval = |x: &Finding| {
            x.interval.map_or_else(String::new, |i| {
                let s = match i.sides {
                    crate::evidence::Sides::One => "1s",
                    crate::evidence::Sides::Two => "2s",
                };
                format!(
                    "[{}, {}] {}% {s}",
                    Num(i.lower),
                    Num(i.upper),
                    Num(100.0 * i.level)
                )
            })
        };
        let margin = |x: &Finding| {
            if x.interval.is_some() || x.estimate.is_some() {
                Num(x.margin).to_string()
            } else {
                String::new()
            }
        };
        let alpha = |x: &Finding| x.alpha.map_or_else(String::new, |a| a.to_string());
        let p = |x: &Finding| cell(x.p_value);
        let e = |x: &Finding| cell(x.e_value);
        let columns: [Column<'_>; 10] = [
            ("metric", &metric),
            ("check", &check),
            ("judgement", &judgement),
            ("estimate", &estimate),
            ("interval", &interval),
            ("margin", &margin),
            ("alpha", &alpha),
            ("p", &p),
            ("e", &e),
            ("", &|_| String::new()),
        ];
        let widths: Vec<usize> = columns.iter().map(|(h, g)| width(h, *g)).collect();
        let row = |f: &mut fmt::Formatter<'_>, cells: Vec<String>| -> fmt::Result {
            let line: Vec<String> = cells
                .iter()
                .zip(&widths)
                .take(9)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            writeln!(f, "{}", line.join("  ").trim_end())
        };
        row(f, columns.iter().map(|(h, _)| (*h).to_string()).collect())?;
        for x in &self.findings {
            row(f, columns.iter().map(|(_, g)| g(x)).collect())?;
        }
        writeln!(f, "verdict: {}", self.decision)?;
        if let Some(k) = &self.kayenta {
            writeln!(f, "kayenta score: {}", Num(k.summary))?;
        }
        for r in &self.reasons {
            writeln!(f, "  - {r}")?;
        }
        writeln!(f, "findings:")?;
        for x in &self.findings {
            writeln!(f, "  - {} / {}: {}", x.metric, x.check, x.reason)?;
        }
        Ok(())
    }
}
