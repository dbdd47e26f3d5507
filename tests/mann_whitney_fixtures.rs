//! Mann–Whitney results against scipy, R and brute-force enumeration.
//!
//! Fixtures: `tests/fixtures/mann_whitney.json`, written by
//! `scripts/gen_mwu_fixtures.py` (scipy 1.17.1, R 4.2, numpy). No value in it was
//! produced by this crate.

mod common;
use common::floats;

use canary_judge::Sample;
use canary_judge::compare::{Alternative, MannWhitney, MannWhitneyResult, Method};
use serde_json::Value;

fn fixtures() -> Value {
    let raw = include_str!("fixtures/mann_whitney.json");
    serde_json::from_str(raw).expect("fixture parses")
}

fn alternative(name: &str) -> Alternative {
    match name {
        "two-sided" => Alternative::TwoSided,
        "greater" => Alternative::Greater,
        "less" => Alternative::Less,
        other => panic!("unknown alternative {other}"),
    }
}

fn assert_p(got: &MannWhitneyResult, want: f64, rtol: f64, ctx: &str) {
    assert!((0.0..=1.0).contains(&got.p_value), "{ctx}: p out of range");
    if want > 1e-300 {
        let rel = (got.p_value - want).abs() / want;
        assert!(
            rel <= rtol,
            "{ctx}: p {} vs {want} (rel {rel:.2e})",
            got.p_value
        );
        let lrel = (got.ln_p_value - want.ln()).abs() / want.ln().abs().max(1.0);
        assert!(
            lrel <= rtol * 10.0,
            "{ctx}: ln p {} vs {}",
            got.ln_p_value,
            want.ln()
        );
    } else {
        assert!(got.p_value <= 1e-300, "{ctx}: p {} vs {want}", got.p_value);
    }
}

#[test]
fn scipy_u_and_p_values() {
    let fx = fixtures();
    let mut checked = 0;
    for ds in fx["datasets"].as_array().unwrap() {
        let id = ds["id"].as_str().unwrap();
        let canary = Sample::new(floats(&ds["canary"])).unwrap();
        let baseline = Sample::new(floats(&ds["baseline"])).unwrap();
        for (alt, methods) in ds["scipy"].as_object().unwrap() {
            for (method, want) in methods.as_object().unwrap() {
                // test_only: U and p without sorting (the bucketed path when untied).
                let test = MannWhitney::new().alternative(alternative(alt)).test_only();
                let test = match method.as_str() {
                    "exact" => test.method(Method::Exact),
                    "asymptotic" => test.method(Method::Asymptotic),
                    "asymptotic_nocc" => {
                        test.method(Method::Asymptotic).continuity_correction(false)
                    }
                    other => panic!("unknown method {other}"),
                };
                let got = test.compare(&baseline, &canary).unwrap();
                let ctx = format!("{id} {alt} {method}");
                assert_eq!(got.u_canary, want["u"].as_f64().unwrap(), "{ctx}: U");
                assert_eq!(
                    got.u_canary + got.u_baseline,
                    (canary.len() * baseline.len()) as f64
                );
                assert_p(&got, want["p"].as_f64().unwrap(), 1e-12, &ctx);
                checked += 1;
            }
        }
    }
    assert!(checked > 400, "only {checked} scipy comparisons");
}

