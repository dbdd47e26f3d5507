//! The Analysis driven tick by tick: the same numbers as the batch computations, all
//! or nothing on bad input, bit-for-bit resumption, and the verdict rule.

use canary_judge::analysis::{Analysis, MetricSpec, Observation, Plan};
use canary_judge::compare::quantile::{PercentileDeltaOutcome, percentile_delta};
use canary_judge::compare::{Alternative, MannWhitney};
use canary_judge::evidence::{Evidence, Lack};
use canary_judge::input::histogram::ClassicHistogram;
use canary_judge::sequential::counts::CountRateTest;
use canary_judge::sequential::{ConfidenceSequence, SequentialTest};
use canary_judge::{
    Alpha, Check, Decision, Direction, Error, EventCounts, Judgement, Margin, NonFinite, Sample,
    Side,
};
use proptest::prelude::*;

fn values(b: &[f64], c: &[f64]) -> Observation {
    Observation::Values {
        baseline: b.to_vec(),
        canary: c.to_vec(),
    }
}

fn counts(be: u64, bt: u64, ce: u64, ct: u64) -> Observation {
    Observation::Counts {
        baseline: EventCounts::new(be, bt).unwrap(),
        canary: EventCounts::new(ce, ct).unwrap(),
    }
}

/// The crate's seeded generator (the same SplitMix64 stream as before).
type Gen = canary_judge::rng::SplitMix64;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The rank check fed in ticks gives exactly (bit for bit) the Mann–Whitney
    /// result of the batch computation on all the values, in every direction, with
    /// ties and without.
    #[test]
    fn rank_check_matches_the_batch_test(
        ticks in prop::collection::vec(
            (prop::collection::vec(0u8..40, 0..12), prop::collection::vec(0u8..40, 0..12)),
            1..12,
        ),
        scale in prop::sample::select(vec![1.0, 0.37, 1e-3]),
        dir in 0usize..3,
        shift in -15i8..15,
        margin_steps in prop::sample::select(vec![0u8, 0, 2, 5, 9]),
    ) {
        let direction = [Direction::HigherIsWorse, Direction::LowerIsWorse, Direction::Either][dir];
        let alpha = Alpha::new(0.05).unwrap();
        let margin = f64::from(margin_steps) * scale;
        let plan = Plan::new(vec![
            MetricSpec::new("m", [Check::Rank])
                .direction(direction)
                .alpha(alpha)
                .margin(Margin::Absolute(margin)),
        ]);
        let mut a = Analysis::new(plan).unwrap();
        let (mut all_b, mut all_c) = (Vec::new(), Vec::new());
        for (t, (b, c)) in ticks.iter().enumerate() {
            let b: Vec<f64> = b.iter().map(|&v| f64::from(v) * scale).collect();
            let c: Vec<f64> = c.iter().map(|&v| (f64::from(v) + f64::from(shift)) * scale).collect();
            a.observe(t as u64, "m", &values(&b, &c)).unwrap();
            all_b.extend(b);
            all_c.extend(c);
        }
        let v = a.verdict(ticks.len() as u64).unwrap();
        let f = &v.findings[0];
        if all_b.is_empty() || all_c.is_empty() {
            prop_assert_eq!(f.judgement, Judgement::NoData(Lack::Empty));
            return Ok(());
        }
        let alt = match direction {
            Direction::HigherIsWorse => Alternative::Greater,
            Direction::LowerIsWorse => Alternative::Less,
            Direction::Either => Alternative::TwoSided,
        };
        let test = MannWhitney::new().alternative(alt).confidence_level(0.95);
        if test.smallest_p_value(all_b.len(), all_c.len()) >= 0.05 {
            prop_assert_eq!(f.judgement, Judgement::NoData(Lack::TooFew));
            return Ok(());
        }
        let want = test
            .compare(&Sample::new(all_b.clone()).unwrap(), &Sample::new(all_c.clone()).unwrap())
            .unwrap();
        let Some(Evidence::Rank(got)) = &f.evidence else {
            return Err(TestCaseError::fail(format!("no rank evidence: {f:?}")));
        };
        prop_assert_eq!(got, &want);
        // The judgement follows the documented rule: significant, and the interval
        // beyond the margin.
        let iv = want.interval.unwrap();
        let fails = want.p_value < 0.05
            && ((direction != Direction::LowerIsWorse && iv.lower > margin)
                || (direction != Direction::HigherIsWorse && iv.upper < -margin));
        prop_assert_eq!(f.judgement.is_fail(), fails);
        // decide() reaches the same decision without the interval (by counting the
        // differences against the margin when significant).
        let mut again = a.clone();
        prop_assert_eq!(again.decide(ticks.len() as u64).unwrap(), v.decision);
    }

    /// The percentile check on values equals the percentile delta of the batch samples.
    #[test]
    fn percentile_check_matches_the_batch_delta(
        b in prop::collection::vec(-50i32..50, 0..300),
        c in prop::collection::vec(-50i32..50, 0..300),
        p in prop::sample::select(vec![0.5, 0.9, 0.99]),
        cut in 0usize..300,
    ) {
        let b: Vec<f64> = b.into_iter().map(f64::from).collect();
        let c: Vec<f64> = c.into_iter().map(f64::from).collect();
        let plan = Plan::new(vec![MetricSpec::new("m", [Check::Percentile { p }])
            .direction(Direction::HigherIsWorse)
            .alpha(Alpha::FIVE_PERCENT)]);
        let mut a = Analysis::new(plan).unwrap();
        let (kb, kc) = (cut.min(b.len()), cut.min(c.len()));
        a.observe(0, "m", &values(&b[..kb], &c[..kc])).unwrap();
        a.observe(1, "m", &values(&b[kb..], &c[kc..])).unwrap();
        let f = a.verdict(1).unwrap().findings.remove(0);
        let want = percentile_delta(&Sample::new(b).unwrap(), &Sample::new(c).unwrap(), p, 0.95).unwrap();
        match want {
            PercentileDeltaOutcome::Delta(d) => {
                prop_assert_eq!(f.evidence, Some(Evidence::Percentile(d)));
                let iv = f.interval.unwrap();
                prop_assert_eq!((iv.lower, iv.upper), d.absolute);
                prop_assert_eq!(f.judgement.is_fail(), d.absolute.0 > 0.0);
            }
            _ => prop_assert!(matches!(f.judgement, Judgement::NoData(_))),
        }
    }
}

