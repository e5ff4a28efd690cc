//! The broken-proxy scenario with real nginx: a reverse proxy answers 502
//! because its upstream points at the wrong port; medic diagnoses it, backs
//! up and fixes the config through Git, and a person undoes the fix with
//! `git revert`. Plus the guardrails around managed files: a config that
//! fails validation never stays, a hand edit is drift (never overwritten),
//! runs racing through a shared remote lose nothing, and no secret reaches Git.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::lab::{FakeContainer, Lab, NginxSite};
use crate::support::Ops;

/// A dead port: nothing listens below 32768 on these machines.
const WRONG: &str = "127.0.0.1:18082";

struct Scenario {
    lab: Lab,
    site: PathBuf,
    backend_port: u16,
}

/// `app` runs calibre (published on the backend's port), `proxy` runs nginx
/// for books.example.test pointing at `upstream`.
fn scenario(upstream: &str) -> Scenario {
    let lab = Lab::new()
        .host("app", |h| h.container(FakeContainer::running("calibre")))
        .host("proxy", |h| {
            h.nginx(NginxSite {
                server_name: "books.example.test",
                upstream,
            })
        })
        .start();
    let backend = lab.http_backend("<h1>Calibre library</h1>");
    lab.host("app")
        .set_container(FakeContainer::running("calibre").publish(
            "127.0.0.1",
            backend.port(),
            8080,
        ));
    let site = lab.host("proxy").nginx().site_file();
    let backend_port = backend.port();
    Scenario {
        lab,
        site,
        backend_port,
    }
}

/// The lab's inventory with the proxy's site file managed and the check that
/// knows which proxy and which backend serve books.example.test. `proxy` is
/// the last host, so the `files:` lines land under it.
fn inventory(s: &Scenario, extra: &str) -> String {
    let nginx = s.lab.host("proxy").nginx();
    format!(
        "{}    files:\n      {site}:\n        validate: {validate}\n        reload: {reload}\n\
         checks:\n  books:\n    url: {url}\n    connect_to: 127.0.0.1\n    host: proxy\n    body_contains: Calibre\n    timeout: 3s\n\
         {extra}policy:\n  verify_timeout: 10s\n",
        s.lab.inventory_yaml(),
        site = s.site.display(),
        validate = nginx.validate_command(),
        reload = nginx.reload_command(),
        url = nginx.url(),
    )
}

fn links(s: &Scenario) -> String {
    format!(
        "    proxy: {{host: proxy, file: {}}}\n    backend: {{host: app, container: calibre, port: 8080}}\n",
        s.site.display()
    )
}

fn site_text(s: &Scenario) -> String {
    std::fs::read_to_string(&s.site).expect("the site file")
}

