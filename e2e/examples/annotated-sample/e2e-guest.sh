# Optional guest script for `e2e/run --patch`: /e2e/lib.sh has helpers (ins, lp_wait, lp_state, show, ksym).
. /e2e/lib.sh
show before /proc/cmdline
ins livepatch-annotated-sample.ko
lp_wait
lp_state livepatch_annotated_sample
show after /proc/cmdline