/// The count-rate check reports exactly what the sequential test reports when driven
/// directly, and fails only when its test rejects or its sequence clears the margin.
#[test]
fn count_rate_check_is_the_sequential_test() {
    let plan = Plan::new(vec![
        MetricSpec::new("errors", [Check::CountRate { canary_share: 0.5 }])
            .direction(Direction::HigherIsWorse),
    ]);
    let mut a = Analysis::new(plan).unwrap();
    let mut t = CountRateTest::new(0.5, canary_judge::Alpha::ONE_PERCENT).unwrap();
    let mut g = Gen::new(5);
    let mut failed_at = None;
    for tick in 0..200u64 {
        let b = (g.uniform() * 10.0) as u64;
        let c = (g.uniform() * 10.0 * if tick > 50 { 1.8 } else { 1.0 }) as u64;
        a.observe(tick, "errors", &counts(b, 1000, c, 1000))
            .unwrap();
        t.update(b, c).unwrap();
        let report = t.check();
        let f = a.verdict(tick).unwrap().findings.remove(0);
        let Some(Evidence::Sequential { report: got, .. }) = f.evidence else {
            panic!("{f:?}");
        };
        assert_eq!(got, report, "tick {tick}");
        assert_eq!(f.p_value, Some(report.p_value));
        if f.judgement.is_fail() && failed_at.is_none() {
            failed_at = Some(tick);
        }
        if let ConfidenceSequence::Bounds { lower, upper } = report.confidence_sequence {
            let iv = f.interval.unwrap();
            assert_eq!((iv.lower, iv.upper), (lower - 1.0, upper - 1.0));
        }
    }
    let at = failed_at.expect("an 80% rise in errors is found");
    assert!(at > 50, "failed at {at}, before the regression began");
}

