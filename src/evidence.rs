//! One vocabulary for every check: a [`Judgement`], the [`Evidence`] behind it, and a
//! [`Finding`] per metric and check.
//!
//! Every check, fixed-horizon or sequential, ends in the same rule, written once in
//! [`judge_interval`]: *an interval for the change canary − baseline, against a
//! margin, in the metric's bad direction*. The rank test's Hodges–Lehmann interval,
//! a percentile delta's interval, a sequential test's confidence sequence and a plain
//! threshold all reach a [`Judgement`] through it.

use std::fmt;

use crate::Error;
use crate::compare::MannWhitneyResult;
use crate::compare::quantile::PercentileDelta;
use crate::input::Direction;
use crate::params::Alpha;
use crate::sequential::Report;

/// Which way a failing metric moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Side {
    /// The canary is higher than the baseline (or above a threshold's maximum).
    High,
    /// The canary is lower than the baseline (or below a threshold's minimum).
    Low,
}

/// Why a check has no data to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Lack {
    /// Nothing was observed for the metric yet.
    NotObserved,
    /// A side has no values (or no events and no traffic).
    Empty,
    /// The sides are too small for the check ever to reach its level (the smallest
    /// attainable p-value is not below α, or a quantile interval needs more points).
    TooFew,
}

impl fmt::Display for Lack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotObserved => "not observed",
            Self::Empty => "a side is empty",
            Self::TooFew => "too few points",
        })
    }
}

/// What a check says about one metric: the one judgement type of the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Judgement {
    /// No regression beyond the margin: at a fixed horizon, no significant change
    /// beyond it; for an anytime check, the interval lies inside it.
    Pass,
    /// Worse beyond the margin, with confidence, on this side.
    Fail(Side),
    /// Keep watching: an anytime check whose interval still straddles the margin.
    Inconclusive,
    /// Nothing to judge yet, and why.
    NoData(Lack),
    /// The measurement failed (the caller reported an error for the metric).
    Error,
}

impl Judgement {
    /// Whether this is a failure on either side.
    pub fn is_fail(self) -> bool {
        matches!(self, Self::Fail(_))
    }
}

impl fmt::Display for Judgement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pass => f.write_str("pass"),
            Self::Fail(Side::High) => f.write_str("fail (high)"),
            Self::Fail(Side::Low) => f.write_str("fail (low)"),
            Self::Inconclusive => f.write_str("inconclusive"),
            Self::NoData(_) => f.write_str("no data"),
            Self::Error => f.write_str("error"),
        }
    }
}

/// Whether an interval bounds the change on one side or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Sides {
    /// One end is infinite by construction (a one-sided test of one bad direction).
    One,
    /// Both ends are bounded at the stated level.
    Two,
}

/// An interval for the change canary − baseline in the metric's units (or, for a
/// threshold, for the canary's level), at a confidence level.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct Interval {
    /// Lower end (may be −∞).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub lower: f64,
    /// Upper end (may be +∞).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub upper: f64,
    /// The confidence level it holds (for a sequence: simultaneously over all looks).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub level: f64,
    /// One- or two-sided.
    pub sides: Sides,
}

validated_serde!(Interval);

impl crate::validated::Validate for Interval {
    /// The ends are ordered and the level lies in [0, 1].
    fn validate(&self) -> Result<(), Error> {
        crate::validated::probability("interval level", self.level)?;
        crate::validated::ordered("interval lower end", self.lower, self.upper)
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}, {}] {}% {}",
            Num(self.lower),
            Num(self.upper),
            Num(100.0 * self.level),
            match self.sides {
                Sides::One => "one-sided",
                Sides::Two => "two-sided",
            }
        )
    }
}

/// When a check is looked at, which decides what an interval that is not beyond the
/// margin means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Look {
    /// A fixed-horizon test at its planned end: not beyond the margin is a pass.
    Final,
    /// An anytime-valid interval: inside the margin is a pass, straddling it is
    /// inconclusive (keep watching).
    Anytime,
}

/// The margin as [`judge_interval`] applies it: |m|, and 0 for NaN.
pub(crate) fn margin_bound(margin: f64) -> f64 {
    if margin.is_nan() { 0.0 } else { margin.abs() }
}

