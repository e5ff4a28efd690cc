//! One rendered step at a time: host commands (run, docker, systemctl),
//! file writes and edits (through `files`), and the steps that run on
//! medic's side (HTTP, wait). Each gives Ok(()) or the reason it failed.

use std::time::Duration;

use super::files;
use super::journal::{Entry, failure, summarize};
use super::render::RenderedStep;
use super::runner::Session;
use super::shell;
use crate::collect::transport::Connection as HostConnection;
use crate::store::StoreError;

/// A container or service action that takes longer is reported as failed.
const ACTION_LIMIT: Duration = Duration::from_secs(120);

pub async fn run_step(
    session: &mut Session<'_, '_>,
    host: &HostConnection,
    phase: &str,
    step: &RenderedStep,
) -> Result<Result<(), String>, StoreError> {
    let description = step.describe();
    let (script, limit) = match step {
        RenderedStep::Run { script, timeout } => (Ok(script.clone()), *timeout),
        RenderedStep::Container { action, name } => (shell::docker(*action, name), ACTION_LIMIT),
        RenderedStep::Service { action, unit } => (shell::systemctl(*action, unit), ACTION_LIMIT),
        RenderedStep::Write { path, content } => {
            return files::write(session, host, phase, description, path, content).await;
        }
        RenderedStep::Edit {
            path,
            pattern,
            replacement,
        } => {
            let current = session
                .backups
                .iter()
                .find(|b| &b.path == path)
                .map(|b| String::from_utf8_lossy(&b.content).into_owned());
            return match edit(current.as_deref(), pattern, replacement) {
                Ok(new_content) => {
                    files::write(session, host, phase, description, path, &new_content).await
                }
                Err(problem) => {
                    Entry::start(phase, description.clone()).finish(
                        session.job.db,
                        session.job.action,
                        false,
                        None,
                        &problem,
                    )?;
                    Ok(Err(format!("`{description}`: {problem}")))
                }
            };
        }
        // Backups were taken before any step; HTTP and waits need no host.
        RenderedStep::Backup { .. } => return Ok(Ok(())),
        RenderedStep::Http { .. } | RenderedStep::Wait { .. } => {
            return local_step(session, phase, step).await;
        }
    };
    let entry = Entry::start(phase, description.clone());
    let (ok, code, output) = match script {
        Ok(script) => summarize(&host.run(&shell::script(&script), limit).await),
        Err(e) => (false, None, e.to_string()),
    };
    entry.finish(session.job.db, session.job.action, ok, code, &output)?;
    Ok(if ok {
        Ok(())
    } else {
        Err(failure(&description, code, &output))
    })
}

/// Steps that run on medic's side: HTTP requests and waits.
pub async fn local_step(
    session: &Session<'_, '_>,
    phase: &str,
    step: &RenderedStep,
) -> Result<Result<(), String>, StoreError> {
    let entry = Entry::start(phase, step.describe());
    let (ok, output) = match step {
        RenderedStep::Wait { duration } => {
            tokio::time::sleep(*duration).await;
            (true, String::new())
        }
        RenderedStep::Http {
            url,
            expect_status,
            timeout,
        } => match session.job.http.get(url).timeout(*timeout).send().await {
            Ok(response) if response.status().as_u16() == *expect_status => {
                (true, format!("HTTP {}", response.status().as_u16()))
            }
            Ok(response) => (
                false,
                format!(
                    "HTTP {}, expected {expect_status}",
                    response.status().as_u16()
                ),
            ),
            Err(e) => (false, e.without_url().to_string()),
        },
        other => (
            false,
            format!(
                "`{}` needs a host, and `{}` has none",
                other.describe(),
                session.job.target
            ),
        ),
    };
    let description = entry.description.clone();
    entry.finish(session.job.db, session.job.action, ok, None, &output)?;
    Ok(if ok {
        Ok(())
    } else {
        Err(format!("`{description}`: {output}"))
    })
}

fn edit(current: Option<&str>, pattern: &str, replacement: &str) -> Result<String, String> {
    let current = current.ok_or("the file was not backed up")?;
    let regex = regex::Regex::new(pattern).map_err(|e| format!("invalid pattern: {e}"))?;
    if !regex.is_match(current) {
        return Err(format!("pattern `{pattern}` not found; nothing to change"));
    }
    // The renderer doubled `$` in interpolated values, so `$1` written in the
    // playbook expands and values stay literal.
    Ok(regex.replace_all(current, replacement).into_owned())
}
