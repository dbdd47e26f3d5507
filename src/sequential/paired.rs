//! An anytime-valid sign test on tick-aligned pairs: a betting e-process on whether
//! each tick's canary value lies above its baseline value.
//!
//! Each tick brings one value per side that share the tick's load (latency under the
//! same traffic, errors out of the same burst). With no regression the pair is
//! exchangeable given the past, so the sign of d = canary − baseline is + or − with
//! probability ½ each (ties, d = 0, carry no evidence and are skipped). No Poisson
//! or independence model is assumed: bursts, drifts and heavy tails shared by the two
//! sides leave the test valid.
//!
//! For "higher is worse", the wealth of a constant bet λ ∈ (0, 1) on "+" after k
//! plus signs among n non-zero pairs is (1 + λ)^k (1 − λ)^(n−k); under the null
//! (P(+) ≤ ½ at every tick) each is a nonnegative supermartingale, and so is their
//! average over the grid λ_j = j/20, j = 1..19 — the e-process E_t. Ville's
//! inequality bounds P(∃t: E_t ≥ 1/α) by α, so the test may be checked after every
//! tick. The mixture needs no tuning: it is never worse than the best constant bet
//! of the grid by more than a factor 19. Pairs in a row on the bad side reach
//! E = 30 after 7 (enough for α = 0.05), 170 after 10 (α = 0.01) and 1,028 after 13
//! (α = 0.001): a short canary cannot fail earlier, however large the regression.
//! "Lower is worse" bets on "−"; "either" averages the two e-processes.
//!
//! The confidence sequence is for the median θ of the differences: θ is excluded
//! once the same e-process run on the signs of d − θ reaches 1/α, so its ends are
//! order statistics of the differences seen (each end at level 1 − α; α/2 each for
//! [`Direction::Either`]). The test rejects when E ≥ 1/α with the sequence on the
//! bad side of 0, and accepts once the sequence lies inside the margin
//! ([`Margin::Absolute`] in the data's units, or [`Margin::Relative`] to the
//! baseline's running mean). Memory: the differences, 8 bytes per pair.
//!
//! # Tails ([`SignTestBuilder::with_tails`])
//! A heavier upper tail (a few requests much slower) moves few signs. With tails on,
//! the test also bets on the signs of the pairs whose relative spread
//! r = |c − b| / (|c| + |b|) is large: for each level q ∈ {0.8, 0.95}, a pair is
//! selected when its r exceeds the order statistic of rank ⌊q·m⌋ of the m spreads
//! seen before it (once m ≥ 1/(1 − q)), and the same mixture of constant bets runs on
//! the selected pairs' signs. r does not change when a pair's two values swap, so
//! under the null the selected signs are still fair coins given the past, and each
//! selected-sign wealth is a nonnegative supermartingale. The e-process is the
//! average ½ E(all signs) + ¼ E(q = 0.8) + ¼ E(q = 0.95): valid by the same
//! argument, never below half of the plain test's (about one more pair in a row to
//! reject), and far above it when a small share of pairs is much worse. With a zero
//! margin a rejection by this e-process fails the check; the confidence sequence
//! stays the median's (the tails say nothing about the median, so with a margin the
//! tail bets do not decide). Memory: 8 more bytes per pair.
//!
//! # Example
//! ```
//! use canary_judge::{Alpha, Direction};
//! use canary_judge::sequential::{paired::SignTest, SequentialTest, Signal};
//! let mut test = SignTest::new(Alpha::FIVE_PERCENT, Direction::HigherIsWorse)?;
//! let mut decision = Signal::Continue;
//! for tick in 0..12 {
//!     // The canary is 10% slower than the baseline under the same load.
//!     let load = 100.0 + 40.0 * ((tick * 7) % 5) as f64;
//!     test.update(&[load], &[load * 1.1])?;
//!     decision = test.check().decision;
//! }
//! assert_eq!(decision, Signal::Reject);
//! # Ok::<(), canary_judge::Error>(())
//! ```

use super::means::{check_finite, fold_signed, within_margin};
use super::{Monitor, Report, SequentialTest, check_margin};
use crate::check::pool::Multiset;
use crate::num::special::ln_mean_exp;
use crate::{Alpha, Direction, Error, Margin};

/// The constant bets averaged: λ_j = j/20 for j = 1..19.
const BETS: usize = 19;

