//! Raw inventory files → one validated `Inventory`: merges files, applies
//! defaults and groups to hosts, checks names, references, ranges and
//! durations. Every problem becomes a `Diagnostic` with file:line:column; all
//! of them are returned together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::inventory::{
    ContainerWatch, DEFAULT_CHECK_TIMEOUT, DEFAULT_DISK_THRESHOLD, Host, HttpCheck, Inventory,
    Settings, SshOptions, TransportKind,
};
use super::policy::Policy;
use super::raw::{RawCheck, RawContainers, RawHost, RawInventory, RawPolicy};
use super::yaml::{Diagnostic, Location, Spanned};

/// Merges and validates parsed files. `repo` anchors relative paths.
pub fn resolve(files: Vec<RawInventory>, repo: &Path) -> Result<Inventory, Vec<Diagnostic>> {
    let mut r = Resolver::default();
    let merged = r.merge(files);
    let inventory = r.build(merged, repo);
    if r.problems.is_empty() {
        Ok(inventory)
    } else {
        r.problems.sort_by(|a, b| {
            (&a.location.file, a.location.line, a.location.column).cmp(&(
                &b.location.file,
                b.location.line,
                b.location.column,
            ))
        });
        Err(r.problems)
    }
}

#[derive(Default)]
struct Resolver {
    problems: Vec<Diagnostic>,
}

#[derive(Default)]
struct Merged {
    settings: Option<Spanned<super::raw::RawSettings>>,
    ssh: Option<Spanned<super::raw::RawSsh>>,
    defaults: Option<Spanned<RawHost>>,
    hosts: BTreeMap<String, Spanned<RawHost>>,
    groups: BTreeMap<String, Spanned<RawHost>>,
    checks: BTreeMap<String, Spanned<RawCheck>>,
    policy: Option<Spanned<RawPolicy>>,
}

impl Resolver {
    fn problem(&mut self, location: &Location, message: impl Into<String>) {
        self.problems.push(Diagnostic {
            location: location.clone(),
            message: message.into(),
        });
    }

    fn merge(&mut self, files: Vec<RawInventory>) -> Merged {
        let mut m = Merged::default();
        for file in files {
            self.merge_single(&mut m.settings, file.settings, "settings");
            self.merge_single(&mut m.ssh, file.ssh, "ssh");
            self.merge_single(&mut m.defaults, file.defaults, "defaults");
            self.merge_single(&mut m.policy, file.policy, "policy");
            self.merge_named(&mut m.hosts, file.hosts, "host");
            self.merge_named(&mut m.groups, file.groups, "group");
            self.merge_named(&mut m.checks, file.checks, "check");
        }
        m
    }

    fn merge_single<T>(
        &mut self,
        into: &mut Option<Spanned<T>>,
        from: Option<Spanned<T>>,
        what: &str,
    ) {
        let Some(from) = from else { return };
        match into {
            Some(first) => {
                let first = first.location.clone();
                self.problem(
                    &from.location,
                    format!("`{what}` is already defined at {first}"),
                );
            }
            None => *into = Some(from),
        }
    }

    fn merge_named<T>(
        &mut self,
        into: &mut BTreeMap<String, Spanned<T>>,
        from: BTreeMap<String, Spanned<T>>,
        what: &str,
    ) {
        for (name, value) in from {
            if let Some(first) = into.get(&name) {
                let first = first.location.clone();
                self.problem(
                    &value.location,
                    format!("{what} `{name}` is already defined at {first}"),
                );
                continue;
            }
            into.insert(name, value);
        }
    }

