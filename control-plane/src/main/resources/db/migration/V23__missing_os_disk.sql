-- A desktop its host came back without (the agent's inventory lacks it) is built again on a fresh
-- OS disk. The report used to write that rebuild into the spec; the pool controller writes it now,
-- like the other spec writes moved in V19. The status records the OS disk the host came back
-- without (0: never), and the controller rebuilds while that is still the desktop's OS disk.
ALTER TABLE desktop ADD COLUMN missing_os_disk_generation BIGINT NOT NULL DEFAULT 0;
