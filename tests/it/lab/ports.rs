//! Published ports of a fake container, rendered as docker does: the
//! `Ports` column of `docker ps` (the CLI's `DisplayablePorts`: sorted,
//! equal host and container ports grouped into ranges, the rest listed one
//! by one) and the `{"80/tcp": [{"HostIp": .., "HostPort": ..}]}` maps of
//! `docker inspect`. Checked against CLI 28.2 with Engine 20.10 here: both
//! `NetworkSettings.Ports` and the `ps` column are empty unless the
//! container has a process (running or paused); `HostConfig.PortBindings`
//! and `Config.ExposedPorts` are always there.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::Serialize;

/// One `-p HOST_IP:HOST_PORT:CONTAINER_PORT` (TCP).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Published {
    pub(super) host_ip: String,
    pub(super) host_port: u16,
    pub(super) container_port: u16,
}

impl Published {
    pub(super) fn new(host_ip: &str, host_port: u16, container_port: u16) -> Self {
        assert!(
            host_ip.parse::<IpAddr>().is_ok(),
            "publish: the host address must be an IP address such as 127.0.0.1: {host_ip:?}"
        );
        assert!(
            host_port != 0 && container_port != 0,
            "publish: ports are 1-65535"
        );
        Self {
            host_ip: host_ip.to_string(),
            host_port,
            container_port,
        }
    }

    fn key(&self) -> String {
        format!("{}/tcp", self.container_port)
    }
}

/// An element of a port map (`nat.PortBinding`).
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub(super) struct PortBinding {
    pub(super) host_ip: String,
    pub(super) host_port: String,
}

/// `80/tcp` → bindings, in declaration order (Go sorts the keys as strings,
/// as a `BTreeMap` does).
pub(super) type PortMap = BTreeMap<String, Vec<PortBinding>>;

/// The value of `Config.ExposedPorts`: `{}` per port.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Empty {}

pub(super) fn port_map(ports: &[Published]) -> PortMap {
    let mut map = PortMap::new();
    for p in ports {
        map.entry(p.key()).or_default().push(PortBinding {
            host_ip: p.host_ip.clone(),
            host_port: p.host_port.to_string(),
        });
    }
    map
}

pub(super) fn exposed(ports: &[Published]) -> BTreeMap<String, Empty> {
    ports.iter().map(|p| (p.key(), Empty {})).collect()
}

/// Go's `net.JoinHostPort`: IPv6 addresses in brackets.
fn join_host_port(ip: &str, port: &str) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// The `Ports` column of `docker ps` for these bindings.
pub(super) fn display(ports: &[Published]) -> String {
    let mut sorted: Vec<&Published> = ports.iter().collect();
    // comparePorts: container port, then host address, then host port.
    sorted.sort_by(|a, b| {
        (a.container_port, &a.host_ip, a.host_port).cmp(&(
            b.container_port,
            &b.host_ip,
            b.host_port,
        ))
    });
    let mut result = Vec::new();
    let mut mappings = Vec::new();
    // Ranges of equal host and container ports, per host address, in the
    // order their addresses first appear.
    let mut groups: Vec<(String, u16, u16)> = Vec::new();
    for p in sorted {
        let port = p.container_port;
        if p.host_port != port {
            mappings.push(format!(
                "{}->{port}/tcp",
                join_host_port(&p.host_ip, &p.host_port.to_string())
            ));
            continue;
        }
        match groups.iter_mut().find(|(ip, _, _)| *ip == p.host_ip) {
            None => groups.push((p.host_ip.clone(), port, port)),
            Some(group) if port == group.2.wrapping_add(1) => group.2 = port,
            Some(group) => {
                result.push(form_group(&group.0, group.1, group.2));
                *group = (p.host_ip.clone(), port, port);
            }
        }
    }
    result.extend(groups.iter().map(|(ip, a, b)| form_group(ip, *a, *b)));
    result.extend(mappings);
    result.join(", ")
}

fn form_group(ip: &str, first: u16, last: u16) -> String {
    let range = if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    };
    format!("{}->{range}/tcp", join_host_port(ip, &range))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(ip: &str, host: u16, container: u16) -> Published {
        Published::new(ip, host, container)
    }

    #[test]
    fn ps_column_matches_the_real_cli() {
        // Each expected string was printed by CLI 28.2 / Engine 20.10 here.
        assert_eq!(
            display(&[p("127.0.0.1", 18581, 80)]),
            "127.0.0.1:18581->80/tcp"
        );
        assert_eq!(
            display(&[p("127.0.0.1", 18582, 8080), p("127.0.0.1", 18581, 80)]),
            "127.0.0.1:18581->80/tcp, 127.0.0.1:18582->8080/tcp"
        );
        assert_eq!(
            display(&[
                p("127.0.0.1", 18591, 80),
                p("127.0.0.1", 18592, 81),
                p("127.0.0.1", 18599, 80),
                p("127.0.0.1", 18570, 443),
            ]),
            "127.0.0.1:18591->80/tcp, 127.0.0.1:18599->80/tcp, \
             127.0.0.1:18592->81/tcp, 127.0.0.1:18570->443/tcp"
        );
        assert_eq!(
            display(&[
                p("127.0.0.1", 18602, 18602),
                p("127.0.0.1", 18601, 18601),
                p("127.0.0.1", 18610, 80),
                p("127.0.0.2", 18611, 80),
            ]),
            "127.0.0.1:18601-18602->18601-18602/tcp, 127.0.0.1:18610->80/tcp, \
             127.0.0.2:18611->80/tcp"
        );
        assert_eq!(display(&[p("::", 8080, 80)]), "[::]:8080->80/tcp");
        assert_eq!(display(&[]), "");
    }

    #[test]
    fn maps_group_bindings_by_container_port() {
        let json = serde_json::to_string(&port_map(&[
            p("127.0.0.1", 18591, 80),
            p("127.0.0.1", 18570, 443),
            p("127.0.0.1", 18599, 80),
        ]))
        .expect("serializes");
        assert_eq!(
            json,
            r#"{"443/tcp":[{"HostIp":"127.0.0.1","HostPort":"18570"}],"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"18591"},{"HostIp":"127.0.0.1","HostPort":"18599"}]}"#
        );
        let exposed = serde_json::to_string(&exposed(&[p("127.0.0.1", 1, 80)])).expect("ok");
        assert_eq!(exposed, r#"{"80/tcp":{}}"#);
    }

    #[test]
    #[should_panic(expected = "must be an IP address")]
    fn a_host_name_is_not_a_host_ip() {
        let _ = Published::new("localhost", 1, 80);
    }
}
