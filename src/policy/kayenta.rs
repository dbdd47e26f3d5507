//! Kayenta-compatible scoring: Netflix ACA's weighted group score and its
//! pass / marginal / fail classification (`ScoringHelper`, `WeightedSumScorer`,
//! `ThresholdScoreClassifier`).
//!
//! 1. Muted metrics are dropped.
//! 2. Each metric counts in every group it belongs to. A group's score is
//!    100 · #Pass / (#Pass + #High + #Low + #NodataFailMetric); `Nodata` and `Error`
//!    are not counted, and a group with nothing counted is "no data" (reported as 0).
//! 3. A critical result that is not a pass makes the summary 0.
//! 4. So does `Nodata` on at least half of the (non-muted) results.
//! 5. Otherwise the summary is Σ over the groups present of effective score × weight
//!    / 100, where a no-data group counts 100, an unweighted group gets an equal share
//!    of 100 − (sum of all configured weights), and weights are not normalised. It is
//!    rounded to two decimals, half up.
//! 6. Summary ≥ `pass` → pass; ≥ `marginal` → marginal; else fail.
//!
//! Kayenta's quirks are kept: an all-`Error` canary scores 100, and a configured group
//! without results silently lowers the best possible score.

use crate::check::kayenta::{KayentaLabel, KayentaOutcome};
use crate::evidence::Num;
use crate::verdict::{Decision, Verdict};

/// One classified metric as Kayenta's scorer sees it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScoredMetric {
    /// The metric's name (reported in the findings of [`judge`]).
    #[cfg_attr(feature = "serde", serde(default))]
    pub name: String,
    /// The classifier's outcome.
    pub outcome: KayentaOutcome,
    /// The groups the metric belongs to (it counts in each).
    pub groups: Vec<String>,
    /// Reported but not scored.
    pub muted: bool,
}

/// Kayenta's final classification of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ScoreClass {
    /// Score at least the pass threshold.
    Pass,
    /// Score at least the marginal threshold.
    Marginal,
    /// Below the marginal threshold.
    Fail,
}

/// A group's score.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GroupScore {
    /// The group's name.
    pub name: String,
    /// 100 · passes / counted, or 0 when nothing was counted.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub score: f64,
    /// Whether nothing in the group was counted.
    pub no_data: bool,
}

/// The outcome of [`score`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KayentaScore {
    /// The summary score, rounded to two decimals.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub summary: f64,
    /// Its classification against the thresholds.
    pub class: ScoreClass,
    /// Group scores, in order of first appearance.
    pub groups: Vec<GroupScore>,
    /// Why the score was forced to 0, if it was.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub reason: Option<String>,
}

