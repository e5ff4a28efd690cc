-- Migration 2: the action journal (every fix attempt, its steps, its file
-- backups), circuit-breaker resets, and the current escalation of an incident.

CREATE TABLE actions (
    id              INTEGER PRIMARY KEY,
    incident_id     INTEGER NOT NULL REFERENCES incidents(id),
    run_id          INTEGER REFERENCES runs(id),
    target_key      TEXT NOT NULL,
    playbook        TEXT NOT NULL,
    playbook_digest TEXT NOT NULL,
    risk            TEXT NOT NULL,
    approver        TEXT NOT NULL,   -- 'auto', or the person who approved
    approval_id     INTEGER,
    reason          TEXT NOT NULL,   -- the decision that started it
    status          TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    outcome         TEXT             -- one sentence: verified, failed at a step, rolled back, ...
);
CREATE INDEX actions_by_target ON actions(target_key, started_at);
CREATE INDEX actions_by_status ON actions(status);

-- Every command an action ran, in order, with what it printed (the tail).
CREATE TABLE action_steps (
    action_id   INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    phase       TEXT NOT NULL CHECK (phase IN ('backup', 'step', 'verify', 'rollback')),
    description TEXT NOT NULL,
    ok          INTEGER NOT NULL,
    exit_code   INTEGER,
    output      TEXT,
    started_at  INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    PRIMARY KEY (action_id, seq)
) WITHOUT ROWID;

-- A file's content before an action changed it, for rollback.
CREATE TABLE action_backups (
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    path      TEXT NOT NULL,
    existed   INTEGER NOT NULL,
    content   BLOB,
    PRIMARY KEY (action_id, path)
) WITHOUT ROWID;

-- `medic reset TARGET`: a person re-enables fixing after the breaker opened.
CREATE TABLE breaker_resets (
    id         INTEGER PRIMARY KEY,
    target_key TEXT NOT NULL,
    at         INTEGER NOT NULL,
    by         TEXT NOT NULL
);
CREATE INDEX breaker_resets_by_target ON breaker_resets(target_key, at);

-- Why medic will not fix an open incident, when it will not; NULL otherwise.
ALTER TABLE incidents ADD COLUMN escalation TEXT;
