//! The inventory's resolution rules: defaults, groups and hosts layered,
//! names and references checked, every problem located.

use std::path::Path;

use super::*;

fn parse_ok(text: &str) -> Inventory {
    match parse(text, "inv.yaml", Path::new("/repo")) {
        Ok(inventory) => inventory,
        Err(e) => panic!("expected a valid inventory, got {e:?}"),
    }
}

fn problems(text: &str) -> Vec<String> {
    match parse(text, "inv.yaml", Path::new("/repo")) {
        Err(ConfigError::Invalid(problems)) => problems.iter().map(ToString::to_string).collect(),
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn host_settings_layer_host_over_groups_over_defaults() {
    let inv = parse_ok(
        r#"
defaults: {user: ops, port: 2200, disk_threshold: 85, units: [sshd], tags: [all]}
groups:
  web: {hosts: [a, b], containers: all, units: [nginx], port: 2222, tags: [web]}
hosts:
  a: {address: 10.0.0.1, port: 22, containers: [app]}
  b: {}
  c: {transport: local}
"#,
    );
    let a = inv.host("a").expect("a");
    assert_eq!(
        (a.address.as_str(), a.port, a.user.as_deref()),
        ("10.0.0.1", Some(22), Some("ops"))
    );
    assert_eq!(
        a.containers,
        ContainerWatch::Named(["app".to_string()].into())
    );
    assert_eq!(a.units, vec!["nginx.service", "sshd.service"]);
    assert_eq!(a.tags, ["all".to_string(), "web".to_string()].into());
    assert_eq!(a.groups, vec!["web"]);
    let b = inv.host("b").expect("b");
    assert_eq!((b.address.as_str(), b.port), ("b", Some(2222)));
    assert_eq!(b.containers, ContainerWatch::All);
    assert_eq!(b.disk_threshold, 85.0);
    let c = inv.host("c").expect("c");
    assert_eq!(c.transport, TransportKind::Local);
    assert_eq!(c.containers, ContainerWatch::None);
    assert_eq!(c.units, vec!["sshd.service"]);
}

#[test]
fn defaults_without_settings() {
    let inv = parse_ok("hosts:\n  nas: {}\n");
    assert_eq!(inv.settings.concurrency, 16);
    assert_eq!(
        inv.settings.connect_timeout,
        std::time::Duration::from_secs(5)
    );
    assert_eq!(
        inv.ssh.host_key_checking,
        inventory::HostKeyChecking::Strict
    );
    let nas = inv.host("nas").expect("nas");
    assert_eq!(
        (nas.port, nas.user.clone(), nas.disk_threshold),
        (None, None, 90.0)
    );
}

#[test]
fn ssh_paths_are_anchored_at_the_repository() {
    let inv = parse_ok(
        "ssh: {identity_file: keys/medic, known_hosts_file: /etc/ssh/known}\nhosts: {a: {}}\n",
    );
    assert_eq!(
        inv.ssh.identity_file.as_deref(),
        Some(Path::new("/repo/keys/medic"))
    );
    assert_eq!(
        inv.ssh.known_hosts_file.as_deref(),
        Some(Path::new("/etc/ssh/known"))
    );
}

#[test]
fn every_problem_is_reported_with_its_place() {
    let found = problems(
        r#"hosts:
  "bad name": {}
  a:
    hosts: [b]
    units: ["has space"]
    disks: {data: 50}
defaults:
  address: 1.2.3.4
settings:
  concurrency: 0
  connect_timeout: 0s
checks:
  c:
    expect_status: 42
"#,
    );
    assert_eq!(
        found,
        vec![
            "inv.yaml:2:15: invalid host name `bad name`: use letters, digits, `.`, `_` and `-`, not starting with `.` or `-`",
            "inv.yaml:4:12: `hosts` is only allowed in a group, not in host `a`",
            "inv.yaml:5:13: invalid systemd unit name `has space`",
            "inv.yaml:6:19: disk `data` must be an absolute mount point",
            "inv.yaml:8:12: `address` is only allowed on a host, not in defaults",
            "inv.yaml:10:16: `concurrency` must be at least 1",
            "inv.yaml:11:20: `connect_timeout` must be longer than zero",
            "inv.yaml:14:5: check `c` needs a `url`",
            "inv.yaml:14:20: `expect_status` must be an HTTP status from 100 to 599, found 42",
        ]
    );
}

#[test]
fn parse_and_resolve_problems_come_together() {
    let found = problems("hosts:\n  a:\n    prot: 22\n    disk_threshold: 0\n");
    assert_eq!(
        found,
        vec![
            "inv.yaml:3:5: unknown key `prot` in `hosts.a` (did you mean `port`?)",
            "inv.yaml:4:21: disk threshold must be a percentage above 0 and at most 100, found 0",
        ]
    );
}

#[test]
fn files_merge_and_duplicates_point_at_both() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inventory = dir.path().join("inventory");
    std::fs::create_dir_all(inventory.join("examples")).expect("mkdir");
    std::fs::write(
        inventory.join("a.yaml"),
        "hosts:\n  nas: {}\nsettings: {concurrency: 4}\n",
    )
    .expect("write");
    std::fs::write(inventory.join("b.yml"), "hosts:\n  pi: {}\n").expect("write");
    std::fs::write(inventory.join("examples/x.yaml"), "not: [valid").expect("write");
    let inv = load(dir.path()).expect("two files merge");
    assert_eq!(
        inv.hosts
            .iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>(),
        vec!["nas", "pi"]
    );
    assert_eq!(inv.settings.concurrency, 4);

    std::fs::write(
        inventory.join("b.yml"),
        "hosts:\n  nas: {port: 1}\nsettings: {concurrency: 2}\n",
    )
    .expect("write");
    let Err(ConfigError::Invalid(found)) = load(dir.path()) else {
        panic!("duplicates must be errors")
    };
    let a = inventory.join("a.yaml").display().to_string();
    let b = inventory.join("b.yml").display().to_string();
    let found: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        vec![
            format!("{b}:2:8: host `nas` is already defined at {a}:2:8"),
            format!("{b}:3:11: `settings` is already defined at {a}:3:11"),
        ]
    );
}