/// The one rule every check uses: an interval for the change against a margin m ≥ 0
/// in the bad direction.
///
/// | direction | fail | anytime pass |
/// |---|---|---|
/// | `HigherIsWorse` | lower > m → `Fail(High)` | upper < m |
/// | `LowerIsWorse` | upper < −m → `Fail(Low)` | lower > −m |
/// | `Either` | either of the two | −m < lower and upper < m |
///
/// At [`Look::Final`] anything that does not fail passes; at [`Look::Anytime`] an
/// interval that neither fails nor passes is [`Judgement::Inconclusive`]. A NaN end
/// never passes: it is inconclusive (anytime) or, at the final look, fails toward the
/// bad side, so a broken number cannot promote a canary.
///
/// # Example
/// ```
/// use canary_judge::evidence::{judge_interval, Interval, Judgement, Look, Side, Sides};
/// use canary_judge::Direction;
/// let iv = Interval { lower: 4.0, upper: 9.0, level: 0.99, sides: Sides::Two };
/// let worse = Direction::HigherIsWorse;
/// assert_eq!(judge_interval(&iv, 2.0, worse, Look::Final), Judgement::Fail(Side::High));
/// assert_eq!(judge_interval(&iv, 5.0, worse, Look::Final), Judgement::Pass);
/// assert_eq!(judge_interval(&iv, 5.0, worse, Look::Anytime), Judgement::Inconclusive);
/// assert_eq!(judge_interval(&iv, 10.0, worse, Look::Anytime), Judgement::Pass);
/// ```
pub fn judge_interval(
    interval: &Interval,
    margin: f64,
    direction: Direction,
    look: Look,
) -> Judgement {
    let (lo, hi) = (interval.lower, interval.upper);
    let m = margin_bound(margin);
    let high = direction != Direction::LowerIsWorse;
    let low = direction != Direction::HigherIsWorse;
    if lo.is_nan() || hi.is_nan() {
        return match look {
            Look::Anytime => Judgement::Inconclusive,
            Look::Final => Judgement::Fail(if high { Side::High } else { Side::Low }),
        };
    }
    if high && lo > m {
        return Judgement::Fail(Side::High);
    }
    if low && hi < -m {
        return Judgement::Fail(Side::Low);
    }
    match look {
        Look::Final => Judgement::Pass,
        Look::Anytime => {
            let inside = (!high || hi < m) && (!low || lo > -m);
            if inside {
                Judgement::Pass
            } else {
                Judgement::Inconclusive
            }
        }
    }
}

/// Which kind of sequential test produced a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum SequentialKind {
    /// [`crate::sequential::counts::CountRateTest`]: rate ratio of event counts.
    CountRate,
    /// [`crate::sequential::quantiles::QuantileTest`]: difference of a quantile.
    Quantile,
    /// [`crate::sequential::means::TTest`]: difference of means.
    Mean,
    /// [`crate::sequential::paired::SignTest`]: median of tick-paired differences.
    Paired,
    /// [`crate::sequential::exceedance::TailTest`]: the share of canary values above
    /// the baseline's tail quantile within a tick (no confidence sequence).
    Exceedance,
}

/// The result behind a judgement, as each test reported it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Evidence {
    /// A Mann–Whitney test with the Hodges–Lehmann shift and its interval.
    Rank(MannWhitneyResult),
    /// A percentile delta with its distribution-free intervals.
    Percentile(PercentileDelta),
    /// A Wilcoxon signed-rank test on tick-paired differences (shifted by the
    /// margin when there is one).
    SignedRank(crate::compare::signed_rank::SignedRankResult),
    /// A sequential test's report at this look (e-value, always-valid p-value,
    /// confidence sequence in the test's own scale).
    Sequential {
        /// Which test.
        test: SequentialKind,
        /// Its report.
        report: Report,
    },
    /// Kayenta's classification of the metric, as its judge computes it.
    Kayenta(crate::check::kayenta::KayentaOutcome),
    /// The burn-rate tiers evaluated on the canary's counts.
    BurnTiers(crate::burn::evaluate::Evaluation),
    /// The error-budget gate on promotion.
    BudgetGate {
        /// The gate's decision.
        decision: crate::burn::canary::GateDecision,
        /// The fraction of the period's budget the rest of the rollout would spend.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        projected_spend: f64,
        /// The burn rate used: the lower confidence bound of the canary's.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        burn_lower_bound: f64,
    },
    /// The canary's level against fixed bounds.
    Threshold {
        /// The canary's level at the latest tick.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        value: f64,
    },
}