/// ln(1 + λ_j) and ln(1 − λ_j) for the grid, computed once per process.
struct Bets {
    win: [f64; BETS],
    lose: [f64; BETS],
}

impl Bets {
    /// The grid's logs, computed once per process.
    fn grid() -> &'static Self {
        static GRID: std::sync::OnceLock<Bets> = std::sync::OnceLock::new();
        GRID.get_or_init(Self::new)
    }

    fn new() -> Self {
        let mut bets = Self {
            win: [0.0; BETS],
            lose: [0.0; BETS],
        };
        for j in 0..BETS {
            let lambda = (j + 1) as f64 / (BETS + 1) as f64;
            bets.win[j] = lambda.ln_1p();
            bets.lose[j] = (-lambda).ln_1p();
        }
        bets
    }

    /// ln of the mixture wealth after `k` wins among `n` bets:
    /// ln((1/19) Σ_j (1 + λ_j)^k (1 − λ_j)^(n−k)), by log-sum-exp.
    fn ln_wealth(&self, k: u64, n: u64) -> f64 {
        let (k, l) = (k as f64, n.saturating_sub(k) as f64);
        let mut terms = [0.0f64; BETS];
        for (j, t) in terms.iter_mut().enumerate() {
            *t = k * self.win[j] + l * self.lose[j];
        }
        ln_mean_exp(&terms)
    }
}

/// The first i in [0, last] where the monotone (false then true) `pred` holds;
/// `pred(last)` must hold.
fn first_true(last: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, last);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// Tick-aligned pairs as the paired tests keep them: the differences canary −
/// baseline as a sorted multiset (−0 folded into +0) and the baseline's running sum
/// and count (the level a relative margin is a fraction of); optionally, for the
/// signed-rank check with tails, each pair's signed relative spread
/// (c − b)/(|c| + |b|) in arrival order. Memory: 8 bytes a pair, 16 with spreads.
/// Serialises as the sorted differences, the sum, the count and the spreads if
/// kept; loading checks that they are finite, the differences sorted, and the
/// spreads in [−1, 1], one per difference.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "StoredPairs", into = "StoredPairs")
)]
pub(crate) struct Pairs {
    differences: Multiset,
    baseline_sum: f64,
    baseline_n: u64,
    spreads: Option<Vec<f64>>,
}

/// The saved form of [`Pairs`].
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredPairs {
    #[serde(with = "crate::serde_float::vec")]
    differences: Vec<f64>,
    #[serde(with = "crate::serde_float")]
    baseline_sum: f64,
    baseline_n: u64,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_float::option_vec"
    )]
    spreads: Option<Vec<f64>>,
}

#[cfg(feature = "serde")]
impl From<Pairs> for StoredPairs {
    fn from(p: Pairs) -> Self {
        Self {
            differences: p.differences.to_sorted(),
            baseline_sum: p.baseline_sum,
            baseline_n: p.baseline_n,
            spreads: p.spreads,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<StoredPairs> for Pairs {
    type Error = Error;
    fn try_from(s: StoredPairs) -> Result<Self, Error> {
        check_finite(&s.differences)?;
        let differences = load_sorted("stored paired differences", s.differences)?;
        check_sum(s.baseline_sum)?;
        if let Some(spreads) = &s.spreads {
            if spreads.len() != differences.len() {
                return Err(Error::Mismatch {
                    name: "stored relative spreads",
                    expected: "one per paired difference",
                    got: format!("{} for {} differences", spreads.len(), differences.len()),
                });
            }
            if let Some(&bad) = spreads.iter().find(|r| !(-1.0..=1.0).contains(*r)) {
                return Err(Error::InvalidParameter {
                    name: "stored relative spread",
                    expected: "within [-1, 1]",
                    value: bad,
                });
            }
        }
        Ok(Self {
            differences,
            baseline_sum: s.baseline_sum,
            baseline_n: s.baseline_n,
            spreads: s.spreads,
        })
    }
}

/// A saved multiset: its values sorted ascending (else an error naming `name`),
/// −0 folded into +0 as on insertion.
#[cfg(feature = "serde")]
fn load_sorted(name: &'static str, values: Vec<f64>) -> Result<Multiset, Error> {
    if values.windows(2).any(|w| w[0] > w[1]) {
        return Err(Error::Mismatch {
            name,
            expected: "sorted ascending",
            got: "values out of order".into(),
        });
    }
    Ok(Multiset::from_sorted(
        values.into_iter().map(|v| v + 0.0).collect(),
    ))
}

fn check_sum(sum: f64) -> Result<(), Error> {
    if sum.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name: "running sum of the baseline",
            expected: "finite",
            value: sum,
        })
    }
}

