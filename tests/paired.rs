//! The anytime-valid sign test on tick-aligned pairs: its e-value against the
//! closed form, false alarms at or below α when checked after every tick on pairs
//! that share bursty load, detection, the confidence sequence's coverage, bad input
//! and saved state.

use canary_judge::rng::SplitMix64;
use canary_judge::sequential::paired::SignTest;
use canary_judge::sequential::{ConfidenceSequence, SequentialTest, Signal};
use canary_judge::{Alpha, Direction, Margin};

/// (1/19) Σ_j (1 + j/20)^k (1 − j/20)^(n−k), summed directly.
fn wealth(k: i32, n: i32) -> f64 {
    (1..=19)
        .map(|j| {
            let l = f64::from(j) / 20.0;
            (1.0 + l).powi(k) * (1.0 - l).powi(n - k)
        })
        .sum::<f64>()
        / 19.0
}

#[test]
fn e_value_is_the_mixture_of_constant_bets() {
    let mut t = SignTest::new(Alpha::FIVE_PERCENT, Direction::HigherIsWorse).unwrap();
    let mut lower = SignTest::new(Alpha::FIVE_PERCENT, Direction::LowerIsWorse).unwrap();
    let signs = [1.0, 1.0, -1.0, 0.0, 1.0, 1.0, 1.0, -1.0, 1.0, 1.0, 1.0];
    let (mut up, mut n) = (0, 0);
    for s in signs {
        t.update(&[10.0], &[10.0 + s]).unwrap();
        lower.update(&[10.0], &[10.0 + s]).unwrap();
        if s != 0.0 {
            n += 1;
            up += i32::from(s > 0.0);
        }
        let want = wealth(up, n).ln();
        assert!(
            (t.log_e_value() - want).abs() < 1e-12,
            "{} vs {want}",
            t.log_e_value()
        );
        let want_down = wealth(n - up, n).ln();
        assert!((lower.log_e_value() - want_down).abs() < 1e-12);
    }
    // Seven in a row on the bad side reach 30 > 20 = 1/α.
    let mut run = SignTest::new(Alpha::FIVE_PERCENT, Direction::HigherIsWorse).unwrap();
    for i in 0..7 {
        run.update(&[1.0], &[2.0]).unwrap();
        let r = run.check();
        assert_eq!(
            r.decision == Signal::Reject,
            i == 6,
            "after {} pairs",
            i + 1
        );
    }
}