/// One check's judgement of one metric, with everything needed to explain it.
/// Loading checks its numbers as [`Interval`] and the tests' results do (no NaN,
/// probabilities in [0, 1], e-values ≥ 0).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct Finding {
    /// The metric's name.
    pub metric: String,
    /// The check's name (e.g. `rank`, `count_rate`, `percentile p99`).
    pub check: String,
    /// The judgement.
    pub judgement: Judgement,
    /// Whether missing data on this metric makes the verdict inconclusive.
    pub required: bool,
    /// The estimated change canary − baseline in the metric's units (or the canary's
    /// level for a threshold), when there is one.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "crate::serde_float::option"
        )
    )]
    pub estimate: Option<f64>,
    /// The interval judged against the margin, when there is one.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub interval: Option<Interval>,
    /// The margin in the metric's units that was applied (may be +∞ when a relative
    /// margin overflows).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub margin: f64,
    /// The check's significance level, when it is a statistical test.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub alpha: Option<Alpha>,
    /// The p-value (fixed horizon) or always-valid p-value (anytime), when there is one.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "crate::serde_float::option"
        )
    )]
    pub p_value: Option<f64>,
    /// The e-value of an anytime test.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "crate::serde_float::option"
        )
    )]
    pub e_value: Option<f64>,
    /// The test's own result, when one ran.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub evidence: Option<Evidence>,
    /// A sentence explaining the judgement with the numbers behind it.
    pub reason: String,
}

validated_serde!(Finding);

impl crate::validated::Validate for Finding {
    /// The p-value lies in [0, 1] and the e-value is ≥ 0 (the interval and the
    /// evidence validate as they load).
    fn validate(&self) -> Result<(), Error> {
        if let Some(p) = self.p_value {
            crate::validated::probability("p_value", p)?;
        }
        if let Some(e) = self.e_value
            && e < 0.0
        {
            return Err(Error::InvalidParameter {
                name: "e_value",
                expected: ">= 0",
                value: e,
            });
        }
        Ok(())
    }
}

impl Finding {
    /// A finding with no numbers: no data, an error, or a check that did not run.
    pub fn bare(
        metric: &str,
        check: &str,
        judgement: Judgement,
        required: bool,
        reason: String,
    ) -> Self {
        Self {
            metric: metric.to_owned(),
            check: check.to_owned(),
            judgement,
            required,
            estimate: None,
            interval: None,
            margin: 0.0,
            alpha: None,
            p_value: None,
            e_value: None,
            evidence: None,
            reason,
        }
    }
}

impl fmt::Display for Finding {
    /// `metric / check: judgement; estimate, interval, margin, alpha, p, e; reason`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}: {}", self.metric, self.check, self.judgement)?;
        if let Some(e) = self.estimate {
            write!(f, "; estimate {}", Num(e))?;
        }
        if let Some(iv) = &self.interval {
            write!(f, ", interval {iv}")?;
        }
        if self.interval.is_some() || self.estimate.is_some() {
            write!(f, ", margin {}", Num(self.margin))?;
        }
        if let Some(a) = self.alpha {
            write!(f, ", alpha {a}")?;
        }
        if let Some(p) = self.p_value {
            write!(f, ", p = {}", Num(p))?;
        }
        if let Some(e) = self.e_value {
            write!(f, ", e = {}", Num(e))?;
        }
        write!(f, " ({})", self.reason)
    }
}

