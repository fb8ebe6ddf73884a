# Optional guest script for `e2e/run --patch`: /e2e/lib.sh has helpers (ins, lp_wait, lp_state, show, ksym).
. /e2e/lib.sh
show before /proc/cmdline
ins livepatch-annotated-sample.ko
lp_wait
lp_state livepatch_annotated_sample
show after /proc/cmdline
# A check's verdict joins the run's PASS/FAIL lines (and a failing one fails e2e/run).
check "cmdline ends with livepatch=1" grep -q 'livepatch=1$' /proc/cmdline
