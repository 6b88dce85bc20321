-- Pool schedules (#25): periods in one time zone that raise the pool's minimum size and warm
-- spares while they hold ('DAY,DAY hh:mm hh:mm minSize warmSpares;...', '' = none), and the reason
-- of the sizing the pool controller last kept the pool at, so that it says so once per change.
ALTER TABLE pool ADD COLUMN schedule_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE pool ADD COLUMN schedule_periods TEXT NOT NULL DEFAULT '';
ALTER TABLE pool ADD COLUMN sizing_reason TEXT NOT NULL DEFAULT '';
