-- Migration 4: what collect gathered for an incident (logs, a proxy's
-- upstream, a backend's address) and the diagnosis made from it.
ALTER TABLE incidents ADD COLUMN context TEXT;   -- JSON of diagnose::Context
ALTER TABLE incidents ADD COLUMN diagnosis TEXT; -- JSON of diagnose::Diagnosis; NULL: no pattern matched
ALTER TABLE incidents ADD COLUMN diagnosed INTEGER NOT NULL DEFAULT 0;
