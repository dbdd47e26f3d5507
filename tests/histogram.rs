//! Prometheus classic histograms: `histogram_quantile` semantics (promql/quantile.go,
//! `bucketQuantile`) and snapshot deltas with counter resets. Expected values are
//! worked by hand from PromQL's documented rules, each stated beside its assertion.

mod common;

use canary_judge::input::histogram::ClassicHistogram;

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

/// Found by the `quantiles` fuzz target: a rank in the bucket just above
/// `le = -Inf` interpolated from −∞ (NaN), and bounds of opposite signs near
/// ±f64::MAX overflowed the bucket's width.
#[test]
fn quantiles_at_extreme_bounds_are_never_nan() {
    let h = ClassicHistogram::new(&[(f64::NEG_INFINITY, 1.0), (0.0, 10.0), (INF, 10.0)]).unwrap();
    // rank 5 lies in (−∞, 0]: no finite start, so the bucket's upper bound.
    assert_eq!(h.quantile(0.5).unwrap(), Some(0.0));
    // rank ≤ 1 is reached by the −∞ bucket itself: its bound, as for any bound ≤ 0.
    assert_eq!(h.quantile(0.05).unwrap(), Some(f64::NEG_INFINITY));
    let wide = ClassicHistogram::new(&[(-f64::MAX, 2.0), (f64::MAX, 4.0), (INF, 4.0)]).unwrap();
    // rank 3 in (−MAX, MAX], halfway: −MAX·½ + MAX·½ = 0 (the width MAX − (−MAX)
    // overflows).
    assert_eq!(wide.quantile(0.75).unwrap(), Some(0.0));
    let q = wide.quantile(0.625).unwrap().unwrap();
    assert!(q.is_finite() && q < 0.0 && q > -f64::MAX, "{q}");
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
    use canary_judge::input::histogram::ExponentialHistogram;
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

    pub(super) fn build(values: &[f64], scale: i32) -> ExponentialHistogram {
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

/// Quantile intervals and percentile deltas from binned data: the interval's ends are
/// the edges of the bins holding the order statistics of the raw-sample interval.
mod binned_intervals {
    use canary_judge::compare::quantile::{
        PercentileDelta, PercentileDeltaOutcome, QuantileInterval, percentile_delta,
        quantile_interval,
    };
    use canary_judge::input::histogram::{ClassicHistogram, ExponentialHistogram};
    use canary_judge::input::sketch::Sketch;
    use canary_judge::{Direction, Sample};
    use proptest::prelude::*;

    use super::INF;
    use super::common::Rng;

    /// Prometheus's default buckets (client_golang `DefBuckets`), in seconds.
    const DEFAULT_BUCKETS: [f64; 11] = [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    ];

    /// A classic histogram of `values` over `bounds` (+Inf appended): cumulative
    /// counts of values ≤ each bound, counted directly.
    fn classic(values: &[f64], bounds: &[f64]) -> ClassicHistogram {
        let mut buckets: Vec<(f64, f64)> = bounds
            .iter()
            .map(|&le| (le, values.iter().filter(|&&v| v <= le).count() as f64))
            .collect();
        buckets.push((INF, values.len() as f64));
        ClassicHistogram::new(&buckets).unwrap()
    }

    fn sketch(values: &[f64], alpha: f64) -> Sketch {
        let mut s = Sketch::new(alpha).unwrap();
        values.iter().for_each(|&v| s.insert(v));
        s
    }

    /// The binned interval has the raw interval's ranks and encloses its ends (or both
    /// say the same n is needed).
    fn encloses(raw: QuantileInterval, binned: QuantileInterval, what: &str) {
        match (raw, binned) {
            (
                QuantileInterval::Interval {
                    lower,
                    upper,
                    lower_rank,
                    upper_rank,
                    achieved_level,
                },
                QuantileInterval::Interval {
                    lower: bl,
                    upper: bu,
                    lower_rank: blr,
                    upper_rank: bur,
                    achieved_level: ba,
                },
            ) => {
                assert_eq!(
                    (lower_rank, upper_rank, achieved_level),
                    (blr, bur, ba),
                    "{what}"
                );
                assert!(
                    bl <= lower && upper <= bu,
                    "{what}: [{bl}, {bu}] vs [{lower}, {upper}]"
                );
            }
            (raw, binned) => assert_eq!(raw, binned, "{what}"),
        }
    }

    proptest! {
        #[test]
        fn binned_intervals_enclose_the_raw_interval(
            values in prop::collection::vec(
                prop_oneof![1e-4f64..20.0, (0u8..6).prop_map(|k| DEFAULT_BUCKETS[usize::from(k)]), Just(0.0)],
                1..500,
            ),
            p in prop::sample::select(vec![0.1, 0.5, 0.9, 0.99]),
            level in prop::sample::select(vec![0.8, 0.9, 0.95]),
        ) {
            let raw = quantile_interval(&Sample::new(values.iter().copied()).unwrap(), p, level).unwrap();
            encloses(raw, quantile_interval(&classic(&values, &DEFAULT_BUCKETS), p, level).unwrap(), "classic");
            encloses(raw, quantile_interval(&super::exponential::build(&values, 3), p, level).unwrap(), "exponential");
            encloses(raw, quantile_interval(&sketch(&values, 0.02), p, level).unwrap(), "sketch");
            // Signed values through the exponential histogram and the sketch.
            let signed: Vec<f64> = values.iter().enumerate().map(|(i, v)| if i % 3 == 0 { -v } else { *v }).collect();
            let raw = quantile_interval(&Sample::new(signed.iter().copied()).unwrap(), p, level).unwrap();
            encloses(raw, quantile_interval(&super::exponential::build(&signed, 1), p, level).unwrap(), "exponential signed");
            encloses(raw, quantile_interval(&sketch(&signed, 0.05), p, level).unwrap(), "sketch signed");
        }
    }

    #[test]
    fn worked_classic_interval() {
        // 1000 observations: 600 ≤ 0.1, 300 in (0.1, 0.25], 90 in (0.25, 0.5], 10 above 1.
        let h = ClassicHistogram::new(&[
            (0.1, 600.0),
            (0.25, 900.0),
            (0.5, 990.0),
            (1.0, 990.0),
            (INF, 1000.0),
        ])
        .unwrap();
        // p90 at 95%: binomial(1000, 0.9) ranks l = 881, u = 919 (scipy.stats.binom:
        // cdf(880) = 0.0220 ≤ 0.025 < cdf(881) = 0.0278; cdf(918) = 0.9769 ≥ 0.975 >
        // cdf(917) = 0.9701). Rank 881 lies in (0.1, 0.25], rank 919 in (0.25, 0.5].
        let QuantileInterval::Interval {
            lower,
            upper,
            lower_rank,
            upper_rank,
            ..
        } = quantile_interval(&h, 0.9, 0.95).unwrap()
        else {
            panic!()
        };
        assert_eq!((lower_rank, upper_rank), (881, 919));
        assert!((lower - 0.1).abs() < 1e-12 && (upper - 0.5).abs() < 1e-12);
        // p99.5 at 90%: ranks 991 and 999 (scipy.stats.binom as above), both beyond the
        // 990 observations ≤ 1: the interval is the +Inf bucket, (1, +∞).
        let QuantileInterval::Interval {
            lower,
            upper,
            lower_rank,
            upper_rank,
            ..
        } = quantile_interval(&h, 0.995, 0.9).unwrap()
        else {
            panic!()
        };
        assert_eq!((lower_rank, upper_rank), (991, 999));
        assert!(
            (lower - 1.0).abs() < 1e-12 && upper == INF,
            "[{lower}, {upper}]"
        );
        // Fractional counts (a rate, an extrapolated increase) have no binomial n.
        let rate = ClassicHistogram::new(&[(0.1, 0.5), (INF, 2.5)]).unwrap();
        assert!(quantile_interval(&rate, 0.5, 0.9).is_err());
        // A lowest bound ≤ 0 leaves the lowest bucket open below.
        let signed = ClassicHistogram::new(&[(0.0, 500.0), (1.0, 1000.0), (INF, 1000.0)]).unwrap();
        let QuantileInterval::Interval { lower, .. } =
            quantile_interval(&signed, 0.1, 0.9).unwrap()
        else {
            panic!()
        };
        assert_eq!(lower, f64::NEG_INFINITY);
    }

    #[test]
    fn deltas_across_kinds_of_source() {
        let mut rng = Rng::new(0x05ee_d00f_b1ad);
        let base: Vec<f64> = (0..20_000)
            .map(|_| 0.1 * (0.5 * rng.normal()).exp())
            .collect();
        let slow: Vec<f64> = (0..20_000)
            .map(|_| 0.13 * (0.5 * rng.normal()).exp())
            .collect();
        // Buckets 10 ms wide from 50 ms to 500 ms.
        let fine: Vec<f64> = (5..=50).map(|k| f64::from(k) / 100.0).collect();
        let outcome = |d: PercentileDeltaOutcome| match d {
            PercentileDeltaOutcome::Delta(d) => d,
            other => panic!("{other:?}"),
        };
        let raw = outcome(
            percentile_delta(
                &Sample::new(base.clone()).unwrap(),
                &Sample::new(slow.clone()).unwrap(),
                0.9,
                0.95,
            )
            .unwrap(),
        );
        let hist = outcome(
            percentile_delta(&classic(&base, &fine), &classic(&slow, &fine), 0.9, 0.95).unwrap(),
        );
        let mixed = outcome(
            percentile_delta(&classic(&base, &fine), &sketch(&slow, 0.01), 0.9, 0.95).unwrap(),
        );
        let expo = outcome(
            percentile_delta(
                &super::exponential::build(&base, 4),
                &super::exponential::build(&slow, 4),
                0.9,
                0.95,
            )
            .unwrap(),
        );
        // True change +30%: every source sees more than a 10% regression.
        for d in [raw, hist, mixed, expo] {
            let up = canary_judge::Direction::HigherIsWorse;
            let worse = d.judge(up, canary_judge::Margin::Relative(0.10)).unwrap();
            assert_eq!(
                worse,
                canary_judge::Judgement::Fail(canary_judge::Side::High),
                "{d:?}"
            );
            let (lo, hi) = d.relative.unwrap();
            assert!(lo <= 0.3 && 0.3 <= hi, "{d:?}");
            // Binned intervals contain the raw one.
            assert!(lo <= raw.relative.unwrap().0 && raw.relative.unwrap().1 <= hi);
        }
        // Coarse bins lose power: the default buckets (0.1, 0.25] cannot resolve 30%.
        let coarse = outcome(
            percentile_delta(
                &classic(&base, &DEFAULT_BUCKETS),
                &classic(&slow, &DEFAULT_BUCKETS),
                0.9,
                0.95,
            )
            .unwrap(),
        );
        assert_eq!(
            coarse
                .judge(
                    canary_judge::Direction::HigherIsWorse,
                    canary_judge::Margin::Relative(0.10)
                )
                .unwrap(),
            canary_judge::Judgement::Inconclusive,
            "{coarse:?}"
        );
    }

    #[test]
    fn no_estimate_and_insufficient_data() {
        let only_inf = ClassicHistogram::new(&[(INF, 1000.0)]).unwrap();
        let h = ClassicHistogram::new(&[(1.0, 500.0), (INF, 1000.0)]).unwrap();
        assert_eq!(
            percentile_delta(&only_inf, &h, 0.5, 0.9).unwrap(),
            PercentileDeltaOutcome::NoEstimate
        );
        let empty = ClassicHistogram::new(&[(1.0, 0.0), (INF, 0.0)]).unwrap();
        // p99 at √0.9 per side needs 0.99^n ≤ 0.02566: n = 365.
        assert_eq!(
            percentile_delta(&empty, &h, 0.99, 0.9).unwrap(),
            PercentileDeltaOutcome::InsufficientData { needed: 365 }
        );
        let s = Sketch::new(0.01).unwrap();
        assert_eq!(
            quantile_interval(&s, 0.5, 0.95).unwrap(),
            QuantileInterval::InsufficientData { needed: 6 }
        );
    }

    /// Coverage of the true change at 90% jointly, from Prometheus histograms (default
    /// buckets), OpenTelemetry exponential histograms and sketches, n from 20 to 10^5.
    #[test]
    fn binned_deltas_cover_the_true_change() {
        let mut rng = Rng::new(0x000b_14ed_c0e5);
        // (n, p, reps): log-normal latencies 0.1·e^{0.8Z} s, canary 20% slower.
        for (n, p, reps, z) in [
            (20usize, 0.5, 300, 0.0),
            (1000, 0.9, 200, 1.2815515655446004),
            (5000, 0.99, 100, 2.3263478740408408),
            (100_000, 0.99, 12, 2.3263478740408408),
        ] {
            let truth_b = 0.1 * (0.8f64 * z).exp();
            let rel = 0.2;
            let abs = truth_b * rel;
            let mut hits = [[0usize; 2]; 3];
            for _ in 0..reps {
                let b: Vec<f64> = (0..n).map(|_| 0.1 * (0.8 * rng.normal()).exp()).collect();
                let c: Vec<f64> = (0..n).map(|_| 0.12 * (0.8 * rng.normal()).exp()).collect();
                let deltas = [
                    percentile_delta(
                        &classic(&b, &DEFAULT_BUCKETS),
                        &classic(&c, &DEFAULT_BUCKETS),
                        p,
                        0.9,
                    ),
                    percentile_delta(
                        &super::exponential::build(&b, 2),
                        &super::exponential::build(&c, 2),
                        p,
                        0.9,
                    ),
                    percentile_delta(&sketch(&b, 0.02), &sketch(&c, 0.02), p, 0.9),
                ];
                for (k, d) in deltas.into_iter().enumerate() {
                    let PercentileDeltaOutcome::Delta(d) = d.unwrap() else {
                        panic!("n={n} p={p}")
                    };
                    let (lo, hi) = d.absolute;
                    hits[k][0] += usize::from(lo <= abs && abs <= hi);
                    let (lo, hi) = d.relative.unwrap();
                    hits[k][1] += usize::from(lo <= rel && rel <= hi);
                }
            }
            let floor = 0.9 - 2.0 * (0.9f64 * 0.1 / reps as f64).sqrt();
            for (k, kind) in ["classic", "exponential", "sketch"].iter().enumerate() {
                for (j, what) in ["absolute", "relative"].iter().enumerate() {
                    let rate = hits[k][j] as f64 / reps as f64;
                    assert!(rate >= floor, "n={n} p={p} {kind} {what}: {rate}");
                }
            }
        }
    }

    #[test]
    fn judging_by_direction_and_margin() {
        let d = |lo: f64, hi: f64| PercentileDelta {
            p: 0.99,
            baseline: 1.0,
            canary: 1.0 + (lo + hi) / 2.0,
            absolute: (lo, hi),
            relative: Some((lo, hi)),
            level: 0.95,
        };
        use Direction::*;
        use canary_judge::{Judgement, Margin};
        #[derive(Debug, PartialEq)]
        enum Three {
            Fail,
            Pass,
            Inconclusive,
        }
        use Three::*;
        let three = |j: Judgement| match j {
            Judgement::Fail(_) => Fail,
            Judgement::Pass => Pass,
            _ => Inconclusive,
        };
        // (interval, direction, margin, expected for relative and absolute alike)
        let table = [
            ((0.15, 0.3), HigherIsWorse, 0.1, Fail),
            ((0.02, 0.08), HigherIsWorse, 0.1, Pass),
            ((-0.5, -0.3), HigherIsWorse, 0.1, Pass),
            ((0.05, 0.15), HigherIsWorse, 0.1, Inconclusive),
            ((-0.3, -0.15), LowerIsWorse, 0.1, Fail),
            ((0.2, 0.5), LowerIsWorse, 0.1, Pass),
            ((-0.15, 0.0), LowerIsWorse, 0.1, Inconclusive),
            ((-0.3, -0.15), Either, 0.1, Fail),
            ((0.15, 0.3), Either, 0.1, Fail),
            ((-0.05, 0.05), Either, 0.1, Pass),
            ((-0.05, 0.15), Either, 0.1, Inconclusive),
            ((0.0, 0.0), Either, 0.0, Inconclusive),
        ];
        for ((lo, hi), dir, m, want) in table {
            let delta = d(lo, hi);
            assert_eq!(
                three(delta.judge(dir, Margin::Relative(m)).unwrap()),
                want,
                "{lo} {hi} {dir:?}"
            );
            assert_eq!(
                three(delta.judge(dir, Margin::Absolute(m)).unwrap()),
                want,
                "{lo} {hi} {dir:?}"
            );
        }
        let delta = d(0.15, 0.3);
        for bad in [-0.1, f64::NAN, INF] {
            assert!(delta.judge(HigherIsWorse, Margin::Relative(bad)).is_err());
        }
        let no_relative = PercentileDelta {
            relative: None,
            ..delta
        };
        assert_eq!(
            three(
                no_relative
                    .judge(HigherIsWorse, Margin::Relative(0.1))
                    .unwrap()
            ),
            Inconclusive
        );
        assert_eq!(
            three(
                no_relative
                    .judge(HigherIsWorse, Margin::Absolute(0.1))
                    .unwrap()
            ),
            Fail
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn open_ended_deltas_round_trip_through_json() {
        let h = ClassicHistogram::new(&[(0.5, 990.0), (1.0, 990.0), (INF, 1000.0)]).unwrap();
        let PercentileDeltaOutcome::Delta(d) = percentile_delta(&h, &h, 0.995, 0.9).unwrap() else {
            panic!()
        };
        assert_eq!(d.absolute.1, INF);
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains("\"inf\""), "{json}");
        let back: PercentileDelta = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        let _ = ExponentialHistogram::new(0, 0, 0, vec![1], 0, vec![]).unwrap();
    }
}

#[cfg(feature = "serde")]
#[test]
fn classic_histograms_serialise_their_inf_bound_as_text() {
    let h = ClassicHistogram::new(&[(0.5, 3.0), (INF, 4.0)]).unwrap();
    let json = serde_json::to_string(&h).unwrap();
    assert_eq!(json, r#"{"bounds":[0.5,"inf"],"counts":[3.0,4.0]}"#);
}
