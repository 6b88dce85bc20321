-- Shared-root pools: whether the golden version's root tree carries its own kernel and initrd
-- (boot/veneer/vmlinux, boot/veneer/initrd.img), as the golden image service found at upload.
-- Without them only drivers that run such trees (containers, on the host's kernel) take the
-- pool's desktops: placement requires the host capability shared-root:tree-without-kernel.
-- Pools from before this was known keep being placed as they were (TRUE: no requirement).
ALTER TABLE pool ADD COLUMN tree_carries_kernel BOOLEAN NOT NULL DEFAULT TRUE;
