# Discovery boot: load the stock and target modules the scenarios use (no livepatch), then dump
# /proc/kallsyms so the host can build symbols.klp from the running kernel.
. /e2e/lib.sh
echo "E2E uname $(uname -r)"
for m in $(cat /e2e/discover.order 2>/dev/null); do ins "$m"; done
echo "E2E modules-begin"; cat /proc/modules; echo "E2E modules-end"
dump_kallsyms
