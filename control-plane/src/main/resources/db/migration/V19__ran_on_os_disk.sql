-- Only agents' reports write a desktop's status, and only people and controllers its spec. Two
-- spec writes were still made by the status path: a restart's power-on when the agent reported the
-- desktop stopped, and a pooled desktop's new OS disk when it stopped after use. The pool controller
-- makes both now, from the status; to tell "stopped after use" from "stopped on a disk just built",
-- the status records the OS disk its agent last reported it RUNNING on (0 before that). A desktop
-- running or stopping now has run on the disk its agent last reported; one already stopped was
-- refreshed at its stop report, as the status path did until now.
ALTER TABLE desktop ADD COLUMN ran_os_disk_generation BIGINT NOT NULL DEFAULT 0;
UPDATE desktop SET ran_os_disk_generation = seen_os_disk_generation
    WHERE state IN ('RUNNING', 'STOPPING');
