//! `human_duration`: how durations read in summaries and evidence.

use super::*;

#[test]
fn durations_read_like_people_say_them() {
    let cases: &[(&str, i64, &str)] = &[
        ("zero", 0, "under a minute"),
        ("59 s", 59, "under a minute"),
        ("one minute", 60, "1m"),
        ("rounds to the minute", 89, "1m"),
        ("rounds up at 30 s", 90, "2m"),
        ("45 minutes", 45 * MINUTE, "45m"),
        ("whole hours", 6 * HOUR, "6h"),
        ("hours and minutes", 3 * HOUR + 12 * MINUTE, "3h 12m"),
        ("a day reads in hours", DAY, "24h"),
        ("just under two days", 47 * HOUR + 59 * MINUTE, "47h 59m"),
        ("two days", 2 * DAY, "2d"),
        ("days and hours", 13 * DAY + 23 * HOUR, "13d 23h"),
        ("a week", 7 * DAY, "7d"),
        ("negative reads as its size", -(2 * HOUR), "2h"),
    ];
    for &(name, seconds, want) in cases {
        assert_eq!(human_duration(seconds), want, "{name}");
    }
}
