-- The third desktop predicate, defined once like desktop_live and desktop_free (V8): present means
-- not yet gone. A desktop being deleted is present (it still holds its host until its agent has
-- removed it); a DELETED one keeps its host_id for the record and counts for nothing. Queries,
-- the working-set index and the cluster announcements use this function instead of writing the
-- state out; DesktopState.present() is its Java face (DesktopPredicatesTest).
CREATE FUNCTION desktop_present(state TEXT) RETURNS BOOLEAN
    LANGUAGE SQL IMMUTABLE PARALLEL SAFE
    RETURN state <> 'DELETED';

DROP INDEX desktop_placed_idx;
CREATE INDEX desktop_placed_idx ON desktop (host_id)
    WHERE host_id IS NOT NULL AND desktop_present(state);

DROP TRIGGER desktop_announce ON desktop;
CREATE TRIGGER desktop_announce AFTER UPDATE OF host_id, owner, state ON desktop
    FOR EACH ROW
    WHEN (OLD.host_id IS DISTINCT FROM NEW.host_id
          OR (OLD.host_id IS NOT NULL AND OLD.owner IS DISTINCT FROM NEW.owner)
          OR (OLD.host_id IS NOT NULL
              AND desktop_present(OLD.state) <> desktop_present(NEW.state)))
    EXECUTE FUNCTION cluster_announce();
