//! Arbitrary bytes loaded as each public state type (byte 0 picks the type, the rest
//! is JSON), then driven: what loads must hold its invariants. The body is shared
//! with the corpus replay in `tests/fuzz_state.rs`.
//! Run: `cargo +nightly fuzz run state`.
#![no_main]

include!("../../tests/fuzz_bodies/state.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzz_state(data);
});
