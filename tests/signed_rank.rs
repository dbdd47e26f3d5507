//! The Wilcoxon signed-rank test against R's `wilcox.test(paired = TRUE)`
//! (scripts/gen_signed_rank_fixtures.R): R's documented example, exact cases up to
//! n = 1000, ties and zero differences with and without continuity correction, and
//! per-tick error counts.

mod common;
use common::floats;

use canary_judge::compare::signed_rank::{SignedRank, SignedRankResult};
use canary_judge::compare::{Alternative, Method};
use proptest::prelude::*;
use serde_json::Value;

/// A fixture case's baseline, canary and alternative.
fn case_parts(case: &Value) -> (Vec<f64>, Vec<f64>, Alternative) {
    let alternative = match case["alternative"].as_str().unwrap() {
        "greater" => Alternative::Greater,
        "less" => Alternative::Less,
        _ => Alternative::TwoSided,
    };
    (
        floats(&case["baseline"]),
        floats(&case["canary"]),
        alternative,
    )
}

/// The result's V equals the case's and its p-value is within `tolerance` of it
/// (relative).
fn assert_matches(r: &SignedRankResult, case: &Value, tolerance: f64, what: &str) {
    assert_eq!(r.statistic, case["statistic"].as_f64().unwrap(), "{what}");
    let want = case["p_value"].as_f64().unwrap();
    assert!(
        (r.p_value - want).abs() <= tolerance * want,
        "{what} (n {}, {:?}, ties {}): {} vs {want}",
        r.n,
        r.method,
        r.ties,
        r.p_value
    );
}

#[test]
fn matches_r() {
    let data: Value = serde_json::from_str(include_str!("fixtures/signed_rank.json")).unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert!(cases.len() >= 50);
    let mut exact_cases = 0;
    for (i, case) in cases.iter().enumerate() {
        let (b, c, alternative) = case_parts(case);
        let method = match case["exact"].as_bool() {
            Some(true) => Method::Exact,
            Some(false) => Method::Asymptotic,
            None => Method::Auto,
        };
        let test = SignedRank::new()
            .alternative(alternative)
            .method(method)
            .continuity_correction(case["correct"].as_bool().unwrap());
        let r = test.test_paired(&b, &c).unwrap();
        assert_matches(&r, case, 1e-11, &format!("case {i} against R"));
        exact_cases += usize::from(r.method == Method::Exact);
    }
    assert!(exact_cases >= 15, "{exact_cases} exact cases");
}

/// With ties and zeros, the exact distribution given the mid-ranks against the coin
/// package's (R, `wilcoxsign_test(distribution = "exact", zero.method =
/// "Wilcoxon")`, scripts/gen_signed_rank_fixtures.R): rounded values and counts, n 6
/// to 120, each alternative; the same through [`Method::Exact`] and through
/// [`Method::Auto`] with a budget that allows it.
#[test]
fn exact_with_ties_matches_coin() {
    let data: Value =
        serde_json::from_str(include_str!("fixtures/signed_rank_exact_ties.json")).unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert!(cases.len() >= 25);
    for (i, case) in cases.iter().enumerate() {
        let (b, c, alternative) = case_parts(case);
        let test = SignedRank::new().alternative(alternative);
        for t in [test.method(Method::Exact), test.exact_budget(u64::MAX)] {
            let r = t.test_paired(&b, &c).unwrap();
            assert_eq!(r.method, Method::Exact, "case {i}");
            assert_matches(&r, case, 1e-12, &format!("case {i} against coin"));
        }
    }
}

