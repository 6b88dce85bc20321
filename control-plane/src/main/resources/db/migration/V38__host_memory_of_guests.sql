-- Memory the guests counted in memory_in_use_mib were given (their sizes), in MiB, from the same
-- heartbeat: with it, placement knows what the guests leave unused and may lend it beyond the
-- host's physical memory, within its overcommit ratio. NULL from agents that do not say it.
ALTER TABLE host_heartbeat ADD COLUMN memory_of_guests_mib BIGINT;
