# shellcheck shell=bash
# Sourced by e2e/run. Installs the host tools and gets each kernel's image and headers.
#
# Kernels (e2e/run --kernel):
#   6.1   Debian bookworm's kernel: linux-headers-<abi> installed with apt (the ABI linux-headers-amd64
#         points to), linux-image-<abi> only downloaded and unpacked.
#   6.12  bookworm-backports' kernel: linux-image-<abi>-unsigned, linux-headers-<abi>, linux-headers-<ver>-common
#         and linux-kbuild-<ver> are downloaded with a private apt configuration (its own source list, list
#         and cache directories, empty dpkg status: the machine's apt sources are not touched) and unpacked
#         together into one folder; nothing of 6.12 is installed.
# Why images are only unpacked: installing linux-image-* would run initramfs/grub hooks on the host; the
# harness needs only the vmlinuz to boot and the stock modules to load in the guest.
#
# Sets: KVER (e.g. 6.12.95+deb12-amd64), KHEADERS (the kbuild directory to `make -C`), KIMG (unpacked image
#       root), VMLINUZ, KMODDIR (KIMG/lib/modules/$KVER).

E2E_HOST_PACKAGES="qemu-system-x86 busybox-static cpio xz-utils zstd dwarves"
E2E_BPO_SUITE=bookworm-backports

# e2e_apt_install PACKAGE...: install what is missing (root only); waits for other apt users on shared machines.
e2e_apt_install() {
  local w=$E2E_WORK need=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
  done
  [ ${#need[@]} -gt 0 ] || return 0
  e2e_log "setup: apt-get install ${need[*]}"
  [ "$(id -u)" = 0 ] || { e2e_die "packages missing (${need[*]}) and not root: install them first"; return 1; }
  local apt=(apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends)
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" "${need[@]}" >"$w/apt.log" 2>&1 || {
    # A stale package list is the usual cause on a fresh machine.
    apt-get -o DPkg::Lock::Timeout=600 update -qq \
      && DEBIAN_FRONTEND=noninteractive "${apt[@]}" "${need[@]}" >"$w/apt.log" 2>&1
  } || { tail -5 "$w/apt.log" >&2; e2e_die "apt-get install failed (log: $w/apt.log)"; return 1; }
}

# e2e_setup_host: the tools every kernel needs (pahole: 6.12's kbuild makes module BTF; xz/zstd: compressed modules).
e2e_setup_host() {
  mkdir -p "$E2E_WORK/debs"
  # shellcheck disable=SC2086
  e2e_apt_install $E2E_HOST_PACKAGES
}

# e2e_setup_kernel LABEL: set KVER, KHEADERS, KIMG, VMLINUZ, KMODDIR for kernel LABEL (6.1 or 6.12).
e2e_setup_kernel() {
  case $1 in
    6.1) e2e_setup_bookworm ;;
    6.12) e2e_setup_backports ;;
    *) e2e_die "unknown kernel '$1' (6.1, 6.12 or all)"; return 1 ;;
  esac || return 1
  VMLINUZ=$KIMG/boot/vmlinuz-$KVER
  KMODDIR=$KIMG/lib/modules/$KVER
  [ -f "$VMLINUZ" ] || { e2e_die "no $VMLINUZ in the unpacked image"; return 1; }
  [ -f "$KHEADERS/Makefile" ] || { e2e_die "no kernel headers at $KHEADERS"; return 1; }
  return 0
}

e2e_kver_from_apt() {
  # linux-headers-amd64 is the metapackage that follows the current ABI; its dependency names the version.
  apt-cache "$@" depends linux-headers-amd64 2>/dev/null | sed -n 's/.*Depends: linux-headers-//p' | head -1
}

e2e_setup_bookworm() {
  KVER=${E2E_KVER_6_1:-$(e2e_kver_from_apt)}
  if [ -z "$KVER" ] && command -v apt-get >/dev/null; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq && KVER=$(e2e_kver_from_apt)
  fi
  [ -n "$KVER" ] \
    || { e2e_die "cannot tell the 6.1 ABI (apt-cache depends linux-headers-amd64 gave nothing; set E2E_KVER_6_1)"
         return 1; }
  case $KVER in
    6.1.*) ;;
    *) e2e_die "bookworm's linux-headers-amd64 points to $KVER, not a 6.1 kernel"; return 1 ;;
  esac
  e2e_apt_install "linux-headers-$KVER" || return 1
  KHEADERS=/usr/src/linux-headers-$KVER
  KIMG=$E2E_WORK/kimg-$KVER
  e2e_unpack "$KIMG" "linux-image-$KVER" || return 1
}