    fn build(&mut self, m: Merged, repo: &Path) -> Inventory {
        let settings = self.settings(m.settings.as_ref());
        let ssh = self.ssh(m.ssh.as_ref(), repo);
        if let Some(defaults) = &m.defaults {
            self.forbid(defaults, "defaults", true, true);
        }
        let mut memberships: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut groups = BTreeMap::new();
        for (name, group) in &m.groups {
            self.check_name(name, "group", &group.location);
            self.forbid(group, &format!("group `{name}`"), true, false);
            let members: Vec<String> = group
                .hosts
                .iter()
                .flat_map(|list| list.value.iter())
                .filter_map(|member| {
                    if m.hosts.contains_key(&member.value) {
                        Some(member.value.clone())
                    } else {
                        self.problem(
                            &member.location,
                            format!(
                                "group `{name}` lists `{}`, which is not a host of the inventory",
                                member.value
                            ),
                        );
                        None
                    }
                })
                .collect();
            for member in &members {
                memberships
                    .entry(member.clone())
                    .or_default()
                    .push(name.clone());
            }
            groups.insert(name.clone(), members);
        }
        let hosts = m
            .hosts
            .iter()
            .map(|(name, raw)| {
                let member_of = memberships.get(name).cloned().unwrap_or_default();
                let layers: Vec<&RawHost> = std::iter::once(&raw.value)
                    .chain(
                        member_of
                            .iter()
                            .filter_map(|g| m.groups.get(g).map(|s| &s.value)),
                    )
                    .chain(m.defaults.iter().map(|d| &d.value))
                    .collect();
                self.host(name, raw, &layers, member_of)
            })
            .collect();
        let checks = m
            .checks
            .iter()
            .map(|(name, raw)| self.check(name, raw, &m.hosts))
            .collect();
        let policy = self.policy(m.policy.as_ref());
        self.guard_tags(&m, &policy);
        Inventory {
            settings,
            ssh,
            hosts,
            groups,
            checks,
            policy,
        }
    }

    /// A tag one typo away from a guarding tag would silently drop the guard
    /// (a production host fixed like any other), so it is an error.
    fn guard_tags(&mut self, m: &Merged, policy: &Policy) {
        let guards: Vec<(&str, &String)> = policy
            .data_tags
            .iter()
            .map(|t| ("data tag", t))
            .chain(policy.critical_tags.iter().map(|t| ("critical tag", t)))
            .collect();
        let holders = m
            .hosts
            .iter()
            .map(|(name, raw)| (format!("host `{name}`"), raw))
            .chain(
                m.groups
                    .iter()
                    .map(|(name, raw)| (format!("group `{name}`"), raw)),
            )
            .chain(m.defaults.iter().map(|raw| ("defaults".to_string(), raw)));
        for (holder, raw) in holders {
            for tag in &raw.tags {
                let near = guards.iter().find(|(_, guard)| {
                    *guard != tag
                        && (strsim::levenshtein(&guard.to_lowercase(), &tag.to_lowercase()) <= 2)
                });
                if let Some((what, guard)) = near {
                    self.problem(
                        &raw.location,
                        format!(
                            "tag `{tag}` on {holder} looks like the policy's {what} `{guard}`; \
                             fix the typo, or medic would treat this host as an ordinary one"
                        ),
                    );
                }
            }
        }
    }

    fn forbid(&mut self, raw: &Spanned<RawHost>, context: &str, address: bool, hosts: bool) {
        if let (true, Some(a)) = (address, &raw.address) {
            self.problem(
                &a.location,
                format!("`address` is only allowed on a host, not in {context}"),
            );
        }
        if let (true, Some(h)) = (hosts, &raw.hosts) {
            self.problem(
                &h.location,
                format!("`hosts` is only allowed in a group, not in {context}"),
            );
        }
    }

    fn check_name(&mut self, name: &str, what: &str, location: &Location) {
        let valid = !name.is_empty()
            && !name.starts_with(['.', '-'])
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !valid {
            self.problem(
                location,
                format!("invalid {what} name `{name}`: use letters, digits, `.`, `_` and `-`, not starting with `.` or `-`"),
            );
        }
    }

