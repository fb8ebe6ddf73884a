#!/usr/bin/env bash
# Installs the .deb into a fresh Debian bookworm (debootstrap --variant=minbase, no Swift, no compilers) and
# runs it there: apt must resolve every dependency from Debian's archive alone. Downloads about 50 MB from
# deb.debian.org, so CI does not run it; run it by hand (as root) before a release:
#   packaging/check-fresh-bookworm.sh packaging/out/klp-convert_<version>_<arch>.deb
set -euo pipefail
deb=$(realpath "${1:?usage: $0 <klp-convert .deb>}")
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" = 0 ] || { echo "check-fresh-bookworm: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "check-fresh-bookworm: apt-get install debootstrap" >&2; exit 1; }
root=$(mktemp -d /tmp/klp-fresh-bookworm.XXXXXX)
cleanup() { umount "$root/proc" 2>/dev/null || true; rm -rf "$root"; }
trap cleanup EXIT
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -20 "$root.log"; exit 1; }
rm -f "$root.log"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/klp-convert.deb"
chroot "$root" sh -eu -c '
    if [ -e /opt/swift ] || ls /usr/lib/x86_64-linux-gnu/libswift* >/dev/null 2>&1; then
        echo "not a machine without Swift" >&2; exit 1
    fi
    apt-get install -y -qq /tmp/klp-convert.deb >/dev/null
    klp-convert --version
    klp-convert build-db -o /tmp/running.klp --running 2>/dev/null
    grep -qx "\*vmlinux" /tmp/running.klp
    man -w klp-convert >/dev/null 2>&1 || test -f /usr/share/man/man1/klp-convert.1.gz
    dpkg -r klp-convert >/dev/null
    ! test -e /usr/bin/klp-convert
'
echo "ok: installed, ran (--version, build-db --running) and removed in a fresh bookworm without Swift"
