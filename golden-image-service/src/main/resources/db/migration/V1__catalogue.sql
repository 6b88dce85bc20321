CREATE TABLE image (
    id             uuid        PRIMARY KEY,
    name           text        NOT NULL UNIQUE,
    description    text        NOT NULL DEFAULT '',
    os             text        NOT NULL DEFAULT '',
    machine        text        NOT NULL,
    firmware       text        NOT NULL,
    vcpus          int         NOT NULL,
    memory_mib     bigint      NOT NULL,
    boot_mode      text        NOT NULL,
    kernel_cmdline text        NOT NULL DEFAULT '',
    display        boolean     NOT NULL,
    created_at     timestamptz NOT NULL,
    -- Version of the image aggregate in its events; bumped with every event, which also
    -- serialises concurrent changes to one image's versions.
    event_sequence bigint      NOT NULL DEFAULT 0,
    row_version    bigint      NOT NULL
);

CREATE TABLE image_version (
    id                 uuid        PRIMARY KEY,
    image_id           uuid        NOT NULL REFERENCES image (id),
    number             int         NOT NULL,
    state              text        NOT NULL,
    rejection_reason   text,
    digest             text,
    size_bytes         bigint,
    virtual_size_bytes bigint,
    source_format      text,
    source_digest      text,
    bytes_received     bigint      NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL,
    published_at       timestamptz,
    row_version        bigint      NOT NULL,
    UNIQUE (image_id, number)
);

CREATE INDEX image_version_digest ON image_version (digest) WHERE digest IS NOT NULL;
CREATE INDEX image_version_state ON image_version (state);
