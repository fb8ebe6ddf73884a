# shellcheck shell=bash
# Sourced by e2e/run: logging and the PASS/FAIL ledger.
#
# A "case" is one scenario or one negative check. It collects the reasons it failed while its checks run;
# e2e_case_end prints one PASS/FAIL line for it, named with the kernel it ran on ("PASS: [6.12] s1: ...").
# The last line of a run is "N passed, M failed" over cases; skipped cases print SKIP with the reason.

E2E_T0=$(date +%s)
E2E_PASS=0
E2E_FAIL=0
E2E_FAILED_NAMES=()
E2E_CASE=""
E2E_CASE_ERRS=()
E2E_SKIPPED=0
E2E_KLABEL=""

e2e_log() { printf '[%3ds] %s\n' "$(( $(date +%s) - E2E_T0 ))" "$*" >&2; }
e2e_die() { printf 'e2e: error: %s\n' "$*" >&2; }

# e2e_case NAME...: start a case (NAME's words joined by spaces, so long names can be split in the source).
e2e_case() { E2E_CASE="${E2E_KLABEL:+[$E2E_KLABEL] }$*"; E2E_CASE_ERRS=(); }

# e2e_skip CASE REASON...: a case this kernel cannot run; neither passed nor failed.
e2e_skip() {
  E2E_SKIPPED=$((E2E_SKIPPED + 1))
  printf 'SKIP: %s\n      %s\n' "${E2E_KLABEL:+[$E2E_KLABEL] }$1" "${*:2}"
}

# e2e_bad REASON...: record a failure of the current case.
e2e_bad() { E2E_CASE_ERRS+=("$@"); }

e2e_case_end() {
  local line
  if [ ${#E2E_CASE_ERRS[@]} -eq 0 ]; then
    E2E_PASS=$((E2E_PASS + 1)); printf 'PASS: %s\n' "$E2E_CASE"
  else
    E2E_FAIL=$((E2E_FAIL + 1)); E2E_FAILED_NAMES+=("${E2E_CASE%%:*}")
    printf 'FAIL: %s\n' "$E2E_CASE"
    for line in "${E2E_CASE_ERRS[@]}"; do printf '      %s\n' "$line"; done
  fi
  E2E_CASE=""; E2E_CASE_ERRS=()
}

# ck_grep FILE ERE WHAT: the current case needs a line of FILE matching ERE.
ck_grep() {
  grep -qE -- "$2" "$1" 2>/dev/null || e2e_bad "$3: no line matching /$2/ in $(basename "$1")"
}

# ck_nogrep FILE ERE WHAT [IGNORE_ERE]: the current case needs FILE to have no line matching ERE
# (lines matching IGNORE_ERE excepted).
ck_nogrep() {
  local hits
  hits=$(grep -E -- "$2" "$1" 2>/dev/null | { if [ -n "${4:-}" ]; then grep -vE -- "$4"; else cat; fi; } | head -3) || true
  [ -z "$hits" ] || e2e_bad "$3:" "$hits"
}

# ck_eq GOT WANT WHAT: the current case needs two non-empty equal values.
ck_eq() {
  if [ -z "$1" ] || [ "$1" != "$2" ]; then e2e_bad "$3: got '${1:-<nothing>}', want '${2:-<nothing>}'"; fi
}

# e2e_value LOG TAG: the rest of the first guest line "E2E TAG <rest>".
e2e_value() { sed -n "s/^E2E $2 //p" "$1" | head -1; }

# e2e_nth_field LOG TAG N: field 3 (the value) of the N-th guest line "E2E TAG <value> ...".
e2e_nth_value() { awk -v t="$2" -v n="$3" '$1 == "E2E" && $2 == t { if (++k == n) { print $3; exit } }' "$1"; }

# e2e_first_file GLOB...: print the first argument that is an existing file (an unmatched glob stays literal).
e2e_first_file() { local f; for f in "$@"; do [ -f "$f" ] && { printf '%s\n' "$f"; return 0; }; done; return 0; }

# e2e_ere STRING: STRING with the ERE metacharacters escaped.
e2e_ere() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }

e2e_summary() {
  e2e_log "done"
  if [ "$E2E_FAIL" -gt 0 ]; then printf 'failed: %s\n' "${E2E_FAILED_NAMES[*]}"; fi
  if [ "$E2E_SKIPPED" -gt 0 ]; then printf '%d skipped (see SKIP lines)\n' "$E2E_SKIPPED"; fi
  printf '%d passed, %d failed\n' "$E2E_PASS" "$E2E_FAIL"
}
