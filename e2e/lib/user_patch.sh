# shellcheck shell=bash
# Sourced by e2e/run: `e2e/run --patch DIR` runs a user's livepatch sources through the same machinery.
#
# DIR holds a kbuild Makefile/Kbuild and the .c files; it may hold:
#   e2e-modules   names of stock Debian modules to load (one per line; dependencies are added), e.g. binfmt_misc
#   e2e-guest.sh  a guest script to run instead of the default (busybox sh; /e2e/lib.sh helpers; the .ko files
#                 are in /mods). The default loads the stock modules, then the non-livepatch modules of DIR,
#                 then the livepatches, and prints their state.
# <klp_annotations.h> is on the include path.

e2e_user_patch() {
  local dir=$1 name out build stock=() ko targets=() lps=() lp rc m guest
  dir=$(cd "$dir" && pwd) || { e2e_die "no directory $1"; return 1; }
  name=$(basename "$dir")
  out=$E2E_WORK/user-$name
  build=$out/build
  mkdir -p "$out"
  e2e_log "building $dir"
  if ! e2e_kbuild "$dir" "$build" "$out/build.log"; then
    grep -E 'error|Error' "$out/build.log" | head -20 >&2
    e2e_die "kbuild failed (log: $out/build.log)"; return 1
  fi
  for ko in "$build"/*.ko; do
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
  done
  [ ${#converted[@]} -gt 0 ] || return 0

  # The default guest script loads in this order: stock modules, the user's targets, the livepatches.
  : >"$out/load.order"
  for m in "${stock[@]}" "${targets[@]}" "${converted[@]}"; do basename "$m" >>"$out/load.order"; done
  guest=$E2E_SRC/guest/user-default.sh
  [ -f "$dir/e2e-guest.sh" ] && guest=$dir/e2e-guest.sh
  e2e_initramfs "$out/test.cpio.gz" "$guest" "$out/load.order" "${stock[@]}" "${targets[@]}" "${converted[@]}"
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
  if [ ! -f "$dir/e2e-guest.sh" ]; then
    for ko in "${converted[@]}"; do
      lp=$(basename "$ko" .ko)
      e2e_case "livepatch $lp enabled in the guest"
      ck_grep "$E2E_LOG" "^E2E insmod-$lp.ko rc=0" "insmod"
      # kbuild names the module with "_" where the file name has "-"
      ck_grep "$E2E_LOG" "^E2E lp-${lp//-/_} enabled=1" "/sys/kernel/livepatch/${lp//-/_}/enabled"
      e2e_case_end
    done
  fi
}
