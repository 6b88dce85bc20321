#!/usr/bin/env bash
# The README's two commands on a machine that has nothing yet, in seconds (run by .ci/run): a clean
# copy of the repository, a PATH of only bash, the core tools and java (no QEMU, no Chromium, no
# npm, no apt-cache), and a fake apt-get that records what it is asked and installs nothing. Each
# command must install what it needs (as root) or stop with the exact command to run; neither may
# go on as if the packages were there.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

mkdir -p "$work/repo" "$work/bin"
(cd "$repo" && tar --exclude=./.git --exclude=./.veneer --exclude=target --exclude=node_modules -cf - .) \
  | tar -xf - -C "$work/repo"
for tool in bash dirname cat grep mktemp rm tail sed cut tr wc find awk readlink printf java; do
  ln -s "$(command -v "$tool")" "$work/bin/$tool"
done
cat >"$work/fake-apt-get" <<FAKE
#!$(command -v bash)
echo "\$*" >>"$work/apt-get.log"
FAKE
chmod +x "$work/fake-apt-get"

# run NAME [ENV=VALUE...] -- ARGS...: one command in the copy, its output and status kept.
run() {
  local name="$1" envs=()
  shift
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  rm -f "$work/apt-get.log"
  status=0
  (cd "$work/repo" && env -i HOME="$work" PATH="$work/bin" ${envs[@]+"${envs[@]}"} ./veneer "$@") \
    >"$work/$name.out" 2>&1 || status=$?
  out="$(cat "$work/$name.out")"
  asked="$(cat "$work/apt-get.log" 2>/dev/null || true)"
  current="$name"
}

check() {
  if eval "$1"; then
    echo "  ok    $current: $2"
  else
    echo "  FAIL  $current: $2"
    sed 's/^/        | /' "$work/$current.out"
    [ -z "$asked" ] || echo "        apt-get was asked: $asked"
    failures=$((failures + 1))
  fi
}

# The packages of the command it printed (or of the install it asked apt-get for).
printed_packages() { grep -o 'apt-get install -y --no-install-recommends .*' <<<"$out" | cut -d' ' -f5- || true; }
asked_packages() { grep '^install ' <<<"$asked" | sed 's/.*--no-install-recommends //' || true; }

echo "newcomer-check: ./veneer up and ./veneer test in a clean copy, PATH without QEMU or Chromium"
ln -s "$work/fake-apt-get" "$work/bin/apt-get"

if ((EUID == 0)); then
  run up-as-root -- up
  check '[ "$status" = 1 ]' "stops (exit 1) when the install did not bring the programs"
  check '[ "$(head -n1 <<<"$asked")" = "update -qq" ]' "one apt-get update first"
  check '[ "$(grep -c . <<<"$asked")" = 2 ]' "then one apt-get install, nothing more"
  check '[[ " $(asked_packages) " == *" qemu-system-x86 "* ]]' "installs QEMU"
  check '[[ " $(asked_packages) " == *" npm "* ]]' "and npm, as the jars are not built yet"
  check '[[ " $(asked_packages) " != *" chromium "* ]]' "does not install Chromium, which up does not use"
  check 'grep -q "qemu-system-x86  *qemu-system-x86_64: the desktops" <<<"$out"' "says which package and why"
  check 'grep -q "still missing after apt-get install: .*qemu-system-x86" <<<"$out"' "says what is still missing"

  run test-as-root -- test
  check '[ "$status" = 1 ]' "stops (exit 1) before Maven"
  check '[[ " $(asked_packages) " == *" chromium chromium-driver "* ]]' "installs Chromium and chromedriver"
  check '[[ " $(asked_packages) " == *" qemu-system-x86 "* ]]' "installs QEMU"
else
  echo "  (not root: the apt-get install path is checked by CI, which runs as root)"
fi

run up-never VENEER_INSTALL=never -- up
check '[ "$status" = 1 ] && [ -z "$asked" ]' "installs nothing and stops (exit 1)"
check 'grep -qx "  \(sudo \)\{0,1\}apt-get update && \(sudo \)\{0,1\}apt-get install -y --no-install-recommends .*" <<<"$out"' \
  "prints the exact command"
