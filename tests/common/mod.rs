//! Helpers shared by the integration tests.

/// The simulations' generator: the crate's one seeded generator (SplitMix64), so a
/// test, a bench and an example given the same seed draw the same stream.
#[allow(dead_code)] // not every test crate simulates
pub type Rng = canary_judge::rng::SplitMix64;

/// A fixture's JSON array of numbers as f64, with the strings "inf" and "-inf" for
/// the infinities (panics on anything else: a broken fixture).
#[allow(dead_code)] // not every test crate reads fixtures
pub fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|x| match x.as_str() {
            Some("inf") => f64::INFINITY,
            Some("-inf") => f64::NEG_INFINITY,
            _ => x.as_f64().expect("a number"),
        })
        .collect()
}
