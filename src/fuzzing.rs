//! Fuzz-target bodies, shared by `fuzz/` (compiled with `--cfg fuzzing`) and by a
//! unit test that replays the committed corpus, so regressions are caught by
//! `cargo test` without cargo-fuzz.

use crate::check::kayenta::{self, KayentaConfig};
use crate::compare::{Alternative, MannWhitney, Method};
use crate::{Direction, Margin, MetricConfig, NonFinite, Sample};

/// Decodes `data` as two samples plus options and checks that the test, the default
/// classifier and the Kayenta classifier return well-formed results or errors.
///
/// Layout: byte 0 options, byte 1 canary length (mod 80), then values (at most 160). Option bit 7
/// chooses raw little-endian f64s (any bit pattern: NaN, inf, subnormals, ±MAX)
/// rather than small integers that make ties likely.
pub fn mann_whitney(data: &[u8]) {
    let Some((&opts, rest)) = data.split_first() else {
        return;
    };
    let Some((&split, rest)) = rest.split_first() else {
        return;
    };
    let values: Vec<f64> = if opts & 0x80 != 0 {
        rest.chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
            .collect()
    } else {
        rest.iter().map(|&b| f64::from(b % 16) - 4.0).collect()
    };
    let values = &values[..values.len().min(160)];
    let k = (split as usize % 80).min(values.len());
    let (c, b) = values.split_at(k);
    let (Ok(canary), Ok(baseline)) = (
        Sample::with_policy(c.iter().copied(), NonFinite::Drop),
        Sample::with_policy(b.iter().copied(), NonFinite::Drop),
    ) else {
        return;
    };
    let alternative = [
        Alternative::TwoSided,
        Alternative::Greater,
        Alternative::Less,
    ][(opts & 3) as usize % 3];
    let mut method =
        [Method::Auto, Method::Exact, Method::Asymptotic][((opts >> 2) & 3) as usize % 3];
    if method == Method::Exact && values.len() > 48 {
        // The exact tied distribution of 100+ values takes a good part of a second;
        // keep runs fast (its limits are tested in tests/bad_input.rs).
        method = Method::Auto;
    }
    let level = [0.5, 0.9, 0.95, 0.999][((opts >> 4) & 3) as usize];
    let test = MannWhitney::new()
        .alternative(alternative)
        .method(method)
        .continuity_correction(opts & 0x40 == 0)
        .confidence_level(level);
    let quick = test.test_only().compare(&baseline, &canary);
    match test.compare(&baseline, &canary) {
        Ok(r) => {
            // The test-only path (bucketed, without sorting) agrees with the full one.
            let q = quick.as_ref().map_or(f64::NAN, |q| q.u_canary);
            assert_eq!(q, r.u_canary);
            assert!((0.0..=1.0).contains(&r.p_value), "p {r:?}");
            assert!(!r.ln_p_value.is_nan() && r.ln_p_value <= 0.0);
            assert!((0.0..=1.0).contains(&r.cles));
            let shift = r.shift.unwrap_or(0.0);
            assert!(shift.is_finite());
            if let Some(iv) = r.interval {
                assert!(iv.lower <= shift && shift <= iv.upper, "{iv:?} {shift}");
                assert!((0.0..=1.0).contains(&iv.achieved_level));
            }
            assert!(r.z.is_none_or(f64::is_finite));
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    let cfg = MetricConfig {
        direction: [
            Direction::Either,
            Direction::HigherIsWorse,
            Direction::LowerIsWorse,
        ][(opts & 3) as usize % 3],
        margin: Margin::Relative(0.05),
        method: if method == Method::Exact {
            Method::Auto
        } else {
            method
        },
        ..MetricConfig::default()
    };
    let metric = crate::Metric::new("fuzz", baseline.clone(), canary.clone()).config(cfg);
    if let Ok(o) = metric.judge() {
        assert!(!o.reason.is_empty() && !o.margin.is_nan());
        if let Some(iv) = o.interval {
            assert!(!iv.lower.is_nan() && !iv.upper.is_nan());
        }
    }
    if let Ok(o) = kayenta::classify(&baseline, &canary, &KayentaConfig::default())
        && let Some(iv) = o.interval
    {
        assert!(!iv.lower.is_nan() && !iv.upper.is_nan() && !iv.estimate.is_nan());
    }
}

/// Differential checks: each fast path of the rank test against a slow, obviously
/// correct computation on the same small input.
///
/// - 2·U on the full and the test-only path against the O(m·n) pair count;
/// - the Hodges–Lehmann estimate against the median of all m·n differences, and the
///   interval ends against members of the sorted differences;
/// - with at most 14 values: the exact p-value (tied and untied) against enumeration
///   of every labelling, and the exact interval's ends against the order statistics
///   that the enumerated untied distribution picks (R's `qwilcox` rule);
/// - with integer values: the histogram test against the test on the samples.
///
/// - with option bit 6: sizes up to 40 × 40 against the plain recursion count
///   (see `exact_against_recursion`).
///
/// Layout: byte 0 options (bits 0–1 value grid 4 / 16 / 255, bit 2 make values
/// distinct, bit 3 up to 80 values instead of 14, bits 4–5 alternative, bit 6 the
/// recursion check), byte 1 the canary's length, then one byte per value.
pub fn differential(data: &[u8]) {
    use crate::compare::histogram;
    use crate::input::histogram::ClassicHistogram;
    let Some((&opts, rest)) = data.split_first() else {
        return;
    };
    let Some((&split, rest)) = rest.split_first() else {
        return;
    };
    if opts & 0x40 != 0 {
        return exact_against_recursion(split, rest);
    }
    let levels = [4u8, 16, 255][(opts & 3) as usize % 3];
    let distinct = opts & 4 != 0;
    let small = opts & 8 == 0;
    let values: Vec<f64> = rest
        .iter()
        .take(if small { 14 } else { 80 })
        .enumerate()
        .map(|(i, &b)| {
            let v = f64::from(b % levels);
            if distinct { v + i as f64 / 128.0 } else { v }
        })
        .collect();
    let k = split as usize % (values.len() + 1);
    let (c, b) = values.split_at(k);
    if c.is_empty() || b.is_empty() {
        return; // empty samples are errors, covered by the `mann_whitney` target
    }
    let (Ok(canary), Ok(baseline)) = (Sample::new(c.to_vec()), Sample::new(b.to_vec())) else {
        return;
    };
    let alternative = [
        Alternative::TwoSided,
        Alternative::Greater,
        Alternative::Less,
    ][((opts >> 4) & 3) as usize % 3];
    let (m, n) = (c.len(), b.len());
    let twice_u = |c: &[f64], b: &[f64]| -> u64 {
        c.iter()
            .flat_map(|&x| {
                b.iter()
                    .map(move |&y| u64::from(x > y) * 2 + u64::from(x == y))
            })
            .sum()
    };
    let observed = twice_u(c, b);
    let mut diffs: Vec<f64> = c
        .iter()
        .flat_map(|&x| b.iter().map(move |&y| x - y))
        .collect();
    diffs.sort_by(f64::total_cmp);
    let mid = diffs.len() / 2;
    let median = if diffs.len() % 2 == 1 {
        diffs[mid]
    } else {
        f64::midpoint(diffs[mid - 1], diffs[mid])
    };
    let level = 0.9;
    let test = MannWhitney::new()
        .alternative(alternative)
        .confidence_level(level);
    let asym = test
        .method(Method::Asymptotic)
        .compare(&baseline, &canary)
        .unwrap();
    let quick = test.test_only().compare(&baseline, &canary).unwrap();
    assert_eq!(2.0 * asym.u_canary, observed as f64);
    assert_eq!(2.0 * quick.u_canary, observed as f64);
    assert_eq!(asym.shift, Some(median));
    let iv = asym.interval.unwrap();
    for end in [iv.lower, iv.upper] {
        assert!(end.is_infinite() || diffs.binary_search_by(|d| d.total_cmp(&end)).is_ok());
    }
    assert!(iv.lower <= median && median <= iv.upper);

    if small {
        // Doubled mid-ranks of the pooled values (ties share the mean rank) and the
        // plain ranks 1..N (the untied distribution, used for the exact interval).
        let pooled: Vec<f64> = values.clone();
        let big = pooled.len();
        let twice_mid_rank = |v: f64| -> u64 {
            let below = pooled.iter().filter(|&&w| w < v).count() as u64;
            let equal = pooled.iter().filter(|&&w| w == v).count() as u64;
            2 * below + equal + 1
        };
        let ranks: Vec<u64> = pooled.iter().map(|&v| twice_mid_rank(v)).collect();
        let offset = (m * (m + 1)) as u64;
        let (mut le, mut ge, mut all) = (0u64, 0u64, 0u64);
        let mut untied = vec![0u64; m * n + 1];
        for mask in 0u32..(1 << big) {
            if mask.count_ones() as usize != m {
                continue;
            }
            let (mut r2, mut plain) = (0u64, 0usize);
            for (i, &r) in ranks.iter().enumerate() {
                if mask >> i & 1 == 1 {
                    r2 += r;
                    plain += i + 1;
                }
            }
            let u2 = r2 - offset;
            all += 1;
            le += u64::from(u2 <= observed);
            ge += u64::from(u2 >= observed);
            untied[plain - m * (m + 1) / 2] += 1;
        }
        let (lower, upper) = (le as f64 / all as f64, ge as f64 / all as f64);
        let want = match alternative {
            Alternative::TwoSided => (2.0 * lower.min(upper)).min(1.0),
            Alternative::Greater => upper,
            Alternative::Less => lower,
        };
        let exact = test
            .method(Method::Exact)
            .compare(&baseline, &canary)
            .unwrap();
        assert!(
            (exact.p_value - want).abs() <= 1e-12 * want,
            "exact p {} vs enumeration {want}",
            exact.p_value
        );
        assert!(!exact.ln_p_value.is_nan() && (exact.ln_p_value - want.ln()).abs() < 1e-11);
        let within_ties = |v: &[f64]| (1..v.len()).any(|i| v[..i].contains(&v[i]));
        if !within_ties(c) && !within_ties(b) {
            // R's rule: the smallest q with P(U ≤ q) ≥ tail, raised to 1 if 0.
            let sides = if alternative == Alternative::TwoSided {
                2.0
            } else {
                1.0
            };
            let tail = (1.0 - level) / sides;
            let mut acc = 0u64;
            let mut q = 0usize;
            for (u, &count) in untied.iter().enumerate().take(m * n / 2 + 1) {
                acc += count;
                q = u;
                if acc as f64 / all as f64 >= tail {
                    break;
                }
            }
            let q = q.max(1);
            let iv = exact.interval.unwrap();
            assert_eq!(iv.method, Method::Exact);
            let (lo, hi) = (diffs[q - 1], diffs[m * n - q]);
            match alternative {
                Alternative::TwoSided => assert_eq!((iv.lower, iv.upper), (lo, hi)),
                Alternative::Greater => assert_eq!(iv.lower, lo),
                Alternative::Less => assert_eq!(iv.upper, hi),
            }
        }
    }

    if !distinct && levels <= 16 {
        // Integer values: one bucket per value, the last one open-ended.
        let cumulative = |v: &[f64]| -> Vec<(f64, f64)> {
            (0..levels)
                .map(|i| {
                    let le = if i + 1 == levels {
                        f64::INFINITY
                    } else {
                        f64::from(i)
                    };
                    (le, v.iter().filter(|&&x| x <= f64::from(i)).count() as f64)
                })
                .collect()
        };
        let (Ok(hb), Ok(hc)) = (
            ClassicHistogram::new(&cumulative(b)),
            ClassicHistogram::new(&cumulative(c)),
        ) else {
            panic!("histograms of whole counts");
        };
        for method in [Method::Asymptotic, Method::Auto] {
            let t = test.method(method);
            let binned = histogram::mann_whitney(&hb, &hc, &t).unwrap();
            let full = t.test_only().compare(&baseline, &canary).unwrap();
            assert_eq!(binned.u_canary, full.u_canary);
            assert_eq!(binned.p_value.to_bits(), full.p_value.to_bits());
        }
    }
}

/// Sizes m, n in 1..=40 and a U from the bytes: the exact lower-tail p-value against
/// the count of arrangements by the plain recursion on the largest value,
/// c(m, n, k) = c(m − 1, n, k − n) + c(m, n − 1, k), in u128 (C(80, 40) < 2^77, so
/// the one-limb boundary where the multi-limb path once failed is crossed).
fn exact_against_recursion(split: u8, rest: &[u8]) {
    let (Some(&a), Some(&b)) = (rest.first(), rest.get(1)) else {
        return;
    };
    let (m, n) = (usize::from(split % 40) + 1, usize::from(a % 40) + 1);
    let mn = m * n;
    let u = (usize::from(b) * 257 + rest.get(2).map_or(0, |&c| usize::from(c))) % (mn + 1);
    // Rows over the first size: row[j] = counts for (i, j), k = 0..=i·j.
    let mut row: Vec<Vec<u128>> = vec![vec![1]; n + 1];
    for i in 1..=m {
        let mut next: Vec<Vec<u128>> = vec![vec![1]];
        for j in 1..=n {
            let counts = (0..=i * j)
                .map(|k| {
                    let largest_first = if k >= j {
                        row[j].get(k - j).copied().unwrap_or(0)
                    } else {
                        0
                    };
                    largest_first + next[j - 1].get(k).copied().unwrap_or(0)
                })
                .collect();
            next.push(counts);
        }
        row = next;
    }
    let counts = &row[n];
    let below: u128 = counts[..=u].iter().sum();
    let total: u128 = counts.iter().sum();
    let want = below as f64 / total as f64;
    // Canary i beats a_i of the baseline values 0..n (Σ a_i = u), values distinct.
    let mut left = u;
    let canary: Vec<f64> = (0..m)
        .map(|i| {
            let a = left.min(n);
            left -= a;
            a as f64 - 1.0 + (i + 1) as f64 / (m + 1) as f64
        })
        .collect();
    let baseline: Vec<f64> = (0..n).map(|v| v as f64).collect();
    let (Ok(canary), Ok(baseline)) = (Sample::new(canary), Sample::new(baseline)) else {
        return;
    };
    let r = MannWhitney::new()
        .alternative(Alternative::Less)
        .method(Method::Exact)
        .test_only()
        .compare(&baseline, &canary)
        .unwrap();
    assert_eq!(r.u_canary, u as f64);
    assert!(
        (r.p_value - want).abs() <= 1e-12 * want,
        "{m}x{n} u={u}: p {} vs recursion {want}",
        r.p_value
    );
    assert!(!r.ln_p_value.is_nan() && (r.ln_p_value - want.ln()).abs() <= 1e-11);
}

/// Decodes `data` as an objective, a series of bucket counts and counter samples,
/// and checks that every burn-rate function returns finite numbers, no data, or an
/// error: never NaN, infinity or a panic.
///
/// Layout: byte 0 objective (0.5 + b/512), byte 1 options, then 8-byte records
/// (bad: u32, total: u32) used both as bucket counts and as counter samples.
pub fn burn(data: &[u8]) {
    use crate::EventCounts;
    use crate::burn::evaluate::{Comparator, Options, Series, evaluate};
    use crate::burn::{Objective, Ratio, counters, safeguards, tiers};
    use std::time::Duration;

    let Some((&o, rest)) = data.split_first() else {
        return;
    };
    let Some((&opts, rest)) = rest.split_first() else {
        return;
    };
    let Ok(slo) = Objective::new(0.5 + f64::from(o) / 512.0) else {
        return;
    };
    let records: Vec<(u32, u32)> = rest
        .chunks_exact(8)
        .take(512)
        .map(|c| {
            let a = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            let b = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
            (a, b)
        })
        .collect();
    let buckets: Vec<EventCounts> = records
        .iter()
        .filter_map(|&(a, b)| EventCounts::new(u64::from(a.min(b)), u64::from(a.max(b))).ok())
        .collect();
    let finite = |r: Ratio| r.value().is_none_or(f64::is_finite);
    for &c in &buckets {
        assert!(finite(slo.burn_rate(c)) && finite(slo.remaining_budget(c)));
    }
    // The exact lower bound costs O(√events) per incomplete-beta evaluation (about
    // 0.5 ms at 2^32; tests/burn.rs checks it against R up to 2^32): here nine
    // buckets scaled down to at most 2^20 events, so that an input stays well under
    // a millisecond.
    let bounded = buckets
        .iter()
        .take(9)
        .filter_map(|c| EventCounts::new(c.events() >> 12, c.total() >> 12).ok());
    for c in bounded {
        if let Ok(r) = safeguards::burn_lower_bound(slo, c, 0.95) {
            assert!(finite(r));
        }
    }
    // The promotion gate with any bit patterns for its three numbers: it allows only
    // when every one is a usable number (no NaN or infinity lets a rollout through).
    for &(a, b) in records.iter().take(16) {
        use crate::burn::canary::{GateDecision, gate};
        let spend = f64::from_bits((u64::from(a) << 32) | u64::from(b));
        let max = f64::from_bits((u64::from(b) << 32) | u64::from(a));
        let min = f64::from(a) / f64::from(u32::MAX);
        let remaining = buckets
            .first()
            .map_or(Ratio::NoData, |&c| slo.remaining_budget(c));
        if let Ok(GateDecision::Allow) = gate(remaining, spend, min, max) {
            assert!(spend.is_finite() && max.is_finite() && spend <= max);
        }
    }
    let options = Options {
        comparator: if opts & 1 == 0 {
            Comparator::Greater
        } else {
            Comparator::GreaterOrEqual
        },
        min_events: u64::from(opts >> 1) * 10,
    };
    if let Ok(series) = Series::new(Duration::from_secs(60), &buckets) {
        let mut set = tiers::pyrra(tiers::twenty_eight_days());
        set.extend(tiers::workbook());
        if let Ok(e) = evaluate(slo, &set, &series, &options) {
            assert!(
                e.tiers
                    .iter()
                    .all(|t| finite(t.long_burn) && finite(t.short_burn))
            );
        }
    }
    let samples: Vec<(f64, f64)> = records
        .iter()
        .map(|&(t, v)| (f64::from(t), f64::from(v)))
        .collect();
    if let Ok(Some(v)) = counters::increase(&samples) {
        assert!(v.is_finite() && v >= 0.0);
    }
    if let Ok(Some(v)) = counters::increase_extrapolated(&samples, 0.0, f64::from(u32::MAX)) {
        assert!(v.is_finite() && v >= 0.0);
    }
}

/// Decodes `data` into histogram buckets (classic and exponential), sketch values and
/// quantile probabilities and checks that histograms, sketches, quantiles and
/// percentile deltas return
/// finite numbers, no data, or an error: never NaN or a panic.
///
/// Layout: byte 0 options, then 16-byte records (bound: f64, count: f64), also read
/// as values for the sketch and samples.
pub fn quantiles(data: &[u8]) {
    use crate::compare::quantile::{self, QuantileMethod};
    use crate::input::histogram::ClassicHistogram;
    use crate::input::sketch::Sketch;

    let Some((&opts, rest)) = data.split_first() else {
        return;
    };
    let pairs: Vec<(f64, f64)> = rest
        .chunks_exact(16)
        .take(300)
        .map(|c| {
            let a = f64::from_le_bytes(c[..8].try_into().unwrap_or([0; 8]));
            let b = f64::from_le_bytes(c[8..].try_into().unwrap_or([0; 8]));
            (a, b)
        })
        .collect();
    let q = f64::from(opts) / 255.0;
    let ok = |v: Option<f64>| v.is_none_or(|x| !x.is_nan());
    let mut classic = None;
    for h in [
        ClassicHistogram::new(&pairs).ok(),
        ClassicHistogram::from_prometheus(&pairs).ok().map(|p| p.0),
    ]
    .into_iter()
    .flatten()
    {
        if let Ok(v) = h.quantile(q) {
            assert!(ok(v), "histogram quantile NaN");
        }
        if let Ok((d, _)) = ClassicHistogram::delta(&h, &h) {
            assert!(d.total() >= 0.0);
        }
        check_interval(&h, q);
        classic = Some(h);
    }
    // The same bytes as an OpenTelemetry exponential histogram.
    let counts: Vec<u64> = pairs.iter().map(|&(a, _)| a.to_bits() % 1000).collect();
    let scale = i32::from(opts % 31) - 10;
    let offset = pairs
        .first()
        .map_or(0, |&(_, b)| (b.to_bits() % 4001) as i32 - 2000);
    let half = counts.len() / 2;
    if let Ok(h) = crate::input::histogram::ExponentialHistogram::new(
        scale,
        u64::from(opts),
        offset,
        counts[..half].to_vec(),
        -offset,
        counts[half..].to_vec(),
    ) {
        assert!(
            ok(h.quantile(q).unwrap_or(None)),
            "exponential quantile NaN"
        );
        let bound = h.relative_error_bound();
        assert!((0.0..=1.0).contains(&bound), "bound {bound}");
        check_interval(&h, q);
        if let Some(c) = &classic {
            check_delta(c, &h, q);
        }
    }
    let alpha = [0.01, 0.05, 0.001][usize::from(opts % 3)];
    if let Ok(mut sketch) = Sketch::with_max_bins(alpha, 64 + usize::from(opts)) {
        let mut other = sketch.clone();
        for &(a, b) in &pairs {
            sketch.insert(a);
            other.insert(b);
        }
        if sketch.merge(&other).is_ok() {
            assert!(ok(sketch.quantile(q).unwrap_or(None)));
        }
        check_interval(&sketch, q);
        if let Some(c) = &classic {
            check_delta(&sketch, c, q);
        }
    }
    let values: Vec<f64> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
    if let Ok(sample) = crate::Sample::with_policy(values, crate::NonFinite::Drop) {
        for m in QuantileMethod::ALL {
            if let Ok(v) = quantile::quantile(&sample, q, m) {
                assert!(ok(v), "sample quantile NaN");
            }
        }
        if q > 0.0 && q < 1.0 {
            let _ = quantile::quantile_interval(&sample, q, 0.9);
            let half = sample.len() / 2;
            if let (Ok(a), Ok(b)) = (
                crate::Sample::new(sample.values()[..half].iter().copied()),
                crate::Sample::new(sample.values()[half..].iter().copied()),
            ) {
                check_delta(&a, &b, q);
            }
            if let Some(c) = &classic {
                check_delta(&sample, c, q);
            }
        }
    }
}

/// Decodes `data` into a configuration and a sequence of updates and checks for
/// every sequential test: no panic, no NaN in a report, p-values in [0, 1], and a
/// failed update leaves the state unchanged.
///
/// Layout: byte 0 picks parameters; then 17-byte records (a selector byte, two u64
/// or f64 little-endian words) drive updates and checks.
pub fn sequential(data: &[u8]) {
    use crate::sequential::counts::CountRateTest;
    use crate::sequential::means::{NormalMsprt, TTest, Variance};
    use crate::sequential::proportions::{BernoulliCs, ProportionTest};
    use crate::sequential::quantiles::QuantileTest;
    use crate::sequential::sprt::{GammaPoisson, Hypotheses, Sprt};
    use crate::sequential::{Report, SequentialTest, Sidedness};

    fn sane(r: Report) {
        assert!(!r.log_e_value.is_nan(), "NaN e-value");
        assert!((0.0..=1.0).contains(&r.p_value), "p {}", r.p_value);
        if let crate::sequential::ConfidenceSequence::Bounds { lower, upper } =
            r.confidence_sequence
        {
            assert!(lower <= upper, "[{lower}, {upper}]");
        }
    }
    /// Runs `update`; on error the state must be unchanged.
    fn guarded<T: Clone + PartialEq + std::fmt::Debug>(
        state: &mut T,
        update: impl FnOnce(&mut T) -> Result<(), crate::Error>,
    ) {
        let before = state.clone();
        if update(state).is_err() {
            assert_eq!(*state, before, "failed update changed the state");
        }
    }

    let Some((&opts, rest)) = data.split_first() else {
        return;
    };
    let share = (f64::from(opts) + 0.5) / 256.0;
    let direction = [
        crate::Direction::HigherIsWorse,
        crate::Direction::LowerIsWorse,
        crate::Direction::Either,
    ][usize::from(opts % 3)];
    let alternative = if opts & 4 == 0 {
        Sidedness::Greater
    } else {
        Sidedness::TwoSided
    };
    let Ok(mut counts) = CountRateTest::builder(share)
        .concentration(1.0 + f64::from(opts))
        .alternative(alternative)
        .build()
    else {
        return;
    };
    let (Ok(mut t), Ok(mut m), Ok(mut prop), Ok(mut cs), Ok(mut sprt), Ok(mut gp)) = (
        TTest::new(crate::Alpha::FIVE_PERCENT, direction),
        NormalMsprt::new(
            crate::Alpha::FIVE_PERCENT,
            share,
            Variance::PlugIn,
            direction,
        ),
        ProportionTest::new(crate::Alpha::FIVE_PERCENT, share, direction),
        BernoulliCs::new(
            crate::Alpha::FIVE_PERCENT,
            1.0 + f64::from(opts),
            share,
            direction,
        ),
        Sprt::new(
            Hypotheses::RateRatio {
                canary_share: share,
                ratio: 1.5,
            },
            crate::Alpha::FIVE_PERCENT,
            0.1,
        ),
        GammaPoisson::new(share, crate::Alpha::FIVE_PERCENT),
    ) else {
        return;
    };
    // The tick-paired sign test (with tail bets for half of the inputs) and the
    // tail test, fed from the same records as the means.
    let sign = crate::sequential::paired::SignTest::builder(direction);
    let sign = if opts & 8 == 0 {
        sign.with_tails()
    } else {
        sign
    };
    let (Ok(mut sign), Ok(mut tail)) = (
        sign.build(),
        crate::sequential::exceedance::TailTest::new(crate::Alpha::FIVE_PERCENT, 1.0 - share),
    ) else {
        return;
    };
    let bounds = [-1.0, 0.0, 0.5, 1.0, 1e300, f64::INFINITY];
    let (Ok(mut q), Ok(mut qb)) = (
        QuantileTest::new(
            share,
            crate::Alpha::FIVE_PERCENT,
            1.0 + f64::from(opts),
            direction,
        ),
        QuantileTest::with_buckets(
            1.0 - share,
            crate::Alpha::FIVE_PERCENT,
            50.0,
            direction,
            &bounds,
        ),
    ) else {
        return;
    };
    macro_rules! check_all {
        () => {{
            sane(counts.check());
            sane(t.check());
            sane(m.check());
            sane(prop.check());
            sane(cs.check());
            sane(sprt.check());
            sane(gp.check());
            sane(q.check());
            sane(qb.check());
            sane(sign.check());
            sane(tail.check());
        }};
    }
    // Work per input is bounded so the target runs over 1,000 inputs a second
    // (`-s none`): at most 64 records, 2 full checks besides the last and one
    // distribution-change guard (a quantile check costs ~60 µs, the guard's
    // root-finding ~0.2 ms, several times that under instrumentation).
    let (mut checks, mut guards) = (0, 0);
    for rec in rest.chunks_exact(17).take(64) {
        let a = u64::from_le_bytes(rec[1..9].try_into().unwrap_or([0; 8]));
        let b = u64::from_le_bytes(rec[9..17].try_into().unwrap_or([0; 8]));
        let (x, y) = (f64::from_bits(a), f64::from_bits(b));
        let small = |v: u64| v % 1_000_003;
        match rec[0] % 10 {
            0 => guarded(&mut counts, |s| s.update(small(a), small(b))),
            1 => guarded(&mut counts, |s| s.update(a, b)),
            2 => {
                guarded(&mut t, |s| s.update(&[x], &[y, x]));
                guarded(&mut sign, |s| s.update(&[x], &[y]));
            }
            3 => {
                guarded(&mut m, |s| s.update(&[x, y], &[y]));
                guarded(&mut sign, |s| s.update(&[x, y], &[y]));
                guarded(&mut tail, |s| s.update(&[x, y, x], &[y]));
            }
            4 => {
                if let (Ok(e1), Ok(e2)) = (
                    crate::EventCounts::new(small(a) % 7, small(a)),
                    crate::EventCounts::new(small(b) % 5, small(b)),
                ) {
                    guarded(&mut prop, |s| s.update(e1, e2));
                }
                guarded(&mut cs, |s| s.update(small(a), small(b)));
            }
            5 => {
                guarded(&mut sprt, |s| s.update_counts(small(a), small(b)));
                guarded(&mut sprt, |s| s.update_poisson(small(a), y));
                guarded(&mut gp, |s| s.update(a, y));
            }
            6 => guarded(&mut q, |s| s.update(&[x], &[y])),
            7 => {
                let counts = |v: u64| [v % 3, v % 5, v % 7, (v >> 8) % 3, v >> 60, v % 2];
                guarded(&mut qb, |s| s.update_buckets(&counts(a), &counts(b)));
                if guards < 1 {
                    guards += 1;
                    let g = q.distribution_change();
                    assert!(g.statistic <= 1.0 && !g.threshold.is_nan());
                }
            }
            _ if checks < 2 => {
                checks += 1;
                check_all!();
            }
            _ => {}
        }
    }
    check_all!();
}

/// A quantile interval, if any, is ordered and free of NaN.
fn check_interval<S: crate::compare::quantile::QuantileSource>(source: &S, q: f64) {
    use crate::compare::quantile::{QuantileInterval, quantile_interval};
    if let Ok(QuantileInterval::Interval { lower, upper, .. }) = quantile_interval(source, q, 0.9) {
        assert!(lower <= upper, "interval [{lower}, {upper}]");
    }
}

/// A percentile delta, if any, has ordered NaN-free intervals and can be judged.
fn check_delta<B, C>(baseline: &B, canary: &C, q: f64)
where
    B: crate::compare::quantile::QuantileSource,
    C: crate::compare::quantile::QuantileSource,
{
    use crate::compare::quantile::{PercentileDeltaOutcome, percentile_delta};
    if let Ok(PercentileDeltaOutcome::Delta(d)) = percentile_delta(baseline, canary, q, 0.9) {
        let (lo, hi) = d.absolute;
        assert!(lo <= hi, "absolute [{lo}, {hi}]");
        assert!(!d.baseline.is_nan() && !d.canary.is_nan());
        if let Some((lo, hi)) = d.relative {
            assert!(lo <= hi, "relative [{lo}, {hi}]");
        }
        for direction in [
            crate::Direction::HigherIsWorse,
            crate::Direction::LowerIsWorse,
            crate::Direction::Either,
        ] {
            assert!(d.judge(direction, crate::Margin::Relative(0.1)).is_ok());
            assert!(d.judge(direction, crate::Margin::Absolute(q)).is_ok());
        }
    }
}

#[cfg(test)]
mod tests {
    /// Runs `body` on every committed input of a corpus (at least `min` of them).
    ///
    /// The corpora live in the repository's `fuzz/` crate, which the published
    /// package cannot contain (cargo never packages a directory holding another
    /// Cargo.toml); there, with no `fuzz/` directory at all, the replay says so and
    /// skips. In the repository a missing corpus is a failure.
    fn replay(corpus: &str, min: usize, body: fn(&[u8])) {
        let root = env!("CARGO_MANIFEST_DIR");
        if !std::path::Path::new(&format!("{root}/fuzz")).exists() {
            eprintln!(
                "skipping the {corpus} corpus replay: this is the packaged crate, without the \
                 repository's fuzz/ directory"
            );
            return;
        }
        let dir = format!("{root}/fuzz/corpus/{corpus}");
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).expect("corpus directory") {
            body(&std::fs::read(entry.unwrap().path()).unwrap());
            n += 1;
        }
        assert!(n >= min, "{corpus} corpus has {n} files");
    }

    #[test]
    fn replay_corpus() {
        replay("mann_whitney", 5, super::mann_whitney);
    }

    #[test]
    fn replay_quantiles_corpus() {
        replay("quantiles", 3, super::quantiles);
    }

    #[test]
    fn replay_sequential_corpus() {
        replay("sequential", 3, super::sequential);
    }

    #[test]
    fn replay_differential_corpus() {
        replay("differential", 3, super::differential);
    }

    #[test]
    fn replay_burn_corpus() {
        replay("burn", 3, super::burn);
    }
}
