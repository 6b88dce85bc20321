-- A version's bits are either a disk (qcow2, the default) or a root-filesystem archive (a tar
-- that container desktops and shared-root guests use as their read-only lower layer). Both are
-- stored and served by the same digest column, so GC keeps either while a version names it.
ALTER TABLE image_version
    ADD COLUMN kind text NOT NULL DEFAULT 'DISK',
    ADD CONSTRAINT image_version_kind_check CHECK (kind IN ('DISK', 'ROOTFS'));
