//! A mergeable quantile sketch with a relative-error guarantee (DDSketch, Masson, Rim
//! and Lee, VLDB 2019), in our own code.
//!
//! A positive value v goes to bin k = ⌈ln v / ln γ⌉ with γ = (1 + α)/(1 − α); every
//! value in bin k lies in (γ^(k−1), γ^k], and the bin's representative 2γ^k/(γ + 1)
//! is within relative error α of each of them. Negative values use a mirrored store;
//! values with |v| below the smallest normal f64 count as zero. A quantile is the
//! representative of the bin holding the order statistic of rank ⌊q·(n − 1)⌋, so it
//! is within relative error α of that exact order statistic.
//!
//! Memory is bounded: each store keeps at most `max_bins` bins (default 2048, i.e.
//! about 16 KiB each). Values spanning a ratio R of magnitudes need ln R / ln γ bins:
//! at α = 1% the default covers R ≈ 10^17, at α = 0.1% only R ≈ 60; beyond that the lowest bins are folded into one, which only
//! costs accuracy for the smallest positive magnitudes (the highest negative ones),
//! far from the latency tails a canary cares about. Merging adds bins, so it is
//! associative and commutative.

use crate::Error;
use crate::compare::quantile::{Located, QuantileSource, Source, enclose_in_bins};

/// One side's bins: counts for keys `offset .. offset + bins.len()`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Store {
    offset: i32,
    bins: Vec<u64>,
    collapsed: bool,
}

impl Store {
    /// Adds `count` at `key`. When the keys would span more than `max_bins`, the
    /// lowest are folded into the lowest kept bin, as if the store had grown and
    /// then dropped its lowest bins, but without materialising the gap: a value
    /// far from the others costs O(max_bins), not O(distance).
    fn add(&mut self, key: i32, count: u64, max_bins: usize) {
        let max_bins = max_bins.max(1) as i64;
        if self.bins.is_empty() {
            self.offset = key;
            self.bins.push(0);
        }
        let key = if key < self.offset && self.collapsed {
            self.offset
        } else {
            key
        };
        let lo = i64::from(self.offset);
        let hi = lo + self.bins.len() as i64;
        let k = i64::from(key);
        let (new_lo, new_hi) = (lo.min(k), hi.max(k + 1));
        if new_hi - new_lo <= max_bins {
            if k < lo {
                let grow = (lo - k) as usize;
                self.bins.splice(0..0, std::iter::repeat_n(0, grow));
                self.offset = key;
            } else if k >= hi {
                self.bins.resize((k - lo) as usize + 1, 0);
            }
            let bin = &mut self.bins[(k - i64::from(self.offset)) as usize];
            *bin = bin.saturating_add(count);
            return;
        }
        // Keep the top max_bins keys of [new_lo, new_hi); fold the rest into the first.
        let window = new_hi - max_bins;
        let mut kept = vec![0u64; max_bins as usize];
        let mut folded = 0u64;
        for (i, &c) in self.bins.iter().enumerate() {
            match lo + i as i64 {
                at if at < window => folded = folded.saturating_add(c),
                at => kept[(at - window) as usize] = c,
            }
        }
        if k < window {
            folded = folded.saturating_add(count);
        } else {
            let bin = &mut kept[(k - window) as usize];
            *bin = bin.saturating_add(count);
        }
        kept[0] = kept[0].saturating_add(folded);
        self.bins = kept;
        // window > lo ≥ i32::MIN and window < new_hi ≤ i32::MAX + 1: it fits.
        self.offset = i32::try_from(window).unwrap_or(i32::MAX);
        self.collapsed = true;
    }

    fn total(&self) -> u64 {
        self.bins.iter().fold(0u64, |a, &c| a.saturating_add(c))
    }
}

/// A DDSketch-style quantile sketch (see the module documentation).
///
/// # Example
/// ```
/// use canary_judge::input::sketch::Sketch;
/// let mut s = Sketch::new(0.01)?;
/// for i in 1..=10_000 {
///     s.insert(i as f64);
/// }
/// let p99 = s.quantile(0.99)?.unwrap();
/// assert!((p99 - 9900.0).abs() <= 0.01 * 9900.0);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(remote = "Self")
)]
pub struct Sketch {
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    alpha: f64,
    max_bins: usize,
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_float"))]
    ln_gamma: f64,
    positive: Store,
    negative: Store,
    zero: u64,
    count: u64,
}

validated_serde!(Sketch);

