//! HTTP checks: URL, expected answer, and the proxy and backend that serve it.

use super::*;

impl Resolver {
    pub(super) fn check(
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
        let mut sweeps = |value: &Option<Spanned<u32>>, what: &str| match value {
            Some(v) if !(1..=100).contains(&v.value) => {
                self.problem(
                    &v.location,
                    format!(
                        "check `{name}`: `{what}` must be from 1 to 100, found {}",
                        v.value
                    ),
                );
                None
            }
            Some(v) => Some(v.value),
            None => None,
        };
        let open_after = sweeps(&raw.open_after, "open_after");
        let resolve_after = sweeps(&raw.resolve_after, "resolve_after");
        HttpCheck {
            name: name.to_string(),
            url,
            open_after,
            resolve_after,
            host: raw.host.as_ref().map(|h| h.value.clone()),
            expect_status,
            body_contains: raw.body_contains.clone(),
            timeout: self.duration(raw.timeout.as_ref(), "timeout", DEFAULT_CHECK_TIMEOUT),
            connect_to: raw.connect_to.as_ref().and_then(|c| match c.value.parse() {
                Ok(ip) => Some(ip),
                Err(_) => {
                    self.problem(
                        &c.location,
                        format!(
                            "check `{name}`: `connect_to` must be an IP address, found `{}`",
                            c.value
                        ),
                    );
                    None
                }
            }),
            proxy: raw.proxy.as_ref().and_then(|p| {
                let (host, file) = (p.host.as_ref(), p.file.as_ref());
                if host.is_none() || file.is_none() {
                    self.problem(
                        &p.location,
                        format!("check `{name}`: `proxy` needs both `host` and `file`"),
                    );
                }
                Some(ProxyLink {
                    host: host?.value.clone(),
                    file: file?.value.clone(),
                })
            }),
            backend: raw.backend.as_ref().and_then(|b| {
                let (host, container) = (b.host.as_ref(), b.container.as_ref());
                if host.is_none() || container.is_none() {
                    self.problem(
                        &b.location,
                        format!("check `{name}`: `backend` needs both `host` and `container`"),
                    );
                }
                Some(BackendLink {
                    host: host?.value.clone(),
                    container: container?.clone(),
                    port: b.port,
                })
            }),
        }
    }
}

impl Resolver {
    /// A check's proxy must be a host whose config file medic may change (a
    /// managed file), and its backend a host of the inventory: the diagnosis
    /// reads both, and a fix may rewrite that file.
    pub(super) fn check_links(
        &mut self,
        raw: &BTreeMap<String, Spanned<RawCheck>>,
        checks: &[HttpCheck],
        hosts: &[Host],
    ) {
        for check in checks {
            let Some(raw) = raw.get(&check.name) else {
                continue;
            };
            if let (Some(link), Some(spanned)) = (&check.proxy, &raw.proxy) {
                match hosts.iter().find(|h| h.name == link.host) {
                    None => self.problem(
                        &spanned.location,
                        format!("check `{}`: proxy host `{}` is not in the inventory", check.name, link.host),
                    ),
                    Some(host) if !host.files.contains_key(&link.file) => self.problem(
                        &spanned.location,
                        format!(
                            "check `{}`: `{}` is not a managed file of host `{}`; declare it under `hosts.{}.files` \
                             (with its validate and reload commands) so medic may back it up and change it",
                            check.name, link.file, link.host, link.host
                        ),
                    ),
                    Some(_) => {}
                }
            }
            if let (Some(link), Some(spanned)) = (&check.backend, &raw.backend)
                && !hosts.iter().any(|h| h.name == link.host)
            {
                self.problem(
                    &spanned.location,
                    format!(
                        "check `{}`: backend host `{}` is not in the inventory",
                        check.name, link.host
                    ),
                );
            }
        }
    }
}

impl Resolver {
    /// Merges `depends_on` (top level and on checks) and checks that every
    /// key names a host or check of the inventory.
    pub(super) fn depends_on(
        &mut self,
        top: &BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
        raw_checks: &BTreeMap<String, Spanned<RawCheck>>,
        hosts: &[Host],
        checks: &[HttpCheck],
    ) -> BTreeMap<String, Vec<String>> {
        let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut edges: Vec<(String, &Location, &Spanned<String>)> = Vec::new();
        for (dependent, needs) in top {
            for need in &needs.value {
                edges.push((dependent.clone(), &needs.location, need));
            }
        }
        for (name, raw) in raw_checks {
            for need in &raw.depends_on {
                edges.push((format!("check/{name}"), &raw.location, need));
            }
        }
        for (dependent, at, need) in edges {
            let mut ok = true;
            for key in [dependent.as_str(), need.value.as_str()] {
                if let Some(problem) = unknown_target(key, hosts, checks) {
                    let location = if key == need.value {
                        &need.location
                    } else {
                        at
                    };
                    self.problem(location, format!("depends_on: {problem}"));
                    ok = false;
                }
            }
            let (dependent, need) = (normal_key(&dependent), normal_key(&need.value));
            if ok && dependent != need {
                graph.entry(dependent).or_default().push(need);
            }
        }
        graph
    }
}

/// `db/unit/postgresql` means `db/unit/postgresql.service`, as on hosts.
fn normal_key(key: &str) -> String {
    let parts: Vec<&str> = key.splitn(3, '/').collect();
    match parts.as_slice() {
        [host, "unit", unit] => {
            let unit = super::host::normalize_unit(unit).unwrap_or_else(|| unit.to_string());
            format!("{host}/unit/{unit}")
        }
        _ => key.to_string(),
    }
}

/// Why `key` names nothing in the inventory, if it does not.
fn unknown_target(key: &str, hosts: &[Host], checks: &[HttpCheck]) -> Option<String> {
    if let Some(check) = key.strip_prefix("check/") {
        return (!checks.iter().any(|c| c.name == check))
            .then(|| format!("`{key}` names check `{check}`, which is not in the inventory"));
    }
    let host = key.split('/').next().unwrap_or(key);
    if !hosts.iter().any(|h| h.name == host) {
        return Some(format!(
            "`{key}` names host `{host}`, which is not in the inventory"
        ));
    }
    let kind = key.split('/').nth(1);
    match kind {
        None | Some("container" | "unit" | "disk" | "file") => None,
        Some(other) => Some(format!(
            "`{key}`: `{other}` is not a kind of target (use HOST, HOST/container/NAME, HOST/unit/NAME, HOST/disk/MOUNT or check/NAME)"
        )),
    }
}
