-- Persistent user data (#25): a pool may give each user a user-data disk of a set size. One disk
-- per user and pool, made on first use on the host their desktop lands on and attached to
-- whichever desktop of the pool they get; it outlives those desktops (logoff, refresh, golden
-- rolls), so it has a table and a lifecycle of its own.
ALTER TABLE pool ADD COLUMN user_data_disk_gib BIGINT NOT NULL DEFAULT 0
    CHECK (user_data_disk_gib >= 0);

CREATE TABLE user_data_disk (
    id          UUID        PRIMARY KEY,
    pool_id     UUID        NOT NULL REFERENCES pool (id),
    owner       TEXT        NOT NULL,
    size_gib    BIGINT      NOT NULL CHECK (size_gib > 0),
    -- Where the disk lives: the host of the first desktop it was attached to (null until that
    -- desktop is placed). Moving it to another host is the between-hypervisors issue's (#24).
    host_id     TEXT        REFERENCES host (id),
    -- The desktop it was last attached to, until that desktop's guest can no longer have it open.
    desktop_id  UUID        REFERENCES desktop (id) ON DELETE SET NULL,
    -- That desktop's OS disk generation when the disk was attached: a newer one seen by its agent
    -- means its guest was stopped and rebuilt since, without the disk.
    attached_os_disk_generation BIGINT NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL,
    attached_at TIMESTAMPTZ NOT NULL,
    UNIQUE (pool_id, owner)
);

-- The user-data disk a desktop's agent attaches (its spec; null for none).
ALTER TABLE desktop ADD COLUMN user_data_disk_id UUID REFERENCES user_data_disk (id);
