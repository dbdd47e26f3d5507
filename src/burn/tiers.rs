//! Alerting tiers: a burn-rate factor checked over a long and a short window, and
//! the presets of the SRE Workbook, Sloth and Pyrra.

use std::time::Duration;

use super::{Objective, hours};
use crate::Error;

/// Who is told when a tier fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Severity {
    /// Wake someone up (Sloth's page, Pyrra's critical).
    Page,
    /// Handle in working hours (Sloth's ticket, Pyrra's warning).
    Ticket,
}

/// One multi-window burn-rate rule: it fires when the burn rate over both the long
/// and the short window exceeds `factor` (for at least `hold`, if set).
///
/// The factor must be finite and > 0 ([`Tier::validate`]); [`evaluate`] refuses a
/// tier that is not, and loading one fails.
///
/// [`evaluate`]: crate::burn::evaluate::evaluate
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct Tier {
    /// The burn-rate threshold β*.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    pub factor: f64,
    /// The long window (how much budget must have been spent).
    pub long: Duration,
    /// The short window (is it still burning now?).
    pub short: Duration,
    /// How long the condition must hold before firing (Prometheus `for`; zero fires at once).
    pub hold: Duration,
    /// Page or ticket.
    pub severity: Severity,
}

validated_serde!(Tier);

impl crate::validated::Validate for Tier {
    fn validate(&self) -> Result<(), Error> {
        Tier::validate(self)
    }
}

impl Tier {
    /// Checks the factor: a NaN or infinite threshold would never (or always) fire.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] naming `tier factor` unless it is finite and > 0.
    ///
    /// # Example
    /// ```
    /// use canary_judge::burn::tiers;
    /// let mut tier = tiers::workbook()[0];
    /// assert!(tier.validate().is_ok());
    /// tier.factor = f64::NAN;
    /// assert!(tier.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        if self.factor.is_finite() && self.factor > 0.0 {
            Ok(())
        } else {
            Err(Error::InvalidParameter {
                name: "tier factor",
                expected: "finite and > 0",
                value: self.factor,
            })
        }
    }

    /// A tier that fires once `share` of the budget of `period` would be spent within
    /// `long` at the current rate: factor = share·P/long.
    ///
    /// # Errors
    /// As [`super::threshold`].
    pub fn from_budget_share(
        share: f64,
        period: Duration,
        long: Duration,
        short: Duration,
        severity: Severity,
    ) -> Result<Self, Error> {
        Ok(Self {
            factor: super::threshold(share, period, long)?,
            long,
            short,
            hold: Duration::ZERO,
            severity,
        })
    }

    /// The share of the period's budget spent by the time the long window trips:
    /// factor·long/P.
    pub fn budget_share(&self, period: Duration) -> f64 {
        self.factor * self.long.as_secs_f64() / period.as_secs_f64()
    }
}

/// The SRE Workbook's recommendation (Table 5-8, for 99.9% over 30 days): page at
/// 14.4 (2% in 1 h, short 5 min) and 6 (5% in 6 h, short 30 min), ticket at 1 (10% in
/// 3 days, short 6 h).
pub fn workbook() -> Vec<Tier> {
    let min = |m: u64| Duration::from_secs(m * 60);
    vec![
        Tier {
            factor: 14.4,
            long: hours(1),
            short: min(5),
            hold: Duration::ZERO,
            severity: Severity::Page,
        },
        Tier {
            factor: 6.0,
            long: hours(6),
            short: min(30),
            hold: Duration::ZERO,
            severity: Severity::Page,
        },
        Tier {
            factor: 1.0,
            long: hours(72),
            short: hours(6),
            hold: Duration::ZERO,
            severity: Severity::Ticket,
        },
    ]
}

/// A Sloth-style catalogue: each entry is (budget percent, short window, long window,
/// severity) and the factor is percent/100 · P / long.
///
/// # Errors
/// As [`super::threshold`] for any entry.
pub fn from_catalogue(
    period: Duration,
    entries: &[(f64, Duration, Duration, Severity)],
) -> Result<Vec<Tier>, Error> {
    entries
        .iter()
        .map(|&(pct, short, long, sev)| {
            Tier::from_budget_share(pct / 100.0, period, long, short, sev)
        })
        .collect()
}