#[test]
fn r_wilcox_test_with_intervals() {
    let fx = fixtures();
    let (mut exact_checked, mut asym_checked) = (0, 0);
    for ds in fx["datasets"].as_array().unwrap() {
        let id = ds["id"].as_str().unwrap();
        let canary = Sample::new(floats(&ds["canary"])).unwrap();
        let baseline = Sample::new(floats(&ds["baseline"])).unwrap();
        for r in ds["r"].as_array().unwrap() {
            if r.get("error").is_some() {
                continue;
            }
            let alt = alternative(r["alternative"].as_str().unwrap());
            let level = r["conf_level"].as_f64().unwrap();
            let correct = r["correct"].as_bool().unwrap();
            let r_exact = r["method"].as_str().unwrap().contains("exact");
            let method = if r_exact {
                Method::Exact
            } else {
                Method::Asymptotic
            };
            let got = MannWhitney::new()
                .alternative(alt)
                .method(method)
                .continuity_correction(correct)
                .confidence_level(level)
                .compare(&baseline, &canary)
                .unwrap();
            let ctx = format!("{id} {alt:?} exact={r_exact} correct={correct} level={level}");
            assert_eq!(got.u_canary, r["statistic"].as_f64().unwrap(), "{ctx}: W");
            assert_p(&got, r["p"].as_f64().unwrap(), 1e-12, &ctx);
            let ci = floats(&r["ci"]);
            let iv = got.interval.unwrap();
            let est = r["estimate"].as_f64().unwrap();
            if r_exact {
                // Identical order statistics of the same rounded differences.
                assert_eq!(
                    [iv.lower, iv.upper],
                    [ci[0], ci[1]],
                    "{ctx}: exact interval"
                );
                assert_eq!(iv.method, Method::Exact);
                assert!(
                    (got.shift.unwrap() - est).abs() <= 1e-15 * est.abs(),
                    "{ctx}: estimate {} vs {est}",
                    got.shift.unwrap()
                );
                let achieved = r["achieved_level"].as_f64().unwrap();
                if achieved == level {
                    // R keeps the nominal level unless the achieved alpha exceeds 1.5 alpha
                    // (it then warns "requested conf.level not achievable").
                    let alpha = 1.0 - level;
                    assert!(
                        (1.0 - iv.achieved_level) - alpha <= alpha / 2.0 + 1e-12,
                        "{ctx}: achieved {}",
                        iv.achieved_level
                    );
                } else {
                    // R reports 1 - signif(achieved alpha, 2) when the level is not reachable.
                    assert!(
                        (iv.achieved_level - achieved).abs() < 0.01,
                        "{ctx}: achieved"
                    );
                }
                exact_checked += 1;
            } else {
                // R finds the same step points with uniroot(tol = 1e-4).
                for (a, b) in [(iv.lower, ci[0]), (iv.upper, ci[1])] {
                    if b.is_infinite() {
                        assert_eq!(a, b, "{ctx}");
                    } else {
                        assert!(
                            (a - b).abs() <= 2e-4 + 1e-12 * b.abs(),
                            "{ctx}: interval {a} vs R {b}"
                        );
                    }
                }
                if let Some(hl) = ds["hl"].as_object() {
                    let slack = hl["slack"].as_f64().unwrap();
                    assert!(
                        (got.shift.unwrap() - est).abs() <= slack + 2e-4 + 1e-12 * est.abs(),
                        "{ctx}: estimate {} vs R {est}",
                        got.shift.unwrap()
                    );
                }
                asym_checked += 1;
            }
        }
    }
    assert!(
        exact_checked > 50 && asym_checked > 300,
        "{exact_checked} {asym_checked}"
    );
}

#[test]
fn hodges_lehmann_equals_numpy_median_of_all_differences() {
    let fx = fixtures();
    for ds in fx["datasets"].as_array().unwrap() {
        let Some(hl) = ds["hl"].as_object() else {
            continue;
        };
        let canary = Sample::new(floats(&ds["canary"])).unwrap();
        let baseline = Sample::new(floats(&ds["baseline"])).unwrap();
        let got = MannWhitney::new()
            .without_interval()
            .compare(&baseline, &canary)
            .unwrap();
        let want = hl["median"].as_f64().unwrap();
        // numpy averages the middle pair as (a + b) / 2; f64::midpoint gives the same
        // bits whenever a + b does not overflow.
        assert_eq!(got.shift.unwrap(), want, "{}", ds["id"]);
    }
}

#[test]
fn exact_permutation_p_with_ties_equals_enumeration() {
    let fx = fixtures();
    for case in fx["tied_exact"].as_array().unwrap() {
        let canary = Sample::new(floats(&case["canary"])).unwrap();
        let baseline = Sample::new(floats(&case["baseline"])).unwrap();
        let brute = &case["brute"];
        for alt in ["two-sided", "greater", "less"] {
            let got = MannWhitney::new()
                .alternative(alternative(alt))
                .method(Method::Exact)
                .compare(&baseline, &canary)
                .unwrap();
            assert_eq!(got.u_canary, brute["u"].as_f64().unwrap());
            let want = brute[alt].as_f64().unwrap();
            assert!(
                (got.p_value - want).abs() <= 1e-13 * want,
                "{case} {alt}: {} vs {want}",
                got.p_value
            );
        }
    }
}

