//! The crate's one pseudo-random generator: SplitMix64, always explicitly seeded.
//!
//! Used for pivot sampling in the shift selection (results do not depend on the
//! draws, only the running time does) and for the Kayenta-compatible jitter.

/// SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit state advanced by a constant
/// and finalised by two multiply-xorshift rounds.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Nearly uniform in [0, bound) for bound ≥ 1 (Lemire's multiply-shift; the
    /// bias, below bound / 2^64, does not matter for choosing pivots).
    pub(crate) fn below(&mut self, bound: u128) -> u128 {
        match u64::try_from(bound) {
            Ok(b) => (self.next_u64() as u128 * b as u128) >> 64,
            Err(_) => (((self.next_u64() as u128) << 64) | self.next_u64() as u128) % bound,
        }
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal draw (Box–Muller, cosine branch).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(f64::MIN_POSITIVE);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}
