//! Self-tests of the lab's "broken proxy" parts: a real nginx run as the
//! login user on a lab host, a real HTTP backend, and fake containers that
//! publish ports exactly as the real Docker Engine reports them. Together
//! they are the world medic's proxy repair meets: read the site file and
//! `docker inspect`, rewrite `proxy_pass`, `nginx -t`, `nginx -s reload`,
//! check the site again.

use std::fs;
use std::io::Write;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::fs::MetadataExt;
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::lab::{
    FakeContainer, Host, LAB_USER, Lab, NginxSite, shell_quote, ssh_ok as ok, stderr, stdout,
};

/// An upstream nothing listens on: below the kernel's ephemeral range
/// (32768-60999), so no lab part is ever handed it.
const DEAD_UPSTREAM: &str = "127.0.0.1:18082";
const BOOKS: &str = "books.example.test";

/// Runs `remote` over SSH with `input` on its stdin.
fn ssh_with_input(host: &Host, remote: &str, input: &str) -> Output {
    let mut child = host
        .ssh_command()
        .args(["-o", "ConnectTimeout=5"])
        .arg(host.destination())
        .arg(remote)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ssh");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input.as_bytes())
        .expect("write to ssh");
    child.wait_with_output().expect("ssh ends")
}

/// Whether `pid` is a live (not zombie) process.
fn alive(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let state = stat
            .rfind(')')
            .and_then(|i| stat[i + 1..].trim().chars().next());
        state.is_some_and(|s| s != 'Z')
    })
}

/// Command lines of processes that mention `needle` (the nginx master's
/// names its prefix; its workers are found by pid).
fn processes_mentioning(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(cmdline) = fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(needle) {
            found.push(cmdline);
        }
    }
    found
}

fn proxy_lab() -> Lab {
    Lab::new()
        .host("web", |h| {
            h.nginx(NginxSite {
                server_name: BOOKS,
                upstream: DEAD_UPSTREAM,
            })
        })
        .start()
}

fn books_site(port: u16, upstream: &str) -> String {
    format!(
        "server {{\n    listen 127.0.0.1:{port};\n    server_name {BOOKS};\n\n    \
         location / {{\n        proxy_pass http://{upstream};\n    }}\n}}\n"
    )
}

