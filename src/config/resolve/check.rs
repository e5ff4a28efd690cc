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
        HttpCheck {
            name: name.to_string(),
            url,
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