/// A controller feeding values, counts and histograms for several metrics.
#[test]
fn a_controller_with_three_kinds_of_metric() {
    let hist = |counts: [f64; 4]| {
        let bounds = [0.1, 0.25, 0.5, f64::INFINITY];
        let mut cum = 0.0;
        let buckets: Vec<(f64, f64)> = bounds
            .iter()
            .zip(counts)
            .map(|(&le, c)| {
                cum += c;
                (le, cum)
            })
            .collect();
        ClassicHistogram::new(&buckets).unwrap()
    };
    let plan = Plan::new(vec![
        MetricSpec::new("latency", [Check::Rank, Check::Percentile { p: 0.9 }])
            .direction(Direction::HigherIsWorse)
            .margin(Margin::Relative(0.1)),
        MetricSpec::new(
            "errors",
            [
                Check::CountRate { canary_share: 0.5 },
                Check::Threshold {
                    min: None,
                    max: Some(0.05),
                },
            ],
        )
        .direction(Direction::HigherIsWorse)
        .required(true),
        MetricSpec::new(
            "request_seconds",
            [
                Check::Rank,
                Check::Percentile { p: 0.5 },
                Check::Quantile {
                    p: 0.5,
                    t_opt: None,
                },
            ],
        )
        .direction(Direction::HigherIsWorse),
    ])
    .planned_ticks(20);
    let mut a = Analysis::new(plan).unwrap();
    // Before anything: no data.
    assert_eq!(a.verdict(0).unwrap().decision, Decision::NoData);
    let mut g = Gen::new(9);
    for tick in 0..20u64 {
        let b: Vec<f64> = (0..25).map(|_| 100.0 + 10.0 * g.uniform()).collect();
        let c: Vec<f64> = (0..25).map(|_| 100.0 + 10.0 * g.uniform()).collect();
        a.observe(tick, "latency", &values(&b, &c)).unwrap();
        a.observe(tick, "errors", &counts(2, 1000, 3, 1000))
            .unwrap();
        let slow = Observation::Histograms {
            baseline: hist([600.0, 300.0, 80.0, 20.0]),
            canary: hist([50.0, 150.0, 400.0, 400.0]),
        };
        a.observe(tick, "request_seconds", &slow).unwrap();
    }
    let v = a.verdict(20).unwrap();
    assert_eq!(v.findings.len(), 7);
    let judgement = |metric: &str, check: &str| {
        v.findings
            .iter()
            .find(|f| f.metric == metric && f.check == check)
            .unwrap()
            .judgement
    };
    assert_eq!(judgement("latency", "rank"), Judgement::Pass);
    assert_eq!(judgement("latency", "percentile p90"), Judgement::Pass);
    assert_eq!(judgement("errors", "threshold"), Judgement::Pass);
    assert_eq!(
        judgement("request_seconds", "rank"),
        Judgement::Fail(Side::High)
    );
    assert_eq!(
        judgement("request_seconds", "percentile p50"),
        Judgement::Fail(Side::High)
    );
    assert_eq!(
        judgement("request_seconds", "quantile p50"),
        Judgement::Fail(Side::High)
    );
    assert_eq!(v.decision, Decision::Fail);
    let text = v.to_string();
    for needle in [
        "request_seconds",
        "one-sided",
        "99% 2s",
        "alpha",
        "verdict: fail",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
}

#[test]
fn failed_measurements_and_required_metrics() {
    let plan = Plan::new(vec![
        MetricSpec::new("a", [Check::Rank]).direction(Direction::HigherIsWorse),
        MetricSpec::new("b", [Check::Rank]).required(true),
    ]);
    let mut a = Analysis::new(plan).unwrap();
    let same: Vec<f64> = (0..30).map(f64::from).collect();
    a.observe(0, "a", &values(&same, &same)).unwrap();
    // b never observed and required: inconclusive.
    assert_eq!(a.verdict(0).unwrap().decision, Decision::Inconclusive);
    a.observe(1, "b", &values(&same, &same)).unwrap();
    assert_eq!(a.verdict(1).unwrap().decision, Decision::Pass);
    // A failed measurement of a required metric: an error finding, inconclusive.
    let failed = Observation::Failed {
        message: "query timed out".into(),
    };
    a.observe(2, "b", &failed).unwrap();
    let v = a.verdict(2).unwrap();
    assert_eq!(v.decision, Decision::Inconclusive);
    assert_eq!(v.findings[1].judgement, Judgement::Error);
    assert!(v.findings[1].reason.contains("query timed out"));
    // The next good observation clears it.
    a.observe(3, "b", &values(&same, &same)).unwrap();
    assert_eq!(a.verdict(3).unwrap().decision, Decision::Pass);
}

/// Every refused call names the metric and the field, and changes nothing.
#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let plan = Plan::new(vec![
        MetricSpec::new(
            "lat",
            [
                Check::Rank,
                Check::Quantile {
                    p: 0.5,
                    t_opt: None,
                },
                Check::Mean,
            ],
        ),
        MetricSpec::new("err", [Check::CountRate { canary_share: 0.5 }]),
        MetricSpec::new("hist", [Check::Rank]),
    ]);
    let mut a = Analysis::new(plan).unwrap();
    a.observe(5, "lat", &values(&[1.0, 2.0], &[3.0])).unwrap();
    let h1 = ClassicHistogram::new(&[(1.0, 1.0), (f64::INFINITY, 2.0)]).unwrap();
    let h2 = ClassicHistogram::new(&[(2.0, 1.0), (f64::INFINITY, 2.0)]).unwrap();
    let pair = |b: &ClassicHistogram, c: &ClassicHistogram| Observation::Histograms {
        baseline: b.clone(),
        canary: c.clone(),
    };
    a.observe(5, "hist", &pair(&h1, &h1)).unwrap();
    let before = a.clone();
    let cases: Vec<(u64, &str, Observation, &str)> = vec![
        (
            4,
            "lat",
            values(&[1.0], &[1.0]),
            "time must not go back, got 4 after 5",
        ),
        (
            6,
            "nope",
            values(&[1.0], &[1.0]),
            "metric must be one of the plan's, got \"nope\"",
        ),
        (
            6,
            "lat",
            values(&[1.0, f64::NAN], &[1.0]),
            "metric \"lat\": sample values must be finite, got NaN at index 1",
        ),
        (
            6,
            "lat",
            counts(1, 2, 1, 2),
            "metric \"lat\": observation must be a kind every check of the metric takes, got counts with totals for the quantile p50 check",
        ),
        (
            6,
            "err",
            values(&[1.0], &[1.0]),
            "metric \"err\": observation must be a kind every check of the metric takes, got values for the count rate check",
        ),
        (
            6,
            "hist",
            pair(&h1, &h2),
            "metric \"hist\": bucket bounds of the two sides must be identical",
        ),
        (
            6,
            "hist",
            pair(&h2, &h2),
            "metric \"hist\": bucket bounds of successive histograms must be the same as the first observation's",
        ),
        (
            6,
            "hist",
            values(&[1.0], &[1.0]),
            "metric \"hist\": observation must be the kind of the metric's first observation, got values after histograms",
        ),
        (6, "lat", values(&[f64::MAX, f64::MAX], &[1.0]), ""),
    ];
    for (t, m, obs, want) in cases {
        let mut probe = a.clone();
        match probe.observe(t, m, &obs) {
            Err(e) => {
                assert!(e.to_string().starts_with(want), "{e}\nwanted {want}");
                assert_eq!(probe, before, "state changed by a refused {m} observation");
            }
            // f64::MAX values: the mean test's moments overflow, so refused; if a
            // future version accepts them, nothing else must have broken.
            Ok(()) => assert!(want.is_empty(), "{m} accepted"),
        }
    }
    // The mean test overflows on f64::MAX: the whole observation is refused.
    let mut probe = a.clone();
    let e = probe
        .observe(6, "lat", &values(&[f64::MAX, f64::MAX], &[f64::MAX]))
        .unwrap_err();
    assert!(matches!(e, Error::InMetric { .. }), "{e}");
    assert_eq!(probe, before);
    // Under NonFinite::Drop the NaN is dropped instead.
    let plan = Plan::new(vec![
        MetricSpec::new("x", [Check::Rank]).non_finite(NonFinite::Drop),
    ]);
    let mut d = Analysis::new(plan).unwrap();
    d.observe(0, "x", &values(&[1.0, f64::NAN], &[f64::INFINITY, 2.0]))
        .unwrap();
    let f = d.verdict(0).unwrap().findings.remove(0);
    assert!(f.reason.contains("1 baseline and 1 canary"), "{}", f.reason);
}

#[test]
fn plans_are_validated_once_naming_the_field() {
    let bad = |spec: MetricSpec| {
        Analysis::new(Plan::new(vec![spec]))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        bad(MetricSpec::new("m", [Check::Percentile { p: 1.5 }])),
        "metric \"m\": percentile check's p must be within (0, 1), got 1.5"
    );
    assert_eq!(
        bad(MetricSpec::new("m", [Check::Rank]).margin(Margin::Absolute(f64::NAN))),
        "metric \"m\": margin must be finite and >= 0, got NaN"
    );
    assert_eq!(
        bad(MetricSpec::new("m", [])),
        "metric \"m\": checks must be at least one, got none"
    );
    assert!(
        bad(
            MetricSpec::new("m", [Check::CountRate { canary_share: 0.5 }])
                .direction(Direction::LowerIsWorse)
        )
        .contains("higher_is_worse or either")
    );
    assert!(
        bad(
            MetricSpec::new("m", [Check::CountRate { canary_share: 0.5 }])
                .margin(Margin::Absolute(2.0))
        )
        .contains("relative")
    );
    assert!(
        bad(MetricSpec::new(
            "m",
            [Check::Threshold {
                min: Some(2.0),
                max: Some(1.0)
            }]
        ))
        .contains("at most its max")
    );
    assert!(
        bad(MetricSpec::new(
            "m",
            [Check::Threshold {
                min: None,
                max: None
            }]
        ))
        .contains("a min, a max or both")
    );
    let e = Analysis::new(Plan::new(vec![
        MetricSpec::new("m", [Check::Rank]),
        MetricSpec::new("m", [Check::Mean]),
    ]))
    .unwrap_err();
    assert!(matches!(e, Error::DuplicateMetric { .. }));
}

