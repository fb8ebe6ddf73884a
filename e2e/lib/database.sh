# shellcheck shell=bash
# Sourced by e2e/run: the database cases. symbols.klp, the database every conversion uses, comes from
# `klp-convert build-db` alone; its module blocks must list what the kernel itself listed.

# db_same_as_guest DB OBJECT: the current case needs OBJECT's block in DB to list exactly the guest's
# /proc/kallsyms lines of that module, in the same order (the kernel's view, without 'u'ndefined entries).
db_same_as_guest() {
  local db=$1 o=$2 diffout tag
  tag=$(basename "$db" .klp)
  awk -v m="[$o]" '$4 == m && $2 != "u" { print $3 }' "$E2E_DISC/kallsyms.txt" >"$E2E_OUT/guest-$o.syms"
  e2e_db_block "$db" "$o" >"$E2E_OUT/$tag-$o.syms"
  [ -s "$E2E_OUT/guest-$o.syms" ] || e2e_bad "the guest's kallsyms has no line of module $o"
  if ! diffout=$(diff "$E2E_OUT/guest-$o.syms" "$E2E_OUT/$tag-$o.syms"); then
    e2e_bad "*$o block of $(basename "$db") differs from the guest's kallsyms (< guest, > database):" \
      "$(printf '%s\n' "$diffout" | head -6)"
  fi
}

# e2e_database_cases: symbols.klp (the one every conversion uses) from the guest's kallsyms for vmlinux and
# from the module files for the modules involved; their blocks must list what the kernel itself listed.
e2e_database_cases() {
  local err=$E2E_OUT/build-db.stderr n_guest n_db o
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
    for o in binfmt_misc klp_e2e_target; do db_same_as_guest "$E2E_DB" "$o"; done
  else
    e2e_bad "$(head -5 "$err")"
    rm -f "$E2E_DB"
  fi
  e2e_case_end

  e2e_case "d2: klp-convert build-db leaves livepatch modules out"
  if e2e_build_db "$E2E_OUT/lp-left-out.klp" "$E2E_OUT/build-db-lp.stderr" \
       --modules "$E2E_BUILD/klp_e2e_target.ko" --modules "$E2E_OUT/unconverted/lp_s1_var.ko"; then
    grep -qx '\*klp_e2e_target' "$E2E_OUT/lp-left-out.klp" || e2e_bad "no *klp_e2e_target block"
    if grep -qx '\*lp_s1_var' "$E2E_OUT/lp-left-out.klp"; then e2e_bad "livepatch module lp_s1_var was not left out"; fi
  else
    e2e_bad "$(head -5 "$E2E_OUT/build-db-lp.stderr")"
  fi
  e2e_case_end

  # d3: the image's whole module tree as shipped (6.12: .ko.xz), as an author's build-db for an installed
  # kernel reads it. Every module the discovery boot loaded must come out in the guest's kallsyms order.
  local loaded m rc=0 tree_db=$E2E_OUT/tree.klp
  e2e_case "d3: build-db on the image's whole module tree ($(e2e_tree_kind)) lists every loaded module in the" \
"guest's kallsyms order"
  "$KLP" build-db -o "$tree_db" --kallsyms "$E2E_DISC/kallsyms.txt" --modules "$KMODDIR/kernel" \
    --modules "$E2E_BUILD/klp_e2e_target.ko" >"$E2E_OUT/build-db-tree.out" 2>"$E2E_OUT/build-db-tree.stderr" || rc=$?
  # Status 2: written, but some input was skipped (listed on stderr); the loaded modules must not be among them.
  if [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
    e2e_bad "build-db exited with status $rc:" "$(head -5 "$E2E_OUT/build-db-tree.stderr")"
  else
    loaded=$(sed -n '/^E2E modules-begin/,/^E2E modules-end/{/^E2E/d;p}' "$E2E_DISC/console.log" \
      | awk 'NF >= 6 && $1 ~ /^[A-Za-z0-9_]+$/ && $2 ~ /^[0-9]+$/ { print $1 }')
    [ -n "$loaded" ] || e2e_bad "no module list in the discovery console"
    for m in $loaded; do db_same_as_guest "$tree_db" "$m"; done
  fi
  e2e_case_end

  # d4: `build-db --release <abi> --root <image>` finds the same module tree by itself (issue 15's one-command
  # database, as an author runs it for an installed kernel), skips Debian's placeholder System.map with a note,
  # and writes exactly the database d3's explicit inputs give for the shipped modules.
  local release_db=$E2E_OUT/release.klp explicit_db=$E2E_OUT/explicit.klp rerr=$E2E_OUT/build-db-release.stderr
  e2e_case "d4: build-db --release $KVER --root <unpacked image> finds the image's inputs by itself"
  rc=0
  "$KLP" build-db -o "$release_db" --release "$KVER" --root "$KIMG" --kallsyms "$E2E_DISC/kallsyms.txt" \
    >/dev/null 2>"$rerr" || rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
    e2e_bad "build-db --release exited with status $rc:" "$(head -5 "$rerr")"
  else
    grep -q "used modules: $KMODDIR/kernel" "$rerr" || e2e_bad "the module tree was not found:" "$(head -8 "$rerr")"
    grep -q "skipped System.map" "$rerr" || e2e_bad "Debian's placeholder System.map was not reported as skipped"
    rc=0
    "$KLP" build-db -o "$explicit_db" --kallsyms "$E2E_DISC/kallsyms.txt" --modules "$KMODDIR/kernel" \
      >/dev/null 2>&1 || rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
      e2e_bad "build-db with explicit inputs exited with status $rc"
    elif ! cmp -s "$release_db" "$explicit_db"; then
      e2e_bad "--release --root and the explicit inputs give different databases:" \
        "$(diff "$release_db" "$explicit_db" | head -6)"
    fi
  fi
  e2e_case_end
}

# e2e_tree_kind: how the image ships its modules, e.g. "4066 .ko.xz".
e2e_tree_kind() {
  find "$KMODDIR/kernel" -name '*.ko*' | sed -E 's/.*(\.ko(\.[a-z]+)?)$/\1/' | sort | uniq -c \
    | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }'
}
