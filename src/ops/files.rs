//! Managed files in a run: read what each host holds, compare with the
//! backup committed in Git and with what medic last saw, then — keep the
//! backups current (baseline commits), report drift, and write a person's
//! change in Git (a revert) back to the host, journaled, with a hold so
//! medic does not fix that target again on its own.

use jiff::Timestamp;
use rusqlite::Connection;

use crate::act::files::sha256;
use crate::act::render::{RenderedPlaybook, RenderedStep};
use crate::act::runner::{self, Job, Outcome};
use crate::analyze::files::{ABSENT, FileHashes, FilePlan, backup_path, file_finding, plan_file};
use crate::analyze::{Finding, FindingKind, Severity, Target};
use crate::collect::Sweep;
use crate::config::Inventory;
use crate::config::inventory::ManagedFile;
use crate::record::{Notes, OpsRepo, RepoFile, is_medic};
use crate::redact::Redactor;
use crate::store::{self, KnownFile, NewAction, Revert};

/// One managed file as this run found it.
pub struct FileState {
    pub host: String,
    pub file: ManagedFile,
    /// The host's content; None when the file does not exist.
    pub content: Option<String>,
    pub host_hash: String,
    /// The host's content as it would be committed (redacted, or a hash line).
    pub blob: Option<String>,
    pub blob_hash: String,
    pub repo_blob: Option<String>,
    pub repo_hash: Option<String>,
    pub plan: FilePlan,
}

pub struct FilePass {
    pub files: Vec<FileState>,
    pub findings: Vec<Finding>,
}

/// What Git holds for a managed file's content: the content with secrets
/// redacted, or for a file marked secret only its hash.
pub fn backup_blob(file: &ManagedFile, content: &str, redactor: &Redactor) -> String {
    if file.secret {
        format!(
            "medic: secret file; its content is not stored in Git\nsha256: {}\n",
            sha256(content)
        )
    } else {
        redactor.redact(content).into_owned()
    }
}

/// Reads and compares; changes nothing.
pub fn plan(
    db: &Connection,
    repo: &OpsRepo,
    inventory: &Inventory,
    sweep: &Sweep,
    redactor: &Redactor,
) -> anyhow::Result<FilePass> {
    let mut pass = FilePass {
        files: Vec::new(),
        findings: Vec::new(),
    };
    for observed in &sweep.files {
        let Some(file) = inventory
            .host(&observed.host)
            .and_then(|h| h.files.get(&observed.path))
        else {
            continue;
        };
        let content = match &observed.content {
            Ok(content) => content.clone(),
            Err(problem) => {
                pass.findings
                    .push(unreadable(&observed.host, &observed.path, problem));
                continue;
            }
        };
        let host_hash = content
            .as_deref()
            .map_or_else(|| ABSENT.to_string(), sha256);
        let blob = content.as_deref().map(|c| backup_blob(file, c, redactor));
        let blob_hash = blob.as_deref().map_or_else(|| ABSENT.to_string(), sha256);
        let repo_blob = repo.committed(&backup_path(&observed.host, &observed.path))?;
        let repo_hash = repo_blob.as_deref().map(sha256);
        let known = store::known_file(db, &observed.host, &observed.path)?;
        let plan = plan_file(&FileHashes {
            host: &host_hash,
            host_as_backup: &blob_hash,
            repo: repo_hash.as_deref(),
            known: known
                .as_ref()
                .map(|k| (k.host_hash.as_str(), k.repo_hash.as_str())),
        });
        pass.findings
            .extend(file_finding(&observed.host, &observed.path, plan));
        pass.files.push(FileState {
            host: observed.host.clone(),
            file: file.clone(),
            content,
            host_hash,
            blob,
            blob_hash,
            repo_blob,
            repo_hash,
            plan,
        });
    }
    Ok(pass)
}

fn unreadable(host: &str, path: &str, problem: &str) -> Finding {
    Finding {
        kind: FindingKind::ProbeFailed,
        target: Target::Probe {
            host: host.to_string(),
            section: format!("file {path}"),
        },
        severity: Severity::Warning,
        summary: format!("cannot read managed file `{path}` on `{host}`: {problem}"),
        facts: [("problem".to_string(), problem.to_string())].into(),
        since: None,
    }
}

/// Commits the backups Git lacks (first sight of a file) at once, so they
/// are there before any fix in this run changes a file, and remembers what
/// agrees.
pub fn keep_backups(
    db: &Connection,
    repo: &OpsRepo,
    pass: &FilePass,
    now: Timestamp,
) -> anyhow::Result<()> {
    let mut baseline = Vec::new();
    let mut listed = String::new();
    for f in &pass.files {
        match f.plan {
            FilePlan::Baseline => {
                if let Some(blob) = &f.blob {
                    baseline.push(RepoFile::write(
                        backup_path(&f.host, &f.file.path),
                        blob.clone(),
                    ));
                    listed.push_str(&format!("- {}:{}\n", f.host, f.file.path));
                }
                remember(db, f, &f.host_hash, &f.blob_hash, f.content.as_deref(), now)?;
            }
            FilePlan::Adopt => {
                let repo_hash = f.repo_hash.clone().unwrap_or_else(|| f.blob_hash.clone());
                remember(db, f, &f.host_hash, &repo_hash, f.content.as_deref(), now)?;
            }
            _ => {}
        }
    }
    if !baseline.is_empty() {
        let message = format!(
            "medic: back up {} managed file(s)\n\n{listed}",
            baseline.len()
        );
        repo.commit_files(&baseline, &message)?;
    }
    Ok(())
}

