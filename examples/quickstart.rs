//! A controller replays a recorded 30-minute canary tick by tick through an
//! [`Analysis`] and prints the verdict with every finding explained.
//!
//! The recordings are produced by the committed, deterministic
//! `scripts/gen_quickstart_data.py`:
//! - `examples/data/canary_30min.csv`: one baseline and one canary instance scraped
//!   every 10 s, six gauges (latency p50/p99, error rate, CPU, throughput, GC pauses);
//!   errors and requests per scrape are recovered from the error rate and throughput
//!   and fed as counts with totals;
//! - `examples/data/canary_30min_latency_hist.csv`: a Prometheus request-latency
//!   histogram per arm, one scrape interval's increase per row.
//!
//! Each tick feeds values, counts and histograms for seven metrics and asks for the
//! decision (as a controller would); the anytime checks may stop the canary early,
//! the fixed-horizon ones are read at the end. Run with
//! `cargo run --release --example quickstart`.

use std::collections::BTreeMap;
use std::error::Error;

use canary_judge::input::histogram::ClassicHistogram;
use canary_judge::{
    Analysis, Check, Decision, Direction, EventCounts, Margin, MetricSpec, NonFinite, Observation,
    Plan,
};

const GAUGES: &str = include_str!("data/canary_30min.csv");
const HISTOGRAMS: &str = include_str!("data/canary_30min_latency_hist.csv");

/// (second, arm) → the row's values, in column order.
type Rows<'a> = BTreeMap<(u64, &'a str), Vec<f64>>;

fn gauges() -> Result<(Vec<&'static str>, Rows<'static>), Box<dyn Error>> {
    let mut lines = GAUGES.lines();
    let header: Vec<&str> = lines.next().ok_or("empty recording")?.split(',').collect();
    let mut rows = Rows::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let values = f[2..]
            .iter()
            .map(|v| v.parse::<f64>())
            .collect::<Result<_, _>>()?;
        rows.insert((f[0].parse()?, f[1]), values);
    }
    Ok((header[2..].to_vec(), rows))
}

/// (second, arm) → the histogram of that scrape interval.
type Histograms = BTreeMap<(u64, &'static str), ClassicHistogram>;

fn histograms() -> Result<Histograms, Box<dyn Error>> {
    let mut buckets: BTreeMap<(u64, &str), Vec<(f64, f64)>> = BTreeMap::new();
    for line in HISTOGRAMS.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let le = if f[2] == "+Inf" {
            f64::INFINITY
        } else {
            f[2].parse()?
        };
        buckets
            .entry((f[0].parse()?, f[1]))
            .or_default()
            .push((le, f[3].parse()?));
    }
    buckets
        .into_iter()
        .map(|(k, b)| Ok((k, ClassicHistogram::new(&b)?)))
        .collect()
}

fn main() -> Result<(), Box<dyn Error>> {
    let (names, rows) = gauges()?;
    let hists = histograms()?;
    let column = |name: &str| {
        names
            .iter()
            .position(|n| *n == name)
            .ok_or("no such column")
    };
    let up = Direction::HigherIsWorse;
    let plan = Plan::new(vec![
        MetricSpec::new("latency_p50_ms", [Check::Rank])
            .direction(up)
            .margin(Margin::Relative(0.05)),
        MetricSpec::new("latency_p99_ms", [Check::Rank])
            .direction(up)
            .margin(Margin::Relative(0.05)),
        MetricSpec::new(
            "errors",
            [
                Check::CountRate { canary_share: 0.5 },
                Check::Threshold {
                    min: None,
                    max: Some(0.01),
                },
            ],
        )
        .direction(up)
        .margin(Margin::Relative(0.5)) // a rate ratio up to 1.5 is tolerated
        .required(true),
        MetricSpec::new("cpu_utilization", [Check::Rank])
            .direction(up)
            .margin(Margin::Relative(0.10)),
        MetricSpec::new("throughput_rps", [Check::Rank]).direction(Direction::LowerIsWorse),
        // Two scrapes are missing (NaN): leave them out.
        MetricSpec::new("gc_pause_ms", [Check::Rank]).non_finite(NonFinite::Drop),
        MetricSpec::new(
            "request_latency_ms",
            [
                Check::Rank,
                Check::Percentile { p: 0.99 },
                Check::Quantile {
                    p: 0.99,
                    t_opt: None,
                },
            ],
        )
        .direction(up)
        .margin(Margin::Relative(0.05)),
    ])
    .planned_ticks(180);
    let mut analysis = Analysis::new(plan)?;

    let seconds: Vec<u64> = rows
        .keys()
        .map(|k| k.0)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut first_fail = None;
    for &second in &seconds {
        let (b, c) = (&rows[&(second, "baseline")], &rows[&(second, "canary")]);
        for name in [
            "latency_p50_ms",
            "latency_p99_ms",
            "cpu_utilization",
            "throughput_rps",
            "gc_pause_ms",
        ] {
            let i = column(name)?;
            let obs = Observation::Values {
                baseline: vec![b[i]],
                canary: vec![c[i]],
            };
            analysis.observe(second, name, &obs)?;
        }
        // Requests per scrape = throughput × 10 s; errors = error rate × requests.
        let (rate, rps) = (column("error_rate")?, column("throughput_rps")?);
        let counts = |row: &[f64]| {
            let requests = (row[rps] * 10.0).round() as u64;
            EventCounts::new((row[rate] * requests as f64).round() as u64, requests)
        };
        let errors = Observation::Counts {
            baseline: counts(b)?,
            canary: counts(c)?,
        };
        analysis.observe(second, "errors", &errors)?;
        let latency = Observation::Histograms {
            baseline: hists[&(second, "baseline")].clone(),
            canary: hists[&(second, "canary")].clone(),
        };
        analysis.observe(second, "request_latency_ms", &latency)?;
        if first_fail.is_none() && analysis.decide(second)? == Decision::Fail {
            let failing: Vec<String> = analysis
                .verdict(second)?
                .findings
                .iter()
                .filter(|f| f.judgement.is_fail())
                .map(|f| format!("{} / {}", f.metric, f.check))
                .collect();
            first_fail = Some((second, failing.join(", ")));
        }
    }
    println!(
        "canary analysis: 7 metrics (values, counts with totals, histograms), {} ticks at 10 s",
        seconds.len()
    );
    match first_fail {
        Some((s, which)) => println!(
            "a controller deciding every tick first sees a failure at {}:{:02} ({which});\n\
             only the anytime checks (count rate, quantile) are valid at every look, the\n\
             fixed-horizon ones (rank, percentile) at the planned end\n",
            s / 60,
            s % 60
        ),
        None => println!("no check failed at any tick\n"),
    }
    let end = seconds.last().copied().unwrap_or(0);
    print!("{}", analysis.verdict(end)?);
    Ok(())
}
