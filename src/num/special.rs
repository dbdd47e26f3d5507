//! Log-space special functions for e-values: ln Γ, ln B, and the logarithm of the
//! regularised incomplete beta function, accurate in both tails (the e-values of
//! §2.4 and §3.1 of the design notes need ln(1 − I_x(a, b)) far below 1e-300).

/// ln Γ(x) for x > 0 (libm's lgamma: relative error ~1e-16).
pub(crate) fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0.
///
/// With p = min(a, b), q = max(a, b) and Stirling's remainder
/// c(x) = ln Γ(x) − ((x − ½) ln x − x + ½ ln 2π):
/// - p ≥ 10: −½ ln q + ½ ln 2π + c(p) + c(q) − c(p + q) + (p − ½) ln(p/(p + q))
///   + q ln(1 − p/(p + q));
/// - q ≥ 10 > p: ln Γ(p) + c(q) − c(p + q) + p − p ln(p + q) + (q − ½) ln(1 − p/(p + q));
/// - otherwise the three ln Γ directly.
///
/// The first two forms never subtract the large ln Γ values (≈ 1.3e7 at 10^6),
/// whose cancellation would leave an absolute error of about 1e-9.
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    let (p, q) = if a < b { (a, b) } else { (b, a) };
    let share = p / (p + q);
    if p >= 10.0 {
        let corr = stirling_remainder(p) + stirling_remainder(q) - stirling_remainder(p + q);
        -0.5 * q.ln()
            + 0.5 * (2.0 * std::f64::consts::PI).ln()
            + corr
            + (p - 0.5) * share.ln()
            + q * (-share).ln_1p()
    } else if q >= 10.0 {
        let corr = stirling_remainder(q) - stirling_remainder(p + q);
        ln_gamma(p) + corr + p - p * (p + q).ln() + (q - 0.5) * (-share).ln_1p()
    } else {
        ln_gamma(p) + ln_gamma(q) - ln_gamma(p + q)
    }
}

/// c(x) = ln Γ(x) − ((x − ½) ln x − x + ½ ln 2π) for x ≥ 10, by the Stirling
/// series Σ B₂ₖ / (2k (2k − 1) x^(2k−1)), k = 1..8 (the next term is below 1e-17
/// of c at x = 10; DLMF 5.11.1).
fn stirling_remainder(x: f64) -> f64 {
    const C: [f64; 8] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360_360.0,
        1.0 / 156.0,
        -3617.0 / 122_400.0,
    ];
    let r = 1.0 / (x * x);
    C.iter().rev().fold(0.0, |acc, &c| acc * r + c) / x
}

/// ln((1/k) Σ e^(x_i)) for the k terms, about the largest (no overflow, no
/// underflow of the largest term): the log of an average of e-values kept as logs.
/// −∞ when there are no terms or all are −∞.
pub(crate) fn ln_mean_exp(terms: &[f64]) -> f64 {
    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if top == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    top + terms.iter().map(|t| (t - top).exp()).sum::<f64>().ln() - (terms.len() as f64).ln()
}

/// ln(1 − e^x) for x ≤ 0, accurate for x near 0 and very negative alike.
pub(crate) fn ln_one_minus_exp(x: f64) -> f64 {
    if x > -std::f64::consts::LN_2 {
        (-x.exp_m1()).ln()
    } else {
        (-x.exp()).ln_1p()
    }
}

/// ln I_x(a, b), the logarithm of the regularised incomplete beta function, for
/// a, b > 0. The tail below the mean comes straight from the continued fraction
/// (so a tiny I keeps its relative accuracy in log space); above the mean it is
/// ln(1 − I_{1−x}(b, a)).
pub(crate) fn ln_beta_inc_reg(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if x >= 1.0 {
        return 0.0;
    }
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_lower_tail(a, b, x)
    } else {
        ln_one_minus_exp(ln_lower_tail(b, a, 1.0 - x))
    }
}

/// ln I_x(a, b) by the continued fraction, for x below about the mean a/(a + b):
/// I = x^a (1 − x)^b / (a B(a, b)) · 1/(1 + d₁/(1 + d₂/(1 + …))) with
/// d_{2m+1} = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)) and
/// d_{2m} = m(b − m)x / ((a + 2m − 1)(a + 2m)).
///
/// The convergents A_n/B_n come from the three-term recurrence
/// A_n = A_{n−1} + d_{n−1} A_{n−2} (and B alike), rescaled by 2^±600 when B leaves
/// [2^−600, 2^600]: a chain of multiply-adds, whose latency is a quarter of the
/// modified Lentz method's two dependent divisions per term (the divisions that
/// test convergence are off the chain). Near the mean the fraction needs
/// O(√min(a, b)) terms, so this is what a count test's look costs at 10^4 events.
fn ln_lower_tail(a: f64, b: f64, x: f64) -> f64 {
    const BIG: f64 = 4.149_515_568_880_993e180; // 2^600
    const SMALL: f64 = 1.0 / BIG;
    let front = a * x.ln() + b * (-x).ln_1p() - ln_beta(a, b) - a.ln();
    // (A_{n−2}, A_{n−1}), (B_{n−2}, B_{n−1}) after the first two convergents:
    // A₁/B₁ = 1/1 and A₂/B₂ = 1/(1 + d₁).
    let d1 = -(a + b) * x / (a + 1.0);
    let (mut a0, mut a1) = (1.0f64, 1.0f64);
    let (mut b0, mut b1) = (1.0f64, 1.0 + d1);
    let mut f = a1 / b1;
    // The cap only guards against a non-converging input (it is far above what
    // 10^12 events need).
    for m in 1..5_000_000u32 {
        let m = f64::from(m);
        let even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        let odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        let (a2, b2) = (a1 + even * a0, b1 + even * b0);
        let (a3, b3) = (a2 + odd * a1, b2 + odd * b1);
        (a0, a1, b0, b1) = (a2, a3, b2, b3);
        let scale = b1.abs();
        if scale > BIG || (scale < SMALL && scale > 0.0) {
            let k = if scale > BIG { SMALL } else { BIG };
            (a0, a1, b0, b1) = (a0 * k, a1 * k, b0 * k, b1 * k);
        }
        let next = a1 / b1;
        let (before, ratio) = (f, next / f);
        f = next;
        if (ratio - 1.0).abs() < 1e-16 && before.is_finite() {
            break;
        }
    }
    (front + f.ln()).min(0.0)
}

