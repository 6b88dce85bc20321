-- The virtual hardware of a pool's desktops, sent to agents with every desired desktop. Existing
-- pools keep what agents assumed so far: q35, BIOS, booting from disk, no display.
ALTER TABLE pool
    ADD COLUMN machine   TEXT    NOT NULL DEFAULT 'q35'  CHECK (machine IN ('q35', 'microvm')),
    ADD COLUMN firmware  TEXT    NOT NULL DEFAULT 'bios' CHECK (firmware IN ('bios', 'uefi')),
    -- direct-kernel boot needs kernels handed to agents, which the control plane does not do yet.
    ADD COLUMN boot_mode TEXT    NOT NULL DEFAULT 'disk' CHECK (boot_mode IN ('disk')),
    ADD COLUMN display   BOOLEAN NOT NULL DEFAULT false,
    -- A microvm machine has no display device.
    ADD CONSTRAINT pool_microvm_display_check CHECK (NOT (machine = 'microvm' AND display));
