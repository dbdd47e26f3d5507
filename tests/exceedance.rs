//! The anytime-valid tail test: false alarms at or below α when checked after every
//! tick, detection of a heavier tail the median does not show, saved state.

use canary_judge::Alpha;
use canary_judge::rng::SplitMix64;
use canary_judge::sequential::exceedance::TailTest;
use canary_judge::sequential::{SequentialTest, Signal};

/// Log-normal latencies whose scale drifts tick to tick (shared by both sides).
fn tick(g: &mut SplitMix64, n: usize, load: f64, heavy: f64) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let v = load * (0.5 * g.normal()).exp();
            // With probability 5%, a canary point is `heavy` times slower.
            if heavy > 1.0 && g.uniform() < 0.05 {
                v * heavy
            } else {
                v
            }
        })
        .collect()
}

/// 600 A/A canaries of 200 ticks (40 points per side per tick, a load shared by
/// the tick's two sides and drifting between ticks), p95 and p99, checked after
/// every tick: false alarms at or below α plus three standard errors.
#[test]
fn false_alarms_stay_at_alpha_when_checked_every_tick() {
    let mut g = SplitMix64::new(404);
    let runs = 600;
    let mut alarms = [0usize; 2];
    for _ in 0..runs {
        let mut tests = [
            TailTest::new(Alpha::FIVE_PERCENT, 0.95).unwrap(),
            TailTest::new(Alpha::FIVE_PERCENT, 0.99).unwrap(),
        ];
        let mut fired = [false; 2];
        for _ in 0..200 {
            let load = 100.0 * (0.7 * g.normal()).exp();
            let (b, c) = (tick(&mut g, 40, load, 1.0), tick(&mut g, 40, load, 1.0));
            for (t, f) in tests.iter_mut().zip(&mut fired) {
                t.update(&b, &c).unwrap();
                *f |= t.check().decision == Signal::Reject;
            }
        }
        for (a, f) in alarms.iter_mut().zip(fired) {
            *a += usize::from(f);
        }
    }
    let bound = 0.05 + 3.0 * (0.05f64 * 0.95 / runs as f64).sqrt();
    for a in alarms {
        let rate = a as f64 / runs as f64;
        assert!(rate <= bound, "false-alarm rate {rate} above {bound}");
    }
}

/// 5% of the canary's points ×3 (the median moves by about 3%): the p95 tail
/// test detects it within 100 ticks of 40 points in at least 90% of 200 runs.
#[test]
fn detects_a_heavier_tail() {
    let mut g = SplitMix64::new(405);
    let runs = 200;
    let mut detected = 0;
    for _ in 0..runs {
        let mut t = TailTest::new(Alpha::FIVE_PERCENT, 0.95).unwrap();
        let mut hit = false;
        for _ in 0..100 {
            let load = 100.0 * (0.7 * g.normal()).exp();
            let (b, c) = (tick(&mut g, 40, load, 1.0), tick(&mut g, 40, load, 3.0));
            t.update(&b, &c).unwrap();
            hit |= t.check().decision == Signal::Reject;
        }
        detected += usize::from(hit);
    }
    assert!(detected >= 180, "detected {detected} of {runs}");
}

#[test]
fn bad_input_changes_nothing() {
    assert!(TailTest::new(Alpha::FIVE_PERCENT, 1.0).is_err());
    assert!(TailTest::new(Alpha::FIVE_PERCENT, f64::NAN).is_err());
    let mut t = TailTest::new(Alpha::FIVE_PERCENT, 0.9).unwrap();
    t.update(&[1.0; 20], &[2.0]).unwrap();
    let before = t.clone();
    assert!(t.update(&[1.0, f64::NAN], &[1.0]).is_err());
    assert!(t.update(&[1.0], &[f64::INFINITY]).is_err());
    assert_eq!(t, before);
}

#[cfg(feature = "serde")]
#[test]
fn state_resumes_and_invalid_state_does_not_load() {
    let mut g = SplitMix64::new(9);
    let mut t = TailTest::new(Alpha::ONE_PERCENT, 0.95).unwrap();
    for _ in 0..20 {
        let (b, c) = (tick(&mut g, 30, 100.0, 1.0), tick(&mut g, 30, 100.0, 2.0));
        t.update(&b, &c).unwrap();
        t.check();
    }
    let json = serde_json::to_string(&t).unwrap();
    assert!(!json.contains("null"));
    let back: TailTest = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["p"] = serde_json::json!(1.5);
    assert!(serde_json::from_value::<TailTest>(v.clone()).is_err());
    v["p"] = serde_json::json!(0.95);
    v["ln_wealth"] = serde_json::json!([0.0]);
    assert!(serde_json::from_value::<TailTest>(v).is_err());
}

/// A plan with the exceedance check alone (p95, higher is worse) over `ticks`.
fn exceedance_plan(ticks: u64) -> canary_judge::Plan {
    use canary_judge::{Check, Direction, MetricSpec, Plan, Policy};
    Plan::new(vec![
        MetricSpec::new("latency", [Check::Exceedance { p: 0.95 }])
            .direction(Direction::HigherIsWorse),
    ])
    .planned_ticks(ticks)
    .policy(Policy::guarded(Alpha::FIVE_PERCENT))
}

