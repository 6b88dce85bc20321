-- The control plane's desired and observed state. The outbox table comes from the outbox module.

CREATE TABLE host (
    id                  TEXT PRIMARY KEY,
    vcpus               BIGINT      NOT NULL CHECK (vcpus >= 0),
    memory_mib          BIGINT      NOT NULL CHECK (memory_mib >= 0),
    disk_gib            BIGINT      NOT NULL CHECK (disk_gib >= 0),
    -- Overcommit ratios in thousandths (4000 = 4.0x), filled from settings at registration.
    vcpu_ratio_permille INT         NOT NULL,
    memory_ratio_permille INT       NOT NULL,
    disk_ratio_permille INT         NOT NULL,
    labels              TEXT        NOT NULL DEFAULT '',
    zone                TEXT        NOT NULL DEFAULT '',
    state               TEXT        NOT NULL,
    last_heartbeat_at   TIMESTAMPTZ,
    -- Bumped by every resource claim or release: the optimistic check of concurrent placements.
    generation          BIGINT      NOT NULL DEFAULT 0,
    agent_token_sha256  TEXT,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE pool (
    id                     UUID PRIMARY KEY,
    name                   TEXT        NOT NULL UNIQUE,
    kind                   TEXT        NOT NULL CHECK (kind IN ('POOLED', 'DEDICATED')),
    golden_image           TEXT        NOT NULL,
    golden_version         TEXT        NOT NULL,
    golden_digest          TEXT        NOT NULL DEFAULT '',
    vcpus                  BIGINT      NOT NULL CHECK (vcpus > 0),
    memory_mib             BIGINT      NOT NULL CHECK (memory_mib > 0),
    disk_gib               BIGINT      NOT NULL CHECK (disk_gib > 0),
    min_size               INT         NOT NULL CHECK (min_size >= 0),
    max_size               INT         NOT NULL CHECK (max_size >= min_size),
    warm_spares            INT         NOT NULL CHECK (warm_spares >= 0),
    max_concurrent_refresh INT         NOT NULL DEFAULT 1 CHECK (max_concurrent_refresh > 0),
    entitled_users         TEXT        NOT NULL DEFAULT '',
    entitled_groups        TEXT        NOT NULL DEFAULT '',
    version                BIGINT      NOT NULL DEFAULT 0,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE desktop (
    id                 UUID PRIMARY KEY,
    pool_id            UUID        NOT NULL REFERENCES pool (id),
    owner              TEXT,
    spec_generation    BIGINT      NOT NULL DEFAULT 1,
    os_disk_generation BIGINT      NOT NULL DEFAULT 1,
    golden_version     TEXT        NOT NULL,
    desired_power      TEXT        NOT NULL,
    state              TEXT        NOT NULL,
    host_id            TEXT REFERENCES host (id),
    failure_reason     TEXT,
    version            BIGINT      NOT NULL DEFAULT 0,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX desktop_pool_idx ON desktop (pool_id, id);
CREATE INDEX desktop_host_idx ON desktop (host_id);
CREATE INDEX desktop_owner_idx ON desktop (owner, id);
-- A user owns at most one desktop per dedicated pool; enforced in the service, indexed here.

-- What a placed desktop holds on its host; the sum per host never exceeds capacity x ratio.
CREATE TABLE resource_claim (
    desktop_id UUID PRIMARY KEY REFERENCES desktop (id) ON DELETE CASCADE,
    host_id    TEXT        NOT NULL REFERENCES host (id),
    vcpus      BIGINT      NOT NULL,
    memory_mib BIGINT      NOT NULL,
    disk_gib   BIGINT      NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX resource_claim_host_idx ON resource_claim (host_id);

-- One row per (caller, Idempotency-Key): a repeated create returns the first one's result.
CREATE TABLE idempotency_key (
    principal    TEXT        NOT NULL,
    key          TEXT        NOT NULL,
    operation    TEXT        NOT NULL,
    request_hash TEXT        NOT NULL,
    resource_id  TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
);
