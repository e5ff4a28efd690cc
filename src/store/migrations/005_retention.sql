-- Migration 5: retention of the time series (src/store/retention.rs). Raw
-- `samples` older than the raw window are folded into hourly rows, hourly rows
-- older than the hourly window into daily rows, and daily rows older than the
-- daily window are deleted. Keys start with (target_id, metric) like
-- `samples`, so a trend reads one index range per table.

CREATE TABLE samples_hourly (
    target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    metric    TEXT NOT NULL,
    hour      INTEGER NOT NULL, -- start of the hour (UTC)
    min       REAL NOT NULL,
    max       REAL NOT NULL,
    mean      REAL NOT NULL,
    count     INTEGER NOT NULL, -- raw samples folded into this row
    PRIMARY KEY (target_id, metric, hour)
) WITHOUT ROWID;

CREATE TABLE samples_daily (
    target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    metric    TEXT NOT NULL,
    day       INTEGER NOT NULL, -- start of the day (UTC)
    min       REAL NOT NULL,
    max       REAL NOT NULL,
    mean      REAL NOT NULL,
    count     INTEGER NOT NULL, -- raw samples folded into this row
    PRIMARY KEY (target_id, metric, day)
) WITHOUT ROWID;

-- How far retention has gone: rows before these times were rolled up (or, for
-- daily rows, deleted). A run whose cutoffs did not move skips its work.
CREATE TABLE retention_marks (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    raw_before    INTEGER NOT NULL,
    hourly_before INTEGER NOT NULL,
    daily_before  INTEGER NOT NULL
);
INSERT INTO retention_marks (id, raw_before, hourly_before, daily_before) VALUES (1, 0, 0, 0);
