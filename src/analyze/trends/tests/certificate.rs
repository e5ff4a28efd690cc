//! `certificate`: warning at 14 days left and not one second before,
//! critical at 3 days, critical once expired; predicted_at is `not_after`.

use super::*;

#[test]
fn fires_at_its_thresholds_and_not_one_second_before() {
    let cases: &[(&str, i64, Option<Level>)] = &[
        ("90 days left", 90 * DAY, None),
        ("14 days + 1 s", 14 * DAY + 1, None),
        ("exactly 14 days", 14 * DAY, Some(Level::Warning)),
        ("3 days + 1 s", 3 * DAY + 1, Some(Level::Warning)),
        ("exactly 3 days", 3 * DAY, Some(Level::Critical)),
        ("one hour", HOUR, Some(Level::Critical)),
        ("expiring now", 0, Some(Level::Critical)),
        ("expired 2 days ago", -2 * DAY, Some(Level::Critical)),
    ];
    for &(name, left, want) in cases {
        let signal = certificate(NOW + left, NOW, &policy());
        assert_eq!(signal.as_ref().map(|s| s.level), want, "{name}");
        if let Some(signal) = signal {
            assert_eq!(
                signal.predicted_at,
                Some(NOW + left),
                "{name}: predicted_at"
            );
        }
    }
}

#[test]
fn summaries() {
    let soon = certificate(NOW + 13 * DAY + 23 * HOUR, NOW, &policy()).expect("soon");
    assert_eq!(
        soon.summary,
        "certificate expires in 13d 23h (on 2025-06-29T14:06:40Z)"
    );
    let expired = certificate(NOW - 2 * DAY, NOW, &policy()).expect("expired");
    assert_eq!(
        expired.summary,
        "certificate expired 2d ago (2025-06-13T15:06:40Z)"
    );
}
