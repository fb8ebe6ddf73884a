# shellcheck shell=bash
# Sourced by e2e/run: the test boot and the checks of what the patched code printed in the guest.

E2E_CONSOLE_BAD='Oops|BUG[: ]|Kernel panic|Unknown symbol|general protection fault|WARNING: CPU|Call Trace'

# e2e_clears_klp_relocs: true if the kernel clears a module's klp relocations when the module is removed
# (klp_clear_object_relocs/clear_relocate_add, upstream since 6.3; absent from 6.1's headers, present in 6.12's).
e2e_clears_klp_relocs() { grep -qs 'clear_relocate_add' "$(e2e_common_headers)/include/linux/moduleloader.h"; }

# e2e_common_headers: the architecture-independent headers (Debian's linux-headers-<ver>-common, which the
# flavour's Makefile includes).
e2e_common_headers() { sed -n 's#^include \(.*\)/Makefile$#\1#p' "$KHEADERS/Makefile" | head -1; }

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
  local reload=""
  if e2e_clears_klp_relocs; then reload=e2e_reload=1; fi
  e2e_boot "$E2E_OUT/test.cpio.gz" "$E2E_LOG" /dev/null tp_printk "e2e_token=$E2E_TOKEN" $reload || rc=$?
  e2e_log "test boot finished (qemu status $rc)"
  E2E_BOOTED=1
}

# scenario_common CASE LP: the checks every scenario shares: converted, loaded, enabled, no errors about it.
scenario_common() {
  local lp=$1
  if [ ! -f "$E2E_OUT/lp/$lp.ko" ]; then
    e2e_bad "$lp.ko was not converted (case k1; make output: $E2E_OUT/convert.log):" \
      "$(grep -E "klp-convert|$lp" "$E2E_OUT/convert.log" 2>/dev/null | head -8)"
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
  addr=$(awk '$1 == "E2E" && $2 == "ksym-misc_format" && $5 == "[binfmt_misc]" { print $3; exit }' "$log")
  if scenario_common lp_s4_binfmt; then
    ck_grep "$log" "livepatch: applying patch 'lp_s4_binfmt' to loading module 'binfmt_misc'" "late patching message"
    ck_grep "$log" "^E2E s4-late s4 patched enabled=1 &misc_format=${addr:-NO-KALLSYMS-ENTRY} load=load_misc_binary " \
      "status read through the patch"
    ck_grep "$log" "^E2E s4-late-off s4 patched enabled=0 " "the patch sees binfmt_misc's enabled state change"
  fi
  e2e_case_end
  e2e_case "s4b: binfmt_misc static function + static data, patch loaded after the module"
  if scenario_common lp_s4_binfmt; then
    ck_grep "$log" '^E2E s4-unpatched enabled$' "original bm_status_read back after disabling the patch"
    ck_grep "$log" "^E2E s4-early s4 patched enabled=1 &misc_format=${addr:-NO-KALLSYMS-ENTRY} load=load_misc_binary " \
      "status read through the re-loaded patch"
  fi
  e2e_case_end

  if e2e_clears_klp_relocs; then
    e2e_case "s4c: binfmt_misc unloaded and loaded again under the enabled patch" \
"(klp relocations cleared, applied again)"
    local addr2
    addr2=$(sed -n '/^E2E step s4-reload-ksym/,$p' "$log" \
      | awk '$1 == "E2E" && $2 == "ksym-misc_format" && $5 == "[binfmt_misc]" { print $3; exit }')
    if scenario_common lp_s4_binfmt; then
      ck_grep "$log" '^E2E rmmod-binfmt_misc rc=0' "rmmod binfmt_misc under the patch"
      ck_grep "$log" "livepatch: reverting patch 'lp_s4_binfmt' on unloading module 'binfmt_misc'" \
        "kernel reverts on unload"
      [ "$(grep -c "livepatch: applying patch 'lp_s4_binfmt' to loading module 'binfmt_misc'" "$log")" -ge 2 ] \
        || e2e_bad "no second 'applying patch ... to loading module binfmt_misc' (the reload)"
      [ "$(grep -c '^E2E insmod-binfmt_misc.ko rc=0' "$log")" -ge 2 ] || e2e_bad "insmod binfmt_misc again failed"
      ck_nogrep "$log" 'invalid relocation target|refusing to load' "relocations not cleared on unload"
      [ -z "$addr2" ] || [ "$addr2" != "$addr" ] \
        || e2e_bad "binfmt_misc came back at the same address $addr (test premise)"
      ck_grep "$log" \
        "^E2E s4-reload s4 patched enabled=1 &misc_format=${addr2:-NO-KALLSYMS-ENTRY} load=load_misc_binary " \
        "status read through the patch after the reload, &misc_format = the reloaded module's"
    fi
    e2e_case_end
  else
    e2e_skip "s4c: binfmt_misc unloaded and loaded again under the enabled patch" \
      "Linux $KVER does not clear a module's klp relocations on removal (no clear_relocate_add before 6.3):" \
"the reload fails in the kernel whatever the converter wrote"
  fi

  e2e_case "s5: data relocations (.data function pointer, .rodata pointer) to non-exported vmlinux symbols"
  if scenario_common lp_s5_data; then
    for want in .rela.data .rela.rodata; do
      readelf -SW "$E2E_OUT/unconverted/lp_s5_data.ko" | grep " $(e2e_ere "$want") " >/dev/null \
        || e2e_bad "build has no $want section (test premise)"
    done
    ck_grep "$log" "^E2E s5 s5 rodata pointer gives cmdline=.*$token_ere" "/proc/loadavg: pointer in .rodata"
    ck_grep "$log" "^E2E s5 nodev[[:space:]]+sysfs" "/proc/loadavg: function pointer in .data (filesystems_proc_show)"
  fi
  e2e_case_end

  e2e_case "s6: vmlinux static key through static_branch_unlikely (__jump_table klp relocation)"
  if scenario_common lp_s6_key; then
    readelf -SW "$E2E_OUT/lp/lp_s6_key.ko" | grep '\.klp\.rela\.vmlinux\.*__jump_table' >/dev/null \
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

  e2e_s8_checks
}

