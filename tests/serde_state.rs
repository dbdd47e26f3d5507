//! Saved state that breaks an invariant does not load: deserialisation applies the
//! constructors' checks and each test's state invariants, with the same errors.

#![cfg(feature = "serde")]

use canary_judge::Direction;
use canary_judge::burn::Objective;
use canary_judge::sequential::SequentialTest;
use canary_judge::sequential::counts::CountRateTest;
use canary_judge::sequential::quantiles::QuantileTest;
use canary_judge::sequential::sprt::{Hypotheses, Sprt};
use serde_json::{Value, json};

/// Serialises `value`, applies `edit` to the JSON, and tries to load it back.
fn edited<T: serde::Serialize + serde::de::DeserializeOwned>(
    value: &T,
    edit: impl FnOnce(&mut Value),
) -> Result<T, String> {
    let mut v = serde_json::to_value(value).unwrap();
    edit(&mut v);
    serde_json::from_value(v).map_err(|e| e.to_string())
}

fn assert_refused<T: serde::Serialize + serde::de::DeserializeOwned>(
    value: &T,
    field: &str,
    edit: impl FnOnce(&mut Value),
) {
    match edited(value, edit) {
        Ok(_) => panic!("a state with a bad {field} loaded"),
        Err(e) => assert!(
            e.contains(field),
            "expected an error naming {field:?}, got {e:?}"
        ),
    }
}

#[test]
fn objectives_outside_zero_one_do_not_load() {
    for bad in [json!(1.0), json!(0.0), json!(-0.5), json!(1.5)] {
        let e = serde_json::from_value::<Objective>(json!({ "target": bad })).unwrap_err();
        assert!(e.to_string().contains("objective"), "{e}");
    }
    let ok: Objective = serde_json::from_value(json!({ "target": 0.999 })).unwrap();
    assert_eq!(ok, Objective::new(0.999).unwrap());
}

#[test]
fn count_rate_tests_with_bad_parameters_or_state_do_not_load() {
    let mut t = CountRateTest::new(0.1, canary_judge::Alpha::FIVE_PERCENT).unwrap();
    t.update(100, 20).unwrap();
    t.check();
    // A valid state still round-trips.
    assert_eq!(edited(&t, |_| {}).unwrap(), t);
    assert_refused(&t, "alpha", |v| v["monitor"]["alpha"] = json!(5.0));
    assert_refused(&t, "prior concentration k", |v| v["k"] = json!(-1.0));
    assert_refused(&t, "sum of the traffic shares", |v| {
        v["baseline_share"] = json!(0.5)
    });
    assert_refused(&t, "margin", |v| v["margin"] = json!({"relative": -0.1}));
    assert_refused(&t, "margin of a count rate test", |v| {
        v["margin"] = json!({"absolute": 0.1})
    });
    assert_refused(&t, "running maximum of ln E", |v| {
        v["monitor"]["max_log_e"] = json!(-3.0)
    });
    assert_refused(&t, "p-value", |v| {
        v["monitor"]["last"]["p_value"] = json!(1.5)
    });
}

