//! Sequential tests against reference values from savvi 0.3.1 and scipy/mpmath closed
//! forms (tests/fixtures/sequential.json, from scripts/gen_sequential_fixtures.py),
//! seeded simulations of the anytime-valid guarantee (a check after every
//! observation), and bad input.

mod common;

use canary_judge::sequential::counts::CountRateTest;
use canary_judge::sequential::means::{NormalMsprt, TTest, Variance};
use canary_judge::sequential::proportions::{BernoulliCs, ProportionTest};
use canary_judge::sequential::sprt::{GammaPoisson, Hypotheses, Sprt};
use canary_judge::sequential::{ConfidenceSequence, SequentialTest, Sidedness, Signal};
use canary_judge::{Direction, EventCounts};
use common::Rng;
use serde_json::Value;

fn fixtures() -> Value {
    let text = include_str!("fixtures/sequential.json");
    serde_json::from_str(text).expect("fixture JSON")
}

fn f(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "inf" => f64::INFINITY,
        _ => v.as_f64().expect("number"),
    }
}

fn close(ours: f64, theirs: f64, rtol: f64, what: &str) {
    let ok = if theirs.is_infinite() {
        ours == theirs
    } else {
        (ours - theirs).abs() <= rtol * theirs.abs().max(1.0)
    };
    assert!(ok, "{what}: ours {ours} vs reference {theirs}");
}

#[test]
fn count_rate_matches_savvi_and_closed_forms() {
    let data = fixtures();
    for case in data["counts"].as_array().unwrap() {
        let (rb, rc, k) = (
            f(&case["baseline_share"]),
            f(&case["canary_share"]),
            f(&case["k"]),
        );
        let mut two = CountRateTest::builder(rc)
            .concentration(k)
            .alternative(Sidedness::TwoSided)
            .build()
            .unwrap();
        for step in case["steps"].as_array().unwrap() {
            let (nb, nc) = (
                step["baseline"].as_u64().unwrap(),
                step["canary"].as_u64().unwrap(),
            );
            two.update_cumulative(nb, nc).unwrap();
            let what = format!("shares {rb}/{rc} k={k} counts {nb}/{nc}");
            close(
                two.log_e_two_sided(),
                f(&step["log_e_two_sided"]),
                1e-10,
                &what,
            );
            if let Some(s) = step["savvi_log_odds"].as_f64() {
                close(two.log_e_two_sided(), s, 1e-9, &format!("{what} (savvi)"));
            }
            close(
                two.log_e_one_sided(),
                f(&step["log_e_one_sided"]),
                1e-9,
                &format!("{what} one-sided"),
            );
            let (lo, hi) = two.rate_ratio_interval();
            close(
                lo,
                f(&step["ratio_interval"][0]),
                1e-9,
                &format!("{what} lower"),
            );
            close(
                hi,
                f(&step["ratio_interval"][1]),
                1e-9,
                &format!("{what} upper"),
            );
            // savvi solves the same interval by convex optimisation (~1e-6).
            if let Some(ci) = step.get("savvi_log_ratio_interval") {
                close(lo.ln(), f(&ci[0]), 2e-5, &format!("{what} savvi lower"));
                close(hi.ln(), f(&ci[1]), 2e-5, &format!("{what} savvi upper"));
            }
        }
    }
}

#[test]
fn ttest_matches_savvi_log_bf() {
    for case in fixtures()["ttest"].as_array().unwrap() {
        let vals = |k: &str| -> Vec<f64> { case[k].as_array().unwrap().iter().map(f).collect() };
        let phi = f(&case["phi"]);
        let mut t = TTest::builder(Direction::Either)
            .effect_size(1.0 / phi.sqrt())
            .build()
            .unwrap();
        // Feed in uneven batches: the moments must not depend on batching.
        let (b, c) = (vals("baseline"), vals("canary"));
        let (b1, b2) = b.split_at(b.len() / 3);
        let (c1, c2) = c.split_at(c.len() / 2);
        t.update(b1, c1).unwrap();
        t.update(b2, c2).unwrap();
        let (log_e, (lo, hi)) = t.evaluate();
        close(log_e, f(&case["log_e"]), 1e-9, "t-test log e");
        match case["interval"].as_array() {
            Some(iv) => {
                close(lo, f(&iv[0]), 1e-9, "t-test lower");
                close(hi, f(&iv[1]), 1e-9, "t-test upper");
            }
            None => assert!(lo.is_infinite() && hi.is_infinite()),
        }
    }
}

#[test]
fn bernoulli_cs_and_gamma_poisson_match_closed_forms() {
    let data = fixtures();
    for case in data["bernoulli_cs"].as_array().unwrap() {
        let mut cs = BernoulliCs::new(
            canary_judge::Alpha::FIVE_PERCENT,
            f(&case["t_opt"]),
            f(&case["target"]),
            Direction::HigherIsWorse,
        )
        .unwrap();
        cs.update(
            case["events"].as_u64().unwrap(),
            case["trials"].as_u64().unwrap(),
        )
        .unwrap();
        let (log_e, (lo, hi)) = cs.evaluate();
        close(log_e, f(&case["log_e"]), 1e-10, "bernoulli log e");
        close(lo, f(&case["interval"][0]), 1e-9, "bernoulli lower");
        close(hi, f(&case["interval"][1]), 1e-9, "bernoulli upper");
    }
    // confseq's own bernoulli_confidence_interval on three cases.
    for (case, (x, n, t_opt)) in data["confseq_bernoulli"].as_array().unwrap().iter().zip([
        (12, 5000, 1000.0),
        (37, 1000, 500.0),
        (480, 1000, 1000.0),
    ]) {
        let mut cs = BernoulliCs::new(
            canary_judge::Alpha::FIVE_PERCENT,
            t_opt,
            0.5,
            Direction::Either,
        )
        .unwrap();
        cs.update(x, n).unwrap();
        let (_, (lo, hi)) = cs.evaluate();
        close(lo, f(&case[0]), 1e-8, "confseq bernoulli lower");
        close(hi, f(&case[1]), 1e-8, "confseq bernoulli upper");
    }
    for case in data["gamma_poisson"].as_array().unwrap() {
        let mut gp = GammaPoisson::new(f(&case["phi"]), canary_judge::Alpha::FIVE_PERCENT).unwrap();
        gp.update(case["count"].as_u64().unwrap(), f(&case["expected"]))
            .unwrap();
        close(gp.evaluate().0, f(&case["log_bf"]), 1e-10, "gamma-poisson");
    }
}

#[test]
fn normal_msprt_matches_the_closed_form() {
    // Known variance 1 per observation and n per arm gives var = 2/n; pick data whose
    // difference of means is exactly the fixture's delta.
    for case in fixtures()["normal_mixture"].as_array().unwrap() {
        let (delta, var, tau2) = (f(&case["delta"]), f(&case["var"]), f(&case["tau2"]));
        let n = 100usize;
        let sigma2 = var * n as f64 / 2.0;
        let mut t = NormalMsprt::new(
            canary_judge::Alpha::FIVE_PERCENT,
            tau2.sqrt(),
            Variance::Known {
                baseline: sigma2,
                canary: sigma2,
            },
            Direction::Either,
        )
        .unwrap();
        t.update(&vec![0.0; n], &vec![delta; n]).unwrap();
        let (log_e, (lo, hi)) = t.evaluate();
        close(log_e, f(&case["log_e"]), 1e-9, "msprt log e");
        close(lo, f(&case["interval"][0]), 1e-9, "msprt lower");
        close(hi, f(&case["interval"][1]), 1e-9, "msprt upper");
    }
}

