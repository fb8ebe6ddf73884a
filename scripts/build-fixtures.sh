#!/bin/bash
# Build the test fixture objects from Tests/KLPEngineTests/Fixtures/src for one architecture.
#
#   scripts/build-fixtures.sh [--arch ARCH] OUTDIR
#
# ARCH: x86_64 (default, host gcc), ppc64le, ppc64 (big-endian, ELFv1), s390x, arm64, ppc32
# (Debian cross compilers gcc-<triple>), or "cross" = every cross architecture, each into
# OUTDIR/<arch>/.
# Only lp_extra.c is compiled with -g (livepatch.o then has .rela.debug_* sections that refer to an
# annotation array); the other objects carry no debug info.  .comment is kept: it records the
# compiler version that made a committed object.
#
# The compile options follow the kernel's module options where they shape the relocations:
# x86_64 -mcmodel=kernel -fno-pic, ppc64le ELFv2 -mcmodel=medium (TOC, .toc) -mno-pcrel, s390x -fPIC
# (the s390 kernel builds modules -fPIC), arm64 -fno-pic with patchable function entries, ppc32
# -fno-pic -ffixed-r2 -G 0.  Every object is a relocatable `ld -r` link, like a kernel module's
# <module>.o / <module>.tmp.ko.
#
# Objects (see Fixtures/README.md for what each exercises):
#   test_klp_convert_mod.o  mod_a.c + mod_b.c        target module with homonyms in two files
#   livepatch.o             lp_main.c + lp_extra.c   main livepatch, both files annotate vmlinux
#   livepatch2.o            lp2.c                    positions 2, automatic resolution
#   lp_noop.o               lp_noop.c                nothing to convert
#   lp_minimal.o            lp_minimal.c             minimal-version .klp.sym.rela. names
#   lp_v4_record.o          lp_v4_record.c           v4 annotation layout: 12 bytes on 64-bit, 8 on ppc32
#   bad_*.o                 bad_*.c                  one error category each
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../Tests/KLPEngineTests/Fixtures/src" && pwd)
arch=x86_64
out=""
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch="$2"; shift 2 ;;
	-h|--help) sed -n '2,13p' "$0"; exit 0 ;;
	-*) echo "build-fixtures.sh: unknown option $1" >&2; exit 2 ;;
	*) out="$1"; shift ;;
	esac
done
[ -n "$out" ] || { echo "usage: build-fixtures.sh [--arch ARCH] OUTDIR" >&2; exit 2; }

if [ "$arch" = cross ]; then
	for a in ppc64le ppc64 s390x arm64 ppc32; do
		"$0" --arch "$a" "$out/$a"
	done
	# Record what the objects were built from (klp_test.h includes examples/klp_macros.h), so a test
	# notices committed objects that are older than their sources.
	root=$(cd "$here/.." && pwd)
	(cd "$root" && sha256sum scripts/build-fixtures.sh examples/klp_macros.h Tests/KLPEngineTests/Fixtures/src/*) \
		> "$out/SOURCES.sha256"
	exit 0
fi

common=(-O2 -c -nostdinc -ffreestanding -fno-common -fno-strict-aliasing -fno-stack-protector
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-jump-tables -Wall -Werror -I .)
case "$arch" in
x86_64)
	prefix=""
	flags=(-m64 -mcmodel=kernel -fno-pic -mno-red-zone -mno-sse -mno-mmx -mno-80387
		-pg -mfentry -mrecord-mcount) ;;
ppc64)
	# Big-endian ppc64 with the classic ELFv1 ABI: function descriptors in .opd, TOC via .toc.
	prefix=powerpc64-linux-gnu-
	flags=(-m64 -mbig-endian -mabi=elfv1 -mcmodel=medium -mno-pcrel -mno-prefixed -msoft-float
		-mno-altivec -mno-vsx -pg) ;;
ppc64le)
	prefix=powerpc64le-linux-gnu-
	flags=(-m64 -mlittle-endian -mabi=elfv2 -mcmodel=medium -mno-pcrel -mno-prefixed -msoft-float
		-mno-altivec -mno-vsx -pg -mprofile-kernel) ;;
s390x)
	prefix=s390x-linux-gnu-
	flags=(-m64 -march=z10 -fPIC -mbackchain -msoft-float -mpacked-stack -pg -mfentry -mrecord-mcount) ;;
arm64)
	prefix=aarch64-linux-gnu-
	flags=(-fno-pic -mgeneral-regs-only -mbranch-protection=none -fpatchable-function-entry=2) ;;
ppc32)
	prefix=powerpc-linux-gnu-
	flags=(-m32 -mcpu=powerpc -msoft-float -ffixed-r2 -fno-pic -G 0 -mno-altivec -pg) ;;
*)
	echo "build-fixtures.sh: unknown arch $arch (x86_64 ppc64le ppc64 s390x arm64 ppc32 cross)" >&2; exit 2 ;;
esac

cc="${prefix}gcc"
ld="${prefix}ld"
for tool in "$cc" "$ld"; do
	command -v "$tool" >/dev/null || {
		echo "build-fixtures.sh: $tool not found (install the Debian package for $arch)" >&2; exit 1; }
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Compile from inside src/ with relative names and a debug prefix map, so __FILE__ and the debug
# info hold no absolute paths and a rebuild on another machine gives the same bytes.
compile() { # compile <file.c> [extra flags...]
	local c="$1"; shift
	(cd "$src" && "$cc" "${common[@]}" "${flags[@]}" -fdebug-prefix-map="$src"=. "$@" \
		-o "$tmp/$(basename "$c" .c).o" "$c")
}
link() { # link <out.o> <unit.o>...
	local o="$1"; shift
	"$ld" -r -o "$out/$o" "$@"
}

compile mod_a.c
compile mod_b.c
link test_klp_convert_mod.o "$tmp/mod_a.o" "$tmp/mod_b.o"

compile lp_main.c
compile lp_extra.c -g -ffunction-sections
link livepatch.o "$tmp/lp_main.o" "$tmp/lp_extra.o"

for f in lp2 lp_noop lp_minimal lp_v4_record bad_sections bad_ambiguous bad_notfound bad_unused \
	bad_sympos bad_jump_module; do
	compile "$f.c"
done
link livepatch2.o "$tmp/lp2.o"
for f in lp_noop lp_minimal lp_v4_record bad_sections bad_ambiguous bad_notfound bad_unused bad_sympos \
	bad_jump_module; do
	link "$f.o" "$tmp/$f.o"
done
compile bad_conflict_a.c
compile bad_conflict_b.c
link bad_conflict.o "$tmp/bad_conflict_a.o" "$tmp/bad_conflict_b.o"