/// One tick's pairs, checked against a state and not yet added: what
/// [`Pairs::prepare`] returns and [`Pairs::commit`] adds. Checking first lets a
/// caller validate several updates before changing anything, without copying the
/// states it may have to leave unchanged.
#[derive(Debug, Clone)]
pub(crate) struct PendingPairs {
    pairs: Vec<(f64, f64)>,
    baseline_sum: f64,
}

impl Pairs {
    /// No pairs yet, keeping each pair's signed relative spread too
    /// ([`Pairs::largest_spreads`]).
    pub(crate) fn with_spreads() -> Self {
        Self {
            spreads: Some(Vec::new()),
            ..Self::default()
        }
    }

    /// Whether each pair's relative spread is kept.
    pub(crate) fn has_spreads(&self) -> bool {
        self.spreads.is_some()
    }

    /// Checks one tick's pairs ([`crate::input::tick_pairs`]: by position, or the
    /// two medians when the sides differ in length, none when a side is empty)
    /// against this state, changing nothing.
    ///
    /// # Errors
    /// - [`Error::NonFinite`] for a non-finite value or difference and
    ///   [`Error::InvalidParameter`] for a running sum that overflows.
    pub(crate) fn prepare(&self, baseline: &[f64], canary: &[f64]) -> Result<PendingPairs, Error> {
        check_finite(baseline)?;
        check_finite(canary)?;
        let pairs = crate::input::tick_pairs(baseline, canary);
        for &(b, c) in &pairs {
            check_finite(&[c - b])?;
        }
        let baseline_sum = self.baseline_sum + pairs.iter().map(|p| p.0).sum::<f64>();
        check_sum(baseline_sum)?;
        Ok(PendingPairs {
            pairs,
            baseline_sum,
        })
    }

    /// Adds pairs checked by [`Pairs::prepare`] on this same state. O(log n)
    /// comparisons per pair.
    pub(crate) fn commit(&mut self, pending: &PendingPairs) {
        for &(b, c) in &pending.pairs {
            self.differences.insert(c - b + 0.0); // −0 folded into +0
        }
        if let Some(spreads) = &mut self.spreads {
            spreads.extend(pending.pairs.iter().map(|&(b, c)| signed_spread(b, c)));
        }
        self.baseline_sum = pending.baseline_sum;
        self.baseline_n += pending.pairs.len() as u64;
    }

    /// [`Pairs::prepare`] then [`Pairs::commit`]: all or nothing.
    ///
    /// # Errors
    /// As [`Pairs::prepare`].
    pub(crate) fn push(&mut self, baseline: &[f64], canary: &[f64]) -> Result<(), Error> {
        let pending = self.prepare(baseline, canary)?;
        self.commit(&pending);
        Ok(())
    }

    /// The number of pairs.
    pub(crate) fn len(&self) -> usize {
        self.differences.len()
    }

    /// The baseline's running mean (None before any pair).
    pub(crate) fn baseline_mean(&self) -> Option<f64> {
        (self.baseline_n > 0).then(|| self.baseline_sum / self.baseline_n as f64)
    }

    /// The smallest and largest differences (None before any pair).
    pub(crate) fn extremes(&self) -> Option<(f64, f64)> {
        let n = self.differences.len();
        (n > 0).then(|| (self.differences.kth(0), self.differences.kth(n - 1)))
    }

    /// The median difference (None before any pair).
    pub(crate) fn median(&self) -> Option<f64> {
        self.differences.median()
    }

    /// The differences, sorted ascending.
    pub(crate) fn sorted(&self) -> Vec<f64> {
        self.differences.to_sorted()
    }

    /// The kept signed relative spreads whose magnitude is among the largest
    /// `share` of the non-zero ones (at least one), with every spread tied with the
    /// cutoff: the set depends on the magnitudes alone, never on the signs. Empty
    /// when the spreads are not kept or all are 0.
    pub(crate) fn largest_spreads(&self, share: f64) -> Vec<f64> {
        self.spreads
            .as_deref()
            .map_or_else(Vec::new, |s| largest_by_magnitude(s, share))
    }
}

