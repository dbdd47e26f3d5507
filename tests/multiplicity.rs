//! Multiple-comparison procedures against R's `p.adjust` (scripts/gen_multiplicity_fixtures.R):
//! the adjusted p-values to 1e-12 relative and the rejections at several α, and the
//! e-value procedures against a brute-force reading of their definitions.

mod common;
use common::floats;

use canary_judge::Alpha;
use canary_judge::policy::multiplicity::{
    Procedure, adjust, e_benjamini_hochberg, e_bonferroni, weighted_bonferroni,
};
use proptest::prelude::*;
use serde_json::Value;

fn fixtures() -> Value {
    serde_json::from_str(include_str!("fixtures/multiplicity.json")).unwrap()
}

#[test]
fn adjusted_p_values_match_r() {
    let data = fixtures();
    let cases = data["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let p = floats(&case["p"]);
        for (name, procedure) in [
            ("bonferroni", Procedure::Bonferroni),
            ("holm", Procedure::Holm),
            ("hochberg", Procedure::Hochberg),
            ("benjamini_hochberg", Procedure::BenjaminiHochberg),
            ("benjamini_yekutieli", Procedure::BenjaminiYekutieli),
        ] {
            let want = floats(&case[name]);
            for alpha in [0.01, 0.05, 0.2] {
                let got = adjust(&p, procedure, Alpha::new(alpha).unwrap()).unwrap();
                for (i, (g, w)) in got.adjusted.iter().zip(&want).enumerate() {
                    assert!(
                        (g - w).abs() <= 1e-12 * w.abs(),
                        "{name} m={} i={i}: {g} vs R {w}",
                        p.len()
                    );
                    // Rejections follow R's adjusted value (away from rounding ties).
                    if (w - alpha).abs() > 1e-12 {
                        assert_eq!(got.rejected[i], *w <= alpha, "{name} i={i} alpha={alpha}");
                    }
                }
            }
        }
    }
}

proptest! {
    /// Holm rejects exactly what its step-down rule rejects, and never less than
    /// Bonferroni; Hochberg rejects at least what Holm does; BH at least Hochberg.
    #[test]
    fn step_rules_and_power_order(p in prop::collection::vec(0.0f64..=1.0, 0..40), alpha in 0.001f64..0.5) {
        let a = Alpha::new(alpha).unwrap();
        let count = |proc_: Procedure| adjust(&p, proc_, a).unwrap().rejected;
        let (bonf, holm, hoch, bh) = (
            count(Procedure::Bonferroni),
            count(Procedure::Holm),
            count(Procedure::Hochberg),
            count(Procedure::BenjaminiHochberg),
        );
        // Holm's step-down, written from its definition.
        let m = p.len();
        let mut order: Vec<usize> = (0..m).collect();
        order.sort_by(|&x, &y| p[x].total_cmp(&p[y]));
        let mut step = vec![false; m];
        for (k, &i) in order.iter().enumerate() {
            if p[i] * (m - k) as f64 <= alpha { step[i] = true; } else { break; }
        }
        prop_assert_eq!(&holm, &step);
        for i in 0..m {
            prop_assert!(!bonf[i] || holm[i]);
            prop_assert!(!holm[i] || hoch[i]);
            prop_assert!(!hoch[i] || bh[i]);
        }
    }

    /// e-BH rejects the k* largest e-values, k* the largest k whose k-th largest
    /// reaches m/(αk); e-Bonferroni is the e-values at or above m/α.
    #[test]
    fn e_procedures_follow_their_definitions(e in prop::collection::vec(0.0f64..200.0, 0..30), alpha in 0.01f64..0.3) {
        let a = Alpha::new(alpha).unwrap();
        let m = e.len();
        let mut desc = e.clone();
        desc.sort_by(|x, y| y.total_cmp(x));
        let k_star = (1..=m).filter(|&k| desc[k - 1] >= m as f64 / (alpha * k as f64)).max().unwrap_or(0);
        let got = e_benjamini_hochberg(&e, a).unwrap();
        prop_assert!(got.iter().filter(|&&r| r).count() >= k_star);
        if k_star > 0 {
            let cut = desc[k_star - 1];
            for (v, r) in e.iter().zip(&got) {
                prop_assert_eq!(*r, *v >= cut);
            }
        } else {
            prop_assert!(got.iter().all(|r| !r));
        }
        let bonf = e_bonferroni(&e, a).unwrap();
        for (v, r) in e.iter().zip(&bonf) {
            prop_assert_eq!(*r, *v >= m as f64 / alpha);
        }
    }

    /// Equal weights summing to 1 are Bonferroni.
    #[test]
    fn equal_weights_are_bonferroni(p in prop::collection::vec(0.0f64..=1.0, 1..20)) {
        let a = Alpha::FIVE_PERCENT;
        let w = vec![1.0 / p.len() as f64; p.len()];
        let got = weighted_bonferroni(&p, &w, a).unwrap();
        let want: Vec<bool> = p.iter().map(|&x| x <= 0.05 / p.len() as f64).collect();
        prop_assert_eq!(got, want);
    }
}

/// A seeded simulation: 10 independent null p-values per family, 20,000 families;
/// the family-wise false-alarm rate of Holm and Hochberg and the rate of any false
/// discovery of BH stay at or below α (with all nulls true, FDR = FWER) within the
/// binomial noise (3 standard errors).
#[test]
fn family_wise_false_alarms_stay_at_alpha_under_the_null() {
    let mut g = canary_judge::rng::SplitMix64::new(7);
    let a = Alpha::FIVE_PERCENT;
    let families = 20_000;
    let mut hits = [0usize; 4];
    for _ in 0..families {
        let p: Vec<f64> = (0..10).map(|_| g.uniform_open()).collect();
        for (h, proc_) in hits.iter_mut().zip([
            Procedure::Bonferroni,
            Procedure::Holm,
            Procedure::Hochberg,
            Procedure::BenjaminiHochberg,
        ]) {
            *h += usize::from(adjust(&p, proc_, a).unwrap().rejected.iter().any(|&r| r));
        }
    }
    let bound = 0.05 + 3.0 * (0.05f64 * 0.95 / families as f64).sqrt();
    for h in hits {
        let rate = h as f64 / families as f64;
        assert!(rate <= bound, "false-alarm rate {rate} above {bound}");
        assert!(rate > 0.03, "rate {rate}: the simulation tests nothing");
    }
}