impl crate::validated::Validate for Sketch {
    /// The constructor's checks; γ's logarithm as the constructor computes it from α;
    /// each side at most `max_bins` bins with keys in the i32 range; the count equal to
    /// the zero bin plus every bin (saturating, as insertion counts).
    fn validate(&self) -> Result<(), Error> {
        let fresh = Self::with_max_bins(self.alpha, self.max_bins)?;
        let bad = |name: &'static str, expected: &'static str, value: f64| {
            Err(Error::InvalidParameter {
                name,
                expected,
                value,
            })
        };
        if fresh.ln_gamma.to_bits() != self.ln_gamma.to_bits() {
            return bad(
                "sketch ln gamma",
                "ln((1 + alpha) / (1 - alpha))",
                self.ln_gamma,
            );
        }
        let mut total = self.zero;
        for store in [&self.positive, &self.negative] {
            if store.bins.len() > self.max_bins {
                return bad(
                    "sketch bins per side",
                    "at most max_bins",
                    store.bins.len() as f64,
                );
            }
            if i64::from(store.offset) + store.bins.len() as i64 > i64::from(i32::MAX) {
                return bad(
                    "sketch bin offset",
                    "within the i32 key range",
                    f64::from(store.offset),
                );
            }
            total = store.bins.iter().fold(total, |a, &c| a.saturating_add(c));
        }
        if total != self.count {
            return bad(
                "sketch count",
                "the zero bin plus every bin",
                self.count as f64,
            );
        }
        Ok(())
    }
}

impl Sketch {
    /// A sketch with relative accuracy `alpha` and at most 2048 bins per sign.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] unless 10⁻⁶ ≤ alpha < 1.
    pub fn new(alpha: f64) -> Result<Self, Error> {
        Self::with_max_bins(alpha, 2048)
    }

    /// A sketch with relative accuracy `alpha` and at most `max_bins` bins per sign.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] unless 10⁻⁶ ≤ alpha < 1 and max_bins ≥ 1 (below
    ///   10⁻⁶ the bin indices of the largest and smallest f64 magnitudes would not
    ///   fit the index type, and the guarantee would fail there).
    pub fn with_max_bins(alpha: f64, max_bins: usize) -> Result<Self, Error> {
        if !(1e-6..1.0).contains(&alpha) {
            return Err(Error::InvalidParameter {
                name: "relative accuracy",
                expected: "within [1e-6, 1)",
                value: alpha,
            });
        }
        if max_bins == 0 {
            return Err(Error::InvalidParameter {
                name: "maximum bins",
                expected: "at least 1",
                value: 0.0,
            });
        }
        let gamma = (1.0 + alpha) / (1.0 - alpha);
        Ok(Self {
            alpha,
            max_bins,
            ln_gamma: gamma.ln(),
            positive: Store::default(),
            negative: Store::default(),
            zero: 0,
            count: 0,
        })
    }

    /// The relative accuracy α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Number of values inserted.
    pub fn count(&self) -> u64 {
        self.count
    }

    fn key(&self, magnitude: f64) -> i32 {
        let k = (magnitude.ln() / self.ln_gamma).ceil();
        k.clamp(f64::from(i32::MIN / 2), f64::from(i32::MAX / 2)) as i32
    }

    /// γ^key: the upper edge of bin `key` (saturating to 0 and ∞).
    fn edge(&self, key: i32) -> f64 {
        (f64::from(key) * self.ln_gamma).exp()
    }

