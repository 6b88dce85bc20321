# The host packages `./veneer up` and `./veneer test` need, looked for and installed in this one
# place (sourced by ./veneer; .ci/run calls ./veneer test). Debian package names.
#
#   veneer_prerequisites <up|test> <needs> <mode>
#     needs  space-separated kinds: always build qemu libvirt browser container
#     mode   install  as root with apt-get: one apt-get update, then only what is missing
#            never    stop with the exact command to run instead (VENEER_INSTALL=never)
#            check    say what is missing and the command, change nothing (--check-only)
#   Returns 0 when everything is there (or was just installed), 1 otherwise.
#
#   veneer_libvirt <up|test> <mode>
#     after veneer_prerequisites with the libvirt kind: the user, group, qemu.conf and daemons the
#     libvirt driver needs (as root; otherwise it says what to run). Returns 0 when libvirtd answers.

# package | kind | program on the PATH (or sbin) or absolute file | why
veneer_requirements() {
  cat <<'TABLE'
qemu-utils|always|qemu-img|qemu-img: the image service inspects and converts golden images, the agents make overlays
util-linux|always|prlimit|prlimit: qemu-img runs under resource limits
openssl|always|openssl|openssl: ./veneer up makes the local stack's CA and certificates (TLS), the tests make theirs
npm|build|npm|npm: the web portal's build fetches noVNC
qemu-system-x86|qemu|qemu-system-x86_64|qemu-system-x86_64: the desktops' real guests (TCG)
busybox-static|qemu|busybox|busybox: the tiny golden image's userland
cpio|qemu|cpio|cpio: the tiny golden image's initramfs
e2fsprogs|qemu|mke2fs|mke2fs: the tiny golden image's root file system
fdisk|qemu|sfdisk|sfdisk: the tiny golden image's partition table
dosfstools|qemu|mkfs.vfat|mkfs.vfat: the tiny golden image's boot partition
mtools|qemu|mcopy|mcopy: the kernel and initrd into that partition, unmounted
syslinux|qemu|syslinux|syslinux: the tiny golden image's boot loader
syslinux-common|qemu|/usr/lib/syslinux/mbr/mbr.bin|mbr.bin: the boot code in its first sector
passt|qemu|passt|passt: the user-mode network of guests their pool lets out (and nothing of the host)
iproute2|qemu|ip|ip netns: the egress network namespace of outbound guests, and GuestNetworkTest's
bubblewrap|container|bwrap|bwrap: the container driver's desktops (namespaces over an overlay)
e2fsprogs|container|mke2fs|mke2fs: a container desktop's user-data disk
xvfb|container|Xvfb|Xvfb: the X server of container desktops (and the tiny graphical root filesystem)
x11vnc|container|x11vnc|x11vnc: serves a container desktop's display over RFB
twm|container|twm|twm: the tiny graphical root filesystem's window manager
xterm|container|xterm|xterm: the tiny graphical root filesystem's terminal
x11-xkb-utils|container|xkbcomp|xkbcomp: Xvfb compiles its keymap with it
xkb-data|container|/usr/share/X11/xkb/rules/base|the XKB data Xvfb's keymap is compiled from
busybox-static|container|busybox|busybox: the tiny graphical root filesystem's shell and commands
chromium|browser|chromium|chromium: the browser tests (headless)
chromium-driver|browser|chromedriver|chromedriver: Selenium drives Chromium through it
libvirt-daemon|libvirt|libvirtd|libvirtd, virtlogd: the libvirt driver's daemons (VENEER_DRIVER=libvirt)
libvirt-daemon-driver-qemu|libvirt|/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so|libvirt's QEMU driver: its domains are QEMU guests
libvirt-clients|libvirt|virsh|virsh: the libvirt driver's tests and operators look at domains with it
libvirt0|libvirt|/usr/lib/x86_64-linux-gnu/libvirt.so.0|libvirt.so.0: the library the agent's libvirt binding loads (JNA)
TABLE
}

