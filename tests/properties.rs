//! Properties that must hold for every input (proptest).

use canary_judge::compare::{Alternative, MannWhitney, Method};
use canary_judge::{Alpha, Direction, Judgement, Metric, MetricConfig, Sample, Side};

fn classify(name: &str, b: &Sample, c: &Sample, cfg: &MetricConfig) -> Judgement {
    Metric::new(name, b.clone(), c.clone())
        .config(*cfg)
        .judge()
        .unwrap()
        .judgement
}
use proptest::prelude::*;

fn sample(v: &[f64]) -> Sample {
    Sample::new(v.iter().copied()).unwrap()
}

/// Values on a grid of 1/8 so that shifts and sign flips stay exact and ties occur.
fn values(max_len: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec((-400i32..400).prop_map(|v| v as f64 / 8.0), 1..max_len)
}

fn mirror(a: Alternative) -> Alternative {
    match a {
        Alternative::Greater => Alternative::Less,
        Alternative::Less => Alternative::Greater,
        Alternative::TwoSided => Alternative::TwoSided,
    }
}

fn alternatives() -> impl Strategy<Value = Alternative> {
    prop_oneof![
        Just(Alternative::TwoSided),
        Just(Alternative::Greater),
        Just(Alternative::Less)
    ]
}

fn methods() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::Auto),
        Just(Method::Exact),
        Just(Method::Asymptotic)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Swapping baseline and canary mirrors U, the alternative and the shift.
    #[test]
    fn swapping_mirrors_everything(b in values(25), c in values(25), alt in alternatives(), method in methods()) {
        let (bs, cs) = (sample(&b), sample(&c));
        let t = MannWhitney::new().alternative(alt).method(method);
        let r = t.compare(&bs, &cs).unwrap();
        let s = t.alternative(mirror(alt)).compare(&cs, &bs).unwrap();
        prop_assert_eq!(r.u_canary, s.u_baseline);
        prop_assert!((r.p_value - s.p_value).abs() <= 1e-12 * r.p_value.max(1e-300));
        prop_assert_eq!(r.shift.unwrap(), -s.shift.unwrap());
        let (ri, si) = (r.interval.unwrap(), s.interval.unwrap());
        prop_assert_eq!(ri.lower, -si.upper);
        prop_assert_eq!(ri.upper, -si.lower);
        prop_assert!((r.cles + s.cles - 1.0).abs() < 1e-12);
    }

    /// Adding a constant to both samples changes nothing but float rounding.
    #[test]
    fn common_shift_changes_nothing(b in values(25), c in values(25), k in -1000i32..1000, alt in alternatives(), method in methods()) {
        let k = k as f64 / 8.0;
        let t = MannWhitney::new().alternative(alt).method(method);
        let r = t.compare(&sample(&b), &sample(&c)).unwrap();
        let b2: Vec<f64> = b.iter().map(|v| v + k).collect();
        let c2: Vec<f64> = c.iter().map(|v| v + k).collect();
        let s = t.compare(&sample(&b2), &sample(&c2)).unwrap();
        prop_assert_eq!(r.u_canary, s.u_canary);
        prop_assert_eq!(r.p_value, s.p_value);
        prop_assert_eq!(r.shift, s.shift); // exact on the 1/8 grid
        prop_assert_eq!(r.interval, s.interval);
    }

    /// Scaling both samples by a positive power of two scales the shift and interval.
    #[test]
    fn scaling_scales_the_shift(b in values(25), c in values(25), e in -20i32..20) {
        let f = 2f64.powi(e);
        let t = MannWhitney::new();
        let r = t.compare(&sample(&b), &sample(&c)).unwrap();
        let b2: Vec<f64> = b.iter().map(|v| v * f).collect();
        let c2: Vec<f64> = c.iter().map(|v| v * f).collect();
        let s = t.compare(&sample(&b2), &sample(&c2)).unwrap();
        prop_assert_eq!(r.p_value, s.p_value);
        prop_assert_eq!(r.shift.unwrap() * f, s.shift.unwrap());
        let (ri, si) = (r.interval.unwrap(), s.interval.unwrap());
        prop_assert_eq!((ri.lower * f, ri.upper * f), (si.lower, si.upper));
    }

    /// p-values are probabilities, log p-values agree, intervals are ordered and
    /// contain the estimate, effect sizes are in range.
    #[test]
    fn results_are_well_formed(b in values(40), c in values(40), alt in alternatives(), method in methods(), level in 0.5f64..0.999) {
        let r = MannWhitney::new().alternative(alt).method(method).confidence_level(level)
            .compare(&sample(&b), &sample(&c)).unwrap();
        prop_assert!((0.0..=1.0).contains(&r.p_value));
        prop_assert!(r.ln_p_value <= 0.0);
        prop_assert!((r.ln_p_value.exp() - r.p_value).abs() <= 1e-9 * r.p_value.max(1e-300));
        prop_assert!((0.0..=1.0).contains(&r.cles));
        prop_assert!((-1.0..=1.0).contains(&r.rank_biserial));
        let iv = r.interval.unwrap();
        let shift = r.shift.unwrap();
        prop_assert!(iv.lower <= shift && shift <= iv.upper, "{:?} {}", iv, shift);
        prop_assert!((0.0..=1.0).contains(&iv.achieved_level));
        prop_assert!(!shift.is_nan() && !iv.lower.is_nan() && !iv.upper.is_nan());
    }

    /// One-sided p-values: P(greater) + P(less) ≥ 1 (they share the observed point),
    /// and the two-sided p is twice the smaller one, capped at 1 (exact method).
    #[test]
    fn sidedness_is_consistent(b in values(12), c in values(12)) {
        let t = MannWhitney::new().method(Method::Exact).test_only();
        let (bs, cs) = (sample(&b), sample(&c));
        let g = t.alternative(Alternative::Greater).compare(&bs, &cs).unwrap().p_value;
        let l = t.alternative(Alternative::Less).compare(&bs, &cs).unwrap().p_value;
        let two = t.alternative(Alternative::TwoSided).compare(&bs, &cs).unwrap().p_value;
        prop_assert!(g + l >= 1.0 - 1e-12);
        prop_assert!((two - (2.0 * g.min(l)).min(1.0)).abs() <= 1e-12);
    }

    /// The U statistic equals a naive count over all pairs, whether it comes from the
    /// bucketed path (test only, no ties) or the sorted path.
    #[test]
    fn u_equals_naive_pair_count(b in values(150), c in values(150), spread in any::<bool>()) {
        // Continuous values (no ties: bucketed path) or the tied 1/8 grid.
        let jitter = |v: &[f64], salt: f64| -> Vec<f64> {
            v.iter()
                .enumerate()
                .map(|(i, x)| if spread { x * 1e3 + (i as f64 + salt) * 1e-6 } else { *x })
                .collect()
        };
        let (b, c) = (jitter(&b, 0.25), jitter(&c, 0.5));
        let r = MannWhitney::new().test_only().compare(&sample(&b), &sample(&c)).unwrap();
        let full = MannWhitney::new().without_interval().compare(&sample(&b), &sample(&c)).unwrap();
        prop_assert_eq!(r.u_canary, full.u_canary);
        prop_assert_eq!(r.p_value, full.p_value);
        let naive: f64 = c.iter().flat_map(|&x| b.iter().map(move |&y| {
            if x > y { 1.0 } else if x == y { 0.5 } else { 0.0 }
        })).sum();
        prop_assert_eq!(r.u_canary, naive);
    }

    /// The estimate equals the naive median of all pairwise differences.
    #[test]
    fn shift_equals_naive_median(b in values(30), c in values(30)) {
        let r = MannWhitney::new().without_interval().compare(&sample(&b), &sample(&c)).unwrap();
        let mut d: Vec<f64> = c.iter().flat_map(|&x| b.iter().map(move |&y| x - y)).collect();
        d.sort_by(f64::total_cmp);
        let n = d.len();
        let med = if n % 2 == 1 { d[n / 2] } else { d[n / 2 - 1].midpoint(d[n / 2]) };
        prop_assert_eq!(r.shift.unwrap(), med);
    }

    /// Making the canary worse never turns a failure into a pass.
    #[test]
    fn classification_is_monotone_in_the_canary(b in values(30), c in values(30), bump in 0i32..200) {
        let cfg = MetricConfig { direction: Direction::HigherIsWorse, alpha: Alpha::FIVE_PERCENT, ..Default::default() };
        let before = classify("m", &sample(&b), &sample(&c), &cfg);
        let worse: Vec<f64> = c.iter().map(|v| v + bump as f64 / 8.0).collect();
        let after = classify("m", &sample(&b), &sample(&worse), &cfg);
        if before == Judgement::Fail(Side::High) {
            prop_assert_eq!(after, Judgement::Fail(Side::High));
        }
        prop_assert_ne!(after, Judgement::Fail(Side::Low));
    }
}