    fn host(
        &mut self,
        name: &str,
        raw: &Spanned<RawHost>,
        layers: &[&RawHost],
        groups: Vec<String>,
    ) -> Host {
        self.check_name(name, "host", &raw.location);
        if let Some(h) = &raw.hosts {
            self.problem(
                &h.location,
                format!("`hosts` is only allowed in a group, not in host `{name}`"),
            );
        }
        let first = |pick: &dyn Fn(&RawHost) -> bool| layers.iter().copied().find(|l| pick(l));
        let transport = first(&|l| l.transport.is_some())
            .and_then(|l| l.transport)
            .unwrap_or(TransportKind::Ssh);
        let containers =
            match first(&|l| l.containers.is_some()).and_then(|l| l.containers.as_ref()) {
                None => ContainerWatch::None,
                Some(c) => match &c.value {
                    RawContainers::All => ContainerWatch::All,
                    RawContainers::None => ContainerWatch::None,
                    RawContainers::Named(names) => {
                        if names.iter().any(|n| n.trim().is_empty()) {
                            self.problem(&c.location, "container names must not be empty");
                        }
                        ContainerWatch::Named(names.iter().cloned().collect())
                    }
                },
            };
        let mut units = Vec::new();
        for unit in layers.iter().flat_map(|l| l.units.iter()) {
            match normalize_unit(&unit.value) {
                Some(u) if !units.contains(&u) => units.push(u),
                Some(_) => {}
                None => self.problem(
                    &unit.location,
                    format!("invalid systemd unit name `{}`", unit.value),
                ),
            }
        }
        let disk_threshold = first(&|l| l.disk_threshold.is_some())
            .and_then(|l| l.disk_threshold.as_ref())
            .map(|t| self.percent(t))
            .unwrap_or(DEFAULT_DISK_THRESHOLD);
        let mut disk_thresholds = BTreeMap::new();
        for layer in layers.iter().rev() {
            for (mount, threshold) in &layer.disks {
                if !mount.starts_with('/') {
                    self.problem(
                        &threshold.location,
                        format!("disk `{mount}` must be an absolute mount point"),
                    );
                }
                disk_thresholds.insert(mount.clone(), self.percent(threshold));
            }
        }
        Host {
            name: name.to_string(),
            address: raw
                .address
                .as_ref()
                .map_or_else(|| name.to_string(), |a| a.value.clone()),
            port: first(&|l| l.port.is_some()).and_then(|l| l.port),
            user: first(&|l| l.user.is_some()).and_then(|l| l.user.clone()),
            transport,
            tags: layers
                .iter()
                .flat_map(|l| l.tags.iter().cloned())
                .collect::<BTreeSet<_>>(),
            groups,
            containers,
            units,
            disk_threshold,
            disk_thresholds,
        }
    }

    fn percent(&mut self, value: &Spanned<f64>) -> f64 {
        if !(value.value > 0.0 && value.value <= 100.0) {
            self.problem(
                &value.location,
                format!(
                    "disk threshold must be a percentage above 0 and at most 100, found {}",
                    value.value
                ),
            );
        }
        value.value
    }

    fn duration(
        &mut self,
        value: Option<&Spanned<String>>,
        what: &str,
        default: Duration,
    ) -> Duration {
        let Some(value) = value else { return default };
        match humantime::parse_duration(value.value.trim()) {
            Ok(d) if !d.is_zero() => d,
            Ok(_) => {
                self.problem(
                    &value.location,
                    format!("`{what}` must be longer than zero"),
                );
                default
            }
            Err(e) => {
                self.problem(
                    &value.location,
                    format!(
                        "`{what}`: invalid duration `{}` ({e}); write e.g. `5s`, `2m` or `1h 30m`",
                        value.value
                    ),
                );
                default
            }
        }
    }

    fn settings(&mut self, raw: Option<&Spanned<super::raw::RawSettings>>) -> Settings {
        let defaults = Settings::default();
        let Some(raw) = raw else { return defaults };
        let concurrency = match &raw.concurrency {
            Some(c) if c.value == 0 => {
                self.problem(&c.location, "`concurrency` must be at least 1");
                defaults.concurrency
            }
            Some(c) => c.value as usize,
            None => defaults.concurrency,
        };
        Settings {
            concurrency,
            connect_timeout: self.duration(
                raw.connect_timeout.as_ref(),
                "connect_timeout",
                defaults.connect_timeout,
            ),
            command_timeout: self.duration(
                raw.command_timeout.as_ref(),
                "command_timeout",
                defaults.command_timeout,
            ),
            section_timeout: self.duration(
                raw.section_timeout.as_ref(),
                "section_timeout",
                defaults.section_timeout,
            ),
        }
    }

    fn ssh(&mut self, raw: Option<&Spanned<super::raw::RawSsh>>, repo: &Path) -> SshOptions {
        let Some(raw) = raw else {
            return SshOptions::default();
        };
        let path = |p: &Option<String>| p.as_deref().map(|p| expand_path(p, repo));
        SshOptions {
            identity_file: path(&raw.identity_file),
            known_hosts_file: path(&raw.known_hosts_file),
            config_file: path(&raw.config_file),
            host_key_checking: raw.host_key_checking.unwrap_or_default(),
        }
    }

