-- The fleet at scale: the desktop predicates defined once, a pool's live count kept by the
-- database instead of counted per request, and every change placement cares about announced to
-- every replica (LISTEN veneer_cluster), so replicas place against state they keep in memory.

-- The predicates every query and trigger uses. DesktopState.live() and DesktopState.free() are
-- their Java faces; DesktopPredicatesTest holds the two to the same answer for every state.
CREATE FUNCTION desktop_live(state TEXT) RETURNS BOOLEAN
    LANGUAGE SQL IMMUTABLE PARALLEL SAFE
    RETURN state NOT IN ('DELETING', 'DELETED');

-- Free: nobody's, and ready to be handed to the next person (or on its way to being ready).
CREATE FUNCTION desktop_free(owner TEXT, state TEXT) RETURNS BOOLEAN
    LANGUAGE SQL IMMUTABLE PARALLEL SAFE
    RETURN owner IS NULL AND state NOT IN ('DELETING', 'DELETED', 'FAILED', 'REFRESHING');

-- A person holds at most one live desktop per pool, even when two of their requests race.
CREATE UNIQUE INDEX desktop_one_per_owner_idx ON desktop (pool_id, owner)
    WHERE owner IS NOT NULL AND desktop_live(state);

-- Free desktops of a pool, the ones a request takes with FOR UPDATE SKIP LOCKED.
CREATE INDEX desktop_free_idx ON desktop (pool_id, created_at) WHERE desktop_free(owner, state);

-- Placement's working set: desktops on a host that are not gone. A deleted desktop keeps its
-- host_id for the record, but counts for nothing.
CREATE INDEX desktop_placed_idx ON desktop (host_id) WHERE host_id IS NOT NULL AND state <> 'DELETED';

-- How many live desktops a pool has, kept by the trigger below on every insert and state change:
-- a request reads no rows to know whether the pool may grow, and the pool row is locked only from
-- the new desktop's insert to the commit, not for the whole request.
ALTER TABLE pool ADD COLUMN live_desktops INT NOT NULL DEFAULT 0;
UPDATE pool p SET live_desktops =
    (SELECT count(*) FROM desktop d WHERE d.pool_id = p.id AND desktop_live(d.state));

CREATE FUNCTION desktop_count_live() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
    was_live BOOLEAN := TG_OP <> 'INSERT' AND COALESCE(desktop_live(OLD.state), false);
    is_live  BOOLEAN := COALESCE(desktop_live(NEW.state), false);
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

CREATE TRIGGER desktop_count_live_insert AFTER INSERT ON desktop
    FOR EACH ROW EXECUTE FUNCTION desktop_count_live();
CREATE TRIGGER desktop_count_live AFTER UPDATE OF state ON desktop
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION desktop_count_live();

-- A host's generation moves with everything placement reads of it: claims and releases (as
-- before, by ResourceClaims) and now also its state, capacity, ratios, labels and zone, whoever
-- writes them. A replica that missed a change sees a generation it does not know.
CREATE FUNCTION host_bump_generation() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.state, OLD.vcpus, OLD.memory_mib, OLD.disk_gib, OLD.vcpu_ratio_permille,
        OLD.memory_ratio_permille, OLD.disk_ratio_permille, OLD.labels, OLD.zone)
       IS DISTINCT FROM
       (NEW.state, NEW.vcpus, NEW.memory_mib, NEW.disk_gib, NEW.vcpu_ratio_permille,
        NEW.memory_ratio_permille, NEW.disk_ratio_permille, NEW.labels, NEW.zone) THEN
        NEW.generation := GREATEST(NEW.generation, OLD.generation) + 1;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER host_bump_generation BEFORE UPDATE ON host
    FOR EACH ROW EXECUTE FUNCTION host_bump_generation();

-- Announcements: the payload is the id of the host that changed. PostgreSQL delivers them at
-- commit and folds repeats within one transaction.
CREATE FUNCTION cluster_announce() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'host' THEN
        PERFORM pg_notify('veneer_cluster', COALESCE(NEW.id, OLD.id));
    ELSIF TG_TABLE_NAME = 'desktop' THEN
        IF OLD.host_id IS NOT NULL THEN
            PERFORM pg_notify('veneer_cluster', OLD.host_id);
        END IF;
        IF NEW.host_id IS NOT NULL AND NEW.host_id IS DISTINCT FROM OLD.host_id THEN
            PERFORM pg_notify('veneer_cluster', NEW.host_id);
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('veneer_cluster', OLD.host_id);
    ELSE
        PERFORM pg_notify('veneer_cluster', NEW.host_id);
    END IF;
    RETURN NULL;
END $$;

-- Every change of a host that placement reads moves its generation (above), and a heartbeat
-- moves nothing, so the generation alone says whether to announce.
CREATE TRIGGER host_announce_insert AFTER INSERT ON host
    FOR EACH ROW EXECUTE FUNCTION cluster_announce();
CREATE TRIGGER host_announce AFTER UPDATE ON host
    FOR EACH ROW WHEN (OLD.generation IS DISTINCT FROM NEW.generation)
    EXECUTE FUNCTION cluster_announce();
CREATE TRIGGER resource_claim_announce AFTER INSERT OR DELETE ON resource_claim
    FOR EACH ROW EXECUTE FUNCTION cluster_announce();
CREATE TRIGGER host_image_announce AFTER INSERT OR DELETE ON host_image
    FOR EACH ROW EXECUTE FUNCTION cluster_announce();
-- Owners and pools of placed desktops feed anti-affinity; a desktop leaving (DELETED) leaves it.
CREATE TRIGGER desktop_announce AFTER UPDATE OF host_id, owner, state ON desktop
    FOR EACH ROW
    WHEN (OLD.host_id IS DISTINCT FROM NEW.host_id
          OR (OLD.host_id IS NOT NULL AND OLD.owner IS DISTINCT FROM NEW.owner)
          OR (OLD.host_id IS NOT NULL AND (OLD.state = 'DELETED') <> (NEW.state = 'DELETED')))
    EXECUTE FUNCTION cluster_announce();
