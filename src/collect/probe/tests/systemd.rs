//! `systemctl show` parser on hand-written output in systemd's format.

use super::super::systemd::parse_units;

#[test]
fn several_units() {
    let units = parse_units(include_str!("../fixtures/systemctl_show.txt")).unwrap();
    let ids: Vec<_> = units.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "nginx.service",
            "backup.service",
            "nosuch.service",
            "worker@1.service"
        ]
    );

    let nginx = &units[0];
    assert_eq!(
        (nginx.active_state.as_str(), nginx.sub_state.as_str()),
        ("active", "running")
    );
    assert_eq!(nginx.memory_current, Some(5_718_016));
    assert_eq!(nginx.exec_main_exit_timestamp, None);
    assert_eq!(
        nginx.active_enter_timestamp.as_deref(),
        Some("Wed 2024-05-01 10:00:00 UTC")
    );

    let backup = &units[1];
    assert!(backup.is_failed());
    assert_eq!(backup.result, "exit-code");
    assert_eq!(
        (
            backup.n_restarts,
            backup.exec_main_code,
            backup.exec_main_status
        ),
        (Some(5), Some(1), Some(203))
    );
    assert_eq!(backup.memory_current, None);

    let missing = &units[2];
    assert!(missing.is_not_found());
    assert_eq!(missing.active_enter_timestamp, None);

    let worker = &units[3];
    assert_eq!(worker.memory_current, None, "2^64-1 means unset");
    assert_eq!(
        (worker.exec_main_code, worker.exec_main_status),
        (Some(2), Some(9))
    );
}

#[test]
fn old_systemd_without_nrestarts() {
    let units = parse_units(include_str!("../fixtures/systemctl_show_old.txt")).unwrap();
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].n_restarts, None);
    assert_eq!(units[0].memory_current, None);
}

#[test]
fn blank_lines_and_crlf() {
    let units =
        parse_units("\n\nId=a.service\r\nLoadState=loaded\r\n\n\n\nId=b.service\n\n").unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(units[0].load_state, "loaded");
    assert_eq!(parse_units("").unwrap(), vec![]);
}

#[test]
fn garbage() {
    let e = parse_units(include_str!("../fixtures/systemctl_not_booted.txt"))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("systemctl show output line 1 is not Key=Value: \"System has not"),
        "{e}"
    );
    let e = parse_units("LoadState=loaded\nActiveState=active\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("without an Id="), "{e}");
    let e = parse_units("Id=a.service\nNRestarts=many\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("line 2 has a NRestarts that is not a number"),
        "{e}"
    );
}
