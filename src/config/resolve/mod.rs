//! Raw inventory files → one validated `Inventory`: merges files, applies
//! defaults and groups to hosts, checks names, references, ranges and
//! durations. Every problem becomes a `Diagnostic` with file:line:column; all
//! of them are returned together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::inventory::{
    BackendLink, ContainerWatch, DEFAULT_CHECK_TIMEOUT, DEFAULT_DISK_THRESHOLD, Host, HttpCheck,
    Inventory, ManagedFile, ProxyLink, Settings, SshOptions, TransportKind,
};
use super::policy::Policy;
use super::raw::{RawCheck, RawContainers, RawHost, RawInventory, RawPolicy};
use super::yaml::{Diagnostic, Location, Spanned};

mod check;
mod host;
mod policy;
mod retention;

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
    pub(super) problems: Vec<Diagnostic>,
}

#[derive(Default)]
struct Merged {
    pub(super) settings: Option<Spanned<super::raw::RawSettings>>,
    pub(super) ssh: Option<Spanned<super::raw::RawSsh>>,
    pub(super) defaults: Option<Spanned<RawHost>>,
    pub(super) hosts: BTreeMap<String, Spanned<RawHost>>,
    pub(super) groups: BTreeMap<String, Spanned<RawHost>>,
    pub(super) checks: BTreeMap<String, Spanned<RawCheck>>,
    pub(super) policy: Option<Spanned<RawPolicy>>,
    pub(super) redact: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) sync: Option<Spanned<super::raw::RawSync>>,
    pub(super) depends_on: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
}

impl Resolver {
    pub(super) fn problem(&mut self, location: &Location, message: impl Into<String>) {
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
            self.merge_single(&mut m.redact, file.redact, "redact");
            self.merge_single(&mut m.sync, file.sync, "sync");
            self.merge_named(&mut m.depends_on, file.depends_on, "depends_on entry");
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
        let hosts: Vec<Host> = m
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
        let checks: Vec<HttpCheck> = m
            .checks
            .iter()
            .map(|(name, raw)| self.check(name, raw, &m.hosts))
            .collect();
        let policy = self.policy(m.policy.as_ref());
        self.guard_tags(&m, &policy);
        self.check_links(&m.checks, &checks, &hosts);
        let redact = self.redact(m.redact.as_ref());
        let sync = self.sync(m.sync.as_ref());
        let depends_on = self.depends_on(&m.depends_on, &m.checks, &hosts, &checks);
        Inventory {
            settings,
            ssh,
            hosts,
            groups,
            checks,
            policy,
            redact,
            sync,
            depends_on,
        }
    }

    pub(super) fn forbid(
        &mut self,
        raw: &Spanned<RawHost>,
        context: &str,
        address: bool,
        hosts: bool,
    ) {
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

    pub(super) fn check_name(&mut self, name: &str, what: &str, location: &Location) {
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

    pub(super) fn duration(
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
}

fn expand_path(path: &str, repo: &Path) -> PathBuf {
    if let Some(rest) = path.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    repo.join(path)
}
