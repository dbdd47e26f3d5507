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
