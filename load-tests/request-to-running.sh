#!/usr/bin/env bash
# What Veneer's orchestration adds to a desktop's start: the time from a user's request to RUNNING
# (placement, claim, push to the agent, overlay, QEMU start, guest ready line) against the bare
# qemu-system boot of the same golden image to the same ready line, on the same machine.
# Each run also splits its own time: the guest booting (from QEMU writing its pidfile to the ready
# line on its console, watched every 20 ms) and the rest, which is orchestration: the request,
# placement and claim, the push to the agent, the overlay, QEMU's start, seeing the ready line,
# the report and the state change. The time of RUNNING is the desktop's own updatedAt, read once
# a second. Under TCG one boot varies by seconds from the next, so this split, not the difference
# to separate bare boots, is the precise figure.
#
# Needs a running `./veneer up` (agents with VENEER_GUEST_READY_LINE set, as the local stack does).
# Usage: load-tests/request-to-running.sh [runs]        (default 10)
# Environment:
#   VENEER_URL        control plane REST base (default http://127.0.0.1:8080)
#   ADMIN_TOKEN       an admin's access token (creates the benchmark pool)
#   USER_TOKEN        a user's access token (requests the desktops)
#   GOLDEN_QCOW2      the golden image for the bare boots (default: the newest one an agent cached)
#   VENEER_STATE_DIR  the local stack's state (default .veneer), to find that cache
# Every request goes to loopback; each run waits at most 120 s.
set -euo pipefail

runs="${1:-10}"
url="${VENEER_URL:-http://127.0.0.1:8080}"
state="${VENEER_STATE_DIR:-.veneer}"
: "${ADMIN_TOKEN:?set ADMIN_TOKEN to an admin access token}"
: "${USER_TOKEN:?set USER_TOKEN to a user access token}"
ready_line="VENEER GUEST READY"

now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); } # no fork: the watchers poll often
api() { # method path token [body]
  curl -fsS -X "$1" "$url$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
    ${4:+--data "$4"}
}
stats() { # label, then milliseconds one per line on stdin
  sort -n | awk -v label="$1" '{ v[NR] = $1; sum += $1 } END {
    printf "%-28s n=%d  p50=%d ms  p90=%d ms  mean=%d ms  min=%d ms  max=%d ms\n", label, NR,
      v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.999)], sum / NR, v[1], v[NR] }'
}

# The user's subject, from the token's payload, to entitle them to the benchmark pool.
subject="$(cut -d. -f2 <<<"$USER_TOKEN" | tr '_-' '/+' | base64 -d 2>/dev/null | jq -r .sub || true)"
[ -n "$subject" ] && [ "$subject" != null ] || { echo "cannot read sub from USER_TOKEN" >&2; exit 1; }

# A pool like the first existing one (same golden image), without warm spares: every request
# clones, places and boots a new desktop. Without a display, like the bare boot below.
template="$(api GET '/api/v1/pools?limit=100' "$ADMIN_TOKEN" \
  | jq -c '[.items[] | select(.state == "ACTIVE")][0].spec')"
[ "$template" != null ] || { echo "no pool to copy the golden image from; run ./veneer up first" >&2; exit 1; }
pool="$(api POST /api/v1/pools "$ADMIN_TOKEN" "$(jq -c --arg name "bench-$(date +%s)" --arg user "$subject" \
  '.name = $name | .hardware.display = false | .minSize = 0 | .maxSize = 1 | .warmSpares = 0 | .entitledUsers = [$user] | .entitledGroups = []' \
  <<<"$template")" | jq -r .id)"
echo "pool $pool; $runs runs"

