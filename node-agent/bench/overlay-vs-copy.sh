#!/usr/bin/env bash
# Measures what a desktop's OS disk costs to create: a qcow2 overlay on the golden image (what the
# agent does, one `qemu-img create -b` per desktop) against a full copy of the golden image.
#
# The golden image holds ~4 GiB of real (random, incompressible) data, not a sparse file: a copy of
# a sparse qcow2 would only copy metadata and flatter the copy. Everything lives in one directory on
# one file system (default: a fresh directory under /var/tmp) and is deleted at the end.
#
# Usage: bench/overlay-vs-copy.sh [clones=200] [copies=3]
#   BENCH_DIR=/path   where to put the 4 GiB golden, its copies and the overlays
#   GOLDEN_GIB=4      size of the golden image's data
#   DROP_CACHES=1     drop the page cache before each copy (root only), so the copy reads the disk
set -euo pipefail

clones="${1:-200}"
copies="${2:-3}"
gib="${GOLDEN_GIB:-4}"
dir="$(mktemp -d "${BENCH_DIR:-/var/tmp}/veneer-overlay-bench.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
command -v qemu-img >/dev/null || { echo "qemu-img is missing (apt-get install qemu-utils)" >&2; exit 1; }

now_ns() { date +%s%N; }
# percentile <p> < sorted numbers: nearest-rank, as most latency tables do.
percentile() { awk -v p="$1" '{v[NR]=$1} END {i=int((p/100)*NR+0.999999); if(i<1)i=1; if(i>NR)i=NR; print v[i]}'; }
ms() { awk '{printf "%.2f", $1/1e6}'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo)," \
  "$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)," \
  "$(grep -qw -e vmx -e svm /proc/cpuinfo && [ -w /dev/kvm ] && echo 'KVM usable' || echo 'no usable KVM (TCG)')"
echo "file system: $(findmnt -no FSTYPE --target "$dir") on $(findmnt -no SOURCE --target "$dir"), dir $dir"
echo "qemu-img: $(qemu-img --version | head -1)"
# Other work on the machine skews every figure below: the load average says how quiet it was.
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "building a golden image with ${gib} GiB of random data ..."
start=$(now_ns)
head -c "$((gib << 30))" /dev/urandom > "$dir/golden.raw"
qemu-img convert -f raw -O qcow2 "$dir/golden.raw" "$dir/golden.qcow2"
rm -f "$dir/golden.raw"
chmod 0444 "$dir/golden.qcow2"
echo "  golden.qcow2: $(du -h --apparent-size "$dir/golden.qcow2" | cut -f1) apparent," \
  "$(du -h "$dir/golden.qcow2" | cut -f1) allocated, built in $(( ($(now_ns) - start) / 1000000000 )) s"
sync

echo "creating $clones overlays with qemu-img create -f qcow2 -b golden.qcow2 -F qcow2 ..."
mkdir "$dir/overlays"
: > "$dir/overlay-ns"
for i in $(seq 1 "$clones"); do
  t0=$(now_ns)
  qemu-img create -q -f qcow2 -b "$dir/golden.qcow2" -F qcow2 "$dir/overlays/desk-$i.qcow2"
  t1=$(now_ns)
  echo $((t1 - t0)) >> "$dir/overlay-ns"
done
sort -n "$dir/overlay-ns" > "$dir/overlay-sorted"
overlay_bytes=$(du -b --apparent-size "$dir/overlays/desk-1.qcow2" | cut -f1)
echo "  overlay p50 $(percentile 50 < "$dir/overlay-sorted" | ms) ms," \
  "p99 $(percentile 99 < "$dir/overlay-sorted" | ms) ms," \
  "max $(tail -1 "$dir/overlay-sorted" | ms) ms; each overlay ${overlay_bytes} bytes"
rm -rf "$dir/overlays"

echo "copying the golden image $copies times (cp --reflink=never, then sync of the copy) ..."
: > "$dir/copy-ns"
for i in $(seq 1 "$copies"); do
  if [ "${DROP_CACHES:-0}" = 1 ]; then
    sync
    echo 3 > /proc/sys/vm/drop_caches
  fi
  t0=$(now_ns)
  cp --reflink=never "$dir/golden.qcow2" "$dir/copy.qcow2"
  sync "$dir/copy.qcow2"
  t1=$(now_ns)
  echo $((t1 - t0)) >> "$dir/copy-ns"
  rm -f "$dir/copy.qcow2"
done
sort -n "$dir/copy-ns" > "$dir/copy-sorted"
copy_p50=$(percentile 50 < "$dir/copy-sorted")
overlay_p50=$(percentile 50 < "$dir/overlay-sorted")
echo "  full copy p50 $(echo "$copy_p50" | ms) ms, max $(tail -1 "$dir/copy-sorted" | ms) ms" \
  "(page cache $( [ "${DROP_CACHES:-0}" = 1 ] && echo dropped || echo warm) before each copy)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "result: overlay p50 is $(awk -v c="$copy_p50" -v o="$overlay_p50" 'BEGIN {printf "%.0f", c/o}')x faster than a full copy"