/// Canary values with exactly `u` baseline values below them in total; baseline 0..n.
fn with_u(m: usize, n: usize, u: usize) -> (Sample, Sample) {
    let mut left = u;
    let canary: Vec<f64> = (0..m)
        .map(|i| {
            let c = left.min(n);
            left -= c;
            // strictly between c - 1 and c, distinct per i: no ties anywhere
            c as f64 - 1.0 + (i + 1) as f64 / (m + 1) as f64
        })
        .collect();
    assert_eq!(left, 0);
    let baseline = (0..n).map(|v| v as f64).collect::<Vec<_>>();
    (Sample::new(baseline).unwrap(), Sample::new(canary).unwrap())
}

#[test]
fn large_exact_tails_equal_r_pwilcox() {
    let fx = fixtures();
    for c in fx["large_exact"]["cdf"].as_array().unwrap() {
        let (m, n, q) = (
            c["m"].as_u64().unwrap() as usize,
            c["n"].as_u64().unwrap() as usize,
            c["q"].as_u64().unwrap() as usize,
        );
        let (baseline, canary) = with_u(m, n, q);
        let got = MannWhitney::new()
            .alternative(Alternative::Less)
            .method(Method::Exact)
            .test_only()
            .compare(&baseline, &canary)
            .unwrap();
        assert_eq!(got.u_canary, q as f64);
        assert!(!got.ties);
        assert_p(
            &got,
            c["p"].as_f64().unwrap(),
            1e-12,
            &format!("pwilcox({q}, {m}, {n})"),
        );
    }
}

#[test]
fn exact_interval_index_equals_r_qwilcox() {
    let fx = fixtures();
    for c in fx["large_exact"]["quantile"].as_array().unwrap() {
        let (m, n, p) = (
            c["m"].as_u64().unwrap() as usize,
            c["n"].as_u64().unwrap() as usize,
            c["p"].as_f64().unwrap(),
        );
        let q = c["q"].as_u64().unwrap() as usize;
        let (baseline, canary) = with_u(m, n, m * n / 3);
        let got = MannWhitney::new()
            .method(Method::Exact)
            .confidence_level(1.0 - 2.0 * p)
            .compare(&baseline, &canary)
            .unwrap();
        let mut d: Vec<f64> = canary
            .values()
            .iter()
            .flat_map(|&a| baseline.values().iter().map(move |&b| a - b))
            .collect();
        d.sort_by(f64::total_cmp);
        let iv = got.interval.unwrap();
        assert_eq!(iv.method, Method::Exact);
        assert_eq!(iv.lower, d[q.max(1) - 1], "qwilcox({p}, {m}, {n}) = {q}");
        assert_eq!(iv.upper, d[m * n - q.max(1)]);
    }
}

// Published examples.

/// scipy.stats.mannwhitneyu documentation (scipy 1.17), "Examples": ages of male and
/// female faculty; exact U = 17, p = 0.1111111111111111; asymptotic p = 0.11134688653314041.
#[test]
fn scipy_documentation_example() {
    let males = Sample::new([19.0, 22.0, 16.0, 29.0, 24.0]).unwrap();
    let females = Sample::new([20.0, 11.0, 17.0, 12.0]).unwrap();
    // scipy's first sample (males) is our canary.
    let exact = MannWhitney::new()
        .method(Method::Exact)
        .compare(&females, &males)
        .unwrap();
    assert_eq!(exact.u_canary, 17.0);
    assert!((exact.p_value - 0.1111111111111111).abs() < 1e-15);
    let asym = MannWhitney::new()
        .method(Method::Asymptotic)
        .compare(&females, &males)
        .unwrap();
    assert!((asym.p_value - 0.11134688653314041).abs() < 1e-15);
}

/// R's `?wilcox.test` example (Hollander & Wolfe 1973, p. 69): permeability
/// constants x (at 12-26 weeks) and y (at term); one-sided "greater":
/// W = 35, exact p-value = 0.1272; large-sample approximation (exact = FALSE,
/// correct = FALSE) p-value = 0.1103.
#[test]
fn r_documentation_example() {
    let x = Sample::new([0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]).unwrap();
    let y = Sample::new([1.15, 0.88, 0.90, 0.74, 1.21]).unwrap();
    let t = MannWhitney::new().alternative(Alternative::Greater);
    let exact = t.compare(&y, &x).unwrap();
    assert_eq!(exact.u_canary, 35.0);
    assert_eq!(exact.method, Method::Exact);
    assert!((exact.p_value - 0.1272).abs() < 5e-5, "{}", exact.p_value);
    let approx = t
        .method(Method::Asymptotic)
        .continuity_correction(false)
        .compare(&y, &x)
        .unwrap();
    assert!((approx.p_value - 0.1103).abs() < 5e-5, "{}", approx.p_value);
}

