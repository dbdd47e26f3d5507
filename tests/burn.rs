//! Burn-rate vectors from the project's reference note (policy-burnrate.md, sections
//! C.1–C.5), derived there from the SRE Workbook (chapter 5), Sloth's alert-window
//! catalogues, Pyrra's window scaling, and Prometheus's `increase()`.

use std::time::Duration;

use canary_judge::EventCounts;
use canary_judge::burn::evaluate::{Comparator, Options, Series, TierState, evaluate, evaluate_at};
use canary_judge::burn::tiers::{self, Severity, Tier, Warning};
use canary_judge::burn::{Objective, Ratio, counters, threshold, time_to_exhaustion};

fn h(x: f64) -> Duration {
    Duration::from_secs_f64(x * 3600.0)
}

fn m(x: u64) -> Duration {
    Duration::from_secs(x * 60)
}

fn slo() -> Objective {
    Objective::new(0.999).unwrap()
}

fn counts(bad: u64, total: u64) -> EventCounts {
    EventCounts::new(bad, total).unwrap()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn c1_burn_and_budget_spent() {
    let burn = slo().burn_rate(counts(120, 10_000)).value().unwrap();
    assert!(close(burn, 12.0, 1e-9));
    assert!(close(
        slo().budget_spent(burn, h(1.0), h(720.0)),
        12.0 / 720.0,
        1e-12
    )); // 1.667%
}

#[test]
fn c2_time_to_exhaustion() {
    for (burn, hours) in [
        (1.0, 720.0),
        (2.0, 360.0),
        (10.0, 72.0),
        (14.4, 50.0),
        (1000.0, 0.72),
    ] {
        let t = time_to_exhaustion(burn, 1.0, h(720.0)).unwrap();
        assert!(close(t.as_secs_f64(), hours * 3600.0, 1e-6), "{burn}");
    }
    assert_eq!(time_to_exhaustion(0.0, 1.0, h(720.0)), None);
    assert_eq!(
        time_to_exhaustion(5.0, -0.5, h(720.0)),
        Some(Duration::ZERO)
    );
    assert!(close(
        time_to_exhaustion(2.0, 0.5, h(720.0))
            .unwrap()
            .as_secs_f64(),
        180.0 * 3600.0,
        1e-6
    ));
}

#[test]
fn c3_thresholds_from_budget_share() {
    let p = h(720.0);
    assert!(close(threshold(0.02, p, h(1.0)).unwrap(), 14.4, 1e-12));
    assert!(close(threshold(0.05, p, h(6.0)).unwrap(), 6.0, 1e-12));
    assert!(close(threshold(0.10, p, h(72.0)).unwrap(), 1.0, 1e-12));
    assert!(threshold(0.0, p, h(1.0)).is_err());
    assert!(threshold(0.1, p, h(800.0)).is_err());
}

#[test]
fn c4_remaining_budget() {
    let r = |bad, total| slo().remaining_budget(counts(bad, total)).value().unwrap();
    assert!(close(r(4, 10_000), 0.6, 1e-12));
    assert!(close(r(25, 10_000), -1.5, 1e-12));
    assert_eq!(slo().remaining_budget(counts(0, 0)), Ratio::NoData);
}

#[test]
fn c5_unreachable_tier_is_reported() {
    let w = tiers::validate(
        &tiers::workbook(),
        Objective::new(0.9).unwrap(),
        tiers::thirty_days(),
    );
    assert!(w.contains(&Warning::Unreachable {
        tier: 0,
        factor: 14.4,
        max_burn_rate: 10.000000000000002
    }));
    assert!(tiers::validate(&tiers::workbook(), slo(), tiers::thirty_days()).is_empty());
}

#[test]
fn objectives_outside_zero_one_are_errors() {
    for t in [1.0, 0.0, -0.1, 1.5, f64::NAN] {
        let e = Objective::new(t).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("objective must be strictly between 0 and 1"),
            "{e}"
        );
    }
}

