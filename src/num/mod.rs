//! The numeric kernels, private and in one place: normal tails and quantiles
//! ([`normal`]), special functions and root finding ([`special`]: log-gamma, log-beta,
//! the log-space regularised incomplete beta, the one bisection, golden-section
//! search), and the crate's one seeded generator ([`rng`]). Sorting keys for floats
//! live with the samples they order (`crate::sample`).

pub(crate) mod normal;
pub(crate) mod rng;
pub(crate) mod special;
