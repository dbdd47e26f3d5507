//! Prometheus classic histograms: `histogram_quantile` semantics (promql/quantile.go,
//! `bucketQuantile`) and snapshot deltas with counter resets. Expected values are
//! worked by hand from PromQL's documented rules, each stated beside its assertion.

use canary_judge::compare::histogram::ClassicHistogram;

const INF: f64 = f64::INFINITY;

#[test]
fn interpolation_and_special_cases() {
    let h = ClassicHistogram::new(&[(1.0, 10.0), (2.0, 30.0), (4.0, 70.0), (INF, 80.0)]).unwrap();
    // rank 8 lies in the first bucket, which starts at 0 (positive bound): 0 + 1·8/10.
    assert_eq!(h.quantile(0.1).unwrap(), Some(0.8));
    // rank 40: third bucket (30, 70], 2 + 2·(10/40) = 2.5.
    assert_eq!(h.quantile(0.5).unwrap(), Some(2.5));
    // rank 72 > 70: the +Inf bucket returns the highest finite bound.
    assert_eq!(h.quantile(0.9).unwrap(), Some(4.0));
    // rank 0 is reached by the first bucket: its start, 0.
    assert_eq!(h.quantile(0.0).unwrap(), Some(0.0));
    // rank 80 (q = 1): first bucket with count ≥ 80 among the finite ones? none → +Inf bucket.
    assert_eq!(h.quantile(1.0).unwrap(), Some(4.0));
    // A lowest bucket with bound ≤ 0 returns that bound.
    let neg = ClassicHistogram::new(&[(-1.0, 5.0), (0.0, 10.0), (INF, 10.0)]).unwrap();
    assert_eq!(neg.quantile(0.2).unwrap(), Some(-1.0));
    // Second bucket (−1, 0]: −1 + 1·(2.5/5) = −0.5.
    assert_eq!(neg.quantile(0.75).unwrap(), Some(-0.5));
}

#[test]
fn no_data_outcomes_and_errors() {
    let empty = ClassicHistogram::new(&[(1.0, 0.0), (INF, 0.0)]).unwrap();
    assert_eq!(empty.quantile(0.5).unwrap(), None); // zero observations (Prometheus: NaN)
    let only_inf = ClassicHistogram::new(&[(INF, 5.0)]).unwrap();
    assert_eq!(only_inf.quantile(0.5).unwrap(), None); // fewer than two buckets
    let h = ClassicHistogram::new(&[(1.0, 1.0), (INF, 2.0)]).unwrap();
    for q in [-0.1, 1.5, f64::NAN] {
        assert!(h.quantile(q).is_err());
    }
    assert!(ClassicHistogram::new(&[]).is_err());
    assert!(ClassicHistogram::new(&[(1.0, 1.0), (2.0, 2.0)]).is_err()); // no +Inf bucket
    assert!(ClassicHistogram::new(&[(2.0, 1.0), (1.0, 2.0), (INF, 3.0)]).is_err()); // unsorted
    assert!(ClassicHistogram::new(&[(1.0, 1.0), (1.0, 2.0), (INF, 3.0)]).is_err()); // duplicate
    assert!(ClassicHistogram::new(&[(1.0, 5.0), (2.0, 3.0), (INF, 6.0)]).is_err()); // decreasing
    assert!(ClassicHistogram::new(&[(f64::NAN, 1.0), (INF, 2.0)]).is_err());
    assert!(ClassicHistogram::new(&[(1.0, -1.0), (INF, 2.0)]).is_err());
}

#[test]
fn prometheus_lenient_reading() {
    // Unsorted, a duplicate bound (counts add), and a dip that Prometheus flattens.
    let raw = [
        (INF, 100.0),
        (2.0, 40.0),
        (1.0, 20.0),
        (2.0, 10.0),
        (4.0, 45.0),
    ];
    let (h, forced) = ClassicHistogram::from_prometheus(&raw).unwrap();
    let b: Vec<(f64, f64)> = h.buckets().collect();
    assert_eq!(b, [(1.0, 20.0), (2.0, 50.0), (4.0, 50.0), (INF, 100.0)]);
    assert!(forced);
    // Float noise below 1e-12 relative is not a dip.
    let (h, forced) =
        ClassicHistogram::from_prometheus(&[(1.0, 1e6), (2.0, 1e6 - 1e-7), (INF, 2e6)]).unwrap();
    assert!(!forced);
    assert_eq!(h.buckets().nth(1), Some((2.0, 1e6)));
    assert!(ClassicHistogram::from_prometheus(&[(1.0, 1.0)]).is_err());
}