/// Draws Binomial-free event labels: true with probability `p`.
fn bernoulli(rng: &mut Rng, p: f64) -> bool {
    rng.uniform_open() < p
}

/// Two binomial standard errors above alpha for `paths` simulations.
fn ceiling(alpha: f64, paths: usize) -> f64 {
    alpha + 2.0 * (alpha * (1.0 - alpha) / paths as f64).sqrt()
}

#[test]
fn count_rate_false_alarms_stay_below_alpha_with_a_check_after_every_event() {
    let mut rng = Rng::new(0x00c0_7a7e_5eed_0001);
    for (canary_share, alternative) in [(0.5, Sidedness::TwoSided), (0.1, Sidedness::Greater)] {
        let paths = 400;
        let mut rejected = 0;
        for _ in 0..paths {
            let mut t = CountRateTest::builder(canary_share)
                .alternative(alternative)
                .build()
                .unwrap();
            for _ in 0..2000 {
                let canary = bernoulli(&mut rng, canary_share);
                t.update(u64::from(!canary), u64::from(canary)).unwrap();
                if t.check().decision == Signal::Reject {
                    rejected += 1;
                    break;
                }
            }
        }
        let rate = rejected as f64 / paths as f64;
        assert!(rate <= ceiling(0.05, paths), "share {canary_share}: {rate}");
    }
}

#[test]
fn count_rate_detects_regressions_about_as_fast_as_the_reference_table() {
    // sequential.md 9.2 (MC, 500 paths): rate ratio 1.5, ρ = ½, k = 100: median 234
    // events two-sided, 182 one-sided; ratio 2.0: 105 and 92.
    let mut rng = Rng::new(0x00de_7ec7_0000_0002);
    for (ratio, alternative, reference) in [
        (1.5, Sidedness::TwoSided, 234.0),
        (1.5, Sidedness::Greater, 182.0),
        (2.0, Sidedness::TwoSided, 105.0),
        (2.0, Sidedness::Greater, 92.0),
    ] {
        let theta = ratio / (1.0 + ratio);
        let mut stops: Vec<f64> = (0..200)
            .map(|_| {
                let mut t = CountRateTest::builder(0.5)
                    .alternative(alternative)
                    .build()
                    .unwrap();
                for n in 1..=5000 {
                    let canary = bernoulli(&mut rng, theta);
                    t.update(u64::from(!canary), u64::from(canary)).unwrap();
                    if t.check().decision == Signal::Reject {
                        return n as f64;
                    }
                }
                5000.0
            })
            .collect();
        stops.sort_by(f64::total_cmp);
        let median = stops[stops.len() / 2];
        assert!(
            (median - reference).abs() <= 0.2 * reference,
            "ratio {ratio} {alternative:?}: median {median} vs {reference}"
        );
    }
}

#[test]
fn mean_and_proportion_tests_hold_alpha_under_continuous_monitoring() {
    let mut rng = Rng::new(0x0000_0a11_0000_0003);
    let paths = 300;
    let (mut t_rej, mut m_rej, mut p_rej) = (0, 0, 0);
    for _ in 0..paths {
        let mut t = TTest::new(canary_judge::Alpha::FIVE_PERCENT, Direction::Either).unwrap();
        let mut m = NormalMsprt::new(
            canary_judge::Alpha::FIVE_PERCENT,
            0.2,
            Variance::Known {
                baseline: 1.0,
                canary: 1.0,
            },
            Direction::Either,
        )
        .unwrap();
        let mut p = ProportionTest::new(canary_judge::Alpha::FIVE_PERCENT, 0.05, Direction::Either)
            .unwrap();
        let (mut t_done, mut m_done, mut p_done) = (false, false, false);
        for _ in 0..600 {
            let (b, c) = (rng.normal(), rng.normal());
            t.update(&[5.0 + 2.0 * b], &[5.0 + 2.0 * c]).unwrap();
            m.update(&[b], &[c]).unwrap();
            let (eb, ec) = (bernoulli(&mut rng, 0.2), bernoulli(&mut rng, 0.2));
            p.update(
                EventCounts::new(u64::from(eb), 1).unwrap(),
                EventCounts::new(u64::from(ec), 1).unwrap(),
            )
            .unwrap();
            t_done |= t.check().decision == Signal::Reject;
            m_done |= m.check().decision == Signal::Reject;
            p_done |= p.check().decision == Signal::Reject;
        }
        t_rej += usize::from(t_done);
        m_rej += usize::from(m_done);
        p_rej += usize::from(p_done);
    }
    for (name, r) in [("t-test", t_rej), ("msprt", m_rej), ("proportion", p_rej)] {
        let rate = r as f64 / paths as f64;
        assert!(rate <= ceiling(0.05, paths), "{name}: {rate}");
    }
}

#[test]
fn bernoulli_cs_sprt_and_gamma_poisson_hold_alpha() {
    let mut rng = Rng::new(0x0000_0b0b_0000_0004);
    let paths = 300;
    let (mut cs_miss, mut sprt_rej, mut gp_rej) = (0, 0, 0);
    for _ in 0..paths {
        let mut cs = BernoulliCs::new(
            canary_judge::Alpha::FIVE_PERCENT,
            200.0,
            0.05,
            Direction::Either,
        )
        .unwrap();
        let mut sprt = Sprt::new(
            Hypotheses::Bernoulli { p0: 0.05, p1: 0.1 },
            canary_judge::Alpha::FIVE_PERCENT,
            0.1,
        )
        .unwrap();
        let mut gp = GammaPoisson::new(1.0, canary_judge::Alpha::FIVE_PERCENT).unwrap();
        let (mut missed, mut rej, mut gp_done) = (false, false, false);
        for _ in 0..400 {
            let e = bernoulli(&mut rng, 0.05);
            cs.update(u64::from(e), 1).unwrap();
            if let ConfidenceSequence::Bounds { lower, upper } = cs.check().confidence_sequence {
                missed |= !(lower <= 0.05 && 0.05 <= upper);
            } else {
                missed = true;
            }
            sprt.update_bernoulli(u64::from(e), 1).unwrap();
            rej |= sprt.check().decision == Signal::Reject;
            // Poisson(0.05) per step against its own expectation.
            gp.update(u64::from(e), 0.05).unwrap();
            gp_done |= gp.check().decision == Signal::Reject;
        }
        cs_miss += usize::from(missed);
        sprt_rej += usize::from(rej);
        gp_rej += usize::from(gp_done);
    }
    let ceil = ceiling(0.05, paths);
    assert!(
        cs_miss as f64 / paths as f64 <= ceil,
        "bernoulli cs misses {cs_miss}"
    );
    // Wald: P(reject | H0) ≤ α/(1 − β).
    assert!(
        sprt_rej as f64 / paths as f64 <= ceiling(0.05 / 0.9, paths),
        "sprt {sprt_rej}"
    );
    assert!(
        gp_rej as f64 / paths as f64 <= ceil,
        "gamma-poisson {gp_rej}"
    );
}

