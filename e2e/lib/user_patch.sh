# shellcheck shell=bash
# Sourced by e2e/run: `e2e/run --patch DIR` runs a user's livepatch sources through the same machinery.
#
# DIR holds a kbuild Makefile/Kbuild and the .c files; it may hold:
#   e2e-modules   names of stock Debian modules to load (one per line; dependencies are added), e.g. binfmt_misc
#   e2e-guest.sh  a guest script to run instead of the default (busybox sh; /e2e/lib.sh helpers; the .ko files
#                 are in /mods). The default loads the stock modules, then the non-livepatch modules of DIR,
#                 then the livepatches (--late: the livepatches first), and prints their state.
#   e2e-files/    a folder copied into the guest as /e2e/e2e-files/ (data or helper scripts for e2e-guest.sh).
# The guest's verdict counts: each `check NAME COMMAND...` of /e2e/lib.sh is a PASS/FAIL line, and a guest
# script that exits non-zero fails the run. <klp_annotations.h> is on the include path; a Kbuild that
# includes $(KLP_CONVERT_MK) builds as without it (no KLP_SYMBOLS is given; the harness converts).

# e2e_user_workdir DIR: a work dir unique to DIR's path (two folders both named "patch" do not collide).
e2e_user_workdir() {
  printf '%s/user-%s-%s\n' "$E2E_KW" "$(basename "$1")" "$(printf '%s' "$1" | sha256sum | cut -c1-10)"
}

