-- Quota events (#25) carry their quota's version, which grows by one per change and must keep
-- growing when a quota is removed and set again (consumers ignore versions older than what they
-- hold), so it lives here, in a row that is never deleted, rather than in the quota's own row.
CREATE TABLE quota_version (
    kind    TEXT   NOT NULL,
    name    TEXT   NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (kind, name)
);