#[test]
fn peeking_at_a_fixed_horizon_z_test_inflates_false_alarms() {
    // The contrast the module documentation promises: a z-test on the canary's share
    // of events, re-run after every event from the 10th, rejects a true null far more
    // often than 5%, while the count e-process on the same streams stays below it.
    let mut rng = Rng::new(0x0000_7eee_0000_0005);
    let (paths, mut naive, mut anytime) = (300, 0, 0);
    for _ in 0..paths {
        let mut t = CountRateTest::builder(0.5)
            .alternative(Sidedness::TwoSided)
            .build()
            .unwrap();
        let (mut canary, mut naive_hit, mut any_hit) = (0u64, false, false);
        for n in 1..=2000u64 {
            let c = bernoulli(&mut rng, 0.5);
            canary += u64::from(c);
            t.update(u64::from(!c), u64::from(c)).unwrap();
            if n >= 10 {
                let z = (canary as f64 - 0.5 * n as f64) / (0.25 * n as f64).sqrt();
                naive_hit |= z.abs() > 1.959964;
            }
            any_hit |= t.check().decision == Signal::Reject;
        }
        naive += usize::from(naive_hit);
        anytime += usize::from(any_hit);
    }
    assert!(
        naive as f64 / paths as f64 > 0.3,
        "naive peeking rejected {naive}/{paths}"
    );
    assert!(
        anytime as f64 / paths as f64 <= ceiling(0.05, paths),
        "e-process {anytime}"
    );
}

#[test]
fn bad_input_is_an_error_and_leaves_the_state_unchanged() {
    assert!(CountRateTest::new(1.0, canary_judge::Alpha::FIVE_PERCENT).is_err());
    assert!(CountRateTest::new(0.0, canary_judge::Alpha::FIVE_PERCENT).is_err());
    assert!(CountRateTest::new(f64::NAN, canary_judge::Alpha::FIVE_PERCENT).is_err());
    // An alpha outside (0, 1) cannot even be built: the type carries the check.
    assert!(canary_judge::Alpha::new(1.0).is_err());
    assert!(
        CountRateTest::builder(0.5)
            .margin(canary_judge::Margin::Relative(-0.1))
            .build()
            .is_err()
    );
    // The count test sees counts, not rates: an absolute margin has no unit there.
    assert!(
        CountRateTest::builder(0.5)
            .margin(canary_judge::Margin::Absolute(0.1))
            .build()
            .is_err()
    );
    let mut t = CountRateTest::new(0.5, canary_judge::Alpha::FIVE_PERCENT).unwrap();
    t.update_cumulative(10, 10).unwrap();
    let before = t.clone();
    assert!(t.update_cumulative(9, 12).is_err()); // a decreasing counter
    assert!(t.update(u64::MAX, 0).is_err());
    assert_eq!(t, before);
    // Counts beyond 2^40 per arm are refused (the one-sided e-value's continued
    // fraction needs O(√n) terms: at 2^63 events a check took seconds and lost
    // accuracy, found by fuzzing the Analysis); at the limit the check is finite.
    let mut huge = CountRateTest::new(0.5, canary_judge::Alpha::FIVE_PERCENT).unwrap();
    assert!(huge.update(u64::MAX / 2 + 7, u64::MAX / 2 + 9).is_err());
    assert!(huge.update(1 << 40, 0).is_ok());
    assert!(huge.update(1, 0).is_err());
    huge.update(0, (1 << 40) - 3).unwrap();
    let r = huge.check();
    assert!(
        !r.log_e_value.is_nan() && (0.0..=1.0).contains(&r.p_value),
        "{r:?}"
    );

    let mut tt = TTest::new(canary_judge::Alpha::FIVE_PERCENT, Direction::HigherIsWorse).unwrap();
    tt.update(&[1.0, 2.0], &[1.5]).unwrap();
    let before = tt.clone();
    assert!(tt.update(&[1.0, f64::NAN], &[2.0]).is_err());
    assert!(tt.update(&[1.0], &[f64::INFINITY]).is_err());
    assert_eq!(tt, before);
    assert!(canary_judge::Alpha::new(0.0).is_err());
    assert!(
        TTest::builder(Direction::Either)
            .effect_size(0.0)
            .build()
            .is_err()
    );
    assert!(
        NormalMsprt::new(
            canary_judge::Alpha::FIVE_PERCENT,
            -1.0,
            Variance::PlugIn,
            Direction::Either
        )
        .is_err()
    );
    assert!(
        NormalMsprt::new(
            canary_judge::Alpha::FIVE_PERCENT,
            1.0,
            Variance::Known {
                baseline: 0.0,
                canary: 1.0
            },
            Direction::Either
        )
        .is_err()
    );

    let mut cs = BernoulliCs::new(
        canary_judge::Alpha::FIVE_PERCENT,
        100.0,
        0.01,
        Direction::HigherIsWorse,
    )
    .unwrap();
    assert!(cs.update(5, 4).is_err());
    assert!(
        BernoulliCs::new(
            canary_judge::Alpha::FIVE_PERCENT,
            100.0,
            1.0,
            Direction::HigherIsWorse
        )
        .is_err()
    );
    // Two numbers of one type in one constructor are never silently swappable: a
    // horizon is at least 1 trial or observation, a probability or share below 1.
    let five = canary_judge::Alpha::FIVE_PERCENT;
    let up = Direction::HigherIsWorse;
    assert!(BernoulliCs::new(five, 200.0, 0.05, up).is_ok());
    assert!(BernoulliCs::new(five, 0.05, 200.0, up).is_err());
    assert!(BernoulliCs::new(five, 0.5, 0.05, up).is_err());
    use canary_judge::sequential::quantiles::QuantileTest;
    assert!(QuantileTest::new(0.99, five, 500.0, up).is_ok());
    assert!(QuantileTest::new(500.0, five, 0.99, up).is_err());
    assert!(
        Sprt::new(
            Hypotheses::Bernoulli { p0: 0.1, p1: 0.1 },
            canary_judge::Alpha::FIVE_PERCENT,
            0.1
        )
        .is_err()
    );
    assert!(
        Sprt::new(
            Hypotheses::Poisson {
                lambda0: 1.0,
                lambda1: 2.0
            },
            canary_judge::Alpha::FIVE_PERCENT,
            1.0
        )
        .is_err()
    );
    let mut s = Sprt::new(
        Hypotheses::Poisson {
            lambda0: 1.0,
            lambda1: 2.0,
        },
        canary_judge::Alpha::FIVE_PERCENT,
        0.1,
    )
    .unwrap();
    assert!(s.update_poisson(3, -1.0).is_err());
    assert!(s.update_poisson(3, f64::NAN).is_err());
    assert!(s.update_bernoulli(1, 2).is_err()); // not the test's model
    assert_eq!(s.log_likelihood_ratio(), 0.0);
    let mut gp = GammaPoisson::new(1.0, canary_judge::Alpha::FIVE_PERCENT).unwrap();
    assert!(gp.update(1, f64::NAN).is_err());
    assert!(GammaPoisson::new(0.0, canary_judge::Alpha::FIVE_PERCENT).is_err());
}

