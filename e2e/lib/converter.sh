# shellcheck shell=bash
# Sourced by e2e/run: finding the project's klp-convert and calling it.

# e2e_find_converter: set KLP to the converter under test.
# $KLP_CONVERT, else .build/release/klp-convert, else .build/debug/klp-convert (built with swift build).
e2e_find_converter() {
  if [ -n "${KLP_CONVERT:-}" ]; then
    KLP=$KLP_CONVERT
  elif [ -x "$E2E_REPO/.build/release/klp-convert" ]; then
    KLP=$E2E_REPO/.build/release/klp-convert
  else
    # Build (or bring up to date) the debug binary: a leftover binary from older sources would be tested
    # otherwise. When nothing changed this is a quick no-op.
    local swift_bin=${SWIFT:-swift}
    command -v "$swift_bin" >/dev/null || [ ! -x /opt/swift/usr/bin/swift ] || swift_bin=/opt/swift/usr/bin/swift
    if command -v "$swift_bin" >/dev/null; then
      e2e_log "swift build --product klp-convert"
      (cd "$E2E_REPO" && "$swift_bin" build --product klp-convert) >"$E2E_WORK/swift-build.log" 2>&1 || {
        tail -20 "$E2E_WORK/swift-build.log" >&2
        e2e_die "swift build failed (log: $E2E_WORK/swift-build.log)"; return 1; }
    fi
    KLP=$E2E_REPO/.build/debug/klp-convert
  fi
  [ -x "$KLP" ] || { e2e_die "no klp-convert binary at $KLP (set KLP_CONVERT or run swift build)"; return 1; }
  e2e_log "converter: $KLP"
}

# e2e_build_db OUT ERRFILE ARGS...: klp-convert build-db -o OUT ARGS; checks the header line.
# Fails (status 1, reason in ERRFILE) when the command is missing, fails, or writes no database.
e2e_build_db() {
  local out=$1 err=$2 rc=0
  shift 2
  rm -f "$out"
  "$KLP" build-db -o "$out" "$@" >"$err.out" 2>"$err" || rc=$?
  if [ $rc -ne 0 ]; then
    printf 'klp-convert build-db exited with status %d: the command is missing from this binary or failed.\n' "$rc" >>"$err"
    printf 'There is no fallback: symbols.klp must come from the project'"'"'s own build-db.\n' >>"$err"
    return 1
  fi
  if ! head -1 "$out" 2>/dev/null | grep -q '^klp-convert-symbol-data\.0\.1'; then
    printf 'klp-convert build-db wrote no database with a klp-convert-symbol-data.0.1 header to %s\n' "$out" >>"$err"
    return 1
  fi
}

# e2e_db_block DB OBJECT: the symbol lines of OBJECT's block in DB, in order ("-file" markers dropped).
e2e_db_block() {
  awk -v o="$2" '/^\*/ { cur = substr($0, 2); next } cur == o && !/^-/ { print }' "$1"
}

# e2e_is_livepatch KO: true if the module's .modinfo has livepatch=Y.
# (grep without -q reads to the end: with -q, readelf may die of SIGPIPE and pipefail turn a match into a failure)
e2e_is_livepatch() { readelf -p .modinfo "$1" 2>/dev/null | grep 'livepatch=Y' >/dev/null; }
