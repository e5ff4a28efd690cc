-- medic's working store (SQLite, WAL). This file is migration 1, applied by
-- src/store/migrate.rs when `PRAGMA user_version` is 0; later changes are new
-- migrations in src/store/migrations/, never edits of this file. Times are
-- unix seconds (UTC).

CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    hosts_total   INTEGER NOT NULL DEFAULT 0,
    hosts_reached INTEGER NOT NULL DEFAULT 0,
    findings      INTEGER NOT NULL DEFAULT 0,
    opened        INTEGER NOT NULL DEFAULT 0,
    resolved      INTEGER NOT NULL DEFAULT 0,
    commit_id     TEXT
);

-- Current state of each host, replaced by every sweep.
CREATE TABLE hosts (
    name           TEXT PRIMARY KEY,
    address        TEXT NOT NULL,
    transport      TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('reached', 'unreachable')),
    reason         TEXT,
    message        TEXT,
    hostname       TEXT,
    run_id         INTEGER NOT NULL REFERENCES runs(id),
    checked_at     INTEGER NOT NULL,
    last_reached_at INTEGER,
    probe_ms       INTEGER,
    uptime_seconds REAL,
    load1          REAL,
    load5          REAL,
    load15         REAL,
    mem_total      INTEGER,
    mem_available  INTEGER,
    swap_total     INTEGER,
    swap_free      INTEGER,
    sections       TEXT -- JSON: section name -> "ok" or the problem
);

-- Everything medic watches: hosts, containers, units, disks, HTTP checks.
CREATE TABLE targets (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE, -- e.g. nas/container/calibre
    kind          TEXT NOT NULL,
    host          TEXT,
    name          TEXT NOT NULL,
    first_seen_at INTEGER NOT NULL
);
CREATE INDEX targets_host ON targets(host, kind);

-- The last observation of each target.
CREATE TABLE target_states (
    target_id   INTEGER PRIMARY KEY REFERENCES targets(id) ON DELETE CASCADE,
    run_id      INTEGER NOT NULL REFERENCES runs(id),
    observed_at INTEGER NOT NULL,
    state       TEXT NOT NULL,
    health      TEXT,
    detail      TEXT,
    data        TEXT -- JSON; for containers the full `docker inspect` object
);

-- Time series for trends: one row per target, metric and sweep.
CREATE TABLE samples (
    target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    metric    TEXT NOT NULL,
    at        INTEGER NOT NULL,
    value     REAL NOT NULL,
    PRIMARY KEY (target_id, metric, at)
) WITHOUT ROWID;

CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    fingerprint     TEXT NOT NULL,
    kind            TEXT NOT NULL,
    target          TEXT NOT NULL, -- JSON of the target
    target_key      TEXT NOT NULL,
    host            TEXT,
    severity        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    summary         TEXT NOT NULL,
    facts           TEXT NOT NULL, -- JSON evidence when opened
    started_at      INTEGER,       -- best evidence of when the failure began
    opened_at       INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    resolved_at     INTEGER,
    resolution      TEXT,
    observations    INTEGER NOT NULL DEFAULT 1,
    reported_status TEXT           -- the status last committed to Git
);
CREATE UNIQUE INDEX incidents_one_open ON incidents(fingerprint) WHERE status = 'open';
CREATE INDEX incidents_by_status ON incidents(status, opened_at);

CREATE TABLE incident_events (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    run_id      INTEGER REFERENCES runs(id),
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL
);
CREATE INDEX incident_events_by_incident ON incident_events(incident_id, at);
