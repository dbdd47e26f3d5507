//! Why peeking at a fixed-horizon test fails, and what anytime-valid tests do instead.
//!
//! 100 A/A canaries (baseline and canary identical: log-normal latencies), each
//! watched up to 10 000 observations per arm with a look every 100. At every look:
//! - the fixed-horizon Mann–Whitney test (p < 0.05 → "fail the canary"), as a
//!   controller re-running Kayenta's judgement would do;
//! - the sequential t-test and the sequential p50 test from `canary_judge::sequential`.
//!
//! Run: `cargo run --release --example peeking`. Netflix reported 66 of 100 false
//! rejections for repeated Mann–Whitney on A/A data; the sequential tests stay near or
//! below 5 of 100 however often they look.

use canary_judge::compare::MannWhitney;
use canary_judge::rng::SplitMix64;
use canary_judge::sequential::means::TTest;
use canary_judge::sequential::quantiles::QuantileTest;
use canary_judge::sequential::{SequentialTest, Signal};
use canary_judge::{Direction, Sample};

/// A log-normal latency in ms from the crate's seeded generator.
fn latency(rng: &mut SplitMix64) -> f64 {
    100.0 * (0.5 * rng.normal()).exp()
}

fn main() -> Result<(), canary_judge::Error> {
    let (runs, max_n, every) = (100, 10_000, 100);
    let mut rng = SplitMix64::new(0x5eed_0a0a_2026_1125);
    let test = MannWhitney::new().test_only();
    let (mut peeking, mut sequential_t, mut sequential_p50) = (0, 0, 0);
    for _ in 0..runs {
        let (mut baseline, mut canary) = (Vec::new(), Vec::new());
        let mut t = TTest::new(canary_judge::Alpha::FIVE_PERCENT, Direction::Either)?;
        let mut q = QuantileTest::new(
            0.5,
            canary_judge::Alpha::FIVE_PERCENT,
            1000.0,
            Direction::Either,
        )?;
        let (mut mw_hit, mut t_hit, mut q_hit) = (false, false, false);
        while baseline.len() < max_n {
            let b: Vec<f64> = (0..every).map(|_| latency(&mut rng)).collect();
            let c: Vec<f64> = (0..every).map(|_| latency(&mut rng)).collect();
            t.update(&b, &c)?;
            q.update(&b, &c)?;
            baseline.extend(b);
            canary.extend(c);
            let r = test.compare(
                &Sample::new(baseline.clone())?,
                &Sample::new(canary.clone())?,
            )?;
            mw_hit |= r.p_value < 0.05;
            t_hit |= t.check().decision == Signal::Reject;
            q_hit |= q.check().decision == Signal::Reject;
        }
        peeking += usize::from(mw_hit);
        sequential_t += usize::from(t_hit);
        sequential_p50 += usize::from(q_hit);
    }
    println!(
        "A/A canaries falsely failed, out of {runs} (a look every {every} points, up to {max_n} per arm):"
    );
    println!("  Mann-Whitney re-run at every look: {peeking:>3}");
    println!("  sequential t-test:                 {sequential_t:>3}");
    println!("  sequential p50 test:               {sequential_p50:>3}");
    Ok(())
}
