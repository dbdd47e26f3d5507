//! Canaries cut from real recorded server metrics (the NAB series in
//! `tests/data/nab`, MIT, see its README), for evaluating policies tick by tick.
//!
//! Every canary is a pair of aligned series, one value per side per tick (a 5-minute
//! CloudWatch bucket), cut from a stretch of a recording outside its labelled anomaly
//! windows:
//!
//! - **A/A split**: ticks take consecutive pairs of points; a seeded coin sends one
//!   to each side (the two sides are exchangeable within each tick).
//! - **A/A adjacent**: the baseline is one window, the canary the window right after
//!   it (not exchangeable when the series drifts: reported separately).
//! - **regressions**, applied to the canary of an A/A split: scaling by ×1.05, ×1.10,
//!   ×1.25; an additive shift of a quarter of the stretch's standard deviation; a
//!   heavier tail (5% of the canary's points ×2, or 2% ×5); for counts, event rates
//!   ×1.5, ×2, ×5; and a ×1.25 scaling that starts halfway through the canary.
//!
//! Used by `tests/evaluation.rs` (the guarantees) and `examples/evaluate.rs` (the
//! table); both include this file with `#[path]`.

#![allow(dead_code)] // each includer uses part of it

use std::path::Path;

use canary_judge::rng::SplitMix64;

/// What a recorded series measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Request latency.
    Latency,
    /// CPU utilisation, in percent.
    Cpu,
    /// Bytes per bucket (network in, disk writes): very heavy tails, many zeros.
    Bytes,
    /// Events per bucket (load-balancer requests): fed as event counts with totals.
    Count,
}

impl Kind {
    /// The kind's name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::Latency => "latency",
            Self::Cpu => "cpu",
            Self::Bytes => "bytes",
            Self::Count => "count",
        }
    }
}

/// One recorded series.
#[derive(Debug, Clone)]
pub struct Series {
    /// The file's name without `.csv`.
    pub name: String,
    /// What it measures.
    pub kind: Kind,
    /// The values, one per 5 minutes.
    pub values: Vec<f64>,
    /// Whether each point lies outside every labelled anomaly window.
    pub normal: Vec<bool>,
}

/// How a canary was made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scenario {
    /// Consecutive pairs split by a seeded coin.
    SplitAa,
    /// Two adjacent windows.
    AdjacentAa,
    /// The canary scaled by the factor from its first tick.
    Scale(f64),
    /// The canary shifted by this many standard deviations of the stretch.
    Shift(f64),
    /// This share of the canary's points multiplied by the factor.
    Tail { share: f64, factor: f64 },
    /// The canary's event counts multiplied by the factor (counts only).
    CountRate(f64),
    /// The canary scaled by the factor from the middle tick on.
    Onset(f64),
}

impl Scenario {
    /// Whether nothing regressed (an A/A canary).
    pub fn is_null(self) -> bool {
        matches!(self, Self::SplitAa | Self::AdjacentAa)
    }

    /// The scenario's label in tables.
    pub fn label(self) -> String {
        match self {
            Self::SplitAa => "A/A split".into(),
            Self::AdjacentAa => "A/A adjacent".into(),
            Self::Scale(f) => format!("x{f}"),
            Self::Shift(s) => format!("+{s} sd"),
            Self::Tail { share, factor } => format!("{}% x{factor}", share * 100.0),
            Self::CountRate(f) => format!("rate x{f}"),
            Self::Onset(f) => format!("x{f} from mid"),
        }
    }

    /// The regression scenarios for a kind of series.
    pub fn regressions(kind: Kind) -> Vec<Self> {
        let mut v = vec![
            Self::Scale(1.05),
            Self::Scale(1.10),
            Self::Scale(1.25),
            Self::Shift(0.25),
            Self::Tail {
                share: 0.05,
                factor: 2.0,
            },
            Self::Tail {
                share: 0.02,
                factor: 5.0,
            },
            Self::Onset(1.25),
        ];
        if kind == Kind::Count {
            v.extend([
                Self::CountRate(1.5),
                Self::CountRate(2.0),
                Self::CountRate(5.0),
            ]);
        }
        v
    }
}

/// One canary: aligned baseline and canary values, one per tick.
#[derive(Debug, Clone)]
pub struct Canary {
    /// The series it was cut from.
    pub series: String,
    /// What the series measures.
    pub kind: Kind,
    /// How it was made.
    pub scenario: Scenario,
    /// The baseline's value at each tick.
    pub baseline: Vec<f64>,
    /// The canary's value at each tick.
    pub canary: Vec<f64>,
    /// The first tick of the regression (0 for the A/A canaries).
    pub onset: usize,
}

impl Canary {
    /// Ticks (points per side).
    pub fn ticks(&self) -> usize {
        self.baseline.len()
    }
}

