//! Replays the committed corpus of the `analysis` fuzz target (a plan with every kind
//! of check driven by arbitrary observation sequences, looks and JSON round trips);
//! see `tests/fuzz_bodies/analysis.rs`. The corpus lives in the repository's `fuzz/`
//! crate, which the published package cannot contain: there this test says so and
//! skips. A fixed set of generated sequences runs everywhere.

#![cfg(feature = "serde")]

include!("fuzz_bodies/analysis.rs");

#[test]
fn replay_analysis_corpus() {
    let root = env!("CARGO_MANIFEST_DIR");
    if !std::path::Path::new(&format!("{root}/fuzz")).exists() {
        eprintln!("skipping the analysis corpus replay: this is the packaged crate, without fuzz/");
        return;
    }
    let mut n = 0;
    for entry in std::fs::read_dir(format!("{root}/fuzz/corpus/analysis")).expect("corpus") {
        fuzz_analysis(&std::fs::read(entry.unwrap().path()).unwrap());
        n += 1;
    }
    assert!(n >= 10, "analysis corpus has {n} files");
}

/// Pseudo-random byte strings through the same body, so the packaged crate exercises
/// it too (SplitMix64, fixed seeds).
#[test]
fn generated_sequences() {
    let mut g = canary_judge::rng::SplitMix64::new(0x5eed);
    let mut byte = || g.next_u64() as u8;
    for len in (0..2000).map(|i| 3 + i % 300) {
        let data: Vec<u8> = (0..len).map(|_| byte()).collect();
        fuzz_analysis(&data);
    }
}
