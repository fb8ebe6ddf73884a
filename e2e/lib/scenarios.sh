# shellcheck shell=bash
# Sourced by e2e/run: the database cases, the conversion of the scenario livepatches, the test boot and the
# checks of what the patched code printed in the guest.

E2E_LIVEPATCHES="lp_s1_var lp_s2_func lp_s3_homonym lp_s4_binfmt lp_s5_data lp_s6_key lp_s7_modhomonym"
E2E_CONSOLE_BAD='Oops|BUG[: ]|Kernel panic|Unknown symbol|general protection fault|WARNING: CPU|Call Trace'

# e2e_database_cases: symbols.klp (the one every conversion uses) from the guest's kallsyms for vmlinux and
# from the module files for the modules involved; their blocks must list what the kernel itself listed.
e2e_database_cases() {
  local err=$E2E_OUT/build-db.stderr n_guest n_db o diffout
  e2e_case "d1: klp-convert build-db makes symbols.klp from the guest's /proc/kallsyms and the module files"
  if e2e_build_db "$E2E_DB" "$err" --kallsyms "$E2E_DISC/kallsyms.txt" \
       --modules "$E2E_STOCK_BINFMT" --modules "$E2E_BUILD/klp_e2e_target.ko"; then
    # Positions are counted in the database's line order, so it must say it follows kallsyms order.
    head -1 "$E2E_DB" | grep -q 'order=kallsyms' || e2e_bad "header '$(head -1 "$E2E_DB")' lacks order=kallsyms"
    for o in vmlinux binfmt_misc klp_e2e_target; do
      n_db=$(grep -cx "\*$o" "$E2E_DB" || true)
      [ "$n_db" = 1 ] || e2e_bad "$n_db *$o blocks in symbols.klp, want 1"
    done
    n_guest=$(awk '$3 == "init_once" && NF == 3' "$E2E_DISC/kallsyms.txt" | wc -l)
    n_db=$(e2e_db_block "$E2E_DB" vmlinux | grep -cx init_once || true)
    ck_eq "$n_db" "$n_guest" "copies of init_once in the vmlinux block vs guest kallsyms"
    for o in binfmt_misc klp_e2e_target; do
      # The kernel's view: the module's lines of /proc/kallsyms, in order, without 'u'ndefined entries.
      awk -v m="[$o]" '$4 == m && $2 != "u" { print $3 }' "$E2E_DISC/kallsyms.txt" >"$E2E_OUT/guest-$o.syms"
      e2e_db_block "$E2E_DB" "$o" >"$E2E_OUT/db-$o.syms"
      if ! diffout=$(diff "$E2E_OUT/guest-$o.syms" "$E2E_OUT/db-$o.syms"); then
        e2e_bad "*$o block differs from the guest's kallsyms (< guest, > symbols.klp):" \
          "$(printf '%s\n' "$diffout" | head -6)"
      fi
    done
  else
    e2e_bad "$(head -5 "$err")"
    rm -f "$E2E_DB"
  fi
  e2e_case_end

  e2e_case "d2: klp-convert build-db leaves livepatch modules out"
  if e2e_build_db "$E2E_OUT/lp-left-out.klp" "$E2E_OUT/build-db-lp.stderr" \
       --modules "$E2E_BUILD/klp_e2e_target.ko" --modules "$E2E_BUILD/lp_s1_var.ko"; then
    grep -qx '\*klp_e2e_target' "$E2E_OUT/lp-left-out.klp" || e2e_bad "no *klp_e2e_target block"
    if grep -qx '\*lp_s1_var' "$E2E_OUT/lp-left-out.klp"; then e2e_bad "livepatch module lp_s1_var was not left out"; fi
  else
    e2e_bad "$(head -5 "$E2E_OUT/build-db-lp.stderr")"
  fi
  e2e_case_end
}