#[test]
fn sloth_catalogues() {
    let factors = |p| {
        tiers::sloth(p)
            .unwrap()
            .iter()
            .map(|t| t.factor)
            .collect::<Vec<_>>()
    };
    let f30 = factors(tiers::thirty_days());
    for (got, want) in f30.iter().zip([14.4, 6.0, 3.0, 1.0]) {
        assert!(close(*got, want, 1e-12), "{f30:?}");
    }
    let f28 = factors(tiers::twenty_eight_days());
    for (got, want) in f28.iter().zip([13.44, 5.6, 2.8, 0.933_333_333_333_333_3]) {
        assert!(close(*got, want, 1e-12), "{f28:?}");
    }
    assert!(tiers::sloth(h(7.0 * 24.0)).is_err());
    // The 7-day example catalogue (8%, 12.5%, 20%, 42%).
    let seven = tiers::from_catalogue(
        h(168.0),
        &[
            (8.0, m(5), h(1.0), Severity::Page),
            (12.5, m(30), h(6.0), Severity::Page),
            (20.0, h(2.0), h(24.0), Severity::Ticket),
            (42.0, h(6.0), h(72.0), Severity::Ticket),
        ],
    )
    .unwrap();
    for (t, want) in seven.iter().zip([13.44, 3.5, 1.4, 0.98]) {
        assert!(close(t.factor, want, 1e-12), "{}", t.factor);
    }
}

#[test]
fn pyrra_windows() {
    let hm = |hh: u64, mm: u64| m(hh * 60 + mm);
    let check = |period: Duration, want: [(Duration, Duration, Duration); 4]| {
        let t = tiers::pyrra(period);
        for (tier, (long, short, hold)) in t.iter().zip(want) {
            assert_eq!(
                (tier.long, tier.short, tier.hold),
                (long, short, hold),
                "{period:?}"
            );
        }
        assert_eq!(
            t.iter().map(|t| t.factor).collect::<Vec<_>>(),
            [14.0, 7.0, 2.0, 1.0]
        );
    };
    check(
        tiers::twenty_eight_days(),
        [
            (hm(1, 0), m(5), m(2)),
            (hm(6, 0), m(30), m(15)),
            (hm(24, 0), hm(2, 0), hm(1, 0)),
            (hm(96, 0), hm(6, 0), hm(3, 0)),
        ],
    );
    check(
        tiers::thirty_days(),
        [
            (hm(1, 4), m(5), m(2)),
            (hm(6, 26), m(32), m(16)),
            (hm(25, 43), hm(2, 9), hm(1, 4)),
            (hm(102, 51), hm(6, 26), hm(3, 13)),
        ],
    );
    check(
        h(168.0),
        [
            (m(15), m(1), m(1)),
            (hm(1, 30), m(8), m(4)),
            (hm(6, 0), m(30), m(15)),
            (hm(24, 0), hm(1, 30), m(45)),
        ],
    );
    check(
        h(24.0),
        [
            (m(2), m(0), m(0)),
            (m(13), m(1), m(1)),
            (m(51), m(4), m(2)),
            (hm(3, 26), m(13), m(6)),
        ],
    );
    // The 1-day period's first tier has a zero-length short window: reported.
    let w = tiers::validate(&tiers::pyrra(h(24.0)), slo(), h(24.0));
    assert!(w.contains(&Warning::DegenerateWindows { tier: 0 }));
    // Budget spent before each tier fires at 28 days: 2.08%, 6.25%, 7.1%, 14.3%.
    let shares: Vec<f64> = tiers::pyrra(tiers::twenty_eight_days())
        .iter()
        .map(|t| t.budget_share(tiers::twenty_eight_days()))
        .collect();
    for (got, want) in shares.iter().zip([0.0208, 0.0625, 0.0714, 0.1429]) {
        assert!(close(*got, want, 5e-4), "{shares:?}");
    }
}

#[test]
fn pyrra_absent_durations() {
    // policy-burnrate.md C.3, at 28 days: 99% → 10m, 99.9% → 3m, 95% → 44m.
    for (target, minutes) in [(0.99, 10), (0.999, 3), (0.95, 44)] {
        let d = tiers::pyrra_absent_duration(
            Objective::new(target).unwrap(),
            tiers::twenty_eight_days(),
        );
        assert_eq!(d, m(minutes), "{target}");
    }
}

#[test]
fn counters_to_interval_counts() {
    let bad = [(0.0, 3.0), (60.0, 5.0), (120.0, 5.0), (180.0, 2.0)];
    let all = [
        (0.0, 100.0),
        (60.0, 1100.0),
        (120.0, 2100.0),
        (180.0, 400.0),
    ];
    let c = counters::interval_counts(&bad, &all).unwrap();
    let pairs: Vec<(u64, u64)> = c.iter().map(|c| (c.events(), c.total())).collect();
    assert_eq!(pairs, [(2, 1000), (0, 1000), (2, 400)]);
    assert!(counters::interval_counts(&bad, &all[..3]).is_err());
    let too_many_bad = [(0.0, 0.0), (60.0, 50.0)];
    assert!(counters::interval_counts(&too_many_bad, &[(0.0, 0.0), (60.0, 10.0)]).is_err());
}

