#!/usr/bin/env bash
# Boot to ready of the tiny golden image, bare QEMU with the qemu driver's devices
# (QemuHypervisor.arguments: virtio block and balloon, serial console to a file), three ways,
# alternating run by run so that a machine's load falls on each alike:
#   q35-disk     q35, SeaBIOS boots the golden disk (syslinux, then the same kernel and initrd)
#   q35-kernel   q35, -kernel/-initrd given directly
#   microvm      microvm (virtio-mmio, no PCI), -kernel/-initrd; under TCG with tsc_early_khz=
#                (the host's TSC rate, as TscFrequency reads it)
#   q35-uefi     q35-kernel through Debian's OVMF (pflash code + a copy of its variable store)
#   shared-root  q35, the shared-root variant (tiny-golden/build-sharedroot.sh) as the driver boots
#                it: its tree unpacked once and shared read-only over virtio-9p, its own vmlinux
#                and initrd given directly, an empty 2 GiB qcow2 for the desktop's writes (clusters
#                of CLUSTER, default 4k as the driver makes them)
#   microvm-shared-root  the same on microvm (virtio-mmio), with tsc_early_khz= under TCG
# KERNEL=vmlinux gives q35-kernel, microvm and q35-uefi the uncompressed kernel (the shared-root
# ways always boot the image's own vmlinux); default vmlinuz.
# Each boot: from QEMU's start to VENEER GUEST READY on the console, polled every 50 ms; also the
# bytes the fresh overlay holds after the boot (qemu-img map, depth 0).
# Usage: [WAYS="q35-disk q35-kernel microvm q35-uefi shared-root"] [KERNEL=vmlinux] boot-to-ready.sh [runs=3]
#        (needs qemu-system-x86, qemu-utils; ovmf for q35-uefi)
set -euo pipefail

runs="${1:-3}"
ways="${WAYS:-q35-disk q35-kernel microvm q35-uefi}"
kernel="${KERNEL:-vmlinuz}"
here="$(cd "$(dirname "$0")/.." && pwd)"
tiny="${VENEER_TINY_GOLDEN_DIR:-$HOME/.cache/veneer/tiny-golden}"
bash "$here/tiny-golden/build.sh" "$tiny" >/dev/null
work="$(mktemp -d /tmp/veneer-boot-bench.XXXXXX)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
case "$ways" in
  *shared-root*)
    bash "$here/tiny-golden/build-sharedroot.sh" "$tiny" >/dev/null
    mkdir "$work/tree" && tar -C "$work/tree" -xf "$tiny/sharedroot.tar" ;;
esac

if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
  accel=kvm; tsc=""
else
  accel=tcg
  grep -qw constant_tsc /proc/cpuinfo || { echo "no constant_tsc: microvm is KVM-only here" >&2; exit 1; }
  tsc="tsc_early_khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000 + 0.5; exit }' /proc/cpuinfo)"
fi

boot() {  # boot WAY: prints milliseconds to the ready line and the overlay's own bytes
  local way="$1" machine bus args=() drive=""
  rm -f "$work/os.qcow2" "$work/console.log"
  case "$way" in
    microvm*) machine=microvm; bus=device ;;
    *) machine=q35; bus=pci ;;
  esac
  case "$way" in
    *shared-root)
      qemu-img create -q -f qcow2 -o "cluster_size=${CLUSTER:-4k}" "$work/os.qcow2" 2G
      drive=",discard=unmap,detect-zeroes=unmap"
      args=(-fsdev "local,id=root,path=$work/tree,security_model=none,readonly=on"
        -device "virtio-9p-$bus,fsdev=root,mount_tag=veneer-root"
        -kernel "$work/tree/boot/veneer/vmlinux" -initrd "$work/tree/boot/veneer/initrd.img") ;;
    *) qemu-img create -q -f qcow2 -b "$tiny/golden.qcow2" -F qcow2 "$work/os.qcow2" ;;
  esac
  if [ "$way" = q35-uefi ]; then
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$work/efivars.fd"
    args=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
      -drive "if=pflash,format=raw,unit=1,file=$work/efivars.fd")
  fi
  local append="console=ttyS0 panic=1 quiet"
  [ "$machine" = microvm ] && append="console=ttyS0 panic=1 $tsc quiet"
  case "$way" in
    q35-disk) ;;
    *shared-root) args+=(-append "$append") ;;
    *) args+=(-kernel "$tiny/$kernel" -initrd "$tiny/initrd.img" -append "$append") ;;
  esac
  local start end
  start=$(date +%s%N)
  qemu-system-x86_64 -machine "$machine,accel=$accel" -smp 1 -m 256M -nodefaults -no-user-config \
    -no-reboot -display none -serial "file:$work/console.log" \
    -drive "id=os,file=$work/os.qcow2,format=qcow2,if=none,cache=writeback$drive" \
    -device "virtio-blk-$bus,drive=os" -device "virtio-balloon-$bus" "${args[@]}" &
  pid=$!
  until grep -q "VENEER GUEST READY" "$work/console.log" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "$way: QEMU exited before the ready line" >&2; exit 1; }
    sleep 0.05
  done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  local own
  own=$(qemu-img map --output=json "$work/os.qcow2" \
    | python3 -c 'import json,sys; print(sum(e["length"] for e in json.load(sys.stdin) if e["depth"] == 0 and e["data"]))')
  echo "$way $(( (end - start) / 1000000 )) ms, overlay holds $own bytes, its qcow2 file $(stat -c %s "$work/os.qcow2") bytes"
}

echo "accel=$accel $tsc kernel=$kernel load=$(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$runs"); do
  for way in $ways; do
    boot "$way"
  done
done
echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