# e2e_convert_scenarios: klp-convert every scenario livepatch into $E2E_OUT/lp (stderr kept next to it).
e2e_convert_scenarios() {
  local lp rc
  mkdir -p "$E2E_OUT/lp"
  for lp in $E2E_LIVEPATCHES; do
    rm -f "$E2E_OUT/lp/$lp.ko"
    [ -s "$E2E_DB" ] || { echo "no symbols.klp: klp-convert build-db failed (case d1)" >"$E2E_OUT/lp/$lp.stderr"; continue; }
    rc=0
    "$KLP" "$E2E_DB" "$E2E_BUILD/$lp.ko" "$E2E_OUT/lp/$lp.ko" >/dev/null 2>"$E2E_OUT/lp/$lp.stderr" || rc=$?
    if [ $rc -ne 0 ]; then
      echo "(klp-convert exit status $rc)" >>"$E2E_OUT/lp/$lp.stderr"
      rm -f "$E2E_OUT/lp/$lp.ko"
    fi
  done
}

# e2e_test_boot: one boot that runs guest/scenarios.sh with every converted livepatch.
e2e_test_boot() {
  local files=() lp rc=0
  for lp in $E2E_LIVEPATCHES; do
    [ -f "$E2E_OUT/lp/$lp.ko" ] && files+=("$E2E_OUT/lp/$lp.ko")
  done
  E2E_BOOTED=0
  if [ ${#files[@]} -eq 0 ]; then
    e2e_log "test boot skipped: no scenario livepatch was converted"
    return 0
  fi
  files+=("$E2E_STOCK_BINFMT" "$E2E_BUILD/klp_e2e_target.ko")
  e2e_initramfs "$E2E_OUT/test.cpio.gz" "$E2E_SRC/guest/scenarios.sh" "${files[@]}"
  e2e_log "test boot (${#files[@]} modules)"
  # tp_printk turns tracepoint_printk_key on at boot (scenario 6 flips it); the token proves which
  # command line the patched code read.
  e2e_boot "$E2E_OUT/test.cpio.gz" "$E2E_LOG" /dev/null tp_printk "e2e_token=$E2E_TOKEN" || rc=$?
  e2e_log "test boot finished (qemu status $rc)"
  E2E_BOOTED=1
}

# scenario_common CASE LP: the checks every scenario shares: converted, loaded, enabled, no errors about it.
scenario_common() {
  local lp=$1
  if [ ! -f "$E2E_OUT/lp/$lp.ko" ]; then
    e2e_bad "klp-convert failed on $lp.ko:" "$(head -8 "$E2E_OUT/lp/$lp.stderr" 2>/dev/null)"
    return 1
  fi
  ck_grep "$E2E_LOG" "^E2E insmod-$lp.ko rc=0" "insmod $lp"
  ck_grep "$E2E_LOG" "^E2E lp-$lp enabled=1" "/sys/kernel/livepatch/$lp/enabled"
  # (unsigned modules taint the kernel with "module verification failed": expected, not an error)
  ck_nogrep "$E2E_LOG" "$lp.*(Unknown symbol|not found|invalid|refusing|failed)" "kernel errors about $lp" \
    'module verification failed: signature'
  return 0
}

e2e_scenario_checks() {
  local log=$E2E_LOG got want addr kver_ere token_ere
  kver_ere=$(e2e_ere "$KVER"); token_ere=$(e2e_ere "e2e_token=$E2E_TOKEN")

  e2e_case "boot: the test guest ran to the end with a clean console"
  [ "$E2E_BOOTED" = 1 ] || e2e_bad "no test boot: no scenario livepatch was converted"
  ck_grep "$log" '^E2E-GUEST-DONE' "guest script finished"
  ck_nogrep "$log" "$E2E_CONSOLE_BAD" "console"
  e2e_case_end

  e2e_case "s1: non-exported vmlinux variable (saved_command_line), resolved automatically"
  if scenario_common lp_s1_var; then
    ck_grep "$log" "^E2E s1 s1 saved_command_line=.*$token_ere" "/proc/cmdline from the patched cmdline_proc_show"
  fi
  e2e_case_end

  e2e_case "s2: unique static vmlinux function (version_proc_show) called from the patch"
  if scenario_common lp_s2_func; then
    ck_grep "$log" "^E2E s2 s2 version_proc_show says: Linux version $kver_ere " "/proc/execdomains"
  fi
  e2e_case_end

  e2e_case "s3: homonymous vmlinux functions by KLP_SYMPOS (init_once,2 and s_start,4) match the guest's kallsyms"
  if scenario_common lp_s3_homonym; then
    got=$(sed -n 's/^E2E s3 s3 init_once,2=\([0-9a-f]*\) .*/\1/p' "$log" | head -1)
    ck_eq "$got" "$(e2e_nth_value "$log" ksym-init_once 2)" "init_once,2 seen by the patch vs 2nd init_once in kallsyms"
    got=$(sed -n 's/^E2E s3 .* s_start,4=\([0-9a-f]*\)$/\1/p' "$log" | head -1)
    ck_eq "$got" "$(e2e_nth_value "$log" ksym-s_start 4)" "s_start,4 seen by the patch vs 4th s_start in kallsyms"
  fi
  e2e_case_end

  e2e_case "s4a: binfmt_misc static function + static data, patch loaded before the module (late module patching)"
  addr=$(awk '$1 == "E2E" && $2 == "ksym-enabled" && $5 == "[binfmt_misc]" { print $3; exit }' "$log")
  if scenario_common lp_s4_binfmt; then
    ck_grep "$log" "livepatch: applying patch 'lp_s4_binfmt' to loading module 'binfmt_misc'" "late patching message"
    ck_grep "$log" "^E2E s4-late s4 patched enabled=1 &enabled=${addr:-NO-KALLSYMS-ENTRY} " "status read through the patch"
    ck_grep "$log" "^E2E s4-late-off s4 patched enabled=0 " "the patch sees binfmt_misc's enabled change"
  fi
  e2e_case_end
  e2e_case "s4b: binfmt_misc static function + static data, patch loaded after the module"
  if scenario_common lp_s4_binfmt; then
    ck_grep "$log" '^E2E s4-unpatched enabled$' "original bm_status_read back after disabling the patch"
    ck_grep "$log" "^E2E s4-early s4 patched enabled=1 &enabled=${addr:-NO-KALLSYMS-ENTRY} " "status read through the re-loaded patch"
  fi
  e2e_case_end

  e2e_case "s5: data relocations (.data function pointer, .rodata pointer) to non-exported vmlinux symbols"
  if scenario_common lp_s5_data; then
    for want in .rela.data .rela.rodata; do
      readelf -SW "$E2E_BUILD/lp_s5_data.ko" | grep -q " $(e2e_ere "$want") " || e2e_bad "build has no $want section (test premise)"
    done
    ck_grep "$log" "^E2E s5 s5 rodata pointer gives cmdline=.*$token_ere" "/proc/loadavg: pointer in .rodata"
    ck_grep "$log" "^E2E s5 nodev[[:space:]]+sysfs" "/proc/loadavg: function pointer in .data (filesystems_proc_show)"
  fi
  e2e_case_end

  e2e_case "s6: vmlinux static key through static_branch_unlikely (__jump_table klp relocation)"
  if scenario_common lp_s6_key; then
    readelf -SW "$E2E_OUT/lp/lp_s6_key.ko" | grep -q '\.klp\.rela\.vmlinux\.*__jump_table' \
      || e2e_bad "converted module has no .klp.rela.vmlinux.*__jump_table section"
    ck_grep "$log" '^E2E s6-on s6 branch=true key=1$' "key on at boot (tp_printk)"
    ck_grep "$log" '^E2E s6-sysctl 0$' "tracepoint_printk switched off"
    ck_grep "$log" '^E2E s6-off s6 branch=false key=0$' "branch follows the key off"
    ck_grep "$log" '^E2E s6-on-again s6 branch=true key=1$' "branch follows the key on again"
  fi
  e2e_case_end

  e2e_case "s7: homonym inside one module (klp_e2e_target, two .c files) by KLP_MODULE_RELOC(klp_e2e_target)"
  if scenario_common lp_s7_modhomonym; then
    ck_grep "$log" '^E2E s7-orig original A=homonym string A B=homonym string B$' "target module before the patch"
    ck_grep "$log" '^E2E s7 s7 homonym_string,2=homonym string B get_homonym_string,2\(\)=homonym string B ' "patched describe"
    got=$(sed -n 's/^E2E s7 s7 .*&homonym_string=\([0-9a-f]*\)$/\1/p' "$log" | head -1)
    want=$(awk '$1 == "E2E" && $2 == "ksym-homonym_string" && $5 == "[klp_e2e_target]" { if (++k == 2) { print $3; exit } }' "$log")
    ck_eq "$got" "$want" "&homonym_string seen by the patch vs 2nd homonym_string of klp_e2e_target in kallsyms"
  fi
  e2e_case_end
}