#[test]
fn a_broken_proxy_is_repaired_over_ssh_as_medic_will() {
    let started = Instant::now();
    let lab = proxy_lab();
    println!(
        "start() of 1 host with a real nginx: {:?}",
        started.elapsed()
    );
    let backend = lab.http_backend("the books backend\n");
    let web = lab.host("web");
    web.set_container(FakeContainer::running("books").publish("127.0.0.1", backend.port(), 80));
    let nginx = web.nginx();

    // Broken: the upstream port is wrong; unknown names get the default.
    assert_eq!(nginx.get(BOOKS).0, 502);
    assert_eq!(nginx.get("other.example.test").0, 404);
    assert_eq!(nginx.url(), format!("http://{BOOKS}:{}/", nginx.port()));

    // What medic reads: the site file and the backend's published port.
    let site = nginx.site_file();
    assert_eq!(
        ok(
            web,
            &format!("cat {}", shell_quote(&site.to_string_lossy()))
        ),
        books_site(nginx.port(), DEAD_UPSTREAM)
    );
    let inspect: Value = serde_json::from_str(&ok(web, "docker inspect books")).expect("JSON");
    let published = &inspect[0]["NetworkSettings"]["Ports"]["80/tcp"][0];
    assert_eq!(published["HostIp"], "127.0.0.1");
    let port = published["HostPort"]
        .as_str()
        .expect("HostPort is a string");
    assert_eq!(port, backend.port().to_string());

    // `nginx` is on the host's PATH and validates as the login user.
    assert_eq!(ok(web, "id -un").trim(), LAB_USER);
    let validate = web.ssh(&nginx.validate_command());
    assert_eq!(validate.status.code(), Some(0), "{}", stderr(&validate));
    assert!(stderr(&validate).contains("test is successful"));

    // Written as medic writes: a temp file in the same directory, then mv.
    let dir = site
        .parent()
        .expect("conf.d")
        .to_string_lossy()
        .into_owned();
    let write = format!(
        "cat > {tmp} && mv {tmp} {site}",
        tmp = shell_quote(&format!("{dir}/.books.conf.medic-tmp")),
        site = shell_quote(&site.to_string_lossy())
    );
    let broken = books_site(nginx.port(), "127.0.0.1:1").replace("proxy_pass", "proxy_pas");
    let out = ssh_with_input(web, &write, &broken);
    assert!(out.status.success(), "{}", stderr(&out));
    let invalid = web.ssh(&nginx.validate_command());
    assert_eq!(invalid.status.code(), Some(1));
    assert!(
        stderr(&invalid).contains("unknown directive \"proxy_pas\""),
        "{}",
        stderr(&invalid)
    );
    // A reload of a broken file changes nothing: nginx parses first.
    assert_eq!(web.ssh(&nginx.reload_command()).status.code(), Some(1));
    assert_eq!(nginx.get(BOOKS).0, 502);

    let fixed = books_site(nginx.port(), &format!("127.0.0.1:{port}"));
    let out = ssh_with_input(web, &write, &fixed);
    assert!(out.status.success(), "{}", stderr(&out));
    let meta = fs::metadata(&site).expect("site file");
    let owner = fs::metadata(&dir).expect("conf.d").uid();
    assert_eq!(meta.uid(), owner, "the site file is the login user's");
    assert_eq!(ok(web, &nginx.validate_command()), "");
    let master = nginx.pid().expect("nginx runs");
    let reloaded = Instant::now();
    ok(web, &nginx.reload_command());
    // `get` waits for the reload in flight to settle, then asks.
    assert_eq!(nginx.get(BOOKS), (200, "the books backend\n".to_string()));
    println!(
        "nginx -s reload over SSH, settled and answered: {:?}",
        reloaded.elapsed()
    );

    // Broken again over SSH: right after the reload returns, the old
    // workers still answer for a while (`get_now` does not wait).
    let out = ssh_with_input(web, &write, &books_site(nginx.port(), DEAD_UPSTREAM));
    assert!(out.status.success(), "{}", stderr(&out));
    ok(web, &nginx.reload_command());
    let reloaded = Instant::now();
    let (mut old, mut new, mut last_old) = (0, 0, Duration::ZERO);
    while reloaded.elapsed() < Duration::from_millis(400) {
        if nginx.get_now(BOOKS, "/").0 == 200 {
            old += 1;
            last_old = reloaded.elapsed();
        } else {
            new += 1;
        }
        thread::sleep(Duration::from_millis(2));
    }
    println!(
        "after `nginx -s reload` returned: {old} answers from the old configuration \
         (the last after {last_old:?}), {new} from the new one"
    );
    assert_eq!(nginx.get(BOOKS).0, 502);
    nginx.set_upstream(&format!("127.0.0.1:{port}"));
    assert_eq!(nginx.pid(), Some(master), "a reload keeps the master");
    assert!(backend.requests() >= 1);

    // Nothing remains after drop: no nginx, no backend, no directory.
    let lab_dir = lab.dir().to_path_buf();
    let workers = nginx.worker_pids();
    assert_eq!(workers.len(), 1, "worker_processes 1");
    let lab_path = lab_dir.to_string_lossy().into_owned();
    let prefix = nginx.prefix().to_string_lossy().into_owned();
    assert_eq!(processes_mentioning(&prefix).len(), 1, "the master");
    let dropped = Instant::now();
    drop(lab);
    println!("drop of the nginx lab: {:?}", dropped.elapsed());
    for pid in workers.iter().chain([&master]) {
        assert!(!alive(*pid), "nginx process {pid} outlived the lab");
    }
    assert_eq!(processes_mentioning(&lab_path), Vec::<String>::new());
    // (Not "the ports refuse": a parallel test may be handed them at once.)
    assert!(!backend.is_running());
    assert!(!lab_dir.exists());
}

