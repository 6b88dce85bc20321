#!/usr/bin/env bash
# Builds the tiny bootable golden image used by tests and demos, from Debian packages only:
#   vmlinuz      Debian's kernel
#   vmlinux      the same kernel uncompressed: an ELF with a PVH entry note that QEMU boots directly
#                (-kernel), skipping the decompression that dominates a boot under TCG
#   initrd.img   busybox-static + the virtio/ext4 modules + an init that mounts /dev/vda2, reports
#                whether its marker file already exists, appends to it, prints VENEER GUEST READY
#                on the serial console and waits for power-off; with veneer.probe=ADDR:PORT,...
#                on its command line it first takes an address by DHCP and prints what each
#                TCP connection received (VENEER PROBE ADDR:PORT <greeting> or NOTHING)
#   golden.qcow2 an 89 MiB disk, converted to qcow2, that boots from the disk under a BIOS and
#                also with vmlinuz and initrd.img given to QEMU directly (-kernel/-initrd):
#                  sector 0      syslinux's MBR code and a DOS partition table
#                  partition 1   24 MiB FAT16, bootable: syslinux, vmlinuz, initrd.img
#                  partition 2   64 MiB ext4 root (mke2fs -d), the init's /dev/vda2
# No loop device or mount is needed: each file system is built as a file and copied into place.
# Usage: build.sh [output-dir]   (default ~/.cache/veneer/tiny-golden; reused when up to date)
set -euo pipefail

out="${1:-${VENEER_TINY_GOLDEN_DIR:-$HOME/.cache/veneer/tiny-golden}}"
recipe_version=7
kernel_pkg="$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')"
[ -n "$kernel_pkg" ] || { echo "tiny-golden: cannot find Debian's kernel package (run apt-get update)" >&2; exit 1; }
stamp="recipe=$recipe_version kernel=$kernel_pkg busybox=$(apt-cache policy busybox-static | awk '/Candidate/ {print $2}')"

if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] \
   && [ -f "$out/vmlinuz" ] && [ -f "$out/vmlinux" ] && [ -f "$out/initrd.img" ] && [ -f "$out/golden.qcow2" ]; then
  echo "tiny-golden: up to date in $out"
  exit 0
fi

packages="qemu-utils e2fsprogs cpio fdisk dosfstools mtools syslinux syslinux-common"
for tool in qemu-img mke2fs cpio dpkg apt-get gzip xz grep sfdisk mkfs.vfat mcopy syslinux; do
  command -v "$tool" >/dev/null || { echo "tiny-golden: $tool is missing (apt-get install $packages)" >&2; exit 1; }
done
mbr=/usr/lib/syslinux/mbr/mbr.bin
[ -f "$mbr" ] || { echo "tiny-golden: $mbr is missing (apt-get install $packages)" >&2; exit 1; }

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
for applet in sh mount umount insmod mkdir echo cat sleep sync poweroff ls date \
    ip ifconfig route udhcpc nc timeout head tr sed; do
  ln -s busybox "initramfs/bin/$applet"
done
# Dependency order: virtio core, transports, block device, then ext4 and what it needs.
order="drivers/virtio/virtio_ring.ko drivers/virtio/virtio.ko
drivers/virtio/virtio_pci_legacy_dev.ko drivers/virtio/virtio_pci_modern_dev.ko
drivers/virtio/virtio_pci.ko drivers/virtio/virtio_mmio.ko drivers/block/virtio_blk.ko
drivers/virtio/virtio_balloon.ko lib/crc16.ko fs/mbcache.ko fs/jbd2/jbd2.ko
crypto/crc32c_generic.ko fs/ext4/ext4.ko
net/core/failover.ko drivers/net/net_failover.ko drivers/net/virtio_net.ko"
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

# udhcpc's script: applies the lease it is given.
mkdir -p initramfs/etc
cat > initramfs/etc/udhcpc.script <<'SCRIPT'
#!/bin/sh
case "$1" in
  bound|renew)
    ifconfig "$interface" "$ip" netmask "$subnet"
    route add default gw "$router" dev "$interface"
    echo "VENEER NET $ip via $router" ;;
esac
SCRIPT
chmod +x initramfs/etc/udhcpc.script

