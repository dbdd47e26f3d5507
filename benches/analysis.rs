//! Criterion benches for the Analysis, the road a controller drives:
//!
//! - `analysis/tick/100x1000/*`: 100 metrics × 1,000 ticks, each metric fed every
//!   tick and the decision looked at after every tick (`decide`). `counts`: a rank
//!   check and a count-rate check per metric on event counts (one rate per side per
//!   tick for the rank test); `values`: a rank check and a p90 percentile check per
//!   metric on 10 values per side per tick. Divide the time by 100,000 for the cost
//!   per metric per tick (the target: ≤ 2 µs). `counts/varied_totals`: the
//!   same with totals varying from tick to tick, so the rank check's rates are
//!   nearly all distinct (no grouping of tied values). `counts/rank_only` and
//!   `counts/count_only` run each of the two checks alone on the same data;
//!   `counts/default` runs the default policy's checks
//!   ([`MetricSpec::default_for`], [`Policy::guarded`]) on them.
//!
//! [`MetricSpec::default_for`]: canary_judge::MetricSpec::default_for
//! [`Policy::guarded`]: canary_judge::Policy::guarded
//! - `analysis/verdict/100x1000`: a full verdict with every finding explained
//!   (Hodges–Lehmann intervals, percentile intervals) over 100 metrics holding 1,000
//!   values per side (target: < 50 ms).
//! - `analysis/observe/values10x1000`: 1,000 observations of 10 values per side
//!   into a metric already holding 10^3..10^6 values per side (the incremental rank
//!   sums; 1,000 observations, 10^4 points per side, so that the tail's merges into
//!   the main run, one per about 4√n points, amortise as they do in a long run).
//!   Divide by 1,000 for one observation.
//! - `analysis/observe/load`: one observation of 10^3..10^6 values per side into an
//!   empty metric (a controller loading history): sorted and merged as runs.
//!
//! Run: `cargo bench --bench analysis`.

use std::hint::black_box;

use canary_judge::{Analysis, Check, Direction, EventCounts, MetricSpec, Observation, Plan};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};

/// The crate's seeded generator: the bench data are the same on every run.
type Gen = canary_judge::rng::SplitMix64;

fn plan(metrics: usize, checks: &[Check]) -> Plan {
    Plan::new(
        (0..metrics)
            .map(|i| {
                MetricSpec::new(format!("m{i}"), checks.iter().copied())
                    .direction(Direction::HigherIsWorse)
            })
            .collect(),
    )
    .planned_ticks(1000)
}

/// Pre-drawn observations: ticks × metrics. Each side counts 0..19 events per
/// tick out of 1,000 requests, or, with `varied_totals`, out of 900..1,099 (so the
/// per-tick rates the rank check sees are nearly all distinct instead of 20 values).
fn count_ticks(metrics: usize, ticks: usize, varied_totals: bool) -> Vec<Vec<Observation>> {
    let mut g = Gen::new(1);
    (0..ticks)
        .map(|_| {
            (0..metrics)
                .map(|_| {
                    let side = |g: &mut Gen| {
                        let events = (g.uniform() * 20.0) as u64;
                        let total = if varied_totals {
                            900 + (g.uniform() * 200.0) as u64
                        } else {
                            1000
                        };
                        EventCounts::new(events, total).unwrap()
                    };
                    Observation::Counts {
                        baseline: side(&mut g),
                        canary: side(&mut g),
                    }
                })
                .collect()
        })
        .collect()
}

fn value_ticks(metrics: usize, ticks: usize, per_tick: usize) -> Vec<Vec<Observation>> {
    let mut g = Gen::new(2);
    (0..ticks)
        .map(|_| {
            (0..metrics)
                .map(|_| Observation::Values {
                    baseline: (0..per_tick).map(|_| 100.0 + 20.0 * g.uniform()).collect(),
                    canary: (0..per_tick).map(|_| 100.0 + 20.0 * g.uniform()).collect(),
                })
                .collect()
        })
        .collect()
}

fn run(plan: &Plan, ticks: &[Vec<Observation>], names: &[String]) -> usize {
    let mut a = Analysis::new(plan.clone()).unwrap();
    let mut fails = 0;
    for (t, tick) in ticks.iter().enumerate() {
        for (name, obs) in names.iter().zip(tick) {
            a.observe(t as u64, name, obs).unwrap();
        }
        fails += usize::from(a.decide(t as u64).unwrap() == canary_judge::Decision::Fail);
    }
    fails
}

