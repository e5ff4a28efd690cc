//! Managed files: what to do with each, from three hashes — the content on
//! the host now, the backup committed in Git now, and what medic last saw
//! the two agree on. Pure. A person's change in Git (a revert) is written
//! to the host; a change on the host that nobody committed is drift, and is
//! reported, never overwritten.

use std::collections::BTreeMap;

use serde::Serialize;

use super::finding::{Finding, FindingKind, Severity, Target};

/// The hashes of one file, as the caller computed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHashes<'a> {
    /// The content on the host now (`absent` when the file does not exist).
    pub host: &'a str,
    /// What the host's content would be as a committed backup (redacted, or
    /// the hash line of a secret file).
    pub host_as_backup: &'a str,
    /// The backup committed at HEAD, if any.
    pub repo: Option<&'a str>,
    /// What medic last saw the two agree on: (host, repo).
    pub known: Option<(&'a str, &'a str)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilePlan {
    InSync,
    /// Nothing in Git yet (or the backup was deleted): commit the host's content.
    Baseline,
    /// Host and Git agree, only medic's memory is behind: remember.
    Adopt,
    /// Git changed and the host did not: a person changed the backup (a
    /// revert), so the repository's version goes to the host.
    Apply,
    /// The host changed and Git did not: someone edited the host by hand.
    Drift,
    /// Both changed, differently: medic touches neither.
    Conflict,
}

pub const ABSENT: &str = "absent";

pub fn plan_file(h: &FileHashes) -> FilePlan {
    match (h.known, h.repo) {
        (None, None) if h.host == ABSENT => FilePlan::InSync,
        (None, None) => FilePlan::Baseline,
        (None, Some(repo)) if repo == h.host_as_backup => FilePlan::Adopt,
        (None, Some(_)) => FilePlan::Conflict,
        (Some((known_host, known_repo)), repo) => {
            let host_same = h.host == known_host;
            match (host_same, repo) {
                (true, Some(repo)) if repo == known_repo => FilePlan::InSync,
                (true, None) => FilePlan::Baseline,
                (true, Some(_)) => FilePlan::Apply,
                (false, Some(repo)) if repo == known_repo => FilePlan::Drift,
                (false, Some(repo)) if repo == h.host_as_backup => FilePlan::Adopt,
                (false, None) => FilePlan::Drift,
                (false, Some(_)) => FilePlan::Conflict,
            }
        }
    }
}

/// The finding a plan means, if any.
pub fn file_finding(host: &str, path: &str, plan: FilePlan) -> Option<Finding> {
    let (summary, change) = match plan {
        FilePlan::Drift => (
            format!(
                "`{path}` on `{host}` was changed on the host, not through Git; medic does not overwrite it"
            ),
            "edited on the host",
        ),
        FilePlan::Conflict => (
            format!(
                "`{path}` on `{host}` differs from its backup in Git and both changed; medic touches neither"
            ),
            "changed on the host and in Git",
        ),
        _ => return None,
    };
    Some(Finding {
        kind: FindingKind::FileDrift,
        target: Target::File {
            host: host.to_string(),
            path: path.to_string(),
        },
        severity: Severity::Warning,
        summary,
        facts: BTreeMap::from([
            ("change".to_string(), change.to_string()),
            ("path".to_string(), path.to_string()),
        ]),
        since: None,
    })
}

/// Where a managed file's backup lives in the repository: `backups/<host>/<path>`.
pub fn backup_path(host: &str, path: &str) -> std::path::PathBuf {
    std::path::Path::new("backups")
        .join(host)
        .join(path.trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(
        host: &str,
        host_as_backup: &str,
        repo: Option<&str>,
        known: Option<(&str, &str)>,
    ) -> FilePlan {
        plan_file(&FileHashes {
            host,
            host_as_backup,
            repo,
            known,
        })
    }

    #[test]
    fn plans() {
        use FilePlan::*;
        let cases = [
            ("first sight", plan("h1", "r1", None, None), Baseline),
            (
                "first sight, no file",
                plan(ABSENT, "r0", None, None),
                InSync,
            ),
            (
                "state lost, same content",
                plan("h1", "r1", Some("r1"), None),
                Adopt,
            ),
            (
                "state lost, different content",
                plan("h1", "r1", Some("r2"), None),
                Conflict,
            ),
            (
                "in sync",
                plan("h1", "r1", Some("r1"), Some(("h1", "r1"))),
                InSync,
            ),
            (
                "edited on the host",
                plan("h2", "r2", Some("r1"), Some(("h1", "r1"))),
                Drift,
            ),
            (
                "reverted in git",
                plan("h2", "r2", Some("r1"), Some(("h2", "r2"))),
                Apply,
            ),
            (
                "backup deleted",
                plan("h1", "r1", None, Some(("h1", "r1"))),
                Baseline,
            ),
            (
                "host edited, backup deleted",
                plan("h2", "r2", None, Some(("h1", "r1"))),
                Drift,
            ),
            (
                "both changed the same way",
                plan("h2", "r2", Some("r2"), Some(("h1", "r1"))),
                Adopt,
            ),
            (
                "both changed differently",
                plan("h2", "r2", Some("r3"), Some(("h1", "r1"))),
                Conflict,
            ),
        ];
        for (name, got, want) in cases {
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn drift_and_conflict_are_findings_the_rest_are_not() {
        assert_eq!(
            file_finding("proxy", "/etc/nginx/conf.d/books.conf", FilePlan::Drift)
                .map(|f| f.fingerprint())
                .as_deref(),
            Some("file_drift:proxy/file/etc/nginx/conf.d/books.conf")
        );
        assert!(file_finding("proxy", "/x", FilePlan::Conflict).is_some());
        for plan in [
            FilePlan::InSync,
            FilePlan::Baseline,
            FilePlan::Adopt,
            FilePlan::Apply,
        ] {
            assert!(file_finding("proxy", "/x", plan).is_none());
        }
        assert_eq!(
            backup_path("proxy", "/etc/nginx/nginx.conf"),
            std::path::Path::new("backups/proxy/etc/nginx/nginx.conf")
        );
    }
}
