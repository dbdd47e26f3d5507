//! Helpers shared by the integration tests.

/// The simulations' generator: the crate's one seeded generator (SplitMix64), so a
/// test, a bench and an example given the same seed draw the same stream.
pub type Rng = canary_judge::rng::SplitMix64;
