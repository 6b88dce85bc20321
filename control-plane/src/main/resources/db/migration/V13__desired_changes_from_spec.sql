-- An agent's desired set is made of desktops' specs (and which of them are live), never of their
-- observed status. Until now every write of a placed desktop woke the replica its host's agent is
-- connected to (V2), so each of an agent's own status reports (three per boot) made that replica
-- read the host's whole desired set again for nothing. Now only a change the desired set can show
-- wakes it: a new spec generation (every spec change moves it), a move between hosts, a desktop
-- becoming or ceasing to be live, an insert or a delete.
DROP TRIGGER desktop_desired_changed ON desktop;

CREATE TRIGGER desktop_desired_inserted_or_deleted
    AFTER INSERT OR DELETE ON desktop
    FOR EACH ROW EXECUTE FUNCTION notify_host_desired();

CREATE TRIGGER desktop_desired_changed
    AFTER UPDATE ON desktop
    FOR EACH ROW
    WHEN (OLD.spec_generation IS DISTINCT FROM NEW.spec_generation
          OR OLD.host_id IS DISTINCT FROM NEW.host_id
          OR desktop_live(OLD.state) <> desktop_live(NEW.state))
    EXECUTE FUNCTION notify_host_desired();
