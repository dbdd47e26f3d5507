//! `Display` for every result type a user sees, in the crate's one number format
//! ([`Num`]): one line each, the numbers first, then what they mean.

use std::fmt::{self, Display, Formatter};

use crate::burn::Ratio;
use crate::burn::canary::{BurnComparison, GateDecision};
use crate::burn::evaluate::{Evaluation, TierResult, TierState};
use crate::burn::safeguards::BurnDecision;
use crate::check::kayenta::KayentaOutcome;
use crate::compare::quantile::{PercentileDelta, PercentileDeltaOutcome, QuantileInterval};
use crate::compare::{MannWhitneyResult, ShiftInterval};
use crate::evidence::{Evidence, Num, Side, Sides};
use crate::policy::kayenta::{KayentaScore, ScoreClass};
use crate::sequential::quantiles::DistributionChange;
use crate::sequential::{ConfidenceSequence, Report, Signal};

impl Display for Side {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::High => "high",
            Self::Low => "low",
        })
    }
}

impl Display for Sides {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::One => "one-sided",
            Self::Two => "two-sided",
        })
    }
}

impl Display for ShiftInterval {
    /// `[lower, upper] 99% (achieved 99.2%, exact)`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}, {}] {}% (achieved {}%, {:?})",
            Num(self.lower),
            Num(self.upper),
            Num(100.0 * self.level),
            Num(100.0 * self.achieved_level),
            self.method
        )
    }
}

impl Display for MannWhitneyResult {
    /// `U = 25 (m = 5, n = 5), p = 0.003968 (greater, Exact), shift 20 [12, +inf] 95% …`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "U = {} (canary {}, baseline {}), p = {} ({:?}, {:?}), P(canary > baseline) = {}",
            Num(self.u_canary),
            self.n_canary,
            self.n_baseline,
            Num(self.p_value),
            self.alternative,
            self.method,
            Num(self.cles)
        )?;
        if let Some(s) = self.shift {
            write!(f, ", shift {}", Num(s))?;
        }
        if let Some(iv) = &self.interval {
            write!(f, " {iv}")?;
        }
        Ok(())
    }
}

impl Display for PercentileDelta {
    /// `p99 140 → 155: change [2, 30] (relative [1.4%, 21%]) at 95% jointly`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "p{} {} → {}: change [{}, {}]",
            Num(100.0 * self.p),
            Num(self.baseline),
            Num(self.canary),
            Num(self.absolute.0),
            Num(self.absolute.1)
        )?;
        if let Some((lo, hi)) = self.relative {
            write!(
                f,
                " (relative [{}%, {}%])",
                Num(100.0 * lo),
                Num(100.0 * hi)
            )?;
        }
        write!(f, " at {}% jointly", Num(100.0 * self.level))
    }
}

impl Display for PercentileDeltaOutcome {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Self::Delta(d) => d.fmt(f),
            Self::InsufficientData { needed } => {
                write!(
                    f,
                    "insufficient data: {needed} observations per side needed"
                )
            }
            Self::NoEstimate => f.write_str("no estimate: a side has only the +Inf bucket"),
        }
    }
}

impl Display for QuantileInterval {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Interval {
                lower,
                upper,
                lower_rank,
                upper_rank,
                achieved_level,
            } => write!(
                f,
                "[{}, {}] (order statistics {lower_rank} and {upper_rank}, level {}%)",
                Num(lower),
                Num(upper),
                Num(100.0 * achieved_level)
            ),
            Self::InsufficientData { needed } => {
                write!(f, "insufficient data: {needed} observations needed")
            }
        }
    }
}

impl Display for Signal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Reject => "reject",
            Self::Accept => "accept",
            Self::Continue => "continue",
        })
    }
}

impl Display for ConfidenceSequence {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Bounds { lower, upper } => write!(f, "[{}, {}]", Num(lower), Num(upper)),
            Self::Violated => f.write_str("violated (empty: the data contradict the model)"),
        }
    }
}

impl Display for Report {
    /// `continue: e = 3.2, always-valid p = 0.31, sequence [0.8, 1.9]`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: e = {}, always-valid p = {}, sequence {}",
            self.decision,
            Num(self.e_value()),
            Num(self.p_value),
            self.confidence_sequence
        )
    }
}

impl Display for DistributionChange {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: largest gap between the distributions {} against the band {}",
            if self.changed {
                "changed"
            } else {
                "no change shown"
            },
            Num(self.statistic),
            Num(self.threshold)
        )?;
        if self.changed {
            let side = if self.canary_larger {
                "larger"
            } else {
                "smaller"
            };
            write!(f, " (canary {side})")?;
        }
        Ok(())
    }
}

