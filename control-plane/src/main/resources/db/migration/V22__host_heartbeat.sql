-- When each host's agent was last heard from, apart from the host row: placement holds the rows of
-- the hosts it claims on locked until its batch commits, and a heartbeat written to the host row
-- waited behind whole batches, holding a pooled connection while it waited. Written here, a
-- heartbeat locks nothing placement locks (placement's lock, FOR NO KEY UPDATE, lets the key check
-- of this table's first insert for a host through).
CREATE TABLE host_heartbeat (
    host_id TEXT        PRIMARY KEY REFERENCES host (id) ON DELETE CASCADE,
    at      TIMESTAMPTZ NOT NULL
);

INSERT INTO host_heartbeat (host_id, at)
SELECT id, last_heartbeat_at FROM host WHERE last_heartbeat_at IS NOT NULL;

ALTER TABLE host DROP COLUMN last_heartbeat_at;