#[test]
fn deltas_between_snapshots_with_resets() {
    let t0 = ClassicHistogram::new(&[(0.1, 100.0), (1.0, 180.0), (INF, 200.0)]).unwrap();
    let t1 = ClassicHistogram::new(&[(0.1, 150.0), (1.0, 270.0), (INF, 300.0)]).unwrap();
    let (d, reset) = ClassicHistogram::delta(&t0, &t1).unwrap();
    assert!(!reset);
    assert_eq!(
        d.buckets().collect::<Vec<_>>(),
        [(0.1, 50.0), (1.0, 90.0), (INF, 100.0)]
    );
    // The process restarted: every bucket dropped, so each contributes its new count.
    let t2 = ClassicHistogram::new(&[(0.1, 5.0), (1.0, 8.0), (INF, 9.0)]).unwrap();
    let (d, reset) = ClassicHistogram::delta(&t1, &t2).unwrap();
    assert!(reset);
    assert_eq!(d.total(), 9.0);
    let other = ClassicHistogram::new(&[(0.5, 1.0), (INF, 2.0)]).unwrap();
    assert!(ClassicHistogram::delta(&t0, &other).is_err());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn quantiles_are_finite_monotone_and_bounded(
            steps in prop::collection::vec((0.01f64..10.0, 0u32..50), 1..20),
            qs in prop::collection::vec(0.0f64..=1.0, 2..10),
        ) {
            let mut le = -5.0;
            let mut count = 0.0;
            let mut buckets = Vec::new();
            for (width, add) in steps {
                le += width;
                count += f64::from(add);
                buckets.push((le, count));
            }
            buckets.push((INF, count + 1.0));
            let h = ClassicHistogram::new(&buckets).unwrap();
            let mut qs = qs;
            qs.sort_by(f64::total_cmp);
            let lowest = buckets[0].0.min(0.0);
            let highest = buckets[buckets.len() - 2].0;
            let mut prev = f64::NEG_INFINITY;
            for q in qs {
                let v = h.quantile(q).unwrap().unwrap();
                prop_assert!(v.is_finite() && v >= lowest && v <= highest, "{} {}", q, v);
                prop_assert!(v >= prev - 1e-12, "not monotone at {}", q);
                prev = v;
            }
            // The lenient reader accepts what the strict one does, unchanged.
            let (same, forced) = ClassicHistogram::from_prometheus(&buckets).unwrap();
            prop_assert!(!forced);
            prop_assert_eq!(same, h);
        }
    }
}

mod rank_test {
    use super::*;
    use canary_judge::Sample;
    use canary_judge::compare::histogram::mann_whitney;
    use canary_judge::compare::{Alternative, MannWhitney, Method};

    /// Expands per-bucket counts into a sample with value i for bucket i (ties).
    fn expand(cumulative: &[(f64, f64)]) -> Sample {
        let mut prev = 0.0;
        let mut v = Vec::new();
        for (i, &(_, c)) in cumulative.iter().enumerate() {
            v.extend(std::iter::repeat_n(i as f64, (c - prev) as usize));
            prev = c;
        }
        Sample::new(v).unwrap()
    }

    #[test]
    fn equals_the_test_on_expanded_samples() {
        let b = [
            (0.05, 120.0),
            (0.1, 400.0),
            (0.25, 700.0),
            (0.5, 780.0),
            (INF, 800.0),
        ];
        let c = [
            (0.05, 90.0),
            (0.1, 320.0),
            (0.25, 640.0),
            (0.5, 760.0),
            (INF, 800.0),
        ];
        let (hb, hc) = (
            ClassicHistogram::new(&b).unwrap(),
            ClassicHistogram::new(&c).unwrap(),
        );
        for alt in [
            Alternative::TwoSided,
            Alternative::Greater,
            Alternative::Less,
        ] {
            for cc in [true, false] {
                let t = MannWhitney::new()
                    .alternative(alt)
                    .continuity_correction(cc);
                let binned = mann_whitney(&hb, &hc, &t).unwrap();
                let full = t.test_only().compare(&expand(&b), &expand(&c)).unwrap();
                assert_eq!(binned.u_canary, full.u_canary);
                assert_eq!(binned.p_value, full.p_value, "{alt:?} {cc}");
                assert_eq!(binned.method, Method::Asymptotic);
            }
        }
        // Small counts: the exact permutation distribution, from the bins alone.
        let b = [(1.0, 2.0), (2.0, 5.0), (INF, 6.0)];
        let c = [(1.0, 0.0), (2.0, 3.0), (INF, 7.0)];
        let t = MannWhitney::new()
            .method(Method::Exact)
            .alternative(Alternative::Greater);
        let binned = mann_whitney(
            &ClassicHistogram::new(&b).unwrap(),
            &ClassicHistogram::new(&c).unwrap(),
            &t,
        )
        .unwrap();
        let full = t.test_only().compare(&expand(&b), &expand(&c)).unwrap();
        assert_eq!(
            (binned.u_canary, binned.p_value),
            (full.u_canary, full.p_value)
        );
    }

