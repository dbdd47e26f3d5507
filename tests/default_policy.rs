//! The family policy ([`Policy::guarded`]): how it splits α, when its checks decide,
//! and by seeded simulation that a canary checked after every tick fails a good
//! canary at most α of the time across several metrics.

mod common;

use canary_judge::analysis::{Analysis, MetricSpec, Observation, Plan};
use canary_judge::policy::{Family, Policy};
use canary_judge::{Alpha, Check, Decision, Direction, Error, EventCounts, Judgement, Margin};
use common::Rng;

fn guarded(metrics: Vec<MetricSpec>, ticks: u64) -> Plan {
    Plan::new(metrics)
        .planned_ticks(ticks)
        .policy(Policy::guarded(Alpha::FIVE_PERCENT))
}

fn values(b: f64, c: f64) -> Observation {
    Observation::Values {
        baseline: vec![b],
        canary: vec![c],
    }
}

#[test]
fn split_spends_exactly_alpha_across_metrics_and_looks() {
    let family = Family::new(Alpha::new(0.06).unwrap()).anytime_share(0.25);
    let metrics = [
        vec![
            Check::Paired,
            Check::SignedRank,
            Check::Percentile { p: 0.9 },
        ],
        vec![Check::Rank],
        vec![Check::Threshold {
            min: None,
            max: Some(1.0),
        }],
        vec![Check::Mean, Check::Paired],
    ];
    let a = family.split(metrics.iter().map(Vec::as_slice));
    let get = |i: usize, j: usize| a[i][j].map(Alpha::get);
    // Three metrics spend α (the threshold does not): 0.02 each.
    let close = |x: Option<f64>, y: f64| (x.unwrap() - y).abs() < 1e-15;
    assert!(close(get(0, 0), 0.02 * 0.25));
    assert!(close(get(0, 1), 0.02 * 0.75 / 2.0));
    assert!(close(get(0, 2), 0.02 * 0.75 / 2.0));
    assert!(close(get(1, 0), 0.02)); // only fixed-horizon: all of its share
    assert_eq!(get(2, 0), None);
    assert!(close(get(3, 0), 0.01)); // only anytime: all of its share, split in two
    assert!(close(get(3, 1), 0.01));
    let total: f64 = a.iter().flatten().flatten().map(|x| x.get()).sum();
    assert!((total - 0.06).abs() < 1e-15, "{total}");
}

#[test]
fn invalid_family_settings_are_refused_naming_the_field() {
    for share in [0.0, 1.0, -0.5, f64::NAN, f64::INFINITY] {
        let plan = Plan::new(vec![MetricSpec::new("m", [Check::Paired])]).policy(Policy {
            family: Some(Family::new(Alpha::FIVE_PERCENT).anytime_share(share)),
        });
        let err = Analysis::new(plan).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidParameter {
                    name: "anytime_share",
                    ..
                }
            ),
            "{err}"
        );
    }
    for share in [-0.1, 1.01, f64::NAN] {
        let plan = Plan::new(vec![MetricSpec::new("m", [Check::Paired])]).policy(Policy {
            family: Some(Family::new(Alpha::FIVE_PERCENT).earliest_pass(share)),
        });
        let err = Analysis::new(plan).unwrap_err();
        assert!(err.to_string().contains("earliest_pass"), "{err}");
    }
    // A metric's own α would be silently overridden: refused.
    let plan = guarded(
        vec![MetricSpec::new("latency", [Check::Paired]).alpha(Alpha::ONE_PERCENT)],
        10,
    );
    let err = Analysis::new(plan).unwrap_err();
    assert!(err.to_string().contains("alpha"), "{err}");
    assert!(err.to_string().contains("latency"), "{err}");
}