# e2e_s8_checks: scenario 8, module data relocations of every storage class, written late (and, where the
# kernel clears klp relocations, again after the module is reloaded).
S8_VALUES='small=1111 const_small=2222 large=3333,4444,5555,6666 const_large=7777,8888,9999,aaaa'
S8_VALUES+=' read_mostly=bbbb ro_after_init=cccc local_small=1111 local_const_large3=aaaa'
e2e_s8_checks() {
  local log=$E2E_LOG addr sec secs
  e2e_case "s8: data relocations to a module's static data (.data, .rodata, __read_mostly, __ro_after_init," \
"arrays, local statics), written late"
  addr=$(sed -n '/^E2E step s8$/,$p' "$log" \
    | awk '$1 == "E2E" && $2 == "ksym-s8_small" && $5 == "[klp_e2e_target]" { print $3; exit }')
  if scenario_common lp_s8_moddata; then
    secs=$(readelf -SW "$E2E_OUT/lp/lp_s8_moddata.ko" \
      | sed -n 's/.* \.klp\.rela\.klp_e2e_target\.\([^ ]*\) .*/\1/p' | tr '\n' ' ')
    for sec in .data .rodata .data..read_mostly .data..ro_after_init; do
      case " $secs " in
        *" $sec "*) ;;
        *) e2e_bad "no .klp.rela.klp_e2e_target.$sec section (test premise; have: $secs)" ;;
      esac
    done
    ck_grep "$log" '^E2E rmmod-klp_e2e_target rc=0' "klp_e2e_target removed before the patch loads"
    ck_grep "$log" "livepatch: applying patch 'lp_s8_moddata' to loading module 'klp_e2e_target'" \
      "late patching message"
    ck_grep "$log" "^E2E s8 s8 $S8_VALUES &s8_small=${addr:-NO-KALLSYMS-ENTRY}\$" \
      "every value read through the patch's pointers"
    ck_nogrep "$log" 'invalid relocation target|refusing to load' "kernel refused a relocation"
  fi
  e2e_case_end
  if e2e_clears_klp_relocs; then
    e2e_case "s8c: klp_e2e_target removed and loaded again under lp_s8_moddata (relocations cleared, written again)"
    addr=$(sed -n '/^E2E step s8-reload-ksym/,$p' "$log" \
      | awk '$1 == "E2E" && $2 == "ksym-s8_small" && $5 == "[klp_e2e_target]" { print $3; exit }')
    if scenario_common lp_s8_moddata; then
      [ "$(grep -c "livepatch: applying patch 'lp_s8_moddata' to loading module 'klp_e2e_target'" "$log")" -ge 2 ] \
        || e2e_bad "no second 'applying patch lp_s8_moddata to loading module klp_e2e_target' (the reload)"
      ck_grep "$log" "^E2E s8-reload s8 $S8_VALUES &s8_small=${addr:-NO-KALLSYMS-ENTRY}\$" \
        "every value after the reload"
    fi
    e2e_case_end
  else
    e2e_skip "s8c: klp_e2e_target removed and loaded again under lp_s8_moddata" \
      "Linux $KVER does not clear a module's klp relocations on removal (see s4c)"
  fi
}
