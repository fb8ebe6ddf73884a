#!/usr/bin/env bash
# Fuzzes the engine with libFuzzer (the Swift toolchain's -sanitize=fuzzer,address).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   targets: elf database annotations convert scanner (default: all)
#
#   scripts/fuzz.sh 10        CI smoke run (50 s of fuzzing after a build of about a minute)
#   scripts/fuzz.sh 720       a longer run (an hour over the five targets)
#
# Work files go to .build/fuzz (KLP_FUZZ_DIR overrides): the engine built with coverage and ASan, one binary per
# target, seeds made from Fuzz/Seeds (gcc-built objects, a kbuild .ko when kernel headers are installed, symbol
# databases), and a corpus per target that grows from run to run. Before fuzzing, every file of
# Tests/KLPEngineTests/Fixtures/regressions is replayed. A crash leaves its input in .build/fuzz/artifacts/<target>/
# and makes the script exit 1; copy the input to the regressions folder (named <target>-<what>.bin) once fixed.
# The figures of the run are printed and written to .build/fuzz/last-run.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(elf database annotations convert scanner)
work=${KLP_FUZZ_DIR:-$PWD/.build/fuzz}
mkdir -p "$work/bin" "$work/seeds" "$work/corpus" "$work/artifacts"
regressions=Tests/KLPEngineTests/Fixtures/regressions

