#!/usr/bin/env bash
# Builds the tiny golden image's shared-root variant (issue #22): a root-filesystem archive that
# the QEMU driver unpacks once per host and shares read-only with every guest of it over virtio-9p.
#   sharedroot.tar   a root tree of busybox-static and an /sbin/init that reports whether its
#                    marker file already exists, appends to it, prints VENEER GUEST READY on the
#                    serial console and waits for power-off; and the guest's own boot files:
#     boot/veneer/vmlinux     Debian's kernel, uncompressed (QEMU boots it directly, PVH note)
#     boot/veneer/initrd.img  busybox + the virtio, 9p, ext4 and overlay modules + an init that
#                             mounts the share (tag veneer-root), reports whether it could write
#                             it (VENEER SHARE READ-ONLY or WRITABLE), formats the per-desktop disk
#                             /dev/vda on its first boot (ext4 with the host's mke2fs, inode tables
#                             and a 4 MiB journal zeroed lazily by the kernel: the disk holds only
#                             the desktop's own writes), mounts an overlay (lower = the share, upper on
#                             /dev/vda) and switches root into it
# The QemuHypervisor reads boot/veneer/ from the unpacked tree: the image brings its own kernel.
# Usage: build-sharedroot.sh [output-dir]   (default ~/.cache/veneer/tiny-golden; reused when up to date)
set -euo pipefail

out="${1:-${VENEER_TINY_GOLDEN_DIR:-$HOME/.cache/veneer/tiny-golden}}"
recipe_version=2
kernel_pkg="$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')"
[ -n "$kernel_pkg" ] || { echo "tiny-golden: cannot find Debian's kernel package (run apt-get update)" >&2; exit 1; }
stamp="recipe=$recipe_version kernel=$kernel_pkg busybox=$(apt-cache policy busybox-static | awk '/Candidate/ {print $2}') e2fsprogs=$(dpkg-query -W -f '${Version}' e2fsprogs 2>/dev/null)"

if [ -f "$out/sharedroot.stamp" ] && [ "$(cat "$out/sharedroot.stamp")" = "$stamp" ] && [ -f "$out/sharedroot.tar" ]; then
  echo "tiny-golden: sharedroot up to date in $out"
  exit 0
