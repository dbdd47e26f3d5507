//! Judge a recorded 30-minute canary and print the verdict table.
//!
//! The recording (`examples/data/canary_30min.csv`) is produced by the committed,
//! deterministic `scripts/gen_quickstart_data.py`: one baseline and one canary
//! instance scraped every 10 s, six metrics. Run with
//! `cargo run --release --example quickstart`.

use std::collections::BTreeMap;
use std::error::Error;

use canary_judge::{Direction, Margin, Metric, NonFinite, Policy, Sample};

const DATA: &str = include_str!("data/canary_30min.csv");

fn main() -> Result<(), Box<dyn Error>> {
    // Parse the CSV: columns are second, arm, then one column per metric.
    let mut lines = DATA.lines();
    let header: Vec<&str> = lines.next().ok_or("empty recording")?.split(',').collect();
    let names = &header[2..];
    let mut columns: BTreeMap<(&str, &str), Vec<f64>> = BTreeMap::new();
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        let arm = fields[1];
        for (name, raw) in names.iter().zip(&fields[2..]) {
            columns
                .entry((arm, name))
                .or_default()
                .push(raw.parse::<f64>()?);
        }
    }
    let sample = |arm: &str, name: &str| -> Result<Sample, canary_judge::Error> {
        // Missing scrapes are recorded as NaN: leave them out.
        Sample::with_policy(columns[&(arm, name)].iter().copied(), NonFinite::Drop)
    };
    let metric = |name: &str| -> Result<Metric, canary_judge::Error> {
        Ok(Metric::new(
            name,
            sample("baseline", name)?,
            sample("canary", name)?,
        ))
    };

    let metrics = [
        metric("latency_p50_ms")?
            .direction(Direction::HigherIsWorse)
            .margin(Margin::Relative(0.05)),
        metric("latency_p99_ms")?
            .direction(Direction::HigherIsWorse)
            .margin(Margin::Relative(0.05)),
        metric("error_rate")?
            .direction(Direction::HigherIsWorse)
            .required(true),
        metric("cpu_utilization")?
            .direction(Direction::HigherIsWorse)
            .margin(Margin::Relative(0.10)),
        metric("throughput_rps")?.direction(Direction::LowerIsWorse),
        metric("gc_pause_ms")?,
    ];

    let verdict = Policy::default().judge(&metrics)?;
    println!(
        "canary analysis: {} metrics, 30 minutes at 10 s resolution\n",
        metrics.len()
    );
    print!("{verdict}");
    Ok(())
}
