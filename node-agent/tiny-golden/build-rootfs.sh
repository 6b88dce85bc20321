#!/usr/bin/env bash
# Builds the tiny graphical root filesystem of container desktops (issue #18), from the Debian
# packages installed on this machine, without downloading anything:
#   rootfs.tar   the files of xvfb, x11vnc, twm, xterm, xkbcomp and the XKB data (no docs, no man
#                pages), every shared library their programs load (the ldd closure), busybox as
#                /bin/sh and the usual commands, and an /etc with a desktop user (uid 1000).
# Debian's /bin, /sbin, /lib and /lib64 are links into /usr, as on the host; every other path is
# stored under its real directory, so that no entry passes through a link (rootfs-archive refuses
# those). No device nodes, no setuid bits: the container driver mounts its own /dev.
# Usage: build-rootfs.sh [output-dir]   (default ~/.cache/veneer/tiny-golden; reused when up to date)
set -euo pipefail

out="${1:-${VENEER_TINY_GOLDEN_DIR:-$HOME/.cache/veneer/tiny-golden}}"
recipe_version=2
packages="xvfb x11vnc twm xterm x11-xkb-utils xkb-data busybox-static"
stamp="recipe=$recipe_version $(dpkg-query -W -f '${Package}=${Version} ' $packages 2>/dev/null || true)"

if [ -f "$out/rootfs.stamp" ] && [ "$(cat "$out/rootfs.stamp")" = "$stamp" ] && [ -f "$out/rootfs.tar" ]; then
  echo "tiny-golden: rootfs up to date in $out"
  exit 0
fi
for package in $packages; do
  dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q 'ok installed' \
    || { echo "tiny-golden: $package is missing (apt-get install $packages)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stage="$work/root"
mkdir -p "$stage"
for top in bin sbin lib lib64; do
  [ -L "/$top" ] && ln -s "$(readlink "/$top")" "$stage/$top"
done

# Copies a host path into the stage under its real directory; a link is copied as a link, and
# what it points to as well.
add() {
  local path="$1" real
  real="$(realpath "$(dirname "$path")")/$(basename "$path")"
  [ -e "$stage$real" ] || [ -L "$stage$real" ] && return 0
  mkdir -p "$stage$(dirname "$real")"
  if [ -L "$real" ]; then
    cp -P "$real" "$stage$real"
    local target
    target="$(readlink "$real")"
    case "$target" in
      /*) add "$target" ;;
      *) add "$(dirname "$real")/$target" ;;
    esac
  elif [ -f "$real" ]; then
    cp -p "$real" "$stage$real"
    chmod ug-s "$stage$real"
  fi
}

dpkg -L $packages | grep -Ev '^/usr/share/(doc|man|lintian|bug|menu|applications|icons|pixmaps)/' \
  | while read -r path; do [ -d "$path" ] && [ ! -L "$path" ] || add "$path"; done
# The closure of the libraries their programs load, the loader included.
find "$stage/usr" -type f -perm -u+x | while read -r program; do
  ldd "${program#"$stage"}" 2>/dev/null | grep -o '/[^ ]*' || true
done | sort -u | while read -r library; do add "$library"; done

for applet in sh ls cat cp mv rm mkdir rmdir ln echo sleep ps kill id env grep sed head tail \
    touch vi less clear du df wc sort uname hostname date find chmod ip ping nc; do
  [ -e "$stage/usr/bin/$applet" ] || ln -s busybox "$stage/usr/bin/$applet"
done
mkdir -p "$stage"/{etc,tmp,proc,dev,run,home/user,root,var/tmp}
chmod 1777 "$stage/tmp" "$stage/var/tmp"
cat > "$stage/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:Desktop user:/home/user:/bin/sh
PASSWD
cat > "$stage/etc/group" <<'GROUP'
root:x:0:
user:x:1000:
GROUP
# twm's own menu file is made by update-menus, not shipped: a plain one, with a terminal on click.
cat > "$stage/etc/X11/twm/system.twmrc" <<'TWMRC'
NoGrabServer
RandomPlacement
Button1 = : root : f.menu "main"
Menu "main"
{
  "Veneer"   f.title
  "Terminal" f.exec "xterm &"
  "Refresh"  f.refresh
}
TWMRC
echo "veneer tiny graphical root filesystem ($stamp)" > "$stage/etc/veneer-release"

# Sorted, numeric owners and fixed times: the same packages give the same archive (and digest).
tar -C "$stage" --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 \
  -cf "$work/rootfs.tar" $(cd "$stage" && ls -A)
mkdir -p "$out"
cp "$work/rootfs.tar" "$out/.rootfs.tar.$$.new"
chmod 0444 "$out/.rootfs.tar.$$.new"
mv -f "$out/.rootfs.tar.$$.new" "$out/rootfs.tar"
echo "$stamp" > "$out/rootfs.stamp"
echo "tiny-golden: rootfs built in $out ($(du -h "$out/rootfs.tar" | cut -f1))"
