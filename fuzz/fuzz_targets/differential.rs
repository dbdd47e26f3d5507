//! Small inputs through the rank test's fast paths and through slow, obviously
//! correct references (pair counts, all differences, enumeration, expanded
//! histograms): any disagreement is a crash.
//! Run: `cargo +nightly fuzz run differential`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    canary_judge::fuzzing::differential(data);
});
