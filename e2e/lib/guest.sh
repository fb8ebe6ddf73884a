# shellcheck shell=bash
# Sourced by e2e/run: builds a busybox initramfs and boots it under qemu (TCG).
#
# Guest layout: /init (e2e/guest/init) mounts proc/sys/dev, runs /e2e/main.sh, powers off.
# /mods holds the .ko files, /e2e the guest scripts. The guest's /dev/ttyS1 is the host file given as
# dump file (used for the /proc/kallsyms dump, which is too large for the console log).

# e2e_initramfs OUT.cpio.gz MAIN_SCRIPT [FILE...]
# FILE: .ko -> /mods; .ko.xz/.ko.zst/.ko.gz -> /mods, decompressed (busybox insmod reads plain modules);
# a directory -> /e2e/<its name>/ (a --patch folder's e2e-files); anything else -> /e2e.
e2e_initramfs() {
  local out=$1 main=$2 root f a
  shift 2
  root=$(mktemp -d "${E2E_WORK:-/tmp}/initramfs.XXXXXX")
  mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,mods,e2e}
  cp /bin/busybox "$root/bin/busybox"
  for a in $("$root/bin/busybox" --list); do
    [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
  done
  cp "$E2E_SRC/guest/init" "$root/init"
  cp "$E2E_SRC/guest/lib.sh" "$root/e2e/lib.sh"
  cp "$main" "$root/e2e/main.sh"
  for f in "$@"; do
    case $f in
      *.ko) cp "$f" "$root/mods/" ;;
      *.ko.xz|*.ko.zst|*.ko.gz) e2e_decompress "$f" >"$root/mods/$(e2e_ko_base "$f")" || return 1 ;;
      *) if [ -d "$f" ]; then cp -r "$f" "$root/e2e/"; else cp "$f" "$root/e2e/"; fi ;;
    esac
  done
  chmod +x "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
  rm -rf "$root"
}

# e2e_boot INITRAMFS CONSOLE_LOG DUMP_FILE [extra kernel command line...]
# Returns qemu's status (124 on timeout). KVM is not used: on these VMs /dev/kvm opens but nested KVM hangs.
e2e_boot() {
  local initrd=$1 log=$2 dump=$3 rc=0
  shift 3
  timeout "${E2E_BOOT_TIMEOUT:-150}" qemu-system-x86_64 -machine q35,accel=tcg -cpu qemu64 -m "${E2E_MEM:-512M}" -smp 1 \
    -nographic -no-reboot -nic none -monitor none \
    -kernel "$VMLINUZ" -initrd "$initrd" \
    -serial stdio -serial file:"$dump" \
    -append "console=ttyS0 panic=-1 loglevel=7 nokaslr $*" </dev/null >"$log" 2>&1 || rc=$?
  # The console is a serial line: drop the carriage returns so checks can anchor on line ends.
  sed -i 's/\r$//' "$log"
  return $rc
}
