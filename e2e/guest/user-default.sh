# Default guest script of `e2e/run --patch DIR`: load every module in /e2e/load.order (stock modules,
# the user's own non-livepatch modules, then the converted livepatches; with --late the livepatches come
# first, so the kernel patches each target module as it loads), and show the result.
. /e2e/lib.sh
echo "E2E uname $(uname -r)"
for m in $(cat /e2e/load.order); do ins "$m"; done
lp_wait
for d in /sys/kernel/livepatch/*; do [ -d "$d" ] && lp_state "$(basename "$d")"; done
echo "E2E modules:"; cat /proc/modules
echo "E2E tainted $(cat /proc/sys/kernel/tainted)"
