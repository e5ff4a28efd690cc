-- Migration 3: managed files. What medic last knew of each file (its hash on
-- the host, and the hash of its backup as committed), every version it
-- committed (full content, so a revert of a redacted backup can be written
-- back whole), and reverts people made of medic's fixes.

CREATE TABLE managed_files (
    host       TEXT NOT NULL,
    path       TEXT NOT NULL,
    host_hash  TEXT NOT NULL,   -- sha256 of the content on the host ('absent' when missing)
    repo_hash  TEXT NOT NULL,   -- sha256 of the backup blob as committed
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (host, path)
) WITHOUT ROWID;

CREATE TABLE file_versions (
    host      TEXT NOT NULL,
    path      TEXT NOT NULL,
    repo_hash TEXT NOT NULL,    -- the committed (redacted) blob's sha256
    content   BLOB NOT NULL,    -- the full content it stands for
    saved_at  INTEGER NOT NULL,
    PRIMARY KEY (host, path, repo_hash)
) WITHOUT ROWID;

-- A person reverted a fix: medic does not fix that target again until reset.
CREATE TABLE reverts (
    id          INTEGER PRIMARY KEY,
    target_key  TEXT NOT NULL,
    incident_id INTEGER,
    commit_id   TEXT NOT NULL,
    by          TEXT NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX reverts_by_target ON reverts(target_key, at);