    #[test]
    fn mismatched_fractional_or_empty_histograms_are_errors() {
        let a = ClassicHistogram::new(&[(1.0, 2.0), (INF, 4.0)]).unwrap();
        let other = ClassicHistogram::new(&[(2.0, 2.0), (INF, 4.0)]).unwrap();
        let t = MannWhitney::new();
        assert!(mann_whitney(&a, &other, &t).is_err());
        let fractional = ClassicHistogram::new(&[(1.0, 2.5), (INF, 4.0)]).unwrap();
        assert!(mann_whitney(&a, &fractional, &t).is_err());
        let empty = ClassicHistogram::new(&[(1.0, 0.0), (INF, 0.0)]).unwrap();
        assert!(mann_whitney(&a, &empty, &t).is_err());
    }
}

mod exponential {
    use canary_judge::compare::histogram::ExponentialHistogram;
    use proptest::prelude::*;

    /// The bucket of |v| at `scale`: the i with base^i < |v| ≤ base^(i+1), found from
    /// log2 and then corrected against the bounds themselves.
    fn index(v: f64, scale: i32) -> i64 {
        let f = 2f64.powi(scale);
        let bound = |i: i64| 2f64.powf(i as f64 / f);
        let mut i = (v.log2() * f).ceil() as i64 - 1;
        while v > bound(i + 1) {
            i += 1;
        }
        while v <= bound(i) {
            i -= 1;
        }
        i
    }

    fn build(values: &[f64], scale: i32) -> ExponentialHistogram {
        let (pos, neg): (Vec<i64>, Vec<i64>) = (
            values
                .iter()
                .filter(|&&v| v > 0.0)
                .map(|&v| index(v, scale))
                .collect(),
            values
                .iter()
                .filter(|&&v| v < 0.0)
                .map(|&v| index(-v, scale))
                .collect(),
        );
        let run = |idx: &[i64]| -> (i32, Vec<u64>) {
            let (Some(&lo), Some(&hi)) = (idx.iter().min(), idx.iter().max()) else {
                return (0, vec![]);
            };
            let mut counts = vec![0u64; (hi - lo + 1) as usize];
            for &i in idx {
                counts[(i - lo) as usize] += 1;
            }
            (lo as i32, counts)
        };
        let ((po, pc), (no, nc)) = (run(&pos), run(&neg));
        let zeros = values.iter().filter(|&&v| v == 0.0).count() as u64;
        ExponentialHistogram::new(scale, zeros, po, pc, no, nc).unwrap()
    }

    proptest! {
        #[test]
        fn quantiles_within_the_format_bound(
            values in prop::collection::vec(prop_oneof![1e-3f64..1e4, -1e4f64..-1e-3, Just(0.0)], 1..300),
            scale in prop_oneof![Just(0), Just(2), Just(5), Just(8)],
            q in 0.0f64..=1.0,
        ) {
            let h = build(&values, scale);
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let want = sorted[(q * (sorted.len() - 1) as f64).floor() as usize];
            let got = h.quantile(q).unwrap().unwrap();
            let bound = h.relative_error_bound();
            prop_assert!((got - want).abs() <= bound * want.abs() * (1.0 + 1e-9), "{} vs {} (bound {})", got, want, bound);
        }
    }

    #[test]
    fn bad_input_and_empty() {
        assert!(ExponentialHistogram::new(21, 0, 0, vec![], 0, vec![]).is_err());
        assert!(ExponentialHistogram::new(-11, 0, 0, vec![], 0, vec![]).is_err());
        assert!(ExponentialHistogram::new(0, 0, i32::MAX, vec![1, 1], 0, vec![]).is_err());
        let empty = ExponentialHistogram::new(3, 0, 0, vec![], 0, vec![]).unwrap();
        assert_eq!(empty.quantile(0.5).unwrap(), None);
        assert!(empty.quantile(-0.5).is_err());
        // Scale −10 has base 2^1024, beyond f64: the bound is its limit 1, not NaN.
        let coarse = ExponentialHistogram::new(-10, 0, -1, vec![3, 2], 0, vec![]).unwrap();
        assert_eq!(coarse.relative_error_bound(), 1.0);
        assert!(coarse.quantile(0.9).unwrap().unwrap().is_finite());
        // The largest indices saturate instead of overflowing to infinity.
        let huge = ExponentialHistogram::new(-10, 0, 1_000_000, vec![1], 0, vec![]).unwrap();
        assert!(huge.quantile(0.5).unwrap().unwrap().is_finite());
    }
}