fn benches(c: &mut Criterion) {
    let (metrics, ticks) = (100, 1000);
    let names: Vec<String> = (0..metrics).map(|i| format!("m{i}")).collect();
    let mut group = c.benchmark_group("analysis/tick");
    group.sample_size(10);
    let counts = count_ticks(metrics, ticks, false);
    let p = plan(
        metrics,
        &[Check::Rank, Check::CountRate { canary_share: 0.5 }],
    );
    group.bench_function("100x1000/counts", |b| {
        b.iter(|| run(black_box(&p), &counts, &names))
    });
    let varied = count_ticks(metrics, ticks, true);
    group.bench_function("100x1000/counts/varied_totals", |b| {
        b.iter(|| run(black_box(&p), &varied, &names))
    });
    for (name, checks) in [
        ("rank_only", vec![Check::Rank]),
        ("count_only", vec![Check::CountRate { canary_share: 0.5 }]),
    ] {
        let p = plan(metrics, &checks);
        group.bench_function(format!("100x1000/counts/{name}"), |b| {
            b.iter(|| run(black_box(&p), &counts, &names))
        });
    }
    // The default policy: the tick-paired checks with tails and the signed-rank test
    // at the planned end, under family-wise control, on the same counts.
    let p = plan(metrics, &[]).policy(canary_judge::Policy::guarded(
        canary_judge::Alpha::FIVE_PERCENT,
    ));
    let p = Plan {
        metrics: p
            .metrics
            .into_iter()
            .map(|m| MetricSpec::default_for(m.name, canary_judge::MetricKind::Count))
            .collect(),
        ..p
    };
    group.bench_function("100x1000/counts/default", |b| {
        b.iter(|| run(black_box(&p), &counts, &names))
    });
    let values = value_ticks(metrics, ticks, 10);
    let p = plan(metrics, &[Check::Rank, Check::Percentile { p: 0.9 }]);
    group.bench_function("100x1000/values", |b| {
        b.iter(|| run(black_box(&p), &values, &names))
    });
    group.finish();

    let mut group = c.benchmark_group("analysis/verdict");
    group.sample_size(10);
    let p = plan(metrics, &[Check::Rank, Check::Percentile { p: 0.9 }]);
    let mut full = Analysis::new(p).unwrap();
    for (t, tick) in value_ticks(metrics, 1, 1000).iter().enumerate() {
        for (name, obs) in names.iter().zip(tick) {
            full.observe(t as u64, name, obs).unwrap();
        }
    }
    group.bench_function("100x1000", |b| {
        b.iter_batched(
            || full.clone(),
            |mut a| a.verdict(1).unwrap(),
            BatchSize::LargeInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("analysis/observe");
    group.sample_size(10);
    for n in [1_000usize, 10_000, 100_000, 1_000_000] {
        let p = plan(1, &[Check::Rank]);
        let mut a = Analysis::new(p).unwrap();
        let mut g = Gen::new(3);
        let mut draw = |k: usize| -> Vec<f64> { (0..k).map(|_| g.uniform()).collect() };
        let first = Observation::Values {
            baseline: draw(n),
            canary: draw(n),
        };
        a.observe(0, "m0", &first).unwrap();
        let batches: Vec<Observation> = (0..1000)
            .map(|_| Observation::Values {
                baseline: draw(10),
                canary: draw(10),
            })
            .collect();
        group.bench_with_input(BenchmarkId::new("values10x1000", n), &n, |b, _| {
            b.iter_batched(
                || a.clone(),
                |mut a| {
                    for obs in &batches {
                        a.observe(1, "m0", black_box(obs)).unwrap();
                    }
                    a
                },
                BatchSize::LargeInput,
            )
        });
        let empty = Analysis::new(plan(1, &[Check::Rank])).unwrap();
        group.bench_with_input(BenchmarkId::new("load", n), &n, |b, _| {
            b.iter_batched(
                || empty.clone(),
                |mut a| {
                    a.observe(0, "m0", black_box(&first)).unwrap();
                    a
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(analysis, benches);
criterion_main!(analysis);
