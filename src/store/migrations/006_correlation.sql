-- Migration 6, correlation: consecutive failing and healthy sweeps per fingerprint (for
-- hysteresis), and the symptoms attached to a root incident.

CREATE TABLE streaks (
    fingerprint TEXT PRIMARY KEY,
    failing     INTEGER NOT NULL,
    healthy     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE incident_symptoms (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    target_key  TEXT NOT NULL,
    summary     TEXT NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    cleared_at  INTEGER,
    cleared     TEXT,           -- how it cleared: re-checked after the fix, ...
    PRIMARY KEY (incident_id, target_key)
) WITHOUT ROWID;
