-- The transactional outbox shared by every Veneer service. A repeatable migration, so it can sit
-- beside any service's own versioned migrations without claiming a version number.
CREATE TABLE IF NOT EXISTS outbox_event (
    id                bigserial   PRIMARY KEY,
    event_id          uuid        NOT NULL UNIQUE,
    topic             text        NOT NULL,
    record_key        text        NOT NULL,
    aggregate_version bigint      NOT NULL,
    event_type        text        NOT NULL,
    source            text        NOT NULL,
    data_schema       text        NOT NULL,
    payload           bytea       NOT NULL,
    occurred_at       timestamptz NOT NULL,
    published_at      timestamptz
);

CREATE INDEX IF NOT EXISTS outbox_event_unpublished ON outbox_event (id) WHERE published_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_event_published_at ON outbox_event (published_at) WHERE published_at IS NOT NULL;
