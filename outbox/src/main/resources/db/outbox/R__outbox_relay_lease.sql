-- Which relay holds the outbox's relay role (OutboxRelay, RelayLease): one row at most. The holder
-- renews it while it lives; another relay takes the role over once held_until has passed, so that
-- one relay keeps publishing rather than every replica in turn (each takeover fences the previous
-- holder's Kafka producer and reads back what it had published).
CREATE TABLE IF NOT EXISTS outbox_relay_lease (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    holder     uuid        NOT NULL,
    held_until timestamptz NOT NULL
);
