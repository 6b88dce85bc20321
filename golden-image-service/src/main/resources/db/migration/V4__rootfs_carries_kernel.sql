-- Whether a root-filesystem version's tree carries its own kernel and initrd
-- (boot/veneer/vmlinux, boot/veneer/initrd.img), found at upload by the same check that unpacks
-- it: shared-root virtual machines boot them, container desktops do not need them. NULL for
-- disks, and for root filesystems stored before it was recorded (taken as carrying none).
ALTER TABLE image_version ADD COLUMN carries_kernel boolean;
