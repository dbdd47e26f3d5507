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
