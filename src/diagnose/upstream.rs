//! Where a reverse proxy sends requests and where a container listens: pure parsers the context
//! gatherer uses for the proxy rules. Takes an nginx config file's text (plain nginx or Nginx
//! Proxy Manager's generated `proxy_host/<id>.conf`) or a `docker inspect` object; gives a
//! `host:port` address, or None when the text does not say.

mod nginx;

use std::collections::BTreeMap;

use regex::Regex;
use serde_json::Value;

use nginx::Directive;

/// The `host:port` the proxy sends requests to, from an nginx config.
///
/// The server block is the first whose `server_name` matches `server_name` (exact, `*.x`,
/// `x.*`, `.x` or `~regex`, as nginx matches them), or any server when None, taking the first
/// such block that proxies (a plain-HTTP block that only redirects is skipped). In it: the
/// `proxy_pass` of `location /`; else Nginx Proxy Manager's `set $server` + `set $port`; else
/// the first `proxy_pass` of any location. `$variables` set in the block are substituted,
/// `proxy_pass http://NAME` names an `upstream NAME { server ...; }` block (its first server),
/// and a missing port is 80 for `http` and 443 for `https` (80 in an upstream block, as in
/// nginx). Unix sockets and unresolved variables give None.
pub fn proxy_upstream(config: &str, server_name: Option<&str>) -> Option<String> {
    let tree = nginx::parse(config);
    let mut upstreams = BTreeMap::new();
    let mut servers = Vec::new();
    collect(&tree, &mut upstreams, &mut servers);
    servers
        .into_iter()
        .filter(|server| server_name.is_none_or(|wanted| serves(server, wanted)))
        .find_map(|server| server_upstream(server, &upstreams))
}

/// Every `upstream` block (name → its first server) and `server` block, at any depth.
fn collect<'a>(
    directives: &'a [Directive],
    upstreams: &mut BTreeMap<&'a str, &'a str>,
    servers: &mut Vec<&'a [Directive]>,
) {
    for directive in directives {
        match (directive.name.as_str(), &directive.block) {
            ("upstream", Some(block)) => {
                let first = block
                    .iter()
                    .find(|d| d.name == "server")
                    .and_then(|d| d.args.first());
                if let (Some(name), Some(server)) = (directive.args.first(), first) {
                    upstreams.entry(name.as_str()).or_insert(server.as_str());
                }
            }
            ("server", Some(block)) => servers.push(block),
            (_, Some(block)) => collect(block, upstreams, servers),
            (_, None) => {}
        }
    }
}

fn serves(server: &[Directive], wanted: &str) -> bool {
    let wanted = wanted.trim_end_matches('.').to_ascii_lowercase();
    server
        .iter()
        .filter(|d| d.name == "server_name")
        .flat_map(|d| &d.args)
        .any(|name| name_matches(name, &wanted))
}

/// Whether a `server_name` entry matches a (lowercase) host name.
fn name_matches(name: &str, wanted: &str) -> bool {
    if let Some(pattern) = name.strip_prefix('~') {
        return Regex::new(pattern).is_ok_and(|re| re.is_match(wanted));
    }
    let name = name.to_ascii_lowercase();
    if let Some(base) = name.strip_prefix('.') {
        wanted == base || wanted.ends_with(&format!(".{base}"))
    } else if let Some(suffix) = name.strip_prefix("*.") {
        wanted.ends_with(&format!(".{suffix}"))
    } else if let Some(prefix) = name.strip_suffix(".*") {
        wanted.starts_with(&format!("{prefix}."))
    } else {
        name == wanted
    }
}

fn server_upstream(server: &[Directive], upstreams: &BTreeMap<&str, &str>) -> Option<String> {
    let variables = variables(server, &BTreeMap::new());
    let locations: Vec<&Directive> = server.iter().filter(|d| d.name == "location").collect();
    let root = locations
        .iter()
        .find(|l| l.args.last().is_some_and(|path| path == "/"));
    if let Some(address) = root.and_then(|l| location_upstream(l, &variables, upstreams)) {
        return Some(address);
    }
    if let Some(address) = proxy_manager(&variables) {
        return Some(address);
    }
    locations
        .iter()
        .find_map(|l| location_upstream(l, &variables, upstreams))
}

/// The `set $NAME VALUE;` of a block, over those of its parent.
fn variables<'a>(
    block: &'a [Directive],
    parent: &BTreeMap<&'a str, &'a str>,
) -> BTreeMap<&'a str, &'a str> {
    let mut all = parent.clone();
    all.extend(block.iter().filter_map(Directive::variable));
    all
}

