-- Deleting and refreshing a desktop become changes of its spec, as starting and stopping did (V11):
-- a person (or the pool controller) asks, the agent carries it out and reports. Until now a delete
-- and a logoff wrote the observed phase themselves (DELETING, REFRESHING), so an agent's report on
-- the same desktop at the same moment made the person's request fail with a conflict.
--
-- Spec: delete_requested_at, when deletion was asked for (NULL while the desktop is wanted).
-- Status: seen_os_disk_generation, the OS disk its agent last reported (0 before any report). A
-- spec whose os_disk_generation is ahead of a disk the agent has seen is being refreshed.
ALTER TABLE desktop ADD COLUMN delete_requested_at TIMESTAMPTZ;
ALTER TABLE desktop ADD COLUMN seen_os_disk_generation BIGINT NOT NULL DEFAULT 0;
UPDATE desktop SET delete_requested_at = updated_at WHERE state IN ('DELETING', 'DELETED');
UPDATE desktop SET seen_os_disk_generation =
    CASE WHEN state = 'REFRESHING' THEN os_disk_generation - 1
         WHEN state IN ('REQUESTED', 'SCHEDULED') THEN 0
         ELSE os_disk_generation END;

-- The predicates, now over spec and status. DesktopPredicates is their Java face;
-- DesktopPredicatesTest holds the two to the same answer.
DROP INDEX desktop_one_per_owner_idx;
DROP INDEX desktop_free_idx;
DROP TRIGGER desktop_desired_changed ON desktop;
DROP TRIGGER desktop_count_live ON desktop;
DROP FUNCTION desktop_live(TEXT);
DROP FUNCTION desktop_free(TEXT, TEXT);

-- Live: wanted, and not on its way out nor gone by its agent's account.
CREATE FUNCTION desktop_live(delete_requested_at TIMESTAMPTZ, state TEXT) RETURNS BOOLEAN
    LANGUAGE SQL IMMUTABLE PARALLEL SAFE
    RETURN delete_requested_at IS NULL AND state NOT IN ('DELETING', 'DELETED');

-- Refreshing: its agent has seen an OS disk the spec has replaced since (a logoff, a rollout).
CREATE FUNCTION desktop_refreshing(os_disk_generation BIGINT, seen_os_disk_generation BIGINT)
    RETURNS BOOLEAN
    LANGUAGE SQL IMMUTABLE PARALLEL SAFE
    RETURN seen_os_disk_generation > 0 AND seen_os_disk_generation < os_disk_generation;

-- Free: nobody's, live, and ready to be handed to the next person or on its way to being ready;
-- a released desktop is not handed out before its agent has replaced the last user's disk.
CREATE FUNCTION desktop_free(owner TEXT, delete_requested_at TIMESTAMPTZ, state TEXT,
                             os_disk_generation BIGINT, seen_os_disk_generation BIGINT)
    RETURNS BOOLEAN
    LANGUAGE SQL IMMUTABLE PARALLEL SAFE
    RETURN owner IS NULL AND desktop_live(delete_requested_at, state)
        AND state NOT IN ('FAILED', 'REFRESHING')
        AND NOT desktop_refreshing(os_disk_generation, seen_os_disk_generation);

CREATE UNIQUE INDEX desktop_one_per_owner_idx ON desktop (pool_id, owner)
    WHERE owner IS NOT NULL AND desktop_live(delete_requested_at, state);

CREATE INDEX desktop_free_idx ON desktop (pool_id, created_at)
    WHERE desktop_free(owner, delete_requested_at, state, os_disk_generation,
                       seen_os_disk_generation);

CREATE OR REPLACE FUNCTION desktop_count_live() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
    was_live BOOLEAN := TG_OP <> 'INSERT'
        AND COALESCE(desktop_live(OLD.delete_requested_at, OLD.state), false);
    is_live  BOOLEAN := COALESCE(desktop_live(NEW.delete_requested_at, NEW.state), false);
BEGIN
    IF is_live AND NOT was_live THEN
        -- A new desktop may not take the pool past its maximum; one coming back to life (a
        -- failed removal) is counted again whatever the maximum says now.
        UPDATE pool SET live_desktops = live_desktops + 1
        WHERE id = NEW.pool_id AND (TG_OP <> 'INSERT' OR live_desktops < max_size);
        IF NOT FOUND THEN
            RAISE EXCEPTION 'pool % is at its maximum size', NEW.pool_id
                USING ERRCODE = 'VN001';
        END IF;
    ELSIF was_live AND NOT is_live THEN
        UPDATE pool SET live_desktops = live_desktops - 1 WHERE id = OLD.pool_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER desktop_count_live AFTER UPDATE OF state, delete_requested_at ON desktop
    FOR EACH ROW
    WHEN (desktop_live(OLD.delete_requested_at, OLD.state)
          <> desktop_live(NEW.delete_requested_at, NEW.state))
    EXECUTE FUNCTION desktop_count_live();

CREATE TRIGGER desktop_desired_changed
    AFTER UPDATE ON desktop
    FOR EACH ROW
    WHEN (OLD.spec_generation IS DISTINCT FROM NEW.spec_generation
          OR OLD.host_id IS DISTINCT FROM NEW.host_id
          OR desktop_live(OLD.delete_requested_at, OLD.state)
             <> desktop_live(NEW.delete_requested_at, NEW.state))
    EXECUTE FUNCTION notify_host_desired();
