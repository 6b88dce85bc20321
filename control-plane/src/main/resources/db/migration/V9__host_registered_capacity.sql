-- What an admin registered is the ceiling of a host's capacity: its agent may report less (the
-- columns vcpus, memory_mib and disk_gib hold what placement may use), never more.
ALTER TABLE host
    ADD COLUMN registered_vcpus      BIGINT,
    ADD COLUMN registered_memory_mib BIGINT,
    ADD COLUMN registered_disk_gib   BIGINT;
UPDATE host SET registered_vcpus = vcpus, registered_memory_mib = memory_mib,
                registered_disk_gib = disk_gib;
ALTER TABLE host
    ALTER COLUMN registered_vcpus SET NOT NULL,
    ALTER COLUMN registered_memory_mib SET NOT NULL,
    ALTER COLUMN registered_disk_gib SET NOT NULL;
