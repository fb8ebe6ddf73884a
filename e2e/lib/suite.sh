# shellcheck shell=bash
# Sourced by e2e/run: the project's own cases on the kernel e2e_setup_kernel chose, in $E2E_KW.
#
# Order: kbuild e2e/modules and e2e/modules-negative without a database (the target module is needed for the
# discovery boot, the unconverted livepatches for n1-n5, c3 and e1), the discovery boot, the database cases,
# the suggestion case (e1), kbuild again with KLP_SYMBOLS (kbuild/klp-convert.mk converts in place: k1, k2),
# the cases that need no boot, the test boot and its checks. Returns 1 only when the machinery itself could not run.

e2e_suite() {
  E2E_OUT=$E2E_KW/out
  E2E_BUILD=$E2E_KW/build/modules
  E2E_NEG_BUILD=$E2E_KW/build/modules-negative
  E2E_DISC=$E2E_KW/discovery
  E2E_DB=$E2E_OUT/symbols.klp
  E2E_LOG=$E2E_OUT/console.log
  rm -rf "$E2E_OUT"; mkdir -p "$E2E_OUT/unconverted"

  e2e_log "kbuild e2e/modules, e2e/modules-negative (no database yet)"
  e2e_kbuild_copy "$E2E_SRC/modules" "$E2E_BUILD"
  e2e_kbuild_copy "$E2E_SRC/modules-negative" "$E2E_NEG_BUILD"
  if ! e2e_kbuild "$E2E_BUILD" "$E2E_OUT/modules.log" || ! e2e_kbuild "$E2E_NEG_BUILD" "$E2E_OUT/modules.log"; then
    grep -E 'error' "$E2E_OUT/modules.log" | head -20 >&2
    e2e_die "kbuild of e2e/modules failed (log: $E2E_OUT/modules.log)"; return 1
  fi
  local ko
  for ko in $(e2e_module_list "$E2E_BUILD") $(e2e_module_list "$E2E_NEG_BUILD"); do
    cp -p "$ko" "$E2E_OUT/unconverted/"
  done
  E2E_STOCK_BINFMT=$(e2e_stock_with_deps binfmt_misc) || return 1
  # The scenarios load binfmt_misc alone: stop plainly if a future kernel gives it dependencies.
  [ "$(printf '%s\n' "$E2E_STOCK_BINFMT" | wc -l)" = 1 ] \
    || { e2e_die "binfmt_misc now depends on other modules ($E2E_STOCK_BINFMT); e2e/guest/scenarios.sh needs updating"
         return 1; }

  # Discovery boot: the kernel plus the ordinary modules the livepatches refer to; no livepatch is loaded.
  e2e_discover "$E2E_DISC" "$E2E_STOCK_BINFMT" "$E2E_BUILD/klp_e2e_target.ko" || return 1

  e2e_database_cases
  e2e_suggestion_cases
  e2e_log "converting (kbuild with KLP_SYMBOLS, through kbuild/klp-convert.mk)"
  e2e_kbuild_conversion_cases
  e2e_negative_cases
  e2e_test_boot
  e2e_scenario_checks
  return 0
}
