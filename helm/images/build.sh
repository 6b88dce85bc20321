#!/bin/sh
# Builds one OCI image per Veneer service, offline from registries of images: a Debian bookworm base
# made with mmdebstrap (Debian's packages), a Java runtime made with jlink from an installed JDK 21+,
# and the service's jar, assembled with umoci into an OCI layout, then read back with skopeo.
#
#   helm/images/build.sh [output-dir]      (default: helm/target/images; run as root)
#   SERVICES="web-portal node-agent" helm/images/build.sh    (only these)
#
# Needs Debian's mmdebstrap, umoci and skopeo (apt-get install mmdebstrap umoci skopeo) and the jars
# (./mvnw -B -ntp -DskipTests -pl control-plane,golden-image-service,web-portal,node-agent -am package).
# Layers, bottom up: the Debian base, the Java runtime, the jar's dependencies, the service itself,
# so a new build of a service changes only its top layer. No secret is baked in: every credential
# reaches the container from Kubernetes Secrets (see the chart).
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/helm/target/images}
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)
uid=10001
suite=bookworm
mirror=http://deb.debian.org/debian

for tool in mmdebstrap umoci skopeo; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install mmdebstrap umoci skopeo" >&2; exit 2; }
done
jdk=
for candidate in /usr/lib/jvm/*; do
  if [ -x "$candidate/bin/jlink" ] && "$candidate/bin/java" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then
    jdk=$candidate
  fi
done
[ -n "$jdk" ] || { echo "no JDK 21+ with jlink under /usr/lib/jvm" >&2; exit 2; }

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The Java runtime: every Java SE module plus the JDK modules Spring Boot, Netty and gRPC use.
runtime=$work/runtime
"$jdk/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --compress zip-6 --output "$runtime/opt/java"

# image NAME PACKAGES PORTS: the base with PACKAGES, the runtime, the jar in layers.
image() {
  name=$1 packages=$2 ports=$3
  layout=$out/$name
  rm -rf "$layout"
  echo "== $name: Debian $suite + $packages"
  mmdebstrap --variant=minbase --include="ca-certificates${packages:+,$packages}" \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    --customize-hook="chroot \"\$1\" useradd --uid $uid --user-group --no-create-home --home-dir /opt/veneer --shell /usr/sbin/nologin veneer" \
    "$suite" "$work/$name-base.tar" "$mirror"

  umoci init --layout "$layout"
  umoci new --image "$layout:$version"
  bundle=$work/$name-bundle
  add_layer() { # DIRECTORY-OR-TAR
    umoci unpack --image "$layout:$version" "$bundle"
    if [ -f "$1" ]; then tar -C "$bundle/rootfs" -xf "$1"; else cp -a "$1/." "$bundle/rootfs/"; fi
    umoci repack --image "$layout:$version" "$bundle"
    rm -rf "$bundle"
  }
  add_layer "$work/$name-base.tar"
  add_layer "$runtime"

  # The node agent's runnable jar is the shaded target/node-agent.jar; a Spring Boot service's is
  # target/<name>-<version>.jar.
  jar=$root/$name/target/$name.jar
  [ -f "$jar" ] || jar=$root/$name/target/$name-$version.jar
  app=$work/$name-app
  if unzip -l "$jar" | grep -q 'BOOT-INF/layers.idx'; then
    # Spring Boot's layers: dependencies (rarely change) below the application.
    "$jdk/bin/java" -Djarmode=tools -jar "$jar" extract --layers --destination "$app"
    for layer in dependencies spring-boot-loader snapshot-dependencies application; do
      mkdir -p "$work/$name-$layer/opt/veneer"
      [ -d "$app/$layer" ] && cp -a "$app/$layer/." "$work/$name-$layer/opt/veneer/"
      add_layer "$work/$name-$layer"
    done
    entry="/opt/veneer/$(basename "$jar")"
  else
    mkdir -p "$app/opt/veneer"
    cp "$jar" "$app/opt/veneer/$name.jar"
    add_layer "$app"
    entry="/opt/veneer/$name.jar"
  fi

  set -- --config.user "$uid:$uid" --config.workingdir /opt/veneer \
    --config.env PATH=/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin --config.env JAVA_HOME=/opt/java \
    --config.entrypoint java --config.entrypoint -jar --config.entrypoint "$entry" \
    --config.label org.opencontainers.image.title="veneer/$name" \
    --config.label org.opencontainers.image.version="$version"
  for port in $ports; do set -- "$@" --config.exposedports "$port/tcp"; done
  umoci config --image "$layout:$version" "$@"
  umoci gc --layout "$layout"

  skopeo inspect --config "oci:$layout:$version" > "$out/$name.config.json"
  echo "   $(du -sh "$layout/blobs" | cut -f1) in $layout"
}

services=${SERVICES:-control-plane golden-image-service web-portal node-agent}
for service in $services; do
  case $service in
    control-plane) image control-plane "" "8080 9090 9092" ;;
    golden-image-service) image golden-image-service "qemu-utils" "8081 9091" ;;
    web-portal) image web-portal "" "8080" ;;
    node-agent) image node-agent "qemu-system-x86,qemu-utils,openssl" "" ;;
    *) echo "unknown service $service" >&2; exit 2 ;;
  esac
done

# What each image says about itself: user, entrypoint, ports, and no secret in its environment.
for config in "$out"/*.config.json; do
  name=$(basename "$config" .config.json)
  python3 - "$config" "$name" <<'PY'
import json, re, sys
config = json.load(open(sys.argv[1]))["config"]
user = config.get("User", "")
env = config.get("Env", [])
assert user and not user.startswith("0") and user != "root", f"{sys.argv[2]} runs as root"
secretive = [e for e in env if re.search(r"(?i)(secret|token|password|key)=", e)]
assert not secretive, f"{sys.argv[2]} bakes in {secretive}"
print(f"{sys.argv[2]}: user {user}, entrypoint {' '.join(config.get('Entrypoint', []))},"
      f" ports {' '.join(sorted(config.get('ExposedPorts', {}))) or 'none'}, env {env}")
PY
done