cat > initramfs/init <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $list; do insmod /lib/modules/\$m 2>/dev/null; done
i=0
while [ ! -b /dev/vda2 ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done
if ! mount -t ext4 /dev/vda2 /mnt; then
  echo "VENEER GUEST FAILED: cannot mount /dev/vda2"
  poweroff -f
fi
if [ -f /mnt/veneer-marker ]; then echo "VENEER MARKER PRESENT"; else echo "VENEER MARKER ABSENT"; fi
echo "booted" >> /mnt/veneer-marker
sync
probes="\$(sed -n 's/.*veneer\.probe=\([^ ]*\).*/\\1/p' /proc/cmdline)"
if [ -n "\$probes" ]; then
  ip link set eth0 up
  udhcpc -q -n -i eth0 -t 5 -T 2 -s /etc/udhcpc.script >/dev/null 2>&1 || echo "VENEER NET NONE"
  for probe in \$(echo "\$probes" | tr , ' '); do
    got="\$(timeout 5 nc "\${probe%:*}" "\${probe##*:}" </dev/null 2>/dev/null | head -c 24 | tr -dc 'A-Za-z0-9. ')"
    echo "VENEER PROBE \$probe \${got:-NOTHING}"
  done
fi
echo "VENEER GUEST READY"
while true; do sleep 3600; done
INIT
chmod +x initramfs/init
(cd initramfs && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --reproducible --quiet) | gzip -9n > initrd.img

mkdir -p rootfs/etc
echo "veneer tiny golden image ($kernel_pkg)" > rootfs/etc/veneer-release
mke2fs -q -t ext4 -d rootfs -E root_owner=0:0 -U 00000000-0000-4000-8000-000000000001 root.ext4 64M

# The boot partition: syslinux boots the same kernel with the same command line as QEMU's direct
# kernel boot (QemuHypervisor: console=ttyS0 panic=1, then the desktop's cmdline, "quiet").
boot_start=2048                 # sectors of 512 bytes: 1 MiB aligned
boot_sectors=$((24 * 2048))     # 24 MiB
root_start=$((boot_start + boot_sectors))
root_sectors=$((64 * 2048))     # 64 MiB, the size of root.ext4
cat > syslinux.cfg <<CFG
DEFAULT veneer
PROMPT 0
TIMEOUT 0
LABEL veneer
  LINUX /vmlinuz
  INITRD /initrd.img
  APPEND console=ttyS0 panic=1 quiet
CFG
# -h: hidden sectors, the partition's start, where the boot sector looks for ldlinux.sys.
mkfs.vfat -F 16 -n VENEERBOOT -i 7e4e0001 -h "$boot_start" -C boot.fat $((boot_sectors / 2)) >/dev/null
syslinux --install boot.fat
MTOOLS_SKIP_CHECK=1 mcopy -i boot.fat kernel/boot/vmlinuz-"$kver" ::vmlinuz
MTOOLS_SKIP_CHECK=1 mcopy -i boot.fat initrd.img syslinux.cfg ::

truncate -s $(((root_start + root_sectors) * 512)) disk.raw
sfdisk -q disk.raw <<PARTITIONS
label: dos
label-id: 0x7e4e0001
start=$boot_start, size=$boot_sectors, type=e, bootable
start=$root_start, size=$root_sectors, type=83
PARTITIONS
dd if="$mbr" of=disk.raw bs=440 count=1 conv=notrunc status=none
dd if=boot.fat of=disk.raw bs=512 seek="$boot_start" conv=notrunc,sparse status=none
dd if=root.ext4 of=disk.raw bs=512 seek="$root_start" conv=notrunc,sparse status=none
qemu-img convert -f raw -O qcow2 -o compat=1.1 disk.raw golden.qcow2

# vmlinuz is a bzImage whose payload is an xz stream holding vmlinux; --single-stream ignores what
# follows the stream.
cp kernel/boot/vmlinuz-"$kver" vmlinuz
xz_at="$(LC_ALL=C grep -obUaP '\xFD7zXZ\x00' vmlinuz | head -n 1 | cut -d: -f1)"
[ -n "$xz_at" ] || { echo "tiny-golden: no xz payload in $kernel_pkg's vmlinuz" >&2; exit 1; }
tail -c +$((xz_at + 1)) vmlinuz > payload.xz
xz -dc --single-stream payload.xz > vmlinux
[ "$(head -c 4 vmlinux | od -An -tx1 | tr -d ' ')" = 7f454c46 ] \
  || { echo "tiny-golden: $kernel_pkg's vmlinuz does not hold an ELF vmlinux" >&2; exit 1; }

# Each file replaces the old one by rename, never in place: guests of the old image may still run.
for file in vmlinuz vmlinux initrd.img golden.qcow2; do
  cp "$file" "$out/.$file.$$.new"
  chmod 0444 "$out/.$file.$$.new"
  mv -f "$out/.$file.$$.new" "$out/$file"
done
echo "$stamp" > "$out/stamp"
echo "tiny-golden: built in $out (kernel $kver)"