#[test]
fn no_inventory_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("inventory")).expect("mkdir");
    assert!(matches!(load(dir.path()), Err(ConfigError::NoInventory(_))));
}

#[test]
fn the_shipped_inventories_are_valid() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = load(repo).expect("inventory/ is valid");
    assert_eq!(shipped.hosts[0].transport, TransportKind::Local);
    let example = std::fs::read_to_string(repo.join("inventory/examples/homelab.yaml"))
        .expect("example exists");
    let example = parse(&example, "homelab.yaml", repo).expect("the homelab example is valid");
    assert_eq!(example.hosts.len(), 3);
}

#[test]
fn a_tag_one_typo_from_a_guard_is_an_error() {
    let found = problems("hosts:\n  vault:\n    tags: [production_data, web]\n");
    assert_eq!(
        found,
        vec![
            "inv.yaml:3:5: tag `production_data` on host `vault` looks like the policy's data tag `production-data`; \
             fix the typo, or medic would treat this host as an ordinary one"
        ]
    );
    parse_ok("hosts:\n  vault:\n    tags: [production-data, critical, web]\n");
}

#[test]
fn trend_thresholds_are_policy_settings() {
    let inv = parse_ok(
        "hosts: {a: {}}\npolicy:\n  trends: {disk_window: 12h, restart_factor: 5, latency_floor_ms: 250}\n",
    );
    assert_eq!(
        inv.policy.trends.disk_window,
        std::time::Duration::from_secs(12 * 3600)
    );
    assert_eq!(inv.policy.trends.restart_factor, 5.0);
    assert_eq!(inv.policy.trends.latency_floor_ms, 250.0);
    assert_eq!(
        inv.policy.trends.disk_critical_within,
        std::time::Duration::from_secs(4 * 3600),
        "the rest stay defaults"
    );
    let found = problems(
        "hosts: {a: {}}\npolicy:\n  trends: {restart_factor: 0.5, disk_critical_within: 2d, dsk_window: 1h}\n",
    );
    assert_eq!(
        found,
        vec![
            "inv.yaml:3:11: `policy.trends.disk_critical_within` must not be longer than `disk_warning_within`",
            "inv.yaml:3:28: `policy.trends.restart_factor` must be from 1 to 1000, found 0.5",
            "inv.yaml:3:59: unknown key `dsk_window` in `policy.trends` (did you mean `disk_window`?)",
        ]
    );
}

#[test]
fn retention_windows_are_policy_settings_that_keep_trends_fed() {
    let day = |n: u64| std::time::Duration::from_secs(n * 86_400);
    let inv = parse_ok("hosts: {a: {}}\npolicy:\n  retention: {raw: 30d, daily: 2years}\n");
    assert_eq!(inv.policy.retention.raw, day(30));
    assert_eq!(
        inv.policy.retention.hourly,
        day(90),
        "the rest stay defaults"
    );
    assert!(inv.policy.retention.daily > day(730));
    assert_eq!(
        parse_ok("hosts: {a: {}}\n").policy.retention,
        crate::store::RetentionPolicy::default()
    );

    let found = problems(
        "hosts: {a: {}}\npolicy:\n  retention: {raw: 3d, hourly: 2d, daily: 1d, hourl: 5d}\n",
    );
    assert_eq!(
        found,
        vec![
            "inv.yaml:3:14: `policy.retention.hourly` (2days) must be longer than `raw` (3days)",
            "inv.yaml:3:14: `policy.retention.daily` (1day) must be longer than `hourly` (2days)",
            "inv.yaml:3:20: `policy.retention.raw` (3days) is shorter than the longest trend window (7days 30m); \
             raise `policy.retention.raw` or shorten the trend windows",
            "inv.yaml:3:47: unknown key `hourl` in `policy.retention` (did you mean `hourly`?)",
        ]
    );

    // A trend window longer than the default raw window would read samples
    // retention already rolled up: caught even without a `retention:` block.
    let found = problems("hosts: {a: {}}\npolicy:\n  trends: {latency_baseline: 30d}\n");
    assert_eq!(
        found,
        vec![
            "inv.yaml:3:3: `policy.retention.raw` (14days) is shorter than the longest trend window (30days 30m); \
             raise `policy.retention.raw` or shorten the trend windows",
        ]
    );
}