/// Scores classified metrics as Kayenta does (see the module documentation).
///
/// `weights` are the configured group weights; `pass` and `marginal` the score
/// thresholds of the execution request.
///
/// # Example
/// ```
/// use canary_judge::check::kayenta::{KayentaLabel, KayentaOutcome};
/// use canary_judge::policy::kayenta::{score, ScoreClass, ScoredMetric};
/// let metric = |label, group: &str| ScoredMetric {
///     name: format!("{group} metric"),
///     outcome: KayentaOutcome { label, critical: false, deviation: None,
///         effect_size: None, interval: None, reason: String::new() },
///     groups: vec![group.to_owned()],
///     muted: false,
/// };
/// // Kayenta's ScorerSuite: g1 weighs 75 and g2 25; g2's only metric is High.
/// let s = score(
///     &[metric(KayentaLabel::Pass, "g1"), metric(KayentaLabel::Pass, "g1"), metric(KayentaLabel::High, "g2")],
///     &[("g1".into(), 75.0), ("g2".into(), 25.0)],
///     75.0,
///     50.0,
/// );
/// assert_eq!((s.summary, s.class), (75.0, ScoreClass::Pass));
/// ```
pub fn score(
    metrics: &[ScoredMetric],
    weights: &[(String, f64)],
    pass: f64,
    marginal: f64,
) -> KayentaScore {
    let active: Vec<&ScoredMetric> = metrics.iter().filter(|m| !m.muted).collect();
    // Group scores.
    let mut names: Vec<&str> = Vec::new();
    let mut tallies: Vec<(usize, usize)> = Vec::new(); // (passes, counted)
    for m in &active {
        for g in &m.groups {
            let i = match names.iter().position(|n| n == g) {
                Some(i) => i,
                None => {
                    names.push(g);
                    tallies.push((0, 0));
                    names.len() - 1
                }
            };
            let label = m.outcome.label;
            let counted = matches!(
                label,
                KayentaLabel::Pass
                    | KayentaLabel::High
                    | KayentaLabel::Low
                    | KayentaLabel::NodataFailMetric
            );
            tallies[i].1 += usize::from(counted);
            tallies[i].0 += usize::from(label == KayentaLabel::Pass);
        }
    }
    let groups: Vec<GroupScore> = names
        .iter()
        .zip(&tallies)
        .map(|(name, &(passes, counted))| GroupScore {
            name: (*name).to_owned(),
            score: if counted == 0 {
                0.0
            } else {
                100.0 * passes as f64 / counted as f64
            },
            no_data: counted == 0,
        })
        .collect();
    let finish = |summary: f64, reason: Option<String>| {
        let class = if summary >= pass {
            ScoreClass::Pass
        } else if summary >= marginal {
            ScoreClass::Marginal
        } else {
            ScoreClass::Fail
        };
        KayentaScore {
            summary,
            class,
            groups: groups.clone(),
            reason,
        }
    };
    if let Some(m) = active
        .iter()
        .find(|m| m.outcome.critical && m.outcome.label != KayentaLabel::Pass)
    {
        return finish(0.0, Some(format!("Canary Failed: {}", m.outcome.reason)));
    }
    let nodata = active
        .iter()
        .filter(|m| m.outcome.label == KayentaLabel::Nodata)
        .count();
    if !active.is_empty() && 2 * nodata >= active.len() {
        return finish(
            0.0,
            Some("Too many metrics without data (at least 50%)".into()),
        );
    }
    let configured: f64 = weights.iter().map(|(_, w)| w).sum();
    let weight_of = |g: &str| weights.iter().find(|(n, _)| n == g).map(|&(_, w)| w);
    let unweighted = groups
        .iter()
        .filter(|g| weight_of(&g.name).is_none())
        .count();
    let share = if unweighted > 0 {
        (100.0 - configured) / unweighted as f64
    } else {
        0.0
    };
    let total: f64 = groups
        .iter()
        .map(|g| {
            let effective = if g.no_data { 100.0 } else { g.score };
            effective * weight_of(&g.name).unwrap_or(share) / 100.0
        })
        .sum();
    finish((total * 100.0).round() / 100.0, None)
}

/// Kayenta's scorer as a [`Verdict`]: every metric's outcome as a finding
/// ([`KayentaOutcome::to_finding`], muted metrics included and marked so), the
/// score kept in [`Verdict::kayenta`], and the decision from its class: pass →
/// [`Decision::Pass`], marginal → [`Decision::Inconclusive`] (Kayenta's
/// "marginal" asks a human), fail → [`Decision::Fail`].
///
/// # Example
/// ```
/// use canary_judge::check::kayenta::{KayentaLabel, KayentaOutcome};
/// use canary_judge::policy::kayenta::{judge, ScoredMetric};
/// use canary_judge::Decision;
/// let metric = |name: &str, label| ScoredMetric {
///     name: name.into(),
///     outcome: KayentaOutcome { label, critical: false, deviation: None,
///         effect_size: None, interval: None, reason: String::new() },
///     groups: vec!["latency".into()],
///     muted: false,
/// };
/// let v = judge(&[metric("p50", KayentaLabel::Pass), metric("p99", KayentaLabel::High)], &[], 95.0, 75.0);
/// assert_eq!(v.decision, Decision::Fail); // 50 points, below the marginal 75
/// assert_eq!(v.kayenta.as_ref().map(|s| s.summary), Some(50.0));
/// ```
pub fn judge(
    metrics: &[ScoredMetric],
    weights: &[(String, f64)],
    pass: f64,
    marginal: f64,
) -> Verdict {
    let score = score(metrics, weights, pass, marginal);
    let decision = match score.class {
        ScoreClass::Pass => Decision::Pass,
        ScoreClass::Marginal => Decision::Inconclusive,
        ScoreClass::Fail => Decision::Fail,
    };
    let findings = metrics
        .iter()
        .map(|m| {
            let mut f = m.outcome.to_finding(&m.name);
            if m.muted {
                f.reason = format!("{} (muted: not scored)", f.reason);
            }
            f
        })
        .collect();
    let mut reasons = vec![format!(
        "kayenta score {} ({}; pass at {}, marginal at {})",
        Num(score.summary),
        score.class,
        Num(pass),
        Num(marginal)
    )];
    reasons.extend(score.reason.clone());
    Verdict {
        decision,
        reasons,
        findings,
        kayenta: Some(score),
    }
}
