-- Where each running desktop's display listens, as its agent reports it, and the single-use
-- tickets that let one user open one desktop's console through the portal's proxy.
ALTER TABLE desktop
    ADD COLUMN console_host     TEXT,
    ADD COLUMN console_port     INT,
    ADD COLUMN console_password TEXT,
    ADD COLUMN console_socket   TEXT;

CREATE TABLE console_ticket (
    ticket_sha256 TEXT        PRIMARY KEY,
    desktop_id    UUID        NOT NULL REFERENCES desktop (id) ON DELETE CASCADE,
    subject       TEXT        NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    redeemed_at   TIMESTAMPTZ
);
CREATE INDEX console_ticket_expiry ON console_ticket (expires_at);
