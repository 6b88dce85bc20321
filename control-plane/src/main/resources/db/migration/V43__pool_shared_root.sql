-- Pools may run shared-root desktops: no kernel of their own, their root an overlay of the golden
-- version's root filesystem (a version of kind rootfs in the golden image service, whose digest is
-- the pool's golden_digest). Which versions fit is checked when the pool is written.
ALTER TABLE pool
    DROP CONSTRAINT pool_boot_mode_check,
    ADD CONSTRAINT pool_boot_mode_check
        CHECK (boot_mode IN ('disk', 'direct-kernel', 'shared-root'));