#[test]
fn quantile_tests_with_bad_parameters_or_tallies_do_not_load() {
    let mut t = QuantileTest::new(
        0.9,
        canary_judge::Alpha::FIVE_PERCENT,
        100.0,
        Direction::HigherIsWorse,
    )
    .unwrap();
    t.update(&[1.0, 2.0, 3.0, 2.0], &[1.5, 2.5]).unwrap();
    t.check();
    assert_eq!(edited(&t, |_| {}).unwrap(), t);
    assert_refused(&t, "quantile probability", |v| v["p"] = json!(1.5));
    assert_refused(&t, "t_opt", |v| v["t_opt"] = json!(-4.0));
    // Tallies: runs out of order, a zero count, a key that decodes to NaN.
    let runs = |v: &Value| v["baseline"]["runs"].as_array().unwrap().clone();
    let saved = serde_json::to_value(&t).unwrap();
    assert!(runs(&saved).len() >= 2, "{saved}");
    assert_refused(&t, "tally", |v| {
        let mut r = runs(v);
        r.reverse();
        v["baseline"]["runs"] = Value::Array(r);
    });
    assert_refused(&t, "tally", |v| v["baseline"]["runs"][0][1] = json!(0));
    assert_refused(&t, "tally", |v| {
        // The order key of a positive NaN (sign bit set on top of its bits).
        v["canary"]["pending"] = json!([f64::NAN.to_bits() | 1 << 63])
    });
    // Bucket mode: keys must be bucket bounds.
    let mut b = QuantileTest::with_buckets(
        0.9,
        canary_judge::Alpha::FIVE_PERCENT,
        100.0,
        Direction::HigherIsWorse,
        &[0.1, 1.0, f64::INFINITY],
    )
    .unwrap();
    b.update_buckets(&[1, 2, 0], &[0, 1, 1]).unwrap();
    assert_eq!(edited(&b, |_| {}).unwrap(), b);
    let raw_key = serde_json::to_value(&t).unwrap()["baseline"]["runs"][0][0].clone();
    assert_refused(&b, "tally", |v| v["baseline"]["runs"][0][0] = raw_key);
    assert_refused(&b, "bucket bounds", |v| {
        v["bounds"] = json!([1.0, 0.1, "inf"])
    });
}

#[test]
fn sprts_with_bad_hypotheses_do_not_load() {
    let mut s = Sprt::new(
        Hypotheses::Bernoulli { p0: 0.01, p1: 0.02 },
        canary_judge::Alpha::FIVE_PERCENT,
        0.1,
    )
    .unwrap();
    s.update_bernoulli(3, 100).unwrap();
    s.check();
    assert_eq!(edited(&s, |_| {}).unwrap(), s);
    assert_refused(&s, "Bernoulli hypotheses", |v| {
        v["hypotheses"]["bernoulli"]["p1"] = json!(1.5)
    });
    assert_refused(&s, "alpha", |v| v["alpha"] = json!(0.0));
    assert_refused(&s, "beta", |v| v["beta"] = json!(1.0));
}

/// A classic histogram reads back what it writes (it used to serialise but not
/// deserialise at all), −∞ and +∞ bounds included, and a stored histogram that
/// breaks [`ClassicHistogram::new`]'s checks does not load.
#[test]
fn classic_histograms_round_trip_and_validate() {
    use canary_judge::input::histogram::ClassicHistogram;
    let inf = f64::INFINITY;
    for buckets in [
        vec![(0.5, 3.0), (inf, 4.0)],
        vec![(-inf, 1.0), (0.0, 2.0), (inf, 2.0)],
    ] {
        let h = ClassicHistogram::new(&buckets).unwrap();
        let text = serde_json::to_string(&h).unwrap();
        assert!(!text.contains("null"), "{text}");
        assert_eq!(serde_json::from_str::<ClassicHistogram>(&text).unwrap(), h);
    }
    for (bad, field) in [
        (
            json!({"bounds": [0.5, "inf"], "counts": [3.0]}),
            "one per bound",
        ),
        (
            json!({"bounds": [0.5, 0.1, "inf"], "counts": [1.0, 2.0, 3.0]}),
            "bucket bound",
        ),
        (
            json!({"bounds": [0.5, 1.0], "counts": [1.0, 2.0]}),
            "last bucket bound",
        ),
        (
            json!({"bounds": [0.5, "inf"], "counts": [3.0, 2.0]}),
            "cumulative bucket count",
        ),
        (
            json!({"bounds": [0.5, "inf"], "counts": [-1.0, 2.0]}),
            "bucket count",
        ),
    ] {
        let e = serde_json::from_value::<ClassicHistogram>(bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains(field), "{field}: {e}");
    }
}

