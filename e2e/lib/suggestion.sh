# shellcheck shell=bash
# Sourced by e2e/run: the suggestion case (issue 12, "How it is checked"). No boot: the discovery kallsyms only.
#
# e2e/modules-negative/neg_suggest.c replaces kallsyms_open (unique in vmlinux) and references s_start without
# KLP_SYMPOS. s_start has several static copies in vmlinux; kernel/kallsyms.c's sits a few symbols from
# kallsyms_open in kallsyms. `klp-convert list --json` must suggest exactly that copy, and its position must be
# the one the guest's /proc/kallsyms gives, computed here with awk from the discovery dump, not by the tool.

E2E_SUGGEST_PATCHED=kallsyms_open
E2E_SUGGEST_SYMBOL=s_start

# e2e_nearest_copy KALLSYMS PATCHED NAME: "<position> <distance> <address>" of the copy of vmlinux's static NAME
# nearest to the function PATCHED in kallsyms order (vmlinux lines only: a module line has a 4th field). The
# position counts NAME's vmlinux lines from 1, as kallsyms positions do. Prints an error and returns 1 when
# PATCHED is not exactly once in vmlinux, NAME has fewer than two copies, or two copies are equally near.
e2e_nearest_copy() {
  awk -v patched="$2" -v name="$3" '
    NF != 3 { next }
    { i++ }
    $3 == patched { n_patched++; at = i }
    $3 == name { n++; index_of[n] = i; address_of[n] = $1 }
    END {
      if (n_patched != 1) { printf "%s is %d times in vmlinux, want once\n", patched, n_patched; exit 1 }
      if (n < 2) { printf "%s has %d copies in vmlinux, want several\n", name, n; exit 1 }
      best = 0
      for (p = 1; p <= n; p++) {
        d = index_of[p] - at; if (d < 0) d = -d
        if (best == 0 || d < best_d) { best = p; best_d = d; tie = 0 }
        else if (d == best_d) tie = 1
      }
      if (tie) { printf "two copies of %s are %d symbols from %s\n", name, best_d, patched; exit 1 }
      print best, best_d, address_of[best]
    }' "$1"
}

# e2e_suggested_copies JSON NAME: one line "<object> <position> <address> <reason>" per candidate of symbol NAME
# that `list --json` marks suggested; the first line is "status <status of NAME>".
e2e_suggested_copies() {
  /usr/bin/python3 -c '
import json, sys
document = json.load(open(sys.argv[1]))
entries = [s for s in document["symbols"] if s["name"] == sys.argv[2]]
print("status", entries[0]["status"] if entries else "<not listed>")
for s in entries:
    for c in s["candidates"]:
        if c["suggested"]:
            print(c["object"], c["position"], c["address"] or "-", c["reason"] or "-")
' "$1" "$2"
}

# e2e_hex ADDRESS: ADDRESS in lower case without leading zeros (kallsyms pads to 16 digits).
e2e_hex() { printf '%s\n' "$1" | tr 'A-F' 'a-f' | sed 's/^0*//'; }

e2e_suggestion_cases() {
  local ko=$E2E_OUT/unconverted/neg_suggest.ko json=$E2E_OUT/suggest.json err=$E2E_OUT/suggest.stderr
  local want rc lines status got_obj got_pos got_addr got_reason want_pos want_distance want_addr
  e2e_case "e1: list --json suggests the copy of $E2E_SUGGEST_SYMBOL next to patched $E2E_SUGGEST_PATCHED," \
"at the guest's kallsyms position"
  if [ ! -s "$E2E_DB" ]; then
    e2e_bad "no symbols.klp (case d1 failed)"
  elif ! want=$(e2e_nearest_copy "$E2E_DISC/kallsyms.txt" "$E2E_SUGGEST_PATCHED" "$E2E_SUGGEST_SYMBOL"); then
    e2e_bad "the guest's kallsyms cannot decide the case: $want"
  else
    rc=0
    "$KLP" list --json "$E2E_DB" "$ko" >"$json" 2>"$err" || rc=$?
    # 255: the plan has an error, as it must (s_start is ambiguous without KLP_SYMPOS); the listing is printed.
    [ $rc -eq 255 ] || e2e_bad "klp-convert list exited with status $rc, want 255 (ambiguous):" "$(head -3 "$err")"
    if ! lines=$(e2e_suggested_copies "$json" "$E2E_SUGGEST_SYMBOL" 2>&1); then
      e2e_bad "list --json printed no JSON I can read:" "$(printf '%s\n' "$lines" | tail -2)"
    else
      status=$(printf '%s\n' "$lines" | sed -n '1s/^status //p')
      ck_eq "$status" ambiguous "status of $E2E_SUGGEST_SYMBOL"
      if [ "$(printf '%s\n' "$lines" | sed 1d | wc -l)" != 1 ]; then
        e2e_bad "want exactly one suggested copy of $E2E_SUGGEST_SYMBOL, got:" \
          "$(printf '%s\n' "$lines" | sed 1d | head -3)"
      else
        read -r got_obj got_pos got_addr got_reason < <(printf '%s\n' "$lines" | sed -n 2p)
        read -r want_pos want_distance want_addr <<<"$want"
        ck_eq "$got_obj" vmlinux "object of the suggested copy"
        ck_eq "$got_pos" "$want_pos" "position of the suggested copy (the guest's kallsyms: copy $want_pos is\
 $want_distance symbols from $E2E_SUGGEST_PATCHED)"
        ck_eq "$(e2e_hex "$got_addr")" "$(e2e_hex "$want_addr")" "address of the suggested copy vs the guest's kallsyms"
        case $got_reason in
          *"$E2E_SUGGEST_PATCHED"*) ;;
          *) e2e_bad "the reason '$got_reason' does not name the patched $E2E_SUGGEST_PATCHED" ;;
        esac
        printf '      (list) %s,%s suggested: %s\n' "$got_obj" "$got_pos" "$got_reason"
      fi
    fi
  fi
  e2e_case_end
}