fi
for tool in cpio dpkg apt-get gzip xz grep tar ldd mke2fs; do
  command -v "$tool" >/dev/null || { echo "tiny-golden: $tool is missing" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cd "$work"
echo "tiny-golden: fetching $kernel_pkg and busybox-static"
apt-get download -q "$kernel_pkg" busybox-static >/dev/null 2>&1
dpkg -x linux-image-*.deb kernel
dpkg -x busybox-static_*.deb busybox
kver="$(ls kernel/lib/modules)"
mods="kernel/lib/modules/$kver/kernel"

mkdir -p initramfs/{bin,dev,proc,sys,lower,upper,newroot,lib/modules}
cp busybox/bin/busybox initramfs/bin/busybox
for applet in sh mount umount insmod mkdir echo cat sleep sync poweroff touch rm dd od tr switch_root; do
  ln -s busybox "initramfs/bin/$applet"
done
# The host's mke2fs (e2fsprogs), with the libraries it loads: unlike busybox's, it leaves the inode
# tables and the journal for the kernel to zero lazily (write-zeroes, which QEMU keeps out of the
# qcow2), so a new desktop's disk holds only the file system's few metadata blocks.
mke2fs="$(command -v mke2fs)"
cp "$mke2fs" initramfs/bin/mke2fs
for library in $(ldd "$mke2fs" | grep -o '/[^ ]*'); do
  mkdir -p "initramfs$(dirname "$library")"
  cp -L "$library" "initramfs$library"
done
mkdir -p initramfs/etc
cp /etc/mke2fs.conf initramfs/etc/mke2fs.conf
# Dependency order: virtio core and transports, the disk, ext4, 9p over virtio, overlay.
order="drivers/virtio/virtio_ring.ko drivers/virtio/virtio.ko
drivers/virtio/virtio_pci_legacy_dev.ko drivers/virtio/virtio_pci_modern_dev.ko
drivers/virtio/virtio_pci.ko drivers/virtio/virtio_mmio.ko drivers/block/virtio_blk.ko
drivers/virtio/virtio_balloon.ko lib/crc16.ko fs/mbcache.ko fs/jbd2/jbd2.ko
crypto/crc32c_generic.ko fs/ext4/ext4.ko
fs/netfs/netfs.ko fs/fscache/fscache.ko net/9p/9pnet.ko net/9p/9pnet_virtio.ko fs/9p/9p.ko
fs/overlayfs/overlay.ko
net/core/failover.ko drivers/net/net_failover.ko drivers/net/virtio_net.ko"
list=""
for module in $order; do
  if [ -f "$mods/$module" ]; then
    cp "$mods/$module" initramfs/lib/modules/
  elif [ -f "$mods/$module.xz" ]; then
    xz -dc "$mods/$module.xz" > "initramfs/lib/modules/$(basename "$module")"
  else
    continue
  fi
  list="$list $(basename "$module")"
done

cat > initramfs/init <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $list; do insmod /lib/modules/\$m 2>/dev/null; done
fail() { echo "VENEER GUEST FAILED: \$1"; poweroff -f; }
# Mounted read-write on purpose: QEMU itself (readonly=on) must refuse the write below.
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose veneer-root /lower \
  || fail "cannot mount the shared root (9p tag veneer-root)"
if touch /lower/.veneer-write-probe 2>/dev/null; then
  rm -f /lower/.veneer-write-probe
  echo "VENEER SHARE WRITABLE"
else
  echo "VENEER SHARE READ-ONLY"
fi
i=0
while [ ! -b /dev/vda ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done
# The ext superblock's magic (0xEF53 at byte 1080): a disk without it is new, and formatted once.
if [ "\$(dd if=/dev/vda bs=1 skip=1080 count=2 2>/dev/null | od -An -tx1 | tr -d ' \n')" != 53ef ]; then
  # Its full path: a bare mke2fs would be busybox's applet. No discard (the disk is new) and no
  # blocks reserved for growing: each would write or map the whole disk.
  /bin/mke2fs -q -F -t ext4 -i 65536 -m 0 -J size=4 -O ^resize_inode \
    -E lazy_itable_init=1,lazy_journal_init=1,nodiscard /dev/vda \
    >/dev/null 2>&1 || fail "cannot format the desktop's disk /dev/vda"
fi
mount -t ext4 /dev/vda /upper || fail "cannot mount the desktop's disk /dev/vda"
mkdir -p /upper/upper /upper/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/upper,workdir=/upper/work /newroot \
  || fail "cannot mount the overlay"
mount --move /dev /newroot/dev
umount /proc /sys
exec switch_root /newroot /sbin/init
INIT
chmod +x initramfs/init
mkdir -p root/boot/veneer
(cd initramfs && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --reproducible --quiet) \
  | gzip -9n > root/boot/veneer/initrd.img

# vmlinuz is a bzImage whose payload is an xz stream holding vmlinux (as in build.sh).
vmlinuz="kernel/boot/vmlinuz-$kver"
xz_at="$(LC_ALL=C grep -obUaP '\xFD7zXZ\x00' "$vmlinuz" | head -n 1 | cut -d: -f1)"
[ -n "$xz_at" ] || { echo "tiny-golden: no xz payload in $kernel_pkg's vmlinuz" >&2; exit 1; }
tail -c +$((xz_at + 1)) "$vmlinuz" | xz -dc --single-stream > root/boot/veneer/vmlinux 2>/dev/null || true
[ "$(head -c 4 root/boot/veneer/vmlinux | od -An -tx1 | tr -d ' ')" = 7f454c46 ] \
  || { echo "tiny-golden: $kernel_pkg's vmlinuz does not hold an ELF vmlinux" >&2; exit 1; }

mkdir -p root/{bin,sbin,etc,dev,proc,sys,tmp,root}
chmod 1777 root/tmp
cp busybox/bin/busybox root/bin/busybox
for applet in sh mount echo cat sleep sync poweroff ls date touch rm head; do
  ln -s busybox "root/bin/$applet"
done
cat > root/sbin/init <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
if [ -f /veneer-marker ]; then echo "VENEER MARKER PRESENT"; else echo "VENEER MARKER ABSENT"; fi
echo "booted" >> /veneer-marker
# A file of the shared tree changed: the change is the desktop's own (copied up), never the host's.
echo "changed by a desktop" >> /etc/veneer-release
sync
echo "VENEER GUEST READY"
while true; do sleep 3600; done
INIT
chmod 0755 root/sbin/init
echo "veneer tiny shared-root image ($kernel_pkg)" > root/etc/veneer-release

tar -C root --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 \
  -cf sharedroot.tar $(cd root && ls -A)
cp sharedroot.tar "$out/.sharedroot.tar.$$.new"
chmod 0444 "$out/.sharedroot.tar.$$.new"
mv -f "$out/.sharedroot.tar.$$.new" "$out/sharedroot.tar"
echo "$stamp" > "$out/sharedroot.stamp"
echo "tiny-golden: sharedroot built in $out ($(du -h "$out/sharedroot.tar" | cut -f1), kernel $kver)"
