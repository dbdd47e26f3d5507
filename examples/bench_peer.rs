//! Timing helper for `scripts/bench-vs-peers`: reads `baseline_N.f64` and
//! `canary_N.f64` (little-endian f64) from a directory and prints the best-of-k wall
//! time of each operation as `N operation seconds` lines.
//!
//! Usage: `cargo run --release --example bench_peer -- DIR N [N ...]`

use std::error::Error;
use std::hint::black_box;
use std::time::Instant;

use canary_judge::Direction;
use canary_judge::Sample;
use canary_judge::compare::quantile::{QuantileMethod, quantile};
use canary_judge::compare::{MannWhitney, Method};
use canary_judge::sequential::counts::CountRateTest;
use canary_judge::sequential::means::TTest;
use canary_judge::sequential::quantiles::QuantileTest;
use canary_judge::sequential::{SequentialTest, Sidedness};

fn read(path: &str) -> Result<Vec<f64>, Box<dyn Error>> {
    let bytes = std::fs::read(path)?;
    Ok(bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect())
}

fn best<T>(reps: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().ok_or("usage: bench_peer DIR N [N ...]")?;
    for n in &args[1..] {
        let b = Sample::new(read(&format!("{dir}/baseline_{n}.f64"))?)?;
        let c = Sample::new(read(&format!("{dir}/canary_{n}.f64"))?)?;
        let reps = if n.len() >= 7 { 3 } else { 10 };
        let pooled: Vec<f64> = b.values().iter().chain(c.values()).copied().collect();
        let sort = best(reps, || {
            let mut v = pooled.clone();
            v.sort_unstable_by(f64::total_cmp);
            v[0]
        });
        let test = MannWhitney::new().method(Method::Asymptotic).test_only();
        let u_p = best(reps, || test.compare(&b, &c).map(|r| r.p_value));
        let hl = MannWhitney::new()
            .method(Method::Asymptotic)
            .confidence_level(0.95);
        let hl_ci = best(reps, || hl.compare(&b, &c).map(|r| r.shift));
        let q99 = best(reps, || quantile(&b, 0.99, QuantileMethod::Linear));
        println!("{n} quantile_p99 {q99:.6e}");
        println!(
            "{n} quantile_value {:.17e}",
            quantile(&b, 0.99, QuantileMethod::Linear)?.unwrap_or(0.0)
        );
        let r = hl.compare(&b, &c)?;
        println!("{n} sort_pooled {sort:.6e}");
        println!("{n} u_p {u_p:.6e}");
        println!("{n} hl_ci {hl_ci:.6e}");
        println!("{n} p_value {:.17e}", r.p_value);
        let iv = r.interval.ok_or("no interval")?;
        println!("{n} ci {:.17e} {:.17e}", iv.lower, iv.upper);
        // Sequential streams: one update and one check per event / per pair.
        if let Ok(labels) = std::fs::read(format!("{dir}/events_{n}.u8")) {
            let mut log_e = 0.0;
            let t = best(3, || {
                let mut test = CountRateTest::builder(0.5)
                    .alternative(Sidedness::TwoSided)
                    .build()?;
                for &l in &labels {
                    test.update(u64::from(l == 0), u64::from(l == 1))?;
                    log_e = test.check().log_e_value;
                }
                Ok::<(), canary_judge::Error>(())
            });
            println!("{n} seq_counts {t:.6e} {log_e:.17e}");
            let mut log_e = 0.0;
            let t = best(3, || {
                let mut test = TTest::builder(Direction::Either).effect_size(1.0).build()?;
                for (x, y) in b.values().iter().zip(c.values()) {
                    test.update(&[*x], &[*y])?;
                    log_e = test.check().log_e_value;
                }
                Ok::<(), canary_judge::Error>(())
            });
            println!("{n} seq_t {t:.6e} {log_e:.17e}");
            // One p90 two-sample check over all values (as confseq's quantile_ab_p_value).
            let mut q = QuantileTest::new(
                0.9,
                canary_judge::Alpha::FIVE_PERCENT,
                1000.0,
                Direction::Either,
            )?;
            let mut p_value = 1.0;
            let t = best(3, || {
                q = QuantileTest::new(
                    0.9,
                    canary_judge::Alpha::FIVE_PERCENT,
                    1000.0,
                    Direction::Either,
                )?;
                q.update(b.values(), c.values())?;
                p_value = q.check().p_value;
                Ok::<(), canary_judge::Error>(())
            });
            println!("{n} seq_quantile {t:.6e} {p_value:.17e}");
        }
    }
    Ok(())
}
