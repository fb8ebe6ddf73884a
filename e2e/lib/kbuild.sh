# shellcheck shell=bash
# Sourced by e2e/run: out-of-tree kbuild against Debian's headers.

# e2e_kbuild SRC_DIR BUILD_DIR LOG: copy SRC_DIR to BUILD_DIR (kbuild writes its outputs next to the sources)
# and build every module it lists. KBUILD_MODPOST_WARN=1 turns modpost's "undefined!" errors for the
# non-exported symbols a livepatch uses into warnings: klp-convert resolves those afterwards.
e2e_kbuild() {
  local src=$1 dir=$2 log=$3
  rm -rf "$dir"; mkdir -p "$(dirname "$dir")"
  cp -r "$src" "$dir"
  make -C "$KHEADERS" M="$dir" KBUILD_MODPOST_WARN=1 KCFLAGS="-I$E2E_SRC/include" \
    -j"$(nproc)" modules >"$log" 2>&1
}
