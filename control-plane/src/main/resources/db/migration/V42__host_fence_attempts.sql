-- When the next automatic fence of an UNREACHABLE host may start (veneer.fencing.mode=command): a
-- replica claims an attempt by moving it past the attempt's timeout and retry pause.
ALTER TABLE host ADD COLUMN fence_not_before timestamptz;
