#!/bin/sh
# Compiles examples/livepatch-example.c into OUT (default examples/livepatch-example.o) with the flags of a kernel
# module object on x86_64 (no PIC, kernel code model, no FPU/SIMD, no unwind tables, no debug info): the one
# place of these flags, for embed-example.sh (the bundled example) and screenshots.sh.
# usage: scripts/build-example-object.sh [OUT]   (needs gcc for x86_64)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/examples/livepatch-example.o}
cd "$root/examples"
gcc -O2 -c -nostdinc -ffreestanding -fno-common -fno-strict-aliasing -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-jump-tables -fno-pic -mcmodel=kernel \
	-mno-red-zone -mno-sse -mno-mmx -mno-80387 -Wall -Werror -I . \
	-o "$out" livepatch-example.c
