//! Two-sample comparisons: canary against baseline.
//!
//! - [`MannWhitney`]: the rank-sum test with exact and asymptotic p-values, effect
//!   sizes, and the Hodges–Lehmann shift with its confidence interval.
//! - [`quantile`]: sample quantiles by the nine Hyndman–Fan definitions, and
//!   distribution-free intervals for a quantile and for a canary-vs-baseline
//!   percentile delta from samples, histograms and sketches alike.
//! - [`signed_rank`]: the Wilcoxon signed-rank test on paired differences (one
//!   value per side per tick), exact and asymptotic.
//! - [`histogram`]: the rank test between two histograms of the inputs
//!   ([`crate::input::histogram`]).

mod exact;
pub mod histogram;
pub(crate) mod hodges_lehmann;
mod mann_whitney;
pub mod quantile;
pub(crate) mod ranks;
pub mod signed_rank;

/// (2·U for sorted `x` against sorted `y`, pooled tie term Σ(t³ − t)).
pub(crate) fn rank_summary(x: &[f64], y: &[f64]) -> (u128, u128) {
    let s = ranks::summarize(x, y, false);
    (s.twice_u, s.pooled_tie_term)
}

/// The Mann–Whitney test on binned data (see [`histogram::mann_whitney`]).
pub(crate) fn mann_whitney_bins(
    test: &MannWhitney,
    bins: &[(u64, u64)],
) -> Result<MannWhitneyResult, crate::Error> {
    test.compare_summary(ranks::summarize_bins(bins)?)
}

pub use mann_whitney::{
    AUTO_EXACT_MAX_PAIRS, Alternative, MannWhitney, MannWhitneyResult, Method, ShiftInterval,
};
