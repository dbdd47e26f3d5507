//! Parameters every check shares, validated once: the significance level
//! ([`Alpha`]) and the tolerated change ([`Margin`]).
//!
//! A bare `f64` for alpha can be swapped silently with a probability or a margin
//! (`QuantileTest::new(0.05, 0.99, …)` compiles either way); an [`Alpha`] cannot, and
//! it cannot hold 0, 1, NaN or a value outside (0, 1), including after loading from
//! JSON.

use std::fmt;

use crate::Error;

/// A significance level α, strictly between 0 and 1: the tolerated probability of
/// failing a canary that is no worse than its baseline.
///
/// Serialises as a plain number; loading checks the range and fails with
/// [`Error::InvalidAlpha`].
///
/// # Example
/// ```
/// use canary_judge::Alpha;
/// let a = Alpha::new(0.01)?;
/// assert_eq!(a.get(), 0.01);
/// assert!((a.confidence_level() - 0.99).abs() < 1e-15);
/// assert!(Alpha::new(1.0).is_err() && Alpha::new(f64::NAN).is_err());
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Alpha(f64);

impl Alpha {
    /// α = 0.01, the crate's default per check.
    pub const ONE_PERCENT: Self = Self(0.01);

    /// α = 0.05.
    pub const FIVE_PERCENT: Self = Self(0.05);

    /// A validated α.
    ///
    /// # Errors
    /// - [`Error::InvalidAlpha`] unless 0 < `value` < 1.
    pub fn new(value: f64) -> Result<Self, Error> {
        if value > 0.0 && value < 1.0 {
            Ok(Self(value))
        } else {
            Err(Error::InvalidAlpha { value })
        }
    }

    /// The value, in (0, 1).
    pub const fn get(self) -> f64 {
        self.0
    }

    /// The confidence level 1 − α of the intervals judged at this α.
    pub fn confidence_level(self) -> f64 {
        1.0 - self.0
    }

    /// α split evenly over `parts` checks (Bonferroni): α / parts, `parts` ≥ 1.
    pub fn split(self, parts: usize) -> Self {
        Self(self.0 / parts.max(1) as f64)
    }
}

impl Default for Alpha {
    fn default() -> Self {
        Self::ONE_PERCENT
    }
}

impl fmt::Display for Alpha {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", crate::evidence::Num(self.0))
    }
}

impl TryFrom<f64> for Alpha {
    type Error = Error;

    fn try_from(value: f64) -> Result<Self, Error> {
        Self::new(value)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Alpha {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::serde_float::serialize(&self.0, s)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Alpha {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = crate::serde_float::deserialize(d)?;
        Self::new(value).map_err(serde::de::Error::custom)
    }
}

/// How large a change in the bad direction is tolerated before a check fails: the
/// one margin type of the crate.
///
/// A check fails only when its whole interval lies beyond the margin, so a margin
/// separates "statistically detectable" from "large enough to matter". It is stated
/// in the metric's units ([`Margin::Absolute`]) or as a fraction of the baseline's
/// level ([`Margin::Relative`]); each check says which baseline level it uses (the
/// median for the rank test, the baseline's quantile for percentile checks, the
/// baseline's rate for counts) and [`Margin::resolve`] turns it into the metric's
/// units. Unlike Kayenta's tolerance (a fraction of the estimate itself), it does not
/// move with the canary.
///
/// Loading validates as [`Margin::validate`] does.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self", rename_all = "snake_case")
)]
pub enum Margin {
    /// A change in the metric's units (finite, ≥ 0).
    Absolute(#[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))] f64),
    /// A fraction (finite, ≥ 0) of |the baseline's level|: `Relative(0.1)` tolerates
    /// 10%.
    Relative(#[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))] f64),
}

validated_serde!(Margin);

impl crate::validated::Validate for Margin {
    fn validate(&self) -> Result<(), Error> {
        Margin::validate(*self).map(|_| ())
    }
}

impl Default for Margin {
    /// No tolerance: `Absolute(0.0)`.
    fn default() -> Self {
        Self::Absolute(0.0)
    }
}

impl Margin {
    /// Checks the value: finite and ≥ 0.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] naming `margin` otherwise (a negative margin would
    ///   fail canaries that improved; NaN would make every comparison false).
    pub fn validate(self) -> Result<Self, Error> {
        let (Self::Absolute(v) | Self::Relative(v)) = self;
        if v.is_finite() && v >= 0.0 {
            Ok(self)
        } else {
            Err(Error::InvalidParameter {
                name: "margin",
                expected: "finite and >= 0",
                value: v,
            })
        }
    }

    /// The margin in the metric's units given the baseline's level: the absolute
    /// value itself, or the fraction times |level| (0 when the level is unknown). May
    /// be +∞ when the product overflows; never NaN for a valid margin and a finite
    /// level.
    ///
    /// # Example
    /// ```
    /// use canary_judge::Margin;
    /// assert_eq!(Margin::Relative(0.1).resolve(Some(-200.0)), 20.0);
    /// assert_eq!(Margin::Absolute(3.0).resolve(None), 3.0);
    /// ```
    pub fn resolve(self, baseline_level: Option<f64>) -> f64 {
        match self {
            Self::Absolute(v) => v,
            Self::Relative(r) => match baseline_level {
                Some(level) if level.is_finite() && r > 0.0 => r * level.abs(),
                _ => 0.0,
            },
        }
    }

    /// Whether no change at all is tolerated.
    pub fn is_zero(self) -> bool {
        let (Self::Absolute(v) | Self::Relative(v)) = self;
        v == 0.0
    }
}

impl fmt::Display for Margin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Absolute(v) => write!(f, "{}", crate::evidence::Num(v)),
            Self::Relative(r) => write!(f, "{}%", crate::evidence::Num(100.0 * r)),
        }
    }
}
