//! Serde helper for `f64` fields that may be ±infinity (one-sided interval ends).
//!
//! JSON has no infinity (serde_json writes `null`, which does not read back), so
//! infinities are written as the strings `"inf"` and `"-inf"`; finite values stay
//! numbers. Reading accepts both forms.

use serde::{Deserialize, Deserializer, Serializer};

pub(crate) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.is_finite() {
        s.serialize_f64(*v)
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
        Repr::Text(t) => Err(serde::de::Error::custom(format!(
            "expected a number, \"inf\" or \"-inf\", got {t:?}"
        ))),
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
