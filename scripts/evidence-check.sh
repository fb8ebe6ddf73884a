#!/usr/bin/env bash
# Real-kernel check of build-db's source places (issue 12), outside CI: the -dbg package is ~280-860 MB.
#
#   scripts/evidence-check.sh [VMLINUX]      default: Debian's linux-image-<abi>-dbg for KVER (downloaded with
#                                            apt-get download into $EVIDENCE_CACHE, default .build/evidence-check,
#                                            only the vmlinux unpacked, kept for the next run)
#   KVER=6.1.0-56-cloud-amd64 scripts/evidence-check.sh
#
# Builds symbols.klp from the vmlinux, then for every copy of the homonyms below compares the database's
# path:line with `addr2line -e vmlinux <address>`: same file, and addr2line's line (the first instruction) at most
# $SLACK lines below the declaration. Prints one line per mismatch and "N copies checked, M mismatches"; exit 1 on
# any mismatch. Not checked here (needs the qemu guest of e2e/): that a patch next to one copy gets it suggested
# and that its position equals the guest's /proc/kallsyms.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
names=(init_once s_start t_show type_show name_show)
slack=${SLACK:-5}
cache=${EVIDENCE_CACHE:-.build/evidence-check}
mkdir -p "$cache"

vmlinux=${1:-}
if [ -z "$vmlinux" ]; then
  kver=${KVER:-$(apt-cache depends linux-headers-amd64 | sed -n 's/.*Depends: linux-headers-\(.*\)$/\1/p' | head -1)}
  vmlinux=$cache/usr/lib/debug/boot/vmlinux-$kver
  if [ ! -f "$vmlinux" ]; then
    (cd "$cache" && apt-get download "linux-image-$kver-dbg")
    deb=$(ls "$cache"/linux-image-"$kver"-dbg_*.deb | head -1)
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$cache" --wildcards "./usr/lib/debug/boot/vmlinux-$kver"
    rm -f "$deb"
  fi
fi

swift build -c release --product klp-convert >/dev/null
bin=$(swift build -c release --show-bin-path)/klp-convert
db=$cache/symbols.klp
start=$(date +%s.%N)
"$bin" build-db -o "$db" --vmlinux "$vmlinux"
echo "build-db: $(echo "$(date +%s.%N) - $start" | bc) s for $vmlinux"

checked=0 mismatches=0
while read -r place address; do
  file=${place%:*} line=${place##*:}
  answer=$(addr2line -e "$vmlinux" "$address" | head -1)
  afile=${answer%%:*} aline=${answer##*:} aline=${aline%% *}
  checked=$((checked + 1))
  if [[ "$afile" != */"$file" ]] || ! [[ "$aline" =~ ^[0-9]+$ ]] || [ "$aline" -lt "$line" ] \
      || [ "$aline" -gt $((line + slack)) ]; then
    mismatches=$((mismatches + 1))
    echo "mismatch: $place at $address, addr2line says $answer"
  fi
done < <("$bin" explain "$db" "${names[@]}" | awk '$1 ~ /^vmlinux,/ && $2 ~ /:[0-9]+$/ {print $2, $3}')
echo "$checked copies checked, $mismatches mismatches"
[ "$mismatches" = 0 ]