/// A relative margin that overflows to +∞ is written as "inf", not null, and the
/// verdict reads back.
#[test]
fn infinite_margins_are_not_written_as_null() {
    use canary_judge::{Margin, Metric, Policy, Sample};
    let base = Sample::new([1e300, 1.1e300, 1.2e300, 1.3e300, 1.05e300]).unwrap();
    let canary = Sample::new([1e300, 1.1e300, 1.2e300, 1.3e300, 1.15e300]).unwrap();
    let metrics = [Metric::new("huge", base, canary).margin(Margin::Relative(1e10))];
    let verdict = Policy::default().judge(&metrics).unwrap();
    let text = serde_json::to_string(&verdict).unwrap();
    assert!(text.contains(r#""margin":"inf""#), "{text}");
    assert!(!text.contains("null"), "{text}");
}

/// The remaining sequential tests: each parameter's constructor check and each running
/// statistic's invariant applies on load.
#[test]
fn means_proportions_and_gamma_poisson_validate_on_load() {
    use canary_judge::EventCounts;
    use canary_judge::sequential::means::{NormalMsprt, TTest, Variance};
    use canary_judge::sequential::proportions::{BernoulliCs, ProportionTest};
    use canary_judge::sequential::sprt::GammaPoisson;
    let up = Direction::HigherIsWorse;

    let mut t = TTest::new(canary_judge::Alpha::FIVE_PERCENT, up).unwrap();
    t.update(&[1.0, 2.0, 3.0], &[2.0, 3.0, 5.0]).unwrap();
    t.check();
    assert_eq!(edited(&t, |_| {}).unwrap(), t);
    assert_refused(&t, "phi", |v| v["phi"] = json!(0.0));
    assert_refused(&t, "margin", |v| v["margin"] = json!({"absolute": -1.0}));
    assert_refused(&t, "running sum of squared deviations", |v| {
        v["canary"]["m2"] = json!(-2.0)
    });
    assert_refused(&t, "alpha", |v| v["monitor"]["alpha"] = json!(1.0));

    let mut m = NormalMsprt::new(
        canary_judge::Alpha::FIVE_PERCENT,
        0.5,
        Variance::Known {
            baseline: 1.0,
            canary: 1.0,
        },
        up,
    )
    .unwrap();
    m.update(&[1.0, 2.0], &[2.0, 4.0]).unwrap();
    assert_eq!(edited(&m, |_| {}).unwrap(), m);
    assert_refused(&m, "tau", |v| v["tau2"] = json!(-1.0));
    assert_refused(&m, "canary variance", |v| {
        v["variance"]["known"]["canary"] = json!(0.0)
    });
    assert_refused(&m, "running mean of no observations", |v| {
        v["baseline"] = json!({"n": 0, "mean": 3.0, "m2": 0.0})
    });

    let mut p = ProportionTest::new(canary_judge::Alpha::FIVE_PERCENT, 0.1, up).unwrap();
    p.update(
        EventCounts::new(3, 100).unwrap(),
        EventCounts::new(9, 100).unwrap(),
    )
    .unwrap();
    assert_eq!(edited(&p, |_| {}).unwrap(), p);
    assert_refused(&p, "tau", |v| v["tau2"] = json!(0.0));
    assert_refused(&p, "events must not exceed the total", |v| {
        v["canary"] = json!({"events": 200, "total": 100})
    });

    let mut b = BernoulliCs::new(canary_judge::Alpha::FIVE_PERCENT, 1000.0, 0.01, up).unwrap();
    b.update(5, 300).unwrap();
    assert_eq!(edited(&b, |_| {}).unwrap(), b);
    assert_refused(&b, "target proportion", |v| v["target"] = json!(1.0));
    assert_refused(&b, "t_opt", |v| v["t_opt"] = json!(-5.0));

    let mut g = GammaPoisson::new(1.0, canary_judge::Alpha::FIVE_PERCENT).unwrap();
    g.update(4, 2.5).unwrap();
    assert_eq!(edited(&g, |_| {}).unwrap(), g);
    assert_refused(&g, "prior shape phi", |v| v["phi"] = json!(0.0));
    assert_refused(&g, "expected count so far", |v| v["expected"] = json!(-1.0));
}

/// Sketches and exponential histograms load through their constructors' checks and
/// their own invariants.
#[test]
fn sketches_and_exponential_histograms_validate_on_load() {
    use canary_judge::input::histogram::ExponentialHistogram;
    use canary_judge::input::sketch::Sketch;
    let mut s = Sketch::new(0.01).unwrap();
    for v in [0.5, 1.0, -2.0, 0.0, 100.0] {
        s.insert(v);
    }
    assert_eq!(edited(&s, |_| {}).unwrap(), s);
    assert_refused(&s, "relative accuracy", |v| v["alpha"] = json!(0.0));
    assert_refused(&s, "sketch ln gamma", |v| v["ln_gamma"] = json!(-1.0));
    assert_refused(&s, "sketch count", |v| v["count"] = json!(1));
    assert_refused(&s, "maximum bins", |v| v["max_bins"] = json!(0));

    let e = ExponentialHistogram::new(3, 2, -4, vec![1, 2, 3], 0, vec![1]).unwrap();
    assert_eq!(edited(&e, |_| {}).unwrap(), e);
    assert_refused(&e, "exponential histogram scale", |v| {
        v["scale"] = json!(40)
    });
    assert_refused(&e, "zero threshold", |v| v["zero_threshold"] = json!(-1.0));
    assert_refused(&e, "bucket offset plus count", |v| {
        v["positive_offset"] = json!(i32::MAX)
    });
}

/// The burn module's sequential test loads only with the constructor's invariants.
#[test]
fn sequential_burn_test_validates_on_load() {
    use canary_judge::burn::{Objective, safeguards::SequentialBurnTest};
    let t = SequentialBurnTest::new(
        Objective::new(0.999).unwrap(),
        14.4,
        canary_judge::Alpha::ONE_PERCENT,
    )
    .unwrap();
    assert_eq!(edited(&t, |_| {}).unwrap(), t);
    assert_refused(&t, "ln threshold", |v| v["ln_threshold"] = json!(-1.0));
    assert_refused(&t, "per error", |v| v["ln_per_error"] = json!("-inf"));
    assert_refused(&t, "per success", |v| v["ln_per_success"] = json!(0.5));
}

#[test]
fn burn_tiers_with_bad_factors_do_not_load_or_evaluate() {
    use canary_judge::burn::evaluate::{Options, Series, TierState, evaluate};
    use canary_judge::burn::tiers::{self, Tier};
    use std::time::Duration;
    let tier = tiers::workbook()[0];
    assert_eq!(edited(&tier, |_| {}).unwrap(), tier);
    for bad in [json!(0.0), json!(-1.0), json!("inf")] {
        assert_refused(&tier, "tier factor", |v| v["factor"] = bad);
    }
    assert!(edited(&tier, |v| v["factor"] = json!("nan")).is_err());
    // A NaN factor would never fire: evaluate refuses it instead of saying Inactive.
    let minute = Duration::from_secs(60);
    let counts = vec![canary_judge::EventCounts::new(900, 1000).unwrap(); 120];
    let series = Series::new(minute, &counts).unwrap();
    let slo = Objective::new(0.999).unwrap();
    let mut broken = tier;
    broken.factor = f64::NAN;
    let e = evaluate(slo, &[broken], &series, &Options::default()).unwrap_err();
    assert!(e.to_string().contains("tier factor"), "{e}");
    let fine = evaluate(slo, &[tier], &series, &Options::default()).unwrap();
    assert_eq!(fine.tiers[0].state, TierState::Firing);
    let _: Tier = tier;
}

#[test]
fn kayenta_configs_and_mann_whitney_configs_validate_on_load() {
    use canary_judge::check::kayenta::KayentaConfig;
    use canary_judge::compare::MannWhitney;
    let k = KayentaConfig::default();
    assert_eq!(edited(&k, |_| {}).unwrap(), k);
    assert_refused(&k, "confidence level", |v| {
        v["confidence_level"] = json!(1.5)
    });
    assert_refused(&k, "tolerance", |v| v["tolerance"] = json!(-0.1));
    assert_refused(&k, "outlier factor", |v| v["outlier_factor"] = json!(-2.0));
    assert_refused(&k, "allowed increase", |v| {
        v["allowed_increase"] = json!("inf")
    });
    let m = MannWhitney::new().confidence_level(0.9);
    assert_eq!(edited(&m, |_| {}).unwrap(), m);
    assert_refused(&m, "confidence level", |v| {
        v["confidence_level"] = json!(1.0)
    });
    assert_refused(&m, "confidence level", |v| {
        v["confidence_level"] = json!("-inf")
    });
    assert!(edited(&m, |v| v["confidence_level"] = json!("nan")).is_err());
}

#[test]
fn observations_round_trip_bit_for_bit_with_nan_and_infinities() {
    use canary_judge::Observation;
    let values = vec![
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.1 + 0.2,
        1e300,
        -0.0,
        5e-324,
    ];
    let obs = Observation::Values {
        baseline: values.clone(),
        canary: values.iter().rev().copied().collect(),
    };
    let json = serde_json::to_string(&obs).unwrap();
    assert!(!json.contains("null"), "{json}");
    let back: Observation = serde_json::from_str(&json).unwrap();
    let bits = |o: &Observation| match o {
        Observation::Values { baseline, canary } => baseline
            .iter()
            .chain(canary)
            .map(|v| v.to_bits())
            .collect::<Vec<_>>(),
        _ => unreachable!(),
    };
    // NaN payloads aside, every value comes back with the same bits.
    let canon = |v: Vec<u64>| {
        v.into_iter()
            .map(|b| {
                if f64::from_bits(b).is_nan() {
                    f64::NAN.to_bits()
                } else {
                    b
                }
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(canon(bits(&back)), canon(bits(&obs)));
    // Elsewhere NaN is not a value: a margin of "nan" does not load.
    assert!(serde_json::from_str::<canary_judge::Margin>(r#"{"absolute":"nan"}"#).is_err());
}

#[test]
fn results_with_infinite_numbers_are_not_written_as_null() {
    use canary_judge::Sample;
    use canary_judge::check::kayenta::{KayentaConfig, classify};
    use canary_judge::compare::quantile::PercentileDelta;
    // Kayenta's deviation and effect size when the baseline's mean is tiny.
    let b = Sample::new([1e-310, 2e-310, 1e-310, 3e-310, 2e-310]).unwrap();
    let c = Sample::new([1e300, 2e300, 1.5e300, 1e300, 2e300]).unwrap();
    let outcome = classify(&b, &c, &KayentaConfig::default()).unwrap();
    let json = serde_json::to_string(&outcome).unwrap();
    assert!(!json.contains("null"), "{json}");
    assert_eq!(
        serde_json::from_str::<canary_judge::check::kayenta::KayentaOutcome>(&json).unwrap(),
        outcome
    );
    let d = PercentileDelta {
        p: 0.99,
        baseline: f64::NEG_INFINITY,
        canary: 1e300,
        absolute: (f64::NEG_INFINITY, f64::INFINITY),
        relative: None,
        level: 0.95,
    };
    let json = serde_json::to_string(&d).unwrap();
    assert!(!json.contains("null"), "{json}");
}

#[test]
fn results_with_impossible_numbers_do_not_load() {
    use canary_judge::compare::MannWhitney;
    use canary_judge::compare::signed_rank::SignedRank;
    use canary_judge::sequential::paired::SignTest;
    use canary_judge::{Alpha, Analysis, Check, Direction, MetricSpec, Observation, Plan, Sample};
    let b = Sample::new([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
    let c = Sample::new([3.5, 4.5, 5.5, 6.5, 7.5, 8.5]).unwrap();
    let mw = MannWhitney::new().compare(&b, &c).unwrap();
    assert_eq!(edited(&mw, |_| {}).unwrap(), mw);
    assert_refused(&mw, "p_value", |v| v["p_value"] = json!(1.5));
    assert_refused(&mw, "ln_p_value", |v| v["ln_p_value"] = json!(0.5));
    assert_refused(&mw, "u_canary", |v| v["u_canary"] = json!(1000.0));
    assert_refused(&mw, "cles", |v| v["cles"] = json!(-0.1));
    assert_refused(&mw, "rank_biserial", |v| v["rank_biserial"] = json!(2.0));
    assert_refused(&mw, "interval lower end", |v| {
        v["interval"]["lower"] = json!(1e9)
    });

    let sr = SignedRank::new()
        .test(&[0.5, -1.0, 2.0, 3.5, 1.5, 2.5, -0.25])
        .unwrap();
    assert_eq!(edited(&sr, |_| {}).unwrap(), sr);
    assert_refused(&sr, "p_value", |v| v["p_value"] = json!(-0.5));
    assert_refused(&sr, "statistic", |v| v["statistic"] = json!(-1.0));

    let mut t = SignTest::new(Alpha::FIVE_PERCENT, Direction::HigherIsWorse).unwrap();
    for i in 0..20 {
        t.update(&[f64::from(i)], &[f64::from(i) + 1.0]).unwrap();
    }
    let report = t.check();
    assert_eq!(edited(&report, |_| {}).unwrap(), report);
    assert_refused(&report, "p-value", |v| v["p_value"] = json!(3.0));

    // A finding from a verdict: its numbers and its interval are checked too.
    let plan = Plan::new(vec![
        MetricSpec::new("m", [Check::Rank]).direction(Direction::HigherIsWorse),
    ]);
    let mut a = Analysis::new(plan).unwrap();
    let obs = Observation::Values {
        baseline: b.values().to_vec(),
        canary: c.values().to_vec(),
    };
    a.observe(0, "m", &obs).unwrap();
    let finding = a.verdict(0).unwrap().findings.remove(0);
    assert_eq!(edited(&finding, |_| {}).unwrap(), finding);
    assert_refused(&finding, "p_value", |v| v["p_value"] = json!(1.01));
    assert_refused(&finding, "interval lower end", |v| {
        v["interval"]["lower"] = json!(1e9);
        v["interval"]["upper"] = json!(0.0);
    });
    assert_refused(&finding, "p_value", |v| {
        v["evidence"]["rank"]["p_value"] = json!(7.0)
    });
}

/// The signed-rank check with tails keeps each pair's relative spread: its state
/// round-trips, and a saved state with a spread outside [−1, 1] or one too few does
/// not load.
#[test]
fn signed_rank_spreads_round_trip_and_validate() {
    use canary_judge::analysis::{Analysis, MetricSpec, Observation, Plan};
    use canary_judge::{Check, Decision};
    let plan = Plan::new(vec![
        MetricSpec::new("m", [Check::SignedRankWithTails]).direction(Direction::HigherIsWorse),
    ])
    .planned_ticks(40);
    let mut a = Analysis::new(plan).unwrap();
    for t in 0..40u64 {
        let b = 100.0 + (t % 7) as f64;
        let obs = Observation::Values {
            baseline: vec![b],
            canary: vec![b + if t % 3 == 0 { 5.0 } else { -1.0 }],
        };
        a.observe(t, "m", &obs).unwrap();
    }
    let back: Analysis = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
    assert_eq!(back, a);
    assert_ne!(a.clone().decide(39).unwrap(), Decision::Inconclusive);
    assert_eq!(back.clone().decide(39), a.clone().decide(39));
    /// The first array stored under `spreads`.
    fn spreads(v: &mut Value) -> Option<&mut Vec<Value>> {
        match v {
            Value::Object(map) => {
                if map.get("spreads").is_some_and(Value::is_array) {
                    return map.get_mut("spreads").and_then(Value::as_array_mut);
                }
                map.values_mut().find_map(spreads)
            }
            Value::Array(items) => items.iter_mut().find_map(spreads),
            _ => None,
        }
    }
    assert_eq!(
        spreads(&mut serde_json::to_value(&a).unwrap()).map(|s| s.len()),
        Some(40)
    );
    assert_refused(&a, "relative spread", |v| {
        spreads(v).unwrap()[0] = json!(1.5);
    });
    assert_refused(&a, "relative spreads", |v| {
        spreads(v).unwrap().pop();
    });
}
