# shellcheck shell=bash
# Sourced by e2e/run. Installs the host packages and unpacks Debian's kernel image into the work dir.
#
# Why the image is only unpacked: installing linux-image-* would run initramfs/grub hooks on the host;
# the harness needs only the vmlinuz to boot and the stock .ko files to load in the guest.
#
# Sets: KVER (e.g. 6.1.0-56-amd64), KHEADERS (/usr/src/linux-headers-$KVER), KIMG (unpacked image root),
#       VMLINUZ, KMODDIR (KIMG/lib/modules/$KVER).

e2e_kver_from_apt() {
  # linux-headers-amd64 is the metapackage that follows the current ABI; its dependency names the version.
  apt-cache depends linux-headers-amd64 2>/dev/null | sed -n 's/.*Depends: linux-headers-//p' | head -1
}

e2e_setup() {
  local w=$1 need=() p
  mkdir -p "$w/debs"
  if [ -z "${KVER:-}" ]; then
    KVER=$(e2e_kver_from_apt)
    if [ -z "$KVER" ] && command -v apt-get >/dev/null; then
      apt-get update -qq && KVER=$(e2e_kver_from_apt)
    fi
  fi
  [ -n "$KVER" ] || { e2e_die "cannot tell the kernel version (apt-cache depends linux-headers-amd64 gave nothing; set KVER)"; return 1; }
  for p in "linux-headers-$KVER" qemu-system-x86 busybox-static cpio; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
  done
  if [ ${#need[@]} -gt 0 ]; then
    e2e_log "setup: apt-get install ${need[*]}"
    [ "$(id -u)" = 0 ] || { e2e_die "packages missing (${need[*]}) and not root: install them first"; return 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >"$w/apt.log" 2>&1 || {
      # A stale package list is the usual cause on a fresh machine.
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >"$w/apt.log" 2>&1
    } || { tail -5 "$w/apt.log" >&2; e2e_die "apt-get install failed (log: $w/apt.log)"; return 1; }
  fi
  KHEADERS=/usr/src/linux-headers-$KVER
  KIMG=$w/kimg-$KVER
  VMLINUZ=$KIMG/boot/vmlinuz-$KVER
  KMODDIR=$KIMG/lib/modules/$KVER
  if [ ! -f "$KIMG/.unpacked" ]; then
    local deb
    deb=$(e2e_first_file "$w/debs/linux-image-${KVER}_"*.deb)
    if [ -z "$deb" ]; then
      e2e_log "setup: apt-get download linux-image-$KVER"
      (cd "$w/debs" && apt-get download -qq "linux-image-$KVER") >"$w/download.log" 2>&1 \
        || { tail -5 "$w/download.log" >&2; e2e_die "apt-get download linux-image-$KVER failed"; return 1; }
      deb=$(e2e_first_file "$w/debs/linux-image-${KVER}_"*.deb)
      [ -n "$deb" ] || { e2e_die "apt-get download left no linux-image-${KVER}_*.deb"; return 1; }
    fi
    rm -rf "$KIMG"; mkdir -p "$KIMG"
    dpkg-deb -x "$deb" "$KIMG" || { e2e_die "dpkg-deb -x $deb failed"; return 1; }
    touch "$KIMG/.unpacked"
  fi
  [ -f "$VMLINUZ" ] || { e2e_die "no $VMLINUZ in the unpacked image"; return 1; }
  [ -d "$KHEADERS" ] || { e2e_die "no kernel headers at $KHEADERS"; return 1; }
  return 0
}