check '[[ " $(printed_packages) " == *" qemu-system-x86 "* && " $(printed_packages) " != *" chromium "* ]]' \
  "the command names QEMU, not Chromium"
check 'grep -q "VENEER_DRIVER=simulated ./veneer up" <<<"$out"' "and the way to run without QEMU"
check '[[ " $(printed_packages) " == *" openssl "* ]]' "and openssl, which makes the local stack's CA"

run up-libvirt-never VENEER_DRIVER=libvirt VENEER_INSTALL=never -- up
check '[ "$status" = 1 ] && [ -z "$asked" ]' "installs nothing and stops (exit 1)"
# virsh is the libvirt program this PATH lacks (libvirtd is found in /usr/sbin, the library by path).
check '[[ " $(printed_packages) " == *" libvirt-clients "* && " $(printed_packages) " == *" qemu-system-x86 "* ]]' \
  "VENEER_DRIVER=libvirt: the command names libvirt's missing package (virsh) and QEMU"

run test-never VENEER_INSTALL=never -- test
check '[ "$status" = 1 ] && [ -z "$asked" ]' "installs nothing and stops (exit 1)"
check '[[ " $(printed_packages) " == *" qemu-system-x86 "* && " $(printed_packages) " == *" chromium chromium-driver "* ]]' \
  "the command names QEMU and Chromium"
check 'grep -q -- "--without qemu,browser" <<<"$out"' "and the switch that leaves those tests out"

run test-without --  test --without browser,qemu --check-only
check '[ "$status" = 1 ] && [ -z "$asked" ]' "--check-only installs nothing"
check '[[ " $(printed_packages) " != *" chromium "* && " $(printed_packages) " != *" qemu-system-x86 "* ]]' \
  "--without browser,qemu no longer asks for Chromium or QEMU"
check '[[ " $(printed_packages) " == *" qemu-utils "* ]]' "but still for qemu-img, which the image service needs"

run test-bad-kind -- test --without gpu
check '[ "$status" = 2 ] && grep -q "not .gpu." <<<"$out"' "an unknown kind is refused (exit 2)"

rm "$work/bin/apt-get"
run up-no-apt -- up
check '[ "$status" = 1 ] && grep -q "no apt-get here" <<<"$out"' "without apt-get it stops and says to install them"

# Every variable the scripts and the launcher read (VENEER_REPO is the script's own, to the launcher).
read_by_up="$( { grep -ohE '\$\{VENEER_[A-Z_]+' "$repo/veneer" "$repo/local-stack/prerequisites.sh"
  grep -rhoE 'get(OrDefault)?\("VENEER_[A-Z_]+' "$repo/local-stack/src/main"
  # test-support's Keycloak settings that up reads (up sets the URL and the admin itself).
  grep -ohE '"VENEER_KEYCLOAK_(DIST|CACHE|JAVA_HOME)"' \
    "$repo/test-support/src/main/java/io/veneer/testsupport/keycloak/KeycloakSettings.java"; } | grep -o 'VENEER_[A-Z_]*' | sort -u | grep -vx VENEER_REPO)"
for command in up test; do
  run "help-$command" -- "$command" --help
  check '[ "$status" = 0 ]' "--help answers"
  for variable in $read_by_up; do
    if [ "$command" = up ] || [[ "$variable" == VENEER_INSTALL || "$variable" == VENEER_TINY_GOLDEN_DIR ]]; then
      check 'grep -q "^  $variable" <<<"$out"' "explains $variable"
    fi
  done
done
run help-test-switches -- test --help
check 'grep -q "^  --without KINDS" <<<"$out" && grep -q "^  --check-only" <<<"$out"' "explains --without and --check-only"

if ((failures)); then
  echo "newcomer-check: $failures check(s) failed"
  exit 1
fi
echo "newcomer-check: all checks passed"