/// Pairs sharing a bursty per-tick load (log-normal, σ = 1) with independent
/// noise, and bursty error counts drawn from one per-tick rate: 600 A/A canaries of
/// 300 ticks each, checked after every tick. False alarms stay at or below α
/// (plus three standard errors), in each direction.
#[test]
fn false_alarms_stay_at_alpha_when_checked_every_tick() {
    let mut g = SplitMix64::new(2026);
    let runs = 600;
    let alpha = Alpha::FIVE_PERCENT;
    let mut alarms = [0usize; 3];
    for run in 0..runs {
        let counts = run % 2 == 1;
        let mut tests = [
            SignTest::new(alpha, Direction::HigherIsWorse).unwrap(),
            SignTest::new(alpha, Direction::LowerIsWorse).unwrap(),
            SignTest::new(alpha, Direction::Either).unwrap(),
        ];
        let mut fired = [false; 3];
        for _ in 0..300 {
            let load = (g.normal()).exp() * 50.0;
            let (b, c) = if counts {
                (poisson(&mut g, load), poisson(&mut g, load))
            } else {
                (
                    load * (0.1 * g.normal()).exp(),
                    load * (0.1 * g.normal()).exp(),
                )
            };
            for (t, f) in tests.iter_mut().zip(&mut fired) {
                t.update(&[b], &[c]).unwrap();
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

fn poisson(g: &mut SplitMix64, mean: f64) -> f64 {
    // Knuth's product method in log space (means up to a few hundred here).
    let (mut k, mut sum) = (0u32, 0.0);
    loop {
        sum -= g.uniform_open().ln();
        if sum > mean {
            return f64::from(k);
        }
        k += 1;
    }
}

/// A canary 10 ms slower (normal noise, so the median difference is 10 ms):
/// detected in nearly every run within 60 ticks, and the confidence sequence for
/// the median difference covers 10 ms at every tick in at least 95% of the runs
/// (less three standard errors).
#[test]
fn detects_a_slower_canary_and_covers_the_median() {
    let mut g = SplitMix64::new(77);
    let runs = 200;
    let (mut detected, mut covered) = (0, 0);
    for _ in 0..runs {
        let mut t = SignTest::new(Alpha::FIVE_PERCENT, Direction::HigherIsWorse).unwrap();
        let mut hit = false;
        let mut always_covers = true;
        for _ in 0..60 {
            // A constant load keeps the median difference known: 10 ms.
            let b = 100.0 + 5.0 * g.normal();
            let c = 110.0 + 5.0 * g.normal();
            t.update(&[b], &[c]).unwrap();
            let r = t.check();
            hit |= r.decision == Signal::Reject;
            if let ConfidenceSequence::Bounds { lower, upper } = r.confidence_sequence {
                always_covers &= lower <= 10.0 && 10.0 <= upper;
            }
        }
        detected += usize::from(hit);
        covered += usize::from(always_covers);
    }
    assert!(detected >= 190, "detected {detected} of {runs}");
    assert!(
        covered as f64 >= 0.95 * runs as f64 - 3.0 * (0.05f64 * 0.95 * runs as f64).sqrt(),
        "covered {covered}"
    );
}

#[test]
fn accepts_inside_a_margin() {
    let mut g = SplitMix64::new(5);
    let mut t = SignTest::builder(Direction::HigherIsWorse)
        .alpha(Alpha::FIVE_PERCENT)
        .margin(Margin::Relative(0.1))
        .build()
        .unwrap();
    let mut accepted = false;
    for _ in 0..400 {
        let load = 100.0 * (0.3 * g.normal()).exp();
        t.update(&[load], &[load + g.normal()]).unwrap();
        accepted |= t.check().decision == Signal::Accept;
    }
    assert!(accepted);
}

#[test]
fn bad_input_changes_nothing() {
    let mut t = SignTest::new(Alpha::FIVE_PERCENT, Direction::Either).unwrap();
    t.update(&[1.0, 2.0], &[1.5, 2.5]).unwrap();
    let before = t.clone();
    assert!(t.update(&[1.0, f64::NAN], &[1.0, 2.0]).is_err());
    assert!(t.update(&[1.0, 2.0, 3.0], &[f64::INFINITY]).is_err());
    assert!(t.update(&[f64::MAX], &[-f64::MAX]).is_err()); // the difference overflows
    assert_eq!(t, before);
    let negative = SignTest::builder(Direction::HigherIsWorse).margin(Margin::Absolute(-1.0));
    assert!(negative.build().is_err());
}

#[cfg(feature = "serde")]
#[test]
fn state_resumes_bit_for_bit_and_invalid_state_does_not_load() {
    let mut g = SplitMix64::new(9);
    let mut t = SignTest::new(Alpha::ONE_PERCENT, Direction::HigherIsWorse).unwrap();
    for _ in 0..50 {
        t.update(&[g.normal()], &[g.normal() + 0.2]).unwrap();
        t.check();
    }
    let json = serde_json::to_string(&t).unwrap();
    assert!(!json.contains("null"));
    let mut back: SignTest = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
    for _ in 0..20 {
        let (b, c) = (g.normal(), g.normal() + 0.2);
        t.update(&[b], &[c]).unwrap();
        back.update(&[b], &[c]).unwrap();
        assert_eq!(t.check(), back.check());
    }
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["pairs"]["differences"][0] = serde_json::json!(1e9);
    assert!(serde_json::from_value::<SignTest>(v).is_err());
}

/// The tail bets recomputed directly: for each pair, the spreads of the pairs before
/// it sorted, the threshold at rank ⌊q·m⌋ once m ≥ 1/(1 − q), and the mixture wealth
/// of the selected signs; the e-value is ½ E(all) + ¼ E(0.8) + ¼ E(0.95).
fn tails_log_e(pairs: &[(f64, f64)]) -> f64 {
    let spread = |b: f64, c: f64| {
        let s = b.abs() + c.abs();
        if s > 0.0 {
            ((c - b).abs() / s).min(1.0)
        } else {
            0.0
        }
    };
    let mut seen: Vec<f64> = Vec::new();
    let mut sel = [(0i32, 0i32); 2];
    let (mut up, mut n) = (0, 0);
    for &(b, c) in pairs {
        let (r, d) = (spread(b, c), c - b);
        let m = seen.len();
        let mut sorted = seen.clone();
        sorted.sort_by(f64::total_cmp);
        for (q, s) in [0.8, 0.95].iter().zip(&mut sel) {
            if d != 0.0 && m as f64 >= 1.0 / (1.0 - q) - 1e-9 {
                let k = ((q * m as f64) as usize).min(m - 1);
                if r > sorted[k] {
                    s.1 += 1;
                    s.0 += i32::from(d > 0.0);
                }
            }
        }
        seen.push(r);
        if d != 0.0 {
            n += 1;
            up += i32::from(d > 0.0);
        }
    }
    (0.5 * wealth(up, n) + 0.25 * wealth(sel[0].0, sel[0].1) + 0.25 * wealth(sel[1].0, sel[1].1))
        .ln()
}

#[test]
fn tail_bets_match_their_direct_computation() {
    let mut g = SplitMix64::new(31);
    let mut t = SignTest::builder(Direction::HigherIsWorse)
        .alpha(Alpha::FIVE_PERCENT)
        .with_tails()
        .build()
        .unwrap();
    assert!(t.has_tails());
    let mut pairs = Vec::new();
    for i in 0..400 {
        let b = (g.normal() * 0.3).exp() * 100.0;
        // every 10th canary value three times higher; some exact ties
        let c = if i % 10 == 0 {
            3.0 * b
        } else if i % 17 == 0 {
            b
        } else {
            (g.normal() * 0.3).exp() * 100.0
        };
        t.update(&[b], &[c]).unwrap();
        pairs.push((b, c));
        if i % 37 == 0 || i == 399 {
            let want = tails_log_e(&pairs);
            let got = t.log_e_value();
            assert!(
                (got - want).abs() < 1e-9 * want.abs().max(1.0),
                "{got} vs {want} at {i}"
            );
        }
    }
}

/// A heavier upper tail: 5% of the canary's values three times higher, the median
/// unchanged. With tails the test catches it in most runs of 500 pairs; without,
/// rarely. On A/A pairs with bursty shared load the tail bets keep false alarms at
/// or below α, checked after every pair, in each direction.
#[test]
fn tail_bets_catch_a_heavier_tail_and_hold_alpha() {
    let mut g = SplitMix64::new(4242);
    let alpha = Alpha::FIVE_PERCENT;
    let runs = 300;
    let (mut with, mut without) = (0, 0);
    for _ in 0..runs {
        let mut tails = SignTest::builder(Direction::HigherIsWorse)
            .alpha(alpha)
            .with_tails()
            .build()
            .unwrap();
        let mut plain = SignTest::new(alpha, Direction::HigherIsWorse).unwrap();
        let (mut fired_t, mut fired_p) = (false, false);
        for _ in 0..500 {
            let load = g.normal().exp() * 50.0;
            let b = load * (0.2 * g.normal()).exp();
            let mut c = load * (0.2 * g.normal()).exp();
            if g.uniform() < 0.05 {
                c *= 3.0;
            }
            tails.update(&[b], &[c]).unwrap();
            plain.update(&[b], &[c]).unwrap();
            fired_t |= tails.check().decision == Signal::Reject;
            fired_p |= plain.check().decision == Signal::Reject;
        }
        with += usize::from(fired_t);
        without += usize::from(fired_p);
    }
    assert!(
        with as f64 >= 0.8 * runs as f64,
        "with tails {with} of {runs}"
    );
    assert!(
        without as f64 <= 0.25 * runs as f64,
        "without tails {without} of {runs}"
    );

    let mut alarms = [0usize; 3];
    let dirs = [
        Direction::HigherIsWorse,
        Direction::LowerIsWorse,
        Direction::Either,
    ];
    let runs = 500;
    for _ in 0..runs {
        let mut tests = dirs.map(|d| {
            SignTest::builder(d)
                .alpha(alpha)
                .with_tails()
                .build()
                .unwrap()
        });
        let mut fired = [false; 3];
        for _ in 0..300 {
            let load = g.normal().exp() * 50.0;
            // heavy-tailed noise shared in law by both sides
            let noise = |g: &mut SplitMix64| {
                (0.5 * g.normal()).exp() * if g.uniform() < 0.05 { 4.0 } else { 1.0 }
            };
            let (b, c) = (load * noise(&mut g), load * noise(&mut g));
            for (t, f) in tests.iter_mut().zip(&mut fired) {
                t.update(&[b], &[c]).unwrap();
                *f |= t.check().decision == Signal::Reject;
            }
        }
        for (a, f) in alarms.iter_mut().zip(fired) {
            *a += usize::from(f);
        }
    }
    let bound = 0.05 + 3.0 * (0.05f64 * 0.95 / runs as f64).sqrt();
    for a in alarms {
        assert!(
            (a as f64 / runs as f64) <= bound,
            "{a} of {runs} false alarms"
        );
    }
}

#[cfg(feature = "serde")]
#[test]
fn tail_state_resumes_and_invalid_tail_state_does_not_load() {
    let mut g = SplitMix64::new(10);
    let mut t = SignTest::builder(Direction::Either)
        .alpha(Alpha::ONE_PERCENT)
        .with_tails()
        .build()
        .unwrap();
    for _ in 0..60 {
        t.update(&[g.normal() + 5.0], &[g.normal() + 5.0]).unwrap();
        t.check();
    }
    let json = serde_json::to_string(&t).unwrap();
    let mut back: SignTest = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
    for _ in 0..30 {
        let (b, c) = (g.normal() + 5.0, g.normal() * 3.0 + 5.0);
        t.update(&[b], &[c]).unwrap();
        back.update(&[b], &[c]).unwrap();
        assert_eq!(t.check(), back.check());
    }
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let broken = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut w = v.clone();
        f(&mut w);
        serde_json::from_value::<SignTest>(w).is_err()
    };
    // A spread outside [0, 1], out of order, one too few, more selected than seen.
    assert!(broken(
        &|w| w["tails"]["spreads"][0] = serde_json::json!(1.5)
    ));
    assert!(broken(
        &|w| w["tails"]["spreads"][0] = serde_json::json!(0.999)
    ));
    assert!(broken(&|w| {
        w["tails"]["spreads"].as_array_mut().unwrap().pop();
    }));
    assert!(broken(
        &|w| w["tails"]["selected"][0] = serde_json::json!([60, 1])
    ));
}

/// Sides of different lengths pair as their medians; an empty side adds no pair;
/// equal lengths pair by position (checked against the e-value of the signs).
#[test]
fn unequal_ticks_pair_their_medians_and_empty_sides_add_nothing() {
    let mut t = SignTest::new(Alpha::FIVE_PERCENT, Direction::HigherIsWorse).unwrap();
    t.update(&[1.0, 9.0, 2.0], &[3.0, 4.0]).unwrap(); // medians 2 and 3.5: +
    assert_eq!(t.pairs(), 1);
    assert_eq!(t.median_difference(), Some(1.5));
    t.update(&[5.0], &[]).unwrap();
    t.update(&[], &[5.0, 6.0]).unwrap();
    assert_eq!(t.pairs(), 1);
    t.update(&[10.0, 20.0, 30.0, 40.0], &[1.0, 2.0, 3.0])
        .unwrap(); // 25 vs 2: −
    assert_eq!(t.pairs(), 2);
    t.update(&[1.0, 2.0], &[2.0, 1.0]).unwrap(); // by position: +, −
    assert_eq!(t.pairs(), 4);
    assert!((t.log_e_value() - wealth(2, 4).ln()).abs() < 1e-12);
    // The baseline's level counts the paired baseline values: 2, 25, 1, 2.
    assert_eq!(t.baseline_mean(), Some(7.5));
}

/// The confidence sequence's bar search starts from the last check's (it never
/// moves down as pairs come): at every check it must equal the bisection a freshly
/// loaded test (no remembered start) does, including when checks skip ticks.
#[cfg(feature = "serde")]
#[test]
fn remembered_bar_search_matches_a_fresh_one() {
    let mut g = SplitMix64::new(5);
    for direction in [Direction::HigherIsWorse, Direction::Either] {
        let mut t = SignTest::new(Alpha::ONE_PERCENT, direction).unwrap();
        for i in 0..400 {
            let b = g.normal();
            t.update(&[b], &[b + 0.3 + g.normal()]).unwrap();
            if i % 7 == 3 {
                continue; // no check this tick
            }
            let mut fresh: SignTest =
                serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
            assert_eq!(t.check(), fresh.check(), "after {} pairs", i + 1);
        }
    }
}