/// The non-zero values whose magnitude is among the largest `share` of them (at
/// least one), with every value tied with the cutoff included.
fn largest_by_magnitude(values: &[f64], share: f64) -> Vec<f64> {
    let mut magnitudes: Vec<f64> = values
        .iter()
        .filter(|d| **d != 0.0)
        .map(|d| d.abs())
        .collect();
    if magnitudes.is_empty() {
        return Vec::new();
    }
    let k = ((share * magnitudes.len() as f64).ceil() as usize).clamp(1, magnitudes.len());
    let at = magnitudes.len() - k;
    let (_, &mut cutoff, _) = magnitudes.select_nth_unstable_by(at, f64::total_cmp);
    values
        .iter()
        .copied()
        .filter(|d| *d != 0.0 && d.abs() >= cutoff)
        .collect()
}

/// The signed relative spread (c − b)/(|c| + |b|) of a pair (0 when both are 0), in
/// [−1, 1]; swapping the pair flips its sign.
fn signed_spread(b: f64, c: f64) -> f64 {
    let scale = b.abs() + c.abs();
    if scale > 0.0 {
        ((c - b) / scale).clamp(-1.0, 1.0)
    } else {
        0.0
    }
}

/// The tail levels q: a pair is bet on at level q when its relative spread exceeds
/// the q-quantile of the spreads before it.
const TAIL_LEVELS: [f64; 2] = [0.8, 0.95];

/// The relative spread |c − b| / (|c| + |b|) of a pair (0 when both are 0): the same
/// for (b, c) and (c, b), in [0, 1].
fn spread(b: f64, c: f64) -> f64 {
    signed_spread(b, c).abs()
}

/// The tail bets' state: every pair's relative spread, and per tail level the signs
/// of the pairs selected at it (see the module docs).
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "StoredTails", into = "StoredTails")
)]
pub(crate) struct Tails {
    spreads: Multiset,
    /// Per level: selected pairs with d > 0 and with d < 0.
    selected: [(u64, u64); TAIL_LEVELS.len()],
}

/// The saved form of [`Tails`].
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredTails {
    #[serde(with = "crate::serde_float::vec")]
    spreads: Vec<f64>,
    selected: [(u64, u64); TAIL_LEVELS.len()],
}