/// The exact distribution with ties and zeros equals the count of sign patterns
/// enumerated directly: differences in −3..=3 (ties and zeros everywhere), n up to
/// 14, each alternative.
#[test]
fn exact_with_ties_equals_enumeration() {
    let mut rng = common::Rng::new(0x5157);
    for case in 0..300 {
        let n = 1 + case % 14;
        let d: Vec<f64> = (0..n)
            .map(|_| (rng.uniform() * 7.0).floor() - 3.0)
            .collect();
        let nonzero: Vec<f64> = d.iter().copied().filter(|&x| x != 0.0).collect();
        let m = nonzero.len();
        // Mid-ranks of |d| by counting: (#smaller) + (#equal + 1)/2.
        let mid: Vec<f64> = nonzero
            .iter()
            .map(|x| {
                let smaller = nonzero.iter().filter(|y| y.abs() < x.abs()).count();
                let equal = nonzero.iter().filter(|y| y.abs() == x.abs()).count();
                smaller as f64 + (equal as f64 + 1.0) / 2.0
            })
            .collect();
        let v_of = |positive: &dyn Fn(usize) -> bool| -> f64 {
            (0..m).filter(|&i| positive(i)).map(|i| mid[i]).sum()
        };
        let v = v_of(&|i| nonzero[i] > 0.0);
        let all: Vec<f64> = (0u32..1 << m)
            .map(|mask| v_of(&|i| mask >> i & 1 == 1))
            .collect();
        let share = |keep: &dyn Fn(f64) -> bool| {
            all.iter().filter(|&&x| keep(x)).count() as f64 / all.len() as f64
        };
        let total: f64 = mid.iter().sum();
        for (alternative, want) in [
            (Alternative::Greater, share(&|x| x >= v)),
            (Alternative::Less, share(&|x| x <= v)),
            (
                Alternative::TwoSided,
                share(&|x| (x - total / 2.0).abs() >= (v - total / 2.0).abs()),
            ),
        ] {
            let r = SignedRank::new()
                .alternative(alternative)
                .method(Method::Exact)
                .test(&d)
                .unwrap();
            assert!(
                (r.p_value - want).abs() <= 1e-14,
                "{d:?} {alternative:?}: {} vs {want}",
                r.p_value
            );
        }
    }
}

/// At V exactly at its mean the two-sided continuity correction is 0 (R's sign(0)):
/// p = 1. Found by the sign-flip property ([−26, 26]).
#[test]
fn statistic_at_the_mean_gives_p_one() {
    let r = SignedRank::new().test(&[-26.0, 26.0]).unwrap();
    assert_eq!(r.statistic, 1.5);
    assert_eq!(r.p_value, 1.0);
}

/// R's documented example (?wilcox.test, Hollander & Wolfe p. 29): V = 40,
/// p = 0.039 two-sided, 0.0195 for "greater" (x − y: before − after).
#[test]
#[allow(clippy::approx_constant)] // 3.14 is a depression score of the example, not π
fn r_documented_example() {
    let x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
    let y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    let r = SignedRank::new()
        .alternative(Alternative::Greater)
        .test_paired(&y, &x)
        .unwrap();
    assert_eq!(r.statistic, 40.0);
    assert_eq!(r.method, Method::Exact);
    assert!((r.p_value - 0.01953125).abs() < 1e-15);
}

#[test]
fn bad_input_and_degenerate_cases() {
    let t = SignedRank::new();
    assert!(t.test(&[1.0, f64::NAN]).is_err());
    assert!(t.test(&[1.0, f64::INFINITY]).is_err());
    assert!(t.test_paired(&[1.0], &[1.0, 2.0]).is_err());
    // Exact with ties and zeros is the distribution given the ties, zeros dropped:
    // |d| = {1, 1, 2} has mid-ranks {1.5, 1.5, 3}; V = 4.5 (one tied value and the
    // 2 positive) or more in 3 of the 8 sign patterns.
    let tied = t.method(Method::Exact).alternative(Alternative::Greater);
    let p = |d: &[f64]| tied.test(d).unwrap().p_value;
    assert!((p(&[1.0, -1.0, 2.0]) - 0.375).abs() < 1e-15);
    assert!((p(&[-1.0, -1.0, -2.0]) - 1.0).abs() < 1e-15);
    assert!((p(&[0.0, 1.0, 2.0]) - 0.25).abs() < 1e-15);
    // Ties that double the table of sums past what 20,000 untied differences need
    // are refused, not allocated: 15,000 differences, two of them tied, V central.
    let mut d: Vec<f64> = (1..=15_000)
        .map(|i| {
            if i % 2 == 0 {
                f64::from(i)
            } else {
                -f64::from(i)
            }
        })
        .collect();
    d[1] = 1.0;
    let e = t.method(Method::Exact).test(&d).unwrap_err();
    assert!(e.to_string().contains("table of sums"), "{e}");
    let none = t.test(&[0.0, 0.0]).unwrap();
    assert_eq!((none.n, none.zeros, none.p_value), (0, 2, 1.0));
    // Far beyond R's exact limit: finite logarithm of a tiny p-value.
    let d: Vec<f64> = (1..=1500).map(f64::from).collect();
    let r = t
        .method(Method::Exact)
        .alternative(Alternative::Greater)
        .test(&d)
        .unwrap();
    assert_eq!(r.p_value, 0.0);
    let want = -1500.0 * std::f64::consts::LN_2; // only the all-positive pattern
    assert!(
        (r.ln_p_value - want).abs() < 1e-9 * want.abs(),
        "{}",
        r.ln_p_value
    );
}