#[test]
fn billions_of_events_stay_finite() {
    let mut t = CountRateTest::new(0.1, canary_judge::Alpha::ONE_PERCENT).unwrap();
    t.update(900_000_000_000, 100_000_000_000).unwrap();
    let r = t.check();
    assert!(
        r.log_e_value.is_finite() && (0.0..=1.0).contains(&r.p_value),
        "{r:?}"
    );
    let ConfidenceSequence::Bounds { lower, upper } = r.confidence_sequence else {
        panic!("{r:?}")
    };
    assert!(
        lower < 1.0 && 1.0 < upper && upper - lower < 1e-3,
        "{lower} {upper}"
    );
    // A clear regression at that scale: finite, enormous evidence. The canary-only
    // burst also contradicts the constant split, so the running interval is empty.
    t.update(0, 1_000_000_000).unwrap();
    let r = t.check();
    assert!(r.log_e_value.is_finite() && r.log_e_value > 1e6, "{r:?}");
    assert_eq!(r.decision, Signal::Reject);
    assert_eq!(r.confidence_sequence, ConfidenceSequence::Violated);
    // Values whose squared deviations overflow f64 are an error (they used to make
    // the sum of squares infinite); the state is unchanged and still checks cleanly.
    let mut m = TTest::new(canary_judge::Alpha::FIVE_PERCENT, Direction::HigherIsWorse).unwrap();
    m.update(&[1e150, -1e150, 5.0], &[1e150, 3.0]).unwrap();
    let before = m.clone();
    assert!(m.update(&[1e300, -1e300, 5.0], &[1e300, 3.0]).is_err());
    assert_eq!(m, before);
    let r = m.check();
    assert!(!r.log_e_value.is_nan() && !r.p_value.is_nan());
}

#[cfg(feature = "serde")]
#[test]
fn state_resumes_bit_for_bit_through_json() {
    let mut t = CountRateTest::builder(0.2)
        .margin(canary_judge::Margin::Relative(0.25))
        .build()
        .unwrap();
    t.update(400, 90).unwrap();
    t.check();
    let json = serde_json::to_string(&t).unwrap();
    let mut resumed: CountRateTest = serde_json::from_str(&json).unwrap();
    assert_eq!(resumed, t);
    t.update(300, 95).unwrap();
    resumed.update(300, 95).unwrap();
    assert_eq!(resumed.check(), t.check());
    let mut tt = TTest::new(canary_judge::Alpha::FIVE_PERCENT, Direction::HigherIsWorse).unwrap();
    tt.update(&[1.0, 2.5, 3.25], &[2.0, 2.0, 4.5]).unwrap();
    tt.check();
    let back: TTest = serde_json::from_str(&serde_json::to_string(&tt).unwrap()).unwrap();
    assert_eq!(back, tt);

    /// Serialises, resumes, and checks that both copies report the same after more data.
    fn resumes<T>(mut test: T, more: impl Fn(&mut T))
    where
        T: SequentialTest
            + serde::Serialize
            + serde::de::DeserializeOwned
            + PartialEq
            + std::fmt::Debug,
    {
        test.check();
        let json = serde_json::to_string(&test).unwrap();
        let mut back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        assert_eq!(back, test);
        more(&mut test);
        more(&mut back);
        assert_eq!(back.check(), test.check());
    }
    let known = Variance::Known {
        baseline: 2.0,
        canary: 3.0,
    };
    let mut m = NormalMsprt::new(
        canary_judge::Alpha::FIVE_PERCENT,
        0.3,
        known,
        Direction::LowerIsWorse,
    )
    .unwrap();
    m.update(&[0.1, 0.7], &[0.2]).unwrap();
    resumes(m, |t| t.update(&[0.3], &[0.9, 1.1]).unwrap());
    let mut p = ProportionTest::new(
        canary_judge::Alpha::FIVE_PERCENT,
        0.02,
        Direction::HigherIsWorse,
    )
    .unwrap();
    p.update(
        EventCounts::new(3, 100).unwrap(),
        EventCounts::new(9, 100).unwrap(),
    )
    .unwrap();
    resumes(p, |t| {
        t.update(
            EventCounts::new(1, 50).unwrap(),
            EventCounts::new(4, 50).unwrap(),
        )
        .unwrap()
    });
    let mut b = BernoulliCs::new(
        canary_judge::Alpha::FIVE_PERCENT,
        300.0,
        0.01,
        Direction::HigherIsWorse,
    )
    .unwrap();
    b.update(2, 300).unwrap();
    resumes(b, |t| t.update(5, 200).unwrap());
    let mut s = Sprt::new(
        Hypotheses::Poisson {
            lambda0: 1.0,
            lambda1: 1.5,
        },
        canary_judge::Alpha::FIVE_PERCENT,
        0.1,
    )
    .unwrap();
    s.update_poisson(4, 3.0).unwrap();
    resumes(s, |t| t.update_poisson(2, 1.5).unwrap());
    let mut g = GammaPoisson::new(2.0, canary_judge::Alpha::FIVE_PERCENT).unwrap();
    g.update(7, 4.0).unwrap();
    resumes(g, |t| t.update(3, 2.0).unwrap());
    use canary_judge::sequential::quantiles::QuantileTest;
    let mut q = QuantileTest::with_buckets(
        0.9,
        canary_judge::Alpha::FIVE_PERCENT,
        100.0,
        Direction::HigherIsWorse,
        &[0.1, 0.5, f64::INFINITY],
    )
    .unwrap();
    q.update_buckets(&[30, 60, 10], &[20, 60, 20]).unwrap();
    resumes(q, |t| t.update_buckets(&[1, 2, 3], &[3, 2, 1]).unwrap());
}

