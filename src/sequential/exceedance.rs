//! An anytime-valid test of a heavier upper tail: within each tick, the share of the
//! canary's points above a high order statistic of the baseline's points of the same
//! tick, bet against its exact null value.
//!
//! With the tick's n baseline points and a canary point drawn from the same
//! distribution (the tick's points exchangeable given the past), the canary point
//! lies above the baseline's r-th smallest value with probability exactly
//! q = (n + 1 − r)/(n + 1), whatever the distribution, ties broken against the canary
//! (a tie does not count as above). The test takes r = ⌈p·(n + 1)⌉ for the tail
//! quantile p (0.95 by default), so q ≈ 1 − p, and the tick's share Y of canary
//! points above it has null mean at most q, even though the canary points share one
//! threshold. A heavier canary tail raises Y while the median may stay put: the
//! rank and sign tests miss that, this one does not.
//!
//! The e-process is the average over λ_j = (j/20)/q, j = 1..19, of
//! Π_t (1 + λ_j (Y_t − q_t)): each factor is nonnegative (λ_j q_t < 1) and has
//! expectation at most 1 under the null, so by Ville's inequality it may be checked
//! after every tick (P(ever ≥ 1/α) ≤ α). Ticks with fewer than ⌈1/(1 − p)⌉ baseline
//! points (no order statistic that high) or no canary point carry no evidence and
//! are skipped. State: the 19 running log-wealths, O(1) per tick after the tick's
//! O(n log n) sort.
//!
//! # Example
//! ```
//! use canary_judge::Alpha;
//! use canary_judge::sequential::{exceedance::TailTest, SequentialTest, Signal};
//! let mut test = TailTest::new(Alpha::FIVE_PERCENT, 0.95)?;
//! let base: Vec<f64> = (1..=40).map(f64::from).collect();
//! // 10% of the canary's points beyond everything the baseline shows.
//! let canary: Vec<f64> = (1..=40).map(|i| if i % 10 == 0 { 1e3 } else { f64::from(i) }).collect();
//! let mut decision = Signal::Continue;
//! for _ in 0..30 {
//!     test.update(&base, &canary)?;
//!     decision = test.check().decision;
//! }
//! assert_eq!(decision, Signal::Reject);
//! # Ok::<(), canary_judge::Error>(())
//! ```

use super::means::check_finite;
use super::{Monitor, Report, SequentialTest, check_unit};
use crate::{Alpha, Error};

const BETS: usize = 19;

/// The tail test's state: see the [module docs](self).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct TailTest {
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    p: f64,
    /// ln of each constant bet's wealth; the bet is λ_j = (j/20)/q_t at tick t.
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float::vec"))]
    ln_wealth: Vec<f64>,
    /// Ticks that carried evidence.
    ticks: u64,
    monitor: Monitor,
}

validated_serde!(TailTest);

impl crate::validated::Validate for TailTest {
    /// p in (0, 1), one wealth per bet, each finite or −∞ (a bet that lost all).
    fn validate(&self) -> Result<(), Error> {
        check_unit("tail quantile p", self.p)?;
        if self.ln_wealth.len() != BETS
            || self
                .ln_wealth
                .iter()
                .any(|w| w.is_nan() || *w == f64::INFINITY)
        {
            return Err(Error::Mismatch {
                name: "stored tail-test wealths",
                expected: "19 values, each finite or -inf",
                got: format!("{} values", self.ln_wealth.len()),
            });
        }
        Ok(())
    }
}

impl TailTest {
    /// A test at level `alpha` of whether more canary points than under the null lie
    /// above the baseline's `p` quantile (e.g. 0.95 or 0.99) within a tick.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] unless 0 < p < 1.
    pub fn new(alpha: Alpha, p: f64) -> Result<Self, Error> {
        check_unit("tail quantile p", p)?;
        Ok(Self {
            p,
            ln_wealth: vec![0.0; BETS],
            ticks: 0,
            monitor: Monitor::new(alpha)?,
        })
    }

    /// Adds one tick: the baseline's and the canary's points of the same tick.
    /// O(n log n) for the baseline's sort, O(m) for the canary.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] for a non-finite value; the state is unchanged.
    pub fn update(&mut self, baseline: &[f64], canary: &[f64]) -> Result<(), Error> {
        check_finite(baseline)?;
        check_finite(canary)?;
        let n = baseline.len();
        // r = ⌈p (n + 1)⌉ must be a rank of the baseline (≤ n) for a usable bar.
        let r = (self.p * (n as f64 + 1.0)).ceil() as usize;
        if canary.is_empty() || r == 0 || r > n {
            return Ok(());
        }
        let mut sorted = baseline.to_vec();
        sorted.sort_by(f64::total_cmp);
        let bar = sorted[r - 1];
        let q = (n + 1 - r) as f64 / (n as f64 + 1.0);
        let above = canary.iter().filter(|&&c| c > bar).count();
        let y = above as f64 / canary.len() as f64;
        for (j, w) in self.ln_wealth.iter_mut().enumerate() {
            let lambda = (j + 1) as f64 / (BETS + 1) as f64 / q;
            *w += (lambda * (y - q)).ln_1p();
        }
        self.ticks += 1;
        Ok(())
    }

    /// The baseline's tail quantile p the test bets above.
    pub fn p(&self) -> f64 {
        self.p
    }

    /// The number of ticks that carried evidence.
    pub fn ticks(&self) -> u64 {
        self.ticks
    }

    /// ln E: the log of the average wealth of the bets.
    pub fn log_e_value(&self) -> f64 {
        crate::num::special::ln_mean_exp(&self.ln_wealth)
    }
}

impl SequentialTest for TailTest {
    /// Rejects once E ≥ 1/α; never accepts (the test has no confidence sequence: its
    /// sequence is reported unbounded).
    fn check(&mut self) -> Report {
        let log_e = self.log_e_value().max(-1e300);
        self.monitor.fold(
            log_e,
            (f64::NEG_INFINITY, f64::INFINITY),
            |_, _| true,
            |_, _| false,
        )
    }

    fn last_report(&self) -> Report {
        self.monitor.last()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_and_its_null_share_are_exact() {
        // n = 19 baseline points, p = 0.95: r = 19, the maximum; q = 1/20.
        let mut t = TailTest::new(Alpha::FIVE_PERCENT, 0.95).unwrap();
        let base: Vec<f64> = (1..=19).map(f64::from).collect();
        t.update(&base, &[20.0, 19.0, 5.0, 30.0]).unwrap(); // 2 of 4 above 19
        let q = 1.0 / 20.0;
        let want: Vec<f64> = (1..=19)
            .map(|j| (f64::from(j) / 20.0 / q * (0.5 - q)).ln_1p())
            .collect();
        assert_eq!(t.ln_wealth, want);
        // Too few baseline points for the 95th percentile: no evidence.
        t.update(&base[..10], &[100.0]).unwrap();
        assert_eq!(t.ticks(), 1);
    }
}
