//! Criterion bench: all tiers (Sloth 30 d and Pyrra 28 d, eight in all) over 30 days
//! of one-minute buckets, including building the series' prefix sums.
//!
//! Run: `cargo bench --bench burn`.

use std::hint::black_box;
use std::time::Duration;

use canary_judge::EventCounts;
use canary_judge::burn::evaluate::{Options, Series, evaluate};
use canary_judge::burn::{Objective, tiers};
use criterion::{Criterion, criterion_group, criterion_main};

fn benches(c: &mut Criterion) {
    let minutes = 30 * 24 * 60;
    let counts: Vec<EventCounts> = (0..minutes)
        .map(|i| {
            let total = 10_000 + (i as u64 * 7919) % 5_000;
            EventCounts::new((i as u64 * 104_729) % 20, total).expect("events below total")
        })
        .collect();
    let slo = Objective::new(0.999).expect("valid objective");
    let mut all = tiers::sloth(tiers::thirty_days()).expect("30 days is a Sloth period");
    all.extend(tiers::pyrra(tiers::twenty_eight_days()));
    c.bench_function("burn/evaluate_8_tiers/30d_minutes", |b| {
        b.iter(|| {
            let series =
                Series::new(Duration::from_secs(60), black_box(&counts)).expect("minute buckets");
            let e =
                evaluate(slo, &all, &series, &Options::default()).expect("whole-minute windows");
            assert_eq!(e.tiers.len(), 8);
            e.highest_firing
        })
    });
}

criterion_group!(burn, benches);
criterion_main!(burn);