    fn check(
        &mut self,
        name: &str,
        raw: &Spanned<RawCheck>,
        hosts: &BTreeMap<String, Spanned<RawHost>>,
    ) -> HttpCheck {
        self.check_name(name, "check", &raw.location);
        let url = match &raw.url {
            None => {
                self.problem(&raw.location, format!("check `{name}` needs a `url`"));
                String::new()
            }
            Some(url) => {
                match reqwest::Url::parse(&url.value) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                    Ok(u) => self.problem(
                        &url.location,
                        format!(
                            "check `{name}`: unsupported scheme `{}` (use http or https)",
                            u.scheme()
                        ),
                    ),
                    Err(e) => self.problem(
                        &url.location,
                        format!("check `{name}`: invalid url `{}`: {e}", url.value),
                    ),
                }
                url.value.clone()
            }
        };
        if let Some(host) = &raw.host
            && !hosts.contains_key(&host.value)
        {
            self.problem(
                &host.location,
                format!(
                    "check `{name}` names host `{}`, which is not in the inventory",
                    host.value
                ),
            );
        }
        let expect_status = match &raw.expect_status {
            Some(s) if !(100..=599).contains(&s.value) => {
                self.problem(
                    &s.location,
                    format!(
                        "`expect_status` must be an HTTP status from 100 to 599, found {}",
                        s.value
                    ),
                );
                200
            }
            Some(s) => s.value,
            None => 200,
        };
        HttpCheck {
            name: name.to_string(),
            url,
            host: raw.host.as_ref().map(|h| h.value.clone()),
            expect_status,
            body_contains: raw.body_contains.clone(),
            timeout: self.duration(raw.timeout.as_ref(), "timeout", DEFAULT_CHECK_TIMEOUT),
        }
    }
}

impl Resolver {
    /// Guardrails may be tightened or loosened within bounds, never turned
    /// off: every limit stays finite and every rate stays a rate.
    fn policy(&mut self, raw: Option<&Spanned<RawPolicy>>) -> Policy {
        let defaults = Policy::default();
        let Some(raw) = raw else { return defaults };
        let mut count =
            |value: &Option<Spanned<u32>>, what: &str, low: u32, high: u32, default: u32| {
                match value {
                    Some(v) if v.value < low || v.value > high => {
                        self.problems.push(Diagnostic {
                            location: v.location.clone(),
                            message: format!(
                                "`policy.{what}` must be from {low} to {high}, found {}",
                                v.value
                            ),
                        });
                        default
                    }
                    Some(v) => v.value,
                    None => default,
                }
            };
        let max_attempts_per_hour = count(
            &raw.max_attempts_per_hour,
            "max_attempts_per_hour",
            0,
            60,
            defaults.max_attempts_per_hour,
        );
        let max_consecutive_failures = count(
            &raw.max_consecutive_failures,
            "max_consecutive_failures",
            1,
            10,
            defaults.max_consecutive_failures,
        );
        let failure_rate_min_attempts = count(
            &raw.failure_rate_min_attempts,
            "failure_rate_min_attempts",
            1,
            1000,
            defaults.failure_rate_min_attempts,
        );
        let failure_rate_percent = match &raw.failure_rate_percent {
            Some(p) if !(0.0..100.0).contains(&p.value) => {
                self.problem(
                    &p.location,
                    format!(
                        "`policy.failure_rate_percent` must be at least 0 and below 100, found {}",
                        p.value
                    ),
                );
                defaults.failure_rate_percent
            }
            Some(p) => p.value,
            None => defaults.failure_rate_percent,
        };
        Policy {
            max_attempts_per_hour,
            max_consecutive_failures,
            failure_rate_percent,
            failure_rate_min_attempts,
            failure_rate_window: self.duration(
                raw.failure_rate_window.as_ref(),
                "policy.failure_rate_window",
                defaults.failure_rate_window,
            ),
            approval_ttl: self.duration(
                raw.approval_ttl.as_ref(),
                "policy.approval_ttl",
                defaults.approval_ttl,
            ),
            verify_timeout: self.duration(
                raw.verify_timeout.as_ref(),
                "policy.verify_timeout",
                defaults.verify_timeout,
            ),
            data_tags: raw
                .data_tags
                .clone()
                .map_or(defaults.data_tags, |t| t.into_iter().collect()),
            critical_tags: raw
                .critical_tags
                .clone()
                .map_or(defaults.critical_tags, |t| t.into_iter().collect()),
        }
    }
}

/// `nginx` means `nginx.service`, as it does for systemctl.
fn normalize_unit(name: &str) -> Option<String> {
    const TYPES: [&str; 11] = [
        "service",
        "socket",
        "timer",
        "mount",
        "automount",
        "swap",
        "target",
        "path",
        "slice",
        "scope",
        "device",
    ];
    let name = name.trim();
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    match name.rsplit_once('.') {
        Some((_, suffix)) if TYPES.contains(&suffix) => Some(name.to_string()),
        _ => Some(format!("{name}.service")),
    }
}

fn expand_path(path: &str, repo: &Path) -> PathBuf {
    if let Some(rest) = path.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    repo.join(path)
}
