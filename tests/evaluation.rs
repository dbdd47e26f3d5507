//! The default policy's guarantees on canaries cut from real recorded server metrics
//! (`tests/data/nab`, see its README), each checked after every tick as a controller
//! would: false fails on A/A splits at or below α overall and for every kind of
//! metric, and detection close to the fixed-horizon Mann–Whitney test at its final
//! look. The full table is `cargo run --release --example evaluate`.

mod common;

#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/evaluate.rs"]
mod evaluate;

use std::path::Path;

use canary_judge::Alpha;
use corpus::{Kind, Scenario};
use evaluate::{Method, Rate};

fn series() -> Vec<corpus::Series> {
    corpus::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nab"))
}

#[test]
fn the_corpus_covers_every_kind_and_scenario() {
    let s = series();
    assert_eq!(s.len(), 11);
    let canaries = corpus::corpus(&s, &[30, 1000], 1, 1);
    for kind in [Kind::Latency, Kind::Cpu, Kind::Bytes, Kind::Count] {
        for scenario in [
            Scenario::SplitAa,
            Scenario::AdjacentAa,
            Scenario::Onset(1.25),
        ] {
            for n in [30, 1000] {
                assert!(
                    canaries
                        .iter()
                        .any(|c| c.kind == kind && c.scenario == scenario && c.ticks() == n),
                    "{kind:?} {scenario:?} {n}"
                );
            }
        }
    }
    // A split keeps every point of its stretch, one per side per tick.
    let c = corpus::cut(&s[0], Scenario::SplitAa, 50, &mut common::Rng::new(3)).unwrap();
    let mut both: Vec<f64> = c.baseline.iter().chain(&c.canary).copied().collect();
    both.sort_by(f64::total_cmp);
    let start = s[0].values.windows(100).position(|w| {
        let mut w = w.to_vec();
        w.sort_by(f64::total_cmp);
        w == both
    });
    assert!(start.is_some());
    // Regressions change only the canary.
    let mut rng = common::Rng::new(3);
    let a = corpus::cut(&s[0], Scenario::SplitAa, 50, &mut rng.clone()).unwrap();
    let b = corpus::cut(&s[0], Scenario::Scale(1.25), 50, &mut rng).unwrap();
    assert_eq!(a.baseline, b.baseline);
    assert!(
        a.canary
            .iter()
            .zip(&b.canary)
            .all(|(x, y)| (x * 1.25 - y).abs() < 1e-9)
    );
}

#[test]
fn default_policy_false_fails_on_a_a_splits_stay_at_alpha() {
    let alpha = Alpha::FIVE_PERCENT;
    let s = series();
    let canaries: Vec<_> = corpus::corpus(&s, &[30, 100, 300, 1000], 8, 0x00e1_a001)
        .into_iter()
        .filter(|c| c.scenario == Scenario::SplitAa)
        .collect();
    let mut all = Rate { hits: 0, of: 0 };
    for kind in [Kind::Latency, Kind::Cpu, Kind::Bytes, Kind::Count] {
        let mut rate = Rate { hits: 0, of: 0 };
        for c in canaries.iter().filter(|c| c.kind == kind) {
            rate.of += 1;
            rate.hits += evaluate::run(Method::Default, c, alpha).is_some() as usize;
        }
        // Not significantly above α: the Wilson interval's lower end stays below it.
        assert!(rate.wilson().0 <= alpha.get(), "{kind:?}: {rate}");
        all.hits += rate.hits;
        all.of += rate.of;
    }
    assert!(all.of >= 300, "{all}");
    assert!(all.share() <= alpha.get(), "{all}");
}

#[test]
fn default_policy_detects_nearly_as_much_as_the_final_rank_test() {
    let alpha = Alpha::FIVE_PERCENT;
    let s = series();
    let canaries: Vec<_> = corpus::corpus(&s, &[30, 100, 300, 1000], 2, 0x00e1_a002)
        .into_iter()
        .filter(|c| !c.scenario.is_null())
        .collect();
    let detected = |m: Method| {
        canaries
            .iter()
            .filter(|c| evaluate::run(m, c, alpha).is_some())
            .count()
    };
    let (ours, rank) = (detected(Method::Default), detected(Method::RankFinal));
    let n = canaries.len() as f64;
    assert!(
        ours as f64 / n >= rank as f64 / n - 0.05,
        "default {ours}, final Mann-Whitney {rank} of {n}"
    );
}
