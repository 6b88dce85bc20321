-- Spread or pack per pool (#25): 'spread', 'pack', or '' for the fleet's veneer.placement.strategy.
ALTER TABLE pool ADD COLUMN placement_strategy TEXT NOT NULL DEFAULT ''
    CHECK (placement_strategy IN ('', 'spread', 'pack'));
