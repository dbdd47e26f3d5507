//! The crate's one pseudo-random generator: SplitMix64, always explicitly seeded.
//!
//! Used inside the crate for pivot sampling in the shift selection (results do not
//! depend on the draws, only the running time does) and for the Kayenta-compatible
//! jitter; public as [`crate::rng::SplitMix64`] so that the tests' simulations, the
//! benches and the examples draw from the same generator.

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014): a 64-bit state advanced by 0x9E3779B97F4A7C15 and
/// finalised by two multiply-xorshift rounds. Always explicitly seeded: the same
/// seed gives the same stream on every platform. Not for cryptography.
///
/// # Example
/// ```
/// use canary_judge::rng::SplitMix64;
/// let mut a = SplitMix64::new(42);
/// let mut b = SplitMix64::new(42);
/// assert_eq!(a.next_u64(), b.next_u64());
/// let u = a.uniform();
/// assert!((0.0..1.0).contains(&u));
/// assert!(a.below(6) < 6);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose state is `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Nearly uniform in [0, bound) for bound ≥ 1 (Lemire's multiply-shift, bias
    /// below bound / 2^64); 0 for bound 0.
    pub fn below(&mut self, bound: u64) -> u64 {
        ((self.next_u64() as u128 * bound as u128) >> 64) as u64
    }

    /// As [`SplitMix64::below`] for bounds beyond u64 (pivot ranks among m·n pairs).
    pub(crate) fn below_wide(&mut self, bound: u128) -> u128 {
        match u64::try_from(bound) {
            Ok(b) => (self.next_u64() as u128 * b as u128) >> 64,
            Err(_) => (((self.next_u64() as u128) << 64) | self.next_u64() as u128) % bound,
        }
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in (0, 1), never 0 or 1 (53 random bits, centred in their cell): safe
    /// to take the logarithm of.
    pub fn uniform_open(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// A standard normal draw (Box–Muller, cosine branch).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(f64::MIN_POSITIVE);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}