/// The root of a monotone `f` on [lo, hi] where it changes sign, by bisection to a
/// relative width of about 1e-13 (or 200 halvings). `f(lo)` and `f(hi)` must have
/// different signs; returns the end of the final bracket on the side of `keep_lo`.
pub(crate) fn bisect(mut lo: f64, mut hi: f64, f: impl Fn(f64) -> f64, keep_lo: bool) -> f64 {
    let lo_sign = f(lo) > 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi || (hi - lo) <= 1e-13 * mid.abs().max(1e-300) {
            break;
        }
        if (f(mid) > 0.0) == lo_sign {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    if keep_lo { lo } else { hi }
}

/// The minimiser of a unimodal `f` on [lo, hi] by golden-section search: `rounds`
/// shrinks of the bracket by 0.618, one new evaluation each; returns the final
/// bracket's midpoint.
pub(crate) fn golden_min(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64, rounds: u32) -> f64 {
    let r = 0.5 * (5f64.sqrt() - 1.0);
    let (mut c, mut d) = (hi - r * (hi - lo), lo + r * (hi - lo));
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..rounds {
        if fc <= fd {
            hi = d;
            d = c;
            fd = fc;
            c = hi - r * (hi - lo);
            fc = f(c);
        } else {
            lo = c;
            c = d;
            fc = fd;
            d = lo + r * (hi - lo);
            fd = f(d);
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incomplete_beta_matches_statrs_and_symmetry() {
        for &(a, b) in &[(0.5, 0.5), (2.0, 3.0), (50.0, 10.0), (1e3, 2e3), (3.7, 1e4)] {
            for &x in &[1e-6, 0.01, 0.2, 0.5, 0.8, 0.999] {
                let ours = ln_beta_inc_reg(a, b, x).exp();
                let theirs = statrs::function::beta::beta_reg(a, b, x);
                assert!(
                    (ours - theirs).abs() <= 1e-10 * theirs.max(1e-300) + 1e-300,
                    "a={a} b={b} x={x}: {ours} vs {theirs}"
                );
                let flipped = ln_one_minus_exp(ln_beta_inc_reg(b, a, 1.0 - x)).exp();
                // The complement route loses relative accuracy for tiny values: absolute 1e-14.
                assert!(
                    (ours - flipped).abs() <= 1e-10 * ours + 1e-14,
                    "{ours} vs {flipped}"
                );
            }
        }
        // Far tail stays finite in logs: I_{0.5}(1e6, 1e6·0.5) is astronomically small.
        let deep = ln_beta_inc_reg(1e6, 5e5, 0.5);
        assert!(deep.is_finite() && deep < -1e4, "{deep}");
        // Huge counts near the mean converge.
        let mid = ln_beta_inc_reg(5e8, 5e8, 0.5);
        assert!((mid.exp() - 0.5).abs() < 1e-4, "{mid}");
    }

    /// ln I_x(a, b) against mpmath at 60 digits (scripts/gen_special_fixtures.py),
    /// parameters up to 10^6, at the mean and down to ln I ≈ −47,000: within 1e-10
    /// relative of ln I (or 1e-13 absolute near 0). The worst case, 8e-11 at 10^6
    /// near the mean, is the cancellation of a ln x + b ln(1 − x) (≈ 7e5) against
    /// ln B in the prefactor; before ln B stopped subtracting the ln Γ values
    /// (≈ 1.3e7 there) it was 2e-9.
    #[test]
    fn incomplete_beta_matches_mpmath() {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/special.json")).unwrap();
        let cases = fixture["incomplete_beta"].as_array().unwrap();
        assert!(cases.len() >= 40);
        for c in cases {
            let [a, b, x, want] = ["a", "b", "x", "ln_value"].map(|k| c[k].as_f64().unwrap());
            let got = ln_beta_inc_reg(a, b, x);
            assert!(
                (got - want).abs() <= 1e-10 * want.abs() + 1e-13,
                "a={a} b={b} x={x}: {got} vs {want}"
            );
        }
    }
}
