//! Arbitrary update sequences for every sequential test: no panic, no NaN, p-values
//! in [0, 1], and a rejected update leaves the state unchanged.
//! Run: `cargo +nightly fuzz run sequential`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    canary_judge::fuzzing::sequential(data);
});
