//! Every public state and result type reloads bit for bit through plain serde_json
//! (no `float_roundtrip`: its float parser may be one ulp off on 17-digit numbers),
//! and no value is written as null.

use canary_judge::burn::Objective;
use canary_judge::input::histogram::{ClassicHistogram, ExponentialHistogram};
use canary_judge::input::sketch::Sketch;
use canary_judge::sequential::SequentialTest;
use canary_judge::sequential::counts::CountRateTest;
use canary_judge::sequential::means::{NormalMsprt, TTest, Variance};
use canary_judge::sequential::proportions::{BernoulliCs, ProportionTest};
use canary_judge::sequential::quantiles::QuantileTest;
use canary_judge::sequential::sprt::{GammaPoisson, Hypotheses, Sprt};
use canary_judge::{Direction, EventCounts, Margin, Metric, Policy, Sample};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The crate's seeded generator; `uniform_open` draws all 53 bits, values that need
/// 17 digits to round-trip.
type Rng = canary_judge::rng::SplitMix64;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let text = serde_json::to_string(value).unwrap();
    assert!(!text.contains("null"), "null written: {text}");
    let back: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(&back, value, "{text}");
    // And once more, so that what was read writes the same text.
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
}

/// The control: this build's parser really is the inexact one, so the tests below
/// can fail (if float_roundtrip is ever unified in, this says so).
#[test]
fn this_build_parses_floats_without_float_roundtrip() {
    let v = 0.010010020000000001_f64;
    let text = serde_json::to_string(&v).unwrap();
    assert_ne!(serde_json::from_str::<f64>(&text).unwrap(), v);
}

#[test]
fn sequential_states_reload_bit_for_bit() {
    let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15);
    let up = Direction::HigherIsWorse;
    for _ in 0..300 {
        let share = 0.01 + 0.98 * rng.uniform_open();
        let mut c = CountRateTest::builder(share)
            .alpha(canary_judge::Alpha::new(0.01 + 0.1 * rng.uniform_open()).unwrap())
            .margin(Margin::Relative(rng.uniform_open()))
            .build()
            .unwrap();
        let mut t = TTest::builder(up)
            .effect_size(rng.uniform_open())
            .margin(Margin::Absolute(rng.uniform_open()))
            .build()
            .unwrap();
        let known = Variance::Known {
            baseline: rng.uniform_open(),
            canary: rng.uniform_open(),
        };
        let mut m = NormalMsprt::new(
            canary_judge::Alpha::FIVE_PERCENT,
            rng.uniform_open(),
            known,
            up,
        )
        .unwrap();
        let mut p =
            ProportionTest::new(canary_judge::Alpha::FIVE_PERCENT, rng.uniform_open(), up).unwrap();
        let mut b = BernoulliCs::new(
            canary_judge::Alpha::FIVE_PERCENT,
            1.0 + 100.0 * rng.uniform_open(),
            rng.uniform_open(),
            up,
        )
        .unwrap();
        let mut q = QuantileTest::builder(rng.uniform_open(), up)
            .t_opt(1.0 + 100.0 * rng.uniform_open())
            .margin(Margin::Relative(rng.uniform_open()))
            .build()
            .unwrap();
        let mut s = Sprt::new(
            Hypotheses::RateRatio {
                canary_share: share,
                ratio: 1.0 + rng.uniform_open(),
            },
            canary_judge::Alpha::FIVE_PERCENT,
            0.1,
        )
        .unwrap();
        let mut g =
            GammaPoisson::new(rng.uniform_open(), canary_judge::Alpha::FIVE_PERCENT).unwrap();
        for _ in 0..1 + rng.below(20) {
            let (x, y) = (100.0 * rng.uniform_open(), 100.0 * rng.uniform_open());
            c.update(rng.below(50), rng.below(50)).unwrap();
            t.update(&[x], &[y]).unwrap();
            m.update(&[y], &[x]).unwrap();
            let n = 1 + rng.below(100);
            let e = EventCounts::new(rng.below(n), n).unwrap();
            p.update(e, e).unwrap();
            b.update(rng.below(n), n).unwrap();
            q.update(&[x, y], &[y * 1.1]).unwrap();
            s.update_counts(rng.below(9), rng.below(9)).unwrap();
            g.update(rng.below(9), 3.0 * rng.uniform_open()).unwrap();
            c.check();
            t.check();
            m.check();
            p.check();
            b.check();
            q.check();
            s.check();
            g.check();
        }
        round_trip(&c);
        round_trip(&t);
        round_trip(&m);
        round_trip(&p);
        round_trip(&b);
        round_trip(&q);
        round_trip(&s);
        round_trip(&g);
    }
}