#[cfg(feature = "serde")]
impl From<Tails> for StoredTails {
    fn from(t: Tails) -> Self {
        Self {
            spreads: t.spreads.to_sorted(),
            selected: t.selected,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<StoredTails> for Tails {
    type Error = Error;
    fn try_from(s: StoredTails) -> Result<Self, Error> {
        if let Some(&bad) = s.spreads.iter().find(|r| !(0.0..=1.0).contains(*r)) {
            return Err(Error::InvalidParameter {
                name: "stored relative spreads",
                expected: "in [0, 1]",
                value: bad,
            });
        }
        let m = s.spreads.len() as u64;
        let spreads = load_sorted("stored relative spreads", s.spreads)?;
        if let Some((up, down)) = s
            .selected
            .iter()
            .find(|(up, down)| up.checked_add(*down).is_none_or(|n| n > m))
        {
            return Err(Error::Mismatch {
                name: "stored tail selections",
                expected: "at most one per pair seen",
                got: format!("{up} + {down} selected of {m} pairs"),
            });
        }
        Ok(Self {
            spreads,
            selected: s.selected,
        })
    }
}

impl Tails {
    /// Adds pairs in order (already checked finite). O(log m) per pair.
    fn push(&mut self, pairs: &[(f64, f64)]) {
        for &(b, c) in pairs {
            let r = spread(b, c);
            let m = self.spreads.len();
            let d = c - b;
            for (q, sel) in TAIL_LEVELS.iter().zip(&mut self.selected) {
                let warm = m as f64 >= 1.0 / (1.0 - q) - 1e-9;
                if warm && d != 0.0 {
                    let rank = ((q * m as f64) as usize).min(m - 1);
                    if r > self.spreads.kth(rank) {
                        if d > 0.0 {
                            sel.0 += 1;
                        } else {
                            sel.1 += 1;
                        }
                    }
                }
            }
            self.spreads.insert(r + 0.0);
        }
    }
}

/// The sign test's state: see the [module docs](self). Serialises as its
/// configuration, its pairs (see `Pairs`) and the monitor; loading checks them
/// (finite, sorted, α and margin valid).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct SignTest {
    direction: Direction,
    margin: Margin,
    pairs: Pairs,
    /// The tail bets, when on.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    tails: Option<Tails>,
    monitor: Monitor,
    /// The fewest wins reaching the bar at the last check (derived, never saved).
    #[cfg_attr(feature = "serde", serde(skip))]
    bar: BarCache,
}

/// (pairs, k_min) at the last check: k_min never decreases as pairs come (each new
/// pair multiplies every constant bet's wealth at a fixed number of wins by
/// 1 − λ < 1), so the next check searches up from it, O(1) amortised, instead of
/// bisecting. Derived data: always equal, rebuilt after loading.
#[derive(Debug, Clone, Copy, Default)]
struct BarCache(Option<(usize, usize)>);

impl PartialEq for BarCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

validated_serde!(SignTest);

impl crate::validated::Validate for SignTest {
    /// The parts validate as they load (margin, pairs, tails, monitor); the tails
    /// must have seen as many pairs as the test.
    fn validate(&self) -> Result<(), Error> {
        check_margin(self.margin)?;
        match &self.tails {
            Some(t) if t.spreads.len() != self.pairs.len() => Err(Error::Mismatch {
                name: "stored relative spreads",
                expected: "one per pair",
                got: format!("{} for {} pairs", t.spreads.len(), self.pairs.len()),
            }),
            _ => Ok(()),
        }
    }
}

/// The settings of a [`SignTest`], each set by name and none checked until
/// [`build`](Self::build), which checks them all at once; a `Copy` template.
///
/// Defaults: α = 5%, margin 0, no tail bets.
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct SignTestBuilder {
    direction: Direction,
    alpha: Alpha,
    margin: Margin,
    tails: bool,
}

impl SignTestBuilder {
    /// The level α (default 5%).
    pub fn alpha(mut self, alpha: Alpha) -> Self {
        self.alpha = alpha;
        self
    }

    /// The tolerated change of the median difference: [`Margin::Absolute`] in the
    /// data's units, [`Margin::Relative`] a fraction of |the baseline's running
    /// mean| at each check.
    pub fn margin(mut self, margin: Margin) -> Self {
        self.margin = margin;
        self
    }

    /// Also bets on the signs of the pairs with the largest relative spreads (see
    /// [Tails](self#tails-signtestbuilderwith_tails)), for heavier tails.
    ///
    /// # Example
    /// ```
    /// use canary_judge::Direction;
    /// use canary_judge::rng::SplitMix64;
    /// use canary_judge::sequential::{paired::SignTest, SequentialTest, Signal};
    /// // One canary value in ten is three times slower; the rest match the baseline.
    /// let mut rng = SplitMix64::new(1);
    /// let mut test = SignTest::builder(Direction::HigherIsWorse).with_tails().build()?;
    /// let mut signal = Signal::Continue;
    /// for tick in 0..300 {
    ///     let load = 100.0 * (0.3 * rng.normal()).exp();
    ///     let base = load * (0.1 * rng.normal()).exp();
    ///     let mut canary = load * (0.1 * rng.normal()).exp();
    ///     if tick % 10 == 0 {
    ///         canary *= 3.0;
    ///     }
    ///     test.update(&[base], &[canary])?;
    ///     signal = test.check().decision;
    ///     if signal == Signal::Reject {
    ///         break;
    ///     }
    /// }
    /// assert_eq!(signal, Signal::Reject);
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn with_tails(mut self) -> Self {
        self.tails = true;
        self
    }

    /// The test, with no pairs.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`], naming the field, unless the margin's value is
    /// finite and ≥ 0.
    pub fn build(self) -> Result<SignTest, Error> {
        let test = SignTest {
            direction: self.direction,
            margin: self.margin,
            pairs: Pairs::default(),
            tails: self.tails.then(Tails::default),
            monitor: Monitor::new(self.alpha)?,
            bar: BarCache::default(),
        };
        crate::validated::Validate::validated(test)
    }
}

impl SignTest {
    /// A test at level `alpha` in `direction`, margin 0, no tail bets:
    /// `SignTest::builder(direction).alpha(alpha).build()`.
    ///
    /// # Errors
    /// None for a validated [`Alpha`]; fallible like every builder's `build`.
    pub fn new(alpha: Alpha, direction: Direction) -> Result<Self, Error> {
        Self::builder(direction).alpha(alpha).build()
    }

    /// The settings of a test in `direction`, at their defaults, to be changed by
    /// name and checked once by [`SignTestBuilder::build`].
    pub fn builder(direction: Direction) -> SignTestBuilder {
        SignTestBuilder {
            direction,
            alpha: Alpha::FIVE_PERCENT,
            margin: Margin::default(),
            tails: false,
        }
    }

    /// Whether the tail bets are on.
    pub fn has_tails(&self) -> bool {
        self.tails.is_some()
    }

    /// Adds one tick's values. Sides of equal length pair by position
    /// (`baseline[i]` with `canary[i]`); sides of different lengths give one pair,
    /// the two sides' medians (so per-request values with unequal counts still pair
    /// by tick); a side with nothing this tick gives no pair. Each rule treats the
    /// two sides alike, so exchangeable sides give differences symmetric about 0.
    /// O(log n) comparisons per pair.
    ///
    /// # Errors
    /// - [`Error::NonFinite`] for a non-finite value or difference and
    ///   [`Error::InvalidParameter`] for a running sum that overflows; the state is
    ///   unchanged.
    pub fn update(&mut self, baseline: &[f64], canary: &[f64]) -> Result<(), Error> {
        let pending = self.pairs.prepare(baseline, canary)?;
        self.commit(&pending);
        Ok(())
    }

    /// Checks one tick's pairs against this test, changing nothing.
    ///
    /// # Errors
    /// As [`SignTest::update`].
    pub(crate) fn prepare(&self, baseline: &[f64], canary: &[f64]) -> Result<PendingPairs, Error> {
        self.pairs.prepare(baseline, canary)
    }

    /// Adds pairs checked by [`SignTest::prepare`] on this same state.
    pub(crate) fn commit(&mut self, pending: &PendingPairs) {
        self.pairs.commit(pending);
        if let Some(t) = &mut self.tails {
            t.push(&pending.pairs);
        }
    }

    /// The number of pairs seen.
    pub fn pairs(&self) -> usize {
        self.pairs.len()
    }

    /// The baseline's running mean (None before any pair): the level a relative
    /// margin is a fraction of.
    pub fn baseline_mean(&self) -> Option<f64> {
        self.pairs.baseline_mean()
    }

    /// The median of the differences canary − baseline (None before any pair).
    pub fn median_difference(&self) -> Option<f64> {
        self.pairs.median()
    }

    /// ln E of the direction's e-process on the signs of the differences (zeros
    /// skipped).
    pub fn log_e_value(&self) -> f64 {
        self.log_e_with(Bets::grid())
    }

    fn log_e_with(&self, bets: &Bets) -> f64 {
        self.weighted(|up, down| self.signs_log_e(bets, up, down))
    }

    /// The e-process's mixture of bet sets, given each set's ln wealth `ln_e(up,
    /// down)` from its plus and minus signs: all signs alone, or with tails on
    /// ½ E(all signs) + (½ / L) Σ_q E(signs selected at q), as a mean of 2L terms.
    fn weighted(&self, ln_e: impl Fn(u64, u64) -> f64) -> f64 {
        let (below, equal) = self.pairs.differences.below_and_equal(0.0);
        let above = self.pairs.differences.len() - below - equal;
        let signs = ln_e(above as u64, below as u64);
        match &self.tails {
            None => signs,
            Some(t) => {
                let mut terms = [signs; 2 * TAIL_LEVELS.len()];
                for (term, &(up, down)) in terms[TAIL_LEVELS.len()..].iter_mut().zip(&t.selected) {
                    *term = ln_e(up, down);
                }
                ln_mean_exp(&terms)
            }
        }
    }

    /// ln E of the direction's mixture on `up` plus and `down` minus signs.
    fn signs_log_e(&self, bets: &Bets, up: u64, down: u64) -> f64 {
        let ln_wealth = |k, n| bets.ln_wealth(k, n);
        let n = up + down;
        match self.direction {
            Direction::HigherIsWorse => ln_wealth(up, n),
            Direction::LowerIsWorse => ln_wealth(down, n),
            Direction::Either => ln_mean_exp(&[ln_wealth(up, n), ln_wealth(down, n)]),
        }
    }

    /// Whether the evidence points up: the side whose bets (on all signs, and on
    /// the tails when on, weighted as in the e-process) have won more.
    pub fn rejects_up(&self) -> bool {
        self.evidence_up(Bets::grid())
    }

    fn evidence_up(&self, bets: &Bets) -> bool {
        let up = self.weighted(|up, down| bets.ln_wealth(up, up + down));
        let down = self.weighted(|up, down| bets.ln_wealth(down, up + down));
        up >= down
    }

    /// The confidence sequence's ends at this check. For θ between d_(i−1) and
    /// d_(i) (sorted, 0-based), i differences lie below θ and n − i above; with
    /// k_min the fewest wins whose wealth reaches the bar, the ends are
    /// d_(n − k_min) and d_(k_min − 1) (±∞ while no k reaches it).
    fn interval(&mut self, bets: &Bets) -> (f64, f64) {
        let ln_wealth = |k, n| bets.ln_wealth(k, n);
        let n = self.pairs.differences.len();
        let alpha = self.monitor.alpha();
        let side = if self.direction == Direction::Either {
            alpha / 2.0
        } else {
            alpha
        };
        let bar = -side.ln();
        let nn = n as u64;
        // W(k, n) grows with k: the fewest wins among n that reach the bar (n + 1
        // when none do). θ in gap i has n − i differences above it and i below, so
        // "+" bets exclude gaps i ≤ n − k_min and "−" bets gaps i ≥ k_min.
        let reaches = |k: usize| k > n || ln_wealth(k as u64, nn) >= bar;
        let k_min = match self.bar.0 {
            Some((seen, k0)) if seen <= n => (k0..).find(|&k| reaches(k)).unwrap_or(n + 1),
            _ => first_true(n + 1, reaches),
        };
        self.bar.0 = Some((n, k_min));
        let (lower, upper) = if k_min > n {
            (f64::NEG_INFINITY, f64::INFINITY)
        } else {
            (
                self.pairs.differences.kth(n - k_min),
                self.pairs.differences.kth(k_min - 1),
            )
        };
        (lower, upper)
    }
}

impl SequentialTest for SignTest {
    fn check(&mut self) -> Report {
        let bets = Bets::grid();
        let log_e = self.log_e_with(bets);
        let interval = self.interval(bets);
        let margin = self.margin.resolve(self.baseline_mean());
        if self.tails.is_none() {
            return fold_signed(&mut self.monitor, (log_e, interval), self.direction, margin);
        }
        // The tail bets can cross while the median's sequence still holds 0: every
        // bet is on a bad side, so crossing the bar is a rejection (its side, for
        // "either", is `rejects_up`).
        let direction = self.direction;
        self.monitor.fold(
            log_e,
            interval,
            |_, _| true,
            |lo, hi| within_margin(direction, margin, lo, hi),
        )
    }

    fn last_report(&self) -> Report {
        self.monitor.last()
    }
}

#[cfg(test)]
mod tests {
    use super::largest_by_magnitude;

    /// The values of largest magnitude: the top ⌈share⌉ of the non-zero ones, every
    /// value tied with the cutoff included, and the same magnitudes whatever the signs.
    #[test]
    fn largest_by_magnitude_depends_on_magnitudes_only() {
        let d: Vec<f64> = (1..=40).map(f64::from).collect();
        // 5% of 40 non-zero differences: the 2 largest.
        assert_eq!(largest_by_magnitude(&d, 0.05), [39.0, 40.0]);
        // Zeros are not counted; 41 non-zero values → ⌈2.05⌉ = 3.
        let mut with_zeros = d.clone();
        with_zeros.extend([0.0, 0.0, 41.0]);
        assert_eq!(largest_by_magnitude(&with_zeros, 0.05), [39.0, 40.0, 41.0]);
        // A tie at the cutoff takes every tied pair, whatever its sign.
        let tied = [-40.0, 1.0, 2.0, 3.0, 40.0, 5.0, 6.0, -38.0, 38.0, 7.0];
        let mut got = largest_by_magnitude(&tied, 0.05);
        got.sort_by(f64::total_cmp);
        assert_eq!(got, [-40.0, 40.0]);
        for flips in 0u32..64 {
            let flipped: Vec<f64> = d
                .iter()
                .enumerate()
                .map(|(i, v)| if flips >> (i % 6) & 1 == 1 { -v } else { *v })
                .collect();
            let mut mags: Vec<f64> = largest_by_magnitude(&flipped, 0.1)
                .iter()
                .map(|v| v.abs())
                .collect();
            mags.sort_by(f64::total_cmp);
            assert_eq!(mags, [37.0, 38.0, 39.0, 40.0], "flips {flips:b}");
        }
        assert!(largest_by_magnitude(&[0.0, 0.0], 0.05).is_empty());
    }
}