#[test]
fn shards_merge_to_the_whole() {
    let mut whole = CountRateTest::new(0.3, canary_judge::Alpha::FIVE_PERCENT).unwrap();
    let mut a = whole.clone();
    let b_shard = {
        let mut b = whole.clone();
        b.update(120, 80).unwrap();
        b
    };
    a.update(200, 70).unwrap();
    whole.update(320, 150).unwrap();
    a.merge(&b_shard).unwrap();
    assert_eq!(a.counts(), whole.counts());
    assert_eq!(a.check(), whole.check());
    let other = CountRateTest::new(0.5, canary_judge::Alpha::FIVE_PERCENT).unwrap();
    assert!(a.merge(&other).is_err());

    // Means: moments combine exactly (to rounding).
    let xs: Vec<f64> = (0..300).map(|i| ((i * 7919) % 101) as f64 * 0.37).collect();
    let ys: Vec<f64> = (0..300)
        .map(|i| ((i * 104_729) % 97) as f64 * 0.41)
        .collect();
    let mut whole = TTest::new(canary_judge::Alpha::FIVE_PERCENT, Direction::Either).unwrap();
    whole.update(&xs, &ys).unwrap();
    let mut left = TTest::new(canary_judge::Alpha::FIVE_PERCENT, Direction::Either).unwrap();
    let mut right = left.clone();
    left.update(&xs[..120], &ys[..200]).unwrap();
    right.update(&xs[120..], &ys[200..]).unwrap();
    left.merge(&right).unwrap();
    let ((lw, (lo_w, hi_w)), (lm, (lo_m, hi_m))) = (whole.evaluate(), left.evaluate());
    close(lm, lw, 1e-10, "merged t-test");
    close(lo_m, lo_w, 1e-10, "merged t lower");
    close(hi_m, hi_w, 1e-10, "merged t upper");
    assert!(
        left.merge(&TTest::new(canary_judge::Alpha::ONE_PERCENT, Direction::Either).unwrap())
            .is_err()
    );

    // Proportions and the Bernoulli sequence: counts add.
    let mut p1 = ProportionTest::new(
        canary_judge::Alpha::FIVE_PERCENT,
        0.02,
        Direction::HigherIsWorse,
    )
    .unwrap();
    let mut p2 = p1.clone();
    let mut pw = p1.clone();
    p1.update(
        EventCounts::new(3, 100).unwrap(),
        EventCounts::new(5, 90).unwrap(),
    )
    .unwrap();
    p2.update(
        EventCounts::new(4, 50).unwrap(),
        EventCounts::new(1, 60).unwrap(),
    )
    .unwrap();
    pw.update(
        EventCounts::new(7, 150).unwrap(),
        EventCounts::new(6, 150).unwrap(),
    )
    .unwrap();
    p1.merge(&p2).unwrap();
    assert_eq!(p1.evaluate(), pw.evaluate());
    let mut c1 = BernoulliCs::new(
        canary_judge::Alpha::FIVE_PERCENT,
        100.0,
        0.02,
        Direction::HigherIsWorse,
    )
    .unwrap();
    let mut c2 = c1.clone();
    let mut cw = c1.clone();
    c1.update(3, 100).unwrap();
    c2.update(4, 150).unwrap();
    cw.update(7, 250).unwrap();
    c1.merge(&c2).unwrap();
    assert_eq!(c1.evaluate(), cw.evaluate());

    // Quantiles: multisets add.
    use canary_judge::sequential::quantiles::QuantileTest;
    let mut q1 = QuantileTest::new(
        0.9,
        canary_judge::Alpha::FIVE_PERCENT,
        100.0,
        Direction::HigherIsWorse,
    )
    .unwrap();
    let mut q2 = q1.clone();
    let mut qw = q1.clone();
    q1.update(&xs[..100], &ys[..50]).unwrap();
    q2.update(&xs[100..], &ys[50..]).unwrap();
    qw.update(&xs, &ys).unwrap();
    q1.merge(&q2).unwrap();
    assert_eq!(q1, qw);
    let bucketed = QuantileTest::with_buckets(
        0.9,
        canary_judge::Alpha::FIVE_PERCENT,
        100.0,
        Direction::HigherIsWorse,
        &[1.0, f64::INFINITY],
    )
    .unwrap();
    assert!(q1.merge(&bucketed).is_err());
}

mod quantiles {
    use super::{close, f, fixtures};
    use crate::common::Rng;
    use canary_judge::Direction;
    use canary_judge::sequential::quantiles::QuantileTest;
    use canary_judge::sequential::{ConfidenceSequence, SequentialTest, Signal};

    #[test]
    fn arm_intervals_and_ab_p_values_match_confseq() {
        for case in fixtures()["quantiles"].as_array().unwrap() {
            let vals =
                |k: &str| -> Vec<f64> { case[k].as_array().unwrap().iter().map(f).collect() };
            let (p, t_opt) = (f(&case["p"]), f(&case["t_opt"]));
            let mut t = QuantileTest::new(
                p,
                canary_judge::Alpha::FIVE_PERCENT,
                t_opt,
                Direction::Either,
            )
            .unwrap();
            t.update(&vals("baseline"), &vals("canary")).unwrap();
            let (b, c) = t.arm_intervals();
            for ((lo, hi), key) in [(b, "baseline_interval"), (c, "canary_interval")] {
                let expect = |v: &serde_json::Value, inf: f64| if v.is_null() { inf } else { f(v) };
                assert_eq!(lo, expect(&case[key][0], f64::NEG_INFINITY), "p={p} {key}");
                assert_eq!(hi, expect(&case[key][1], f64::INFINITY), "p={p} {key}");
            }
            let r = t.check();
            close(
                r.p_value,
                f(&case["ab_p_value"]),
                1e-6,
                &format!("p={p} ab p-value"),
            );
        }
    }

    #[test]
    fn lil_radii_match_confseq() {
        // Through the public guard: identical arms of t values give threshold 2ε_t at α/2.
        for case in fixtures()["lil"].as_array().unwrap() {
            let (t, alpha) = (case["t"].as_u64().unwrap(), f(&case["alpha"]));
            if t > 20_000 {
                continue;
            }
            let mut q = QuantileTest::new(
                0.5,
                canary_judge::Alpha::new(2.0 * alpha).unwrap(),
                100.0,
                Direction::Either,
            )
            .unwrap();
            let v: Vec<f64> = (0..t).map(|i| i as f64).collect();
            q.update(&v, &v).unwrap();
            let g = q.distribution_change();
            close(
                g.threshold / 2.0,
                f(&case["epsilon"]).min(1.0),
                1e-6,
                &format!("t={t} alpha={alpha}"),
            );
            assert!(!g.changed && g.statistic == 0.0);
        }
    }

    #[test]
    fn false_alarms_stay_below_alpha_with_a_check_after_every_batch_of_one() {
        let mut rng = Rng::new(0x0000_9a17_0000_0006);
        let paths = 120;
        let mut rejected = 0;
        let mut band_missed = 0;
        for _ in 0..paths {
            let mut t = QuantileTest::new(
                0.9,
                canary_judge::Alpha::FIVE_PERCENT,
                200.0,
                Direction::Either,
            )
            .unwrap();
            let (mut rej, mut miss) = (false, false);
            for _ in 0..250 {
                let (b, c) = ((0.5 * rng.normal()).exp(), (0.5 * rng.normal()).exp());
                t.update(&[b], &[c]).unwrap();
                let r = t.check();
                rej |= r.decision == Signal::Reject;
                miss |= match r.confidence_sequence {
                    ConfidenceSequence::Bounds { lower, upper } => !(lower <= 0.0 && 0.0 <= upper),
                    ConfidenceSequence::Violated => true,
                };
            }
            rejected += usize::from(rej);
            band_missed += usize::from(miss);
        }
        let ceiling = super::ceiling(0.05, paths);
        assert!(
            rejected as f64 / paths as f64 <= ceiling,
            "rejected {rejected}/{paths}"
        );
        assert!(
            band_missed as f64 / paths as f64 <= ceiling,
            "band missed {band_missed}/{paths}"
        );
    }

    #[test]
    fn detects_a_slower_canary_and_accepts_an_identical_one() {
        let mut rng = Rng::new(0x0000_51d0_0000_0007);
        let mut slow = QuantileTest::new(
            0.9,
            canary_judge::Alpha::FIVE_PERCENT,
            500.0,
            Direction::HigherIsWorse,
        )
        .unwrap();
        let mut same = QuantileTest::builder(0.9, Direction::HigherIsWorse)
            .t_opt(500.0)
            .margin(canary_judge::Margin::Absolute(0.5))
            .build()
            .unwrap();
        for _ in 0..40 {
            let b: Vec<f64> = (0..50).map(|_| (0.5 * rng.normal()).exp()).collect();
            let c: Vec<f64> = (0..50).map(|_| 1.3 * (0.5 * rng.normal()).exp()).collect();
            let d: Vec<f64> = (0..50).map(|_| (0.5 * rng.normal()).exp()).collect();
            slow.update(&b, &c).unwrap();
            same.update(&b, &d).unwrap();
            slow.check();
            same.check();
        }
        assert_eq!(slow.last_report().decision, Signal::Reject);
        assert!(slow.distribution_change().canary_larger);
        assert_eq!(
            same.last_report().decision,
            Signal::Accept,
            "{:?}",
            same.last_report()
        );
    }