#[test]
fn set_upstream_breaks_and_heals_at_once() {
    let lab = proxy_lab();
    let backend = lab.http_backend("healed\n");
    let nginx = lab.nginx();
    assert_eq!(nginx.get(BOOKS).0, 502);
    for _ in 0..3 {
        nginx.set_upstream(&backend.addr());
        // `set_upstream` returns once only the new workers answer.
        for _ in 0..5 {
            assert_eq!(nginx.get_now(BOOKS, "/"), (200, "healed\n".to_string()));
        }
        assert!(
            nginx
                .site_text()
                .contains(&format!("proxy_pass http://{};", backend.addr()))
        );
        nginx.set_upstream(DEAD_UPSTREAM);
        for _ in 0..5 {
            assert_eq!(nginx.get_now(BOOKS, "/").0, 502);
        }
    }
    let stat = Command::new("stat")
        .args(["-c", "%U %a"])
        .arg(nginx.site_file())
        .arg(nginx.conf())
        .output()
        .expect("stat");
    assert_eq!(stdout(&stat), format!("{LAB_USER} 644\nroot 644\n"));
    assert!(nginx.conf().starts_with(nginx.prefix()));
    assert_eq!(
        nginx.reload_command(),
        format!(
            "nginx -s reload -p {} -c {}",
            nginx.prefix().display(),
            nginx.conf().display()
        )
    );
}

#[test]
fn parallel_nginx_labs_do_not_collide() {
    const LABS: usize = 8;
    let started = Instant::now();
    let handles: Vec<_> = (0..LABS)
        .map(|i| {
            thread::spawn(move || {
                let lab = proxy_lab();
                let backend = lab.http_backend(&format!("lab {i}\n"));
                lab.nginx().set_upstream(&backend.addr());
                lab
            })
        })
        .collect();
    let labs: Vec<Lab> = handles
        .into_iter()
        .map(|h| h.join().expect("a lab thread"))
        .collect();
    println!(
        "{LABS} nginx labs started and healed in parallel: {:?}",
        started.elapsed()
    );
    // All alive at once: each answers with its own backend, on its own port.
    let mut ports = Vec::new();
    for (i, lab) in labs.iter().enumerate() {
        assert_eq!(lab.nginx().get(BOOKS), (200, format!("lab {i}\n")));
        ports.push(lab.nginx().port());
    }
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), LABS);
    let dropped = Instant::now();
    drop(labs);
    println!("{LABS} nginx labs dropped: {:?}", dropped.elapsed());
}

#[test]
fn published_ports_show_in_ps_and_inspect() {
    let lab = Lab::new()
        .host("nas", |h| {
            h.container(
                FakeContainer::running("books")
                    .publish("127.0.0.1", 18081, 80)
                    .publish("127.0.0.1", 18443, 443),
            )
            .container(FakeContainer::running("plain"))
            .container(FakeContainer::exited("old", 0).publish("127.0.0.1", 18090, 80))
        })
        .start();
    let nas = lab.host("nas");
    let ps: Vec<Value> = ok(nas, "docker ps -a --no-trunc --format '{{json .}}'")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let ports_of = |name: &str| {
        ps.iter()
            .find(|v| v["Names"] == name)
            .map(|v| v["Ports"].clone())
    };
    assert_eq!(
        ports_of("books"),
        Some(json!("127.0.0.1:18081->80/tcp, 127.0.0.1:18443->443/tcp"))
    );
    assert_eq!(ports_of("plain"), Some(json!("")));
    assert_eq!(ports_of("old"), Some(json!("")), "an exited container");

    let inspect: Value =
        serde_json::from_str(&ok(nas, "docker inspect books plain old")).expect("JSON");
    let bindings = json!({
        "443/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18443"}],
        "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18081"}],
    });
    assert_eq!(inspect[0]["NetworkSettings"]["Ports"], bindings);
    assert_eq!(inspect[0]["HostConfig"]["PortBindings"], bindings);
    assert_eq!(
        inspect[0]["Config"]["ExposedPorts"],
        json!({"443/tcp": {}, "80/tcp": {}})
    );
    assert_eq!(inspect[1]["NetworkSettings"]["Ports"], json!({}));
    assert_eq!(inspect[1]["HostConfig"]["PortBindings"], json!({}));
    assert_eq!(inspect[1]["Config"].get("ExposedPorts"), None);
    let old_binding = json!({"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18090"}]});
    assert_eq!(inspect[2]["NetworkSettings"]["Ports"], json!({}));
    assert_eq!(inspect[2]["HostConfig"]["PortBindings"], old_binding);

    // Starting the exited one brings its ports; stopping takes them away.
    ok(nas, "docker start old");
    let old: Value = serde_json::from_str(&ok(nas, "docker inspect old")).expect("JSON");
    assert_eq!(old[0]["NetworkSettings"]["Ports"], old_binding);
    ok(nas, "docker stop books");
    let books: Value = serde_json::from_str(&ok(nas, "docker inspect books")).expect("JSON");
    assert_eq!(books[0]["NetworkSettings"]["Ports"], json!({}));
    assert_eq!(books[0]["HostConfig"]["PortBindings"], bindings);
}

