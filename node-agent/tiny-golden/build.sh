#!/usr/bin/env bash
# Builds the tiny bootable golden image used by tests and demos, from Debian packages only:
#   vmlinuz      Debian's kernel (direct kernel boot)
#   initrd.img   busybox-static + the virtio/ext4 modules + an init that mounts /dev/vda, reports
#                whether its marker file already exists, appends to it, prints VENEER GUEST READY
#                on the serial console and waits for power-off
#   golden.qcow2 a 64 MiB ext4 root (mke2fs -d), converted to qcow2
# Usage: build.sh [output-dir]   (default ~/.cache/veneer/tiny-golden; reused when up to date)
set -euo pipefail

out="${1:-${VENEER_TINY_GOLDEN_DIR:-$HOME/.cache/veneer/tiny-golden}}"
recipe_version=4
kernel_pkg="$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')"
[ -n "$kernel_pkg" ] || { echo "tiny-golden: cannot find Debian's kernel package (run apt-get update)" >&2; exit 1; }
stamp="recipe=$recipe_version kernel=$kernel_pkg busybox=$(apt-cache policy busybox-static | awk '/Candidate/ {print $2}')"

if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] \
   && [ -f "$out/vmlinuz" ] && [ -f "$out/initrd.img" ] && [ -f "$out/golden.qcow2" ]; then
  echo "tiny-golden: up to date in $out"
  exit 0
fi

for tool in qemu-img mke2fs cpio dpkg apt-get gzip; do
  command -v "$tool" >/dev/null || { echo "tiny-golden: $tool is missing (apt-get install qemu-utils e2fsprogs cpio)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cd "$work"
echo "tiny-golden: fetching $kernel_pkg and busybox-static"
apt-get download -q "$kernel_pkg" busybox-static >/dev/null
dpkg -x linux-image-*.deb kernel
dpkg -x busybox-static_*.deb busybox
kver="$(ls kernel/lib/modules)"
mods="kernel/lib/modules/$kver/kernel"

mkdir -p initramfs/{bin,dev,proc,sys,mnt,lib/modules}
cp busybox/bin/busybox initramfs/bin/busybox
for applet in sh mount umount insmod mkdir echo cat sleep sync poweroff ls date; do
  ln -s busybox "initramfs/bin/$applet"
done
# Dependency order: virtio core, transports, block device, then ext4 and what it needs.
order="drivers/virtio/virtio_ring.ko drivers/virtio/virtio.ko
drivers/virtio/virtio_pci_legacy_dev.ko drivers/virtio/virtio_pci_modern_dev.ko
drivers/virtio/virtio_pci.ko drivers/virtio/virtio_mmio.ko drivers/block/virtio_blk.ko
drivers/virtio/virtio_balloon.ko lib/crc16.ko fs/mbcache.ko fs/jbd2/jbd2.ko
crypto/crc32c_generic.ko fs/ext4/ext4.ko"
list=""
for module in $order; do
  if [ -f "$mods/$module" ]; then
    cp "$mods/$module" initramfs/lib/modules/
    list="$list $(basename "$module")"
  elif [ -f "$mods/$module.xz" ]; then
    xz -dc "$mods/$module.xz" > "initramfs/lib/modules/$(basename "$module")"
    list="$list $(basename "$module")"
  fi
done

cat > initramfs/init <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $list; do insmod /lib/modules/\$m 2>/dev/null; done
i=0
while [ ! -b /dev/vda ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done
if ! mount -t ext4 /dev/vda /mnt; then
  echo "VENEER GUEST FAILED: cannot mount /dev/vda"
  poweroff -f
fi
if [ -f /mnt/veneer-marker ]; then echo "VENEER MARKER PRESENT"; else echo "VENEER MARKER ABSENT"; fi
echo "booted" >> /mnt/veneer-marker
sync
echo "VENEER GUEST READY"
while true; do sleep 3600; done
INIT
chmod +x initramfs/init
(cd initramfs && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --reproducible --quiet) | gzip -9n > initrd.img

mkdir -p rootfs/etc
echo "veneer tiny golden image ($kernel_pkg)" > rootfs/etc/veneer-release
mke2fs -q -t ext4 -d rootfs -E root_owner=0:0 -U 00000000-0000-4000-8000-000000000001 root.ext4 64M
qemu-img convert -f raw -O qcow2 -o compat=1.1 root.ext4 golden.qcow2

cp kernel/boot/vmlinuz-"$kver" "$out/vmlinuz"
cp initrd.img "$out/initrd.img"
cp golden.qcow2 "$out/golden.qcow2"
chmod 0444 "$out/vmlinuz" "$out/initrd.img" "$out/golden.qcow2"
echo "$stamp" > "$out/stamp"
echo "tiny-golden: built in $out (kernel $kver)"
