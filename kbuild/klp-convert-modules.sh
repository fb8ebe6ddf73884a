#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run by klp-convert.mk after kbuild linked the modules: convert, in place, every livepatch module listed
# in MODULES_ORDER (kbuild's modules.order: one module per line, "x.o" since 6.2, "x.ko" before).
#
#   KLP_SYMBOLS=symbols.klp KLP_CONVERT=klp-convert OBJCOPY=objcopy klp-convert-modules.sh MODULES_ORDER
#
# For each livepatch module X.ko: the freshly linked module is kept as .X.klp-in.ko; X.ko becomes its
# conversion. .X.ko.klp names the database and converter of the last conversion: a conversion is redone
# when the module was linked again, or the database, the converter or that record changed.
# A failed conversion removes X.ko (no unconverted module left under the final name, and the next make
# links and converts again), the others are still converted, and the script exits 1.
set -u

order=$1
objcopy=${OBJCOPY:-objcopy}
failed=0
unconverted=""

is_livepatch() {
    "$objcopy" -O binary --only-section=.modinfo "$1" /dev/stdout 2>/dev/null | tr '\0' '\n' | grep -qx 'livepatch=Y'
}

# newer A B: A exists and is newer than B, or B is missing.
newer() { [ ! -e "$2" ] || [ "$1" -nt "$2" ]; }

converter=$(command -v "$KLP_CONVERT" 2>/dev/null || true)

for m in $(sed 's/\.k\{0,1\}o$/.ko/' "$order"); do
    [ -f "$m" ] || continue
    dir=$(dirname "$m"); name=$(basename "$m" .ko)
    in=$dir/.$name.klp-in.ko
    record=$dir/.$name.ko.klp
    # A .ko newer than its record was linked again by Makefile.modfinal: it is the new unconverted input.
    if newer "$m" "$record" || [ ! -f "$in" ]; then
        is_livepatch "$m" || continue
        cp -p "$m" "$in" || { failed=1; continue; }
        rm -f "$record"
    fi
    is_livepatch "$in" || continue
    if [ -z "${KLP_SYMBOLS:-}" ]; then
        # (a module converted by an earlier make and not linked since stays as it is)
        [ -f "$record" ] || unconverted="$unconverted $name.ko"
        continue
    fi
    if [ -z "$converter" ]; then
        echo "klp-convert.mk: error: converter '$KLP_CONVERT' not found (set KLP_CONVERT=/path/to/klp-convert)" >&2
        failed=1; rm -f "$m" "$record"; continue
    fi
    if [ ! -f "$KLP_SYMBOLS" ]; then
        echo "klp-convert.mk: error: KLP_SYMBOLS=$KLP_SYMBOLS: no such file" >&2
        failed=1; rm -f "$m" "$record"; continue
    fi
    want="klp-convert $(cd "$(dirname "$KLP_SYMBOLS")" && pwd)/$(basename "$KLP_SYMBOLS") $converter"
    if [ -f "$record" ] && [ "$(cat "$record")" = "$want" ] && ! newer "$KLP_SYMBOLS" "$record" \
       && ! newer "$converter" "$record" && ! newer "$in" "$record"; then
        continue
    fi
    echo "  KLP     $m"
    if "$converter" "$KLP_SYMBOLS" "$in" "$m.klp-tmp"; then
        mv -f "$m.klp-tmp" "$m" && printf '%s\n' "$want" >"$record" || { failed=1; rm -f "$m" "$record"; }
    else
        echo "klp-convert.mk: error: klp-convert failed on $m (its linked input: $in)" >&2
        failed=1; rm -f "$m" "$m.klp-tmp" "$record"
    fi
done

if [ -n "$unconverted" ]; then
    echo "klp-convert.mk: KLP_SYMBOLS is not set: livepatch modules left unconverted:$unconverted" >&2
fi
exit $failed