fn location_upstream(
    location: &Directive,
    parent: &BTreeMap<&str, &str>,
    upstreams: &BTreeMap<&str, &str>,
) -> Option<String> {
    let variables = variables(location.children(), parent);
    let url = location
        .children()
        .iter()
        .find(|d| d.name == "proxy_pass")?
        .args
        .first()?;
    url_address(&substitute(url, &variables), upstreams)
}

/// Nginx Proxy Manager's `set $forward_scheme http; set $server "10.0.0.5"; set $port 8080;`.
fn proxy_manager(variables: &BTreeMap<&str, &str>) -> Option<String> {
    let server = variables.get("server")?;
    let scheme = variables.get("forward_scheme").copied().unwrap_or("http");
    let port = variables
        .get("port")
        .map_or(String::new(), |port| format!(":{port}"));
    url_address(&format!("{scheme}://{server}{port}"), &BTreeMap::new())
}

/// `$name` and `${name}` replaced by the values of known variables; others stay.
fn substitute(text: &str, variables: &BTreeMap<&str, &str>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        match variables.get(name) {
            Some(value) if !name.is_empty() => out.push_str(value),
            _ => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// `host:port` of a `proxy_pass` URL (after substitution).
fn url_address(url: &str, upstreams: &BTreeMap<&str, &str>) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let end = rest.find(['/', '?', '$']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let (host, port) = host_port(authority)?;
    match (port, upstreams.get(host)) {
        (None, Some(server)) => {
            let (host, port) = host_port(server)?;
            Some(format!("{host}:{}", port.unwrap_or(80)))
        }
        (port, _) => Some(format!("{host}:{}", port.unwrap_or(default_port))),
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`; None for an empty host, a unix socket or a
/// port that is not a number.
fn host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    if authority.is_empty() || authority.starts_with("unix:") {
        return None;
    }
    let (host, port) = if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (host, after) = authority.split_at(close + 1);
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() || host.contains(['$', '{', '}']) {
        return None;
    }
    match port {
        None => Some((host, None)),
        Some(port) => port.parse::<u16>().ok().map(|p| (host, Some(p))),
    }
}

/// The `host:port` where a container's port is published, from a `docker inspect` object (or
/// the one-element array `docker inspect` prints).
///
/// Reads `NetworkSettings.Ports["PORT/tcp"]`, falling back to `HostConfig.PortBindings`
/// (all a stopped container has). Without `container_port`, the lowest published tcp port is
/// taken. Of several bindings the first IPv4 one wins; a host IP of `""`, `0.0.0.0` or `::`
/// (every address) is given as `127.0.0.1`, another IPv6 address in brackets.
pub fn published_address(inspect: &Value, container_port: Option<u16>) -> Option<String> {
    let object = match inspect {
        Value::Array(items) => items.first()?,
        other => other,
    };
    ["/NetworkSettings/Ports", "/HostConfig/PortBindings"]
        .iter()
        .find_map(|path| ports_address(object.pointer(path)?, container_port))
}

fn ports_address(ports: &Value, container_port: Option<u16>) -> Option<String> {
    let ports = ports.as_object()?;
    let mut published: Vec<(u16, String)> = ports
        .iter()
        .filter_map(|(key, bindings)| {
            let port = key.strip_suffix("/tcp")?.parse::<u16>().ok()?;
            Some((port, binding_address(bindings)?))
        })
        .collect();
    published.sort();
    match container_port {
        Some(wanted) => published
            .into_iter()
            .find(|(port, _)| *port == wanted)
            .map(|(_, address)| address),
        None => published.into_iter().next().map(|(_, address)| address),
    }
}

fn binding_address(bindings: &Value) -> Option<String> {
    let usable: Vec<(&str, &str)> = bindings
        .as_array()?
        .iter()
        .filter_map(|b| {
            let ip = b.get("HostIp").and_then(Value::as_str).unwrap_or_default();
            let port = b.get("HostPort").and_then(Value::as_str)?;
            port.parse::<u16>().is_ok().then_some((ip, port))
        })
        .collect();
    let (ip, port) = usable
        .iter()
        .find(|(ip, _)| !ip.contains(':') || *ip == "::")
        .or_else(|| usable.first())?;
    Some(match *ip {
        "" | "0.0.0.0" | "::" => format!("127.0.0.1:{port}"),
        v6 if v6.contains(':') => format!("[{v6}]:{port}"),
        v4 => format!("{v4}:{port}"),
    })
}

#[cfg(test)]
mod tests;
