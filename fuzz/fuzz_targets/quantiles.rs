//! Arbitrary bytes as histogram buckets, sketch values and samples: quantiles,
//! histograms, sketches and percentile deltas never return NaN or panic.
//! Run: `cargo +nightly fuzz run quantiles`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    canary_judge::fuzzing::quantiles(data);
});
