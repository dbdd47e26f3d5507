//! Quantiles against numpy.quantile for all nine Hyndman–Fan methods.
//! Fixtures: tests/fixtures/quantiles.json from scripts/gen_quantile_fixtures.py.

use canary_judge::Sample;
use canary_judge::compare::quantile::{
    Convention, QuantileMethod, quantile, quantile_with, quantiles, quantiles_with,
};
use serde_json::Value;

mod common;
use common::floats;

#[test]
fn all_methods_equal_numpy_exactly() {
    let fx: Value = serde_json::from_str(include_str!("fixtures/quantiles.json")).unwrap();
    let mut checked = 0;
    for case in fx["cases"].as_array().unwrap() {
        let sample = Sample::new(floats(&case["values"])).unwrap();
        let ps = floats(&case["p"]);
        for method in QuantileMethod::ALL {
            let want = floats(&case["expected"][method.numpy_name()]);
            let all = quantiles(&sample, &ps, method).unwrap().unwrap();
            for ((&p, &w), &got) in ps.iter().zip(&want).zip(&all) {
                // Exact equality (numpy keeps -0.0 where Sample folds it into +0.0, which
                // == treats as equal; any other difference, even one ulp, fails).
                assert!(
                    got == w,
                    "n={} p={p} {method:?}: {got} vs {w}",
                    sample.len()
                );
                let one = quantile(&sample, p, method).unwrap().unwrap();
                assert!(
                    one == w,
                    "single n={} p={p} {method:?}: {one} vs {w}",
                    sample.len()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 3000, "{checked}");
}

#[test]
fn all_methods_equal_r_exactly_under_the_r_convention() {
    let fx: Value = serde_json::from_str(include_str!("fixtures/quantiles.json")).unwrap();
    let (mut checked, mut numpy_differs) = (0, 0);
    for case in fx["cases"].as_array().unwrap() {
        let sample = Sample::new(floats(&case["values"])).unwrap();
        let ps = floats(&case["p"]);
        for method in QuantileMethod::ALL {
            let want = floats(&case["r"][method.numpy_name()]);
            let numpy = floats(&case["expected"][method.numpy_name()]);
            let all = quantiles_with(&sample, &ps, method, Convention::R)
                .unwrap()
                .unwrap();
            for (((&p, &w), &got), &np) in ps.iter().zip(&want).zip(&all).zip(&numpy) {
                assert!(
                    got == w,
                    "R n={} p={p} {method:?}: {got} vs {w}",
                    sample.len()
                );
                let one = quantile_with(&sample, p, method, Convention::R)
                    .unwrap()
                    .unwrap();
                assert!(
                    one == w,
                    "R single n={} p={p} {method:?}: {one} vs {w}",
                    sample.len()
                );
                checked += 1;
                numpy_differs += usize::from(np != w);
            }
        }
    }
    assert!(checked > 3000, "{checked}");
    // The two conventions really differ on these fixtures, so both tests bite.
    assert!(numpy_differs > 100, "{numpy_differs}");
}

#[test]
fn bad_probabilities_and_empty_samples() {
    let s = Sample::new([1.0, 2.0]).unwrap();
    for p in [-0.1, 1.1, f64::NAN] {
        assert!(quantile(&s, p, QuantileMethod::Linear).is_err());
        assert!(quantiles(&s, &[0.5, p], QuantileMethod::Linear).is_err());
    }
    assert_eq!(
        quantile(&Sample::default(), 0.5, QuantileMethod::Hazen).unwrap(),
        None
    );
    // Never NaN, even where b − a overflows (numpy returns NaN or inf there).
    let extreme = Sample::new([-f64::MAX, f64::MAX]).unwrap();
    for m in QuantileMethod::ALL {
        for p in [0.0, 0.3, 0.5, 0.7, 1.0] {
            let q = quantile(&extreme, p, m).unwrap().unwrap();
            assert!(q.is_finite(), "{m:?} {p}: {q}");
        }
    }
    assert_eq!(QuantileMethod::NormalUnbiased.r_type(), 9);
    assert_eq!(QuantileMethod::default(), QuantileMethod::Linear);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn within_range_monotone_and_selection_equals_sort(
            v in prop::collection::vec(-1e6f64..1e6, 1..200),
            mut ps in prop::collection::vec(0.0f64..=1.0, 1..10),
        ) {
            let s = Sample::new(v.iter().copied()).unwrap();
            let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
            ps.sort_by(f64::total_cmp);
            for m in QuantileMethod::ALL {
                let all = quantiles(&s, &ps, m).unwrap().unwrap();
                for (i, (&p, &q)) in ps.iter().zip(&all).enumerate() {
                    prop_assert!(q >= lo && q <= hi);
                    prop_assert_eq!(quantile(&s, p, m).unwrap().unwrap(), q);
                    if i > 0 {
                        prop_assert!(q >= all[i - 1], "{:?} not monotone", m);
                    }
                }
            }
        }
    }
}

mod interval {
    use canary_judge::Sample;
    use canary_judge::compare::quantile::{QuantileInterval, quantile_interval};

    /// P(B ≤ k) by direct summation of the binomial pmf (independent of the crate's
    /// incomplete-beta route), for small n.
    fn naive_cdf(k: i64, n: usize, p: f64) -> f64 {
        let mut total = 0.0;
        let mut coef = 1.0f64; // C(n, i)
        for i in 0..=n {
            if i as i64 > k {
                break;
            }
            total += coef * p.powi(i as i32) * (1.0 - p).powi((n - i) as i32);
            coef = coef * (n - i) as f64 / (i + 1) as f64;
        }
        total
    }

    #[test]
    fn ranks_are_the_equal_tailed_binomial_ranks() {
        for n in [5usize, 10, 20, 37, 60] {
            let s = Sample::new((1..=n).map(|v| v as f64)).unwrap();
            for p in [0.1, 0.25, 0.5, 0.75, 0.9] {
                for level in [0.8, 0.9, 0.95] {
                    let tail = (1.0 - level) / 2.0;
                    let l = (1..=n)
                        .rev()
                        .find(|&l| naive_cdf(l as i64 - 1, n, p) <= tail);
                    let u = (1..=n).find(|&u| naive_cdf(u as i64 - 1, n, p) >= 1.0 - tail);
                    match (quantile_interval(&s, p, level).unwrap(), l, u) {
                        (
                            QuantileInterval::Interval {
                                lower_rank,
                                upper_rank,
                                lower,
                                upper,
                                achieved_level,
                            },
                            Some(l),
                            Some(u),
                        ) => {
                            assert_eq!(
                                (lower_rank, upper_rank),
                                (l as u64, u as u64),
                                "n={n} p={p} level={level}"
                            );
                            assert_eq!((lower, upper), (l as f64, u as f64));
                            assert!(achieved_level >= level - 1e-12);
                        }
                        (QuantileInterval::InsufficientData { needed }, l, u) => {
                            assert!(l.is_none() || u.is_none(), "n={n} p={p} level={level}");
                            assert!(needed > n as u64);
                        }
                        (other, l, u) => panic!("n={n} p={p}: {other:?} vs {l:?} {u:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn coverage_holds_for_continuous_and_tied_data() {
        let mut state = 0x0ddc_0ffe_e15e_a5e5u64;
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        // (sample size, p, true quantile of the generator, generator)
        let reps = 1000;
        type Gen = fn(f64) -> f64;
        let cases: [(usize, f64, f64, Gen); 4] = [
            (30, 0.5, 1.0, |u| -(1.0 - u).ln() / std::f64::consts::LN_2), // exponential scaled to median 1
            (200, 0.9, 0.9, |u| u),                                       // uniform
            (400, 0.99, 100f64.powf(0.4), |u| (1.0 - u).powf(-1.0 / 2.5)), // Pareto(2.5): p99 = 100^0.4
            (100, 0.5, 2.0, |u| (u * 5.0).floor()), // heavily tied 0..4: median 2
        ];
        for (n, p, truth, draw) in cases {
            let mut covered = 0;
            for _ in 0..reps {
                let s = Sample::new((0..n).map(|_| draw(uniform()))).unwrap();
                if let QuantileInterval::Interval { lower, upper, .. } =
                    quantile_interval(&s, p, 0.9).unwrap()
                {
                    covered += usize::from(lower <= truth && truth <= upper);
                } else {
                    panic!("n={n} p={p} should be enough");
                }
            }
            let rate = covered as f64 / reps as f64;
            let floor = 0.9 - 3.0 * (0.9f64 * 0.1 / reps as f64).sqrt();
            assert!(rate >= floor, "n={n} p={p}: coverage {rate}");
        }
    }
}

mod delta {
    use canary_judge::Sample;
    use canary_judge::compare::quantile::{PercentileDeltaOutcome, percentile_delta};
    use canary_judge::{Direction, Judgement, Margin};

    use super::common::Rng;

    /// Draws one value for the baseline (false) or the canary (true).
    type Draw = Box<dyn Fn(&mut Rng, bool) -> f64>;

    /// Coverage of the true absolute and relative change, at 90% jointly, for
    /// log-normal, Pareto-tailed and heavily tied data, n from 20 to 10^5.
    #[test]
    fn intervals_cover_the_true_change() {
        let mut rng = Rng::new(0xfeed_5eed_cafe_d00d);
        // (n, p, reps, kind): kind 0 log-normal (canary ×1.1), 1 Pareto(3) (×1.2), 2 tied 1..=5 (+1).
        let configs: [(usize, f64, usize, u8); 5] = [
            (20, 0.5, 400, 0),
            (300, 0.9, 400, 1),
            (2000, 0.99, 200, 0),
            (500, 0.5, 300, 2),
            (100_000, 0.999, 20, 1),
        ];
        for (n, p, reps, kind) in configs {
            let (truth_b, truth_c, draw): (f64, f64, Draw) = match kind {
                0 => {
                    let z: f64 = [
                        (0.5, 0.0),
                        (0.9, 1.2815515655446004),
                        (0.99, 2.3263478740408408),
                    ]
                    .iter()
                    .find(|(q, _)| *q == p)
                    .unwrap()
                    .1;
                    (
                        z.exp(),
                        1.1 * z.exp(),
                        Box::new(|r: &mut Rng, c: bool| {
                            r.normal().exp() * if c { 1.1 } else { 1.0 }
                        }),
                    )
                }
                1 => {
                    let q = (1.0f64 - p).powf(-1.0 / 3.0);
                    (
                        q,
                        1.2 * q,
                        Box::new(|r: &mut Rng, c: bool| {
                            r.uniform_open().powf(-1.0 / 3.0) * if c { 1.2 } else { 1.0 }
                        }),
                    )
                }
                _ => (
                    3.0,
                    4.0,
                    Box::new(|r: &mut Rng, c: bool| {
                        (r.uniform_open() * 5.0).floor() + 1.0 + if c { 1.0 } else { 0.0 }
                    }),
                ),
            };
            let (mut abs_hit, mut rel_hit) = (0, 0);
            for _ in 0..reps {
                let b = Sample::new((0..n).map(|_| draw(&mut rng, false))).unwrap();
                let c = Sample::new((0..n).map(|_| draw(&mut rng, true))).unwrap();
                let PercentileDeltaOutcome::Delta(d) = percentile_delta(&b, &c, p, 0.9).unwrap()
                else {
                    panic!("n={n} p={p} should be enough");
                };
                let (lo, hi) = d.absolute;
                abs_hit += usize::from(lo <= truth_c - truth_b && truth_c - truth_b <= hi);
                let (rlo, rhi) = d.relative.unwrap();
                let rel = truth_c / truth_b - 1.0;
                rel_hit += usize::from(rlo <= rel && rel <= rhi);
            }
            let floor = 0.9 - 3.0 * (0.9f64 * 0.1 / reps as f64).sqrt();
            for (what, hits) in [("absolute", abs_hit), ("relative", rel_hit)] {
                let rate = hits as f64 / reps as f64;
                assert!(rate >= floor, "n={n} p={p} kind={kind} {what}: {rate}");
            }
        }
    }

    #[test]
    fn classification_and_small_samples() {
        let base = Sample::new((0..3000).map(|i| 100.0 + (i % 97) as f64)).unwrap();
        let same = Sample::new((0..3000).map(|i| 100.0 + ((i * 7) % 97) as f64)).unwrap();
        let PercentileDeltaOutcome::Delta(d) = percentile_delta(&base, &same, 0.9, 0.95).unwrap()
        else {
            panic!()
        };
        // Certainly grew less than 10%, and certainly did not fall by 50%.
        let up = Direction::HigherIsWorse;
        assert_eq!(
            d.judge(up, Margin::Relative(0.10)).unwrap(),
            Judgement::Pass
        );
        let down = Direction::LowerIsWorse;
        assert_eq!(
            d.judge(down, Margin::Relative(0.5)).unwrap(),
            Judgement::Pass
        );
        assert!(d.relative.unwrap().0 > -0.5);
        // Each side needs a p99 interval at √0.95: tail (1 − 0.97468)/2 = 0.012661,
        // and 0.99^n ≤ 0.012661 first holds at n = 435.
        let tiny = Sample::new((0..50).map(f64::from)).unwrap();
        assert_eq!(
            percentile_delta(&tiny, &tiny, 0.99, 0.95).unwrap(),
            PercentileDeltaOutcome::InsufficientData { needed: 435 }
        );
        // An empty side is a no-data outcome (n = 0 is too few), not an error.
        assert!(matches!(
            percentile_delta(&Sample::default(), &tiny, 0.5, 0.9).unwrap(),
            PercentileDeltaOutcome::InsufficientData { needed: 6 } // 0.5^6 ≤ (1 − √0.9)/2 < 0.5^5
        ));
    }
}
