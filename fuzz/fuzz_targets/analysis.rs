//! The Analysis driven by arbitrary observation sequences, looks and JSON round
//! trips: refused calls change nothing, verdicts are well formed and agree with
//! `decide`. The body is shared with the corpus replay in `tests/fuzz_analysis.rs`.
//! Run: `cargo +nightly fuzz run -s none analysis`.
#![no_main]

include!("../../tests/fuzz_bodies/analysis.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzz_analysis(data);
});
