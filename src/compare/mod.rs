//! Two-sample comparisons: canary against baseline.
//!
//! - [`MannWhitney`]: the rank-sum test with exact and asymptotic p-values, effect
//!   sizes, and the Hodges–Lehmann shift with its confidence interval.

mod exact;
mod hodges_lehmann;
mod mann_whitney;
pub(crate) mod normal;
mod ranks;

pub use mann_whitney::{
    AUTO_EXACT_MAX_PAIRS, Alternative, MannWhitney, MannWhitneyResult, Method, ShiftInterval,
};