#[test]
fn p1_p2_counter_increases() {
    let p1 = [(5.0, 100.0), (20.0, 110.0), (35.0, 5.0), (50.0, 20.0)];
    assert_eq!(counters::increase(&p1).unwrap(), Some(30.0));
    let inc = counters::increase_extrapolated(&p1, 0.0, 60.0)
        .unwrap()
        .unwrap();
    assert!(close(inc, 40.0, 1e-12));
    assert!(close(inc / 60.0, 0.6667, 1e-4)); // rate
    let p2 = [(30.0, 2.0), (45.0, 5.0), (60.0, 8.0)];
    assert!(close(
        counters::increase_extrapolated(&p2, 0.0, 60.0)
            .unwrap()
            .unwrap(),
        8.0,
        1e-12
    ));
    assert_eq!(counters::increase(&p2[..1]).unwrap(), None);
    assert!(counters::increase(&[(2.0, 1.0), (1.0, 2.0)]).is_err());
    assert!(counters::increase(&[(1.0, -1.0), (2.0, 2.0)]).is_err());
}

/// A series of `len` one-second buckets of 1000 requests with `bad(t)` errors each.
fn per_second(len: usize, bad: impl Fn(usize) -> u64) -> Series {
    let c: Vec<EventCounts> = (0..len).map(|t| counts(bad(t), 1000)).collect();
    Series::new(Duration::from_secs(1), &c).unwrap()
}

#[test]
fn c6_detection_and_reset_times() {
    // An hour of clean traffic, then 15% errors for 10 minutes, then clean again.
    let start = 3600;
    let series = per_second(start + 3 * 3600, |t| {
        if (start..start + 600).contains(&t) {
            150
        } else {
            0
        }
    });
    let page = [tiers::workbook()[0]];
    let firing = |sec: f64| {
        let end = start + (sec as usize);
        evaluate_at(slo(), &page, &series, end, &Options::default())
            .unwrap()
            .tiers[0]
            .state
            == TierState::Firing
    };
    // Long window passes 1.44% after 345.6 s (5.76 min); the short one after 28.8 s.
    assert!(!firing(345.0) && firing(346.0));
    let short_above = |sec: usize| {
        let e = evaluate_at(slo(), &page, &series, start + sec, &Options::default()).unwrap();
        e.tiers[0].short_tripped
    };
    assert!(!short_above(28) && short_above(29));
    // After the burst (600 s), the 5-minute window clears at 871.2 s (14.52 min).
    assert!(firing(871.0) && !firing(872.0));
    // The long window alone would stay above the threshold until 3854.4 s (64.24 min).
    let long_only = |sec: usize| {
        let e = evaluate_at(slo(), &page, &series, start + sec, &Options::default()).unwrap();
        e.tiers[0].long_burn.exceeds(14.4)
    };
    assert!(long_only(3854) && !long_only(3855));
}

