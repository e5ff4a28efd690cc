//! The second, targeted pass: for an incident just opened, fetch what a
//! diagnosis needs and the first sweep does not carry — the target's recent
//! log lines (`docker logs --tail 50`, `journalctl -u UNIT -n 50`) and, for
//! an HTTP check behind a proxy, the proxy's configured upstream and where
//! its backend container really listens.

use std::time::Duration;

use super::transport::{self, Connection};
use crate::act::shell;
use crate::analyze::Target;
use crate::config::Inventory;
use crate::diagnose::{Context, upstream};

/// Log lines kept per target.
const LOG_LINES: usize = 50;
const LIMIT: Duration = Duration::from_secs(20);

pub async fn gather(inventory: &Inventory, target: &Target) -> Context {
    let mut context = Context::default();
    match target {
        Target::Container { host, name } => {
            let command = format!("docker logs --tail {LOG_LINES} -- {} 2>&1", quoted(name));
            context.logs = on_host(inventory, host, &command)
                .await
                .map(lines)
                .unwrap_or_default();
        }
        Target::Unit { host, name } => {
            let command = format!(
                "if command -v journalctl >/dev/null 2>&1; then journalctl -u {} -n {LOG_LINES} --no-pager -o cat 2>&1; fi",
                quoted(name)
            );
            context.logs = on_host(inventory, host, &command)
                .await
                .map(lines)
                .unwrap_or_default();
        }
        Target::Check { name } => {
            if let Some(check) = inventory.check(name) {
                proxy_context(inventory, check, &mut context).await;
            }
        }
        _ => {}
    }
    context
}

async fn proxy_context(
    inventory: &Inventory,
    check: &crate::config::HttpCheck,
    context: &mut Context,
) {
    context.values.insert("check_url".into(), check.url.clone());
    let server_name = reqwest::Url::parse(&check.url)
        .ok()
        .and_then(|u| u.host_str().map(String::from));
    if let Some(proxy) = &check.proxy {
        context
            .values
            .insert("proxy_host".into(), proxy.host.clone());
        context
            .values
            .insert("proxy_file".into(), proxy.file.clone());
        if let Some(host) = inventory.host(&proxy.host)
            && let Ok(connection) = transport::connect(inventory, host).await
        {
            if let Ok(Some(config)) = transport::read_file(&connection, &proxy.file, LIMIT).await
                && let Some(upstream) = upstream::proxy_upstream(&config, server_name.as_deref())
            {
                context.values.insert("proxy_upstream".into(), upstream);
            }
            connection.close().await;
        }
    }
    if let Some(backend) = &check.backend {
        context
            .values
            .insert("backend_host".into(), backend.host.clone());
        context
            .values
            .insert("backend_container".into(), backend.container.clone());
        let command = format!(
            "docker inspect --type container -- {} 2>/dev/null",
            quoted(&backend.container)
        );
        if let Some(output) = on_host(inventory, &backend.host, &command).await
            && let Ok(serde_json::Value::Array(objects)) =
                serde_json::from_str::<serde_json::Value>(&output)
            && let Some(inspect) = objects.first()
            && let Some(address) = upstream::published_address(inspect, backend.port)
        {
            context.values.insert("backend_address".into(), address);
        }
    }
}

/// Runs one command on a host; its stdout, or None when the host or the
/// command failed (a context is best effort).
async fn on_host(inventory: &Inventory, host: &str, command: &str) -> Option<String> {
    let host = inventory.host(host)?;
    let connection: Connection = transport::connect(inventory, host).await.ok()?;
    let output = connection.run(&shell::script(command), LIMIT).await;
    connection.close().await;
    Some(output.ok()?.stdout)
}

fn lines(text: String) -> Vec<String> {
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let skip = lines.len().saturating_sub(LOG_LINES);
    lines.into_iter().skip(skip).collect()
}

fn quoted(value: &str) -> String {
    shell::quote(value).unwrap_or_else(|_| "''".into())
}
