//! Exact rank-test paths against slow, obviously correct computations: the tied exact
//! permutation p-value against enumeration of every labelling, and the binned
//! (histogram) test against the same test on the expanded samples. The untied exact
//! distribution has its exhaustive sweep beside the code (`src/compare/exact_sweep.rs`).

use canary_judge::Sample;
use canary_judge::compare::histogram::mann_whitney;
use canary_judge::compare::{Alternative, MannWhitney, Method};
use canary_judge::input::histogram::ClassicHistogram;
use proptest::prelude::*;

const ALTERNATIVES: [Alternative; 3] = [
    Alternative::TwoSided,
    Alternative::Greater,
    Alternative::Less,
];

/// 2·U of the canary counted pair by pair (ties count one half).
fn twice_u(canary: &[f64], baseline: &[f64]) -> u64 {
    let mut u = 0;
    for &c in canary {
        for &b in baseline {
            u += if c > b { 2 } else { u64::from(c == b) };
        }
    }
    u
}

/// The exact permutation p-value by enumerating every choice of which m of the
/// pooled values are the canary's: P(2U ≤ u), P(2U ≥ u) and the two-sided
/// min(1, 2·min(·, ·)), as exact fractions of the number of labellings.
fn enumerate(canary: &[f64], baseline: &[f64]) -> [f64; 3] {
    let pooled: Vec<f64> = canary.iter().chain(baseline).copied().collect();
    let (m, big) = (canary.len(), pooled.len());
    let observed = twice_u(canary, baseline);
    let (mut le, mut ge, mut all) = (0u64, 0u64, 0u64);
    for mask in 0u32..(1 << big) {
        if mask.count_ones() as usize != m {
            continue;
        }
        let (mut c, mut b) = (Vec::new(), Vec::new());
        for (i, &v) in pooled.iter().enumerate() {
            if mask >> i & 1 == 1 {
                c.push(v)
            } else {
                b.push(v)
            }
        }
        let u = twice_u(&c, &b);
        all += 1;
        le += u64::from(u <= observed);
        ge += u64::from(u >= observed);
    }
    let (lower, upper) = (le as f64 / all as f64, ge as f64 / all as f64);
    [(2.0 * lower.min(upper)).min(1.0), upper, lower]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Tied and untied samples of up to 14 values in all, on a small grid of values
    /// so that ties are common: the exact p-value equals enumeration for every
    /// alternative, and neither p nor ln p is NaN.
    #[test]
    fn exact_p_equals_enumeration(
        canary in prop::collection::vec(0u8..6, 1..=7),
        baseline in prop::collection::vec(0u8..6, 1..=7),
        spread in prop::bool::ANY,
    ) {
        // With `spread` the values are made distinct (the untied path).
        let value = |i: usize, v: u8| if spread { v as f64 + i as f64 * 1e-3 } else { v as f64 };
        let c: Vec<f64> = canary.iter().enumerate().map(|(i, &v)| value(i, v)).collect();
        let b: Vec<f64> = baseline.iter().enumerate().map(|(i, &v)| value(i + 7, v)).collect();
        let want = enumerate(&c, &b);
        let (sc, sb) = (Sample::new(c.clone()).unwrap(), Sample::new(b.clone()).unwrap());
        for (alt, want) in ALTERNATIVES.into_iter().zip(want) {
            let got = MannWhitney::new().alternative(alt).method(Method::Exact).test_only()
                .compare(&sb, &sc).unwrap();
            prop_assert_eq!(got.u_canary * 2.0, twice_u(&c, &b) as f64);
            prop_assert!(!got.p_value.is_nan() && !got.ln_p_value.is_nan());
            prop_assert!((got.p_value - want).abs() <= 1e-12 * want.max(1e-300),
                "{:?}: {} vs {}", alt, got.p_value, want);
            prop_assert!((got.ln_p_value - want.ln()).abs() <= 1e-11);
        }
    }

    /// Histograms with up to six buckets of up to 8 observations each: U and the
    /// p-value (exact within budget, and asymptotic) equal those of the test on the
    /// expanded samples (bucket i's observations all equal to i).
    #[test]
    fn binned_test_equals_expanded_samples(
        counts in prop::collection::vec((0u64..9, 0u64..9), 1..=6),
    ) {
        let (cb, cc): (Vec<u64>, Vec<u64>) = counts.iter().copied().unzip();
        prop_assume!(cb.iter().sum::<u64>() > 0 && cc.iter().sum::<u64>() > 0);
        let cumulative = |own: &[u64]| {
            let mut acc = 0.0;
            own.iter().enumerate().map(|(i, &c)| {
                acc += c as f64;
                (if i + 1 == own.len() { f64::INFINITY } else { i as f64 }, acc)
            }).collect::<Vec<_>>()
        };
        let expand = |own: &[u64]| {
            let v: Vec<f64> = own.iter().enumerate()
                .flat_map(|(i, &c)| std::iter::repeat_n(i as f64, c as usize)).collect();
            Sample::new(v).unwrap()
        };
        let (hb, hc) = (
            ClassicHistogram::new(&cumulative(&cb)).unwrap(),
            ClassicHistogram::new(&cumulative(&cc)).unwrap(),
        );
        for alt in ALTERNATIVES {
            for method in [Method::Exact, Method::Asymptotic, Method::Auto] {
                let t = MannWhitney::new().alternative(alt).method(method);
                let binned = mann_whitney(&hb, &hc, &t);
                let full = t.test_only().compare(&expand(&cb), &expand(&cc));
                // Past the exact budget both are the same error.
                let (binned, full) = match (binned, full) {
                    (Ok(b), Ok(f)) => (b, f),
                    (b, f) => {
                        prop_assert_eq!(b.unwrap_err(), f.unwrap_err());
                        continue;
                    }
                };
                prop_assert_eq!(binned.u_canary, full.u_canary);
                prop_assert_eq!(binned.method, full.method);
                prop_assert_eq!(binned.p_value, full.p_value, "{:?} {:?}", alt, method);
                prop_assert!(!binned.ln_p_value.is_nan());
            }
        }
    }
}

