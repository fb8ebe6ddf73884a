# shellcheck shell=bash
# Sourced by e2e/run: kbuild/klp-convert.mk, the Makefile fragment an author includes from a Kbuild, is how
# the scenario livepatches get converted (k1); it must make a failed conversion fail the build (k2).

E2E_LIVEPATCHES="lp_s1_var lp_s2_func lp_s3_homonym lp_s4_binfmt lp_s5_data lp_s6_key lp_s7_modhomonym lp_s8_moddata"
E2E_LIVEPATCHES+=" lp_s9_sympos"
E2E_NEGATIVES="neg_ambiguous neg_pos_beyond neg_pos_zero neg_wrong_object neg_mod_ambiguous neg_sympos_zero neg_suggest"

# has_klp_rela KO: KO has a .klp.rela.* section (what conversion adds).
# (grep without -q: see e2e_is_livepatch)
has_klp_rela() { readelf -SW "$1" 2>/dev/null | grep ' \.klp\.rela\.' >/dev/null; }

# e2e_kbuild_conversion_cases: make again with KLP_SYMBOLS; the converted scenario livepatches go to $E2E_OUT/lp.
e2e_kbuild_conversion_cases() {
  local lp ko rc log=$E2E_OUT/convert.log log3=$E2E_OUT/convert-again.log
  mkdir -p "$E2E_OUT/lp"
  e2e_case "k1: make -C <headers> M=... KLP_SYMBOLS=symbols.klp converts the livepatches in place" \
"(kbuild/klp-convert.mk)"
  if [ ! -s "$E2E_DB" ]; then
    e2e_bad "no symbols.klp (case d1 failed)"
  else
    ck_grep "$E2E_OUT/modules.log" 'klp-convert\.mk: KLP_SYMBOLS is not set: livepatch modules left unconverted:' \
      "note of the build without a database"
    for lp in $E2E_LIVEPATCHES; do
      if has_klp_rela "$E2E_OUT/unconverted/$lp.ko"; then e2e_bad "$lp.ko was converted without KLP_SYMBOLS"; fi
    done
    rc=0; e2e_kbuild "$E2E_BUILD" "$log" KLP_SYMBOLS="$E2E_DB" || rc=$?
    [ $rc -eq 0 ] || e2e_bad "make exited with status $rc (log: $log):" \
      "$(grep -E 'klp-convert|Error' "$log" | head -8)"
    for lp in $E2E_LIVEPATCHES; do
      ko=$E2E_BUILD/$lp.ko
      if [ ! -f "$ko" ]; then e2e_bad "no $lp.ko after make (a failed conversion removes it)"; continue; fi
      ck_grep "$log" "^  KLP     $(e2e_ere "$ko")\$" "KLP line for $lp"
      has_klp_rela "$ko" || e2e_bad "$lp.ko has no .klp.rela section after make"
      cmp -s "$E2E_BUILD/.$lp.klp-in.ko" "$E2E_OUT/unconverted/$lp.ko" \
        || e2e_bad ".$lp.klp-in.ko is not the module kbuild linked"
      cp "$ko" "$E2E_OUT/lp/$lp.ko"
    done
    cmp -s "$E2E_BUILD/klp_e2e_target.ko" "$E2E_OUT/unconverted/klp_e2e_target.ko" \
      || e2e_bad "klp_e2e_target.ko (not a livepatch) was changed"
    # Nothing changed: a third make links and converts nothing, and leaves the converted modules alone.
    rc=0; e2e_kbuild "$E2E_BUILD" "$log3" KLP_SYMBOLS="$E2E_DB" || rc=$?
    [ $rc -eq 0 ] || e2e_bad "make again exited with status $rc (log: $log3)"
    ck_nogrep "$log3" '^  (KLP|LD \[M\]) ' "make again re-linked or re-converted"
    for lp in $E2E_LIVEPATCHES; do
      [ ! -f "$E2E_OUT/lp/$lp.ko" ] || cmp -s "$E2E_BUILD/$lp.ko" "$E2E_OUT/lp/$lp.ko" \
        || e2e_bad "$lp.ko changed in a make with nothing to do"
    done
    # What klp-convert said on the way (warnings), for the run's output.
    grep -E '^klp-convert: ' "$log" | sed 's/^/      (converter) /' || true
  fi
  e2e_case_end

  e2e_case "k2: a conversion klp-convert refuses fails make and leaves no module under kbuild's name"
  if [ ! -s "$E2E_DB" ]; then
    e2e_bad "no symbols.klp (case d1 failed)"
  else
    log=$E2E_OUT/convert-negative.log
    rc=0; e2e_kbuild "$E2E_NEG_BUILD" "$log" KLP_SYMBOLS="$E2E_DB" || rc=$?
    [ $rc -ne 0 ] || e2e_bad "make exited 0 although every module of e2e/modules-negative must be refused"
    for lp in $E2E_NEGATIVES; do
      ck_grep "$log" "klp-convert\.mk: error: klp-convert failed on $(e2e_ere "$E2E_NEG_BUILD/$lp.ko")" \
        "error line for $lp"
      [ ! -e "$E2E_NEG_BUILD/$lp.ko" ] || e2e_bad "$lp.ko left in place after a refused conversion"
      [ ! -e "$E2E_NEG_BUILD/$lp.ko.klp-tmp" ] || e2e_bad "$lp.ko.klp-tmp (partial output) left in place"
    done
    ck_grep "$log" 'Define KLP_SYMPOS for the symbol: init_once' "klp-convert's own message in make's output"
  fi
  e2e_case_end
}