fn remember(
    db: &Connection,
    f: &FileState,
    host_hash: &str,
    repo_hash: &str,
    content: Option<&str>,
    now: Timestamp,
) -> anyhow::Result<()> {
    let known = KnownFile {
        host_hash: host_hash.to_string(),
        repo_hash: repo_hash.to_string(),
    };
    store::remember_file(db, &f.host, &f.file.path, &known, content, now)?;
    Ok(())
}

/// What a fix changed in managed files goes to Git with the fix's commit,
/// and medic remembers the new version.
pub fn record_fixed_files(
    db: &Connection,
    inventory: &Inventory,
    host: &str,
    changed: &std::collections::BTreeMap<String, String>,
    redactor: &Redactor,
    notes: &mut Notes,
) -> anyhow::Result<()> {
    let now = Timestamp::now();
    for (path, content) in changed {
        let Some(file) = inventory.host(host).and_then(|h| h.files.get(path)) else {
            continue;
        };
        let blob = backup_blob(file, content, redactor);
        let known = KnownFile {
            host_hash: sha256(content),
            repo_hash: sha256(&blob),
        };
        store::remember_file(db, host, path, &known, Some(content), now)?;
        notes
            .files
            .push(RepoFile::write(backup_path(host, path), blob));
    }
    Ok(())
}

/// The incident whose fix a commit reverted: `This reverts commit X.` in its
/// message, then `Medic-Incident: N` in X's message (or in its own).
fn reverted_incident(repo: &OpsRepo, message: &str) -> anyhow::Result<Option<i64>> {
    let reverted = message
        .lines()
        .find_map(|l| l.trim().strip_prefix("This reverts commit "))
        .map(|rest| rest.trim_end_matches('.').trim().to_string());
    let source = match reverted {
        Some(commit) => repo.message_of(&commit)?.unwrap_or_default(),
        None => message.to_string(),
    };
    Ok(source
        .lines()
        .find_map(|l| l.trim().strip_prefix("Medic-Incident:"))
        .and_then(|n| n.trim().parse().ok()))
}

pub struct RevertContext<'a> {
    pub db: &'a Connection,
    pub repo: &'a OpsRepo,
    pub inventory: &'a Inventory,
    pub run: i64,
    pub http: &'a reqwest::Client,
}

