// The body of the `state` fuzz target, shared by `fuzz/fuzz_targets/state.rs` (via
// `include!`) and by `tests/fuzz_state.rs`, which replays the committed corpus. It
// lives here, not in `canary_judge::fuzzing`, because it needs serde_json, which the
// library does not depend on.
//
// Byte 0 chooses a public state type (the sequential tests, histograms, sketches,
// samples, counts, the paired sign and tail tests, plans and whole analyses); the
// rest is read as JSON. A value that loads
// must satisfy its invariants, so driving it (updates, checks, quantiles, merges)
// must give well-formed results: no panic, no NaN p-value or interval end, and a
// second round trip through JSON must give the same value.

#[allow(dead_code)]
fn fuzz_state(data: &[u8]) {
    use canary_judge::burn::Objective;
    use canary_judge::input::histogram::{ClassicHistogram, ExponentialHistogram};
    use canary_judge::input::sketch::Sketch;
    use canary_judge::sequential::counts::CountRateTest;
    use canary_judge::sequential::means::{NormalMsprt, TTest};
    use canary_judge::sequential::proportions::{BernoulliCs, ProportionTest};
    use canary_judge::sequential::quantiles::QuantileTest;
    use canary_judge::sequential::sprt::{GammaPoisson, Sprt};
    use canary_judge::sequential::{ConfidenceSequence, Report, SequentialTest};
    use canary_judge::sequential::exceedance::TailTest;
    use canary_judge::sequential::paired::SignTest;
    use canary_judge::{Analysis, EventCounts, Observation, Plan, Sample};
    use serde::Serialize;
    use serde::de::DeserializeOwned;

    fn load<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(json: &[u8]) -> Option<T> {
        let value: T = serde_json::from_slice(json).ok()?;
        let again: T = serde_json::from_str(&serde_json::to_string(&value).unwrap())
            .expect("a loaded value reloads");
        assert_eq!(format!("{again:?}"), format!("{value:?}"));
        Some(value)
    }

    fn well_formed(r: Report) {
        assert!((0.0..=1.0).contains(&r.p_value), "{r:?}");
        assert!(!r.log_e_value.is_nan(), "{r:?}");
        if let ConfidenceSequence::Bounds { lower, upper } = r.confidence_sequence {
            assert!(lower <= upper, "{r:?}");
        }
    }

    fn drive<T: SequentialTest>(mut t: T, update: impl Fn(&mut T) -> bool) {
        well_formed(t.check());
        if update(&mut t) {
            well_formed(t.check());
        }
    }

    let Some((&kind, json)) = data.split_first() else {
        return;
    };
    match kind % 18 {
        0 => {
            if let Some(o) = load::<Objective>(json) {
                let b = o.burn_rate(EventCounts::new(5, 1000).unwrap());
                assert!(b.value().is_none_or(f64::is_finite));
            }
        }
        1 => {
            if let Some(t) = load::<CountRateTest>(json) {
                drive(t, |t| t.update(10, 3).is_ok());
            }
        }
        2 => {
            if let Some(t) = load::<QuantileTest>(json) {
                drive(t.clone(), |t| t.update(&[1.0, 2.0], &[3.0]).is_ok());
                drive(t, |t| t.update_buckets(&[1, 0], &[0, 1]).is_ok());
            }
        }
        3 => {
            if let Some(t) = load::<TTest>(json) {
                drive(t, |t| t.update(&[1.0, 2.0], &[2.5, 3.5]).is_ok());
            }
        }
        4 => {
            if let Some(t) = load::<NormalMsprt>(json) {
                drive(t, |t| t.update(&[1.0, 2.0], &[2.5, 3.5]).is_ok());
            }
        }
        5 => {
            if let Some(t) = load::<ProportionTest>(json) {
                let (b, c) = (EventCounts::new(3, 100).unwrap(), EventCounts::new(5, 100).unwrap());
                drive(t, |t| t.update(b, c).is_ok());
            }
        }
        6 => {
            if let Some(t) = load::<BernoulliCs>(json) {
                drive(t, |t| t.update(2, 50).is_ok());
            }
        }
        7 => {
            if let Some(t) = load::<Sprt>(json) {
                drive(t, |t| {
                    t.update_bernoulli(1, 10).is_ok()
                        | t.update_poisson(1, 1.0).is_ok()
                        | t.update_counts(3, 4).is_ok()
                });
            }
        }
        8 => {
            if let Some(t) = load::<GammaPoisson>(json) {
                drive(t, |t| t.update(3, 1.5).is_ok());
            }
        }
        9 => {
            if let Some(h) = load::<ClassicHistogram>(json) {
                for q in [0.5, 0.99] {
                    if let Ok(Some(v)) = h.quantile(q) {
                        assert!(!v.is_nan());
                    }
                }
            }
        }
        10 => {
            if let Some(h) = load::<ExponentialHistogram>(json)
                && let Ok(Some(v)) = h.quantile(0.9)
            {
                assert!(!v.is_nan());
            }
        }
        11 => {
            if let Some(s) = load::<Sketch>(json)
                && let Ok(Some(v)) = s.quantile(0.9)
            {
                assert!(!v.is_nan());
            }
        }
        12 => {
            if let Some(s) = load::<Sample>(json) {
                assert!(s.values().iter().all(|v| v.is_finite()));
            }
        }
        13 => {
            if let Some(c) = load::<EventCounts>(json) {
                assert!(c.events() <= c.total());
            }
        }
        14 => {
            if let Some(t) = load::<SignTest>(json) {
                drive(t.clone(), |t| t.update(&[1.0, 2.0], &[1.5, 3.0]).is_ok());
                drive(t, |t| t.update(&[1.0], &[2.0, 3.0]).is_ok());
            }
        }
        15 => {
            if let Some(t) = load::<TailTest>(json) {
                drive(t, |t| t.update(&[1.0, 2.0, 3.0], &[4.0, 0.5]).is_ok());
            }
        }
        16 => {
            if let Some(plan) = load::<Plan>(json) {
                // A plan that loads is valid: an Analysis builds from it.
                Analysis::new(plan).expect("a loaded plan builds an analysis");
            }
        }
        _ => {
            if let Some(mut a) = load::<Analysis>(json) {
                // A loaded analysis decides, explains the same decision, and takes a
                // tick's values for its first metric (or refuses them unchanged).
                let now = a.now().unwrap_or(0);
                let mut twin = a.clone();
                if let (Ok(d), Ok(v)) = (twin.decide(now), a.verdict(now)) {
                    assert_eq!(d, v.decision);
                    for f in &v.findings {
                        if let Some(p) = f.p_value {
                            assert!((0.0..=1.0).contains(&p), "{f:?}");
                        }
                    }
                }
                if let Some(name) = a.plan().metrics.first().map(|m| m.name.clone()) {
                    let obs = Observation::Values { baseline: vec![1.0, 2.0], canary: vec![1.5] };
                    let before = a.clone();
                    if a.observe(now, &name, &obs).is_err() {
                        assert_eq!(a, before);
                    }
                }
            }
        }
    }
}