/// The series bundled in `tests/data/nab`, with their labelled windows.
pub fn load(dir: &Path) -> Vec<Series> {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let labels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("labels.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    for f in manifest["files"].as_array().unwrap() {
        let file = f["file"].as_str().unwrap();
        let kind = match f["metric_kind"].as_str().unwrap() {
            "latency" => Kind::Latency,
            "cpu" => Kind::Cpu,
            "request_count" => Kind::Count,
            _ => Kind::Bytes,
        };
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let rows: Vec<(&str, f64)> = text
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (t, v) = l.split_once(',').unwrap();
                (t, v.trim().parse::<f64>().unwrap())
            })
            .collect();
        // Timestamps "YYYY-MM-DD HH:MM:SS" compare as strings; the label windows
        // carry fractional seconds, cut to the same width.
        let windows: Vec<(String, String)> = labels[file]["anomaly_windows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                let cut = |i: usize| w[i].as_str().unwrap()[..19].to_string();
                (cut(0), cut(1))
            })
            .collect();
        let normal = rows
            .iter()
            .map(|(t, _)| {
                !windows
                    .iter()
                    .any(|(a, b)| *t >= a.as_str() && *t <= b.as_str())
            })
            .collect();
        out.push(Series {
            name: file.trim_end_matches(".csv").to_string(),
            kind,
            values: rows.iter().map(|r| r.1).collect(),
            normal,
        });
    }
    out
}

/// A start of a stretch of `len` normal points, drawn uniformly; `None` if the
/// series has no such stretch.
fn stretch(series: &Series, len: usize, rng: &mut SplitMix64) -> Option<usize> {
    let n = series.values.len();
    if len > n {
        return None;
    }
    // run[i]: how many normal points start at i.
    let mut run = vec![0usize; n + 1];
    for i in (0..n).rev() {
        run[i] = if series.normal[i] { run[i + 1] + 1 } else { 0 };
    }
    let starts: Vec<usize> = (0..=n - len).filter(|&i| run[i] >= len).collect();
    if starts.is_empty() {
        return None;
    }
    Some(starts[rng.below(starts.len() as u64) as usize])
}

fn sd(v: &[f64]) -> f64 {
    let m = v.iter().sum::<f64>() / v.len() as f64;
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// One canary of `n` ticks from `series` under `scenario`; `None` when the series
/// has no normal stretch long enough (2n points) or the scenario does not apply.
pub fn cut(series: &Series, scenario: Scenario, n: usize, rng: &mut SplitMix64) -> Option<Canary> {
    if matches!(scenario, Scenario::CountRate(_)) && series.kind != Kind::Count {
        return None;
    }
    let start = stretch(series, 2 * n, rng)?;
    let x = &series.values[start..start + 2 * n];
    let (mut baseline, mut canary) = (Vec::with_capacity(n), Vec::with_capacity(n));
    if scenario == Scenario::AdjacentAa {
        baseline.extend_from_slice(&x[..n]);
        canary.extend_from_slice(&x[n..]);
    } else {
        for pair in x.chunks_exact(2) {
            let flip = rng.next_u64() & 1 == 1;
            let (b, c) = if flip {
                (pair[1], pair[0])
            } else {
                (pair[0], pair[1])
            };
            baseline.push(b);
            canary.push(c);
        }
    }
    let mut onset = 0;
    let integer = series.kind == Kind::Count;
    let round = |v: f64| if integer { v.round() } else { v };
    match scenario {
        Scenario::SplitAa | Scenario::AdjacentAa => {}
        Scenario::Scale(f) | Scenario::CountRate(f) => {
            canary.iter_mut().for_each(|v| *v = round(*v * f))
        }
        Scenario::Shift(k) => {
            let s = k * sd(x);
            canary.iter_mut().for_each(|v| *v = round(*v + s));
        }
        Scenario::Tail { share, factor } => {
            for v in canary.iter_mut() {
                if rng.uniform() < share {
                    *v = round(*v * factor);
                }
            }
        }
        Scenario::Onset(f) => {
            onset = n / 2;
            canary[onset..].iter_mut().for_each(|v| *v = round(*v * f));
        }
    }
    Some(Canary {
        series: series.name.clone(),
        kind: series.kind,
        scenario,
        baseline,
        canary,
        onset,
    })
}

/// Every canary of the corpus: for each series, scenario (A/A split, A/A adjacent,
/// then the kind's regressions) and size, `reps` canaries from independent draws.
pub fn corpus(series: &[Series], sizes: &[usize], reps: usize, seed: u64) -> Vec<Canary> {
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::new();
    for s in series {
        let mut scenarios = vec![Scenario::SplitAa, Scenario::AdjacentAa];
        scenarios.extend(Scenario::regressions(s.kind));
        for &scenario in &scenarios {
            for &n in sizes {
                for _ in 0..reps {
                    if let Some(c) = cut(s, scenario, n, &mut rng) {
                        out.push(c);
                    }
                }
            }
        }
    }
    out
}
