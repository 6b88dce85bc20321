#!/usr/bin/env bash
# Measures the node agent's resident memory (RSS) while it manages N simulated desktops: the real
# agent jar as its own process, the simulated driver, a stand-in control plane (FakeControlPlane.java,
# the real gRPC contract on loopback) that desires N running desktops and takes heartbeats every
# second. RSS is read from /proc/<pid>/status (VmRSS, VmHWM) once the N desktops report RUNNING,
# then every second for SAMPLE_SECONDS.
#
# Usage: bench/rss-simulated.sh [desktops=200]
#   JAR=node-agent/target/node-agent.jar   the shaded agent jar (build: ./mvnw -q -pl node-agent -am package -DskipTests)
#   AGENT_JAVA_OPTS="..."                  JVM flags of the agent (default: the small-footprint flags below)
#   SAMPLE_SECONDS=30                      how long to sample after convergence
#   KEEP_LOGS=/dir                         copy the agent's and the control plane's logs there
set -euo pipefail
cd "$(dirname "$0")/.."

desktops="${1:-200}"
jar="${JAR:-target/node-agent.jar}"
samples="${SAMPLE_SECONDS:-30}"
# The flags the README recommends for hosts: a small heap is plenty for the agent's state, the serial
# collector has no per-core helper threads, C1 only keeps the code cache small, and Netty's pooled
# direct-memory arenas (megabytes each) are not worth it for one stream.
default_opts="-Xms16m -Xmx48m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1
  -XX:ReservedCodeCacheSize=24m -XX:MaxMetaspaceSize=64m -XX:MaxDirectMemorySize=32m
  -Dio.grpc.netty.shaded.io.netty.allocator.type=unpooled --enable-native-access=ALL-UNNAMED"
opts="${AGENT_JAVA_OPTS-$default_opts}"

java=""
for candidate in "${JAVA:-}" /usr/lib/jvm/temurin-25*/bin/java /usr/lib/jvm/*-25*/bin/java /usr/lib/jvm/*-21*/bin/java java; do
  [ -n "$candidate" ] && command -v "$candidate" >/dev/null || continue
  version="$("$candidate" -XshowSettings:properties -version 2>&1 | awk -F= '/java.specification.version/ {gsub(/ /, "", $2); print $2}')"
  if [ "${version%%.*}" -ge 21 ] 2>/dev/null; then java="$candidate"; break; fi
done
[ -n "$java" ] || { echo "no JDK 21+ found (set JAVA=)" >&2; exit 1; }
[ -f "$jar" ] || { echo "$jar is missing: ./mvnw -q -pl node-agent -am package -DskipTests" >&2; exit 1; }

work="$(mktemp -d)"
cp_pid=""
agent_pid=""
cleanup() {
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null || true
  [ -n "$cp_pid" ] && kill "$cp_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "${KEEP_LOGS:-}" ]; then cp "$work"/*.log "$KEEP_LOGS"/; fi
  rm -rf "$work"
}
trap cleanup EXIT

await_line() { # await_line <file> <regex> <seconds>
  local deadline=$((SECONDS + $3))
  until grep -qE "$2" "$1"; do
    if ((SECONDS > deadline)); then echo "timed out waiting for '$2' in $1:" >&2; tail -20 "$1" >&2; exit 1; fi
    sleep 0.2
  done
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
mib() { awk '{printf "%.1f", $1/1024}'; }

: > "$work/control-plane.log"
"$java" --enable-native-access=ALL-UNNAMED -cp "$jar" bench/FakeControlPlane.java "$desktops" \
  > "$work/control-plane.log" 2>&1 &
cp_pid=$!
await_line "$work/control-plane.log" '^listening port=' 60
port="$(sed -n 's/^listening port=\([0-9]*\).*/\1/p' "$work/control-plane.log")"

# shellcheck disable=SC2086 # the options are meant to split
# The fake control plane listens on loopback in clear: the agent is told so explicitly.
VENEER_CONTROL_PLANE="127.0.0.1:$port" VENEER_TLS=false VENEER_HOST_ID=bench-host VENEER_DRIVER=simulated \
VENEER_DATA_DIR="$work/agent" VENEER_SIMULATED_START_MS=500 VENEER_SIMULATED_STOP_MS=200 \
  "$java" $opts -jar "$jar" > "$work/agent.log" 2>&1 &
agent_pid=$!
started=$SECONDS
await_line "$work/control-plane.log" '^converged running=' 300
converged_rss="$(rss_kib "$agent_pid")"
echo "$(grep '^converged' "$work/control-plane.log") (agent up $((SECONDS - started)) s)"

max=0
sum=0
for _ in $(seq 1 "$samples"); do
  sleep 1
  rss="$(rss_kib "$agent_pid")"
  sum=$((sum + rss))
  ((rss > max)) && max=$rss
done
echo "machine: $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), $("$java" -version 2>&1 | head -1);" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "agent JVM flags: $(echo $opts)"
echo "desktops=$desktops running; RSS at convergence $(echo "$converged_rss" | mib) MiB;" \
  "over the next ${samples} s: mean $(echo $((sum / samples)) | mib) MiB, max $(echo "$max" | mib) MiB;" \
  "peak (VmHWM) since start $(hwm_kib "$agent_pid" | mib) MiB"
echo "control plane: $(grep '^heartbeats=' "$work/control-plane.log" | tail -1);" \
  "agent warnings: $(grep -c ' WARNING ' "$work/agent.log" || true) (the simulated driver announces itself with one)"
