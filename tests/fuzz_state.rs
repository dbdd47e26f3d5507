//! Replays the committed corpus of the `state` fuzz target (arbitrary bytes loaded
//! as each public state type, then driven); see `tests/fuzz_bodies/state.rs`. The
//! corpus lives in the repository's `fuzz/` crate, which the published package
//! cannot contain: there this test says so and skips.

#![cfg(feature = "serde")]

include!("fuzz_bodies/state.rs");

#[test]
fn replay_state_corpus() {
    let root = env!("CARGO_MANIFEST_DIR");
    if !std::path::Path::new(&format!("{root}/fuzz")).exists() {
        eprintln!("skipping the state corpus replay: this is the packaged crate, without fuzz/");
        return;
    }
    let mut n = 0;
    for entry in std::fs::read_dir(format!("{root}/fuzz/corpus/state")).expect("corpus") {
        fuzz_state(&std::fs::read(entry.unwrap().path()).unwrap());
        n += 1;
    }
    assert!(n >= 14, "state corpus has {n} files");
}

/// Writes one valid seed per state type into `fuzz/corpus/state` (run by hand with
/// `cargo test --test fuzz_state -- --ignored`; the seeds are committed).
#[test]
#[ignore]
fn write_state_seeds() {
    use canary_judge::burn::Objective;
    use canary_judge::input::histogram::{ClassicHistogram, ExponentialHistogram};
    use canary_judge::input::sketch::Sketch;
    use canary_judge::sequential::SequentialTest;
    use canary_judge::sequential::counts::CountRateTest;
    use canary_judge::sequential::means::{NormalMsprt, TTest, Variance};
    use canary_judge::sequential::proportions::{BernoulliCs, ProportionTest};
    use canary_judge::sequential::quantiles::QuantileTest;
    use canary_judge::sequential::sprt::{GammaPoisson, Hypotheses, Sprt};
    use canary_judge::{Direction, EventCounts, Sample};
    let up = Direction::HigherIsWorse;
    let mut seeds: Vec<(u8, String)> = Vec::new();
    let mut add = |kind: u8, json: String| seeds.push((kind, json));
    add(
        0,
        serde_json::to_string(&Objective::new(0.999).unwrap()).unwrap(),
    );
    let mut c = CountRateTest::new(0.1, canary_judge::Alpha::FIVE_PERCENT).unwrap();
    c.update(100, 20).unwrap();
    c.check();
    add(1, serde_json::to_string(&c).unwrap());
    let mut q = QuantileTest::new(0.9, canary_judge::Alpha::FIVE_PERCENT, 100.0, up).unwrap();
    q.update(&[1.0, 2.0, 3.0], &[2.0, 4.0]).unwrap();
    q.check();
    add(2, serde_json::to_string(&q).unwrap());
    let mut b = QuantileTest::with_buckets(
        0.9,
        canary_judge::Alpha::FIVE_PERCENT,
        100.0,
        up,
        &[1.0, f64::INFINITY],
    )
    .unwrap();
    b.update_buckets(&[3, 1], &[1, 3]).unwrap();
    add(2, serde_json::to_string(&b).unwrap());
    let mut t = TTest::new(canary_judge::Alpha::FIVE_PERCENT, up).unwrap();
    t.update(&[1.0, 2.0], &[3.0, 4.0]).unwrap();
    add(3, serde_json::to_string(&t).unwrap());
    let known = Variance::Known {
        baseline: 1.0,
        canary: 2.0,
    };
    let mut m = NormalMsprt::new(canary_judge::Alpha::FIVE_PERCENT, 0.5, known, up).unwrap();
    m.update(&[1.0], &[2.0]).unwrap();
    add(4, serde_json::to_string(&m).unwrap());
    let mut p = ProportionTest::new(canary_judge::Alpha::FIVE_PERCENT, 0.1, up).unwrap();
    p.update(
        EventCounts::new(1, 10).unwrap(),
        EventCounts::new(2, 10).unwrap(),
    )
    .unwrap();
    add(5, serde_json::to_string(&p).unwrap());
    let mut bc = BernoulliCs::new(canary_judge::Alpha::FIVE_PERCENT, 100.0, 0.01, up).unwrap();
    bc.update(1, 50).unwrap();
    add(6, serde_json::to_string(&bc).unwrap());
    for h in [
        Hypotheses::Bernoulli { p0: 0.01, p1: 0.02 },
        Hypotheses::Poisson {
            lambda0: 1.0,
            lambda1: 2.0,
        },
        Hypotheses::RateRatio {
            canary_share: 0.1,
            ratio: 2.0,
        },
    ] {
        add(
            7,
            serde_json::to_string(&Sprt::new(h, canary_judge::Alpha::FIVE_PERCENT, 0.1).unwrap())
                .unwrap(),
        );
    }
    let mut g = GammaPoisson::new(1.0, canary_judge::Alpha::FIVE_PERCENT).unwrap();
    g.update(3, 2.0).unwrap();
    add(8, serde_json::to_string(&g).unwrap());
    let h = ClassicHistogram::new(&[(0.1, 3.0), (1.0, 5.0), (f64::INFINITY, 6.0)]).unwrap();
    add(9, serde_json::to_string(&h).unwrap());
    let e = ExponentialHistogram::new(3, 2, -4, vec![1, 2, 3], 0, vec![1])
        .unwrap()
        .with_zero_threshold(1e-9)
        .unwrap();
    add(10, serde_json::to_string(&e).unwrap());
    let mut s = Sketch::new(0.01).unwrap();
    for v in [0.5, 1.0, -2.0, 0.0, 100.0] {
        s.insert(v);
    }
    add(11, serde_json::to_string(&s).unwrap());
    add(
        12,
        serde_json::to_string(&Sample::new([1.0, 2.5]).unwrap()).unwrap(),
    );
    add(
        13,
        serde_json::to_string(&EventCounts::new(3, 7).unwrap()).unwrap(),
    );
    let dir = format!("{}/fuzz/corpus/state", env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, (kind, json)) in seeds.iter().enumerate() {
        let mut bytes = vec![*kind];
        bytes.extend_from_slice(json.as_bytes());
        fuzz_state(&bytes);
        std::fs::write(format!("{dir}/seed-{i:02}"), bytes).unwrap();
    }
}