/// Drives one canary through the Analysis, deciding after every tick: whether it
/// failed, and the decision at the planned end otherwise.
fn drive(g: &mut SplitMix64, ticks: u64, heavy: f64) -> canary_judge::Decision {
    use canary_judge::{Analysis, Decision, Observation};
    let mut a = Analysis::new(exceedance_plan(ticks)).unwrap();
    for t in 0..ticks {
        let load = 100.0 * (0.7 * g.normal()).exp();
        let obs = Observation::Values {
            baseline: tick(g, 40, load, 1.0),
            canary: tick(g, 40, load, heavy),
        };
        a.observe(t, "latency", &obs).unwrap();
        let d = a.decide(t).unwrap();
        if d == Decision::Fail {
            return d;
        }
    }
    a.decide(ticks - 1).unwrap()
}

/// The exceedance check in the Analysis under the family policy, decided after
/// every tick over 100 ticks of 40 values per side: 400 good canaries fail at most
/// α of the time (plus three standard errors) and the others pass at the planned
/// end; 100 canaries with 5% of their values ×3 fail in at least 90 of 100.
#[test]
fn exceedance_check_decides_every_tick_at_alpha_and_finds_a_heavier_tail() {
    use canary_judge::Decision;
    let mut g = SplitMix64::new(406);
    let runs = 400;
    let outcomes: Vec<Decision> = (0..runs).map(|_| drive(&mut g, 100, 1.0)).collect();
    let failed = outcomes.iter().filter(|&&d| d == Decision::Fail).count();
    let se = (0.05 * 0.95 / runs as f64).sqrt();
    assert!(
        failed as f64 / runs as f64 <= 0.05 + 3.0 * se,
        "{failed} of {runs}"
    );
    assert!(
        outcomes
            .iter()
            .all(|&d| matches!(d, Decision::Fail | Decision::Pass))
    );
    let caught = (0..100)
        .filter(|_| drive(&mut g, 100, 3.0) == Decision::Fail)
        .count();
    assert!(caught >= 90, "caught {caught} of 100");
}

/// What the exceedance check cannot judge is refused, naming what is wrong: counts
/// (one rate per tick, no batch), a direction other than higher-is-worse, a margin,
/// p outside (0, 1); the refused observation changes nothing.
#[test]
fn exceedance_check_refuses_what_it_cannot_judge() {
    use canary_judge::{
        Analysis, Check, Direction, EventCounts, Margin, MetricSpec, Observation, Plan,
    };
    let mut a = Analysis::new(exceedance_plan(10)).unwrap();
    let counts = Observation::Counts {
        baseline: EventCounts::new(1, 10).unwrap(),
        canary: EventCounts::new(2, 10).unwrap(),
    };
    let before = a.clone();
    let e = a.observe(0, "latency", &counts).unwrap_err();
    assert!(e.to_string().contains("latency"), "{e}");
    assert_eq!(a, before);
    let plan = |spec: MetricSpec| Analysis::new(Plan::new(vec![spec]));
    let spec = || MetricSpec::new("m", [Check::Exceedance { p: 0.95 }]);
    for d in [Direction::LowerIsWorse, Direction::Either] {
        let e = plan(spec().direction(d)).unwrap_err().to_string();
        assert!(e.contains("direction"), "{e}");
    }
    let e = plan(
        spec()
            .direction(Direction::HigherIsWorse)
            .margin(Margin::Relative(0.1)),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("margin"), "{e}");
    for p in [0.0, 1.0, f64::NAN] {
        let e = plan(
            MetricSpec::new("m", [Check::Exceedance { p }]).direction(Direction::HigherIsWorse),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("exceedance check's p"), "{p}: {e}");
    }
}

/// The check's state resumes bit for bit, and a state whose test bets above another
/// quantile than the plan's does not load.
#[cfg(feature = "serde")]
#[test]
fn exceedance_state_resumes_and_a_foreign_state_does_not_load() {
    use canary_judge::{Analysis, Observation};
    let mut g = SplitMix64::new(407);
    let mut a = Analysis::new(exceedance_plan(50)).unwrap();
    for t in 0..10 {
        let obs = Observation::Values {
            baseline: tick(&mut g, 40, 100.0, 1.0),
            canary: tick(&mut g, 40, 100.0, 2.0),
        };
        a.observe(t, "latency", &obs).unwrap();
        a.decide(t).unwrap();
    }
    let json = serde_json::to_string(&a).unwrap();
    assert!(!json.contains("null"));
    let back: Analysis = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    // The stored test's p, changed from the plan's 0.95.
    let foreign = json.replacen("\"p\":0.95,\"ln_wealth\"", "\"p\":0.9,\"ln_wealth\"", 1);
    assert_ne!(foreign, json, "the test's p was not found in {json}");
    assert!(serde_json::from_str::<Analysis>(&foreign).is_err());
}