proptest! {
    /// Flipping every sign mirrors the test: V ↦ n(n+1)/2 − V, and "greater"
    /// becomes "less" with the same p-value; the two-sided p-value lies between the
    /// smaller one-sided one and twice it.
    #[test]
    fn sign_flip_mirrors(d in prop::collection::vec(-50i32..50, 1..45)) {
        let d: Vec<f64> = d.into_iter().map(f64::from).collect();
        let flipped: Vec<f64> = d.iter().map(|x| -x).collect();
        let up = SignedRank::new().alternative(Alternative::Greater).test(&d).unwrap();
        let down = SignedRank::new().alternative(Alternative::Less).test(&flipped).unwrap();
        let total = (up.n * (up.n + 1)) as f64 / 2.0;
        prop_assert_eq!(up.statistic, total - down.statistic);
        prop_assert!((up.p_value - down.p_value).abs() <= 1e-15 + 1e-12 * up.p_value);
        // Two-sided: twice the smaller one-sided tail (capped at 1).
        let less = SignedRank::new().alternative(Alternative::Less).test(&d).unwrap();
        let two = SignedRank::new().test(&d).unwrap();
        let smaller = up.p_value.min(less.p_value);
        prop_assert!(two.p_value >= smaller, "{} < {}", two.p_value, smaller);
        prop_assert!(two.p_value <= (2.0 * smaller).min(1.0) * (1.0 + 1e-12));
    }
}

/// A seeded simulation of A/A pairs: 4,000 canaries of 30 tick pairs sharing each
/// tick's load (exact test) and of 100 pairs of bursty error counts (ties and zeros:
/// asymptotic). The one-sided false-alarm rate at α = 5% stays at or below α within
/// three standard errors, and is not far below it (the test keeps its power).
#[test]
fn false_alarms_stay_at_alpha_on_pairs_that_share_their_load() {
    let mut g = canary_judge::rng::SplitMix64::new(31);
    let greater = SignedRank::new().alternative(Alternative::Greater);
    let runs = 4000;
    let (mut values, mut counts) = (0, 0);
    for _ in 0..runs {
        // Latencies: a shared per-tick load times independent noise on each side.
        let load: Vec<f64> = (0..30).map(|_| (g.normal() * 0.8).exp()).collect();
        let b: Vec<f64> = load.iter().map(|l| l * (0.2 * g.normal()).exp()).collect();
        let c: Vec<f64> = load.iter().map(|l| l * (0.2 * g.normal()).exp()).collect();
        values += usize::from(greater.test_paired(&b, &c).unwrap().p_value <= 0.05);
        // Counts: each tick's rate bursts; both sides draw from it.
        let poisson = |g: &mut canary_judge::rng::SplitMix64, mean: f64| {
            let (mut k, mut t) = (0u32, 0.0);
            loop {
                t -= g.uniform_open().ln() / mean;
                if t > 1.0 {
                    return f64::from(k);
                }
                k += 1;
            }
        };
        let rates: Vec<f64> = (0..100).map(|_| 3.0 * (1.2 * g.normal()).exp()).collect();
        let b: Vec<f64> = rates.iter().map(|&r| poisson(&mut g, r)).collect();
        let c: Vec<f64> = rates.iter().map(|&r| poisson(&mut g, r)).collect();
        counts += usize::from(greater.test_paired(&b, &c).unwrap().p_value <= 0.05);
    }
    let bound = 0.05 + 3.0 * (0.05f64 * 0.95 / runs as f64).sqrt();
    for (what, hits) in [("values", values), ("counts", counts)] {
        let rate = hits as f64 / runs as f64;
        assert!(
            rate <= bound,
            "{what}: false-alarm rate {rate} above {bound}"
        );
        assert!(rate >= 0.03, "{what}: rate {rate}, far below alpha");
    }
}