impl Display for crate::compare::signed_rank::SignedRankResult {
    /// `signed-rank V = 52 (n 10, 0 zeros, exact), p = 0.004883`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "signed-rank V = {} (n {}, {} zeros, {}{}), p = {}",
            Num(self.statistic),
            self.n,
            self.zeros,
            if self.method == crate::compare::Method::Exact {
                "exact"
            } else {
                "normal approximation"
            },
            if self.ties { ", ties" } else { "" },
            Num(self.p_value)
        )
    }
}

impl Display for Evidence {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rank(r) => r.fmt(f),
            Self::Percentile(d) => d.fmt(f),
            Self::SignedRank(r) => r.fmt(f),
            Self::Sequential { test, report } => write!(f, "{test:?} test {report}"),
            Self::Kayenta(k) => k.fmt(f),
            Self::Threshold { value } => write!(f, "canary level {}", Num(*value)),
            Self::BurnTiers(e) => e.fmt(f),
            Self::BudgetGate {
                decision,
                projected_spend,
                burn_lower_bound,
            } => write!(
                f,
                "{decision}: projected spend {}% at burn {}",
                Num(100.0 * projected_spend),
                Num(*burn_lower_bound)
            ),
        }
    }
}

impl Display for KayentaOutcome {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "kayenta {}", self.label)?;
        if self.critical {
            f.write_str(" (critical)")?;
        }
        if let Some(iv) = self.interval {
            write!(
                f,
                ", estimate {} interval [{}, {}]",
                Num(iv.estimate),
                Num(iv.lower),
                Num(iv.upper)
            )?;
        }
        if !self.reason.is_empty() {
            write!(f, ": {}", self.reason)?;
        }
        Ok(())
    }
}

impl Display for ScoreClass {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pass => "pass",
            Self::Marginal => "marginal",
            Self::Fail => "fail",
        })
    }
}

impl Display for KayentaScore {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "score {} ({})", Num(self.summary), self.class)?;
        for g in &self.groups {
            if g.no_data {
                write!(f, ", {}: no data", g.name)?;
            } else {
                write!(f, ", {}: {}", g.name, Num(g.score))?;
            }
        }
        if let Some(r) = &self.reason {
            write!(f, "; {r}")?;
        }
        Ok(())
    }
}

impl Display for Ratio {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Self::Value(v) => Num(*v).fmt(f),
            Self::NoData => f.write_str("no data"),
        }
    }
}

impl Display for BurnComparison {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "canary/baseline error rate {}, one-sided p = {}",
            self.ratio,
            Num(self.p_value)
        )
    }
}

impl Display for GateDecision {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Self::Allow => f.write_str("allow"),
            Self::Block(reasons) => write!(f, "block: {}", reasons.join("; ")),
            Self::NoData => f.write_str("no data"),
        }
    }
}

impl Display for BurnDecision {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Reject => "reject",
            Self::Continue => "continue",
        })
    }
}

impl Display for TierState {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Self::Firing => f.write_str("firing"),
            Self::Pending { held } => write!(f, "pending ({} s held)", held.as_secs()),
            Self::Inactive => f.write_str("inactive"),
            Self::NoData => f.write_str("no data"),
        }
    }
}

impl Display for TierResult {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: long-window burn {}{}, short-window burn {}{}",
            self.state,
            self.long_burn,
            if self.long_tripped { " (over)" } else { "" },
            self.short_burn,
            if self.short_tripped { " (over)" } else { "" }
        )
    }
}

impl Display for Evaluation {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, t) in self.tiers.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "tier {}: {t}", i + 1)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_each_in_the_number_format() {
        let r = Report {
            log_e_value: 2.0f64.ln(),
            p_value: 0.5,
            confidence_sequence: ConfidenceSequence::Bounds {
                lower: 0.8,
                upper: f64::INFINITY,
            },
            decision: Signal::Continue,
        };
        assert_eq!(
            r.to_string(),
            "continue: e = 2, always-valid p = 0.5, sequence [0.8, +inf]"
        );
        let g = GateDecision::Block(vec!["a".into(), "b".into()]);
        assert_eq!(g.to_string(), "block: a; b");
        assert_eq!(Ratio::NoData.to_string(), "no data");
        assert_eq!(Ratio::Value(0.125).to_string(), "0.125");
    }
}
