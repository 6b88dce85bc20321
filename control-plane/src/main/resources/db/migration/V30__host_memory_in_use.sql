-- Memory the host's guests actually use, in MiB, by their balloon statistics, from the agent's
-- last heartbeat (kept with the heartbeat, off the host row that placement locks); NULL while its
-- agent does not say (balloon policy off, or a driver that cannot see inside its guests).
ALTER TABLE host_heartbeat ADD COLUMN memory_in_use_mib BIGINT;
