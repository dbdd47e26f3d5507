//! The default policy against fixed-horizon Mann–Whitney, Mann–Whitney re-run every
//! tick, and Kayenta's judge on a growing window, on canaries cut from real recorded
//! server metrics (`tests/data/nab`, MIT), every canary checked after every tick.
//!
//! Run: `cargo run --release --example evaluate [reps [seed]]` (default 10 canaries per
//! series, scenario and size; about 20 s; the README's table is `evaluate 100`, about
//! four minutes, whose per-kind A/A rates rest on 400 to 2,700 canaries). Prints, per group of scenarios and kind
//! of metric, each method's fail rate with its Wilson 95% interval, then the median
//! and p90 delay (ticks from the regression's onset to the failing look).

#[path = "../tests/common/corpus.rs"]
mod corpus;
#[path = "../tests/common/evaluate.rs"]
mod evaluate;

use std::collections::BTreeMap;
use std::path::Path;

use canary_judge::Alpha;
use corpus::Scenario;
use evaluate::{Method, Rate, quantile};

/// One method's results on one group of canaries.
#[derive(Default)]
struct Cell {
    failed: usize,
    canaries: usize,
    delays: Vec<usize>,
}

const GROUPS: [&str; 5] = [
    "A/A split (false fails)",
    "A/A adjacent (false fails)",
    "regressions (detected)",
    "heavier tails (detected)",
    "heavier tails, n >= 300 (detected)",
];

/// The methods compared: the default, the three baselines, and the default's
/// looks with relative margins (for adjacent windows, which are not exchangeable).
const METHODS: [Method; 11] = [
    Method::Default,
    Method::RankFinal,
    Method::RankEveryTick,
    Method::KayentaGrowing,
    Method::DefaultWithMargin(5),
    Method::DefaultWithMargin(10),
    Method::DefaultWithMargin(20),
    Method::DefaultWithMarginFrom(5, 80),
    Method::DefaultWithMarginFrom(1, 100),
    Method::RankFinalWithMargin(5),
    Method::CountRateEveryTick,
];

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    let alpha = Alpha::FIVE_PERCENT;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nab");
    let series = corpus::load(&dir);
    let sizes = [30, 100, 300, 1000];
    let seed: u64 = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0x00c0_ffee_2026_1201);
    let canaries = corpus::corpus(&series, &sizes, reps, seed);
    println!(
        "{} canaries from {} series, {:?} ticks per canary (one point per side per tick), \
         {reps} per series, scenario and size; alpha {} per canary",
        canaries.len(),
        series.len(),
        sizes,
        alpha.get()
    );
    // (group, kind) -> one cell per method
    let mut table: BTreeMap<(usize, &str), Vec<Cell>> = BTreeMap::new();
    for c in &canaries {
        let mut groups = vec![match c.scenario {
            Scenario::SplitAa => 0,
            Scenario::AdjacentAa => 1,
            Scenario::Tail { .. } => 3,
            _ => 2,
        }];
        if matches!(c.scenario, Scenario::Tail { .. }) && c.ticks() >= 300 {
            groups.push(4);
        }
        for (m, method) in METHODS.iter().enumerate() {
            if !method.applies(c.kind) {
                continue;
            }
            let failed = evaluate::run(*method, c, alpha);
            for &g in &groups {
                for kind in [c.kind.name(), "all"] {
                    let cells = table
                        .entry((g, kind))
                        .or_insert_with(|| METHODS.iter().map(|_| Cell::default()).collect());
                    let cell = &mut cells[m];
                    cell.canaries += 1;
                    if let Some(t) = failed {
                        cell.failed += 1;
                        if !c.scenario.is_null() {
                            cell.delays.push(t.saturating_sub(c.onset));
                        }
                    }
                }
            }
        }
    }
    let names: Vec<String> = METHODS.iter().map(|m| m.name()).collect();
    println!("\n## Fail rate, Wilson 95% interval (failed / canaries)\n");
    println!("| group | kind | {} |", names.join(" | "));
    println!("|---|---|{}", "---|".repeat(names.len()));
    for ((g, kind), cells) in &table {
        let rates: Vec<String> = cells
            .iter()
            .map(|c| match c.canaries {
                0 => "-".to_string(), // the method does not judge this kind
                of => Rate { hits: c.failed, of }.to_string(),
            })
            .collect();
        println!("| {} | {kind} | {} |", GROUPS[*g], rates.join(" | "));
    }
    println!("\n## Delay to the failing look, ticks after the onset: median / p90\n");
    println!("| group | kind | {} |", names.join(" | "));
    println!("|---|---|{}", "---|".repeat(names.len()));
    for ((g, kind), cells) in &mut table {
        if *g < 2 {
            continue;
        }
        let delays: Vec<String> = cells
            .iter_mut()
            .map(
                |c| match (quantile(&mut c.delays, 0.5), quantile(&mut c.delays, 0.9)) {
                    (Some(m), Some(p)) => format!("{m} / {p}"),
                    _ => "-".into(),
                },
            )
            .collect();
        println!("| {} | {kind} | {} |", GROUPS[*g], delays.join(" | "));
    }
}