/// Sloth's built-in alert windows for 30- and 28-day periods: page 2% (5m/1h) and
/// 5% (30m/6h), ticket 10% (2h/1d) and 10% (6h/3d); factors 14.4, 6, 3, 1 at 30 days
/// and 13.44, 5.6, 2.8, 0.933 at 28 days.
///
/// # Errors
/// - [`Error::InvalidParameter`] for any other period (Sloth needs a custom
///   catalogue there: use [`from_catalogue`]).
pub fn sloth(period: Duration) -> Result<Vec<Tier>, Error> {
    if period != hours(30 * 24) && period != hours(28 * 24) {
        return Err(Error::InvalidParameter {
            name: "sloth period (days)",
            expected: "30 or 28 (or a custom catalogue)",
            value: period.as_secs_f64() / 86_400.0,
        });
    }
    let min = |m: u64| Duration::from_secs(m * 60);
    from_catalogue(
        period,
        &[
            (2.0, min(5), hours(1), Severity::Page),
            (5.0, min(30), hours(6), Severity::Page),
            (10.0, hours(2), hours(24), Severity::Ticket),
            (10.0, hours(6), hours(72), Severity::Ticket),
        ],
    )
}

/// Pyrra's four tiers for any period: factors 14, 7, 2, 1; windows scaled from a
/// 28-day reference (long P/672, P/112, P/28, P/7; short P/8064, P/1344, P/336,
/// P/112; hold P/20160, P/2688, P/672, P/224), each rounded to the minute, half away
/// from zero, as Go's `Duration.Round` does. Short periods give zero-length windows;
/// [`validate`] reports them.
pub fn pyrra(period: Duration) -> Vec<Tier> {
    let p = period.as_secs_f64();
    let round_min = |div: f64| Duration::from_secs(((p / div / 60.0).round() * 60.0) as u64);
    let spec = [
        (14.0, 672.0, 8064.0, 20160.0, Severity::Page),
        (7.0, 112.0, 1344.0, 2688.0, Severity::Page),
        (2.0, 28.0, 336.0, 672.0, Severity::Ticket),
        (1.0, 7.0, 112.0, 224.0, Severity::Ticket),
    ];
    spec.iter()
        .map(|&(factor, l, s, h, severity)| Tier {
            factor,
            long: round_min(l),
            short: round_min(s),
            hold: round_min(h),
            severity,
        })
        .collect()
}

/// Pyrra's "absent" alert delay: how long a metric may be missing before alerting,
/// the time a 100% error rate needs to trip Pyrra's first tier plus its hold,
/// round_min(14·b·long₁ + hold₁) for the period's first tier.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use canary_judge::burn::{Objective, tiers};
/// let d = tiers::pyrra_absent_duration(Objective::new(0.99)?, tiers::twenty_eight_days());
/// assert_eq!(d, Duration::from_secs(10 * 60));
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn pyrra_absent_duration(objective: Objective, period: Duration) -> Duration {
    let first = pyrra(period)[0];
    let secs =
        first.factor * objective.budget() * first.long.as_secs_f64() + first.hold.as_secs_f64();
    Duration::from_secs(((secs / 60.0).round() * 60.0) as u64)
}

/// Something wrong with a tier set that would make a tier useless.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Warning {
    /// The factor is at least the highest reachable burn rate 1/b: even a full
    /// outage cannot exceed it (the comparison is strict).
    Unreachable {
        /// Index of the tier.
        tier: usize,
        /// Its factor.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        factor: f64,
        /// 1/b.
        #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
        max_burn_rate: f64,
    },
    /// A window is zero, the short window is not shorter than the long one, or the
    /// long window exceeds the period.
    DegenerateWindows {
        /// Index of the tier.
        tier: usize,
    },
}

/// Checks a tier set against an objective and period.
///
/// # Example
/// ```
/// use canary_judge::burn::{Objective, tiers::{self, Warning}};
/// // At 90% a full outage burns at 10, so the 14.4 page can never fire.
/// let w = tiers::validate(&tiers::workbook(), Objective::new(0.9)?, tiers::thirty_days());
/// assert!(matches!(w[0], Warning::Unreachable { tier: 0, .. }));
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn validate(tiers: &[Tier], objective: Objective, period: Duration) -> Vec<Warning> {
    let max = objective.max_burn_rate();
    let mut out = Vec::new();
    for (i, t) in tiers.iter().enumerate() {
        if t.factor >= max {
            out.push(Warning::Unreachable {
                tier: i,
                factor: t.factor,
                max_burn_rate: max,
            });
        }
        if t.short.is_zero() || t.long.is_zero() || t.short >= t.long || t.long > period {
            out.push(Warning::DegenerateWindows { tier: i });
        }
    }
    out
}

/// 30 days.
pub fn thirty_days() -> Duration {
    hours(30 * 24)
}

/// 28 days.
pub fn twenty_eight_days() -> Duration {
    hours(28 * 24)
}