# --- build (only when the engine or a target changed) ---
engine_sources=$(find Sources/KLPEngine -name '*.swift' | sort)
builder_sources=$(find Sources/KLPDatabaseBuilder -name '*.swift' | sort)
# The package's C targets, built here by hand as SwiftPM would: their sources, and a module map per target.
c_targets="CLineScan CFileIO CLazyLoad CCompression CLibdw"
c_sources=$(for t in $c_targets; do find "Sources/$t" -type f; done | sort)
stamp=$(cat $engine_sources $builder_sources Fuzz/Targets/*.swift $c_sources | sha256sum | cut -c1-16)
if [ "$(cat "$work/bin/stamp" 2>/dev/null)" != "$stamp" ]; then
  echo "fuzz: building the engine with -sanitize=fuzzer,address ..."
  build_start=$(date +%s)
  # swiftc adds to an existing archive: members of source files since moved or renamed would stay and clash.
  rm -f "$work/bin/libKLPEngine.a" "$work/bin/libKLPDatabaseBuilder.a" "$work/bin/libKLPC.a"
  modules=$work/bin/modules
  rm -rf "$modules" "$work/bin/c"
  mkdir -p "$work/bin/c"
  module_flags=""
  for t in $c_targets; do
    mkdir -p "$modules/$t"
    printf 'module %s {\n    umbrella "%s"\n    export *\n}\n' "$t" "$PWD/Sources/$t/include" > "$modules/$t/module.modulemap"
    module_flags="$module_flags -I $modules/$t -Xcc -I$PWD/Sources/$t/include"
    for c in Sources/$t/*.c; do
      clang -c -O2 -g -fsanitize=address -I Sources/CLazyLoad/include -I "Sources/$t/include" "$c" \
        -o "$work/bin/c/$t-$(basename "$c" .c).o"
    done
  done
  ar rcs "$work/bin/libKLPC.a" "$work/bin"/c/*.o
  # gold warns about every ASan helper symbol it cannot export; the warnings are harmless.
  # shellcheck disable=SC2086
  swiftc -emit-library -static -module-name KLPEngine -emit-module -emit-module-path "$work/bin/KLPEngine.swiftmodule" \
    -enable-testing -package-name klp_convert -parse-as-library -sanitize=fuzzer,address -O -g $module_flags $engine_sources \
    -o "$work/bin/libKLPEngine.a" 2> >(grep -v 'Cannot export local symbol' >&2)
  # The database builder is its own module (the scanner target fuzzes it); it alone needs the compression libraries.
  # shellcheck disable=SC2086
  swiftc -emit-library -static -module-name KLPDatabaseBuilder -emit-module \
    -emit-module-path "$work/bin/KLPDatabaseBuilder.swiftmodule" -enable-testing -package-name klp_convert -parse-as-library \
    -sanitize=fuzzer,address -O -g -I "$work/bin" $module_flags $builder_sources \
    -o "$work/bin/libKLPDatabaseBuilder.a" 2> >(grep -v 'Cannot export local symbol' >&2)
  for t in elf database annotations convert scanner; do
    case $t in
      elf) files=Fuzz/Targets/FuzzELF.swift ;;
      database) files=Fuzz/Targets/FuzzDatabase.swift ;;
      annotations) files="Fuzz/Targets/FuzzAnnotations.swift Fuzz/Targets/FuzzFixtures.swift" ;;
      convert) files="Fuzz/Targets/FuzzConvert.swift Fuzz/Targets/FuzzFixtures.swift" ;;
      scanner) files=Fuzz/Targets/FuzzScanner.swift ;;
    esac
    # shellcheck disable=SC2086
    # The C targets' archive and libdl are named here: autolinking does not reach into a static archive. The
    # compression libraries and libdw are opened with dlopen when first used (CLazyLoad), not linked.
    swiftc -parse-as-library -sanitize=fuzzer,address -O -g -I "$work/bin" $module_flags \
      -L "$work/bin" -lKLPDatabaseBuilder -lKLPEngine -lKLPC -ldl $files \
      -o "$work/bin/fuzz-$t" 2> >(grep -v 'Cannot export local symbol' >&2)
  done
  echo "$stamp" > "$work/bin/stamp"
  echo "fuzz: built in $(( $(date +%s) - build_start )) s"
fi

# --- seeds ---
seeds=$work/seeds
mkdir -p "$seeds/elf" "$seeds/database" "$seeds/annotations"
if [ ! -f "$seeds/done" ]; then
  build=$(mktemp -d)
  cp Fuzz/Seeds/*.c Fuzz/Seeds/klp.h examples/klp_macros.h "$build/"
  for f in annotated minimal unannotated; do
    gcc -O2 -c -fno-pic -mcmodel=kernel -fno-asynchronous-unwind-tables -fno-stack-protector -w \
      "$build/$f.c" -o "$seeds/elf/$f.o"
    gcc -O2 -c -fno-pic -w "$build/$f.c" -o "$seeds/elf/$f-eh.o"  # with .eh_frame and its relocations
    if gcc -O2 -c -m32 -fno-pic -w "$build/$f.c" -o "$seeds/elf/$f-32.o" 2>/dev/null; then :; else
      echo "fuzz: no -m32 support, 32-bit seeds skipped"
    fi
  done
  ld -r -o "$seeds/elf/joined.o" "$seeds/elf/annotated.o" "$seeds/elf/unannotated.o"
  # A linked program: the scanner reads vmlinux (ET_EXEC), so give it an executable layout too.
  printf 'int main(void) { return 0; }\n' > "$build/main.c"
  gcc -O2 -s -Wl,--strip-debug -o "$seeds/elf/program" "$build/main.c" 2>/dev/null || true
  gcc -O2 -o "$seeds/elf/program-symtab" "$build/main.c"
  headers=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort | tail -1 || true)
  if [ -n "$headers" ]; then
    cp -r Fuzz/Seeds/kbuild "$build/kbuild"
    cp examples/klp_macros.h "$build/kbuild/"
    # KBUILD_MODPOST_WARN: the seed uses non-exported symbols on purpose (that is what klp-convert is for).
    if make -s -C "$headers" M="$build/kbuild" KBUILD_MODPOST_WARN=1 modules >/dev/null 2>&1; then
      # Without debug info (about 110 KB -> 8 KB): smaller inputs make faster fuzzing, the layout stays real.
      strip -g -o "$seeds/elf/kbuild.ko" "$build/kbuild/klp_seed.ko"
    else
      echo "fuzz: kbuild seed module did not build; skipped"
    fi
  else
    echo "fuzz: no /usr/src/linux-headers-*-amd64: kbuild seed skipped"
  fi
  rm -rf "$build"
  # Database inputs start with a mode byte: 0 full load, 1 targeted load, 2 Module.symvers merge.
  for f in Fuzz/Seeds/*.klp; do
    { printf '\0'; cat "$f"; } > "$seeds/database/full-$(basename "$f")"
    { printf '\1'; cat "$f"; } > "$seeds/database/only-$(basename "$f")"
  done
  { printf '\2'; cat Fuzz/Seeds/Module.symvers; } > "$seeds/database/symvers"
  # Annotation inputs are field streams (see FuzzAnnotations.swift); a few hand-made ones.
  printf '\0\0\7vmlinux\30AAAAAAAABBBBBBBB\2\0\0\0\2\0init_once\0\0\1\0\0\0\0\0\0\0\0\0' > "$seeds/annotations/one"
  printf '\1\1\4mod1\44AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\3\0\1a\0\1b\1\1c\4\0\14\0\0\0\0\0\0\0\0\1\30\0\0\0\0\0\0\0\0\2\0\0\0\0\0\0\0\0\0\1' > "$seeds/annotations/three"
  touch "$seeds/done"
fi
seeds_for() { case $1 in elf|convert|scanner) echo "$seeds/elf" ;; *) echo "$seeds/$1" ;; esac; }

# --- replay known crashes, then fuzz ---
# symbolize=0: the Swift runtime prints its own symbolicated backtrace on a trap, and ASan's symbolizer can hang.
export ASAN_OPTIONS="symbolize=0:detect_leaks=0:allocator_may_return_null=1"
summary="$work/last-run.txt"
{
  echo "klp-convert fuzz run $(date -u +%Y-%m-%dT%H:%MZ), $seconds s per target, $(nproc) cores, swift $(swiftc --version 2>&1 | sed -n 's/.*version \([0-9.]*\).*/\1/p' | head -1)"
  printf '%-12s %10s %8s %10s %8s %8s\n' target executions seconds exec/s corpus crashes
} > "$summary"
failed=0
for t in "${targets[@]}"; do
  bin=$work/bin/fuzz-$t
  [ -x "$bin" ] || { echo "fuzz: unknown target $t" >&2; exit 2; }
  corpus=$work/corpus/$t
  artifacts=$work/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  replay=$(ls "$regressions"/"$t"-* 2>/dev/null || true)
  if [ -n "$replay" ]; then
    # shellcheck disable=SC2086
    if ! "$bin" -runs=1 $replay > "$work/$t-replay.log" 2>&1; then
      echo "fuzz: $t: a regression input crashes again; see $work/$t-replay.log" >&2
      failed=1
      continue
    fi
  fi
  before=$(ls "$artifacts" | wc -l)
  start=$(date +%s)
  set +e
  # -rss_limit_mb and -timeout make memory blow-ups and hangs findings too; -malloc_limit_mb catches one huge
  # allocation (a size taken from the file) before it happens.
  # KLP_FUZZ_SEED fixes the mutation sequence (CI), so a smoke run repeats what it tried before.
  timeout $((seconds + 120)) "$bin" ${KLP_FUZZ_SEED:+-seed=$KLP_FUZZ_SEED} -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$(seeds_for "$t")" > "$work/$t.log" 2>&1
  status=$?
  set -e
  elapsed=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
  crashes=$(( $(ls "$artifacts" | wc -l) - before ))
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
  size=$(ls "$corpus" | wc -l)
  rate=$(( ${execs:-0} / (elapsed > 0 ? elapsed : 1) ))
  printf '%-12s %10s %8s %10s %8s %8s\n' "$t" "${execs:-?}" "$elapsed" "$rate" "$size" "$crashes" >> "$summary"
  if [ "$crashes" -ne 0 ]; then
    failed=1
    echo "fuzz: $t found a problem (exit $status); log $work/$t.log, inputs in $artifacts/" >&2
    grep -m3 -E 'Fatal error|crashed:|ERROR: (AddressSanitizer|libFuzzer)' "$work/$t.log" >&2 || true
    echo "fuzz: reproduce with: $bin <input>" >&2
  fi
done
cat "$summary"
exit $failed
