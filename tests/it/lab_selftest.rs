//! The lab's self-tests: proof that its real parts behave as medic will see
//! them (real sshd, shims in the real formats, the real Docker Engine), that
//! faults act as documented, and that nothing is left behind.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::lab::{
    FakeContainer, FakeUnit, GIB, Host, LAB_LABEL, Lab, RealContainer, call_line, shell_quote,
    ssh_ok as ok, stderr, stdout,
};
use serde_json::Value;

fn ps_lines(host: &Host) -> Vec<Value> {
    ok(host, "docker ps -a --no-trunc --format '{{json .}}'")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn ps_of(host: &Host, name: &str) -> Value {
    ps_lines(host)
        .into_iter()
        .find(|v| v["Names"] == name)
        .unwrap_or_else(|| panic!("no {name} in docker ps on {}", host.name()))
}

/// Processes whose command line mentions `needle` (a lab's directory).
fn processes_mentioning(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(cmdline) = fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(needle) {
            found.push(format!(
                "{}: {cmdline}",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    found
}

fn containers_labelled(lab_id: &str) -> String {
    let out = std::process::Command::new("docker")
        .args([
            "ps",
            "-aq",
            "--filter",
            &format!("label={LAB_LABEL}={lab_id}"),
        ])
        .output()
        .expect("docker runs");
    stdout(&out)
}

fn four_host_lab() -> Lab {
    Lab::new()
        .host("nas", |h| {
            h.container(
                FakeContainer::running("calibre")
                    .healthy()
                    .label("com.docker.compose.project", "books"),
            )
            .container(FakeContainer::exited("pihole", 1).logs("starting\nboom\n"))
            .container(FakeContainer::restarting("sonarr"))
            .unit(FakeUnit::active("nginx.service"))
            .unit(FakeUnit::failed("backup.service", "exit-code"))
            .disk("/", 100 * GIB, 40 * GIB)
            .disk("/data", 4000 * GIB, 3900 * GIB)
        })
        .host("pi", |h| {
            h.container(FakeContainer::running("homeassistant").unhealthy())
        })
        .host("bare", |h| h.without_docker().systemd_not_booted())
        .real_docker_host("dock", |h| {
            h.real_container(RealContainer::new("web").cmd([
                "sh",
                "-c",
                "touch /tmp/ok; exec sleep 100000",
            ]))
        })
        .start()
}

#[test]
fn four_hosts_answer_over_real_ssh_in_real_formats_and_leave_nothing_behind() {
    let started = Instant::now();
    let lab = four_host_lab();
    println!(
        "start() of 3 shim hosts + 1 real-docker host: {:?}",
        started.elapsed()
    );
    let nas = lab.host("nas");

    // docker ps: one JSON object per line, the fake containers.
    let lines = ps_lines(nas);
    assert_eq!(lines.len(), 3);
    let calibre = ps_of(nas, "calibre");
    assert_eq!(calibre["State"], "running");
    assert_eq!(calibre["Status"], "Up 2 hours (healthy)");
    assert_eq!(calibre["Labels"], "com.docker.compose.project=books");
    assert_eq!(calibre["ID"].as_str().map(str::len), Some(64));
    assert_eq!(ps_of(nas, "pihole")["Status"], "Exited (1) 3 minutes ago");
    assert_eq!(ps_of(nas, "sonarr")["State"], "restarting");
    let ids = ok(nas, "docker ps -aq --no-trunc");
    assert_eq!(ids.lines().count(), 3);
    assert!(ids.lines().all(|id| id.len() == 64));

    // docker inspect: a JSON array; State.ExitCode and friends.
    let inspect: Value = serde_json::from_str(&ok(
        nas,
        &format!(
            "docker inspect pihole {}",
            calibre["ID"].as_str().expect("id")
        ),
    ))
    .expect("inspect is JSON");
    assert_eq!(inspect[0]["Name"], "/pihole");
    assert_eq!(inspect[0]["State"]["ExitCode"], 1);
    assert_eq!(inspect[0]["State"]["Running"], false);
    assert_eq!(inspect[1]["State"]["Health"]["Status"], "healthy");
    assert_eq!(
        inspect[1]["Config"]["Labels"]["com.docker.compose.project"],
        "books"
    );
    assert_eq!(inspect[1]["HostConfig"]["RestartPolicy"]["Name"], "no");

    // An unknown name: error on stderr, exit 1, the known ones still printed.
    let out = nas.ssh("docker inspect calibre nope");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "Error: No such object: nope\n");
    let partial: Value = serde_json::from_str(&stdout(&out)).expect("still JSON");
    assert_eq!(partial.as_array().map(Vec::len), Some(1));
    let none = nas.ssh("docker inspect nope");
    assert_eq!(stdout(&none), "[]\n");

    assert_eq!(ok(nas, "docker logs --tail 1 pihole"), "boom\n");

    // systemctl show: Key=Value blocks separated by a blank line.
    let show = ok(
        nas,
        "systemctl show -p ActiveState,SubState,LoadState,Result,NRestarts nginx.service backup.service gone.service",
    );
    let blocks: Vec<&str> = show.split("\n\n").collect();
    assert_eq!(blocks.len(), 3, "{show}");
    assert!(blocks[0].contains("ActiveState=active") && blocks[0].contains("SubState=running"));
    assert!(blocks[1].contains("ActiveState=failed") && blocks[1].contains("Result=exit-code"));
    assert!(
        blocks[2].contains("LoadState=not-found") && blocks[2].contains("ActiveState=inactive")
    );
    assert!(!show.contains("Id="), "only the asked properties: {show}");
    let unix = ok(
        nas,
        "systemctl show -p ActiveEnterTimestamp --timestamp=unix nginx",
    );
    assert!(unix.starts_with("ActiveEnterTimestamp=@"), "{unix}");

    // df -PTk: the disks set for the host, GNU layout.
    let df = ok(nas, "df -PTk");
    let rows: Vec<&str> = df.lines().collect();
    assert_eq!(
        rows[0],
        "Filesystem     Type 1024-blocks       Used Available Capacity Mounted on"
    );
    assert_eq!(
        rows[1],
        "/dev/vda1      ext4   104857600   41943040  62914560      40% /"
    );
    assert!(rows[2].ends_with(" 98% /data"), "{df}");

    // The host environment: its own PATH, /proc is real.
    assert!(
        ok(nas, "echo $MEDIC_LAB_STATE")
            .trim()
            .ends_with("/nas/state")
    );
    assert!(ok(nas, "cat /proc/loadavg").split_whitespace().count() == 5);

    // A host without docker has none, even though this machine does.
    let bare = lab.host("bare");
    let out = bare.ssh("command -v docker");
    assert!(!out.status.success(), "docker found: {}", stdout(&out));
    let out = bare.ssh("systemctl show -p ActiveState nginx");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "System has not been booted with systemd as init system (PID 1). Can't operate.\n\
         Failed to connect to bus: Host is down\n"
    );

    assert_eq!(
        ps_of(lab.host("pi"), "homeassistant")["Status"],
        "Up 2 hours (unhealthy)"
    );

    // The real-docker host: the real CLI shows the real container.
    let dock = lab.host("dock");
    let web = lab.real_container("web");
    assert_eq!(web.name(), format!("medic-lab-{}-web", lab.id()));
    assert!(ok(dock, "readlink \"$(command -v docker)\"").trim() == "/usr/bin/docker");
    let real = ps_of(dock, web.name());
    assert_eq!(real["State"], "running");
    assert!(
        real["Status"]
            .as_str()
            .is_some_and(|s| s.starts_with("Up ")),
        "{real}"
    );
    web.kill();
    let inspect: Value =
        serde_json::from_str(&ok(dock, &format!("docker inspect {}", web.name()))).expect("JSON");
    assert_eq!(inspect[0]["State"]["ExitCode"], 137);
    assert_eq!(inspect[0]["State"]["Status"], "exited");
    web.start();
    assert_eq!(web.inspect()["State"]["Running"], true);

    // The inventory names every host.
    let yaml = lab.inventory_yaml();
    assert!(
        yaml.contains(&format!(
            "  nas:\n    address: 127.0.0.1\n    port: {}\n",
            nas.port()
        )),
        "{yaml}"
    );
    assert!(
        yaml.contains("    units: [backup.service, nginx.service]\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains(&format!("    containers: [{}]\n", web.name())),
        "{yaml}"
    );
    println!("{yaml}");

    // Drop: no sshd, no container, no directory left.
    let dir = lab.dir().to_string_lossy().into_owned();
    let id = lab.id().to_string();
    let pids: Vec<u32> = lab.hosts().iter().filter_map(Host::sshd_pid).collect();
    assert_eq!(pids.len(), 4);
    drop(lab);
    assert_eq!(processes_mentioning(&dir), Vec::<String>::new());
    assert!(
        pids.iter()
            .all(|p| !Path::new(&format!("/proc/{p}")).exists())
    );
    assert_eq!(containers_labelled(&id), "");
    assert!(!Path::new(&dir).exists());
}

#[test]
fn restart_by_name_changes_state_and_is_logged() {
    let lab = Lab::new()
        .host("nas", |h| {
            h.container(FakeContainer::exited("pihole", 1))
                .container(
                    FakeContainer::exited("zombie", 2)
                        .restart_policy("always")
                        .keeps_dying(),
                )
                .container(FakeContainer::running("web").unhealthy())
        })
        .start();
    let nas = lab.host("nas");
    let id = nas.container_id("pihole").expect("an id");

    assert_eq!(ok(nas, "docker restart pihole"), "pihole\n");
    let after = ps_of(nas, "pihole");
    assert_eq!(after["State"], "running");
    assert_eq!(after["Status"], "Up Less than a second");
    assert_eq!(after["ID"], id.as_str(), "a restart keeps the id");
    let inspect: Value = serde_json::from_str(&ok(nas, "docker inspect pihole")).expect("JSON");
    let started = inspect[0]["State"]["StartedAt"]
        .as_str()
        .expect("StartedAt");
    assert!(
        started.parse::<jiff::Timestamp>().is_ok(),
        "StartedAt {started}"
    );
    assert_eq!(nas.container_state("pihole").as_deref(), Some("running"));

    // A container that keeps dying: the restart "works", the state does not.
    assert_eq!(ok(nas, "docker restart zombie"), "zombie\n");
    let inspect: Value = serde_json::from_str(&ok(nas, "docker inspect zombie")).expect("JSON");
    assert_eq!(inspect[0]["State"]["Status"], "restarting");
    assert_eq!(inspect[0]["RestartCount"], 1);

    // Unhealthy, restarted: healthy; stopped and killed: exited.
    ok(nas, "docker restart web");
    assert_eq!(
        ps_of(nas, "web")["Status"],
        "Up Less than a second (healthy)"
    );
    ok(nas, "docker kill web");
    assert_eq!(
        ps_of(nas, "web")["Status"],
        "Exited (137) Less than a second ago"
    );
    let out = nas.ssh("docker kill web");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not running"), "{}", stderr(&out));
    let out = nas.ssh("docker restart nope");
    assert_eq!(
        stderr(&out),
        "Error response from daemon: No such container: nope\n"
    );

    assert_eq!(
        nas.docker_calls(),
        [
            "docker restart pihole",
            "docker ps -a --no-trunc --format '{{json .}}'",
            "docker inspect pihole",
            "docker restart zombie",
            "docker inspect zombie",
            "docker restart web",
            "docker ps -a --no-trunc --format '{{json .}}'",
            "docker kill web",
            "docker ps -a --no-trunc --format '{{json .}}'",
            "docker kill web",
            "docker restart nope",
        ]
    );

    // The test changes the world between runs.
    nas.clear_calls();
    nas.set_container(FakeContainer::exited("pihole", 137).oom_killed());
    let inspect: Value = serde_json::from_str(&ok(nas, "docker inspect pihole")).expect("JSON");
    assert_eq!(inspect[0]["Id"], id.as_str(), "set_container keeps the id");
    assert_eq!(inspect[0]["State"]["OOMKilled"], true);
    assert_eq!(inspect[0]["State"]["ExitCode"], 137);
    nas.remove_container("zombie");
    assert_eq!(ps_lines(nas).len(), 2);
    assert_eq!(nas.docker_calls().len(), 2);
}

#[test]
fn a_hostile_container_name_restarts_by_name_and_injects_nothing() {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let marker = format!("/tmp/medic-lab-pwned-{}-{nanos}", std::process::id());
    let name = format!("x; touch {marker}");
    let name2 = format!("$(touch {marker})*");
    let lab = Lab::new()
        .host("nas", |h| {
            h.container(FakeContainer::exited(&name, 1))
                .container(FakeContainer::exited(&name2, 1))
                .unit(FakeUnit::failed(
                    &format!("`touch {marker}`.service"),
                    "exit-code",
                ))
        })
        .start();
    let nas = lab.host("nas");
    for n in [&name, &name2] {
        assert_eq!(
            ok(nas, &format!("docker restart {}", shell_quote(n))),
            format!("{n}\n")
        );
        assert_eq!(nas.container_state(n).as_deref(), Some("running"));
        ok(
            nas,
            &format!("docker inspect {} >/dev/null", shell_quote(n)),
        );
        ok(nas, &format!("docker logs --tail 5 {}", shell_quote(n)));
    }
    let unit = format!("`touch {marker}`.service");
    ok(nas, &format!("systemctl restart {}", shell_quote(&unit)));
    ok(
        nas,
        &format!(
            "systemctl show {} {}",
            shell_quote(&unit),
            shell_quote(&format!("$(touch {marker})"))
        ),
    );
    assert_eq!(nas.unit_state(&unit).as_deref(), Some("active"));
    assert_eq!(
        nas.docker_calls()[0],
        call_line("docker", &["restart", &name])
    );
    assert!(!Path::new(&marker).exists(), "the shim ran part of a name");
}

#[test]
fn systemctl_restarts_units_and_fails_when_told() {
    let lab = Lab::new()
        .host("nas", |h| {
            h.unit(FakeUnit::failed("nginx.service", "start-limit-hit"))
                .unit(FakeUnit::failed("flaky.service", "exit-code").keeps_failing())
        })
        .start();
    let nas = lab.host("nas");
    ok(nas, "systemctl restart nginx.service");
    let show = ok(nas, "systemctl show -p ActiveState,Result,NRestarts nginx");
    assert_eq!(show, "Result=success\nNRestarts=5\nActiveState=active\n");
    assert_eq!(ok(nas, "systemctl is-active nginx"), "active\n");

    let out = nas.ssh("systemctl restart flaky.service");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("Job for flaky.service failed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(nas.unit_state("flaky.service").as_deref(), Some("failed"));

    let out = nas.ssh("systemctl restart gone.service");
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(
        stderr(&out),
        "Failed to restart gone.service: Unit gone.service not found.\n"
    );
    assert_eq!(
        nas.systemctl_calls(),
        [
            "systemctl restart nginx.service",
            "systemctl show -p ActiveState,Result,NRestarts nginx",
            "systemctl is-active nginx",
            "systemctl restart flaky.service",
            "systemctl restart gone.service",
        ]
    );

    nas.set_unit(FakeUnit::active("flaky.service"))
        .systemd_not_booted();
    assert_eq!(nas.ssh("systemctl show flaky").status.code(), Some(1));
    nas.systemd_booted();
    assert!(ok(nas, "systemctl show -p ActiveState flaky").contains("active"));
}

#[test]
fn docker_faults_hang_print_garbage_vanish_and_recover() {
    let lab = Lab::new()
        .host("nas", |h| h.container(FakeContainer::running("calibre")))
        .start();
    let nas = lab.host("nas");

    nas.docker_prints("this is not json\n");
    assert_eq!(
        ok(nas, "docker ps -a --no-trunc --format '{{json .}}'"),
        "this is not json\n"
    );

    nas.docker_hangs(30);
    let started = Instant::now();
    let out = nas.ssh("timeout 1 docker ps -a --no-trunc --format '{{json .}}'");
    assert_eq!(out.status.code(), Some(124), "timeout's exit code");
    assert!(started.elapsed() < Duration::from_secs(5));

    nas.docker_daemon_down();
    let out = nas.ssh("docker ps");
    assert!(stderr(&out).starts_with("Cannot connect to the Docker daemon"));

    nas.without_docker();
    assert!(!nas.ssh("command -v docker").status.success());

    nas.docker_ok();
    assert_eq!(ps_lines(nas).len(), 1);
    nas.set_disk("/", 10 * GIB, 10 * GIB);
    assert!(ok(nas, "df -PTk").contains(" 100% /\n"));
}

#[test]
fn stopped_sshd_refuses_connections_at_once_and_comes_back() {
    let lab = Lab::new().host("nas", |h| h).start();
    let nas = lab.host("nas");
    let port = nas.port();
    // An open multiplexed connection (what medic keeps per host) ends too.
    let socket = lab.dir().join("mux.sock");
    let master = nas
        .ssh_command()
        .args(["-M", "-S"])
        .arg(&socket)
        .args(["-o", "ControlPersist=60", "-f", "-N"])
        .arg(nas.destination())
        .status()
        .expect("ssh runs");
    assert!(master.success());
    let check = |socket: &Path| {
        nas.ssh_command()
            .arg("-S")
            .arg(socket)
            .args(["-O", "check"])
            .arg(nas.destination())
            .output()
            .expect("ssh runs")
            .status
            .success()
    };
    assert!(check(&socket), "the master is up");
    nas.stop_sshd();
    let deadline = Instant::now() + Duration::from_secs(5);
    while check(&socket) {
        assert!(Instant::now() < deadline, "the master outlived its sshd");
        std::thread::sleep(Duration::from_millis(50));
    }
    let started = Instant::now();
    let out = nas.ssh("true");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("Connection refused"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    nas.start_sshd();
    assert_eq!(nas.port(), port);
    ok(nas, "true");
}

#[test]
fn a_changed_host_key_fails_verification() {
    let lab = Lab::new().host("nas", |h| h).host("other", |h| h).start();
    let nas = lab.host("nas");
    ok(nas, "true");
    nas.change_host_key();
    let out = nas.ssh("true");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("Host key verification failed"),
        "{}",
        stderr(&out)
    );
    ok(lab.host("other"), "true");
}

#[test]
fn a_frozen_host_times_out_and_thaws() {
    let lab = Lab::new().host("nas", |h| h).start();
    let nas = lab.host("nas");
    nas.freeze();
    let started = Instant::now();
    let out = nas
        .ssh_command()
        .args(["-o", "ConnectTimeout=2"])
        .arg(nas.destination())
        .arg("true")
        .output()
        .expect("ssh runs");
    let took = started.elapsed();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));
    assert!(took < Duration::from_millis(3500), "took {took:?}");
    println!(
        "frozen host: ssh gave up after {took:?}: {}",
        stderr(&out).trim()
    );
    nas.thaw();
    ok(nas, "true");
    // Dropping a frozen lab still ends its sshd.
    nas.freeze();
    let pid = nas.sshd_pid().expect("running");
    drop(lab);
    assert!(!Path::new(&format!("/proc/{pid}")).exists());
}

#[test]
fn real_health_checks_run_on_the_real_engine() {
    let lab = Lab::new()
        .real_docker_host("dock", |h| {
            h.real_container(
                RealContainer::new("api")
                    .cmd(["sh", "-c", "touch /tmp/ok; exec sleep 100000"])
                    .health_cmd("test -f /tmp/ok")
                    .health_interval_secs(1)
                    .health_retries(1),
            )
        })
        .start();
    let api = lab.real_container("api");
    api.wait_for_health("healthy", Duration::from_secs(20));
    api.exec("rm /tmp/ok");
    api.wait_for_health("unhealthy", Duration::from_secs(20));
    let line = ps_of(lab.host("dock"), api.name());
    assert!(
        line["Status"]
            .as_str()
            .is_some_and(|s| s.ends_with("(unhealthy)")),
        "{line}"
    );
    assert_eq!(
        ok(lab.host("dock"), &format!("docker restart {}", api.name())),
        format!("{}\n", api.name())
    );
    api.wait_for_health("healthy", Duration::from_secs(20));
}

#[test]
fn a_panicking_test_still_cleans_up() {
    let (tx, rx) = std::sync::mpsc::channel();
    let result = std::thread::spawn(move || {
        let lab = Lab::new()
            .host("nas", |h| h)
            .real_docker_host("dock", |h| h.real_container(RealContainer::new("doomed")))
            .start();
        tx.send((
            lab.dir().to_string_lossy().into_owned(),
            lab.id().to_string(),
        ))
        .expect("send");
        panic!("a test fails with its lab running");
    })
    .join();
    assert!(result.is_err());
    let (dir, id) = rx.recv().expect("the lab started");
    assert_eq!(processes_mentioning(&dir), Vec::<String>::new());
    assert_eq!(containers_labelled(&id), "");
    assert!(!Path::new(&dir).exists());
}

#[test]
fn start_up_timings() {
    for n in [3usize, 20] {
        let started = Instant::now();
        let mut builder = Lab::new();
        for i in 0..n {
            builder = builder.host(&format!("h{i}"), |h| {
                h.container(FakeContainer::running("app"))
                    .unit(FakeUnit::active("nginx"))
            });
        }
        let lab = builder.start();
        let took = started.elapsed();
        println!("start() of {n} shim hosts: {took:?}");
        let first = Instant::now();
        ok(&lab.hosts()[n - 1], "docker ps -aq --no-trunc");
        println!("first ssh command on a {n}-host lab: {:?}", first.elapsed());
        let dropped = Instant::now();
        drop(lab);
        println!("drop of {n} hosts: {:?}", dropped.elapsed());
        if n == 3 {
            assert!(took < Duration::from_secs(2), "3 hosts took {took:?}");
        }
    }
}
