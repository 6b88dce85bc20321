-- Pools are deleted in two steps: DELETING while their desktops are removed from hosts, then
-- DELETED. A deleted pool's name can be used again.
ALTER TABLE pool ADD COLUMN state TEXT NOT NULL DEFAULT 'ACTIVE'
    CHECK (state IN ('ACTIVE', 'DELETING', 'DELETED'));
ALTER TABLE pool DROP CONSTRAINT pool_name_key;
CREATE UNIQUE INDEX pool_live_name_idx ON pool (name) WHERE state <> 'DELETED';

-- Free desktops of a pool, the ones a request can be given.
CREATE INDEX desktop_pool_free_idx ON desktop (pool_id) WHERE owner IS NULL;

-- Every write to a desktop placed on a host wakes the replica that host's agent is connected to,
-- whichever replica made the write; notifications are sent at commit and merged per transaction.
CREATE FUNCTION notify_host_desired() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.host_id IS NOT NULL
            AND (TG_OP = 'DELETE' OR OLD.host_id IS DISTINCT FROM NEW.host_id) THEN
        PERFORM pg_notify('veneer_host_desired', OLD.host_id);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.host_id IS NOT NULL THEN
        PERFORM pg_notify('veneer_host_desired', NEW.host_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER desktop_desired_changed
    AFTER INSERT OR UPDATE OR DELETE ON desktop
    FOR EACH ROW EXECUTE FUNCTION notify_host_desired();
