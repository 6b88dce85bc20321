#!/usr/bin/env bash
# Host memory of one idle 256 MiB tiny guest without and with the balloon policy: the QEMU
# process's RSS and the RSS of the guest's RAM mapping alone (TCG's translation cache is the rest).
# The guest is started with the qemu driver's balloon (QemuHypervisor.arguments: virtio-balloon,
# free-page-reporting=on, statistics every 2 s) and direct kernel boot of the tiny golden image.
#   without: the driver alone (free page reporting returns what the guest frees by itself)
#   with:    what BalloonPolicy does to an idle guest under pressure: balloon to
#            max(floor, used + 32 MiB), floor = FLOOR_PERCENT of its memory
# GUEST_APPEND=...: more of the guest's kernel command line (e.g. page_reporting.page_reporting_order=0)
# Usage: balloon-rss.sh [floor-percent=50]   (needs qemu-system-x86, qemu-utils, python3; ~2 min)
set -euo pipefail

floor_percent="${1:-50}"
size_mib=256
here="$(cd "$(dirname "$0")/.." && pwd)"
tiny="${VENEER_TINY_GOLDEN_DIR:-$HOME/.cache/veneer/tiny-golden}"
bash "$here/tiny-golden/build.sh" "$tiny" >/dev/null
work="$(mktemp -d /tmp/veneer-balloon-bench.XXXXXX)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

qmp() {  # qmp COMMAND [JSON-ARGUMENTS]: prints the command's return value as JSON
  python3 - "$work/qmp.sock" "$@" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rw")
def run(command, arguments=None):
    f.write(json.dumps({"execute": command, **({"arguments": arguments} if arguments else {})}) + "\n"); f.flush()
    while True:
        reply = json.loads(f.readline())
        if "event" not in reply:
            return reply
f.readline(); run("qmp_capabilities")
print(json.dumps(run(sys.argv[2], json.loads(sys.argv[3]) if len(sys.argv) > 3 else None)["return"]))
PY
}
guest_stat() {  # guest_stat PYTHON-EXPRESSION over the balloon statistics s, in bytes
  qmp qom-get '{"path":"/machine/peripheral/balloon0","property":"guest-stats"}' | python3 -c \
    "import json,sys; s=json.load(sys.stdin)['stats']; print(($1)>>20)"
}
actual_mib() { qmp query-balloon | python3 -c 'import json,sys; print(json.load(sys.stdin)["actual"]>>20)'; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
ram_rss_kib() {  # the anonymous mapping of exactly the guest's RAM
  awk -v size=$((size_mib * 1024)) '/^[0-9a-f]+-[0-9a-f]+ / {m=$0} /^Size:/ {s=$2} /^Rss:/ {if (s==size) print $2}' \
    "/proc/$pid/smaps" | head -1
}
sample() {  # three samples 2 s apart, the last printed
  local r
  for _ in 1 2 3; do r="$(rss_kib) $(ram_rss_kib)"; sleep 2; done
  echo "$r"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, kernel $(uname -r), $(qemu-system-x86_64 --version | head -1)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
qemu-img create -q -f qcow2 -b "$tiny/golden.qcow2" -F qcow2 "$work/os.qcow2"
accel=tcg; [ -w /dev/kvm ] && grep -qE ' (vmx|svm)' /proc/cpuinfo && accel=kvm
qemu-system-x86_64 -name veneer-balloon-bench -machine "q35,accel=$accel" -smp 1 -m "${size_mib}M" \
  -nodefaults -no-user-config -no-reboot -display none -pidfile "$work/qemu.pid" \
  -qmp "unix:$work/qmp.sock,server=on,wait=off" -serial "file:$work/console.log" \
  -drive "id=os,file=$work/os.qcow2,format=qcow2,if=none,cache=writeback" -device virtio-blk-pci,drive=os \
  -device virtio-balloon-pci,id=balloon0,free-page-reporting=on,guest-stats-polling-interval=2 \
  -kernel "$tiny/vmlinuz" -initrd "$tiny/initrd.img" -append "console=ttyS0 panic=1 quiet${GUEST_APPEND:+ $GUEST_APPEND}" \
  >"$work/qemu.log" 2>&1 &
pid=$!
start=$SECONDS
until grep -q "VENEER GUEST READY" "$work/console.log" 2>/dev/null; do
  [ $((SECONDS - start)) -lt 90 ] || { echo "the guest did not boot: $(tail -3 "$work/console.log")"; exit 1; }
  sleep 0.5
done
echo "guest ready after $((SECONDS - start)) s ($accel); letting it settle 20 s"
sleep 20
read -r rss_off ram_off <<<"$(sample)"
used=$(guest_stat 's["stat-total-memory"]-s["stat-available-memory"]')
# What the guest's kernel keeps for itself (its image, page structures): never the guest's to give.
reserved=$((size_mib - $(guest_stat 's["stat-total-memory"]')))
floor=$((size_mib * floor_percent / 100))
target=$((used + 32 > floor ? used + 32 : floor))
[ "$target" -le "$size_mib" ] || target=$size_mib
echo "without the policy: QEMU RSS $((rss_off / 1024)) MiB, guest RAM RSS $((ram_off / 1024)) MiB; guest uses $used MiB of $size_mib, its kernel keeps $reserved MiB"
echo "policy under pressure: balloon to $target MiB (floor $floor MiB = $floor_percent %)"
qmp balloon "{\"value\": $((target << 20))}" >/dev/null
start=$SECONDS
until [ "$(actual_mib)" -le "$target" ]; do
  [ $((SECONDS - start)) -lt 60 ] || { echo "the balloon stayed at $(actual_mib) MiB"; exit 1; }
  sleep 1
done
echo "balloon at $(actual_mib) MiB after $((SECONDS - start)) s; letting it settle 10 s"
sleep 10
read -r rss_on ram_on <<<"$(sample)"
unused=$((size_mib - used))
returned=$(((rss_off - rss_on) / 1024))
echo "with the policy:    QEMU RSS $((rss_on / 1024)) MiB, guest RAM RSS $((ram_on / 1024)) MiB"
resident_unused=$((ram_off / 1024 - used - reserved))
echo "returned $returned MiB of the guest's $unused MiB unused ($((100 * returned / unused)) %; goal >= 50 %);"
echo "  of that unused memory only $resident_unused MiB was resident (guest RAM RSS - used - kernel's own), the rest never backed"
