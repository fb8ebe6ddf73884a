# shellcheck shell=bash
# Sourced by e2e/run: out-of-tree kbuild against a kernel's headers, through kbuild/klp-convert.mk.

# e2e_kbuild_copy SRC_DIR BUILD_DIR: a fresh copy of SRC_DIR (kbuild writes its outputs next to the sources).
e2e_kbuild_copy() {
  rm -rf "$2"; mkdir -p "$(dirname "$2")"
  cp -r "$1" "$2"
}

# e2e_kbuild BUILD_DIR LOG [MAKE_VARIABLE=VALUE...]: `make -C $KHEADERS M=BUILD_DIR modules`, the way an
# author builds a livepatch: a Kbuild that includes $(KLP_CONVERT_MK) has its livepatch modules converted
# after modpost when KLP_SYMBOLS is given (see kbuild/klp-convert.mk). The make output is appended to LOG.
e2e_kbuild() {
  local dir=$1 log=$2
  shift 2
  make -C "$KHEADERS" M="$dir" KCFLAGS="-I$E2E_SRC/include" \
    KLP_CONVERT_MK="$E2E_REPO/kbuild/klp-convert.mk" KLP_CONVERT="$KLP" \
    -j"$(nproc)" modules "$@" >>"$log" 2>&1
}

# e2e_module_list BUILD_DIR: the .ko files kbuild built, in modules.order order ("x.o" lines since 6.2).
e2e_module_list() { sed 's/\.k\{0,1\}o$/.ko/' "$1/modules.order"; }
