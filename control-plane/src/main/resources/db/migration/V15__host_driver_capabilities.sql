-- What a host's hypervisor driver can do, as its agent's Hello last said (names such as display,
-- boot:disk, firmware:uefi); NULL until an agent that reports them connects, read by placement as
-- the baseline every driver offers (HostCapabilities.BASELINE). Placement reads it, so a change
-- moves the host's generation, which announces the host, as a change of its labels does.
ALTER TABLE host ADD COLUMN driver_capabilities text[];

CREATE FUNCTION host_capabilities_bump_generation() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    NEW.generation := GREATEST(NEW.generation, OLD.generation) + 1;
    RETURN NEW;
END $$;

CREATE TRIGGER host_capabilities_bump_generation BEFORE UPDATE OF driver_capabilities ON host
    FOR EACH ROW WHEN (OLD.driver_capabilities IS DISTINCT FROM NEW.driver_capabilities)
    EXECUTE FUNCTION host_capabilities_bump_generation();