/// Removes a real container by name, also when the test panics.
struct RemoveOnDrop(String);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["rm", "-f", &self.0])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn docker(args: &[&str]) -> String {
    let out = Command::new("docker").args(args).output().expect("docker");
    assert!(out.status.success(), "docker {args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn fake_ports_have_the_real_engines_shape() {
    // A real container publishing two ports on this machine's engine...
    let (a, b) = (free_port(), free_port());
    let name = format!("medic-lab-ports-{}-{a}", std::process::id());
    let _guard = RemoveOnDrop(name.clone());
    docker(&[
        "run",
        "-d",
        "--name",
        &name,
        "--label",
        "medic-lab=ports-selftest",
        "-p",
        &format!("127.0.0.1:{a}:80"),
        "-p",
        &format!("127.0.0.1:{b}:8080"),
        crate::lab::LAB_IMAGE,
        "sleep",
        "600",
    ]);
    // ...and a fake one declared the same way.
    let lab = Lab::new()
        .host("nas", |h| {
            h.container(
                FakeContainer::running("twin")
                    .publish("127.0.0.1", a, 80)
                    .publish("127.0.0.1", b, 8080),
            )
        })
        .start();
    let nas = lab.host("nas");
    let real: Value = serde_json::from_str(&docker(&["inspect", &name])).expect("JSON");
    let fake: Value = serde_json::from_str(&ok(nas, "docker inspect twin")).expect("JSON");
    for path in [
        "/NetworkSettings/Ports",
        "/HostConfig/PortBindings",
        "/Config/ExposedPorts",
    ] {
        assert_eq!(
            real[0].pointer(path),
            fake[0].pointer(path),
            "{path} differs"
        );
    }
    let format = "{{json .}}";
    let real_ps: Value = serde_json::from_str(&docker(&[
        "ps",
        "--no-trunc",
        "--filter",
        &format!("name=^{name}$"),
        "--format",
        format,
    ]))
    .expect("JSON");
    let fake_ps: Value =
        serde_json::from_str(&ok(nas, "docker ps --no-trunc --format '{{json .}}'")).expect("JSON");
    assert_eq!(real_ps["Ports"], fake_ps["Ports"]);
    assert_eq!(
        real_ps["Ports"],
        format!("127.0.0.1:{a}->80/tcp, 127.0.0.1:{b}->8080/tcp")
    );
}

#[test]
fn nginx_lab_timings() {
    let median = |mut v: Vec<Duration>| {
        v.sort_unstable();
        v[v.len() / 2]
    };
    let (mut plain, mut with_nginx, mut heal, mut drops) = (vec![], vec![], vec![], vec![]);
    for _ in 0..5 {
        let t = Instant::now();
        drop(Lab::new().host("web", |h| h).start());
        plain.push(t.elapsed());
        let t = Instant::now();
        let lab = proxy_lab();
        with_nginx.push(t.elapsed());
        let backend = lab.http_backend("ok");
        let t = Instant::now();
        lab.nginx().set_upstream(&backend.addr());
        heal.push(t.elapsed());
        let t = Instant::now();
        drop(lab);
        drops.push(t.elapsed());
    }
    println!(
        "median of 5: start() of 1 plain host {:?}, of 1 host with nginx {:?}; \
         set_upstream (reload until settled) {:?}; drop with nginx {:?}",
        median(plain),
        median(with_nginx),
        median(heal),
        median(drops)
    );
}
