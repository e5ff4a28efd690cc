//! medic's inventory file for a lab: where the key and known_hosts are, and
//! one entry per host (address, port, user, which containers and units).

use std::fmt::Write as _;
use std::path::Path;

/// One host's entry.
pub(super) struct InventoryHost {
    pub(super) name: String,
    pub(super) port: u16,
    /// `None`: every container (`all`); otherwise these names.
    pub(super) containers: Option<Vec<String>>,
    pub(super) units: Vec<String>,
}

/// A YAML scalar: plain when it is unambiguous, else double-quoted (JSON
/// string syntax is valid YAML).
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/@-".contains(&b))
        && !s.starts_with(['-', '@'])
        && !matches!(
            s,
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
        )
        && s.parse::<f64>().is_err();
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string serializes")
    }
}

fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| scalar(s)).collect();
    format!("[{}]", items.join(", "))
}

/// Renders the inventory.
pub(super) fn render(
    identity_file: &Path,
    known_hosts_file: &Path,
    user: &str,
    hosts: &[InventoryHost],
) -> String {
    let mut out = String::new();
    let path = |p: &Path| scalar(&p.to_string_lossy());
    let _ = writeln!(out, "ssh:");
    let _ = writeln!(out, "  identity_file: {}", path(identity_file));
    let _ = writeln!(out, "  known_hosts_file: {}", path(known_hosts_file));
    let _ = writeln!(out, "settings:");
    let _ = writeln!(out, "  connect_timeout: 3s");
    let _ = writeln!(out, "  command_timeout: 20s");
    let _ = writeln!(out, "hosts:");
    for h in hosts {
        let _ = writeln!(out, "  {}:", scalar(&h.name));
        let _ = writeln!(out, "    address: 127.0.0.1");
        let _ = writeln!(out, "    port: {}", h.port);
        let _ = writeln!(out, "    user: {}", scalar(user));
        let _ = writeln!(out, "    transport: ssh");
        match &h.containers {
            None => {
                let _ = writeln!(out, "    containers: all");
            }
            Some(names) => {
                let _ = writeln!(out, "    containers: {}", list(names));
            }
        }
        if !h.units.is_empty() {
            let _ = writeln!(out, "    units: {}", list(&h.units));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_medic_inventory() {
        let hosts = [
            InventoryHost {
                name: "nas".into(),
                port: 40123,
                containers: None,
                units: vec!["nginx.service".into()],
            },
            InventoryHost {
                name: "dock".into(),
                port: 40124,
                containers: Some(vec!["medic-lab-ab12-web".into(), "x; y".into()]),
                units: vec![],
            },
        ];
        let text = render(Path::new("/l/key"), Path::new("/l/kh"), "medic-lab", &hosts);
        assert_eq!(
            text,
            "ssh:\n  identity_file: /l/key\n  known_hosts_file: /l/kh\nsettings:\n  connect_timeout: 3s\n  command_timeout: 20s\nhosts:\n  nas:\n    address: 127.0.0.1\n    port: 40123\n    user: medic-lab\n    transport: ssh\n    containers: all\n    units: [nginx.service]\n  dock:\n    address: 127.0.0.1\n    port: 40124\n    user: medic-lab\n    transport: ssh\n    containers: [medic-lab-ab12-web, \"x; y\"]\n"
        );
    }
}