#[test]
fn a_proxy_with_the_wrong_upstream_is_diagnosed_backed_up_fixed_and_verified_in_one_run() {
    let s = scenario(WRONG);
    let ops = Ops::with_playbooks(&inventory(&s, &links(&s)));
    let nginx = s.lab.host("proxy").nginx();
    assert_eq!(nginx.get("books.example.test").0, 502);
    let before = site_text(&s);

    let started = Instant::now();
    let run = ops.medic_ok(&["run"]);
    let took = started.elapsed();
    println!("the broken-proxy run took {took:?}");
    assert!(took < Duration::from_secs(30), "{took:?}\n{run}");

    let (status, body) = nginx.get("books.example.test");
    assert_eq!(
        (status, body.contains("Calibre")),
        (200, true),
        "{run}\n{}\n{}",
        ops.medic(&["incidents", "show", "1"]).stdout(),
        ops.medic(&["plan"]).stdout()
    );
    assert!(site_text(&s).contains(&format!("127.0.0.1:{}", s.backend_port)));
    let incident = ops
        .incidents()
        .into_iter()
        .find(|i| i.kind == "check_failing")
        .expect("the check's incident");
    assert!(!incident.is_open(), "fixed in the same run: {incident:#?}");
    let diagnosis = incident.diagnosis.clone().expect("a diagnosis");
    assert_eq!(diagnosis.rule, "proxy-upstream-mismatch");
    assert!(
        diagnosis.cause.contains(WRONG) && diagnosis.cause.contains(&s.backend_port.to_string()),
        "{}",
        diagnosis.cause
    );
    let action = &incident.actions[0];
    assert_eq!(
        (action.playbook.as_str(), action.status.as_str()),
        ("fix-proxy-upstream", "succeeded")
    );
    let commands: Vec<&str> = action
        .steps
        .iter()
        .map(|s| s.description.as_str())
        .collect();
    assert!(
        commands.iter().any(|c| c.starts_with("validate: nginx -t")),
        "{commands:#?}"
    );
    assert!(
        commands
            .iter()
            .any(|c| c.starts_with("reload: nginx -s reload")),
        "{commands:#?}"
    );

    // Git: first the backup of the old config, then the fix with the new one.
    let backup = format!("backups/proxy{}", s.site.display());
    let history = ops.git(&["log", "--format=%s", "--", &backup]);
    let history: Vec<&str> = history.lines().collect();
    assert_eq!(history.len(), 2, "{history:#?}");
    assert!(history[1].starts_with("medic: back up"), "{history:#?}");
    assert!(
        history[0].starts_with(&format!("medic: fixed #{}", incident.id)),
        "{history:#?}"
    );
    assert_eq!(ops.git(&["show", &format!("HEAD~1:{backup}")]), before);
    assert_eq!(ops.git(&["show", &format!("HEAD:{backup}")]), site_text(&s));
    let message = ops.git(&["log", "-1", "--format=%B"]);
    assert!(
        message.contains(&format!("Medic-Incident: {}", incident.id))
            && message.contains("Medic-Action: fix-proxy-upstream"),
        "{message}"
    );
    let report = ops.report_of(incident.id);
    for part in [
        "proxy-upstream-mismatch",
        "Fix: `fix-proxy-upstream`",
        "validate: nginx -t",
        "Time to recover",
    ] {
        assert!(report.contains(part), "report lacks {part:?}:\n{report}");
    }
}

fn bare_remote(ops: &Ops) -> tempfile::TempDir {
    let remote = tempfile::Builder::new()
        .prefix("medic-remote-")
        .tempdir()
        .expect("temp dir");
    let status = std::process::Command::new("git")
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(remote.path())
        .status();
    assert!(status.expect("git init").success());
    ops.git(&[
        "remote",
        "add",
        "origin",
        &remote.path().display().to_string(),
    ]);
    ops.git(&["push", "-q", "origin", "main"]);
    remote
}

fn clone(remote: &tempfile::TempDir, name: &str) -> PathBuf {
    let dir = remote.path().parent().expect("a parent").join(format!(
        "{}-{name}",
        remote.path().file_name().expect("name").to_string_lossy()
    ));
    let status = std::process::Command::new("git")
        .args(["clone", "-q"])
        .arg(remote.path())
        .arg(&dir)
        .status();
    assert!(status.expect("git clone").success());
    for (key, value) in [
        ("user.name", "Bea Reviewer"),
        ("user.email", "bea@example.test"),
    ] {
        git_in(&dir, &["config", key, value]);
    }
    dir
}

