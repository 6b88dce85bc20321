-- A pool's live count (V8, V14) is kept at commit rather than at the desktop's insert or change.
-- Its trigger locks the pool's row; fired at the insert, it held that lock through every later
-- statement of the request and the round trip of its commit, so a pool's storm was served one
-- request at a time after all: in a 2,000-request storm on two replicas the desktop insert waited
-- on the pool row 1 s on average (pg_stat_statements). As a deferred constraint trigger it runs
-- inside the COMMIT, so the lock is held only for the commit itself, and the maximum is still
-- checked under it: a desktop past the maximum fails its transaction's commit with VN001.
DROP TRIGGER desktop_count_live_insert ON desktop;
DROP TRIGGER desktop_count_live ON desktop;

CREATE CONSTRAINT TRIGGER desktop_count_live_insert AFTER INSERT ON desktop
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION desktop_count_live();

CREATE CONSTRAINT TRIGGER desktop_count_live AFTER UPDATE OF state, delete_requested_at ON desktop
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (desktop_live(OLD.delete_requested_at, OLD.state)
          <> desktop_live(NEW.delete_requested_at, NEW.state))
    EXECUTE FUNCTION desktop_count_live();