#[cfg(feature = "serde")]
#[test]
fn family_loads_only_when_valid_and_round_trips() {
    let policy: Policy =
        serde_json::from_str(r#"{"family":{"alpha":0.05,"anytime_share":0.25}}"#).unwrap();
    assert_eq!(
        policy.family,
        Some(Family::new(Alpha::FIVE_PERCENT).anytime_share(0.25))
    );
    let back: Policy = serde_json::from_str(&serde_json::to_string(&policy).unwrap()).unwrap();
    assert_eq!(back, policy);
    let default: Policy = serde_json::from_str(r#"{"family":{"alpha":0.05}}"#).unwrap();
    assert_eq!(default.family.unwrap().anytime_share, 0.3);
    assert_eq!(default.family.unwrap().earliest_pass, 0.0);
    let later = Policy {
        family: Some(Family::new(Alpha::FIVE_PERCENT).earliest_pass(0.75)),
    };
    let back: Policy = serde_json::from_str(&serde_json::to_string(&later).unwrap()).unwrap();
    assert_eq!(back, later);
    for bad in [
        r#"{"family":{"alpha":0.05,"anytime_share":1.5}}"#,
        r#"{"family":{"alpha":0.05,"anytime_share":0}}"#,
        r#"{"family":{"alpha":1.5}}"#,
        r#"{"family":{"alpha":0.05,"earliest_pass":2}}"#,
    ] {
        assert!(serde_json::from_str::<Policy>(bad).is_err(), "{bad}");
    }
    // A plan under a family whose metric sets its own α does not load.
    let plan = r#"{"metrics":[{"name":"m","alpha":0.01,"checks":["paired"]}],
                   "policy":{"family":{"alpha":0.05}}}"#;
    assert!(serde_json::from_str::<Plan>(plan).is_err());
    // The minimal policy still writes as an empty object.
    assert_eq!(serde_json::to_string(&Policy::default()).unwrap(), "{}");
}

#[test]
fn fixed_horizon_checks_decide_only_at_the_planned_end() {
    // A steady, small regression: the signed-rank test is significant long before the
    // end, the sign test (every pair worse by 1%, but only at α/2) too, eventually.
    let plan = guarded(
        vec![MetricSpec::new("latency", [Check::SignedRank]).direction(Direction::HigherIsWorse)],
        30,
    );
    let mut a = Analysis::new(plan).unwrap();
    for t in 0..29u64 {
        let b = 100.0 + (t % 7) as f64;
        a.observe(t, "latency", &values(b, b * 1.2)).unwrap();
        let v = a.verdict(t).unwrap();
        assert_ne!(v.decision, Decision::Fail, "tick {t}");
        if t >= 10 {
            assert_eq!(v.findings[0].judgement, Judgement::Inconclusive);
            assert!(v.findings[0].reason.contains("decides at the planned end"));
            // The numbers of the look are still reported.
            assert!(v.findings[0].p_value.unwrap() < 0.01);
        }
    }
    a.observe(29, "latency", &values(100.0, 120.0)).unwrap();
    assert_eq!(a.decide(29).unwrap(), Decision::Fail);
}

#[test]
fn anytime_checks_fail_early_and_pass_at_the_end() {
    // Every pair worse: the sign test fails once its e-value clears 1 / (α/2).
    let plan = guarded(
        vec![
            MetricSpec::new("latency", [Check::Paired, Check::SignedRank])
                .direction(Direction::HigherIsWorse),
        ],
        100,
    );
    let mut a = Analysis::new(plan.clone()).unwrap();
    let mut failed_at = None;
    for t in 0..100u64 {
        a.observe(t, "latency", &values(100.0 + (t % 5) as f64, 130.0))
            .unwrap();
        if a.decide(t).unwrap() == Decision::Fail {
            failed_at = Some(t + 1);
            break;
        }
    }
    let failed_at = failed_at.expect("fails before the end");
    assert!((5..=15).contains(&failed_at), "{failed_at}");

    // Identical sides: no rejection; at the end the open sign test counts as a pass.
    let mut a = Analysis::new(plan).unwrap();
    let mut rng = Rng::new(7);
    for t in 0..100u64 {
        let x = 100.0 + rng.normal();
        let y = 100.0 + rng.normal();
        a.observe(t, "latency", &values(x, y)).unwrap();
        let d = a.decide(t).unwrap();
        if t < 99 {
            assert_eq!(d, Decision::Inconclusive, "tick {t}");
        } else {
            assert_eq!(d, Decision::Pass);
        }
    }
    let v = a.verdict(99).unwrap();
    assert!(
        v.findings[0]
            .reason
            .contains("did not reject by the planned end")
    );
}

#[test]
fn metric_passes_early_when_its_anytime_checks_clear_the_margin() {
    // The canary is far better than a 5% margin allows for: the sign test's
    // confidence sequence for the median difference lies inside the margin.
    let plan = guarded(
        vec![
            MetricSpec::new("latency", [Check::Paired, Check::SignedRank])
                .direction(Direction::HigherIsWorse)
                .margin(Margin::Relative(0.05)),
        ],
        200,
    );
    let mut a = Analysis::new(plan).unwrap();
    let mut passed_at = None;
    for t in 0..200u64 {
        let b = 100.0 + (t % 5) as f64;
        a.observe(t, "latency", &values(b, b * 0.7)).unwrap();
        if a.decide(t).unwrap() == Decision::Pass {
            passed_at = Some(t + 1);
            break;
        }
    }
    let t = passed_at.expect("passes early");
    assert!(t < 200, "{t}");
    let v = a.verdict(t).unwrap();
    assert!(
        v.findings[1].reason.contains("passed early"),
        "{}",
        v.findings[1].reason
    );
}

/// With [`Family::earliest_pass`] the same clearly better canary is kept waiting
/// (inconclusive) until that share of the planned ticks, then passes; a regression
/// still fails before it.
#[test]
fn no_early_pass_before_the_earliest_pass() {
    let plan = |from: f64| {
        Plan::new(vec![
            MetricSpec::new("latency", [Check::Paired, Check::SignedRank])
                .direction(Direction::HigherIsWorse)
                .margin(Margin::Relative(0.05)),
        ])
        .planned_ticks(200)
        .policy(Policy {
            family: Some(Family::new(Alpha::FIVE_PERCENT).earliest_pass(from)),
        })
    };
    let first = |from: f64, ratio: f64| {
        let mut a = Analysis::new(plan(from)).unwrap();
        for t in 0..200u64 {
            let b = 100.0 + (t % 5) as f64;
            a.observe(t, "latency", &values(b, b * ratio)).unwrap();
            match a.decide(t).unwrap() {
                Decision::Inconclusive => {}
                decision => return Some((t + 1, decision)),
            }
        }
        None
    };
    let (free, decision) = first(0.0, 0.7).expect("passes early");
    assert_eq!(decision, Decision::Pass);
    assert!(free < 100, "{free}");
    assert_eq!(first(0.5, 0.7), Some((100, Decision::Pass)));
    let (t, decision) = first(0.5, 1.5).expect("fails");
    assert_eq!(decision, Decision::Fail);
    assert!(t < 100, "{t}");
}

/// One tick of three metrics sharing a load: latency and CPU values and error
/// counts, bursty (the load varies 10x between ticks) but identical in law on the
/// two sides; `scale` multiplies the canary's latency.
fn tick(rng: &mut Rng, a: &mut Analysis, t: u64, scale: f64) {
    let load = (2.0 * rng.normal()).exp();
    let lat = |rng: &mut Rng| 50.0 * load.sqrt() * (0.3 * rng.normal()).exp();
    let (lb, lc) = (lat(rng), lat(rng) * scale);
    a.observe(t, "latency", &values(lb, lc)).unwrap();
    let cpu = |rng: &mut Rng| (20.0 + 5.0 * load.min(10.0) + rng.normal()).max(0.0);
    let (cb, cc) = (cpu(rng), cpu(rng));
    a.observe(t, "cpu", &values(cb, cc)).unwrap();
    // Over-dispersed errors: a gamma-ish burst multiplier per side.
    let errors = |rng: &mut Rng| {
        let burst = (rng.normal() * 0.8).exp();
        ((10.0 * load * burst).round() as u64).min(1_000_000)
    };
    let counts = Observation::Counts {
        baseline: EventCounts::new(errors(rng), 1_000_000).unwrap(),
        canary: EventCounts::new(errors(rng), 1_000_000).unwrap(),
    };
    a.observe(t, "errors", &counts).unwrap();
}

fn three_metrics(ticks: u64) -> Plan {
    let both = [Check::Paired, Check::SignedRank];
    guarded(
        vec![
            MetricSpec::new("latency", both).direction(Direction::HigherIsWorse),
            MetricSpec::new("cpu", both).direction(Direction::Either),
            MetricSpec::new("errors", both).direction(Direction::HigherIsWorse),
        ],
        ticks,
    )
}

/// Runs `reps` canaries of `plan`, feeding each tick with `feed` and deciding after
/// every tick, stopping at the first fail or pass; returns how many failed.
fn count_failures(
    reps: usize,
    seed: u64,
    plan: &Plan,
    mut feed: impl FnMut(&mut Rng, &mut Analysis, u64),
) -> usize {
    let mut rng = Rng::new(seed);
    let mut failed = 0;
    for _ in 0..reps {
        let mut a = Analysis::new(plan.clone()).unwrap();
        for t in 0..plan.planned_ticks {
            feed(&mut rng, &mut a, t);
            match a.decide(t).unwrap() {
                Decision::Fail => {
                    failed += 1;
                    break;
                }
                Decision::Pass => break,
                _ => {}
            }
        }
    }
    failed
}

/// [`count_failures`] over the three bursty metrics of [`tick`].
fn failures(reps: usize, ticks: u64, scale: f64, seed: u64) -> usize {
    count_failures(reps, seed, &three_metrics(ticks), |rng, a, t| {
        tick(rng, a, t, scale)
    })
}

#[test]
fn family_wise_false_alarms_stay_at_alpha_when_checked_every_tick() {
    // Three metrics, 60 ticks, a decision after every tick: under the family policy
    // a good canary fails at most α = 5% of the time overall.
    let reps = 1000;
    assert_at_most_alpha(failures(reps, 60, 1.0, 0x00fa_0001), reps);
}

/// That `failed` of `reps` good canaries is within α = 5% plus three binomial
/// standard errors.
fn assert_at_most_alpha(failed: usize, reps: usize) {
    let allowed = 0.05 + 3.0 * (0.05 * 0.95 / reps as f64).sqrt();
    assert!(
        (failed as f64 / reps as f64) <= allowed,
        "{failed} of {reps} good canaries failed"
    );
}

#[test]
fn family_policy_detects_a_latency_regression() {
    let reps = 200;
    let failed = failures(reps, 60, 1.25, 0x00fa_0002);
    assert!(failed as f64 >= 0.8 * reps as f64, "{failed} of {reps}");
}

/// Per-request latencies with unequal counts per tick (a 5% canary): each tick pairs
/// the two sides' medians. Checked after every tick, good canaries fail at most α of
/// the time; a canary 20% slower is caught in nearly every run.
#[test]
fn unequal_batches_pair_by_tick_medians() {
    use canary_judge::MetricKind;
    let plan = guarded(
        vec![MetricSpec::default_for("latency", MetricKind::Latency)],
        40,
    );
    let run = |scale: f64, seed: u64, reps: usize| {
        count_failures(reps, seed, &plan, |rng, a, t| {
            let load = (0.5 * rng.normal()).exp();
            let mut side = |n: u64, s: f64| -> Vec<f64> {
                (0..n)
                    .map(|_| 80.0 * load * s * (0.4 * rng.normal()).exp())
                    .collect()
            };
            let (nb, nc) = (30 + t % 7, 3 + t % 4);
            let obs = Observation::Values {
                baseline: side(nb, 1.0),
                canary: side(nc, scale),
            };
            a.observe(t, "latency", &obs).unwrap();
        })
    };
    let reps = 600;
    assert_at_most_alpha(run(1.0, 0x00fa_0003, reps), reps);
    let caught = run(1.2, 0x00fa_0004, 200);
    assert!(caught >= 180, "{caught} of 200");
}

/// A decision skips the signed-rank test before the planned end when it would
/// pass or fail (either reads "decides at the planned end"): it must still agree
/// with the explained verdict at every tick, early passes, empty ticks, tiny and
/// overflowing differences included.
#[test]
fn decisions_agree_with_verdicts_at_every_tick() {
    let specs = [
        MetricSpec::default_for("a", canary_judge::MetricKind::Latency),
        MetricSpec::new("b", [Check::Paired, Check::SignedRank])
            .direction(Direction::HigherIsWorse)
            .margin(Margin::Relative(0.05)),
        MetricSpec::new("c", [Check::SignedRank]).direction(Direction::Either),
    ];
    let mut rng = Rng::new(11);
    let mut early = 0;
    for ticks in [3u64, 12, 40, 80] {
        let mut a = Analysis::new(guarded(specs.to_vec(), ticks)).unwrap();
        let mut solo = Analysis::new(guarded(vec![specs[1].clone()], ticks)).unwrap();
        for t in 0..ticks + 2 {
            let x = 100.0 + rng.normal();
            let mixed = match t % 5 {
                1 => (vec![x], vec![]),                 // no pair this tick
                2 => (vec![-8.9e307], vec![8.9e307]),   // huge differences
                3 => (vec![x, x + 1.0], vec![x + 2.0]), // medians
                _ => (vec![x], vec![x + rng.normal()]),
            };
            // "b" is far better than its 5% margin allows: it passes early.
            let better = (vec![x], vec![x * 0.6]);
            let obs = |(b, c): (Vec<f64>, Vec<f64>)| Observation::Values {
                baseline: b,
                canary: c,
            };
            solo.observe(t, "b", &obs(better.clone())).unwrap();
            for (m, sides) in [("a", mixed.clone()), ("b", better), ("c", mixed)] {
                let _ = a.observe(t, m, &obs(sides));
            }
            let mut twin = solo.clone();
            assert_eq!(
                twin.decide(t).unwrap(),
                solo.verdict(t).unwrap().decision,
                "solo, tick {t}"
            );
            let mut twin = a.clone();
            let verdict = a.verdict(t).unwrap();
            assert_eq!(
                twin.decide(t).unwrap(),
                verdict.decision,
                "tick {t} of {ticks}"
            );
            early +=
                usize::from(t + 1 < ticks && verdict.findings[3].reason.contains("passed early"));
        }
    }
    assert!(early > 0, "no early pass was exercised");
}

/// Under a family policy the stored tick count decides when fixed-horizon checks may
/// decide: a saved state whose count does not fit its times does not load.
#[cfg(feature = "serde")]
#[test]
fn tick_counts_that_do_not_fit_their_times_do_not_load() {
    let plan = guarded(
        vec![MetricSpec::new("m", [Check::SignedRank]).direction(Direction::HigherIsWorse)],
        100,
    );
    let mut a = Analysis::new(plan).unwrap();
    for t in 0..5u64 {
        a.observe(t * 2, "m", &values(1.0, 2.0)).unwrap();
    }
    let json: serde_json::Value = serde_json::to_value(&a).unwrap();
    assert_eq!(serde_json::from_value::<Analysis>(json.clone()).unwrap(), a);
    assert_eq!(json["metrics"][0]["ticks"], serde_json::json!(5));
    for (ticks, last) in [(100, 8), (9_999, 8), (0, 8), (5, 9), (10, 8)] {
        let mut v = json.clone();
        v["metrics"][0]["ticks"] = serde_json::json!(ticks);
        v["metrics"][0]["last_time"] = serde_json::json!(last);
        let e = serde_json::from_value::<Analysis>(v).unwrap_err();
        assert!(e.to_string().contains("tick count"), "{ticks} {last}: {e}");
    }
    let mut v = json.clone();
    v["metrics"][0]["ticks"] = serde_json::json!(9);
    assert!(
        serde_json::from_value::<Analysis>(v).is_ok(),
        "9 distinct times fit 0..=8"
    );
}

/// The default's checks ([`MetricSpec::default_for`]: the paired sign test with
/// tails at every tick, the signed-rank test with tails at the end) on the three
/// bursty metrics of [`tick`], checked after every tick: a good canary fails at most
/// α of the time overall.
#[test]
fn default_checks_keep_family_wise_false_alarms_at_alpha() {
    use canary_judge::MetricKind;
    let plan = guarded(
        vec![
            MetricSpec::default_for("latency", MetricKind::Latency),
            MetricSpec::default_for("cpu", MetricKind::Level),
            MetricSpec::default_for("errors", MetricKind::Count),
        ],
        120,
    );
    let reps = 1000;
    let failed = count_failures(reps, 0x00fa_0010, &plan, |rng, a, t| tick(rng, a, t, 1.0));
    assert_at_most_alpha(failed, reps);
}

/// Pairs sharing a bursty load, the canary 3x worse on 5% of its ticks (its median
/// unchanged): over 300 ticks the signed-rank test with tails finds nearly every
/// such canary at its one look (194 of 200 here), the plain signed-rank test about
/// half (97); on good canaries the check with tails stays at α.
#[test]
fn signed_rank_with_tails_catches_a_heavier_tail() {
    let run = |check: Check, worse: f64, seed: u64| -> usize {
        let plan = guarded(
            vec![MetricSpec::new("latency", [check]).direction(Direction::HigherIsWorse)],
            300,
        );
        count_failures(200, seed, &plan, |rng, a, t| {
            let load = (rng.normal()).exp();
            let lat = |rng: &mut Rng| 50.0 * load * (0.2 * rng.normal()).exp();
            let b = lat(rng);
            let bad = rng.uniform() < 0.05;
            let c = lat(rng) * if bad { worse } else { 1.0 };
            a.observe(t, "latency", &values(b, c)).unwrap();
        })
    };
    let plain = run(Check::SignedRank, 3.0, 0x00fa_0011);
    let tails = run(Check::SignedRankWithTails, 3.0, 0x00fa_0011);
    assert!(plain <= 130, "plain signed rank caught {plain} of 200");
    assert!(tails >= 180, "with tails caught {tails} of 200");
    assert_at_most_alpha(run(Check::SignedRankWithTails, 1.0, 0x00fa_0012), 200);
}

/// The tail test has no margin: a plan giving it one is refused, naming the field.
#[test]
fn signed_rank_with_tails_refuses_a_margin() {
    let plan = guarded(
        vec![
            MetricSpec::new("latency", [Check::SignedRankWithTails]).margin(Margin::Relative(0.05)),
        ],
        10,
    );
    let err = Analysis::new(plan).unwrap_err().to_string();
    assert!(err.contains("margin"), "{err}");
}

/// The tail test runs only when its top pairs can reach α/2. Over 40 ticks the top
/// 5% is 2 pairs (smallest one-sided p 1/4, far above α/2 = 0.0125): the check is
/// the signed-rank test of all pairs at the whole α, its p-value that test's, not
/// doubled. Over 400 ticks the top is 20 pairs (smallest p 2^-20): both tests run at
/// α/2 and the check reports twice the smaller p-value.
#[test]
fn a_tail_test_too_small_to_reject_leaves_all_of_alpha_to_all_pairs() {
    let look = |check: Check, ticks: u64| {
        let plan = guarded(
            vec![MetricSpec::new("latency", [check]).direction(Direction::HigherIsWorse)],
            ticks,
        );
        let mut a = Analysis::new(plan).unwrap();
        let mut rng = Rng::new(0x00fa_0013);
        for t in 0..ticks {
            let load = 50.0 * (0.5 * rng.normal()).exp();
            let (b, c) = (
                load * (1.0 + 0.1 * rng.normal()),
                load * (1.0 + 0.1 * rng.normal()),
            );
            a.observe(t, "latency", &values(b, c)).unwrap();
        }
        let f = a.verdict(ticks - 1).unwrap().findings.remove(0);
        (f.p_value.unwrap(), f.reason)
    };
    let (all, _) = look(Check::SignedRank, 40);
    let (with_tails, reason) = look(Check::SignedRankWithTails, 40);
    assert_eq!(with_tails, all, "{reason}");
    assert!(reason.contains("cannot reach alpha/2"), "{reason}");
    let (all, _) = look(Check::SignedRank, 400);
    let (with_tails, reason) = look(Check::SignedRankWithTails, 400);
    assert!(reason.contains("each against alpha/2"), "{reason}");
    assert!(
        with_tails <= (2.0 * all).min(1.0) && with_tails != all,
        "{with_tails} vs {all}: {reason}"
    );
}
