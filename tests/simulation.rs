//! Statistical guarantees checked by seeded simulation: false-alarm rates and
//! interval coverage. Each check allows three binomial standard errors of Monte Carlo
//! noise beyond the nominal rate (about twenty checks run, so two would leave a
//! sizeable chance that a correct implementation fails one by luck; a real defect,
//! such as an off-by-one critical value, moves the rates by far more).

use canary_judge::compare::{Alternative, MannWhitney, Method};
use canary_judge::{Alpha, Direction, Judgement, Metric, MetricConfig, Sample, Side};

mod common;

use common::Rng;

#[derive(Clone, Copy, Debug)]
enum Shape {
    Normal,
    LogNormal,
    Pareto,
}

fn draw(rng: &mut Rng, shape: Shape, n: usize, shift: f64) -> Sample {
    Sample::new((0..n).map(|_| {
        let v = match shape {
            Shape::Normal => rng.normal(),
            Shape::LogNormal => (0.8 * rng.normal()).exp(),
            Shape::Pareto => rng.uniform_open().powf(-1.0 / 2.5),
        };
        v + shift
    }))
    .unwrap()
}

/// The fraction of `reps` trials for which `event` holds.
fn rate(reps: usize, mut event: impl FnMut() -> bool) -> f64 {
    (0..reps).filter(|_| event()).count() as f64 / reps as f64
}

fn allowed(rate: f64, reps: usize) -> f64 {
    rate + 3.0 * (rate * (1.0 - rate) / reps as f64).sqrt()
}

#[test]
fn shift_interval_covers_the_true_shift() {
    let mut rng = Rng::new(0x1234_5678_9abc_def1);
    let reps = 1500;
    for (m, n, method) in [
        (8, 10, Method::Exact),
        (12, 15, Method::Exact),
        (60, 80, Method::Asymptotic),
        (300, 250, Method::Asymptotic),
    ] {
        for shape in [Shape::Normal, Shape::LogNormal, Shape::Pareto] {
            let delta = 0.7;
            let t = MannWhitney::new().method(method).confidence_level(0.9);
            let missed = rate(reps, || {
                let b = draw(&mut rng, shape, n, 0.0);
                let c = draw(&mut rng, shape, m, delta);
                !t.compare(&b, &c).unwrap().interval.unwrap().contains(delta)
            });
            assert!(
                missed <= allowed(0.10, reps),
                "{m}x{n} {method:?} {shape:?}: miss rate {missed}"
            );
        }
    }
}

#[test]
fn p_values_hold_their_level_under_the_null() {
    let mut rng = Rng::new(0x0bad_5eed_0bad_5eed);
    let reps = 3000;
    for (m, n, method, alt) in [
        (7, 9, Method::Exact, Alternative::TwoSided),
        (20, 20, Method::Exact, Alternative::Greater),
        (100, 90, Method::Asymptotic, Alternative::Less),
    ] {
        let t = MannWhitney::new()
            .method(method)
            .alternative(alt)
            .test_only();
        let rejected = rate(reps, || {
            let b = draw(&mut rng, Shape::LogNormal, n, 0.0);
            let c = draw(&mut rng, Shape::LogNormal, m, 0.0);
            t.compare(&b, &c).unwrap().p_value <= 0.05
        });
        assert!(
            rejected <= allowed(0.05, reps),
            "{m}x{n} {method:?} {alt:?}: {rejected}"
        );
    }
}

#[test]
fn exact_tied_p_values_hold_their_level() {
    // Heavily tied counts: the exact permutation p-value is valid by construction.
    let mut rng = Rng::new(0x7777_1111_2222_3333);
    let reps = 2000;
    let t = MannWhitney::new()
        .method(Method::Exact)
        .alternative(Alternative::Greater)
        .test_only();
    let counts =
        |rng: &mut Rng, k| Sample::new((0..k).map(|_| (rng.uniform_open() * 3.0).floor())).unwrap();
    let rejected = rate(reps, || {
        let b = counts(&mut rng, 9);
        let c = counts(&mut rng, 8);
        t.compare(&b, &c).unwrap().p_value <= 0.05
    });
    assert!(rejected <= allowed(0.05, reps), "{rejected}");
}

#[test]
fn default_classifier_false_alarm_rate() {
    let mut rng = Rng::new(0xfeed_beef_cafe_f00d);
    let reps = 2000;
    let cfg = MetricConfig {
        direction: Direction::HigherIsWorse,
        alpha: Alpha::FIVE_PERCENT,
        ..Default::default()
    };
    let mut fails = |shape, shift| {
        let b = draw(&mut rng, shape, 40, 0.0);
        let c = draw(&mut rng, shape, 40, shift);
        Metric::new("m", b, c)
            .config(cfg)
            .judge()
            .unwrap()
            .judgement
            == Judgement::Fail(Side::High)
    };
    let false_alarms = rate(reps, || fails(Shape::Pareto, 0.0));
    assert!(false_alarms <= allowed(0.05, reps), "{false_alarms}");
    // And it has power against a real shift of one standard deviation.
    let power = rate(200, || fails(Shape::Normal, 1.0));
    assert!(power > 0.9, "power {power}");
}