fn git_in(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn git_revert_of_the_fix_pushed_to_the_remote_puts_the_old_config_back_and_medic_does_not_refix() {
    let s = scenario(WRONG);
    let ops = Ops::with_playbooks(&inventory(
        &s,
        &format!("{}sync:\n  remote: origin\n", links(&s)),
    ));
    let remote = bare_remote(&ops);
    let before = site_text(&s);
    ops.medic_ok(&["run"]);
    assert_ne!(site_text(&s), before, "fixed");
    let fixed = ops
        .incidents()
        .into_iter()
        .find(|i| i.kind == "check_failing")
        .expect("incident");
    assert_eq!(
        git_in(remote.path(), &["log", "-1", "--format=%s"]).trim(),
        format!("medic: fixed #{} check failing on check/books", fixed.id),
        "pushed"
    );

    // A person reverts the fix elsewhere and pushes.
    let person = clone(&remote, "bea");
    let fix_commit = git_in(
        &person,
        &[
            "log",
            "--format=%H",
            "--grep",
            "Medic-Action: fix-proxy-upstream",
        ],
    );
    git_in(&person, &["revert", "--no-edit", fix_commit.trim()]);
    git_in(&person, &["push", "-q", "origin", "main"]);

    ops.medic_ok(&["run"]);
    assert_eq!(site_text(&s), before, "the host has the old config again");
    let nginx = s.lab.host("proxy").nginx();
    assert_eq!(
        nginx.get("books.example.test").0,
        502,
        "and the check fails again"
    );
    let rolled = ops
        .incidents()
        .into_iter()
        .find(|i| i.id == fixed.id)
        .expect("the fixed incident");
    let rollback = rolled
        .events
        .iter()
        .find(|e| e.kind == "rollback")
        .expect("a rollback event");
    assert!(
        rollback.message.contains("Bea Reviewer") && rollback.message.contains("502"),
        "{}",
        rollback.message
    );
    assert!(ops.report_of(fixed.id).contains("rolled back"));

    for _ in 0..2 {
        ops.medic_ok(&["run"]);
    }
    assert_eq!(site_text(&s), before, "no re-fix loop");
    let open = ops.open_incidents();
    let again = open
        .iter()
        .find(|i| i.kind == "check_failing")
        .expect("the check fails again");
    assert!(again.actions.is_empty(), "{again:#?}");
    let escalation = again.escalation.clone().unwrap_or_default();
    assert!(
        escalation.contains("reverted medic's fix")
            && escalation.contains("medic reset check/books"),
        "{escalation}"
    );
    let remote_log = git_in(remote.path(), &["log", "--format=%an %s"]);
    assert!(
        remote_log.contains("Bea Reviewer Revert"),
        "the person's revert is kept: {remote_log}"
    );
}

#[test]
fn medic_rollback_reverts_and_applies_the_fix_of_an_incident() {
    let s = scenario(WRONG);
    let ops = Ops::with_playbooks(&inventory(&s, &links(&s)));
    let before = site_text(&s);
    ops.medic_ok(&["run"]);
    let fixed = ops
        .incidents()
        .into_iter()
        .find(|i| i.kind == "check_failing")
        .expect("incident");
    let rollback = ops.medic_ok(&["rollback", &fixed.id.to_string()]);
    assert!(
        rollback.stdout().contains("reverted 1 commit(s)"),
        "{rollback}"
    );
    assert_eq!(site_text(&s), before);
    assert!(
        ops.git(&["log", "--format=%an %s"])
            .contains("Ada Operator Revert")
    );
}

#[test]
fn a_fix_whose_new_config_fails_validation_leaves_the_host_exactly_as_before() {
    let s = scenario(WRONG);
    let breaking = "name: rewrite-proxy\ndescription: A bad rewrite of the proxy config.\nrisk: medium\n\
        triggers:\n  - kind: check_failing\n    facts: {target.name: books}\n\
        steps:\n  - edit: {path: \"{{ facts.proxy_file }}\", pattern: \"proxy_pass\", replacement: \"proxy_pas\"}\n";
    let ops = Ops::with_playbooks(&inventory(&s, ""));
    // The check carries no proxy facts, so give the playbook the path directly.
    let breaking = breaking.replace("{{ facts.proxy_file }}", &s.site.display().to_string());
    ops.commit_file(
        "playbooks/rewrite-proxy.yaml",
        &breaking,
        "a playbook that breaks nginx",
    );
    let before = std::fs::read(&s.site).expect("site");

    ops.medic_ok(&["run"]);
    assert_eq!(
        std::fs::read(&s.site).expect("site"),
        before,
        "byte for byte"
    );
    let incident = ops
        .open_incidents()
        .into_iter()
        .find(|i| i.kind == "check_failing")
        .expect("still open");
    let action = &incident.actions[0];
    assert_eq!(action.status, "failed");
    let outcome = action.outcome.clone().unwrap_or_default();
    assert!(
        outcome.contains("failed validation") && outcome.contains("restored at once"),
        "{outcome}"
    );
    assert!(
        incident
            .escalation
            .clone()
            .unwrap_or_default()
            .contains("rewrite-proxy")
    );
    assert_eq!(
        s.lab.host("proxy").nginx().get("books.example.test").0,
        502,
        "nginx still runs the old config"
    );
}

#[test]
fn a_hand_edit_on_the_host_is_drift_and_is_not_overwritten() {
    let s = scenario(&format!("127.0.0.1:{}", 1));
    let s = Scenario {
        site: s.site.clone(),
        backend_port: s.backend_port,
        lab: s.lab,
    };
    s.lab
        .host("proxy")
        .nginx()
        .set_upstream(&format!("127.0.0.1:{}", s.backend_port));
    let ops = Ops::with_playbooks(&inventory(&s, &links(&s)));
    ops.medic_ok(&["run"]);
    assert!(
        ops.open_incidents().is_empty(),
        "healthy, baseline backed up"
    );

    let edited = format!("# tuned by hand\n{}", site_text(&s));
    std::fs::write(&s.site, &edited).expect("edit by hand");
    ops.medic_ok(&["run"]);
    ops.medic_ok(&["run"]);
    assert_eq!(site_text(&s), edited, "not overwritten");
    let drift: Vec<_> = ops
        .open_incidents()
        .into_iter()
        .filter(|i| i.kind == "file_drift")
        .collect();
    assert_eq!(drift.len(), 1, "one incident, kept open: {drift:#?}");
    assert!(
        drift[0].summary.contains("not through Git"),
        "{}",
        drift[0].summary
    );
}

#[test]
fn runs_racing_through_a_remote_a_person_also_pushed_to_lose_no_commit_and_never_force() {
    let s = scenario(WRONG);
    let first = Ops::with_playbooks(&inventory(
        &s,
        &format!("{}sync:\n  remote: origin\n", links(&s)),
    ));
    let remote = bare_remote(&first);
    let second = clone(&remote, "second");
    let person = clone(&remote, "person");
    std::fs::write(person.join("NOTES.md"), "maintenance on friday\n").expect("write");
    git_in(&person, &["add", "NOTES.md"]);
    git_in(&person, &["commit", "-qm", "a person's note"]);
    git_in(&person, &["push", "-q", "origin", "main"]);
    let heads_before = git_in(remote.path(), &["rev-parse", "main"]);

    let a = first.spawn_medic(&["run"]);
    let b = std::process::Command::new(crate::support::medic_bin())
        .arg("--repo")
        .arg(&second)
        .arg("run")
        .output()
        .expect("the second run");
    let a = a.wait_with_output().expect("the first run");
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));

    let log = git_in(remote.path(), &["log", "--format=%an %s", "main"]);
    assert!(log.contains("a person's note"), "{log}");
    let by_medic = log.lines().filter(|l| l.starts_with("medic ")).count();
    assert!(
        by_medic >= 3,
        "both runs' commits are on the remote:\n{log}"
    );
    // Never forced: the remote's old head is an ancestor of the new one.
    git_in(
        remote.path(),
        &["merge-base", "--is-ancestor", heads_before.trim(), "main"],
    );
}

