//! Arbitrary bytes as an objective, bucket counts and counter samples: every
//! burn-rate function returns a finite number, no data or an error.
//! Run: `cargo +nightly fuzz run burn`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    canary_judge::fuzzing::burn(data);
});