/// A threshold fails above its max and below its min, on the latest tick's level.
#[test]
fn thresholds_judge_the_latest_level() {
    let plan = Plan::new(vec![MetricSpec::new(
        "cpu",
        [Check::Threshold {
            min: Some(0.1),
            max: Some(0.8),
        }],
    )]);
    let mut a = Analysis::new(plan).unwrap();
    for (t, level, want) in [
        (0, 0.5, Judgement::Pass),
        (1, 0.9, Judgement::Fail(Side::High)),
        (2, 0.05, Judgement::Fail(Side::Low)),
        (3, 0.8, Judgement::Pass),
    ] {
        a.observe(t, "cpu", &values(&[], &[level, level])).unwrap();
        let f = a.verdict(t).unwrap().findings.remove(0);
        assert_eq!(f.judgement, want, "{level}");
        assert_eq!(f.estimate, Some(level));
    }
}

#[cfg(feature = "serde")]
mod saved_state {
    use super::*;

    fn drive(a: &mut Analysis, g: &mut Gen, from: u64, to: u64) -> Vec<String> {
        let mut out = Vec::new();
        for tick in from..to {
            let b: Vec<f64> = (0..7).map(|_| (g.uniform() * 40.0).round() / 4.0).collect();
            let c: Vec<f64> = (0..7).map(|_| (g.uniform() * 44.0).round() / 4.0).collect();
            a.observe(tick, "lat", &values(&b, &c)).unwrap();
            let e = (g.uniform() * 6.0) as u64;
            a.observe(tick, "err", &counts(e, 500, e + (tick % 3), 500))
                .unwrap();
            out.push(serde_json::to_string(&a.verdict(tick).unwrap()).unwrap());
        }
        out
    }

    fn plan() -> Plan {
        Plan::new(vec![
            MetricSpec::new(
                "lat",
                [
                    Check::Rank,
                    Check::Percentile { p: 0.9 },
                    Check::Quantile {
                        p: 0.9,
                        t_opt: None,
                    },
                    Check::Mean,
                ],
            )
            .direction(Direction::HigherIsWorse)
            .margin(Margin::Relative(0.02)),
            MetricSpec::new("err", [Check::CountRate { canary_share: 0.5 }, Check::Rank])
                .direction(Direction::HigherIsWorse),
        ])
        .planned_ticks(30)
    }

    /// Save mid-run, load, continue: every later verdict is identical to the
    /// uninterrupted run's, and the reloaded state equals the saved one.
    #[test]
    fn resumes_bit_for_bit() {
        let mut straight = Analysis::new(plan()).unwrap();
        let mut g = Gen::new(3);
        let _ = drive(&mut straight, &mut g, 0, 12);
        let saved = serde_json::to_string(&straight).unwrap();
        assert!(!saved.contains("null"));
        let mut resumed: Analysis = serde_json::from_str(&saved).unwrap();
        assert_eq!(resumed, straight);
        let mut g2 = g.clone();
        let want = drive(&mut straight, &mut g, 12, 30);
        let got = drive(&mut resumed, &mut g2, 12, 30);
        assert_eq!(got, want);
    }

