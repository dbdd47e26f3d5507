//! Arbitrary bytes as two samples plus options: no panic, no NaN in any result.
//! Run: `cargo +nightly fuzz run mann_whitney` (or `-s none` on stable).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    canary_judge::fuzzing::mann_whitney(data);
});
