//! The real script run by dash and BusyBox sh on this machine, with PATH
//! variations and fake `docker` / `systemctl` commands.

use std::path::Path;
use std::time::Duration;

use super::super::{HostSnapshot, ProbeSpec, Section, new_nonce, parse, script};
use super::support::{TempDir, run, shells};

fn spec(units: &[&str], timeout: u32) -> ProbeSpec {
    ProbeSpec {
        containers: true,
        units: units.iter().map(|u| u.to_string()).collect(),
        section_timeout_secs: timeout,
    }
}

fn probe(shell: &[String], spec: &ProbeSpec, path: Option<&Path>) -> (HostSnapshot, Duration) {
    let nonce = new_nonce();
    let (out, took) = run(shell, &script(spec, &nonce), path);
    (parse(&out, &nonce), took)
}

fn assert_host_ok(snap: &HostSnapshot, shell: &[String]) {
    assert!(
        snap.hostname.as_deref().is_some_and(|h| !h.is_empty()),
        "{shell:?}"
    );
    assert!(
        snap.disks
            .ok()
            .is_some_and(|d| d.iter().any(|f| f.mount == "/")),
        "{shell:?} {}",
        snap.disks
    );
    assert!(
        snap.memory.ok().is_some_and(|m| m.total_bytes > 0),
        "{shell:?} {}",
        snap.memory
    );
    assert!(
        snap.load.is_ok() && snap.uptime_seconds.is_ok(),
        "{shell:?}"
    );
}

/// A PATH with only the tools the script needs, plus `extra` scripts.
fn bare_path(extra: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new("path");
    dir.link(&["sh", "cat", "df", "timeout", "sleep"]);
    for (name, body) in extra {
        dir.script(name, body);
    }
    dir
}

fn docker_works() -> bool {
    std::process::Command::new("docker")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn real_path() {
    let booted = Path::new("/run/systemd/system").exists();
    for shell in shells() {
        let (snap, _) = probe(&shell, &spec(&["cron", "ssh.service"], 10), None);
        assert_host_ok(&snap, &shell);
        if docker_works() {
            assert!(snap.containers.is_ok(), "{shell:?} {}", snap.containers);
        }
        if booted {
            assert!(
                snap.units.ok().is_some_and(|u| u.len() == 2),
                "{}",
                snap.units
            );
        } else {
            let want = "systemd is not running (system has not been booted with systemd)";
            assert_eq!(snap.units, Section::Unavailable(want.into()), "{shell:?}");
        }
        let (snap, _) = probe(
            &shell,
            &ProbeSpec {
                containers: false,
                units: vec![],
                section_timeout_secs: 5,
            },
            None,
        );
        assert_eq!(
            snap.containers,
            Section::Unavailable("not requested".into())
        );
        assert_eq!(snap.units, Section::Unavailable("not requested".into()));
    }
}

#[test]
fn host_without_docker_or_systemctl() {
    let dir = bare_path(&[]);
    for shell in shells() {
        let (snap, _) = probe(&shell, &spec(&["cron"], 5), Some(dir.path()));
        assert_host_ok(&snap, &shell);
        assert_eq!(
            snap.containers,
            Section::Unavailable("docker is not installed".into()),
            "{shell:?}"
        );
        assert_eq!(
            snap.units,
            Section::Unavailable("systemd is not running (systemctl not found)".into())
        );
    }
}

#[test]
fn hung_docker_fails_only_its_section() {
    // GNU timeout kills the whole process group, so a child `sleep` dies too;
    // BusyBox timeout kills only the command, so that fake execs.
    let dir = bare_path(&[("docker", "#!/bin/sh\nsleep 10\n")]);
    let bb_dir = bare_path(&[("docker", "#!/bin/sh\nexec sleep 10\n")]);
    for shell in shells() {
        let path = if shell.len() > 1 {
            bb_dir.path()
        } else {
            dir.path()
        };
        let (snap, took) = probe(&shell, &spec(&[], 1), Some(path));
        assert_eq!(
            snap.containers,
            Section::Failed("containers: docker ps timed out after 1s".into()),
            "{shell:?}"
        );
        assert_host_ok(&snap, &shell);
        assert!(took < Duration::from_secs(3), "{shell:?} took {took:?}");
    }
}

#[test]
fn garbage_or_failing_docker_fails_only_its_section() {
    let garbage = bare_path(&[(
        "docker",
        "#!/bin/sh\necho '<html><body>hello</body></html>'\n",
    )]);
    let refused = bare_path(&[(
        "docker",
        "#!/bin/sh\necho 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2\nexit 1\n",
    )]);
    for shell in shells() {
        let (snap, _) = probe(&shell, &spec(&[], 5), Some(garbage.path()));
        let text = snap.containers.problem().unwrap_or_default().to_owned();
        assert!(
            snap.containers.is_failed()
                && text.contains("is not valid json")
                && text.contains("<html>"),
            "{text}"
        );
        assert_host_ok(&snap, &shell);
        let (snap, _) = probe(&shell, &spec(&[], 5), Some(refused.path()));
        let text = snap.containers.problem().unwrap_or_default();
        assert!(
            text.contains("exit status 1: \"Cannot connect to the Docker daemon"),
            "{text}"
        );
    }
}

#[test]
fn unit_names_are_inert_and_arrive_intact() {
    let marker = std::env::temp_dir().join(format!("medic-pwned-{}", new_nonce()));
    let m = marker.display();
    let names = [
        format!("x'; touch {m}; '"),
        format!("$(touch {m})"),
        format!("`touch {m}`"),
        format!("a\"; touch {m}; \""),
        "-H".to_owned(),
        "plain.service".to_owned(),
    ];
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    // The real systemctl (not booted here) and a fake one that echoes its
    // unit arguments back as `Id=` blocks.
    let echo = "#!/bin/sh\nwhile [ \"$1\" != -- ]; do shift; done\nshift\nfor u in \"$@\"; do\n  printf 'Id=%s\\nLoadState=not-found\\n\\n' \"$u\"\ndone\n";
    let fake = bare_path(&[("systemctl", echo)]);
    for shell in shells() {
        // On a systemd host systemctl may reject these names (Failed); what
        // matters is that nothing ran.
        let (snap, _) = probe(&shell, &spec(&names, 5), None);
        if !Path::new("/run/systemd/system").exists() {
            assert!(snap.units.is_unavailable(), "{}", snap.units);
        }
        let (snap, _) = probe(&shell, &spec(&names, 5), Some(fake.path()));
        let ids: Vec<String> = snap
            .units
            .into_ok()
            .unwrap()
            .into_iter()
            .map(|u| u.id)
            .collect();
        assert_eq!(ids, names, "{shell:?}");
    }
    assert!(!marker.exists(), "a unit name was executed");
}

#[test]
fn script_fed_on_stdin_to_sh_s() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    for shell in shells() {
        let nonce = new_nonce();
        let mut child = Command::new(&shell[0])
            .args(&shell[1..])
            .arg("-s")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let text = script(&spec(&["cron"], 5), &nonce);
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let snap = parse(&String::from_utf8_lossy(&out.stdout), &nonce);
        assert_host_ok(&snap, &shell);
        assert!(!snap.units.is_failed(), "{shell:?} {}", snap.units);
        if docker_works() {
            assert!(snap.containers.is_ok(), "{shell:?} {}", snap.containers);
        }
    }
}
