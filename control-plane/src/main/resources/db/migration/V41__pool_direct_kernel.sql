-- Pools may boot their desktops' kernels directly: the kernel, initrd and command line come from
-- the golden version (looked up in the golden image service) and are handed to agents with every
-- desired desktop. Empty = the version carries none.
ALTER TABLE pool
    DROP CONSTRAINT pool_boot_mode_check,
    ADD CONSTRAINT pool_boot_mode_check CHECK (boot_mode IN ('disk', 'direct-kernel')),
    ADD COLUMN kernel_digest  TEXT NOT NULL DEFAULT '',
    ADD COLUMN initrd_digest  TEXT NOT NULL DEFAULT '',
    ADD COLUMN kernel_cmdline TEXT NOT NULL DEFAULT '',
    ADD CONSTRAINT pool_direct_kernel_check CHECK (boot_mode <> 'direct-kernel' OR kernel_digest <> '');