#[test]
fn a_secret_in_a_backed_up_file_never_appears_in_any_commit() {
    let s = scenario(&format!("127.0.0.1:{}", 1));
    let secret_file = s.lab.host("proxy").state_dir().join("app.env");
    std::fs::write(
        &secret_file,
        "DB_USER=books\npassword=hunter2\nAPI_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
    )
    .expect("write");
    let vault = s.lab.host("proxy").state_dir().join("vault.key");
    std::fs::write(
        &vault,
        "the whole file is secret: correct horse battery staple\n",
    )
    .expect("write");
    let extra = format!(
        "      {}: {{}}\n      {}: {{secret: true}}\n",
        secret_file.display(),
        vault.display()
    );
    let text = inventory(&s, "").replacen("    files:\n", &format!("    files:\n{extra}"), 1);
    let ops = Ops::with_playbooks(&text);
    ops.medic_ok(&["run"]);
    let everything = ops.git(&["log", "-p", "--all"]);
    for secret in [
        "hunter2",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "correct horse",
    ] {
        assert!(!everything.contains(secret), "`{secret}` reached Git");
    }
    let backup = ops.read(&format!("backups/proxy{}", secret_file.display()));
    assert!(
        backup.contains("DB_USER=books") && backup.contains("password=[REDACTED]"),
        "{backup}"
    );
    assert!(
        ops.read(&format!("backups/proxy{}", vault.display()))
            .contains("sha256:")
    );
}
