//! Criterion benches for the Mann–Whitney hot paths at 10^3..10^6 points per side.
//!
//! `sort/pooled/N` is the floor the issue measures against: sorting the pooled 2N
//! values once with `sort_unstable_by(f64::total_cmp)`.
//!
//! `signed_rank/asymptotic/N` is the Wilcoxon signed-rank test on N paired
//! differences (one sort of |d|); `signed_rank/exact/N` its exact p-value without
//! ties at N = 100, 300, 1000 (the distribution summed up to the observed tail).
//!
//! Run: `cargo bench --bench mann_whitney` (add `-- mwu/u_p` to filter).

use std::hint::black_box;

use canary_judge::Sample;
use canary_judge::compare::{Alternative, MannWhitney, Method};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// Deterministic log-normal latencies (the crate's seeded generator), no ties in
/// practice.
fn latencies(n: usize, seed: u64, scale: f64) -> Vec<f64> {
    let mut g = canary_judge::rng::SplitMix64::new(seed);
    (0..n)
        .map(|_| scale * (3.0 + 0.5 * g.normal()).exp())
        .collect()
}

fn benches(c: &mut Criterion) {
    for &n in &[1_000usize, 10_000, 100_000, 1_000_000] {
        let baseline = Sample::new(latencies(n, 1, 1.0)).unwrap();
        let canary = Sample::new(latencies(n, 2, 1.02)).unwrap();
        let mut group = c.benchmark_group("mwu");
        if n >= 100_000 {
            group.sample_size(10);
        }
        let pooled: Vec<f64> = baseline
            .values()
            .iter()
            .chain(canary.values())
            .copied()
            .collect();
        group.bench_with_input(BenchmarkId::new("sort_pooled", n), &pooled, |b, p| {
            b.iter(|| {
                let mut v = p.clone();
                v.sort_unstable_by(f64::total_cmp);
                black_box(v[v.len() / 2])
            })
        });
        let test = MannWhitney::new()
            .alternative(Alternative::Greater)
            .method(Method::Asymptotic)
            .test_only();
        group.bench_with_input(BenchmarkId::new("u_p", n), &n, |b, _| {
            b.iter(|| {
                let r = test
                    .compare(black_box(&baseline), black_box(&canary))
                    .unwrap();
                assert!(r.p_value <= 1.0);
                r.p_value
            })
        });
        let test = MannWhitney::new()
            .method(Method::Asymptotic)
            .confidence_level(0.95);
        group.bench_with_input(BenchmarkId::new("hl_ci95", n), &n, |b, _| {
            b.iter(|| {
                let r = test
                    .compare(black_box(&baseline), black_box(&canary))
                    .unwrap();
                assert!(r.interval.is_some());
                r.shift.unwrap()
            })
        });
        group.finish();
    }
    // The exact path at the largest size Auto still picks, and beyond.
    let mut group = c.benchmark_group("mwu_exact");
    for &n in &[50usize, 100, 300] {
        let baseline = Sample::new(latencies(n, 3, 1.0)).unwrap();
        let canary = Sample::new(latencies(n, 4, 1.0)).unwrap();
        let test = MannWhitney::new().method(Method::Exact);
        group.bench_with_input(BenchmarkId::new("p_ci95", n), &n, |b, _| {
            b.iter(|| {
                test.compare(black_box(&baseline), black_box(&canary))
                    .unwrap()
                    .p_value
            })
        });
    }
    group.finish();
}

fn signed_rank(c: &mut Criterion) {
    use canary_judge::compare::signed_rank::SignedRank;
    let mut group = c.benchmark_group("signed_rank");
    for n in [1_000usize, 10_000, 100_000, 1_000_000] {
        let (b, c2) = (latencies(n, 11, 1.0), latencies(n, 12, 1.02));
        let d: Vec<f64> = c2.iter().zip(&b).map(|(x, y)| x - y).collect();
        let test = SignedRank::new()
            .alternative(Alternative::Greater)
            .method(Method::Asymptotic);
        group.bench_with_input(BenchmarkId::new("asymptotic", n), &d, |bench, d| {
            bench.iter(|| test.test(black_box(d)).unwrap().p_value)
        });
    }
    for n in [100usize, 300, 1_000] {
        let (b, c2) = (latencies(n, 13, 1.0), latencies(n, 14, 1.05));
        let d: Vec<f64> = c2.iter().zip(&b).map(|(x, y)| x - y).collect();
        let test = SignedRank::new().method(Method::Exact);
        group.bench_with_input(BenchmarkId::new("exact", n), &d, |bench, d| {
            bench.iter(|| test.test(black_box(d)).unwrap().p_value)
        });
    }
    group.finish();
}

criterion_group!(mann_whitney, benches, signed_rank);
criterion_main!(mann_whitney);
