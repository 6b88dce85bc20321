-- Placement rules per pool (#25): the labels a host must carry (k=v,... as host.labels keeps
-- them) and the zone it must be in ('' = any) for the pool's desktops to run on it.
ALTER TABLE pool ADD COLUMN required_labels TEXT NOT NULL DEFAULT '';
ALTER TABLE pool ADD COLUMN required_zone TEXT NOT NULL DEFAULT '';