#[test]
fn c7_detection_time_scales_with_severity() {
    // Step from 0% to r errors: the 1 h window at 14.4 trips after 60·14.4·0.001/r min.
    for (per_mille, minutes) in [(1000u64, 0.864), (100, 8.64), (20, 43.2)] {
        let series = per_second(3600 + 3600, |t| if t >= 3600 { per_mille } else { 0 });
        let page = [tiers::workbook()[0]];
        let first = (3600..7200)
            .find(|&end| {
                evaluate_at(slo(), &page, &series, end, &Options::default())
                    .unwrap()
                    .tiers[0]
                    .state
                    == TierState::Firing
            })
            .unwrap();
        let got = (first - 3600) as f64 / 60.0;
        assert!(
            (got - minutes).abs() <= 1.0 / 60.0 + 1e-9,
            "{per_mille}: {got} vs {minutes}"
        );
    }
    // 1.44% errors never fires the 14.4 tier: the comparison is strict.
    let series = per_second(7200, |t| if t >= 3600 { 14 } else { 0 });
    let e = evaluate(slo(), &[tiers::workbook()[0]], &series, &Options::default()).unwrap();
    assert_eq!(e.tiers[0].state, TierState::Inactive);
    // At exactly the threshold only the non-strict comparator fires. (With 99.9% the
    // budget 1 − 0.999 is not exactly 0.001 in f64; 75% gives b = 0.25 exactly, so a
    // 50% error ratio sits exactly on factor 2.)
    let quarter = Objective::new(0.75).unwrap();
    let tier = Tier {
        factor: 2.0,
        ..tiers::workbook()[0]
    };
    let c: Vec<EventCounts> = (0..7200).map(|_| counts(5_000, 10_000)).collect();
    let at_threshold = Series::new(Duration::from_secs(1), &c).unwrap();
    let e = evaluate(quarter, &[tier], &at_threshold, &Options::default()).unwrap();
    assert_eq!(e.tiers[0].state, TierState::Inactive);
    let e = evaluate(
        quarter,
        &[tier],
        &at_threshold,
        &Options {
            comparator: Comparator::GreaterOrEqual,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(e.tiers[0].state, TierState::Firing);
}

#[test]
fn c8_c9_low_traffic() {
    // One error fires the 14.4 tier in a window of 69 requests, not of 70.
    let tier = Tier {
        factor: 14.4,
        long: h(1.0),
        short: m(5),
        hold: Duration::ZERO,
        severity: Severity::Page,
    };
    for (total, fires) in [(69u64, true), (70, false)] {
        let s = Series::new(h(1.0), &[counts(1, total)]).unwrap();
        let t = Tier {
            short: h(1.0),
            long: h(1.0),
            ..tier
        };
        let e = evaluate(slo(), &[t], &s, &Options::default()).unwrap();
        assert_eq!(e.tiers[0].state == TierState::Firing, fires, "{total}");
    }
    // 10 requests an hour, one failure: burn 100, 13.9% of a 30-day budget.
    let burn = slo().burn_rate(counts(1, 10)).value().unwrap();
    assert!(close(burn, 100.0, 1e-9));
    assert!(close(
        slo().budget_spent(burn, h(1.0), h(720.0)),
        0.1389,
        1e-4
    ));
}

/// S1–S4: one-minute buckets, baseline 0.05% errors, 10 000 requests a minute.
fn scenario(last_minutes: &[(usize, u64)], total_minutes: usize) -> Series {
    let mut c = vec![counts(5, 10_000); total_minutes];
    let mut end = total_minutes;
    for &(len, bad) in last_minutes.iter().rev() {
        for x in &mut c[end - len..end] {
            *x = counts(bad, 10_000);
        }
        end -= len;
    }
    Series::new(Duration::from_secs(60), &c).unwrap()
}

fn burns(series: &Series) -> Vec<f64> {
    let windows = [
        m(5),
        m(30),
        h(1.0),
        h(2.0),
        h(6.0),
        h(24.0),
        h(72.0),
        h(96.0),
    ];
    windows
        .iter()
        .map(|&w| {
            let t = Tier {
                factor: 1.0,
                long: w,
                short: w,
                hold: Duration::ZERO,
                severity: Severity::Page,
            };
            evaluate(slo(), &[t], series, &Options::default())
                .unwrap()
                .tiers[0]
                .long_burn
                .value()
                .unwrap()
        })
        .collect()
}

fn states(series: &Series, tier_set: &[Tier]) -> Vec<bool> {
    evaluate(slo(), tier_set, series, &Options::default())
        .unwrap()
        .tiers
        .iter()
        .map(|t| t.state == TierState::Firing)
        .collect()
}

#[test]
fn s1_to_s4_scenarios() {
    let days = 5 * 24 * 60;
    let sloth = tiers::sloth(tiers::thirty_days()).unwrap();
    let pyrra = tiers::pyrra(tiers::twenty_eight_days());
    // S1: 2% errors for the last 90 minutes.
    let s1 = scenario(&[(90, 200)], days);
    for (got, want) in burns(&s1)
        .iter()
        .zip([20.0, 20.0, 20.0, 15.125, 5.375, 1.719, 0.906, 0.805])
    {
        assert!(close(*got, want, 1e-3), "S1 {got} vs {want}");
    }
    assert_eq!(states(&s1, &sloth), [true, false, false, false]);
    assert_eq!(states(&s1, &pyrra), [true, false, false, false]);
    // S2: 0.4% errors for 3 days.
    let s2 = scenario(&[(3 * 24 * 60, 40)], days);
    for (got, want) in burns(&s2)
        .iter()
        .zip([4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 3.125])
    {
        assert!(close(*got, want, 1e-3), "S2 {got} vs {want}");
    }
    assert_eq!(states(&s2, &sloth), [false, false, true, true]);
    let e2 = evaluate(slo(), &sloth, &s2, &Options::default()).unwrap();
    assert!(e2.any_firing(&sloth, Severity::Ticket) && !e2.any_firing(&sloth, Severity::Page));
    assert_eq!(states(&s2, &pyrra), [false, false, true, true]);
    // Which windows tripped: S1's slow page tier has its 30 m window above 6 but not its 6 h.
    let e = evaluate(slo(), &sloth, &s1, &Options::default()).unwrap();
    assert!(e.tiers[1].short_tripped && !e.tiers[1].long_tripped);
    assert_eq!(e.highest_firing, Some(0));
    // S3: 2% for 50 minutes, ended 10 minutes ago.
    let s3 = scenario(&[(50, 200), (10, 5)], days);
    for (got, want) in burns(&s3)
        .iter()
        .zip([0.5, 13.5, 16.75, 8.625, 3.208, 1.177, 0.726, 0.669])
    {
        assert!(close(*got, want, 1e-3), "S3 {got} vs {want}");
    }
    assert_eq!(states(&s3, &sloth), [false; 4]);
    assert_eq!(states(&s3, &pyrra), [false; 4]);
    // S4: no traffic anywhere: no data, never NaN, never firing.
    let s4 = Series::new(Duration::from_secs(60), &vec![counts(0, 0); days]).unwrap();
    let e = evaluate(slo(), &sloth, &s4, &Options::default()).unwrap();
    assert!(
        e.tiers
            .iter()
            .all(|t| t.state == TierState::NoData && t.long_burn == Ratio::NoData)
    );
    assert_eq!(e.highest_firing, None);
}

#[test]
fn hold_makes_a_tier_pending_first() {
    // Pyrra's first tier at 28 days holds for 2 minutes.
    let tier = tiers::pyrra(tiers::twenty_eight_days())[0];
    let mut c = vec![counts(0, 10_000); 120];
    c.extend(vec![counts(10_000, 10_000); 2]);
    let s = Series::new(Duration::from_secs(60), &c).unwrap();
    let at = |end| {
        evaluate_at(slo(), &[tier], &s, end, &Options::default())
            .unwrap()
            .tiers[0]
            .state
    };
    assert_eq!(
        at(121),
        TierState::Pending {
            held: Duration::ZERO
        }
    );
    assert_eq!(at(122), TierState::Pending { held: m(1) });
    let mut c2 = c.clone();
    c2.push(counts(10_000, 10_000));
    let s2 = Series::new(Duration::from_secs(60), &c2).unwrap();
    assert_eq!(
        evaluate(slo(), &[tier], &s2, &Options::default())
            .unwrap()
            .tiers[0]
            .state,
        TierState::Firing
    );
    // Windows must be whole buckets.
    let odd = Tier {
        short: Duration::from_secs(90),
        ..tier
    };
    assert!(evaluate(slo(), &[odd], &s, &Options::default()).is_err());
}

#[test]
fn sequential_burn_test_vector() {
    use canary_judge::burn::safeguards::{BurnDecision, SequentialBurnTest};
    // policy-burnrate.md section D: H0 rate ≤ 0.001 against burn 14.4, alpha 0.01.
    let test = SequentialBurnTest::new(slo(), 14.4, canary_judge::Alpha::ONE_PERCENT).unwrap();
    for (errors, e) in [(5u64, 0.904), (6, 13.2), (7, 192.7)] {
        let got = test.ln_e_value(counts(errors, 1000)).exp();
        assert!((got - e).abs() / e < 2e-3, "{errors}: {got}");
    }
    assert_eq!(test.decide(counts(6, 1000)), BurnDecision::Continue);
    assert_eq!(test.decide(counts(7, 1000)), BurnDecision::Reject);
    let e70 = test.ln_e_value(counts(1, 70)).exp();
    assert!((e70 - 5.67).abs() < 0.01, "{e70}");
    assert_eq!(test.decide(counts(1, 70)), BurnDecision::Continue);
    assert!(SequentialBurnTest::new(slo(), 0.5, canary_judge::Alpha::ONE_PERCENT).is_err());
    // Finite after 10^9 events.
    assert!(
        test.ln_e_value(counts(1_000_000, 1_000_000_000))
            .is_finite()
    );
}

#[test]
fn sequential_burn_test_false_alarms_under_continuous_monitoring() {
    // Errors at exactly the budget's rate, checked after every request for 20 000
    // requests in each of 1000 seeded runs: rejections must stay at or below alpha.
    use canary_judge::burn::safeguards::{BurnDecision, SequentialBurnTest};
    let alpha = 0.05;
    let test =
        SequentialBurnTest::new(slo(), 14.4, canary_judge::Alpha::new(alpha).unwrap()).unwrap();
    let mut state = 0x1234_5678_9abc_def0u64;
    let mut rejected = 0;
    for _ in 0..1000 {
        let mut errors = 0u64;
        for n in 1..=20_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            errors += u64::from(u < 0.001);
            if test.decide(counts(errors, n)) == BurnDecision::Reject {
                rejected += 1;
                break;
            }
        }
    }
    let rate = rejected as f64 / 1000.0;
    assert!(
        rate <= alpha + 3.0 * (alpha * (1.0 - alpha) / 1000.0f64).sqrt(),
        "{rate}"
    );
}

#[test]
fn lower_bound_and_minimum_events_guard_low_traffic() {
    use canary_judge::burn::safeguards::burn_lower_bound;
    // One failure in ten requests: point burn 100, but the exact 95% lower bound is
    // 1 − 0.95^(1/10) = 0.5116%, a burn of 5.1 < 14.4.
    let lb = burn_lower_bound(slo(), counts(1, 10), 0.95)
        .unwrap()
        .value()
        .unwrap();
    assert!(
        (lb - (1.0 - 0.95f64.powf(0.1)) * 1000.0).abs() < 1e-6,
        "{lb}"
    );
    // Clopper–Pearson lower bounds from scipy.stats.beta.ppf(0.05, x, n − x + 1):
    // 200 of 10 000 → 0.017751383415203843 (burn 17.75 > 14.4 although the point
    // estimate is 20); 2 of 1000 → 0.0003554761334775969.
    for (x, n, want) in [
        (200u64, 10_000u64, 0.017751383415203843),
        (2, 1000, 0.0003554761334775969),
    ] {
        let lb = burn_lower_bound(slo(), counts(x, n), 0.95)
            .unwrap()
            .value()
            .unwrap();
        let ratio = lb * slo().budget();
        assert!(
            ((ratio - want) / want).abs() < 1e-9,
            "{x}/{n}: {ratio} vs {want}"
        );
    }
    assert_eq!(
        burn_lower_bound(slo(), counts(0, 0), 0.95).unwrap(),
        Ratio::NoData
    );
    assert!(burn_lower_bound(slo(), counts(1, 10), 1.0).is_err());
    // A window with fewer events than the minimum is no data, not a page.
    let tier = Tier {
        factor: 14.4,
        long: h(1.0),
        short: h(1.0),
        hold: Duration::ZERO,
        severity: Severity::Page,
    };
    let s = Series::new(h(1.0), &[counts(1, 10)]).unwrap();
    let plain = evaluate(slo(), &[tier], &s, &Options::default()).unwrap();
    assert_eq!(plain.tiers[0].state, TierState::Firing);
    let guarded = evaluate(
        slo(),
        &[tier],
        &s,
        &Options {
            min_events: 100,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(guarded.tiers[0].state, TierState::NoData);
}

mod canary_budget {
    use super::{counts, h, slo};
    use canary_judge::burn::Ratio;
    use canary_judge::burn::canary::{
        GateDecision, canary_budget_spent, compare_burn, gate, projected_rollout_spend,
    };

    #[test]
    fn canary_spend_is_weighted_by_its_share() {
        // Canary at burn 12 (C1) for an hour on 5% of the traffic: 12/720 · 0.05.
        let spent =
            canary_budget_spent(slo(), counts(120, 10_000), 0.05, h(1.0), h(720.0)).unwrap();
        assert!((spent.value().unwrap() - 12.0 / 720.0 * 0.05).abs() < 1e-12);
        assert_eq!(
            canary_budget_spent(slo(), counts(0, 0), 0.05, h(1.0), h(720.0)).unwrap(),
            Ratio::NoData
        );
        assert!(canary_budget_spent(slo(), counts(1, 10), 0.0, h(1.0), h(720.0)).is_err());
        assert!(canary_budget_spent(slo(), counts(1, 10), 0.5, h(800.0), h(720.0)).is_err());
    }

    #[test]
    fn burn_comparison_matches_scipy_binomial_tail() {
        // scipy.stats.binom.sf(4, 12, 1/6) = 0.0363500220905872: canary 5 errors in
        // 10 000, baseline 7 in 50 000.
        let c = compare_burn(counts(7, 50_000), counts(5, 10_000));
        assert!(
            (c.p_value / 0.0363500220905872 - 1.0).abs() < 1e-9,
            "{}",
            c.p_value
        );
        assert!((c.ratio.value().unwrap() - 5.0 / 10_000.0 / (7.0 / 50_000.0)).abs() < 1e-12);
        // No canary errors: nothing to test; no baseline errors: no ratio.
        assert_eq!(compare_burn(counts(3, 100), counts(0, 100)).p_value, 1.0);
        assert_eq!(
            compare_burn(counts(0, 100), counts(3, 100)).ratio,
            Ratio::NoData
        );
        assert!(compare_burn(counts(0, 100), counts(3, 100)).p_value < 0.2);
    }

    #[test]
    fn gate_blocks_for_each_reason() {
        let month = h(720.0);
        let spend = projected_rollout_spend(2.0, &[(0.25, h(6.0)), (1.0, h(12.0))], month).unwrap();
        assert!((spend - 2.0 * (0.25 * 6.0 + 12.0) / 720.0).abs() < 1e-12);
        assert_eq!(
            gate(Ratio::Value(0.5), spend, 0.25, 0.05),
            Ok(GateDecision::Allow)
        );
        match gate(Ratio::Value(0.1), 0.2, 0.25, 0.05) {
            Ok(GateDecision::Block(reasons)) => assert_eq!(reasons.len(), 2),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            gate(Ratio::NoData, 0.0, 0.25, 0.05),
            Ok(GateDecision::NoData)
        );
        assert!(projected_rollout_spend(-1.0, &[], month).is_err());
        assert!(projected_rollout_spend(1.0, &[(1.5, h(1.0))], month).is_err());
    }

    /// A NaN or infinity in any parameter is an error naming it, never Allow (it used
    /// to allow: every comparison with NaN is false); a negative maximum spend is an
    /// error, not "more than the allowed -100.0%".
    #[test]
    fn gate_rejects_non_finite_and_negative_parameters() {
        let left = Ratio::Value(0.5);
        for (spend, min, max, field) in [
            (f64::NAN, 0.25, 0.05, "projected spend"),
            (f64::INFINITY, 0.25, 0.05, "projected spend"),
            (-0.1, 0.25, 0.05, "projected spend"),
            (0.01, f64::NAN, 0.05, "minimum remaining budget"),
            (0.01, 1.5, 0.05, "minimum remaining budget"),
            (0.01, 0.25, f64::NAN, "maximum spend"),
            (0.01, 0.25, -1.0, "maximum spend"),
            (0.01, 0.25, f64::INFINITY, "maximum spend"),
        ] {
            let e = gate(left, spend, min, max).unwrap_err();
            assert!(e.to_string().starts_with(field), "{e}");
        }
        for bad in [f64::NAN, f64::NEG_INFINITY] {
            let e = gate(Ratio::Value(bad), 0.01, 0.25, 0.05).unwrap_err();
            assert!(e.to_string().starts_with("remaining budget"), "{e}");
        }
        // The same parameters, valid, still decide.
        assert_eq!(gate(left, 0.01, 0.25, 0.05), Ok(GateDecision::Allow));
    }
}

mod aggregation {
    use super::counts;
    use canary_judge::burn::Ratio;
    use canary_judge::burn::aggregate::{
        EmptySlice, latency_sli, mean_of_ratios, ratio_of_sums, time_slices,
    };

    #[test]
    fn empty_buckets_do_not_poison_the_mean() {
        // Sloth's optimized period ratio turns NaN for a whole period after one empty
        // 5-minute sample; here empty buckets are skipped.
        let b = [counts(1, 1000), counts(0, 0), counts(3, 1000)];
        assert_eq!(mean_of_ratios(&b), Ratio::Value(0.002));
        assert_eq!(ratio_of_sums(&b), Ratio::Value(0.002));
        assert_eq!(mean_of_ratios(&[counts(0, 0)]), Ratio::NoData);
        assert_eq!(ratio_of_sums(&[]), Ratio::NoData);
    }

    #[test]
    fn time_slices_count_bad_slices() {
        let b = [counts(0, 100), counts(5, 100), counts(0, 0), counts(1, 100)];
        let s = time_slices(&b, 0.01, EmptySlice::Skip).unwrap();
        assert_eq!((s.events(), s.total()), (1, 3));
        let s = time_slices(&b, 0.01, EmptySlice::Bad).unwrap();
        assert_eq!((s.events(), s.total()), (2, 4));
        let s = time_slices(&b, 0.01, EmptySlice::Good).unwrap();
        assert_eq!((s.events(), s.total()), (1, 4));
        assert!(time_slices(&b, 1.0, EmptySlice::Skip).is_err());
    }

    #[test]
    fn latency_sli_validates_buckets() {
        let ok = [(0.1, 900), (0.3, 980), (f64::INFINITY, 1000)];
        assert_eq!(latency_sli(&ok, 0.1).unwrap().events(), 100);
        assert!(latency_sli(&ok, 0.2).is_err()); // not a bound
        assert!(latency_sli(&ok, f64::INFINITY).is_err());
        assert!(latency_sli(&[(0.1, 900), (0.3, 800), (f64::INFINITY, 1000)], 0.1).is_err());
        assert!(latency_sli(&[(0.3, 900), (0.1, 950), (f64::INFINITY, 1000)], 0.3).is_err());
        assert!(latency_sli(&[(0.1, 900), (0.3, 980)], 0.1).is_err()); // no +Inf bucket
        assert!(latency_sli(&[(f64::NAN, 1), (f64::INFINITY, 2)], 0.1).is_err());
        assert!(latency_sli(&[], 0.1).is_err());
    }
}

mod periods {
    // Expected boundaries from Python's datetime (UTC timestamps).
    use canary_judge::burn::period::{CalendarUnit, Period};
    use std::time::Duration;

    #[test]
    fn calendar_weeks_and_months() {
        let week = Period::Calendar {
            unit: CalendarUnit::Week,
            utc_offset_seconds: 0,
        };
        // Thursday 2024-02-15 12:00 → Monday 2024-02-12 to Monday 2024-02-19.
        assert_eq!(
            week.bounds(1_707_998_400).unwrap(),
            (1_707_696_000, 1_708_300_800)
        );
        // Sunday 23:59 still belongs to the week that started on Monday the 12th.
        assert_eq!(week.bounds(1_708_300_740).unwrap().0, 1_707_696_000);
        // Sunday 2023-12-31 → week of Monday 2023-12-25, across the year boundary.
        assert_eq!(
            week.bounds(1_704_024_000).unwrap(),
            (1_703_462_400, 1_704_067_200)
        );
        let month = Period::Calendar {
            unit: CalendarUnit::Month,
            utc_offset_seconds: 0,
        };
        assert_eq!(
            month.length(1_707_998_400).unwrap(),
            Duration::from_secs(29 * 86_400)
        );
        // Tokyo (+9 h): 2024-02-29 20:00 UTC is already March 1 locally; March starts
        // at 2024-02-29 15:00 UTC and ends at 2024-03-31 15:00 UTC.
        let tokyo = Period::Calendar {
            unit: CalendarUnit::Month,
            utc_offset_seconds: 9 * 3600,
        };
        assert_eq!(
            tokyo.bounds(1_709_236_800).unwrap(),
            (1_709_218_800, 1_711_897_200)
        );
    }

    #[test]
    fn rolling_periods_and_bad_input() {
        let thirty = Period::Rolling(Duration::from_secs(30 * 86_400));
        assert_eq!(
            thirty.bounds(1_000_000_000).unwrap(),
            (1_000_000_000 - 2_592_000, 1_000_000_000)
        );
        assert!(Period::Rolling(Duration::ZERO).bounds(0).is_err());
        let bad = Period::Calendar {
            unit: CalendarUnit::Week,
            utc_offset_seconds: 19 * 3600,
        };
        assert!(bad.bounds(0).is_err());
        assert!(thirty.bounds(i64::MAX).is_err());
    }
}

/// The exact one-sided Clopper–Pearson bound behind `burn_lower_bound`, against R's
/// qbeta (scripts/gen_burn_bound_fixtures.R): counts from 1 to 2^32, levels 0.5 to
/// 0.999999, within 1e-10 relative, and never above R's value by more than that
/// (the bound is conservative).
#[test]
fn lower_bound_matches_r_qbeta_up_to_2_pow_32() {
    use canary_judge::burn::safeguards::burn_lower_bound;
    let data: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/burn_bound.json")).unwrap();
    let cases = data["cases"].as_array().unwrap();
    assert!(cases.len() >= 100);
    for c in cases {
        let (x, n) = (c["events"].as_u64().unwrap(), c["total"].as_u64().unwrap());
        let level = c["level"].as_f64().unwrap();
        let want = c["lower"].as_f64().unwrap();
        let got = burn_lower_bound(slo(), counts(x, n), level)
            .unwrap()
            .value()
            .unwrap()
            * slo().budget();
        assert!(
            ((got - want) / want).abs() < 1e-10,
            "{x}/{n} at {level}: {got} vs R {want}"
        );
    }
}
