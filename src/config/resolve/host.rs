//! Hosts: the layers (host, its groups, the defaults) resolved into one `Host`.

use super::*;

impl Resolver {
    pub(super) fn host(
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
            files: self.files(name, layers),
        }
    }

    /// Managed files from every layer (the host's own win), each an
    /// absolute, normalized path.
    pub(super) fn files(
        &mut self,
        host: &str,
        layers: &[&RawHost],
    ) -> BTreeMap<String, ManagedFile> {
        let mut files = BTreeMap::new();
        for layer in layers.iter().rev() {
            for (path, raw) in &layer.files {
                let normal = path.starts_with('/')
                    && !path.ends_with('/')
                    && !path.split('/').any(|part| part == ".." || part == ".")
                    && !path.contains("//")
                    && !path.chars().any(|c| c.is_control());
                if !normal {
                    self.problem(
                        &raw.location,
                        format!("host `{host}`: managed file `{path}` must be an absolute path without `.`, `..`, `//` or a trailing `/`"),
                    );
                    continue;
                }
                files.insert(
                    path.clone(),
                    ManagedFile {
                        path: path.clone(),
                        validate: raw.validate.clone(),
                        reload: raw.reload.clone(),
                        secret: raw.secret,
                    },
                );
            }
        }
        files
    }

    pub(super) fn percent(&mut self, value: &Spanned<f64>) -> f64 {
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
}

/// `nginx` means `nginx.service`, as it does for systemctl.
pub(super) fn normalize_unit(name: &str) -> Option<String> {
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
