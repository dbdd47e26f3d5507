//! Serde helper for `f64` fields: exact round trips through any JSON parser, and
//! infinities that JSON can hold.
//!
//! **Writing.** A finite value whose shortest round-trip decimal form has a
//! significand below 2^53 and a decimal exponent within ±22 is written as a JSON
//! number: every parser, even one without correctly rounded float parsing (plain
//! serde_json without its `float_roundtrip` feature), reads it exactly, since the
//! significand and the power of ten are both exact in f64 and one IEEE operation
//! rounds correctly (Clinger's fast path). Any other finite value (17-digit results
//! of arithmetic such as 0.010010020000000001, or 1e300) is written as a JSON string
//! of the same shortest decimal, which reading parses with Rust's correctly rounded
//! parser; infinities are written as `"inf"` and `"-inf"`. No value is written as
//! null. NaN is written as `"nan"`, which only [`vec_nan`] (raw observations, where
//! a NaN is data the metric's NaN policy handles) reads back; everywhere else a
//! NaN is an invalid state and does not load.
//!
//! **Reading** accepts a number or such a string.

use serde::{Deserialize, Deserializer, Serializer};

/// Whether `text` (Rust's shortest round-trip form of a finite f64) is read exactly
/// by a parser that only multiplies or divides the decimal significand by a power
/// of ten: significand < 2^53 and |decimal exponent| ≤ 22.
fn fast_path_exact(text: &str) -> bool {
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => match e.parse::<i32>() {
            Ok(e) => (m, e),
            Err(_) => return false,
        },
        None => (text, 0),
    };
    let mantissa = mantissa.trim_start_matches('-');
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let trailing = digits.len() - digits.trim_end_matches('0').len();
    let significand = &digits[..digits.len() - trailing];
    let exponent = exponent - frac.len() as i32 + trailing as i32;
    significand.len() <= 15 && (-22..=22).contains(&exponent)
}

pub(crate) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.is_finite() {
        let scientific = format!("{v:e}");
        if fast_path_exact(&scientific) {
            return s.serialize_f64(*v);
        }
        // The same shortest digits, positional when that stays short (0.0123...,
        // 12345.678...), scientific otherwise (1e300, 2.5e-12).
        let exponent = scientific
            .split_once('e')
            .and_then(|(_, e)| e.parse::<i32>().ok())
            .unwrap_or(0);
        if (-5..=16).contains(&exponent) {
            s.serialize_str(&format!("{v}"))
        } else {
            s.serialize_str(&scientific)
        }
    } else if v.is_nan() {
        s.serialize_str("nan")
    } else if *v > 0.0 {
        s.serialize_str("inf")
    } else {
        s.serialize_str("-inf")
    }
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Number(f64),
        Text(String),
    }
    match Repr::deserialize(d)? {
        Repr::Number(v) => Ok(v),
        Repr::Text(t) if t == "inf" => Ok(f64::INFINITY),
        Repr::Text(t) if t == "-inf" => Ok(f64::NEG_INFINITY),
        Repr::Text(t) => match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(serde::de::Error::custom(format!(
                "expected a number, a decimal string, \"inf\" or \"-inf\", got {t:?}"
            ))),
        },
    }
}

/// A finite-or-infinite f64 in the `"inf"` / `"-inf"` form, for use inside tuples.
#[derive(serde::Serialize, Deserialize)]
#[serde(transparent)]
struct Float(#[serde(with = "self")] f64);

/// `(f64, f64)` interval ends, either of which may be infinite.
pub(crate) mod pair {
    use super::Float;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &(f64, f64), s: S) -> Result<S::Ok, S::Error> {
        (Float(v.0), Float(v.1)).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<(f64, f64), D::Error> {
        let (a, b) = <(Float, Float)>::deserialize(d)?;
        Ok((a.0, b.0))
    }
}

/// `Option<f64>`, written like a plain value when present.
pub(crate) mod option {
    use super::Float;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        v.map(Float).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Ok(Option::<Float>::deserialize(d)?.map(|f| f.0))
    }
}

/// `Option<(f64, f64)>` interval ends, either of which may be infinite.
pub(crate) mod option_pair {
    use super::Float;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        v: &Option<(f64, f64)>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        v.map(|(a, b)| (Float(a), Float(b))).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<(f64, f64)>, D::Error> {
        Ok(Option::<(Float, Float)>::deserialize(d)?.map(|(a, b)| (a.0, b.0)))
    }
}

/// `Option<Vec<f64>>` whose entries may be infinite (histogram bounds ending at +∞).
pub(crate) mod option_vec {
    use super::Float;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &Option<Vec<f64>>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref()
            .map(|v| v.iter().map(|&x| Float(x)).collect::<Vec<_>>())
            .serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<f64>>, D::Error> {
        Ok(Option::<Vec<Float>>::deserialize(d)?.map(|v| v.into_iter().map(|f| f.0).collect()))
    }
}

/// `Vec<f64>` whose entries may be infinite, written like [`option_vec`].
pub(crate) mod vec {
    use super::Float;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        v.iter().map(|&x| Float(x)).collect::<Vec<_>>().serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Ok(Vec::<Float>::deserialize(d)?
            .into_iter()
            .map(|f| f.0)
            .collect())
    }
}

/// `Vec<f64>` of raw observed values: like [`vec`], and `"nan"` reads back as NaN.
pub(crate) mod vec_nan {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        super::vec::serialize(v, s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Entry {
            Nan(Nan),
            Value(#[serde(with = "super")] f64),
        }
        #[derive(Deserialize)]
        enum Nan {
            #[serde(rename = "nan")]
            Nan,
        }
        Ok(Vec::<Entry>::deserialize(d)?
            .into_iter()
            .map(|e| match e {
                Entry::Nan(Nan::Nan) => f64::NAN,
                Entry::Value(v) => v,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::fast_path_exact;

    #[test]
    fn fast_path_rule() {
        for (v, exact) in [
            (0.05, true),
            (0.999, true),
            (100.0, true),
            (1e-6, true),
            (1e22, true),
            (1e23, false),
            (1e-23, false),
            (0.010010020000000001, false),
            (0.1 + 0.2, false),
            (123456789012345.0, true),
            (1234567890123456.0, false),
            (-2.5e-10, true),
            (0.0, true),
        ] {
            assert_eq!(fast_path_exact(&format!("{v:e}")), exact, "{v:e}");
        }
    }
}
