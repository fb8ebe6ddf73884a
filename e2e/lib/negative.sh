# shellcheck shell=bash
# Sourced by e2e/run: cases checked without booting. klp-convert must refuse bad annotations before any
# kernel sees them, and `klp-convert check` must reject modules the kernel would load and crash on later.

# neg_refused CASE MODULE ERE...: converting MODULE must fail, write no output, and say every ERE on stderr.
neg_refused() {
  local name=$1 mod=$2 out err rc=0 ere
  shift 2
  out=$E2E_OUT/neg/$mod.ko; err=$E2E_OUT/neg/$mod.stderr
  mkdir -p "$E2E_OUT/neg"; rm -f "$out"
  e2e_case "$name"
  if [ ! -f "$E2E_OUT/unconverted/$mod.ko" ]; then
    e2e_bad "$mod.ko was not built (see $E2E_OUT/modules.log)"
  elif [ ! -s "$E2E_DB" ]; then
    e2e_bad "no symbols.klp (klp-convert build-db failed, see above)"
  else
    "$KLP" "$E2E_DB" "$E2E_OUT/unconverted/$mod.ko" "$out" 2>"$err" >/dev/null || rc=$?
    [ $rc -ne 0 ] || e2e_bad "klp-convert accepted $mod.ko (exit 0)"
    [ ! -e "$out" ] || e2e_bad "klp-convert left an output file $out"
    ck_grep "$err" '^klp-convert: ' "stderr prefix"
    for ere in "$@"; do ck_grep "$err" "$ere" "message"; done
    [ ${#E2E_CASE_ERRS[@]} -eq 0 ] || e2e_bad "stderr was:" "$(head -12 "$err")"
  fi
  e2e_case_end
}

# check_rejects CASE MODULE.ko ERE: `klp-convert check` must fail on MODULE.ko with a message matching ERE.
check_rejects() {
  local name=$1 ko=$2 ere=$3 err=$2.check-stderr rc=0
  e2e_case "$name"
  if [ ! -f "$ko" ]; then
    e2e_bad "no input module $ko"
  else
    local symbols=()
    [ ! -s "$E2E_DB" ] || symbols=(--symbols "$E2E_DB")
    "$KLP" check "${symbols[@]}" "$ko" >"$err.out" 2>"$err" || rc=$?
    [ $rc -ne 0 ] || e2e_bad "klp-convert check accepted the broken module (exit 0)"
    cat "$err.out" >>"$err"
    ck_grep "$err" "$ere" "message"
    [ ${#E2E_CASE_ERRS[@]} -eq 0 ] || e2e_bad "output was:" "$(head -5 "$err")"
  fi
  e2e_case_end
}

# e2e_negative_cases: all cases that need no boot (converted scenario modules are in $E2E_OUT/lp, kbuild's
# unconverted modules in $E2E_OUT/unconverted).
e2e_negative_cases() {
  local lp ko rc broken=$E2E_OUT/broken
  mkdir -p "$broken"

  neg_refused "n1: ambiguous vmlinux symbol without annotation is refused with the candidate listing" \
    neg_ambiguous 'Define KLP_SYMPOS for the symbol: init_once' 'KLP_MODULE_RELOC\(vmlinux\)' \
    'KLP_SYMPOS\(init_once, ?1\)' 'KLP_SYMPOS\(init_once, ?2\)'
  neg_refused "n2: homonym inside one module without annotation is refused with that module's candidates" \
    neg_mod_ambiguous 'Define KLP_SYMPOS for the symbol: homonym_string' \
    'KLP_MODULE_RELOC\(klp_e2e_target\)' 'KLP_SYMPOS\(homonym_string, ?2\)'
  neg_refused "n3: KLP_SYMPOS position beyond the number of copies is refused" \
    neg_pos_beyond 'Provided KLP_SYMPOS' 'init_once'
  neg_refused "n4: KLP_SYMPOS position 0 for a homonym is refused" \
    neg_pos_zero 'Provided KLP_SYMPOS' 'init_once'
  neg_refused "n5: KLP_SYMPOS for the wrong object is refused" \
    neg_wrong_object 'init_once' 'binfmt_misc'

  # Positive control: check accepts what klp-convert wrote, so the rejections below mean something.
  e2e_case "c0: klp-convert check accepts every converted scenario livepatch"
  for lp in $E2E_LIVEPATCHES; do
    ko=$E2E_OUT/lp/$lp.ko
    if [ ! -f "$ko" ]; then e2e_bad "$lp.ko was not converted"; continue; fi
    rc=0; "$KLP" check --symbols "$E2E_DB" "$ko" >"$ko.check-out" 2>"$ko.check-stderr" || rc=$?
    [ $rc -eq 0 ] || e2e_bad "check rejected $lp.ko (exit $rc):" "$(head -5 "$ko.check-stderr")"
  done
  e2e_case_end

  if /usr/bin/python3 "$E2E_SRC/tools/elf_break.py" clear-livepatch-flag \
       "$E2E_OUT/lp/lp_s1_var.ko" "$broken/no_flag.ko" >"$broken/no_flag.log" 2>&1; then
    check_rejects "c1: check rejects a .klp.rela section without SHF_RELA_LIVEPATCH" "$broken/no_flag.ko" \
      'SHF_RELA_LIVEPATCH'
  else
    e2e_case "c1: check rejects a .klp.rela section without SHF_RELA_LIVEPATCH"
    e2e_bad "could not make the broken module:" "$(cat "$broken/no_flag.log")"; e2e_case_end
  fi
  if /usr/bin/python3 "$E2E_SRC/tools/elf_break.py" vmlinux-sym-in-module-section \
       "$E2E_OUT/lp/lp_s4_binfmt.ko" "$broken/vmlinux_in_module_sec.ko" >"$broken/vmlinux_in_module_sec.log" 2>&1; then
    check_rejects "c2: check rejects a vmlinux symbol in a module-specific .klp.rela section" \
      "$broken/vmlinux_in_module_sec.ko" 'vmlinux.*binfmt_misc|binfmt_misc.*vmlinux'
  else
    e2e_case "c2: check rejects a vmlinux symbol in a module-specific .klp.rela section"
    e2e_bad "could not make the broken module:" "$(cat "$broken/vmlinux_in_module_sec.log")"; e2e_case_end
  fi
  # The unconverted build output still has undefined non-exported symbols: the kernel would refuse it.
  cp "$E2E_OUT/unconverted/lp_s1_var.ko" "$broken/unconverted.ko" 2>/dev/null || true
  check_rejects "c3: check rejects an unconverted livepatch (undefined non-exported symbols)" "$broken/unconverted.ko" \
    'saved_command_line'
}