    #[test]
    fn bucket_counts_give_edges_and_the_same_evidence_at_bucket_resolution() {
        let bounds = [0.1, 0.2, 0.3, 0.5, 1.0, f64::INFINITY];
        let mut h = QuantileTest::with_buckets(
            0.5,
            canary_judge::Alpha::FIVE_PERCENT,
            100.0,
            Direction::HigherIsWorse,
            &bounds,
        )
        .unwrap();
        let mut raw = QuantileTest::new(
            0.5,
            canary_judge::Alpha::FIVE_PERCENT,
            100.0,
            Direction::HigherIsWorse,
        )
        .unwrap();
        // Raw values placed at the bucket bounds give the same multiset (the +Inf
        // bucket's at a large finite stand-in: only the order matters).
        let (bc, cc) = ([10u64, 40, 30, 15, 5, 0], [5u64, 20, 35, 25, 10, 5]);
        h.update_buckets(&bc, &cc).unwrap();
        let expand = |counts: &[u64]| -> Vec<f64> {
            counts
                .iter()
                .zip(&bounds)
                .flat_map(|(&n, &b)| std::iter::repeat_n(b.min(1e9), n as usize))
                .collect()
        };
        raw.update(&expand(&bc), &expand(&cc)).unwrap();
        assert_eq!(h.check().log_e_value, raw.check().log_e_value);
        let ((hb_lo, hb_hi), _) = h.arm_intervals();
        let ((rb_lo, rb_hi), _) = raw.arm_intervals();
        assert_eq!(hb_hi, rb_hi);
        // The lower end moves down to the bucket's lower edge.
        let i = bounds.iter().position(|&b| b == rb_lo).unwrap();
        assert_eq!(hb_lo, if i == 0 { 0.0 } else { bounds[i - 1] });
        // Bad input: wrong lengths, raw values in bucket mode, bad bounds.
        let before = h.clone();
        assert!(h.update_buckets(&[1, 2], &cc).is_err());
        assert!(h.update(&[0.1], &[0.2]).is_err());
        assert_eq!(h, before);
        assert!(
            QuantileTest::with_buckets(
                0.5,
                canary_judge::Alpha::FIVE_PERCENT,
                100.0,
                Direction::Either,
                &[0.2, 0.1, f64::INFINITY]
            )
            .is_err()
        );
        assert!(
            QuantileTest::with_buckets(
                0.5,
                canary_judge::Alpha::FIVE_PERCENT,
                100.0,
                Direction::Either,
                &[0.1, 0.2]
            )
            .is_err()
        );
        assert!(
            QuantileTest::new(
                1.0,
                canary_judge::Alpha::FIVE_PERCENT,
                100.0,
                Direction::Either
            )
            .is_err()
        );
        assert!(raw.update(&[f64::NAN], &[]).is_err());
    }
}

#[test]
fn msprt_and_sprt_operating_characteristics_match_the_reference_table() {
    // sequential.md 9.2 (MC): mSPRT with V = 2, δ = 0.2σ: median 458 pairs at
    // τ² = 0.01 and 353 at τ² = 0.1; Wald SPRT p0 = 0.01, p1 = 0.02, α = 0.05,
    // β = 0.1: power 0.897 at p1, mean stopping time 653 at p0 and 680 at p1.
    let mut rng = Rng::new(0x0000_0c0c_0000_0008);
    for (tau2, reference) in [(0.01f64, 458.0), (0.1, 353.0)] {
        let mut stops: Vec<f64> = (0..200)
            .map(|_| {
                let known = Variance::Known {
                    baseline: 1.0,
                    canary: 1.0,
                };
                let mut t = NormalMsprt::new(
                    canary_judge::Alpha::FIVE_PERCENT,
                    tau2.sqrt(),
                    known,
                    Direction::Either,
                )
                .unwrap();
                for n in 1..=5000 {
                    t.update(&[rng.normal()], &[0.2 + rng.normal()]).unwrap();
                    if t.check().decision == Signal::Reject {
                        return n as f64;
                    }
                }
                5000.0
            })
            .collect();
        stops.sort_by(f64::total_cmp);
        let median = stops[stops.len() / 2];
        assert!(
            (median - reference).abs() <= 0.2 * reference,
            "tau2 {tau2}: median {median}"
        );
    }
    for (p, what) in [(0.01, "p0"), (0.02, "p1")] {
        let runs = 400;
        let (mut rejected, mut total_n) = (0usize, 0.0f64);
        for _ in 0..runs {
            let mut s = Sprt::new(
                Hypotheses::Bernoulli { p0: 0.01, p1: 0.02 },
                canary_judge::Alpha::FIVE_PERCENT,
                0.1,
            )
            .unwrap();
            let mut n = 0;
            loop {
                n += 1;
                s.update_bernoulli(u64::from(bernoulli(&mut rng, p)), 1)
                    .unwrap();
                match s.check().decision {
                    Signal::Continue if n < 100_000 => continue,
                    d => {
                        rejected += usize::from(d == Signal::Reject);
                        break;
                    }
                }
            }
            total_n += f64::from(n);
        }
        let (rate, mean_n) = (rejected as f64 / runs as f64, total_n / runs as f64);
        let (want_rate, want_n) = if p == 0.01 {
            (0.039, 653.0)
        } else {
            (0.897, 680.0)
        };
        let se = (want_rate * (1.0 - want_rate) / runs as f64).sqrt();
        assert!(
            (rate - want_rate).abs() <= 3.0 * se,
            "{what}: reject rate {rate}"
        );
        assert!(
            (mean_n - want_n).abs() <= 0.15 * want_n,
            "{what}: mean stop {mean_n}"
        );
    }
}

#[test]
fn quantile_test_detection_near_the_reference_table() {
    // sequential.md 9.2 (confseq quantile_ab_p_value, MC): p90, log-normal σ = 0.5,
    // canary scale +10%, 19 geometric looks up to 2776 per arm: detected in 68% of
    // runs, median detection 1776 per arm; null false alarms 0.5%.
    use canary_judge::sequential::quantiles::QuantileTest;
    let looks: Vec<usize> = (0..19)
        .map(|i| (100.0 * (2776f64 / 100.0).powf(i as f64 / 18.0)).round() as usize)
        .collect();
    let mut rng = Rng::new(0x0000_d7d7_0000_0009);
    let runs = 150;
    let mut detected = Vec::new();
    for _ in 0..runs {
        let mut t = QuantileTest::new(
            0.9,
            canary_judge::Alpha::FIVE_PERCENT,
            1000.0,
            Direction::Either,
        )
        .unwrap();
        let mut seen = 0;
        for &n in &looks {
            let b: Vec<f64> = (seen..n).map(|_| (0.5 * rng.normal()).exp()).collect();
            let c: Vec<f64> = (seen..n)
                .map(|_| 1.1 * (0.5 * rng.normal()).exp())
                .collect();
            seen = n;
            t.update(&b, &c).unwrap();
            if t.check().decision == Signal::Reject {
                detected.push(n as f64);
                break;
            }
        }
    }
    let rate = detected.len() as f64 / runs as f64;
    detected.sort_by(f64::total_cmp);
    assert!(
        (rate - 0.68).abs() <= 3.0 * (0.68f64 * 0.32 / runs as f64).sqrt(),
        "rate {rate}"
    );
    let median = detected[detected.len() / 2];
    assert!((median - 1776.0).abs() <= 0.2 * 1776.0, "median {median}");
}