/// Counts up to 2^40 per side keep U and the tie term exact (u128); beyond, the
/// binned test is an error, not an overflow (it used to panic in debug builds and
/// return a wrong p-value in release builds).
#[test]
fn huge_binned_counts_are_exact_or_an_error() {
    let big = (1u64 << 40) as f64;
    let t = MannWhitney::new();
    let base = ClassicHistogram::new(&[(1.0, big / 2.0), (f64::INFINITY, big)]).unwrap();
    let canary = ClassicHistogram::new(&[(1.0, big / 4.0), (f64::INFINITY, big)]).unwrap();
    let r = mann_whitney(&base, &canary, &t).unwrap();
    // U = (m/4)(n/2)·2/2 + (3m/4)·(n/2)... counted exactly: canary in the upper bucket
    // beat the baseline's lower half; ties count one half.
    let (m, n) = (big, big);
    let want_u = 0.75 * m * 0.5 * n + 0.5 * (0.25 * m * 0.5 * n + 0.75 * m * 0.5 * n);
    assert_eq!(r.u_canary, want_u);
    assert!(r.p_value < 1e-300 && r.ln_p_value.is_finite() && r.ln_p_value < -1e9);
    let over = ClassicHistogram::new(&[(1.0, big), (f64::INFINITY, big + 1.0)]).unwrap();
    let e = mann_whitney(&base, &over, &t).unwrap_err().to_string();
    assert!(e.contains("canary observation count"), "{e}");
    let e = mann_whitney(&over, &base, &t).unwrap_err().to_string();
    assert!(e.contains("baseline observation count"), "{e}");
    let huge = ClassicHistogram::new(&[(1.0, 2f64.powi(62)), (f64::INFINITY, 2f64.powi(63))]);
    assert!(mann_whitney(&huge.clone().unwrap(), &huge.unwrap(), &t).is_err());
}