    /// Margins and alphas validate as they load, like their constructors.
    #[test]
    fn parameters_validate_on_load() {
        assert!(serde_json::from_str::<Margin>(r#"{"absolute":"NaN"}"#).is_err());
        for bad in [r#"{"relative":-1.0}"#, r#"{"absolute":"inf"}"#] {
            let e = serde_json::from_str::<Margin>(bad).unwrap_err().to_string();
            assert!(e.contains("margin must be finite and >= 0"), "{bad}: {e}");
        }
        let m: Margin = serde_json::from_str(r#"{"relative":0.05}"#).unwrap();
        assert_eq!(m, Margin::Relative(0.05));
        for bad in ["0", "1", "1.5", "-0.1", "\"inf\""] {
            assert!(serde_json::from_str::<Alpha>(bad).is_err(), "{bad}");
        }
        assert_eq!(
            serde_json::from_str::<Alpha>("0.05").unwrap(),
            Alpha::FIVE_PERCENT
        );
    }

    /// A plan read on its own is validated as `Plan::validate` does: zero planned
    /// ticks, a repeated metric or a check that does not fit its metric do not load.
    #[test]
    fn plans_validate_on_load() {
        let good = serde_json::to_value(plan()).unwrap();
        let back: Plan = serde_json::from_value(good.clone()).unwrap();
        assert_eq!(back, plan());
        let mut zero = good.clone();
        zero["planned_ticks"] = serde_json::json!(0);
        let e = serde_json::from_value::<Plan>(zero)
            .unwrap_err()
            .to_string();
        assert!(e.contains("planned_ticks"), "{e}");
        let mut twice = good.clone();
        let first = twice["metrics"][0].clone();
        twice["metrics"].as_array_mut().unwrap().push(first);
        assert!(serde_json::from_value::<Plan>(twice).is_err());
    }

    /// A loaded state that breaks an invariant is an error, never a verdict.
    #[test]
    fn invalid_states_do_not_load() {
        let mut a = Analysis::new(plan()).unwrap();
        let mut g = Gen::new(4);
        let _ = drive(&mut a, &mut g, 0, 3);
        let json: serde_json::Value = serde_json::to_value(&a).unwrap();
        type Edit = Box<dyn Fn(&mut serde_json::Value)>;
        let edits: Vec<(&str, Edit)> = vec![
            (
                "sorted ascending",
                Box::new(|v| {
                    let side = &mut v["metrics"][0]["data"]["values"]["baseline"];
                    let arr = side.as_array_mut().unwrap();
                    arr.reverse();
                }),
            ),
            (
                "finite",
                Box::new(|v| {
                    v["metrics"][0]["data"]["values"]["canary"][0] = "inf".into();
                }),
            ),
            (
                "one per check",
                Box::new(|v| {
                    v["metrics"][0]["checks"].as_array_mut().unwrap().pop();
                }),
            ),
            (
                "one per metric",
                Box::new(|v| {
                    v["metrics"].as_array_mut().unwrap().pop();
                }),
            ),
            (
                "alpha must be within (0, 1)",
                Box::new(|v| {
                    v["plan"]["metrics"][1]["alpha"] = 1.5.into();
                }),
            ),
            (
                "state of its check's kind",
                Box::new(|v| {
                    v["metrics"][0]["checks"][0] = v["metrics"][0]["checks"][3].clone();
                }),
            ),
            (
                "time",
                Box::new(|v| {
                    v["now"] = (-1).into();
                }),
            ),
        ];
        for (want, edit) in edits {
            let mut bad = json.clone();
            edit(&mut bad);
            let e = serde_json::from_value::<Analysis>(bad)
                .unwrap_err()
                .to_string();
            if want != "time" {
                assert!(e.contains(want), "{want}: {e}");
            }
        }
    }
}

/// The burn-rate check evaluates the Workbook's paging tiers on the canary's counts,
/// exactly as `burn::evaluate` does on the same series.
#[test]
fn burn_rate_check_is_the_tier_evaluation() {
    use canary_judge::burn::evaluate::{Options, Series, evaluate};
    use canary_judge::burn::{Objective, tiers};
    use std::time::Duration;
    let plan = Plan::new(vec![MetricSpec::new(
        "errors",
        [Check::BurnRate {
            objective: 0.999,
            tick_seconds: 60,
        }],
    )]);
    let page: Vec<_> = tiers::workbook()
        .into_iter()
        .filter(|t| t.severity == tiers::Severity::Page)
        .collect();
    for (bad_per_10k, fails) in [(5, false), (200, true)] {
        let mut a = Analysis::new(plan.clone()).unwrap();
        let mut seen = Vec::new();
        for tick in 0..90u64 {
            let canary = EventCounts::new(bad_per_10k, 10_000).unwrap();
            let obs = Observation::Counts {
                baseline: EventCounts::new(1, 10_000).unwrap(),
                canary,
            };
            a.observe(tick, "errors", &obs).unwrap();
            seen.push(canary);
            let f = a.verdict(tick).unwrap().findings.remove(0);
            let series = Series::new(Duration::from_secs(60), &seen).unwrap();
            let want = evaluate(
                Objective::new(0.999).unwrap(),
                &page,
                &series,
                &Options::default(),
            )
            .unwrap();
            assert_eq!(f.evidence, Some(Evidence::BurnTiers(want)), "tick {tick}");
            assert_eq!(f.judgement.is_fail(), fails, "tick {tick}: {f}");
        }
    }
    let bad = Analysis::new(Plan::new(vec![MetricSpec::new(
        "e",
        [Check::BurnRate {
            objective: 0.999,
            tick_seconds: 7,
        }],
    )]))
    .unwrap_err();
    assert!(bad.to_string().contains("tick_seconds"), "{bad}");
    let bad = Analysis::new(Plan::new(vec![MetricSpec::new(
        "e",
        [Check::BurnRate {
            objective: 1.0,
            tick_seconds: 60,
        }],
    )]))
    .unwrap_err();
    assert!(matches!(bad, Error::InMetric { .. }), "{bad}");
}

/// A recorded run as two ticks × metrics matrices gives the same decisions and
/// verdict as feeding it cell by cell; bad shapes are refused and change nothing.
#[cfg(feature = "ndarray")]
#[test]
fn replaying_a_matrix_equals_the_observe_loop() {
    use ndarray::Array2;
    let plan = Plan::new(vec![
        MetricSpec::new(
            "lat",
            [
                Check::Rank,
                Check::Quantile {
                    p: 0.5,
                    t_opt: None,
                },
            ],
        )
        .direction(Direction::HigherIsWorse),
        MetricSpec::new("cpu", [Check::Rank, Check::Mean]).non_finite(NonFinite::Drop),
    ]);
    let mut g = Gen::new(21);
    let (ticks, metrics) = (60, 2);
    let baseline = Array2::from_shape_fn((ticks, metrics), |_| g.uniform());
    let mut canary = Array2::from_shape_fn((ticks, metrics), |(t, m)| {
        g.uniform() + if m == 0 && t > 30 { 0.8 } else { 0.0 }
    });
    canary[[5, 1]] = f64::NAN;
    let times: Vec<u64> = (0..ticks as u64).collect();
    let mut by_matrix = Analysis::new(plan.clone()).unwrap();
    let replay = by_matrix
        .replay_matrix(&times, baseline.view(), canary.view())
        .unwrap();
    let mut by_hand = Analysis::new(plan.clone()).unwrap();
    let mut decisions = Vec::new();
    for t in 0..ticks {
        for (j, name) in ["lat", "cpu"].iter().enumerate() {
            let obs = values(&[baseline[[t, j]]], &[canary[[t, j]]]);
            by_hand.observe(t as u64, name, &obs).unwrap();
        }
        decisions.push(by_hand.decide(t as u64).unwrap());
    }
    assert_eq!(replay.decisions, decisions);
    assert_eq!(replay.verdict, by_hand.verdict(ticks as u64 - 1).unwrap());
    assert_eq!(replay.verdict.decision, Decision::Fail);
    assert_eq!(by_matrix, by_hand);
    // Shapes that do not fit: refused, nothing changed.
    let mut fresh = Analysis::new(plan).unwrap();
    let before = fresh.clone();
    let e = fresh
        .replay_matrix(&times[..10], baseline.view(), canary.view())
        .unwrap_err();
    assert!(e.to_string().contains("one row per time"), "{e}");
    let narrow = Array2::<f64>::zeros((ticks, 1));
    let e = fresh
        .replay_matrix(&times, narrow.view(), narrow.view())
        .unwrap_err();
    assert!(e.to_string().contains("one column per metric"), "{e}");
    let e = fresh
        .replay_matrix(&times, baseline.view(), narrow.view())
        .unwrap_err();
    assert!(e.to_string().contains("equal"), "{e}");
    // A NaN under the reject policy part-way: an error, and the analysis unchanged.
    let mut bad = canary.clone();
    bad[[40, 0]] = f64::NAN;
    assert!(
        fresh
            .replay_matrix(&times, baseline.view(), bad.view())
            .is_err()
    );
    assert_eq!(fresh, before);
}

/// OpenTelemetry exponential histograms: ticks at different scales merge onto the
/// coarsest, and the rank and percentile checks equal the direct computations on the
/// merged histograms.
#[test]
fn exponential_histograms_merge_across_ticks() {
    use canary_judge::compare::histogram::mann_whitney_exponential;
    use canary_judge::input::histogram::ExponentialHistogram;
    let plan = Plan::new(vec![
        MetricSpec::new("rpc_ms", [Check::Rank, Check::Percentile { p: 0.9 }])
            .direction(Direction::HigherIsWorse),
    ]);
    let mut a = Analysis::new(plan).unwrap();
    // Scale 2 then scale 1; the canary one scale-1 bucket higher.
    let base2 = ExponentialHistogram::new(2, 3, 8, vec![40, 90, 120, 90, 40], 0, vec![]).unwrap();
    let canary2 =
        ExponentialHistogram::new(2, 3, 10, vec![40, 90, 120, 90, 40], 0, vec![]).unwrap();
    let base1 = ExponentialHistogram::new(1, 1, 4, vec![100, 200, 100], 0, vec![]).unwrap();
    let canary1 = ExponentialHistogram::new(1, 1, 5, vec![100, 200, 100], 0, vec![]).unwrap();
    let obs =
        |b: &ExponentialHistogram, c: &ExponentialHistogram| Observation::ExponentialHistograms {
            baseline: b.clone(),
            canary: c.clone(),
        };
    a.observe(0, "rpc_ms", &obs(&base2, &canary2)).unwrap();
    a.observe(1, "rpc_ms", &obs(&base1, &canary1)).unwrap();
    // A different zero threshold cannot be merged: refused, nothing changed.
    let before = a.clone();
    let odd = base1.clone().with_zero_threshold(0.5).unwrap();
    assert!(a.observe(2, "rpc_ms", &obs(&odd, &canary1)).is_err());
    assert_eq!(a, before);
    let v = a.verdict(2).unwrap();
    // The merged histograms, built the same way at scale 1 by hand: scale-2 index i
    // is scale-1 index i >> 1.
    let merged_base = ExponentialHistogram::new(
        1,
        4,
        4,
        vec![40 + 100, 90 + 120 + 200, 90 + 40 + 100],
        0,
        vec![],
    )
    .unwrap();
    let merged_canary = ExponentialHistogram::new(
        1,
        4,
        5,
        vec![40 + 100, 90 + 120 + 200, 90 + 40 + 100],
        0,
        vec![],
    )
    .unwrap();
    let test = MannWhitney::new()
        .alternative(Alternative::Greater)
        .confidence_level(0.99);
    let want = mann_whitney_exponential(&merged_base, &merged_canary, &test).unwrap();
    assert_eq!(v.findings[0].evidence, Some(Evidence::Rank(want)));
    assert_eq!(v.findings[0].judgement, Judgement::Fail(Side::High));
    let PercentileDeltaOutcome::Delta(d) =
        percentile_delta(&merged_base, &merged_canary, 0.9, 0.99).unwrap()
    else {
        panic!("delta expected")
    };
    assert_eq!(v.findings[1].evidence, Some(Evidence::Percentile(d)));
    // Exponential histograms are not values: the mean check refuses them.
    let mut m = Analysis::new(Plan::new(vec![MetricSpec::new("x", [Check::Mean])])).unwrap();
    let e = m.observe(0, "x", &obs(&base1, &canary1)).unwrap_err();
    assert!(
        e.to_string()
            .contains("exponential histograms for the mean check"),
        "{e}"
    );
}

/// The budget gate blocks a rollout whose projected spend, at the lower bound of
/// the canary's burn rate, exceeds the allowed share, and equals the burn module's
/// gate on the same numbers.
#[test]
fn budget_gate_check_is_the_burn_gate() {
    use canary_judge::burn::canary::{GateDecision, gate, projected_rollout_spend};
    use canary_judge::burn::safeguards::burn_lower_bound;
    use canary_judge::burn::{Objective, Ratio};
    use std::time::Duration;
    let gate_check = |remaining: f64| Check::BudgetGate {
        objective: 0.999,
        remaining_budget: remaining,
        period_seconds: 30 * 24 * 3600,
        rollout_seconds: 24 * 3600,
        min_remaining: 0.25,
        max_spend: 0.05,
    };
    for (bad_per_10k, remaining, blocks) in [(5, 0.6, false), (300, 0.6, true), (5, 0.1, true)] {
        let plan = Plan::new(vec![MetricSpec::new("errors", [gate_check(remaining)])]);
        let mut a = Analysis::new(plan).unwrap();
        // No traffic yet: no data (never a pass).
        assert_eq!(
            a.verdict(0).unwrap().findings[0].judgement,
            Judgement::NoData(Lack::Empty)
        );
        let mut total = EventCounts::new(0, 0).unwrap();
        for tick in 0..30u64 {
            let canary = EventCounts::new(bad_per_10k, 10_000).unwrap();
            a.observe(tick, "errors", &counts(1, 10_000, bad_per_10k, 10_000))
                .unwrap();
            total = EventCounts::new(
                total.events() + canary.events(),
                total.total() + canary.total(),
            )
            .unwrap();
        }
        let f = a.verdict(30).unwrap().findings.remove(0);
        let slo = Objective::new(0.999).unwrap();
        let Ratio::Value(lower) = burn_lower_bound(slo, total, 0.99).unwrap() else {
            panic!("traffic was served")
        };
        let spend = projected_rollout_spend(
            lower,
            &[(1.0, Duration::from_secs(24 * 3600))],
            Duration::from_secs(30 * 24 * 3600),
        )
        .unwrap();
        let want = gate(Ratio::Value(remaining), spend, 0.25, 0.05).unwrap();
        assert_eq!(matches!(want, GateDecision::Block(_)), blocks);
        assert_eq!(
            f.evidence,
            Some(Evidence::BudgetGate {
                decision: want,
                projected_spend: spend,
                burn_lower_bound: lower,
            })
        );
        assert_eq!(f.judgement.is_fail(), blocks, "{f}");
    }
    let bad = |remaining_budget: f64, period_seconds: u64, min_remaining: f64, max_spend: f64| {
        let c = Check::BudgetGate {
            objective: 0.999,
            remaining_budget,
            period_seconds,
            rollout_seconds: 3600,
            min_remaining,
            max_spend,
        };
        Analysis::new(Plan::new(vec![MetricSpec::new("e", [c])]))
            .unwrap_err()
            .to_string()
    };
    assert!(bad(0.5, 60, 1.5, 0.05).contains("min_remaining"));
    assert!(bad(0.5, 60, 0.25, f64::NAN).contains("max_spend"));
    assert!(bad(f64::INFINITY, 60, 0.25, 0.05).contains("remaining_budget"));
    assert!(bad(0.5, 0, 0.25, 0.05).contains("period_seconds"));
}

/// The paired check is the sign test on the pairs of each tick (values by position,
/// counts as rates), judged by the one rule; unequal sides are refused and change
/// nothing.
#[test]
fn paired_check_is_the_sign_test() {
    use canary_judge::sequential::paired::SignTest;
    let plan = Plan::new(vec![
        MetricSpec::new("latency", [Check::Paired]).direction(Direction::HigherIsWorse),
        MetricSpec::new("errors", [Check::Paired]).direction(Direction::HigherIsWorse),
    ]);
    let mut a = Analysis::new(plan).unwrap();
    let mut lat = SignTest::new(Alpha::ONE_PERCENT, Direction::HigherIsWorse).unwrap();
    let mut err = SignTest::new(Alpha::ONE_PERCENT, Direction::HigherIsWorse).unwrap();
    let mut g = Gen::new(12);
    for t in 0..40u64 {
        let load = 100.0 * (0.5 * g.normal()).exp();
        let (b, c) = (load, load * 1.2 + g.normal());
        a.observe(t, "latency", &values(&[b], &[c])).unwrap();
        lat.update(&[b], &[c]).unwrap();
        let (be, ce) = (g.below(20), g.below(30));
        a.observe(t, "errors", &counts(be, 1000, ce, 1000)).unwrap();
        err.update(&[be as f64 / 1000.0], &[ce as f64 / 1000.0])
            .unwrap();
    }
    let v = a.verdict(40).unwrap();
    for (f, test) in v.findings.iter().zip([&mut lat, &mut err]) {
        let want = test.check();
        let Some(Evidence::Sequential { report, .. }) = &f.evidence else {
            panic!("no sequential evidence: {f:?}");
        };
        assert_eq!(report, &want, "{}", f.metric);
    }
    assert_eq!(v.findings[0].judgement, Judgement::Fail(Side::High));
    assert_eq!(v.decision, Decision::Fail);
    let before = a.clone();
    // The difference overflows: refused, nothing changes.
    let e = a
        .observe(41, "latency", &values(&[f64::MAX], &[-f64::MAX]))
        .unwrap_err();
    assert!(e.to_string().contains("latency"), "{e}");
    assert_eq!(a, before);
}

/// The signed-rank check is the Wilcoxon signed-rank test on the tick pairs seen,
/// shifted by the margin toward the bad side.
#[test]
fn signed_rank_check_is_the_test_on_shifted_pairs() {
    use canary_judge::compare::signed_rank::SignedRank;
    let margin = 2.0;
    let plan = Plan::new(vec![
        MetricSpec::new("latency", [Check::SignedRank])
            .direction(Direction::HigherIsWorse)
            .margin(Margin::Absolute(margin)),
        MetricSpec::new("either", [Check::SignedRank]).direction(Direction::Either),
    ]);
    let mut a = Analysis::new(plan).unwrap();
    let mut g = Gen::new(8);
    let mut d = Vec::new();
    for t in 0..30u64 {
        let load = 100.0 + 20.0 * g.normal();
        let (b, c) = (load, load + 3.0 + g.normal());
        a.observe(t, "latency", &values(&[b], &[c])).unwrap();
        a.observe(t, "either", &values(&[b], &[c])).unwrap();
        d.push(c - b);
    }
    let v = a.verdict(30).unwrap();
    let shifted: Vec<f64> = d.iter().map(|x| x - margin).collect();
    let want = SignedRank::new()
        .alternative(Alternative::Greater)
        .test(&shifted)
        .unwrap();
    let Some(Evidence::SignedRank(got)) = &v.findings[0].evidence else {
        panic!("{:?}", v.findings[0]);
    };
    assert_eq!(got, &want);
    assert_eq!(v.findings[0].judgement.is_fail(), want.p_value < 0.01);
    // Either: twice the smaller one-sided p-value on the unshifted pairs.
    let up = SignedRank::new()
        .alternative(Alternative::Greater)
        .test(&d)
        .unwrap();
    assert_eq!(v.findings[1].p_value, Some((2.0 * up.p_value).min(1.0)));
    assert_eq!(v.findings[1].judgement, Judgement::Fail(Side::High));
    let before = a.clone();
    assert!(
        a.observe(31, "latency", &values(&[-f64::MAX], &[f64::MAX]))
            .is_err()
    );
    assert_eq!(a, before);
}

/// A count observation that would carry the count test past its 2^40 events is
/// refused whole: the count test, the rank pool and the paired checks on the same
/// metric (updated in place only once every check accepted) are all unchanged, and
/// the analysis goes on as before.
#[test]
fn a_count_overflow_changes_no_check_of_the_metric() {
    let plan = Plan::new(vec![MetricSpec::new(
        "errors",
        // The count test last: the paired checks have accepted the observation
        // (and would grow) by the time it refuses.
        [
            Check::Rank,
            Check::PairedWithTails,
            Check::SignedRank,
            Check::CountRate { canary_share: 0.5 },
        ],
    )])
    .planned_ticks(20);
    let counts = |b: u64, c: u64| Observation::Counts {
        baseline: EventCounts::new(b, 1 << 42).unwrap(),
        canary: EventCounts::new(c, 1 << 42).unwrap(),
    };
    let mut a = Analysis::new(plan).unwrap();
    for t in 0..10u64 {
        a.observe(t, "errors", &counts(3 + t % 4, 4 + t % 3))
            .unwrap();
    }
    let before = a.clone();
    let too_many = counts(1 << 40, 2);
    let e = a.observe(10, "errors", &too_many).unwrap_err();
    assert!(e.to_string().contains("2^40"), "{e}");
    assert_eq!(a, before);
    // Still accepts what fits, and decides.
    a.observe(10, "errors", &counts(5, 5)).unwrap();
    assert_ne!(a, before);
    a.decide(10).unwrap();
}

/// Observations reach their metric whatever the order of the calls within a tick:
/// in the plan's order (the fast path tries the next metric first), reversed,
/// and shuffled, the verdicts are the same, and each metric's finding is the one
/// of its own data.
#[test]
fn observations_reach_their_metric_in_any_order() {
    let names = ["alpha", "beta", "gamma", "delta"];
    let plan = Plan::new(
        names
            .iter()
            .map(|n| MetricSpec::new(*n, [Check::Rank]).direction(Direction::HigherIsWorse))
            .collect(),
    )
    .planned_ticks(30);
    let mut g = Gen::new(9);
    // Only "gamma" regresses.
    let ticks: Vec<Vec<Observation>> = (0..30)
        .map(|_| {
            (0..names.len())
                .map(|i| {
                    let shift = if i == 2 { 50.0 } else { 0.0 };
                    let b: Vec<f64> = (0..5).map(|_| 100.0 + 10.0 * g.uniform()).collect();
                    let c: Vec<f64> = (0..5).map(|_| 100.0 + shift + 10.0 * g.uniform()).collect();
                    values(&b, &c)
                })
                .collect()
        })
        .collect();
    let orders: [Vec<usize>; 3] = [vec![0, 1, 2, 3], vec![3, 2, 1, 0], vec![2, 0, 3, 1]];
    let mut verdicts = Vec::new();
    for order in &orders {
        let mut a = Analysis::new(plan.clone()).unwrap();
        for (t, tick) in ticks.iter().enumerate() {
            for &i in order {
                a.observe(t as u64, names[i], &tick[i]).unwrap();
            }
        }
        let v = a.verdict(29).unwrap();
        let fails: Vec<&str> = v
            .findings
            .iter()
            .filter(|f| f.judgement.is_fail())
            .map(|f| f.metric.as_str())
            .collect();
        assert_eq!(fails, ["gamma"], "order {order:?}");
        verdicts.push(v.to_string());
    }
    assert!(verdicts.windows(2).all(|w| w[0] == w[1]));
}

/// The rank check skips the exact smallest attainable p-value when
/// 2^(1 − min(n, m)) is already below α; the bound must hold for every size
/// pair and alternative.
#[test]
fn the_smallest_p_value_is_at_most_two_to_one_minus_the_smaller_size() {
    for alternative in [
        Alternative::TwoSided,
        Alternative::Greater,
        Alternative::Less,
    ] {
        let test = MannWhitney::new().alternative(alternative);
        for n in 1..=200usize {
            for m in 1..=200usize {
                let bound = (1.0 - n.min(m) as f64).exp2();
                let floor = test.smallest_p_value(n, m);
                assert!(
                    floor <= bound * (1.0 + 1e-12),
                    "{n} {m} {alternative:?}: {floor} > {bound}"
                );
            }
        }
    }
}

proptest! {
    /// `Policy::decision` groups findings by metric name wherever they come: the
    /// findings interleaved, and the same findings grouped by metric, decide alike;
    /// and a metric with any failing finding fails the canary.
    #[test]
    fn decision_groups_findings_by_name_in_any_order(
        picks in proptest::collection::vec((0usize..6, 0usize..5, any::<bool>()), 0..40),
    ) {
        use canary_judge::evidence::Finding;
        use canary_judge::policy::Policy;
        let judgements = [
            Judgement::Pass,
            Judgement::Fail(Side::High),
            Judgement::Inconclusive,
            Judgement::NoData(Lack::Empty),
            Judgement::Error,
        ];
        let findings: Vec<Finding> = picks
            .iter()
            .map(|&(m, j, required)| {
                Finding::bare(&format!("m{m}"), "check", judgements[j], required, String::new())
            })
            .collect();
        let mut grouped = findings.clone();
        grouped.sort_by(|a, b| a.metric.cmp(&b.metric)); // stable
        let policy = Policy::default();
        let decision = policy.decision(&findings);
        prop_assert_eq!(decision, policy.decision(&grouped));
        if picks.iter().any(|&(_, j, _)| j == 1) {
            prop_assert_eq!(decision, Decision::Fail);
        }
    }
}

/// A required metric's findings, split by another metric's: its pass after its
/// missing data is one metric that passed, not a required metric without data.
#[test]
fn decision_joins_a_metric_split_by_another() {
    use canary_judge::evidence::Finding;
    use canary_judge::policy::Policy;
    let f = |m: &str, j: Judgement, required: bool| {
        Finding::bare(m, "check", j, required, String::new())
    };
    let findings = [
        f("a", Judgement::NoData(Lack::Empty), true),
        f("b", Judgement::Pass, false),
        f("a", Judgement::Pass, false),
    ];
    assert_eq!(Policy::default().decision(&findings), Decision::Pass);
    // Without the later pass, the required metric has no data.
    assert_eq!(
        Policy::default().decision(&findings[..2]),
        Decision::Inconclusive
    );
}
