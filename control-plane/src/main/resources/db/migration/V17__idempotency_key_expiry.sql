-- Housekeeping deletes expired Idempotency-Keys by age: an index keeps that from scanning the table.
CREATE INDEX idempotency_key_created_at_idx ON idempotency_key (created_at);
