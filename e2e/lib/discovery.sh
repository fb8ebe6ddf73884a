# shellcheck shell=bash
# Sourced by e2e/run: the discovery boot, which loads the (non-livepatch) modules the patches refer to and
# dumps the guest's /proc/kallsyms, from which klp-convert build-db makes symbols.klp.

# e2e_discover DIR MODULE.ko...: boot once, loading the modules in the given order.
# Result: DIR/kallsyms.txt and DIR/console.log. A previous result (in DIR, or of any work dir of this kernel,
# kept in $E2E_KW/discoveries/) is reused when the kernel, the modules and the guest scripts are
# byte-identical (set E2E_FRESH=1 to force a boot).
e2e_discover() {
  local dir=$1 key m name rc=0
  shift
  mkdir -p "$dir"
  key=$(cat "$VMLINUZ" "$@" "$E2E_SRC/guest/init" "$E2E_SRC/guest/lib.sh" "$E2E_SRC/guest/discover.sh" \
        | sha256sum | cut -c1-32)
  if [ "${E2E_FRESH:-0}" != 1 ] && [ -s "$dir/kallsyms.txt" ] && [ "$(cat "$dir/key" 2>/dev/null)" = "$key" ]; then
    e2e_log "discovery: reusing $dir/kallsyms.txt (same kernel and modules)"
    return 0
  fi
  # Another work dir (e.g. another --patch folder) may have booted with the same kernel, modules and scripts.
  local cache=$E2E_KW/discoveries/$key
  if [ "${E2E_FRESH:-0}" != 1 ] && [ -s "$cache/kallsyms.txt" ]; then
    cp "$cache/kallsyms.txt" "$cache/console.log" "$cache/discover.order" "$dir/" && echo "$key" >"$dir/key"
    e2e_log "discovery: reusing $cache (same kernel and modules)"
    return 0
  fi
  rm -f "$dir/key" "$dir/kallsyms.txt" "$dir/kallsyms.gz"
  : >"$dir/discover.order"
  for m in "$@"; do e2e_ko_base "$m" >>"$dir/discover.order"; done
  e2e_initramfs "$dir/discover.cpio.gz" "$E2E_SRC/guest/discover.sh" "$dir/discover.order" "$@"
  e2e_log "discovery boot ($(tr '\n' ' ' <"$dir/discover.order"))"
  e2e_boot "$dir/discover.cpio.gz" "$dir/console.log" "$dir/kallsyms.gz" || rc=$?
  e2e_log "discovery boot finished (qemu status $rc)"
  if ! gzip -dc <"$dir/kallsyms.gz" >"$dir/kallsyms.txt" 2>"$dir/gunzip.err" || [ ! -s "$dir/kallsyms.txt" ]; then
    e2e_die "discovery: no usable /proc/kallsyms dump ($(head -1 "$dir/gunzip.err")); console: $dir/console.log"
    tail -15 "$dir/console.log" >&2
    return 1
  fi
  for m in "$@"; do
    name=$(basename "$(e2e_ko_base "$m")" .ko)
    if ! grep -q "^E2E insmod-$name.ko rc=0" "$dir/console.log"; then
      e2e_die "discovery: insmod $name failed in the guest (console: $dir/console.log)"; return 1
    fi
  done
  echo "$key" >"$dir/key"
  mkdir -p "$cache" && cp "$dir/kallsyms.txt" "$dir/console.log" "$dir/discover.order" "$cache/"
  e2e_log "discovery: $(wc -l <"$dir/kallsyms.txt") kallsyms lines"
}

# e2e_ko_base PATH: the plain module file name of PATH (binfmt_misc.ko for .../binfmt_misc.ko.xz).
e2e_ko_base() { basename "$1" | sed -E 's/\.ko\.(xz|zst|gz)$/.ko/'; }

# e2e_decompress PATH: PATH's module to stdout, decompressed if it is .ko.xz/.ko.zst/.ko.gz.
e2e_decompress() {
  case $1 in
    *.xz) xz -dc "$1" ;;
    *.zst) zstd -qdc "$1" ;;
    *.gz) gzip -dc "$1" ;;
    *) cat "$1" ;;
  esac
}

# e2e_plain_ko PATH: a path to PATH's module uncompressed (PATH itself for a .ko; else a cached copy).
e2e_plain_ko() {
  case $1 in
    *.ko) printf '%s\n' "$1" ;;
    *) local out=$E2E_WORK/plain-$KVER/$(e2e_ko_base "$1")
       if [ ! -s "$out" ] || [ "$1" -nt "$out" ]; then
         mkdir -p "$(dirname "$out")"; e2e_decompress "$1" >"$out.tmp" && mv "$out.tmp" "$out" || return 1
       fi
       printf '%s\n' "$out" ;;
  esac
}

# e2e_stock_with_deps NAME...: paths of the image's stock modules NAME... and of everything they depend on,
# dependencies first, each once (as shipped: .ko on 6.1, .ko.xz on 6.12). The image package carries no
# modules.dep (depmod runs in its postinst, which is not run here), so the "depends=" field of each
# module's .modinfo is followed instead.
e2e_stock_with_deps() {
  local index=$E2E_WORK/stock-modules.$KVER.index name
  if [ ! -s "$index" ]; then
    # "name path" for every module of the image; module names use "_" where file names may use "-".
    find "$KMODDIR/kernel" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \
      | awk '{ n = $0; sub(/.*\//, "", n); sub(/\.ko(\.(xz|zst|gz))?$/, "", n); gsub(/-/, "_", n); print n, $0 }' \
      >"$index"
  fi
  E2E_SEEN_STOCK=" "
  for name in "$@"; do e2e_stock_visit "${name//-/_}" "$index" || return 1; done
}

e2e_stock_visit() {
  local name=$1 index=$2 path deps d
  case $E2E_SEEN_STOCK in *" $name "*) return 0 ;; esac
  E2E_SEEN_STOCK="$E2E_SEEN_STOCK$name "
  path=$(awk -v n="$name" '$1 == n { print $2; exit }' "$index")
  [ -n "$path" ] || { e2e_die "no stock module named $name in $KMODDIR"; return 1; }
  deps=$(readelf -p .modinfo "$(e2e_plain_ko "$path")" | sed -n 's/.*\]  depends=//p' | tr ',' ' ')
  for d in $deps; do e2e_stock_visit "$d" "$index" || return 1; done
  printf '%s\n' "$path"
}
