//! Validation on deserialisation: a loaded value must satisfy the same invariants as
//! one built by its constructor, or loading fails with the constructor's error.
//!
//! A type opts in by deriving serde with `#[serde(remote = "Self")]` (which turns the
//! derived code into inherent `serialize` / `deserialize` functions), implementing
//! [`Validate`], and invoking `validated_serde!(Type)`, which writes the trait impls:
//! serialisation as derived, deserialisation as derived followed by `validate`.

use crate::Error;

/// The invariants a loaded value must hold.
pub(crate) trait Validate {
    /// `Ok` when every invariant holds; otherwise the error the constructor or the
    /// state's own checks would give, naming the field.
    fn validate(&self) -> Result<(), Error>;

    /// The value itself once [`Validate::validate`] accepts it: what a builder's
    /// `build` and a load both return, by the same checks.
    fn validated(self) -> Result<Self, Error>
    where
        Self: Sized,
    {
        self.validate()?;
        Ok(self)
    }
}

/// Implements `Serialize` and a validating `Deserialize` for a type whose serde derive
/// carries `#[serde(remote = "Self")]` and which implements [`Validate`].
macro_rules! validated_serde {
    ($t:ty) => {
        #[cfg(feature = "serde")]
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                <$t>::serialize(self, s)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = <$t>::deserialize(d)?;
                $crate::validated::Validate::validated(value).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// A loaded probability (p-value, level): within [0, 1].
pub(crate) fn probability(name: &'static str, value: f64) -> Result<(), Error> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            expected: "within [0, 1]",
            value,
        })
    }
}

/// Loaded interval ends: `lower` ≤ `upper`, the error naming the lower end.
pub(crate) fn ordered(name: &'static str, lower: f64, upper: f64) -> Result<(), Error> {
    if lower <= upper {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            expected: "at most the upper end",
            value: lower,
        })
    }
}

/// A loaded ln p: ≤ 0 and not NaN (−∞ for p = 0).
pub(crate) fn ln_probability(name: &'static str, value: f64) -> Result<(), Error> {
    if value <= 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            expected: "<= 0 (the log of a probability)",
            value,
        })
    }
}

/// A loaded field that must not be NaN (infinities may be legitimate, e.g. ln E).
pub(crate) fn not_nan(name: &'static str, value: f64) -> Result<(), Error> {
    if value.is_nan() {
        Err(Error::InvalidParameter {
            name,
            expected: "a number, not NaN",
            value,
        })
    } else {
        Ok(())
    }
}