/// Hypotheses so far apart that the log-likelihood ratio overflows f64: the update is
/// an error and the state is unchanged (λ0 = 1e-300, λ1 = 1e308 and one count over
/// exposure 10 used to give a NaN log-likelihood ratio and Continue forever); a rate
/// ratio whose alternative share rounds to 1 is rejected at construction.
#[test]
fn sprt_never_holds_a_nan() {
    let mut s = Sprt::new(
        Hypotheses::Poisson {
            lambda0: 1e-300,
            lambda1: 1e308,
        },
        canary_judge::Alpha::FIVE_PERCENT,
        0.1,
    )
    .unwrap();
    let before = s.clone();
    let e = s.update_poisson(1, 10.0).unwrap_err();
    assert!(e.to_string().contains("log-likelihood ratio"), "{e}");
    assert_eq!(s, before);
    // A count alone is finite now (ln λ1 − ln λ0, not ln of the overflowing quotient)
    // and decides.
    s.update_poisson(1, 0.0).unwrap();
    assert!(s.log_likelihood_ratio().is_finite());
    assert_eq!(s.check().decision, Signal::Reject);
    for share in [0.5, 1e-300] {
        assert!(
            Sprt::new(
                Hypotheses::RateRatio {
                    canary_share: share,
                    ratio: if share == 0.5 { 1e300 } else { 1e-300 },
                },
                canary_judge::Alpha::FIVE_PERCENT,
                0.1,
            )
            .is_err()
        );
    }
    let mut s = Sprt::new(
        Hypotheses::RateRatio {
            canary_share: 0.5,
            ratio: 1e10,
        },
        canary_judge::Alpha::FIVE_PERCENT,
        0.1,
    )
    .unwrap();
    s.update_counts(u64::MAX, u64::MAX).unwrap();
    assert!(s.log_likelihood_ratio().is_finite());
    assert_ne!(s.check().p_value.to_bits(), f64::NAN.to_bits());
}

/// Finite values far apart overflow Welford's sums: an error with both arms unchanged,
/// never an infinite or NaN moment that a check would turn into a decision. The same
/// for merges, a Gamma–Poisson expected count, and a NaN pushed by hand.
#[test]
fn overflowing_moments_and_sums_are_errors() {
    use canary_judge::sequential::means::Moments;
    let mut t = TTest::new(canary_judge::Alpha::FIVE_PERCENT, Direction::HigherIsWorse).unwrap();
    t.update(&[1.0, 2.0], &[1.5, 2.5]).unwrap();
    let before = t.clone();
    assert!(t.update(&[1.0], &[1.7e308, -1.7e308]).is_err());
    assert_eq!(t, before);
    let r = t.check();
    assert!(!r.log_e_value.is_nan() && (0.0..=1.0).contains(&r.p_value));

    let mut m = Moments::default();
    assert!(m.push(f64::NAN).is_err());
    m.push(1.7e308).unwrap();
    assert!(m.push(-1.7e308).is_err());
    assert_eq!((m.n(), m.mean()), (1, 1.7e308));
    let mut far = Moments::default();
    far.push(-1.7e308).unwrap();
    far.push(-1.7e308).unwrap();
    assert!(m.merge(&far).is_err());

    let mut g = GammaPoisson::new(1.0, canary_judge::Alpha::FIVE_PERCENT).unwrap();
    g.update(1, 1.7e308).unwrap();
    let before = g.clone();
    assert!(g.update(1, 1.7e308).is_err());
    assert_eq!(g, before);
}

/// A NaN threshold or ratio counts as exceeded: an alert that cannot be evaluated
/// fires (it used to stay silent).
#[test]
fn nan_thresholds_fire() {
    use canary_judge::burn::Ratio;
    assert!(Ratio::Value(0.5).exceeds(f64::NAN));
    assert!(Ratio::Value(f64::NAN).exceeds(1.0));
    assert!(!Ratio::NoData.exceeds(f64::NAN));
    assert!(!Ratio::Value(0.5).exceeds(1.0));
}

/// A relative margin is a fraction of the baseline's level at each check: with a
/// baseline whose level is the same at every check, each test reports exactly what
/// the same test reports with the equivalent absolute margin, check after check, and
/// a smaller fraction accepts later (or never).
#[test]
fn relative_margins_resolve_against_the_baseline_level() {
    use canary_judge::sequential::quantiles::QuantileTest;
    use canary_judge::{Alpha, Margin};
    fn same<T: SequentialTest>(mut rel: T, mut abs: T, mut feed: impl FnMut(&mut T, &mut T)) {
        let mut accepted = false;
        for _ in 0..60 {
            feed(&mut rel, &mut abs);
            let (r, a) = (rel.check(), abs.check());
            assert_eq!(r, a);
            accepted |= r.decision == Signal::Accept;
        }
        assert!(
            accepted,
            "the margin never accepted: the case tests nothing"
        );
    }
    let alpha = Alpha::FIVE_PERCENT;
    let worse = Direction::HigherIsWorse;
    let mut rng = Rng::new(19);
    // Means: the baseline's batches [99, 101] keep its mean at 100.
    let noise = |rng: &mut Rng| -> Vec<f64> { (0..10).map(|_| 100.2 + rng.normal()).collect() };
    let t = TTest::builder(worse).alpha(alpha);
    same(
        t.margin(Margin::Relative(0.01)).build().unwrap(),
        t.margin(Margin::Absolute(1.0)).build().unwrap(),
        |a, b| {
            let c = noise(&mut rng);
            a.update(&[99.0, 101.0], &c).unwrap();
            b.update(&[99.0, 101.0], &c).unwrap();
        },
    );
    // Proportions: 20 of 200 each batch keeps the baseline at 0.1.
    let p = ProportionTest::builder(0.1, worse).alpha(alpha);
    same(
        p.margin(Margin::Relative(0.5)).build().unwrap(),
        p.margin(Margin::Absolute(0.05)).build().unwrap(),
        |a, b| {
            let e = (0..200).filter(|_| bernoulli(&mut rng, 0.1)).count() as u64;
            let (base, can) = (
                EventCounts::new(20, 200).unwrap(),
                EventCounts::new(e, 200).unwrap(),
            );
            a.update(base, can).unwrap();
            b.update(base, can).unwrap();
        },
    );
    // One proportion against its target: relative to the target.
    let cs = BernoulliCs::builder(0.1, worse).alpha(alpha).t_opt(500.0);
    same(
        cs.margin(Margin::Relative(0.5)).build().unwrap(),
        cs.margin(Margin::Absolute(0.05)).build().unwrap(),
        |a, b| {
            let e = (0..200).filter(|_| bernoulli(&mut rng, 0.1)).count() as u64;
            a.update(e, 200).unwrap();
            b.update(e, 200).unwrap();
        },
    );
    // Quantiles: the same baseline batch every time keeps its p90 fixed.
    let base: Vec<f64> = (1..=10).map(f64::from).collect();
    let q = QuantileTest::builder(0.9, worse).alpha(alpha).t_opt(500.0);
    let level = 9.0; // the type-1 (inverse-ECDF) p90 of 1..=10 is 9
    same(
        q.clone().margin(Margin::Relative(0.5)).build().unwrap(),
        q.margin(Margin::Absolute(0.5 * level)).build().unwrap(),
        |a, b| {
            let c: Vec<f64> = (0..10).map(|_| 1.0 + 9.0 * rng.uniform_open()).collect();
            a.update(&base, &c).unwrap();
            b.update(&base, &c).unwrap();
        },
    );
    // The count test: a relative margin is a bound on the rate ratio, 1 + m.
    let t = CountRateTest::builder(0.5).alpha(alpha);
    let mut tight = t.margin(Margin::Relative(0.001)).build().unwrap();
    let mut loose = t.margin(Margin::Relative(0.3)).build().unwrap();
    for _ in 0..200 {
        for test in [&mut tight, &mut loose] {
            test.update(1000, 1000).unwrap();
        }
    }
    assert_eq!(loose.check().decision, Signal::Accept);
    assert_eq!(tight.check().decision, Signal::Continue);
}

