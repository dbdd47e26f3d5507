// The body of the `analysis` fuzz target, shared by `fuzz/fuzz_targets/analysis.rs`
// (via `include!`) and by `tests/fuzz_analysis.rs`, which replays the committed
// corpus.
//
// Bytes 0–2 build a plan of five metrics (values, counts, histograms, pairs) with
// every kind of check, directions, margins, a NaN policy and, for half of the
// inputs, the family policy; the rest is a sequence of at
// most 32 operations (at most 2 looks, 1 round trip and 64 raw values, which
// dominate the cost): observations of every kind (hostile floats, times going back,
// unknown metrics, wrong kinds, changing histogram bounds, failed measurements),
// looks (`verdict` and `decide`) and JSON round trips. After every refused call the
// state must be unchanged; every verdict must be well formed (no NaN in a p-value,
// e-value or interval end, p in [0, 1], a pass never resting on NaN) and agree with
// `decide`; a round trip must give an equal state that decides the same.

#[allow(dead_code)]
fn fuzz_analysis(data: &[u8]) {
    use canary_judge::input::histogram::{ClassicHistogram, ExponentialHistogram};
    use canary_judge::{
        Alpha, Analysis, Check, Direction, EventCounts, Judgement, Margin, MetricSpec, NonFinite,
        Observation, Plan, Policy,
    };

    if data.len() < 3 {
        return;
    }
    let (head, mut rest) = data.split_at(3);
    let dirs = [Direction::HigherIsWorse, Direction::LowerIsWorse, Direction::Either];
    let dir = |b: u8| dirs[(b % 3) as usize];
    let margin = |b: u8| match b % 4 {
        0 => Margin::Absolute(0.0),
        1 => Margin::Absolute(f64::from(b) / 16.0),
        2 => Margin::Relative(0.05),
        _ => Margin::Relative(f64::from(b) / 64.0),
    };
    let policy = match head[2] % 3 {
        0 => NonFinite::Reject,
        1 => NonFinite::Drop,
        _ => NonFinite::Replace(0.0),
    };
    let alpha = Alpha::new([0.01, 0.05, 0.2][(head[2] / 3 % 3) as usize]).unwrap();
    let count_dir = if head[1] % 2 == 0 {
        Direction::HigherIsWorse
    } else {
        Direction::Either
    };
    // Under a family policy (half of the inputs) the metrics carry no α of their own.
    let family = head[1] & 0x40 != 0;
    trait AlphaUnless {
        fn alpha_unless(self, family: bool, alpha: Alpha) -> Self;
    }
    impl AlphaUnless for MetricSpec {
        fn alpha_unless(self, family: bool, alpha: Alpha) -> Self {
            if family { self } else { self.alpha(alpha) }
        }
    }
    let plan = Plan::new(vec![
        MetricSpec::new(
            "v",
            [
                Check::Rank,
                Check::Percentile { p: 0.9 },
                Check::Quantile { p: 0.5, t_opt: None },
                Check::Mean,
                Check::Threshold { min: Some(-1.0), max: Some(100.0) },
            ],
        )
        .direction(dir(head[0]))
        .margin(margin(head[0] >> 2))
        .alpha_unless(family, alpha)
        .non_finite(policy)
        .required(head[0] & 0x80 != 0),
        MetricSpec::new(
            "c",
            [
                Check::CountRate { canary_share: 0.5 },
                Check::Rank,
                Check::Mean,
                Check::Paired,
                Check::SignedRank,
                Check::Threshold { min: None, max: Some(0.5) },
                Check::BurnRate { objective: 0.99, tick_seconds: 60 },
                Check::BudgetGate {
                    objective: 0.99,
                    remaining_budget: 0.5,
                    period_seconds: 86_400,
                    rollout_seconds: 3_600,
                    min_remaining: 0.1,
                    max_spend: 0.2,
                },
            ],
        )
        .direction(count_dir)
        .margin(if head[1] & 2 == 0 { Margin::Absolute(0.0) } else { Margin::Relative(0.1) })
        .alpha_unless(family, alpha)
        .required(head[1] & 0x80 != 0),
        MetricSpec::new("h", [Check::Rank, Check::Percentile { p: 0.5 }, Check::Quantile { p: 0.9, t_opt: Some(50.0) }])
            .direction(dir(head[1] >> 2))
            .margin(margin(head[1] >> 4))
            .alpha_unless(family, alpha),
        MetricSpec::new("x", [Check::Rank, Check::Percentile { p: 0.99 }])
            .direction(dir(head[2] >> 4))
            .margin(margin(head[2] >> 2))
            .alpha_unless(family, alpha),
        MetricSpec::new("p", [Check::PairedWithTails, Check::SignedRankWithTails])
            .direction(dir(head[0] >> 4))
            .alpha_unless(family, alpha),
        MetricSpec::new("e", [Check::Exceedance { p: 0.75 }, Check::Rank])
            .direction(Direction::HigherIsWorse)
            .alpha_unless(family, alpha),
    ])
    .planned_ticks(u64::from(head[2]) + 1)
    .policy(if family { Policy::guarded(alpha) } else { Policy::default() });
    let mut analysis = Analysis::new(plan).expect("a valid plan");

    let mut next = || -> Option<u8> {
        let (&b, tail) = rest.split_first()?;
        rest = tail;
        Some(b)
    };
    let float = |b: u8| -> f64 {
        match b {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => f64::NEG_INFINITY,
            3 => f64::MAX,
            4 => -f64::MAX,
            5 => 5e-324,
            6 => -0.0,
            7 => 1e300,
            _ => f64::from(b) / 8.0,
        }
    };
    let mut now = 0u64;
    let (mut looks, mut trips) = (0, 0);
    // At most 64 raw values per input: the sequential quantile tests' mixtures
    // dominate the cost per value, and a few values per tick reach every path.
    let values_left = std::cell::Cell::new(64usize);
    for _ in 0..32 {
        let Some(op) = next() else { break };
        // Time: usually forward, sometimes equal, rarely backwards.
        let t = match op >> 5 {
            0 => now.saturating_sub(1),
            1 | 2 => now,
            _ => now + u64::from(op >> 5),
        };
        let metric = ["v", "c", "h", "x", "p", "e", "nope"][((op >> 3) % 7) as usize];
        let observation = match op & 7 {
            0 | 1 => {
                let n = next().unwrap_or(0);
                let mut side = |k: u8| -> Vec<f64> {
                    let k = usize::from(k % 17).min(values_left.get());
                    values_left.set(values_left.get() - k);
                    (0..k).filter_map(|_| next()).map(float).collect()
                };
                let baseline = side(n);
                let canary = side(n >> 4);
                Some(Observation::Values { baseline, canary })
            }
            2 => {
                let (a, b, c, d) = (next().unwrap_or(0), next().unwrap_or(0), next().unwrap_or(0), next().unwrap_or(0));
                let big = |x: u8| if x == 255 { u64::MAX } else { u64::from(x) };
                match (EventCounts::new(big(a), big(b)), EventCounts::new(big(c), big(d))) {
                    (Ok(baseline), Ok(canary)) => Some(Observation::Counts { baseline, canary }),
                    _ => None, // events above the total: refused at construction
                }
            }
            4 => {
                // OpenTelemetry exponential histograms at scales −1..=2, sometimes a
                // zero threshold (which cannot merge with the others).
                let mut expo = || {
                    let b = next().unwrap_or(0);
                    let run: Vec<u64> = (0..(b % 5)).map(|_| u64::from(next().unwrap_or(1) % 30)).collect();
                    let h = ExponentialHistogram::new(i32::from(b >> 6) - 1, u64::from(b & 3), i32::from(b >> 3 & 7) - 3, run, -1, vec![u64::from(b & 1)])
                        .expect("valid exponential histogram");
                    if b & 0x20 != 0 { h.with_zero_threshold(0.25).expect("valid threshold") } else { h }
                };
                let baseline = expo();
                let canary = expo();
                Some(Observation::ExponentialHistograms { baseline, canary })
            }
            3 => {
                let shape = next().unwrap_or(0);
                let bounds: &[f64] = if shape & 1 == 0 { &[0.1, 0.5, f64::INFINITY] } else { &[0.2, f64::INFINITY] };
                let mut hist = |x: u8| {
                    let mut cum = 0.0;
                    let buckets: Vec<(f64, f64)> = bounds
                        .iter()
                        .map(|&le| {
                            cum += f64::from(next().unwrap_or(x) % 50);
                            (le, cum)
                        })
                        .collect();
                    ClassicHistogram::new(&buckets).expect("valid buckets")
                };
                let baseline = hist(shape);
                let canary = hist(shape >> 1);
                Some(Observation::Histograms { baseline, canary })
            }
            5 => Some(Observation::Failed { message: "scrape failed".into() }),
            _ => None,
        };
        match observation {
            Some(obs) => {
                let before = analysis.clone();
                match analysis.observe(t, metric, &obs) {
                    Ok(()) => now = now.max(t),
                    Err(e) => {
                        assert!(!e.to_string().is_empty());
                        assert_eq!(analysis, before, "a refused observation changed the state: {e}");
                    }
                }
            }
            None if op & 7 == 6 => {
                // A look: verdict and decide agree, and the verdict is well formed.
                looks += 1;
                if looks > 2 {
                    continue;
                }
                let mut twin = analysis.clone();
                let Ok(verdict) = analysis.verdict(t) else {
                    assert!(t < now);
                    continue;
                };
                now = now.max(t);
                assert_eq!(twin.decide(t).unwrap(), verdict.decision);
                for f in &verdict.findings {
                    if let Some(p) = f.p_value {
                        assert!((0.0..=1.0).contains(&p), "{f:?}");
                    }
                    if let Some(e) = f.e_value {
                        assert!(!e.is_nan() && e >= 0.0, "{f:?}");
                    }
                    assert!(!f.margin.is_nan(), "{f:?}");
                    if let Some(iv) = f.interval {
                        assert!(!iv.lower.is_nan() && !iv.upper.is_nan(), "{f:?}");
                        assert!(iv.lower <= iv.upper, "{f:?}");
                    }
                    if f.judgement == Judgement::Pass
                        && let Some(e) = f.estimate
                    {
                        assert!(!e.is_nan(), "{f:?}");
                    }
                    assert!(!f.reason.is_empty(), "{f:?}");
                }
                let _ = verdict.to_string();
            }
            None => {
                // A round trip through JSON: equal, and deciding the same afterwards.
                trips += 1;
                if trips > 1 {
                    continue;
                }
                let json = serde_json::to_string(&analysis).expect("serialises");
                assert!(!json.contains("null"), "{json}");
                let mut loaded: Analysis = serde_json::from_str(&json).expect("reloads");
                assert_eq!(loaded, analysis);
                let mut twin = analysis.clone();
                let t = now;
                assert_eq!(loaded.decide(t).unwrap(), twin.decide(t).unwrap());
            }
        }
    }
}