    /// Every bin as (lower edge, upper edge, count), lowest values first. A folded
    /// lowest-magnitude bin reaches 0; the zero bin is [0, 0].
    fn edges(&self) -> impl Iterator<Item = (f64, f64, u64)> + '_ {
        let negative = self
            .magnitude_bins(&self.negative)
            .rev()
            .map(|(lo, hi, c)| (-hi, -lo, c));
        negative
            .chain(std::iter::once((0.0, 0.0, self.zero)))
            .chain(self.magnitude_bins(&self.positive))
    }

    /// One store's bins as (lowest magnitude, highest magnitude, count).
    fn magnitude_bins<'a>(
        &'a self,
        store: &'a Store,
    ) -> impl DoubleEndedIterator<Item = (f64, f64, u64)> + 'a {
        store.bins.iter().enumerate().map(move |(i, &c)| {
            let key = store.offset + i as i32;
            let low = if store.collapsed && i == 0 {
                0.0
            } else {
                self.edge(key - 1)
            };
            (low, self.edge(key), c)
        })
    }

    fn value(&self, key: i32) -> f64 {
        let gamma = self.ln_gamma.exp();
        (self.edge(key) * 2.0 / (gamma + 1.0)).min(f64::MAX)
    }

    /// Adds one value. NaN is ignored (and not counted); ±infinity is clamped to
    /// ±f64::MAX.
    pub fn insert(&mut self, value: f64) {
        if value.is_nan() {
            return;
        }
        let v = value.clamp(-f64::MAX, f64::MAX);
        if v.abs() < f64::MIN_POSITIVE {
            self.zero = self.zero.saturating_add(1);
        } else if v > 0.0 {
            let k = self.key(v);
            self.positive.add(k, 1, self.max_bins);
        } else {
            let k = self.key(-v);
            self.negative.add(k, 1, self.max_bins);
        }
        self.count = self.count.saturating_add(1);
    }

    /// Adds every value of another sketch with the same accuracy and bin limit.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if the two sketches' α or bin limits differ.
    pub fn merge(&mut self, other: &Sketch) -> Result<(), Error> {
        if self.alpha != other.alpha || self.max_bins != other.max_bins {
            return Err(Error::InvalidParameter {
                name: "relative accuracy of the merged sketch",
                expected: "equal to this sketch's (and the same bin limit)",
                value: other.alpha,
            });
        }
        for (store, theirs) in [
            (&mut self.positive, &other.positive),
            (&mut self.negative, &other.negative),
        ] {
            store.collapsed |= theirs.collapsed;
            for (i, &c) in theirs.bins.iter().enumerate() {
                if c > 0 {
                    store.add(theirs.offset + i as i32, c, self.max_bins);
                }
            }
        }
        self.zero = self.zero.saturating_add(other.zero);
        self.count = self.count.saturating_add(other.count);
        Ok(())
    }

    /// The q-quantile: within relative error α of the exact order statistic of rank
    /// ⌊q·(n − 1)⌋ (0-based), unless that value lies in a folded bin. `None` when
    /// the sketch is empty.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] if q is NaN or outside [0, 1].
    pub fn quantile(&self, q: f64) -> Result<Option<f64>, Error> {
        if !(0.0..=1.0).contains(&q) {
            return Err(Error::InvalidParameter {
                name: "quantile",
                expected: "within [0, 1]",
                value: q,
            });
        }
        if self.count == 0 {
            return Ok(None);
        }
        let rank = (q * (self.count - 1) as f64).floor() as u64;
        // Negative values, most negative first: highest keys first.
        let mut seen = 0u64;
        let neg_total = self.negative.total();
        if rank < neg_total {
            for (i, &c) in self.negative.bins.iter().enumerate().rev() {
                seen = seen.saturating_add(c);
                if seen > rank {
                    return Ok(Some(-self.value(self.negative.offset + i as i32)));
                }
            }
        }
        seen = neg_total;
        if rank < seen.saturating_add(self.zero) {
            return Ok(Some(0.0));
        }
        seen = seen.saturating_add(self.zero);
        for (i, &c) in self.positive.bins.iter().enumerate() {
            seen = seen.saturating_add(c);
            if seen > rank {
                return Ok(Some(self.value(self.positive.offset + i as i32)));
            }
        }
        // Unreachable while the counts are consistent; the largest bin otherwise.
        Ok(self
            .positive
            .bins
            .len()
            .checked_sub(1)
            .map(|i| self.value(self.positive.offset + i as i32)))
    }
}

impl QuantileSource for Sketch {}

impl Source for Sketch {
    fn observations(&self) -> Result<u64, Error> {
        Ok(self.count)
    }

    fn locate_quantile(&self, p: f64, ranks: Option<(u64, u64)>) -> Result<Located, Error> {
        Ok(Located {
            estimate: self.quantile(p)?,
            bounds: ranks.and_then(|(l, u)| enclose_in_bins(self.edges(), l, u)),
        })
    }
}

#[cfg(test)]
mod store_tests {
    use super::Store;
    use crate::num::rng::SplitMix64;

    /// The straightforward store: grow to hold the key, then drop the lowest bins
    /// beyond `max_bins` into the lowest kept one.
    fn reference_add(s: &mut Store, key: i32, count: u64, max_bins: usize) {
        if s.bins.is_empty() {
            s.offset = key;
            s.bins.push(0);
        }
        let key = if key < s.offset && s.collapsed {
            s.offset
        } else {
            key
        };
        if key < s.offset {
            let grow = (s.offset - key) as usize;
            s.bins.splice(0..0, std::iter::repeat_n(0, grow));
            s.offset = key;
        } else if key >= s.offset + s.bins.len() as i32 {
            s.bins.resize((key - s.offset) as usize + 1, 0);
        }
        let bin = &mut s.bins[(key - s.offset) as usize];
        *bin = bin.saturating_add(count);
        if s.bins.len() > max_bins {
            let excess = s.bins.len() - max_bins;
            let folded = s
                .bins
                .drain(..excess)
                .fold(0u64, |a, c| a.saturating_add(c));
            s.bins[0] = s.bins[0].saturating_add(folded);
            s.offset += excess as i32;
            s.collapsed = true;
        }
    }

    /// Folding without materialising the gap gives exactly the straightforward
    /// store's bins, offset and collapse flag, key by key.
    #[test]
    fn folding_equals_growing_then_dropping() {
        let mut g = SplitMix64::new(99);
        for round in 0..300 {
            let max_bins = 1 + g.below(12) as usize;
            let spread = [4u128, 30, 400, 5000][round % 4];
            let (mut fast, mut slow) = (Store::default(), Store::default());
            for _ in 0..60 {
                let key = g.below_wide(spread) as i32 - (spread / 2) as i32;
                let count = 1 + g.below(3);
                fast.add(key, count, max_bins);
                reference_add(&mut slow, key, count, max_bins);
                assert_eq!(fast, slow, "round {round} key {key}");
            }
        }
    }
}
