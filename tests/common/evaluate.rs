//! Runs policies over the canaries of `corpus.rs` tick by tick, as a controller
//! would, and tabulates what they decided.
//!
//! Included with `#[path]` by `tests/evaluation.rs` and `examples/evaluate.rs`
//! (after `corpus.rs`, as a sibling module named `corpus`).

#![allow(dead_code)] // each includer uses part of it

use canary_judge::analysis::{Analysis, MetricKind, MetricSpec, Observation, Plan};
use canary_judge::check::kayenta::{KayentaConfig, KayentaLabel, classify};
use canary_judge::policy::Family;
use canary_judge::{Alpha, Check, Decision, Direction, EventCounts, Margin, Policy, Sample};

use super::corpus::{Canary, Kind};

/// The exposure each side's counts are taken out of per tick (event counts need a
/// total; every test used here is invariant to it).
const EXPOSURE: u64 = 1 << 40;

/// A way of judging a canary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The default: [`Policy::guarded`] over [`MetricSpec::default_for`]'s checks
    /// (the paired sign test with tails at every tick, the signed-rank test at the
    /// planned end).
    Default,
    /// Mann–Whitney at α once, at the planned end.
    RankFinal,
    /// Mann–Whitney at α re-run after every tick (peeking).
    RankEveryTick,
    /// Kayenta's judge (its production defaults) on the data so far at 10 evenly
    /// spaced looks.
    KayentaGrowing,
    /// The default's looks with a relative margin of this many per mille: the paired
    /// sign test (no tail bets: they need a zero margin) and the signed-rank test
    /// against the margin, under [`Policy::guarded`].
    DefaultWithMargin(u32),
    /// [`Method::DefaultWithMargin`] (first field, per mille) with no early pass
    /// before this many per cent of the planned ticks ([`Family::earliest_pass`]).
    ///
    /// [`Family::earliest_pass`]: canary_judge::policy::Family::earliest_pass
    DefaultWithMarginFrom(u32, u32),
    /// Mann–Whitney at the planned end against a relative margin of this many per
    /// mille (the rank check fails when significant and its shift interval lies
    /// beyond the margin).
    RankFinalWithMargin(u32),
    /// The anytime count-rate test (Poisson arms, equal traffic) checked after every
    /// tick; counts only.
    CountRateEveryTick,
}

impl Method {
    /// Every method, in table order.
    pub const ALL: [Self; 4] = [
        Self::Default,
        Self::RankFinal,
        Self::RankEveryTick,
        Self::KayentaGrowing,
    ];

    /// The method's name in tables.
    pub fn name(self) -> String {
        match self {
            Self::Default => "default".into(),
            Self::RankFinal => "MW final".into(),
            Self::RankEveryTick => "MW every tick".into(),
            Self::KayentaGrowing => "Kayenta x10".into(),
            Self::DefaultWithMargin(m) => format!("default, margin {}%", f64::from(m) / 10.0),
            Self::DefaultWithMarginFrom(m, from) => format!(
                "default, margin {}%, pass from {from}%",
                f64::from(m) / 10.0
            ),
            Self::RankFinalWithMargin(m) => format!("MW final, margin {}%", f64::from(m) / 10.0),
            Self::CountRateEveryTick => "count rate every tick".into(),
        }
    }

    /// Whether the method judges this kind of metric.
    pub fn applies(self, kind: Kind) -> bool {
        self != Self::CountRateEveryTick || kind == Kind::Count
    }
}

/// When a canary failed, if it did: the number of ticks seen at the failing look.
pub type FailedAt = Option<usize>;

fn observation(kind: Kind, b: f64, c: f64) -> Observation {
    if kind == Kind::Count {
        let counts = |v: f64| {
            EventCounts::new(v.max(0.0) as u64, EXPOSURE).expect("events below the exposure")
        };
        Observation::Counts {
            baseline: counts(b),
            canary: counts(c),
        }
    } else {
        Observation::Values {
            baseline: vec![b],
            canary: vec![c],
        }
    }
}

/// The default policy's plan for one metric of this kind over `ticks` ticks.
pub fn default_plan(ticks: usize, alpha: Alpha) -> Plan {
    Plan::new(vec![
        MetricSpec::default_for("m", MetricKind::Level).direction(Direction::HigherIsWorse),
    ])
    .planned_ticks(ticks as u64)
    .policy(Policy::guarded(alpha))
}