/// The builders: setters that cannot fail, and one `build` that checks every
/// setting and names the one it refuses; the positional constructors are the
/// builders at their defaults; a builder is a template (a copy builds the same
/// test).
#[test]
fn builders_check_every_setting_at_build_and_name_it() {
    use canary_judge::sequential::paired::SignTest;
    use canary_judge::sequential::quantiles::QuantileTest;
    use canary_judge::{Alpha, Margin};
    let up = Direction::HigherIsWorse;
    let names = |e: Result<(), canary_judge::Error>, field: &str| {
        let message = e.expect_err(field).to_string();
        assert!(message.contains(field), "{message:?} names no {field:?}");
    };
    // The count test.
    let counts = CountRateTest::builder(0.1).alpha(Alpha::ONE_PERCENT);
    assert_eq!(
        counts.build().unwrap(),
        CountRateTest::new(0.1, Alpha::ONE_PERCENT).unwrap()
    );
    assert_eq!(counts.build().unwrap(), counts.build().unwrap());
    names(
        CountRateTest::builder(1.5).build().map(drop),
        "canary's traffic share",
    );
    for k in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        names(
            counts.concentration(k).build().map(drop),
            "prior concentration k",
        );
    }
    names(
        counts.margin(Margin::Absolute(0.1)).build().map(drop),
        "margin of a count rate test",
    );
    assert!(
        counts
            .concentration(3.0)
            .margin(Margin::Relative(0.2))
            .build()
            .is_ok()
    );
    // The t-test and the normal mixture.
    let t = TTest::builder(up);
    assert_eq!(
        t.build().unwrap(),
        TTest::new(Alpha::FIVE_PERCENT, up).unwrap()
    );
    for d in [0.0, -0.5, f64::NAN] {
        names(
            t.effect_size(d).build().map(drop),
            "standardised effect size",
        );
    }
    names(t.margin(Margin::Relative(-0.1)).build().map(drop), "margin");
    let known = Variance::Known {
        baseline: 1.0,
        canary: -1.0,
    };
    names(
        NormalMsprt::builder(0.0, Variance::PlugIn, up)
            .build()
            .map(drop),
        "mixing scale tau",
    );
    names(
        NormalMsprt::builder(1.0, known, up).build().map(drop),
        "canary variance",
    );
    // Proportions.
    names(
        ProportionTest::builder(f64::NAN, up).build().map(drop),
        "mixing scale tau",
    );
    let cs = BernoulliCs::builder(0.01, up);
    assert_eq!(
        cs.t_opt(500.0).build().unwrap(),
        BernoulliCs::new(Alpha::FIVE_PERCENT, 500.0, 0.01, up).unwrap()
    );
    names(cs.t_opt(0.5).build().map(drop), "t_opt");
    names(
        BernoulliCs::builder(1.5, up).build().map(drop),
        "target proportion",
    );
    // Quantiles, raw and bucketed.
    let q = QuantileTest::builder(0.9, up).t_opt(50.0);
    assert_eq!(
        q.clone().build().unwrap(),
        QuantileTest::new(0.9, Alpha::FIVE_PERCENT, 50.0, up).unwrap()
    );
    names(
        QuantileTest::builder(1.0, up).build().map(drop),
        "quantile probability",
    );
    names(
        q.clone().buckets(&[1.0, 2.0]).build().map(drop),
        "last bucket bound",
    );
    names(
        q.clone()
            .buckets(&[2.0, 1.0, f64::INFINITY])
            .build()
            .map(drop),
        "bucket bounds",
    );
    let bucketed = q.buckets(&[1.0, f64::INFINITY]).build().unwrap();
    assert_eq!(
        bucketed,
        QuantileTest::with_buckets(0.9, Alpha::FIVE_PERCENT, 50.0, up, &[1.0, f64::INFINITY])
            .unwrap()
    );
    // The sign test and the gamma-Poisson test.
    let sign = SignTest::builder(up);
    assert!(!sign.build().unwrap().has_tails());
    assert!(sign.with_tails().build().unwrap().has_tails());
    names(
        sign.margin(Margin::Absolute(f64::NAN)).build().map(drop),
        "margin",
    );
    names(
        GammaPoisson::builder(0.0).build().map(drop),
        "prior shape phi",
    );
    names(
        GammaPoisson::builder(1.0)
            .margin(Margin::Absolute(1.0))
            .build()
            .map(drop),
        "margin of a gamma-Poisson test",
    );
}

/// The count test keeps only the running intersection, so each check reuses an end
/// of it that lies inside the new interval and starts Newton's method at one that
/// lies outside: the sequence must equal the intersection of every check's own
/// interval ([`CountRateTest::rate_ratio_interval`], computed from scratch), to
/// rounding, including when bursts empty it, for both alternatives.
#[test]
fn count_test_running_intersection_matches_intervals_from_scratch() {
    let mut rng = Rng::new(77);
    for case in 0..60 {
        let share = [0.5, 0.1, 0.9][case % 3];
        let sides = if case % 2 == 0 {
            Sidedness::Greater
        } else {
            Sidedness::TwoSided
        };
        let alpha = canary_judge::Alpha::new([0.05, 0.01, 0.2][case % 3]).unwrap();
        let mut t = CountRateTest::builder(share)
            .alpha(alpha)
            .alternative(sides)
            .build()
            .unwrap();
        let (mut lo, mut hi, mut violated) = (0.0f64, f64::INFINITY, false);
        let ratio = 1.0 + 0.5 * (case % 4) as f64 / 3.0;
        for tick in 0..400 {
            let load = 1.0 + 30.0 * rng.uniform_open();
            let mut canary = (load * share * ratio * 2.0 * rng.uniform_open()).round() as u64;
            let baseline = (load * (1.0 - share) * 2.0 * rng.uniform_open()).round() as u64;
            if case % 5 == 4 && tick % 50 == 0 {
                canary += 200; // a burst on one arm
            }
            t.update(baseline, canary).unwrap();
            let (l, u) = t.rate_ratio_interval();
            let report = t.check();
            (lo, hi) = (lo.max(l), hi.min(u));
            violated |= lo > hi;
            match report.confidence_sequence {
                ConfidenceSequence::Violated => assert!(violated, "case {case} tick {tick}"),
                ConfidenceSequence::Bounds { lower, upper } => {
                    assert!(!violated, "case {case} tick {tick}");
                    let close =
                        |a: f64, b: f64| a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs());
                    assert!(
                        close(lower, lo) && close(upper, hi),
                        "case {case} tick {tick}: [{lower}, {upper}] vs [{lo}, {hi}]"
                    );
                }
            }
        }
    }
}