/// The crate's one number format for explanations: five significant digits,
/// scientific notation below 10⁻⁴ and from 10⁶, `+inf` / `-inf`, `NaN`.
///
/// # Example
/// ```
/// use canary_judge::evidence::Num;
/// assert_eq!(Num(12.5).to_string(), "12.5");
/// assert_eq!(Num(0.123456789).to_string(), "0.12346");
/// assert_eq!(Num(2.5e-7).to_string(), "2.5e-7");
/// assert_eq!(Num(f64::INFINITY).to_string(), "+inf");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if v.is_nan() {
            return f.write_str("NaN");
        }
        if v.is_infinite() {
            return f.write_str(if v > 0.0 { "+inf" } else { "-inf" });
        }
        if v == 0.0 {
            return f.write_str("0");
        }
        let a = v.abs();
        if !(1e-4..1e6).contains(&a) {
            let s = format!("{v:.4e}");
            let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
            let mantissa = trim_zeros(mantissa);
            return write!(f, "{mantissa}e{exp}");
        }
        let digits = (4 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{v:.digits$}");
        f.write_str(trim_zeros(&s))
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(lower: f64, upper: f64) -> Interval {
        Interval {
            lower,
            upper,
            level: 0.95,
            sides: Sides::Two,
        }
    }

    #[test]
    fn the_rule_in_every_direction() {
        use Direction::*;
        use Judgement::*;
        let cases = [
            // (interval, margin, direction, final, anytime)
            (
                (1.0, 3.0),
                0.5,
                HigherIsWorse,
                Fail(Side::High),
                Fail(Side::High),
            ),
            ((1.0, 3.0), 1.0, HigherIsWorse, Pass, Inconclusive), // lower = m is not beyond
            ((-3.0, 0.4), 0.5, HigherIsWorse, Pass, Pass),
            ((-3.0, -1.0), 0.5, HigherIsWorse, Pass, Pass), // better is never a fail
            (
                (-3.0, -1.0),
                0.5,
                LowerIsWorse,
                Fail(Side::Low),
                Fail(Side::Low),
            ),
            ((-0.4, 3.0), 0.5, LowerIsWorse, Pass, Pass),
            ((-0.6, 3.0), 0.5, LowerIsWorse, Pass, Inconclusive),
            ((-3.0, -1.0), 0.5, Either, Fail(Side::Low), Fail(Side::Low)),
            ((1.0, 3.0), 0.5, Either, Fail(Side::High), Fail(Side::High)),
            ((-0.4, 0.4), 0.5, Either, Pass, Pass),
            ((-0.4, 0.6), 0.5, Either, Pass, Inconclusive),
            ((f64::NEG_INFINITY, 0.4), 0.5, HigherIsWorse, Pass, Pass),
            ((0.0, f64::INFINITY), 0.0, HigherIsWorse, Pass, Inconclusive),
        ];
        for ((lo, hi), m, dir, at_end, anytime) in cases {
            let i = iv(lo, hi);
            assert_eq!(
                judge_interval(&i, m, dir, Look::Final),
                at_end,
                "{lo} {hi} {m} {dir:?}"
            );
            assert_eq!(
                judge_interval(&i, m, dir, Look::Anytime),
                anytime,
                "{lo} {hi} {m} {dir:?}"
            );
        }
    }

    #[test]
    fn nan_never_passes() {
        for dir in [
            Direction::HigherIsWorse,
            Direction::LowerIsWorse,
            Direction::Either,
        ] {
            for look in [Look::Final, Look::Anytime] {
                for (lo, hi) in [(f64::NAN, 1.0), (0.0, f64::NAN), (f64::NAN, f64::NAN)] {
                    let j = judge_interval(&iv(lo, hi), 0.5, dir, look);
                    assert_ne!(j, Judgement::Pass, "{dir:?} {look:?}");
                }
            }
        }
    }

    #[test]
    fn numbers_have_one_format() {
        let cases = [
            (0.0, "0"),
            (1.0, "1"),
            (-12.5, "-12.5"),
            (123456.7, "123457"),
            (0.00123456, "0.0012346"),
            (1e-5, "1e-5"),
            (-3.25e9, "-3.25e9"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "NaN"),
            (99.0, "99"),
        ];
        for (v, want) in cases {
            assert_eq!(Num(v).to_string(), want, "{v}");
        }
    }
}
