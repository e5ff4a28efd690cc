//! Managed files in the store: what medic last knew of each (host hash and
//! committed backup hash), the full content behind every committed version,
//! and the reverts people made of medic's fixes.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, secs, timestamp};

/// What medic last saw agree between a host and its backup in Git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFile {
    pub host_hash: String,
    pub repo_hash: String,
}

pub fn known_file(
    conn: &Connection,
    host: &str,
    path: &str,
) -> Result<Option<KnownFile>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT host_hash, repo_hash FROM managed_files WHERE host = ?1 AND path = ?2",
            params![host, path],
            |r| {
                Ok(KnownFile {
                    host_hash: r.get(0)?,
                    repo_hash: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// Remembers that the host holds `content` (hash `host_hash`) and Git holds
/// the blob with `repo_hash` for it.
pub fn remember_file(
    conn: &Connection,
    host: &str,
    path: &str,
    known: &KnownFile,
    content: Option<&str>,
    now: Timestamp,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO managed_files (host, path, host_hash, repo_hash, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(host, path) DO UPDATE SET host_hash = excluded.host_hash, repo_hash = excluded.repo_hash,
           updated_at = excluded.updated_at",
        params![host, path, known.host_hash, known.repo_hash, secs(now)],
    )?;
    if let Some(content) = content {
        conn.execute(
            "INSERT OR IGNORE INTO file_versions (host, path, repo_hash, content, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![host, path, known.repo_hash, content.as_bytes(), secs(now)],
        )?;
    }
    Ok(())
}

/// The full content a committed blob stands for, if medic committed it.
pub fn file_version(
    conn: &Connection,
    host: &str,
    path: &str,
    repo_hash: &str,
) -> Result<Option<String>, StoreError> {
    let content: Option<Vec<u8>> = conn
        .query_row(
            "SELECT content FROM file_versions WHERE host = ?1 AND path = ?2 AND repo_hash = ?3",
            params![host, path, repo_hash],
            |r| r.get(0),
        )
        .optional()?;
    Ok(content.map(|c| String::from_utf8_lossy(&c).into_owned()))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revert {
    pub target_key: String,
    pub incident: Option<i64>,
    pub commit: String,
    pub by: String,
    pub at: Timestamp,
}

pub fn add_revert(conn: &Connection, revert: &Revert) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO reverts (target_key, incident_id, commit_id, by, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![revert.target_key, revert.incident, revert.commit, revert.by, secs(revert.at)],
    )?;
    Ok(())
}

pub fn reverts(conn: &Connection) -> Result<Vec<Revert>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT target_key, incident_id, commit_id, by, at FROM reverts ORDER BY at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Revert {
            target_key: r.get(0)?,
            incident: r.get(1)?,
            commit: r.get(2)?,
            by: r.get(3)?,
            at: timestamp(r.get(4)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
