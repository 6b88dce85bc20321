-- Idle shutdown per pool (#25): a desktop handed to someone that shows no sign of use for the
-- pool's idle time is shut down (0 = never).
ALTER TABLE pool ADD COLUMN idle_shutdown_seconds BIGINT NOT NULL DEFAULT 0
    CHECK (idle_shutdown_seconds >= 0);

-- When each desktop's console was last asked for or opened: console tickets themselves are purged
-- an hour after they expire, which is shorter than many idle times.
CREATE TABLE desktop_console_use (
    desktop_id UUID        PRIMARY KEY REFERENCES desktop (id) ON DELETE CASCADE,
    used_at    TIMESTAMPTZ NOT NULL
);