# e2e_user_patch DIR: returns 1 only when the machinery could not run (kbuild, discovery).
e2e_user_patch() {
  local dir=$1 out build stock=() ko targets=() lps=() lp rc m guest
  dir=$(cd "$dir" && pwd) || { e2e_die "no directory $1"; return 1; }
  out=$(e2e_user_workdir "$dir")
  build=$out/build
  mkdir -p "$out"
  e2e_log "building $dir (work dir $out)"
  e2e_kbuild_copy "$dir" "$build"
  : >"$out/build.log"
  # KBUILD_MODPOST_WARN=1: a Kbuild without klp-convert.mk would stop at modpost's "undefined!" errors for
  # the non-exported symbols klp-convert resolves.
  if ! e2e_kbuild "$build" "$out/build.log" KBUILD_MODPOST_WARN=1; then
    grep -E 'error|Error' "$out/build.log" | head -20 >&2
    e2e_die "kbuild failed (log: $out/build.log)"; return 1
  fi
  for ko in $(e2e_module_list "$build"); do
    [ -f "$ko" ] || continue
    if e2e_is_livepatch "$ko"; then lps+=("$ko"); else targets+=("$ko"); fi
  done
  [ ${#lps[@]} -gt 0 ] || { e2e_die "no livepatch module (MODULE_INFO(livepatch, \"Y\")) built from $dir"; return 1; }
  if [ -f "$dir/e2e-modules" ]; then
    # shellcheck disable=SC2046
    mapfile -t stock < <(e2e_stock_with_deps $(grep -v '^#' "$dir/e2e-modules")) || return 1
  fi

  e2e_discover "$out/discovery" "${stock[@]}" "${targets[@]}" || return 1
  E2E_DB=$out/symbols.klp
  local db_modules=()
  for m in "${stock[@]}" "${targets[@]}"; do db_modules+=(--modules "$m"); done
  if ! e2e_build_db "$E2E_DB" "$out/build-db.stderr" --kallsyms "$out/discovery/kallsyms.txt" "${db_modules[@]}"; then
    e2e_case "database"; e2e_bad "$(head -5 "$out/build-db.stderr")"; e2e_case_end
    return 0
  fi

  mkdir -p "$out/converted"
  local converted=()
  for ko in "${lps[@]}"; do
    lp=$(basename "$ko" .ko)
    e2e_case "convert $lp"
    rc=0; "$KLP" "$E2E_DB" "$ko" "$out/converted/$lp.ko" 2>"$out/converted/$lp.stderr" >/dev/null || rc=$?
    if [ $rc -eq 0 ]; then converted+=("$out/converted/$lp.ko"); else
      e2e_bad "klp-convert exit $rc:" "$(cat "$out/converted/$lp.stderr")"; fi
    e2e_case_end
    # Warnings (e.g. late relocations into read-only data) belong in the run's output, not only in a file.
    if [ $rc -eq 0 ] && [ -s "$out/converted/$lp.stderr" ]; then
      echo "klp-convert said about $lp.ko:"; sed 's/^/      /' "$out/converted/$lp.stderr"
    fi
  done
  [ ${#converted[@]} -gt 0 ] || return 0

  # The default guest script loads in this order: stock modules, the user's targets, the livepatches;
  # with --late the livepatches first.
  : >"$out/load.order"
  if [ "$E2E_LATE" = 1 ]; then
    for m in "${converted[@]}" "${stock[@]}" "${targets[@]}"; do e2e_ko_base "$m" >>"$out/load.order"; done
  else
    for m in "${stock[@]}" "${targets[@]}" "${converted[@]}"; do e2e_ko_base "$m" >>"$out/load.order"; done
  fi
  guest=$E2E_SRC/guest/user-default.sh
  [ -f "$dir/e2e-guest.sh" ] && guest=$dir/e2e-guest.sh
  local extra=()
  [ -d "$dir/e2e-files" ] && extra+=("$dir/e2e-files")
  e2e_initramfs "$out/test.cpio.gz" "$guest" "$out/load.order" "${stock[@]}" "${targets[@]}" "${converted[@]}" \
    "${extra[@]}"
  E2E_LOG=$out/console.log
  e2e_log "test boot"
  rc=0; e2e_boot "$out/test.cpio.gz" "$E2E_LOG" /dev/null "e2e_token=$E2E_TOKEN" || rc=$?
  e2e_log "test boot finished (qemu status $rc)"

  echo "----- guest output (from /init on; full console: $E2E_LOG) -----"
  sed -n '/^E2E-GUEST-UP/,$p' "$E2E_LOG"
  echo "----- end of guest output -----"

  e2e_case "guest ran to the end with a clean console"
  ck_grep "$E2E_LOG" '^E2E-GUEST-DONE' "guest script finished"
  ck_nogrep "$E2E_LOG" "$E2E_CONSOLE_BAD" "console"
  e2e_case_end
  e2e_user_guest_verdict "$E2E_LOG" "$(basename "$guest")"
  if [ ! -f "$dir/e2e-guest.sh" ]; then
    for ko in "${converted[@]}"; do
      lp=$(basename "$ko" .ko)
      if [ "$E2E_LATE" = 1 ]; then e2e_case "livepatch $lp enabled in the guest (loaded before its targets)"
      else e2e_case "livepatch $lp enabled in the guest"; fi
      ck_grep "$E2E_LOG" "^E2E insmod-$lp.ko rc=0" "insmod"
      # kbuild names the module with "_" where the file name has "-"
      ck_grep "$E2E_LOG" "^E2E lp-${lp//-/_} enabled=1" "/sys/kernel/livepatch/${lp//-/_}/enabled"
      if [ "$E2E_LATE" = 1 ]; then e2e_late_patched "$ko" "${stock[@]}" "${targets[@]}"; fi
      e2e_case_end
    done
  fi
}

# e2e_user_guest_verdict LOG SCRIPT: the guest script's exit status and each of its `check` lines are cases.
e2e_user_guest_verdict() {
  local log=$1 script=$2 status line
  status=$(sed -n 's/^E2E-GUEST-EXIT //p' "$log" | head -1)
  e2e_case "guest script $script exit status"
  ck_eq "$status" 0 "exit status of $script"
  e2e_case_end
  while IFS= read -r line; do
    case $line in
      "E2E check ok "*) e2e_case "guest check: ${line#E2E check ok }"; e2e_case_end ;;
      "E2E check fail "*)
        e2e_case "guest check: ${line#E2E check fail }"; e2e_bad "failed in the guest"; e2e_case_end ;;
    esac
  done < <(grep -E '^E2E check (ok|fail) ' "$log")
}

# e2e_late_patched LIVEPATCH.ko MODULE...: with --late, the kernel must have patched each loaded MODULE
# the livepatch has klp relocations for as it loaded (its .klp.rela.<module>.* sections name them).
e2e_late_patched() {
  local ko=$1 lpname o
  shift
  lpname=$(basename "$ko" .ko); lpname=${lpname//-/_}
  for o in $(readelf -SW "$ko" | sed -n 's/.* \.klp\.rela\.\([^.]*\)\..*/\1/p' | sort -u); do
    [ "$o" != vmlinux ] || continue
    local m found=0
    for m in "$@"; do [ "$(basename "$(e2e_ko_base "$m")" .ko | tr - _)" = "$o" ] && found=1; done
    [ $found = 1 ] || continue
    ck_grep "$E2E_LOG" "livepatch: applying patch '$lpname' to loading module '$o'" "late patching of $o"
  done
}
