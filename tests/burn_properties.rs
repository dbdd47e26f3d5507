//! Properties of the burn-rate arithmetic (proptest): no NaN, infinity or panic on any
//! input, and the monotonicity the formulas promise.

use std::time::Duration;

use canary_judge::EventCounts;
use canary_judge::burn::evaluate::{Options, Series, TierState, evaluate};
use canary_judge::burn::safeguards::{SequentialBurnTest, burn_lower_bound};
use canary_judge::burn::{Objective, Ratio, counters, tiers};
use proptest::prelude::*;

fn counts() -> impl Strategy<Value = EventCounts> {
    (0u64..1_000_000, 0u64..1_000_000)
        .prop_map(|(a, b)| EventCounts::new(a.min(b), a.max(b)).expect("ordered"))
}

fn objective() -> impl Strategy<Value = Objective> {
    (0.5f64..0.99999).prop_map(|t| Objective::new(t).expect("in range"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn burn_is_finite_and_remaining_is_its_complement(o in objective(), c in counts()) {
        match o.burn_rate(c) {
            Ratio::Value(b) => {
                prop_assert!(b.is_finite() && b >= 0.0 && b <= o.max_burn_rate() * (1.0 + 1e-12));
                let r = o.remaining_budget(c).value().unwrap();
                prop_assert!((r - (1.0 - b)).abs() < 1e-9 * b.max(1.0));
            }
            Ratio::NoData => prop_assert_eq!(c.total(), 0),
        }
    }

    #[test]
    fn lower_bound_is_below_the_point_estimate_and_monotone(o in objective(), c in counts()) {
        let lb = burn_lower_bound(o, c, 0.95).unwrap();
        if let (Ratio::Value(l), Ratio::Value(p)) = (lb, o.burn_rate(c)) {
            prop_assert!(l.is_finite() && l >= 0.0 && l <= p * (1.0 + 1e-9) + 1e-12);
            if c.events() < c.total() {
                let more = EventCounts::new(c.events() + 1, c.total()).unwrap();
                let l2 = burn_lower_bound(o, more, 0.95).unwrap().value().unwrap();
                prop_assert!(l2 >= l);
            }
        }
    }

    #[test]
    fn sequential_evidence_grows_with_errors(c in counts(), factor in 1.5f64..100.0) {
        let o = Objective::new(0.999).unwrap();
        let t = SequentialBurnTest::new(o, factor, canary_judge::Alpha::ONE_PERCENT).unwrap();
        let e = t.ln_e_value(c);
        prop_assert!(e.is_finite());
        if c.events() < c.total() {
            let more = EventCounts::new(c.events() + 1, c.total()).unwrap();
            prop_assert!(t.ln_e_value(more) > e);
        }
    }

    #[test]
    fn evaluation_never_panics_and_firing_needs_both_windows(
        series in prop::collection::vec(counts(), 1..400),
        o in objective(),
    ) {
        let s = Series::new(Duration::from_secs(60), &series).unwrap();
        let set = tiers::sloth(tiers::thirty_days()).unwrap();
        let e = evaluate(o, &set, &s, &Options::default()).unwrap();
        for (r, t) in e.tiers.iter().zip(&set) {
            for b in [r.long_burn, r.short_burn] {
                prop_assert!(b.value().is_none_or(f64::is_finite));
            }
            if r.state == TierState::Firing {
                prop_assert!(r.long_burn.exceeds(t.factor * (1.0 - 1e-9)));
                prop_assert!(r.long_tripped && r.short_tripped);
            }
        }
    }

    #[test]
    fn counter_functions_never_panic(
        samples in prop::collection::vec((-1e6f64..1e6, -10.0f64..1e9), 0..20),
        start in -1e6f64..1e6,
        len in -10.0f64..1e6,
    ) {
        if let Ok(Some(v)) = counters::increase(&samples) {
            prop_assert!(v.is_finite() && v >= 0.0);
        }
        if let Ok(Some(v)) = counters::increase_extrapolated(&samples, start, start + len) {
            prop_assert!(v.is_finite() && v >= 0.0);
        }
        let _ = counters::interval_counts(&samples, &samples);
    }
}
