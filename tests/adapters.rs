//! Optional features: serde round trips of configuration and results, ndarray input.

#[cfg(feature = "serde")]
mod serde_round_trips {
    use canary_judge::compare::{Alternative, MannWhitney, MannWhitneyResult};
    use canary_judge::verdict::Verdict;
    use canary_judge::{Direction, EventCounts, Margin, Metric, Policy, Sample};

    #[test]
    fn one_sided_result_survives_json() {
        let b = Sample::new((0..30).map(f64::from)).unwrap();
        let c = Sample::new((0..30).map(|v| f64::from(v) + 4.5)).unwrap();
        let r = MannWhitney::new()
            .alternative(Alternative::Greater)
            .compare(&b, &c)
            .unwrap();
        assert_eq!(r.interval.unwrap().upper, f64::INFINITY);
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"upper\":\"inf\""), "{json}");
        let back: MannWhitneyResult = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn verdict_and_metrics_survive_json() {
        let m = Metric::new(
            "latency",
            Sample::new([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]).unwrap(),
            Sample::new([9.0, 8.0, 10.0, 11.0, 12.0, 13.0, 14.0]).unwrap(),
        )
        .direction(Direction::HigherIsWorse)
        .margin(Margin::Relative(0.1));
        let json = serde_json::to_string(&m).unwrap();
        let back: Metric = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        let v = Policy::default().judge(&[m]).unwrap();
        let back: Verdict = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn deserialisation_validates() {
        assert!(serde_json::from_str::<Sample>(r#"{"values":[1.0,2.0]}"#).is_ok());
        let e = serde_json::from_str::<EventCounts>(r#"{"events":5,"total":4}"#).unwrap_err();
        assert!(
            e.to_string().contains("events must not exceed the total"),
            "{e}"
        );
    }
}

#[cfg(feature = "ndarray")]
#[test]
fn sample_from_ndarray_view() {
    use canary_judge::{NonFinite, Sample};
    let a = ndarray::array![3.0, f64::NAN, 1.0];
    let s = Sample::from_array(a.view(), NonFinite::Drop).unwrap();
    assert_eq!(s.values(), &[3.0, 1.0]);
    assert!(Sample::from_array(a.view(), NonFinite::Reject).is_err());
}
