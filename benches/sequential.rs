//! Criterion benches for the sequential tests: one observation's update (the issue's
//! target is under 50 ns for counts, means and proportions), and one check (e-value,
//! confidence sequence and decision) after 10^3..10^6 observations; for the paired
//! sign test, one tick (update and check) after 10^3..10^6 pairs.
//!
//! Run: `cargo bench --bench sequential`.

use std::hint::black_box;

use canary_judge::sequential::SequentialTest;
use canary_judge::sequential::counts::CountRateTest;
use canary_judge::sequential::means::TTest;
use canary_judge::sequential::proportions::{BernoulliCs, ProportionTest};
use canary_judge::sequential::quantiles::QuantileTest;
use canary_judge::{Direction, EventCounts};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn benches(c: &mut Criterion) {
    let mut counts = CountRateTest::new(0.1, canary_judge::Alpha::FIVE_PERCENT).unwrap();
    let mut i = 0u64;
    c.bench_function("sequential/update/count_rate", |b| {
        b.iter(|| {
            i += 1;
            let canary = u64::from(i.is_multiple_of(10));
            counts
                .update(black_box(1 - canary), black_box(canary))
                .unwrap()
        })
    });
    let mut t = TTest::new(canary_judge::Alpha::FIVE_PERCENT, Direction::HigherIsWorse).unwrap();
    let mut x = 0.0f64;
    c.bench_function("sequential/update/t_test", |b| {
        b.iter(|| {
            x += 0.618_033_988_75;
            let v = x.fract();
            t.update(black_box(&[v]), black_box(&[1.0 - v])).unwrap()
        })
    });
    let mut p = ProportionTest::new(
        canary_judge::Alpha::FIVE_PERCENT,
        0.02,
        Direction::HigherIsWorse,
    )
    .unwrap();
    let (one, zero) = (
        EventCounts::new(1, 1).unwrap(),
        EventCounts::new(0, 1).unwrap(),
    );
    let mut j = 0u32;
    c.bench_function("sequential/update/proportion", |b| {
        b.iter(|| {
            j = j.wrapping_add(1);
            let e = if j.is_multiple_of(7) { one } else { zero };
            p.update(black_box(e), black_box(zero)).unwrap()
        })
    });

    // One latency value per arm into the quantile test's ordered multisets (O(log n)).
    let mut q = QuantileTest::new(
        0.9,
        canary_judge::Alpha::FIVE_PERCENT,
        1000.0,
        Direction::HigherIsWorse,
    )
    .unwrap();
    let mut y = 0.0f64;
    c.bench_function("sequential/update/quantile", |b| {
        b.iter(|| {
            y += 0.618_033_988_75;
            let v = 100.0 * (1.0 + y.fract());
            q.update(black_box(&[v]), black_box(&[v * 1.01])).unwrap()
        })
    });

    let mut group = c.benchmark_group("sequential/check");
    for &n in &[1_000u64, 10_000, 100_000, 1_000_000] {
        let mut counts = CountRateTest::new(0.1, canary_judge::Alpha::FIVE_PERCENT).unwrap();
        counts.update(n * 9 / 10, n / 10 + n / 200).unwrap();
        group.bench_with_input(BenchmarkId::new("count_rate", n), &counts, |b, t| {
            b.iter(|| black_box(t.clone()).check())
        });
        let mut t =
            TTest::new(canary_judge::Alpha::FIVE_PERCENT, Direction::HigherIsWorse).unwrap();
        let vals: Vec<f64> = (0..n).map(|k| ((k * 7919) % 1000) as f64).collect();
        t.update(&vals, &vals).unwrap();
        group.bench_with_input(BenchmarkId::new("t_test", n), &t, |b, t| {
            b.iter(|| black_box(t.clone()).check())
        });
        if n <= 100_000 {
            let mut q = QuantileTest::new(
                0.9,
                canary_judge::Alpha::FIVE_PERCENT,
                1000.0,
                Direction::HigherIsWorse,
            )
            .unwrap();
            let lat: Vec<f64> = (0..n)
                .map(|k| 100.0 + ((k * 7919) % 1000) as f64 / 10.0)
                .collect();
            let slow: Vec<f64> = lat.iter().map(|v| v * 1.01).collect();
            q.update(&lat, &slow).unwrap();
            group.bench_with_input(BenchmarkId::new("quantile", n), &q, |b, t| {
                b.iter(|| black_box(t.clone()).check())
            });
        }
        let mut cs = BernoulliCs::new(
            canary_judge::Alpha::FIVE_PERCENT,
            1000.0,
            0.01,
            Direction::HigherIsWorse,
        )
        .unwrap();
        cs.update(n / 100, n).unwrap();
        group.bench_with_input(BenchmarkId::new("bernoulli_cs", n), &cs, |b, t| {
            b.iter(|| black_box(t.clone()).check())
        });
    }
    group.finish();
}

/// The paired sign test: one tick pair's update plus a check (e-value and the
/// confidence sequence's two binary searches) after 10^3..10^6 pairs.
fn paired(c: &mut Criterion) {
    use canary_judge::sequential::paired::SignTest;
    let mut group = c.benchmark_group("sequential/paired_tick");
    for n in [1_000usize, 10_000, 100_000, 1_000_000] {
        let mut g = canary_judge::rng::SplitMix64::new(3);
        let mut t =
            SignTest::new(canary_judge::Alpha::FIVE_PERCENT, Direction::HigherIsWorse).unwrap();
        let b: Vec<f64> = (0..n).map(|_| g.normal()).collect();
        let c2: Vec<f64> = (0..n).map(|_| g.normal()).collect();
        t.update(&b, &c2).unwrap();
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |bench, _| {
            bench.iter(|| {
                let (x, y) = (g.normal(), g.normal());
                t.update(black_box(&[x]), black_box(&[y])).unwrap();
                t.check().log_e_value
            })
        });
    }
    group.finish();
}

criterion_group!(sequential_benches, benches, paired);
criterion_main!(sequential_benches);
