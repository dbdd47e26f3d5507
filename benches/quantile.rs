//! Criterion benches for one quantile at 10^3..10^6 values, against the floor the
//! issue names: copying the values and one `select_nth_unstable_by`.
//!
//! Run: `cargo bench --bench quantile`.

use std::hint::black_box;

use canary_judge::Sample;
use canary_judge::compare::MannWhitney;
use canary_judge::compare::histogram::mann_whitney;
use canary_judge::compare::quantile::{QuantileMethod, percentile_delta, quantile, quantiles};
use canary_judge::input::histogram::ClassicHistogram;
use canary_judge::input::sketch::Sketch;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// Deterministic values spread over four orders of magnitude (e^(4u)).
fn values(n: usize) -> Vec<f64> {
    let mut g = canary_judge::rng::SplitMix64::new(0x9E37_79B9_7F4A_7C15);
    (0..n).map(|_| (g.uniform() * 4.0).exp()).collect()
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("quantile");
    for &n in &[1_000usize, 10_000, 100_000, 1_000_000] {
        let v = values(n);
        let sample = Sample::new(v.iter().copied()).unwrap();
        let k = (0.99 * (n - 1) as f64) as usize;
        group.bench_with_input(BenchmarkId::new("select_nth_floor", n), &v, |b, v| {
            b.iter(|| {
                let mut w = v.clone();
                *w.select_nth_unstable_by(k, f64::total_cmp).1
            })
        });
        group.bench_with_input(BenchmarkId::new("p99_linear", n), &sample, |b, s| {
            b.iter(|| quantile(black_box(s), 0.99, QuantileMethod::Linear).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("five_quantiles", n), &sample, |b, s| {
            b.iter(|| {
                quantiles(
                    black_box(s),
                    &[0.5, 0.9, 0.95, 0.99, 0.999],
                    QuantileMethod::Linear,
                )
                .unwrap()
            })
        });
        // p99 delta with 95% intervals: one multi-selection per side.
        let shifted = Sample::new(v.iter().map(|x| x * 1.05)).unwrap();
        group.bench_with_input(
            BenchmarkId::new("p99_delta_ci95", n),
            &(&sample, &shifted),
            |b, (s, t)| {
                b.iter(|| percentile_delta(black_box(*s), black_box(*t), 0.99, 0.95).unwrap())
            },
        );
    }
    group.finish();

    // 100-bucket Prometheus histograms.
    let hist = |shift: f64| {
        let mut total = 0.0;
        let mut buckets: Vec<(f64, f64)> = (1..100)
            .map(|i| {
                total += (1000.0 * (-(i as f64 - 30.0 - shift).powi(2) / 200.0).exp()).round();
                (0.001 * 1.1f64.powi(i), total)
            })
            .collect();
        buckets.push((f64::INFINITY, total + 5.0));
        ClassicHistogram::new(&buckets).unwrap()
    };
    let (base, canary) = (hist(0.0), hist(2.0));
    c.bench_function("histogram/quantile_p99/100_buckets", |b| {
        b.iter(|| black_box(&base).quantile(0.99).unwrap())
    });
    // One sketch insert (latency-like values, α = 1%).
    let latencies = values(4096);
    let mut sketch = Sketch::new(0.01).unwrap();
    let mut i = 0usize;
    c.bench_function("sketch/insert", |b| {
        b.iter(|| {
            sketch.insert(black_box(latencies[i & 4095]));
            i += 1;
        })
    });
    c.bench_function("histogram/p99_delta_ci95/100_buckets", |b| {
        b.iter(|| percentile_delta(black_box(&base), black_box(&canary), 0.99, 0.95).unwrap())
    });
    let mut sketch_b = Sketch::new(0.01).unwrap();
    let mut sketch_c = Sketch::new(0.01).unwrap();
    for (k, &x) in values(100_000).iter().enumerate() {
        sketch_b.insert(x);
        sketch_c.insert(x * if k % 2 == 0 { 1.05 } else { 1.0 });
    }
    c.bench_function("sketch/p99_delta_ci95/100k_values", |b| {
        b.iter(|| percentile_delta(black_box(&sketch_b), black_box(&sketch_c), 0.99, 0.95).unwrap())
    });
    let test = MannWhitney::new();
    c.bench_function("histogram/mann_whitney/100_buckets", |b| {
        b.iter(|| {
            mann_whitney(black_box(&base), black_box(&canary), &test)
                .unwrap()
                .p_value
        })
    });
}

criterion_group!(quantile_benches, benches);
criterion_main!(quantile_benches);
