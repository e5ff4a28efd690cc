//! Whole-snapshot outcomes per section: docker, systemd and host failures
//! in hand-framed output, each failing only its own section.

use super::super::{Section, parse};
use super::support::{P, framed, host_ok};

const N: &str = "fixture0nonce";

#[test]
fn docker_failures() {
    let no_daemon = include_str!("../fixtures/docker_no_daemon.txt");
    let denied = include_str!("../fixtures/docker_permission_denied.txt");
    let cases: [(&[P], &str); 6] = [
        (
            &[("ps", "", no_daemon, 1)],
            "containers: docker ps failed with exit status 1: \"Cannot connect to the Docker daemon",
        ),
        (
            &[("ps", "", denied, 1)],
            "containers: docker ps failed with exit status 1: \"permission denied while trying to connect",
        ),
        (
            &[("ps", "", "", 124)],
            "containers: docker ps timed out after 5s",
        ),
        (
            &[("ps", "", "", 0), ("ids", "", "", 124)],
            "containers: docker ps -q timed out after 5s",
        ),
        (
            &[
                ("ps", include_str!("../fixtures/docker_ps.jsonl"), "", 0),
                ("ids", "a", "", 0),
                ("inspect", "", "", 124),
            ],
            "containers: docker inspect timed out after 5s",
        ),
        (
            &[("ps", "<html>", "", 0)],
            "containers: docker ps output line 1 is not valid json",
        ),
    ];
    for (parts, want) in cases {
        let snap = parse(&host_ok(N, &[("containers", parts)]), N);
        let text = snap.containers.problem().unwrap().to_owned();
        assert!(
            snap.containers.is_failed() && text.starts_with(want),
            "{text}"
        );
        assert!(snap.disks.is_ok() && snap.memory.is_ok());
        assert_eq!(snap.failures()[0], ("containers", text.as_str()));
    }
}

#[test]
fn docker_inspect_race_is_tolerated() {
    let ps = include_str!("../fixtures/docker_ps.jsonl");
    let ids = include_str!("../fixtures/docker_ids.txt");
    let inspect = include_str!("../fixtures/docker_inspect_race.json");
    let err = include_str!("../fixtures/docker_inspect_race.stderr");
    let out = host_ok(
        N,
        &[(
            "containers",
            &[
                ("ps", ps, "", 0),
                ("ids", ids, "", 0),
                ("inspect", inspect, err, 1),
            ],
        )],
    );
    let list = parse(&out, N).containers.into_ok().unwrap();
    assert_eq!(list.iter().filter(|c| c.inspect.is_some()).count(), 1);
}

#[test]
fn systemd_outcomes() {
    let booted = include_str!("../fixtures/systemctl_not_booted.txt");
    let show = include_str!("../fixtures/systemctl_show.txt");
    let unavailable = |why: &str| Section::Unavailable(format!("systemd is not running ({why})"));
    let units = |parts: &[P]| parse(&host_ok(N, &[("units", parts)]), N).units;
    assert_eq!(
        units(&[("show", "", booted, 1)]),
        unavailable("system has not been booted with systemd")
    );
    assert_eq!(
        units(&[(
            "show",
            "",
            "Failed to connect to bus: No such file or directory",
            1
        )]),
        unavailable("failed to connect to bus")
    );
    assert_eq!(units(&[("show", show, "", 0)]).ok().map(Vec::len), Some(4));
    assert_eq!(
        units(&[("show", "", "", 124)]),
        Section::Failed("units: systemctl show timed out after 5s".into())
    );
    let e = units(&[("show", "", "", 0)]);
    assert!(
        e.problem()
            .unwrap()
            .starts_with("units: systemctl show printed no units"),
        "{e}"
    );
    let e = units(&[("show", "Id=x\nbroken\n", "", 0)]);
    assert!(
        e.problem()
            .unwrap()
            .starts_with("units: systemctl show output line 2 is not Key=Value"),
        "{e}"
    );
    let e = units(&[("show", "", "Access denied", 4)]);
    assert_eq!(
        e,
        Section::Failed(
            "units: systemctl show failed with exit status 4: \"Access denied\"".into()
        )
    );
}

#[test]
fn host_section_failures() {
    let m = format!("@@medic-{N}");
    let df_partial = include_str!("../fixtures/df_gnu.txt");
    let out = framed(
        N,
        &[
            (
                "disks",
                &[("df", df_partial, "df: /mnt/stale: Stale file handle", 1)],
            ),
            (
                "memory",
                &[(
                    "cat",
                    "",
                    "cat: /proc/meminfo: No such file or directory",
                    1,
                )],
            ),
            ("load", &[("cat", "garbage", "", 0)]),
        ],
    ) + &format!("{m} begin uptime\n{m} part cat\n12.5 1.0\n");
    let snap = parse(&out, N);
    assert!(
        snap.disks.is_ok(),
        "df exit 1 with a listing is partial, not failed"
    );
    assert_eq!(snap.memory, Section::Failed("memory: cat /proc/meminfo failed with exit status 1: \"cat: /proc/meminfo: No such file or directory\"".into()));
    assert!(
        snap.load
            .problem()
            .unwrap()
            .starts_with("load: /proc/loadavg is not")
    );
    assert_eq!(
        snap.uptime_seconds,
        Section::Failed("uptime: section truncated in probe output".into())
    );
    let out = framed(N, &[("disks", &[("df", "", "", 124)])]);
    assert_eq!(
        parse(&out, N).disks,
        Section::Failed("disks: df timed out after 5s".into())
    );
    let out = framed(
        N,
        &[(
            "disks",
            &[(
                "df",
                "Filesystem Type 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 ext4 1\n",
                "",
                0,
            )],
        )],
    );
    assert!(
        parse(&out, N)
            .disks
            .problem()
            .unwrap()
            .starts_with("disks: df output line 2 has fewer than 7 columns")
    );
}