veneer_found() {
  case "$1" in
    /*) [ -e "$1" ] ;;
    # Administration tools live in sbin, which a non-root PATH may lack.
    *) command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ] ;;
  esac
}

# The tiny golden image takes Debian's kernel package from the package lists (apt-get download).
veneer_lists_known() {
  command -v apt-cache >/dev/null 2>&1 \
    && apt-cache depends linux-image-amd64 2>/dev/null | grep -q 'Depends: linux-image-'
}

# Prints "package|why" for each missing requirement of the given kinds.
veneer_missing() {
  local needs=" $1 " package kind probe why
  while IFS='|' read -r package kind probe why; do
    [[ "$needs" == *" $kind "* ]] || continue
    veneer_found "$probe" || echo "$package|$why"
  done < <(veneer_requirements)
}

veneer_prerequisites() {
  local command="$1" needs="$2" mode="$3" package why packages=() lists=ok
  while IFS='|' read -r package why; do
    packages+=("$package")
  done < <(veneer_missing "$needs")
  [[ " $needs " == *" qemu "* ]] && ! veneer_lists_known && lists=stale
  if ((${#packages[@]} == 0)) && [ "$lists" = ok ]; then
    [ "$mode" = check ] && echo "veneer: everything ./veneer $command needs is installed"
    return 0
  fi

  if ((${#packages[@]})); then
    echo "veneer: ./veneer $command needs ${#packages[@]} Debian package(s) that are missing here:"
    veneer_missing "$needs" | while IFS='|' read -r package why; do printf '  %-16s %s\n' "$package" "$why"; done
  fi
  [ "$lists" = ok ] || echo "veneer: the package lists do not know Debian's kernel (linux-image-amd64), which the tiny golden image is built from: apt-get update"

  local apt="apt-get update"
  ((${#packages[@]})) && apt="$apt && apt-get install -y --no-install-recommends ${packages[*]}"
  if [ "$mode" = install ] && ((EUID == 0)) && command -v apt-get >/dev/null 2>&1; then
    local log
    log="$(mktemp)"
    echo "veneer: running $apt"
    if ! { apt-get update -qq && { ((${#packages[@]} == 0)) ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"; }; } >"$log" 2>&1; then
      echo "veneer: apt-get failed; its last lines:"
      tail -n 15 "$log" | sed 's/^/  /'
      rm -f "$log"
      return 1
    fi
    rm -f "$log"
    local still
    still="$(veneer_missing "$needs" | cut -d'|' -f1 | tr '\n' ' ')"
    if [ -n "$still" ]; then
      echo "veneer: still missing after apt-get install: $still(the packages installed, but the programs are not where ./veneer looks: the PATH, /usr/sbin, /sbin)"
      return 1
    fi
    echo "veneer: installed ${packages[*]:-nothing, the package lists are fresh}"
    return 0
  fi

  if ! command -v apt-get >/dev/null 2>&1; then
    echo "veneer: no apt-get here (not Debian or Ubuntu): install the programs named above with this system's packages, then run ./veneer $command again."
  else
    local sudo=""
    ((EUID == 0)) || sudo="sudo "
    case "$mode" in
      check) echo "veneer: --check-only: nothing installed; ./veneer $command would run:" ;;
      never) echo "veneer: VENEER_INSTALL=never: nothing installed; run this, then ./veneer $command again:" ;;
      *) echo "veneer: installing needs root; run this, then ./veneer $command again:" ;;
    esac
    local shown="${sudo}apt-get update"
    ((${#packages[@]} == 0)) || shown="$shown && ${sudo}apt-get install -y --no-install-recommends ${packages[*]}"
    echo "  $shown"
  fi
  veneer_way_around "$command" "$needs" "${packages[*]}"
  return 1
}

# The switch that needs fewer packages, when a kind that has one is missing.
veneer_way_around() {
  local command="$1" needs="$2" missing=" $3 " kinds=() package kind probe why
  while IFS='|' read -r package kind probe why; do
    [[ "$missing" == *" $package "* && ( "$kind" == qemu || "$kind" == libvirt || "$kind" == browser ) ]] || continue
    [[ " ${kinds[*]} " == *" $kind "* ]] || kinds+=("$kind")
  done < <(veneer_requirements)
  ((${#kinds[@]})) || return 0
  if [ "$command" = test ]; then
    local joined="${kinds[*]}"
    echo "  or leave those tests out (counted in the summary): ./veneer test --without ${joined// /,}"
  else
    echo "  or run without real guests (simulated desktops): VENEER_DRIVER=simulated ./veneer up"
  fi
}

# What the libvirt driver needs beyond its packages, set up here because a minimal install (no
# libvirt-daemon-system, no systemd) has none of it: libvirt runs guests as libvirt-qemu in group
# kvm (named in qemu.conf; libvirtd still looks its built-in group, libvirt-qemu, up before it reads
# qemu.conf, so that group must exist too); qemu.conf without a security driver (no AppArmor or SELinux profile here) and without
# cgroup controllers (cgroups may be v1 hybrid); virtlogd (which libvirtd hands guests' logs to)
# and libvirtd started when not running. Idempotent.
veneer_libvirt() {
  local command="$1" mode="$2" conf=/etc/libvirt/qemu.conf wanted changed=no
  wanted=$'security_driver = "none"\ncgroup_controllers = [ ]\nuser = "libvirt-qemu"\ngroup = "kvm"'
  if ((EUID != 0)) || [ "$mode" != install ]; then
    if veneer_libvirt_ready; then
      [ "$mode" = check ] && echo "veneer: libvirtd answers at qemu:///system"
      return 0
    fi
    echo "veneer: ./veneer $command needs libvirtd set up and running (libvirt-qemu user, kvm group, $conf, virtlogd, libvirtd); as root, ./veneer $command does it, or run:"
    echo "  bash -c 'source local-stack/prerequisites.sh && veneer_libvirt $command install'"
    return 1
  fi
  getent group kvm >/dev/null || groupadd --system kvm
  getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
  id -u libvirt-qemu >/dev/null 2>&1 ||
    useradd --system --gid kvm --home-dir /var/lib/libvirt --no-create-home --shell /usr/sbin/nologin libvirt-qemu
  # The daemons log and keep state there; a package install without its postinst makes none.
  mkdir -p /etc/libvirt /var/log/libvirt /var/lib/libvirt /var/cache/libvirt
  touch "$conf"
  if [ "$(grep -E '^[[:space:]]*(security_driver|cgroup_controllers|user|group)[[:space:]]*=' "$conf" | sort)" != "$(sort <<<"$wanted")" ]; then
    sed -i -E '/^[[:space:]]*(security_driver|cgroup_controllers|user|group)[[:space:]]*=/d' "$conf"
    printf '%s\n' "$wanted" >>"$conf"
    changed=yes
    echo "veneer: $conf: $(tr '\n' ';' <<<"$wanted")"
  fi
  pgrep -x virtlogd >/dev/null || virtlogd -d
  if pgrep -x libvirtd >/dev/null; then
    if [ "$changed" = yes ]; then
      echo "veneer: libvirtd already runs with the old $conf: stop it (kill \$(pgrep -x libvirtd)), then ./veneer $command again"
      return 1
    fi
  else
    libvirtd -d
  fi
  local tries=0
  until veneer_libvirt_ready; do
    if ((++tries > 50)); then
      echo "veneer: libvirtd does not answer at qemu:///system after 10 s (virsh -c qemu:///system version)"
      return 1
    fi
    sleep 0.2
  done
  echo "veneer: libvirtd answers at qemu:///system"
}

veneer_libvirt_ready() {
  virsh -c qemu:///system version >/dev/null 2>&1
}
