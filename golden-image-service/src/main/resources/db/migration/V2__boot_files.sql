-- A version may carry a kernel and an initrd for direct kernel boot, stored as blobs by digest
-- like its disk; set while the version is not yet published, fixed after.
ALTER TABLE image_version
    ADD COLUMN kernel_digest     text,
    ADD COLUMN kernel_size_bytes bigint,
    ADD COLUMN initrd_digest     text,
    ADD COLUMN initrd_size_bytes bigint;

CREATE INDEX image_version_kernel_digest ON image_version (kernel_digest)
    WHERE kernel_digest IS NOT NULL;
CREATE INDEX image_version_initrd_digest ON image_version (initrd_digest)
    WHERE initrd_digest IS NOT NULL;