# Watches one desktop's guest from its agent's data: when QEMU wrote its pidfile (QEMU started)
# and when the guest's console first held the ready line, every 20 ms as for the bare boots below;
# prints both, in ms.
watch_guest() { # desktop id
  local dir="" qemu_at="" deadline=$(( $(now_ms) + 120000 ))
  while (( $(now_ms) < deadline )); do
    # Until the agent made it, the directory is not there: no match is not a failure.
    [ -n "$dir" ] || dir="$(compgen -G "$state/agents/*/desktops/$1" | head -1 || true)"
    if [ -n "$dir" ]; then
      if [ -z "$qemu_at" ] && [ -f "$dir/qemu.pid" ]; then
        qemu_at="$(stat -c %.3Y "$dir/qemu.pid" | tr -d .)"
      fi
      if [ -n "$qemu_at" ] && grep -qs "$ready_line" "$dir/console.log"; then
        echo "$qemu_at $(now_ms)"
        return
      fi
    fi
    sleep 0.02
  done
}

# Agents cache golden images by digest under <agent data>/images/.
golden="${GOLDEN_QCOW2:-$(find "$state" -type f -path '*/images/*' -size +1M -printf '%T@ %p\n' 2>/dev/null \
  | sort -rn | head -1 | cut -d' ' -f2-)}"
[ -f "$golden" ] || { echo "no golden qcow2 found under $state; set GOLDEN_QCOW2" >&2; exit 1; }
# As the agent decides: KVM only with the device and hardware virtualisation, else TCG.
accel=tcg; [ -w /dev/kvm ] && grep -qE 'vmx|svm' /proc/cpuinfo && accel=kvm
memory="$(jq -r .size.memoryMib <<<"$template")"
vcpus="$(jq -r .size.vcpus <<<"$template")"
# One bare boot of the golden image, to the ready line; prints its time in ms.
bare_boot() {
  qemu-img create -q -f qcow2 -b "$(readlink -f "$golden")" -F qcow2 "$work/os.qcow2"
  : > "$work/console.log"
  local start guest
  start="$(now_ms)"
  # The agent's own arguments, less its QMP socket and pidfile.
  qemu-system-x86_64 -machine "q35,accel=$accel" -smp "$vcpus" -m "${memory}M" -nodefaults \
    -no-user-config -no-reboot -serial "file:$work/console.log" \
    -drive "id=os,file=$work/os.qcow2,format=qcow2,if=none,cache=writeback" \
    -device virtio-blk-pci,drive=os -netdev user,id=net0 -device virtio-net-pci,netdev=net0 \
    -device virtio-balloon-pci -display none 2>/dev/null &
  guest=$!
  until grep -q "$ready_line" "$work/console.log"; do
    (( $(now_ms) - start < 120000 )) || { kill "$guest"; echo "bare boot not ready in 120 s" >&2; exit 1; }
    sleep 0.02
  done
  echo $(( $(now_ms) - start ))
  kill "$guest"; wait "$guest" 2>/dev/null || true
  rm -f "$work/os.qcow2"
}

orchestrated="$(mktemp)"
boots="$(mktemp)"
overheads="$(mktemp)"
watched="$(mktemp)"
bare="$(mktemp)"
work="$(mktemp -d)"
trap 'rm -rf "$work" "$orchestrated" "$bare" "$boots" "$overheads" "$watched"' EXIT
# Each run is a request and then a bare boot, so that the machine's drift (other load on it,
# other tenants of its host) falls on both alike.
for i in $(seq "$runs"); do
  start="$(now_ms)"
  desktop="$(api POST /api/v1/desktops "$USER_TOKEN" "{\"poolId\":\"$pool\"}" | jq -r .id)"
  watch_guest "$desktop" > "$watched" &
  watcher=$!
  # Once a second, and the time it turned RUNNING from the desktop's updatedAt: polling the API
  # every 50 ms took so much of a 2-core machine's CPU that the guest booted seconds slower.
  while :; do
    desktop_json="$(api GET "/api/v1/desktops/$desktop" "$USER_TOKEN")"
    desktop_state="$(jq -r .state <<<"$desktop_json")"
    [ "$desktop_state" = RUNNING ] && break
    [ "$desktop_state" = FAILED ] && { echo "desktop $desktop FAILED" >&2; exit 1; }
    (( $(now_ms) - start < 120000 )) || { echo "desktop $desktop not RUNNING in 120 s" >&2; exit 1; }
    sleep 1
  done
  running_at="$(date -d "$(jq -r .updatedAt <<<"$desktop_json")" +%s%3N)"
  elapsed=$(( running_at - start ))
  wait "$watcher"
  read -r qemu_at ready_at < "$watched" || { echo "the guest of $desktop was not seen ready" >&2; exit 1; }
  boot=$(( ready_at - qemu_at ))
  echo "$elapsed" >> "$orchestrated"
  echo "$boot" >> "$boots"
  echo "$(( elapsed - boot ))" >> "$overheads"
  api DELETE "/api/v1/desktops/$desktop" "$USER_TOKEN" >/dev/null
  until [ "$(api GET "/api/v1/desktops/$desktop" "$USER_TOKEN" | jq -r .state)" = DELETED ]; do sleep 0.2; done
  alone="$(bare_boot)"
  echo "$alone" >> "$bare"
  echo "  run $i: request to RUNNING $elapsed ms, of which its guest booting $boot ms; bare boot $alone ms"
done
api DELETE "/api/v1/pools/$pool" "$ADMIN_TOKEN" >/dev/null

echo
stats "request to RUNNING" < "$orchestrated"
stats "  its guest booting" < "$boots"
stats "  the rest: orchestration" < "$overheads"
stats "bare qemu-system boot" < "$bare"
paste "$orchestrated" "$bare" | awk '{ print $1 - $2 }' | stats "RUNNING minus its bare boot"
echo "  (two boots apart, paired run by run: noisy under TCG)"
echo "goal: orchestration at most 300 ms"
