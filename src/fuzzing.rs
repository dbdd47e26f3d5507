//! Fuzz-target bodies, shared by `fuzz/` (compiled with `--cfg fuzzing`) and by a
//! unit test that replays the committed corpus, so regressions are caught by
//! `cargo test` without cargo-fuzz.

use crate::classify::kayenta::{self, KayentaConfig};
use crate::compare::{Alternative, MannWhitney, Method};
use crate::{Direction, Margin, MetricConfig, NonFinite, Sample, classify};

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
    if let Ok(o) = classify::classify("fuzz", &baseline, &canary, &cfg) {
        assert!(!o.reason.is_empty() && o.margin.is_finite());
    }
    if let Ok(o) = kayenta::classify(&baseline, &canary, &KayentaConfig::default())
        && let Some(iv) = o.interval
    {
        assert!(!iv.lower.is_nan() && !iv.upper.is_nan() && !iv.estimate.is_nan());
    }
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
        .take(2000)
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
        if let Ok(r) = safeguards::burn_lower_bound(slo, c, 0.95) {
            assert!(finite(r));
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
    use crate::compare::histogram::ClassicHistogram;
    use crate::compare::quantile::{self, QuantileMethod};
    use crate::compare::sketch::Sketch;

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
    if let Ok(h) = crate::compare::histogram::ExponentialHistogram::new(
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
    use crate::sequential::{Alternative, Report, SequentialTest};

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
        Alternative::Greater
    } else {
        Alternative::TwoSided
    };
    let Ok(Ok(mut counts)) = CountRateTest::new(1.0 - share, share, 0.05)
        .and_then(|t| t.concentration(1.0 + f64::from(opts)))
        .map(|t| t.alternative(alternative))
    else {
        return;
    };
    let (Ok(mut t), Ok(mut m), Ok(mut prop), Ok(mut cs), Ok(mut sprt), Ok(mut gp)) = (
        TTest::new(0.05, direction),
        NormalMsprt::new(0.05, share, Variance::PlugIn, direction),
        ProportionTest::new(0.05, share, direction),
        BernoulliCs::new(0.05, 1.0 + f64::from(opts), share, direction),
        Sprt::new(
            Hypotheses::RateRatio {
                canary_share: share,
                ratio: 1.5,
            },
            0.05,
            0.1,
        ),
        GammaPoisson::new(share, 0.05),
    ) else {
        return;
    };
    let bounds = [-1.0, 0.0, 0.5, 1.0, 1e300, f64::INFINITY];
    let (Ok(mut q), Ok(mut qb)) = (
        QuantileTest::new(share, 0.05, 1.0 + f64::from(opts), direction),
        QuantileTest::with_buckets(1.0 - share, 0.05, 50.0, direction, &bounds),
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
        }};
    }
    for rec in rest.chunks_exact(17).take(200) {
        let a = u64::from_le_bytes(rec[1..9].try_into().unwrap_or([0; 8]));
        let b = u64::from_le_bytes(rec[9..17].try_into().unwrap_or([0; 8]));
        let (x, y) = (f64::from_bits(a), f64::from_bits(b));
        let small = |v: u64| v % 1_000_003;
        match rec[0] % 10 {
            0 => guarded(&mut counts, |s| s.update(small(a), small(b))),
            1 => guarded(&mut counts, |s| s.update(a, b)),
            2 => guarded(&mut t, |s| s.update(&[x], &[y, x])),
            3 => guarded(&mut m, |s| s.update(&[x, y], &[y])),
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
                let g = q.distribution_change();
                assert!(g.statistic <= 1.0 && !g.threshold.is_nan());
            }
            _ => check_all!(),
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
    use crate::compare::quantile::{PercentileDeltaOutcome, Tolerance, percentile_delta};
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
            assert!(d.judge(direction, Tolerance::Relative(0.1)).is_ok());
            assert!(d.judge(direction, Tolerance::Absolute(q)).is_ok());
        }
    }
}

#[cfg(test)]
mod tests {
    /// Runs `body` on every committed input of a corpus (at least `min` of them).
    fn replay(corpus: &str, min: usize, body: fn(&[u8])) {
        let dir = format!("{}/fuzz/corpus/{corpus}", env!("CARGO_MANIFEST_DIR"));
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
    fn replay_burn_corpus() {
        replay("burn", 3, super::burn);
    }
}
