//! The sketch's guarantees, checked against exact order statistics (proptest).

use canary_judge::input::sketch::Sketch;
use proptest::prelude::*;

fn exact(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[(q * (v.len() - 1) as f64).floor() as usize]
}

/// A sketch with room for every bin (the guarantee holds while nothing is folded:
/// 10^-6..10^6 at α = 0.1% needs about 13 800 bins).
fn sketch_of(values: &[f64], alpha: f64) -> Sketch {
    let mut s = Sketch::with_max_bins(alpha, 1 << 16).unwrap();
    for &v in values {
        s.insert(v);
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn within_relative_error_of_the_exact_order_statistic(
        values in prop::collection::vec(prop_oneof![1e-6f64..1e6, -1e6f64..-1e-6, Just(0.0)], 1..500),
        q in 0.0f64..=1.0,
        alpha in prop_oneof![Just(0.01), Just(0.05), Just(0.001)],
    ) {
        let s = sketch_of(&values, alpha);
        let got = s.quantile(q).unwrap().unwrap();
        let want = exact(&values, q);
        prop_assert!((got - want).abs() <= alpha * want.abs() * (1.0 + 1e-9), "{} vs {}", got, want);
    }

    #[test]
    fn merging_is_order_independent_and_equals_the_union(
        a in prop::collection::vec(-1e3f64..1e3, 0..200),
        b in prop::collection::vec(-1e3f64..1e3, 0..200),
        c in prop::collection::vec(1e-3f64..1e9, 0..200),
    ) {
        let (sa, sb, sc) = (sketch_of(&a, 0.02), sketch_of(&b, 0.02), sketch_of(&c, 0.02));
        let mut ab_c = sa.clone();
        ab_c.merge(&sb).unwrap();
        ab_c.merge(&sc).unwrap();
        let mut c_ba = sc.clone();
        c_ba.merge(&sb).unwrap();
        c_ba.merge(&sa).unwrap();
        let union: Vec<f64> = a.iter().chain(&b).chain(&c).copied().collect();
        let direct = sketch_of(&union, 0.02);
        for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
            let x = ab_c.quantile(q).unwrap();
            prop_assert_eq!(x, c_ba.quantile(q).unwrap());
            prop_assert_eq!(x, direct.quantile(q).unwrap());
        }
        prop_assert_eq!(ab_c.count(), union.len() as u64);
    }
}

#[test]
fn memory_is_bounded_and_only_low_magnitudes_lose_accuracy() {
    let mut s = Sketch::with_max_bins(0.01, 200).unwrap();
    let values: Vec<f64> = (0..20_000).map(|i| 1e-9 * 1.001f64.powi(i)).collect();
    for &v in &values {
        s.insert(v);
    }
    // The high quantiles keep their guarantee although the range spans ~2000 bins.
    for q in [0.9, 0.99, 0.999] {
        let got = s.quantile(q).unwrap().unwrap();
        let want = exact(&values, q);
        assert!((got - want).abs() <= 0.01 * want, "{q}: {got} vs {want}");
    }
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.len() < 20_000, "{}", json.len());
    let back: Sketch = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
}

#[test]
fn bad_parameters_and_special_values() {
    assert!(
        Sketch::new(0.0).is_err() && Sketch::new(1.0).is_err() && Sketch::new(f64::NAN).is_err()
    );
    assert!(Sketch::with_max_bins(0.01, 0).is_err());
    let mut s = Sketch::new(0.01).unwrap();
    assert_eq!(s.quantile(0.5).unwrap(), None);
    s.insert(f64::NAN);
    assert_eq!(s.count(), 0);
    s.insert(f64::INFINITY);
    s.insert(5e-324);
    assert_eq!(s.quantile(0.0).unwrap(), Some(0.0));
    assert!(s.quantile(1.0).unwrap().unwrap().is_finite());
    assert!(s.quantile(1.5).is_err());
    let other = Sketch::new(0.02).unwrap();
    assert!(s.quantile(1.0).unwrap().unwrap() <= f64::MAX);
    assert!(s.merge(&other).is_err());
}