#[test]
fn inputs_and_verdicts_reload_bit_for_bit() {
    let mut rng = Rng::new(12345);
    for _ in 0..300 {
        round_trip(&Objective::new(rng.uniform_open()).unwrap());
        let values: Vec<f64> = (0..20).map(|_| 1e3 * rng.uniform_open() - 500.0).collect();
        round_trip(&Sample::new(values.clone()).unwrap());
        let mut sketch = Sketch::new(0.001 + 0.1 * rng.uniform_open()).unwrap();
        values.iter().for_each(|&v| sketch.insert(v));
        round_trip(&sketch);
        let (a, b) = (rng.uniform_open(), 1.0 + rng.uniform_open());
        let h = ClassicHistogram::new(&[
            (a, 3.0),
            (b, 5.0 + rng.uniform_open()),
            (f64::INFINITY, 9.0),
        ]);
        round_trip(&h.unwrap());
        let e = ExponentialHistogram::new(3, 1, -2, vec![1, 2], 0, vec![])
            .unwrap()
            .with_zero_threshold(rng.uniform_open())
            .unwrap();
        round_trip(&e);
        let base: Vec<f64> = (0..30).map(|_| 100.0 * rng.uniform_open()).collect();
        let canary: Vec<f64> = base
            .iter()
            .map(|v| v * (1.0 + 0.2 * rng.uniform_open()))
            .collect();
        let metrics = [Metric::new(
            "latency",
            Sample::new(base).unwrap(),
            Sample::new(canary).unwrap(),
        )
        .margin(Margin::Relative(0.1 * rng.uniform_open()))];
        round_trip(&Policy::default().judge(&metrics).unwrap());
    }
}

/// The default policy's state: an Analysis under a family policy over the paired
/// checks with tails and the signed-rank test, per-request values of unequal counts,
/// reloaded at every tick; the sign test with tails alone; observations with NaN.
#[test]
fn default_policy_state_reloads_bit_for_bit() {
    use canary_judge::policy::Family;
    use canary_judge::sequential::paired::SignTest;
    use canary_judge::{Analysis, MetricKind, MetricSpec, Observation, Plan};
    let mut rng = Rng::new(777);
    for _ in 0..20 {
        let family = Family::new(canary_judge::Alpha::FIVE_PERCENT)
            .anytime_share(0.1 + 0.8 * rng.uniform_open());
        let plan = Plan::new(vec![
            MetricSpec::default_for("latency", MetricKind::Latency),
            MetricSpec::default_for("cpu", MetricKind::Level),
        ])
        .planned_ticks(15)
        .policy(Policy {
            family: Some(family),
        });
        round_trip(&plan);
        let mut a = Analysis::new(plan).unwrap();
        let mut tails = SignTest::builder(Direction::Either)
            .alpha(canary_judge::Alpha::ONE_PERCENT)
            .with_tails()
            .build()
            .unwrap();
        for t in 0..20u64 {
            let mut side =
                |n: usize| -> Vec<f64> { (0..n).map(|_| 100.0 * rng.uniform_open()).collect() };
            let (b, c) = (side(1 + t as usize % 4), side(1 + t as usize % 3));
            tails.update(&b, &c).unwrap();
            tails.check();
            for m in ["latency", "cpu"] {
                let obs = Observation::Values {
                    baseline: b.clone(),
                    canary: c.clone(),
                };
                a.observe(t, m, &obs).unwrap();
            }
            a.decide(t).unwrap();
            round_trip(&a);
            round_trip(&tails);
            round_trip(&a.verdict(t).unwrap());
        }
    }
    // NaN in raw observations is data (the metric's NaN policy handles it): it
    // survives the round trip as "nan".
    let obs = Observation::Values {
        baseline: vec![f64::NAN, 0.1 + 0.2],
        canary: vec![f64::INFINITY],
    };
    let text = serde_json::to_string(&obs).unwrap();
    assert!(!text.contains("null"), "{text}");
    let back: Observation = serde_json::from_str(&text).unwrap();
    match back {
        Observation::Values { baseline, canary } => {
            assert!(baseline[0].is_nan());
            assert_eq!(baseline[1], 0.1 + 0.2);
            assert_eq!(canary, vec![f64::INFINITY]);
        }
        _ => panic!("{text}"),
    }
}
