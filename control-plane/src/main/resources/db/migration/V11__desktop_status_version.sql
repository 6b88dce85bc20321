-- A desktop's observed status (state, failure_reason) gets its own version and time, apart from
-- its spec's (version, updated_at): people, placement and the pool controller write the spec,
-- agents' reports the status, and a write checks only the columns it changes, so the two never
-- make each other retry (Desktop).
ALTER TABLE desktop ADD COLUMN status_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE desktop ADD COLUMN observed_at TIMESTAMPTZ;
UPDATE desktop SET observed_at = updated_at;
ALTER TABLE desktop ALTER COLUMN observed_at SET NOT NULL;
ALTER TABLE desktop ALTER COLUMN observed_at SET DEFAULT now();
