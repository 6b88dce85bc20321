-- Who did what to which object, and when: one row per state-changing call, written in the same
-- transaction as the change itself, so the log never claims a change that was rolled back.
CREATE TABLE audit_entry (
    id          BIGSERIAL   PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor       TEXT        NOT NULL,
    action      TEXT        NOT NULL,
    object_type TEXT        NOT NULL,
    object_id   TEXT        NOT NULL,
    detail      TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX audit_entry_object ON audit_entry (object_type, object_id, id);
CREATE INDEX audit_entry_actor ON audit_entry (actor, id);
