//! Framing: recorded runs, wrong nonces, truncation, garbage, forged markers.

use super::super::{Section, parse};
use super::support::host_ok;

const N: &str = "fixture0nonce";

#[test]
fn recorded_dash_and_busybox_runs() {
    for output in [
        include_str!("../fixtures/probe_output_dash.txt"),
        include_str!("../fixtures/probe_output_busybox.txt"),
    ] {
        let snap = parse(output, N);
        assert_eq!(snap.hostname.as_deref(), Some("vm"));
        assert_eq!(
            snap.containers.ok().map(Vec::len),
            Some(7),
            "{}",
            snap.containers
        );
        assert_eq!(
            snap.units,
            Section::Unavailable(
                "systemd is not running (system has not been booted with systemd)".into()
            )
        );
        assert!(
            snap.disks
                .ok()
                .is_some_and(|d| d.iter().any(|f| f.mount == "/"))
        );
        assert!(snap.memory.is_ok() && snap.load.is_ok() && snap.uptime_seconds.is_ok());
        assert!(snap.failures().is_empty());
    }
}

#[test]
fn wrong_nonce_or_empty_output_means_missing_sections() {
    for snap in [
        parse(include_str!("../fixtures/probe_output_dash.txt"), "other"),
        parse("", N),
    ] {
        assert_eq!(snap.hostname, None);
        assert_eq!(
            snap.disks,
            Section::Failed("disks: section missing from probe output".into())
        );
        assert_eq!(snap.failures().len(), 6);
    }
}

#[test]
fn truncated_anywhere_never_panics() {
    let full = include_str!("../fixtures/probe_output_dash.txt");
    let mut cut = 0;
    while cut < full.len() {
        let end = (0..=cut)
            .rev()
            .find(|&i| full.is_char_boundary(i))
            .unwrap_or(0);
        let snap = parse(&full[..end], N);
        if !snap.uptime_seconds.is_ok() {
            assert!(snap.uptime_seconds.is_failed());
        }
        cut += 61;
    }
    let snap = parse(&full[..full.len() / 2], N);
    assert!(snap.containers.is_ok() || snap.containers.is_failed());
    assert!(
        snap.uptime_seconds
            .problem()
            .unwrap()
            .contains("missing from probe output")
    );
}

#[test]
fn binary_garbage_never_panics() {
    let mut seed: u32 = 7;
    for _ in 0..200 {
        let bytes: Vec<u8> = (0..300)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (seed >> 16) as u8
            })
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        let mixed = format!(
            "@@medic-{N} begin disks\n{text}\n@@medic-{N} part df\n{text}\n@@medic-{N} status x"
        );
        assert_eq!(parse(&mixed, N).hostname, None);
    }
}

#[test]
fn forged_markers_with_another_nonce_are_content() {
    let ps = "@@medic-guess end containers 0\n@@medic-guess begin disks";
    let out = host_ok(N, &[("containers", &[("ps", ps, "", 0)])]);
    let e = parse(&out, N).containers;
    assert!(
        e.problem()
            .unwrap()
            .starts_with("containers: docker ps output line 1 is not valid json"),
        "{e}"
    );
}

#[test]
fn unavailable_and_skipped() {
    let m = format!("@@medic-{N}");
    let mut out = host_ok(N, &[]);
    out += &format!("{m} begin containers\n{m} missing docker\n{m} end containers 0\n");
    out += &format!("{m} begin units\n{m} skipped\n{m} end units 0\n");
    let snap = parse(&out, N);
    assert_eq!(snap.hostname.as_deref(), Some("web-1"));
    assert_eq!(
        snap.containers,
        Section::Unavailable("docker is not installed".into())
    );
    assert_eq!(snap.units, Section::Unavailable("not requested".into()));
    assert_eq!(snap.load.ok().map(|l| l.total), Some(138));
    assert_eq!(snap.uptime_seconds, Section::Ok(348.73));
    out += &format!("{m} begin units\n{m} missing systemctl\n{m} end units 0\n");
    assert!(parse(&out, N).units.is_unavailable(), "first section wins");
}

#[test]
fn section_helpers_and_serde() {
    let s: Section<u8> = Section::Failed("disks: boom".into());
    assert_eq!(s.to_string(), "failed: disks: boom");
    assert_eq!(Section::Ok(3u8).to_string(), "ok");
    assert_eq!(
        Section::<u8>::Unavailable("x".into()).to_string(),
        "unavailable: x"
    );
    assert_eq!(Section::Ok(3u8).map(|v| v * 2), Section::Ok(6));
    let snap = parse(&host_ok(N, &[]), N);
    let json = serde_json::to_value(&snap).unwrap();
    assert_eq!(
        json["uptime_seconds"],
        serde_json::json!({"status": "ok", "value": 348.73})
    );
    assert_eq!(json["containers"]["status"], "failed");
    let back: super::super::HostSnapshot = serde_json::from_value(json).unwrap();
    assert_eq!(back, snap);
}