fn margin_plan(ticks: usize, alpha: Alpha, per_mille: u32, from_percent: u32) -> Plan {
    let family = Family::new(alpha).earliest_pass(f64::from(from_percent) / 100.0);
    Plan::new(vec![
        MetricSpec::new("m", [Check::Paired, Check::SignedRank])
            .direction(Direction::HigherIsWorse)
            .margin(Margin::Relative(f64::from(per_mille) / 1000.0)),
    ])
    .planned_ticks(ticks as u64)
    .policy(Policy {
        family: Some(family),
    })
}

fn count_rate_plan(ticks: usize, alpha: Alpha) -> Plan {
    Plan::new(vec![
        MetricSpec::new("m", [Check::CountRate { canary_share: 0.5 }])
            .direction(Direction::HigherIsWorse)
            .alpha(alpha),
    ])
    .planned_ticks(ticks as u64)
}

fn rank_plan(ticks: usize, alpha: Alpha, per_mille: u32) -> Plan {
    Plan::new(vec![
        MetricSpec::new("m", [Check::Rank])
            .direction(Direction::HigherIsWorse)
            .margin(Margin::Relative(f64::from(per_mille) / 1000.0))
            .alpha(alpha),
    ])
    .planned_ticks(ticks as u64)
}

/// Drives `plan` over the canary, deciding after every tick (or only at the end);
/// stops at the first fail, and at a pass when `stop_on_pass`.
fn drive(plan: Plan, canary: &Canary, every_tick: bool, stop_on_pass: bool) -> FailedAt {
    let mut analysis = Analysis::new(plan).expect("a valid plan");
    let n = canary.ticks();
    for t in 0..n {
        let obs = observation(canary.kind, canary.baseline[t], canary.canary[t]);
        analysis
            .observe(t as u64, "m", &obs)
            .expect("a valid observation");
        if every_tick || t + 1 == n {
            match analysis.decide(t as u64).expect("time moves on") {
                Decision::Fail => return Some(t + 1),
                Decision::Pass if stop_on_pass => return None,
                _ => {}
            }
        }
    }
    None
}

fn kayenta(canary: &Canary) -> FailedAt {
    let n = canary.ticks();
    let config = KayentaConfig {
        direction: Direction::HigherIsWorse,
        ..KayentaConfig::default()
    };
    for look in 1..=10 {
        let k = (n * look).div_ceil(10);
        let (Ok(b), Ok(c)) = (
            Sample::new(canary.baseline[..k].iter().copied()),
            Sample::new(canary.canary[..k].iter().copied()),
        ) else {
            continue;
        };
        if let Ok(outcome) = classify(&b, &c, &config)
            && outcome.label == KayentaLabel::High
        {
            return Some(k);
        }
    }
    None
}

/// Runs one method on one canary at family-wise (or per-test) level `alpha`.
pub fn run(method: Method, canary: &Canary, alpha: Alpha) -> FailedAt {
    let n = canary.ticks();
    match method {
        Method::Default => drive(default_plan(n, alpha), canary, true, true),
        Method::RankFinal => drive(rank_plan(n, alpha, 0), canary, false, false),
        Method::RankEveryTick => drive(rank_plan(n, alpha, 0), canary, true, false),
        Method::RankFinalWithMargin(m) => drive(rank_plan(n, alpha, m), canary, false, false),
        Method::KayentaGrowing => kayenta(canary),
        Method::DefaultWithMargin(m) => drive(margin_plan(n, alpha, m, 0), canary, true, true),
        Method::DefaultWithMarginFrom(m, from) => {
            drive(margin_plan(n, alpha, m, from), canary, true, true)
        }
        Method::CountRateEveryTick => drive(count_rate_plan(n, alpha), canary, true, false),
    }
}

/// A proportion with its Wilson 95% interval.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    /// Successes.
    pub hits: usize,
    /// Trials.
    pub of: usize,
}

impl Rate {
    /// The share, 0 when there were no trials.
    pub fn share(self) -> f64 {
        if self.of == 0 {
            0.0
        } else {
            self.hits as f64 / self.of as f64
        }
    }

    /// Wilson's score interval at 95%.
    pub fn wilson(self) -> (f64, f64) {
        if self.of == 0 {
            return (0.0, 1.0);
        }
        let (n, p, z) = (self.of as f64, self.share(), 1.959_963_984_540_054);
        let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
        let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
        ((centre - half).max(0.0), (centre + half).min(1.0))
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (lo, hi) = self.wilson();
        write!(
            f,
            "{:5.1}% [{:4.1}, {:4.1}] ({}/{})",
            100.0 * self.share(),
            100.0 * lo,
            100.0 * hi,
            self.hits,
            self.of
        )
    }
}

/// The value at quantile `q` of `v` (nearest rank; `None` when empty).
pub fn quantile(v: &mut [usize], q: f64) -> Option<usize> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let k = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    Some(v[k - 1])
}