# The private apt configuration for bookworm-backports: everything under $E2E_WORK/apt-bpo.
e2e_bpo_apt() {
  local d=$E2E_WORK/apt-bpo
  printf '%s\n' -o "Dir::Etc::sourcelist=$d/sources.list" -o Dir::Etc::sourceparts=- \
    -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache" -o "Dir::State::status=$d/status"
}

e2e_setup_backports() {
  local d=$E2E_WORK/apt-bpo opts ver
  mapfile -t opts < <(e2e_bpo_apt)
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
  : >>"$d/status"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian %s main\n' \
    "$E2E_BPO_SUITE" >"$d/sources.list"
  # A list older than a day is refreshed (backports moves to new ABIs); the download is about 300 kB.
  if [ -z "$(find "$d/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ]; then
    e2e_log "setup: apt-get update ($E2E_BPO_SUITE, private lists in $d)"
    apt-get "${opts[@]}" update -qq >"$d/update.log" 2>&1 \
      || { tail -5 "$d/update.log" >&2; e2e_die "apt-get update of $E2E_BPO_SUITE failed (log: $d/update.log)"
           return 1; }
  fi
  KVER=${E2E_KVER_6_12:-$(e2e_kver_from_apt "${opts[@]}")}
  case $KVER in
    6.12.*) ;;
    "") e2e_die "$E2E_BPO_SUITE has no linux-headers-amd64 (see $d/update.log)"; return 1 ;;
    *) e2e_die "$E2E_BPO_SUITE's linux-headers-amd64 points to $KVER, not a 6.12 kernel: set E2E_KVER_6_12"; return 1 ;;
  esac
  ver=${KVER%-amd64}
  KIMG=$E2E_WORK/kimg-$KVER
  KHEADERS=$KIMG/usr/src/linux-headers-$KVER
  e2e_unpack "$KIMG" "linux-image-$KVER-unsigned" "linux-headers-$KVER" "linux-headers-$ver-common" \
    "linux-kbuild-$ver" || return 1
  # The headers' Makefile includes the common headers by absolute path (/usr/src/...): point it into the
  # unpacked tree. Their scripts/ and tools/ are relative links into linux-kbuild's folder, unpacked beside.
  sed -i "s#^include /usr/src/#include $KIMG/usr/src/#" "$KHEADERS/Makefile"
  ln -sfn "$KHEADERS" "$KIMG/lib/modules/$KVER/build"
  [ -x "$KHEADERS/scripts/mod/modpost" ] \
    || { e2e_die "$KHEADERS/scripts/mod/modpost missing: linux-kbuild-$ver did not unpack beside the headers"
         return 1; }
}

# e2e_unpack ROOT PACKAGE...: download (once, into $E2E_WORK/debs) and dpkg-deb -x every PACKAGE into ROOT.
# ROOT/.unpacked lists what was unpacked; a different list unpacks again from scratch.
e2e_unpack() {
  local root=$1 p deb debs=()
  shift
  [ "$(cat "$root/.unpacked" 2>/dev/null)" = "$*" ] && return 0
  for p in "$@"; do
    deb=$(e2e_first_file "$E2E_WORK/debs/${p}_"*.deb)
    if [ -z "$deb" ]; then
      e2e_log "setup: apt-get download $p"
      local opts=()
      case $p in *bpo*|*+deb12*) mapfile -t opts < <(e2e_bpo_apt) ;; esac
      (cd "$E2E_WORK/debs" && apt-get "${opts[@]}" download -qq "$p") >"$E2E_WORK/download.log" 2>&1 \
        || { tail -5 "$E2E_WORK/download.log" >&2; e2e_die "apt-get download $p failed"; return 1; }
      deb=$(e2e_first_file "$E2E_WORK/debs/${p}_"*.deb)
      [ -n "$deb" ] || { e2e_die "apt-get download left no ${p}_*.deb"; return 1; }
    fi
    debs+=("$deb")
  done
  rm -rf "$root"; mkdir -p "$root"
  for deb in "${debs[@]}"; do
    dpkg-deb -x "$deb" "$root" || { e2e_die "dpkg-deb -x $deb failed"; return 1; }
  done
  echo "$*" >"$root/.unpacked"
}