/// Writes the repository's version of each file a person changed in Git
/// back to its host: validated, reloaded, journaled under the incident whose
/// fix was reverted, which then holds its target until `medic reset`.
pub async fn apply_reverts(
    ctx: &RevertContext<'_>,
    pass: &FilePass,
    notes: &mut Notes,
) -> anyhow::Result<()> {
    for f in pass.files.iter().filter(|f| f.plan == FilePlan::Apply) {
        let path = backup_path(&f.host, &f.file.path);
        let Some(change) = ctx.repo.last_change(&path)? else {
            continue;
        };
        if is_medic(&change.author) {
            tracing::warn!(host = %f.host, path = %f.file.path, "backup changed by medic itself but not what medic remembers; left alone");
            continue;
        }
        let Some(content) = full_content(ctx.db, f)? else {
            notes.lines.push(format!(
                "Cannot apply {}:{} from Git ({} changed it): the committed version is redacted or a hash, and medic has no full copy of it",
                f.host, f.file.path, change.author
            ));
            continue;
        };
        let incident = match reverted_incident(ctx.repo, &change.message)? {
            Some(id) => store::incident(ctx.db, id)?,
            None => None,
        };
        let short = &change.commit[..change.commit.len().min(10)];
        let reason = format!(
            "{} changed `{}` in Git (commit {short}); the repository's version goes to `{}`",
            change.author, f.file.path, f.host
        );
        let action = match &incident {
            Some(i) => Some(store::start_action(
                ctx.db,
                &NewAction {
                    incident: i.id,
                    run: ctx.run,
                    target_key: &i.target.key(),
                    playbook: "apply-from-git",
                    playbook_digest: "",
                    risk: "medium",
                    approver: &change.author,
                    approval: None,
                    reason: &reason,
                },
                Timestamp::now(),
            )?),
            None => None,
        };
        let plan = RenderedPlaybook {
            params: Default::default(),
            steps: vec![RenderedStep::Write {
                path: f.file.path.clone(),
                content: content.clone(),
            }],
            verify: Vec::new(),
            rollback: Vec::new(),
        };
        let host = ctx.inventory.host(&f.host);
        let target = Target::File {
            host: f.host.clone(),
            path: f.file.path.clone(),
        };
        let files = host.map(|h| h.files.clone()).unwrap_or_default();
        let job = Job {
            inventory: ctx.inventory,
            host,
            db: ctx.db,
            action,
            plan: &plan,
            kind: FindingKind::FileDrift,
            target: &target,
            verify_timeout: std::time::Duration::ZERO,
            verify_target: false,
            http: ctx.http,
            files: &files,
            known_hashes: [(f.file.path.clone(), Some(f.host_hash.clone()))].into(),
        };
        match runner::execute(&job).await?.outcome {
            Outcome::Verified { .. } => {
                let repo_hash = f.repo_hash.clone().unwrap_or_default();
                let known = KnownFile {
                    host_hash: sha256(&content),
                    repo_hash,
                };
                store::remember_file(
                    ctx.db,
                    &f.host,
                    &f.file.path,
                    &known,
                    Some(&content),
                    Timestamp::now(),
                )?;
                notes.lines.push(format!(
                    "Applied {}:{} from Git: {reason}",
                    f.host, f.file.path
                ));
                if let Some(i) = &incident {
                    let now_seen = match crate::analyze::FindingKind::parse(&i.kind) {
                        Some(kind) => after_revert(ctx, kind, &i.target).await,
                        None => String::new(),
                    };
                    let message = format!(
                        "rolled back: {} reverted the fix (commit {short}); `{}` on `{}` is the repository's version again; \
                         {now_seen}; medic will not fix `{}` again until `medic reset {}`",
                        change.author,
                        f.file.path,
                        f.host,
                        i.target.key(),
                        i.target.key()
                    );
                    store::add_event(
                        ctx.db,
                        i.id,
                        Some(ctx.run),
                        "rollback",
                        &message,
                        Timestamp::now(),
                    )?;
                    store::add_revert(
                        ctx.db,
                        &Revert {
                            target_key: i.target.key(),
                            incident: Some(i.id),
                            commit: change.commit.clone(),
                            by: change.author.clone(),
                            at: Timestamp::now(),
                        },
                    )?;
                    notes.subjects.push((
                        i.id,
                        format!("rolled back the fix of #{} on {}", i.id, i.target.key()),
                    ));
                    notes.trailers.push(format!("Medic-Incident: {}", i.id));
                    notes
                        .trailers
                        .push("Medic-Action: apply-from-git".to_string());
                }
            }
            Outcome::Failed { reason: why, .. } => {
                notes.lines.push(format!(
                    "Could not apply {}:{} from Git: {why}",
                    f.host, f.file.path
                ));
            }
        }
    }
    Ok(())
}

/// How the reverted incident's target looks with the old version back.
/// A reload may take a moment to take effect (nginx keeps answering with
/// the old workers briefly), so it looks a few times before saying healthy.
async fn after_revert(ctx: &RevertContext<'_>, kind: FindingKind, target: &Target) -> String {
    const LOOKS: usize = 4;
    for attempt in 0..LOOKS {
        match crate::act::verify::look(ctx.inventory, ctx.http, kind, target)
            .await
            .result
        {
            Err(problem) => return format!("now: {problem}"),
            Ok(_) if attempt + 1 < LOOKS => {
                tokio::time::sleep(std::time::Duration::from_millis(750)).await
            }
            Ok(_) => {}
        }
    }
    format!("`{target}` is healthy with it")
}

/// The full content behind the committed backup: the version medic saved
/// when it committed it, or the blob itself when a person wrote it whole.
fn full_content(db: &Connection, f: &FileState) -> anyhow::Result<Option<String>> {
    let Some(repo_hash) = &f.repo_hash else {
        return Ok(None);
    };
    if let Some(content) = store::file_version(db, &f.host, &f.file.path, repo_hash)? {
        return Ok(Some(content));
    }
    let whole = f
        .repo_blob
        .as_ref()
        .filter(|b| !f.file.secret && !b.contains(crate::redact::REDACTED));
    Ok(whole.cloned())
}

/// Targets held by a person's revert since the last `medic reset` of them.
pub fn holds(db: &Connection) -> anyhow::Result<Vec<crate::decide::Hold>> {
    let resets = store::explicit_resets(db)?;
    let mut holds: Vec<crate::decide::Hold> = Vec::new();
    for revert in store::reverts(db)? {
        let reset_after = resets
            .iter()
            .any(|(key, at)| key == &revert.target_key && *at >= revert.at);
        if reset_after || holds.iter().any(|h| h.target_key == revert.target_key) {
            continue;
        }
        let short = &revert.commit[..revert.commit.len().min(10)];
        holds.push(crate::decide::Hold {
            target_key: revert.target_key.clone(),
            reason: format!(
                "a person reverted medic's fix{} ({}, commit {short}); medic will not fix `{}` again until `medic reset {}`",
                revert.incident.map(|i| format!(" of #{i}")).unwrap_or_default(),
                revert.by,
                revert.target_key,
                revert.target_key
            ),
        });
    }
    Ok(holds)
}
