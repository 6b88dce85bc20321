-- Quotas (#25): what one user, or all the members of one group together, may hold at once.
-- A NULL limit is no limit on that measure. A request that would hand a desktop to someone locks
-- the quota rows that apply to them (FOR UPDATE, in key order) before counting what they hold, so
-- two requests racing for the last unit of a quota are served one after the other.
CREATE TABLE quota (
    kind           TEXT        NOT NULL CHECK (kind IN ('user', 'group')),
    name           TEXT        NOT NULL CHECK (name <> ''),
    max_desktops   INT         CHECK (max_desktops >= 0),
    max_vcpus      INT         CHECK (max_vcpus >= 0),
    max_memory_mib BIGINT      CHECK (max_memory_mib >= 0),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, name)
);

-- The groups the holder of a desktop was in when it was handed to them: a group's usage is what
-- the desktops held by its members cost. Emptied when the desktop goes back to its pool.
ALTER TABLE desktop ADD COLUMN holder_groups TEXT[] NOT NULL DEFAULT '{}';
CREATE INDEX desktop_holder_groups_idx ON desktop USING GIN (holder_groups)
    WHERE owner IS NOT NULL AND desktop_live(delete_requested_at, state);
