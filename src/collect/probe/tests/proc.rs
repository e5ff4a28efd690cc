//! `/proc` parsers on recorded and hand-made files.

use super::super::proc::{parse_loadavg, parse_meminfo, parse_uptime};

#[test]
fn meminfo_recorded() {
    let m = parse_meminfo(include_str!("../fixtures/meminfo.txt")).unwrap();
    assert_eq!(m.total_bytes, 24_684_084 * 1024);
    assert!(m.available_bytes.unwrap() > 0);
    assert_eq!((m.swap_total_bytes, m.swap_free_bytes), (0, 0));
    assert_eq!(m.swap_used_percent(), 0.0);
    let used = m.used_percent().unwrap();
    assert!((0.0..100.0).contains(&used), "{used}");
}

#[test]
fn meminfo_old_kernel_has_no_available() {
    let m = parse_meminfo(include_str!("../fixtures/meminfo_old_kernel.txt")).unwrap();
    assert_eq!(m.total_bytes, 1_922_136 * 1024);
    assert_eq!(m.available_bytes, None);
    assert_eq!(m.used_percent(), None);
    assert_eq!(m.swap_total_bytes, 4_128_764 * 1024);
    assert_eq!(m.swap_free_bytes, 4_102_508 * 1024);
}

#[test]
fn meminfo_garbage() {
    for bad in [
        "",
        "hello",
        "MemTotal: lots kB",
        "MemFree: 1 kB\n",
        "<html>",
    ] {
        let e = parse_meminfo(bad).unwrap_err().to_string();
        assert!(e.starts_with("/proc/meminfo "), "{e}");
    }
}

#[test]
fn loadavg_recorded_and_literal() {
    let l = parse_loadavg(include_str!("../fixtures/loadavg.txt")).unwrap();
    assert!(l.total >= l.running && l.total > 0);
    let l = parse_loadavg("0.61 0.29 0.11 2/138 21627\n").unwrap();
    assert_eq!(
        (l.one, l.five, l.fifteen, l.running, l.total),
        (0.61, 0.29, 0.11, 2, 138)
    );
}

#[test]
fn loadavg_garbage() {
    for bad in [
        "",
        "0.1 0.2",
        "0.1 0.2 0.3 4 5",
        "a b c 1/2 3",
        "0.1 0.2 0.3 x/2 3",
        "NaN 1 1 1/1 1",
    ] {
        let e = parse_loadavg(bad).unwrap_err().to_string();
        assert!(e.starts_with("/proc/loadavg is not"), "{e}");
    }
}

#[test]
fn uptime_recorded_and_garbage() {
    assert!(parse_uptime(include_str!("../fixtures/uptime.txt")).unwrap() > 0.0);
    assert_eq!(parse_uptime("348.73 370.95\n").unwrap(), 348.73);
    for bad in ["", "up 3 days", "-1 2", "inf 1"] {
        assert!(parse_uptime(bad).is_err(), "{bad}");
    }
}