// The exact p-value issue's reproductions (tests/fixtures/exact_sweep.json, written by
// scripts/gen_exact_sweep_fixtures.py from scipy 1.17.1 and R 4.2.2). Before the fix
// of the exact total's limb count these gave p = 1 (32 × 32, 19 × 63), a lower tail 66
// times too large (19 × 63), and p = 0 with ln p = NaN and an interval far too wide
// (42 × 25).

#[test]
fn exact_issue_reproductions_equal_scipy_and_r() {
    let raw = include_str!("fixtures/exact_sweep.json");
    let doc: Value = serde_json::from_str(raw).expect("fixture parses");
    let cases = doc["reproductions"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let baseline = Sample::new(floats(&case["baseline"])).unwrap();
        let canary = Sample::new(floats(&case["canary"])).unwrap();
        for alt in ["two-sided", "greater", "less"] {
            let want = &case["scipy"][alt];
            let got = MannWhitney::new()
                .alternative(alternative(alt))
                .method(Method::Exact)
                .compare(&baseline, &canary)
                .unwrap();
            assert_eq!(got.method, Method::Exact);
            assert_eq!(got.u_canary, want["u"].as_f64().unwrap(), "{id} {alt}");
            assert!(!got.p_value.is_nan() && !got.ln_p_value.is_nan());
            assert_p(
                &got,
                want["p"].as_f64().unwrap(),
                1e-12,
                &format!("{id} {alt}"),
            );
        }
        // R's wilcox.test(canary, baseline, exact = TRUE, conf.int = TRUE), 95%.
        let r = &case["r"];
        let got = MannWhitney::new()
            .method(Method::Exact)
            .confidence_level(0.95)
            .compare(&baseline, &canary)
            .unwrap();
        assert_eq!(got.u_canary, r["statistic"].as_f64().unwrap());
        assert_p(&got, r["p"].as_f64().unwrap(), 1e-12, &format!("{id} R"));
        let ci = floats(&r["ci"]);
        let iv = got.interval.unwrap();
        assert_eq!(iv.method, Method::Exact);
        let near = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
        assert!(
            near(iv.lower, ci[0]) && near(iv.upper, ci[1]),
            "{id}: {iv:?} vs R {ci:?}"
        );
        let est = r["estimate"].as_f64().unwrap();
        assert!(
            near(got.shift.unwrap(), est),
            "{id}: {:?} vs R {est}",
            got.shift
        );
    }
}

/// The issue's numbers, spelled out: 32 × 32 at U = 528 (scipy 0.83627), 19 × 63 at
/// U = 630 (scipy 0.73543), and default `Method::Auto` takes the exact path there.
#[test]
fn exact_issue_reproductions_by_construction() {
    let b: Vec<f64> = (0..32).map(|i| 2.0 * i as f64).collect();
    let c: Vec<f64> = (0..32)
        .map(|j| 2.0 * j as f64 + 1.0 + 0.0001 * j as f64)
        .collect();
    let r = MannWhitney::new()
        .compare(&Sample::new(b).unwrap(), &Sample::new(c).unwrap())
        .unwrap();
    assert_eq!((r.u_canary, r.method), (528.0, Method::Exact));
    assert!((r.p_value - 0.83627).abs() < 5e-6, "{}", r.p_value);
    let b: Vec<f64> = (0..19).map(|i| 2.0 * i as f64).collect();
    let c: Vec<f64> = (0..63)
        .map(|j| (2.0 * j as f64 + 1.0) * 19.0 / 63.0 + 0.0001 * j as f64)
        .collect();
    let r = MannWhitney::new()
        .compare(&Sample::new(b).unwrap(), &Sample::new(c).unwrap())
        .unwrap();
    assert_eq!((r.u_canary, r.method), (630.0, Method::Exact));
    assert!((r.p_value - 0.73543).abs() < 5e-6, "{}", r.p_value);
}
